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
  /** The Discussion category given on create or update: the release then has a discussion. */
  discussion_category_name?: string;
}

/** A comment on an issue or pull request. */
export interface IssueCommentRecord {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
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

// ---------------------------------------------------------------------------------------------
// Actions

export type RunStatus = 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | 'startup_failure';
export type JobStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type JobConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** A workflow file GitHub knows (found on the default branch, or seeded). */
export interface WorkflowRecord {
  id: number;
  /** `.github/workflows/deploy.yml` */
  path: string;
  state: 'active' | 'deleted' | 'disabled_fork' | 'disabled_inactivity' | 'disabled_manually';
  created_at: string;
  updated_at: string;
  /** Next `run_number`. */
  nextRunNumber: number;
}

export interface StepRecord {
  name: string;
  number: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: JobConclusion | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface JobRecord {
  id: number;
  name: string;
  /** Attempt of the run this job execution belongs to. */
  run_attempt: number;
  status: JobStatus;
  conclusion: JobConclusion | null;
  created_at: string;
  started_at: string;
  completed_at: string | null;
  steps: StepRecord[];
  labels: string[];
  runner_name: string | null;
  /** Environment the job deploys to (`jobs.<id>.environment`), evaluated; null for none. */
  environment: string | null;
  /** `jobs.<id>.environment.url` when it is a literal URL. */
  environment_url: string | null;
  /** The deployment GitHub created for this job execution (jobs with an environment). */
  deploymentId: number | null;
}

/** One environment a run waits for (required reviewers and/or a wait timer). */
export interface PendingRecord {
  environmentId: number;
  /** Names of the jobs waiting for it. */
  jobs: string[];
  /** When the wait timer started (ms); it ends `wait_timer` minutes later. */
  waitStartedMs: number;
  waitTimerMin: number;
  /** Whether the environment has required reviewers. */
  needsReview: boolean;
  /** When a reviewer approved (ms); null while unapproved. */
  approvedMs: number | null;
}

export interface ApprovalRecord {
  environmentIds: number[];
  state: 'approved' | 'rejected';
  user: string;
  comment: string;
}

/** A scripted transition of a run, applied when the injected clock passes `after` (see `FakeGitHub.scriptRuns`). */
export interface ScriptStep {
  /** Milliseconds after the run (attempt) became runnable: created, or released by reviews and wait timers. */
  after: number;
  status: RunStatus;
  conclusion?: RunConclusion | null;
  jobs?: JobAdvance[];
  /** Only in this attempt (default: every attempt). */
  attempt?: number;
}

/** How a job changes in `advanceRun` (jobs are matched by name; an unknown name adds a job). */
export interface JobAdvance {
  name: string;
  status?: JobStatus;
  conclusion?: JobConclusion | null;
  /** Steps by name (an unknown name adds a step before "Complete job"). */
  steps?: Array<{ name: string; status?: StepRecord['status']; conclusion?: JobConclusion | null }>;
}

export interface RunRecord {
  id: number;
  workflowId: number;
  /** Workflow name (`name:` of the file at the run's commit, else its path). */
  name: string;
  path: string;
  display_title: string;
  event: string;
  head_branch: string | null;
  head_sha: string;
  run_number: number;
  run_attempt: number;
  status: RunStatus;
  conclusion: RunConclusion | null;
  actor: string;
  triggering_actor: string;
  created_at: string;
  updated_at: string;
  run_started_at: string;
  /** `workflow_dispatch` inputs as the run saw them (defaults applied, values as strings). */
  inputs: Record<string, string> | null;
  /** Jobs of every attempt (`filter=all`); the latest execution of each job is `filter=latest`. */
  jobs: JobRecord[];
  /** Environments this attempt waits for. */
  pending: PendingRecord[];
  approvals: ApprovalRecord[];
  /** When the current attempt became runnable (ms); null while it waits. */
  readyMs: number | null;
  script: ScriptStep[];
  /** Script steps already applied in this attempt (indexes into `script`). */
  applied: number[];
  /** Remaining `GET …/runs` list calls that do not see this run yet (eventual consistency). */
  hiddenFromLists: number;
  /** Job templates from the workflow file, used again by re-runs. */
  plan: JobPlan[];
}

/** A job as the workflow file describes it. */
export interface JobPlan {
  name: string;
  environment: string | null;
  environment_url: string | null;
  steps: string[];
  labels: string[];
}

/** One `POST …/dispatches` the server accepted. */
export interface DispatchRecord {
  workflowId: number;
  workflowPath: string;
  ref: string;
  /** `inputs` exactly as sent. */
  inputs: Record<string, unknown>;
  /** Inputs as the run got them: defaults applied, every value a string. */
  resolvedInputs: Record<string, string>;
  returnRunDetails: boolean;
  runId: number;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// Deployments and environments

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DeploymentStatusRecord {
  id: number;
  state: DeploymentState;
  creator: string;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  viaActions: boolean;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
  transient_environment: boolean;
  production_environment: boolean;
  /** Created by GitHub Actions for a job with an environment (`performed_via_github_app`). */
  viaActions: boolean;
  /** Oldest first. */
  statuses: DeploymentStatusRecord[];
}

export type ReviewerSpec = { type: 'User'; login: string } | { type: 'Team'; slug: string; members: string[] };

export interface EnvironmentRecord {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  /** Minutes (0: none). */
  wait_timer: number;
  reviewers: ReviewerSpec[];
  prevent_self_review: boolean;
  deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  /** Stable ids of the protection rules. */
  ruleIds: { wait_timer: number; required_reviewers: number; branch_policy: number };
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
  /** Comments on issues and pull requests, oldest first. */
  comments: IssueCommentRecord[];
  milestones: MilestoneRecord[];
  labels: Map<string, { id: number; color: string; description: string }>;
  nextNumber: number;
  nextMilestone: number;
  /** Workflows by path. */
  workflows: Map<string, WorkflowRecord>;
  runs: RunRecord[];
  /** Scripts given to every new run of a workflow (by workflow id). */
  runScripts: Map<number, ScriptStep[]>;
  /** How many `GET …/runs` calls a run created by a dispatch stays unlisted for. */
  runListLag: number;
  dispatches: DispatchRecord[];
  deployments: DeploymentRecord[];
  environments: EnvironmentRecord[];
}
