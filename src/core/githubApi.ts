/**
 * The GitHub operations core needs (the `GitHubApi` port). Implemented over Octokit in
 * src/github/; every method throws `GitHubError` for faults and returns plain values.
 * Reads are complete (all pages) or they throw: an incomplete read never means "none".
 */
import type { GitHubRepoRef } from './remote';

/** A release as GitHub stores it. */
export interface GhRelease {
  id: number;
  tagName: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  /** Branch or SHA the release was created against. */
  targetCommitish: string;
  htmlUrl: string;
  /** True when GitHub's immutable releases protect it (published releases cannot be edited). */
  immutable: boolean;
  createdAt: string;
  publishedAt: string | null;
  /** The Discussion created for the release (discussion_category_name), when there is one. */
  discussionUrl?: string | null;
}

/** A comment on an issue or pull request. */
export interface GhComment {
  id: number;
  body: string;
  url: string;
}

/** What we ask GitHub to create. */
export interface NewRelease {
  tagName: string;
  targetSha: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  makeLatest: boolean;
}

/** One CI signal on a commit: a check run or a commit status. */
export interface GhCheck {
  source: 'check-run' | 'status';
  name: string;
  /** check runs: queued | in_progress | completed | waiting | requested | pending; statuses: completed or pending. */
  status: string;
  /** check runs: success | failure | neutral | cancelled | skipped | timed_out | action_required | stale | null; statuses: success | failure | error | null. */
  conclusion: string | null;
  url: string | null;
}

/** A pull request as the notes use it. */
export interface GhPull {
  number: number;
  title: string;
  labels: string[];
  author: string | null;
  url: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}

/** An open issue or pull request. */
export interface GhIssue {
  number: number;
  title: string;
  url: string;
  isPull: boolean;
  labels: string[];
}

/** One status of a deployment (the same shape as the deploy core's `DeploymentStatusRecord`). */
export interface GhDeploymentStatus {
  state: 'success' | 'inactive' | 'failure' | 'error' | 'in_progress' | 'queued' | 'pending';
  createdAt: string;
  description?: string;
}

/** A deployment with every status (any creator), for the metrics. */
export interface GhDeployment {
  id: number;
  environment: string;
  sha: string;
  ref: string;
  createdAt: string;
  creator: string | null;
  /** What Release Manager put in its payload (`release_manager`); null for deployments others made. */
  ours: { correlationId: string | null; operation: string | null; weight: number | null; version: string | null; ref: string | null } | null;
  /** Every status, newest first, `inactive` included. */
  statuses: GhDeploymentStatus[];
}

/** An issue (never a pull request) with its labels, open or closed. */
export interface GhLabeledIssue {
  number: number;
  title: string;
  /** The first 4,000 characters of the body. */
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  createdAt: string;
  closedAt: string | null;
}

/** A milestone with its counts (issues and pull requests together, as GitHub counts them). */
export interface GhMilestone {
  number: number;
  title: string;
  state: 'open' | 'closed';
  description: string | null;
  /** ISO-8601 or null when the milestone has no due date. */
  dueOn: string | null;
  openItems: number;
  closedItems: number;
  url: string;
}

/** An issue or pull request of a milestone, open or closed. */
export interface GhMilestoneItem {
  number: number;
  title: string;
  url: string;
  isPull: boolean;
  labels: string[];
  state: 'open' | 'closed';
  /** For pull requests: when it merged (null when closed unmerged or open, and for issues). */
  mergedAt: string | null;
}

/** How a commit relates to a branch on GitHub. */
/** One GitHub Actions workflow run (the latest attempt), for the risk score's failed CI attempts. */
export interface GhWorkflowRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  /** success, failure, cancelled, timed_out…; null while it runs. */
  conclusion: string | null;
  /** 1 for the first attempt; more after a re-run. */
  attempt: number;
  createdAt: string;
  url: string;
}

export type BranchRelation = 'contained' | 'not-contained' | 'unknown-commit';

export interface GitHubApi {
  readonly repo: GitHubRepoRef;
  /** The login the token belongs to. */
  whoami(signal?: AbortSignal): Promise<string>;
  /** The commit a tag points at on GitHub (annotated tags peeled), or null when the tag does not exist. */
  tagCommit(tag: string, signal?: AbortSignal): Promise<string | null>;
  /** Creates a lightweight tag at the commit. Never retried: callers read back on failure. */
  createTag(tag: string, sha: string, signal?: AbortSignal): Promise<void>;
  /** Every release, drafts included (drafts are visible only with push access). */
  listReleases(signal?: AbortSignal): Promise<GhRelease[]>;
  getRelease(id: number, signal?: AbortSignal): Promise<GhRelease | null>;
  createRelease(release: NewRelease, signal?: AbortSignal): Promise<GhRelease>;
  updateRelease(id: number, patch: { body?: string; name?: string; draft?: boolean; makeLatest?: boolean; discussionCategoryName?: string }, signal?: AbortSignal): Promise<GhRelease>;
  /** Comments on an issue (or pull request); returns the comment. */
  commentOnIssue(issue: number, body: string, signal?: AbortSignal): Promise<GhComment>;
  /** Every comment of an issue (all pages), oldest first. */
  issueComments(issue: number, signal?: AbortSignal): Promise<GhComment[]>;
  /** Check runs (latest attempt per name) and commit statuses (latest per context) of exactly this commit. */
  checksFor(sha: string, signal?: AbortSignal): Promise<GhCheck[]>;
  /** Whether the commit is on the remote branch. */
  branchContains(branch: string, sha: string, signal?: AbortSignal): Promise<BranchRelation>;
  /** Open issues and pull requests with the label. */
  openWithLabel(label: string, signal?: AbortSignal): Promise<GhIssue[]>;
  /** Open issues and pull requests in the milestone with this title; null when there is no such milestone. */
  openInMilestone(title: string, signal?: AbortSignal): Promise<GhIssue[] | null>;
  /** Every milestone (open and closed; all pages), in GitHub's order (due date, then number). */
  listMilestones(signal?: AbortSignal): Promise<GhMilestone[]>;
  /** Every issue and pull request of the milestone (by number), open and closed; all pages are read. */
  milestoneItems(milestone: number, signal?: AbortSignal): Promise<GhMilestoneItem[]>;
  /** Pull requests that contain the commit (merged ones first). */
  pullsForCommit(sha: string, signal?: AbortSignal): Promise<GhPull[]>;
  getPull(number: number, signal?: AbortSignal): Promise<GhPull | null>;
  /**
   * The deployments of an environment created at or after `since` (ISO-8601), plus the `before`
   * newest ones created earlier (default 20: they decide rollbacks and lead-time ranges), newest
   * first, each with all its statuses; every page is read.
   */
  deploymentHistory(environment: string, options: { since: string; before?: number }, signal?: AbortSignal): Promise<GhDeployment[]>;
  /** Issues (not pull requests) with the label, open and closed, updated at or after `since` when given; every page is read. */
  issuesWithLabel(label: string, since: string | null, signal?: AbortSignal): Promise<GhLabeledIssue[]>;
  /** GitHub logins of the commits between two commits (keyed by full SHA); commits whose author has no account are absent. */
  commitLogins(base: string | null, head: string, signal?: AbortSignal): Promise<Map<string, string>>;
  /** Workflow runs created at or after `since` (ISO-8601), every page, newest first. */
  workflowRunsSince(since: string, signal?: AbortSignal): Promise<GhWorkflowRun[]>;
}
