/**
 * What the fake GitHub remembers per repository, as plain JSON-like records. Git data (commits,
 * branches, tags) is not here: it lives in the repository on disk (`gitDir`).
 */
import type { GitRemote } from './git';

export interface ReleaseRecord {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  /** Login of the creator. */
  author: string;
  created_at: string;
  published_at: string | null;
  updated_at: string;
  /** Set when published in a repository with immutable releases; never cleared. */
  immutable: boolean;
  /** Remaining `GET /releases` list calls that do not see this release yet (eventual consistency). */
  hiddenFromLists: number;
  /** Random part of the `untagged-…` URL GitHub gives drafts. */
  untagged: string;
}

export interface ApiRefRecord {
  ref: string;
  sha: string;
  created_at: string;
}

export interface CheckRunRecord {
  id: number;
  head_sha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
  started_at: string | null;
  completed_at: string | null;
  check_suite_id: number;
  details_url: string | null;
  app: { slug: string; name: string };
  output: { title: string | null; summary: string | null };
}

export interface StatusRecord {
  id: number;
  sha: string;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  target_url: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
}

export interface PullRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  labels: string[];
  user: string;
  milestone: number | null;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  /** SHAs of the commits the pull request contains (its branch's commits). */
  commits: string[];
  merged_at: string | null;
  merge_commit_sha: string | null;
  merged_by: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'reopened' | 'not_planned' | 'duplicate' | null;
  labels: string[];
  milestone: number | null;
  user: string;
  /** An issue entry standing for a pull request that has no PullRecord. */
  pull_request: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface MilestoneRecord {
  number: number;
  id: number;
  title: string;
  description: string | null;
  state: 'open' | 'closed';
  creator: string;
  due_on: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface RepoState {
  owner: string;
  name: string;
  id: number;
  git: GitRemote;
  defaultBranch: string;
  immutableReleases: boolean;
  /** How many `GET /releases` calls a newly created release stays unlisted for. */
  listLag: number;
  created_at: string;
  releases: ReleaseRecord[];
  /** Releases created with `make_latest: "true"` take the "latest" badge; null: by date (legacy). */
  latestReleaseId: number | null;
  apiRefs: ApiRefRecord[];
  checkRuns: CheckRunRecord[];
  statuses: StatusRecord[];
  pulls: PullRecord[];
  issues: IssueRecord[];
  milestones: MilestoneRecord[];
  labels: Map<string, { id: number; color: string; description: string }>;
  nextNumber: number;
  nextMilestone: number;
}
