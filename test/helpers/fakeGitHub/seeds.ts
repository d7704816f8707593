// What a test seeds the fake GitHub with (FakeGitHub.addRepo, addRelease, addCheckRun, … addMilestone): the
// fields GitHub would have, in GitHub's own names, the rest defaulted by the fake.
import type { CheckRunRecord, DeploymentState, IssueRecord, RunConclusion, RunStatus, StatusRecord } from './state';

export interface AddRepoOptions {
  /** A real git repository (bare or not) playing GitHub's copy. */
  gitDir: string;
  /** Default: the repository's HEAD branch. */
  defaultBranch?: string;
  /** GitHub's immutable releases: published releases get `immutable: true`; tag and state locked. */
  immutableReleases?: boolean;
  /** Eventual consistency: a release created through the API is missing from the next N `GET /releases`. */
  listLag?: number;
  /** Eventual consistency: a run created by a dispatch is missing from the next N `GET …/runs` lists. */
  runListLag?: number;
}

export interface SeedRelease {
  tag_name: string;
  target_commitish?: string;
  name?: string | null;
  body?: string | null;
  draft?: boolean;
  prerelease?: boolean;
  author?: string;
  created_at?: string;
  published_at?: string;
  immutable?: boolean;
}

export interface SeedCheckRun {
  head_sha: string;
  name: string;
  status?: CheckRunRecord['status'];
  conclusion?: CheckRunRecord['conclusion'];
  started_at?: string | null;
  completed_at?: string | null;
  check_suite_id?: number;
  details_url?: string | null;
  app?: { slug: string; name: string };
  output?: { title?: string | null; summary?: string | null };
}

export interface SeedStatus {
  context: string;
  state: StatusRecord['state'];
  description?: string | null;
  target_url?: string | null;
  creator?: string;
  created_at?: string;
}

export interface SeedPull {
  number?: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  draft?: boolean;
  labels?: string[];
  /** Author login (default `'octocat'`). */
  user?: string;
  milestone?: number | null;
  /** Head branch and SHA (default: `pr-<n>` at the last of `commits`). */
  head?: { ref: string; sha?: string };
  /** Base branch (default: the repository's default branch). */
  base?: string;
  /** SHAs of the commits the pull request contains. */
  commits?: string[];
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  merged_by?: string | null;
  created_at?: string;
  closed_at?: string | null;
}

export interface SeedIssue {
  number?: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  state_reason?: IssueRecord['state_reason'];
  labels?: string[];
  milestone?: number | null;
  user?: string;
  /** Listed with a `pull_request` key, like a pull request in the issues API. */
  pull_request?: boolean;
  created_at?: string;
  closed_at?: string | null;
}

export interface SeedRun {
  /** The workflow by file name (`deploy.yml`) or path; registered when GitHub does not know it yet. */
  workflow: string;
  /** Default `push`. */
  event?: string;
  /** Default: the default branch. */
  head_branch?: string | null;
  /** Default: the head of `head_branch`. */
  head_sha?: string;
  /** Default `completed`. */
  status?: RunStatus;
  /** Default `success` when completed. */
  conclusion?: RunConclusion | null;
  actor?: string;
  /** Default: the workflow name for dispatches, the commit subject otherwise. */
  display_title?: string;
  inputs?: Record<string, string>;
  created_at?: string;
  /** Job names instead of the jobs of the workflow file at `head_sha`. */
  jobs?: string[];
}

export interface SeedDeploymentStatus {
  state: DeploymentState;
  description?: string;
  environment?: string;
  environment_url?: string;
  log_url?: string;
  creator?: string;
  created_at?: string;
  /** Default false for seeds: exactly the statuses given. */
  auto_inactive?: boolean;
}

export interface SeedDeployment {
  ref: string;
  /** Default: the commit `ref` resolves to. */
  sha?: string;
  /** Default `production`. */
  environment?: string;
  task?: string;
  payload?: Record<string, unknown> | string;
  description?: string | null;
  creator?: string;
  created_at?: string;
  transient_environment?: boolean;
  production_environment?: boolean;
  /** Made by GitHub Actions (`performed_via_github_app`). */
  viaActions?: boolean;
  /** Oldest first. */
  statuses?: SeedDeploymentStatus[];
}

export interface SeedMilestone {
  number?: number;
  title: string;
  description?: string | null;
  state?: 'open' | 'closed';
  due_on?: string | null;
  creator?: string;
}
