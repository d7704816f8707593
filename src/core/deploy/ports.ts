/**
 * The ports deploys need (core stays pure): the `Deployer` each provider implements (GitHub
 * Deployments API, GitHub Actions workflow_dispatch, a local command, a VS Code task), the health
 * probe, the workflow file reader and the journal store. Faults are thrown as typed errors
 * (`GitHubError`, …) at the adapter boundary; expected refusals are returned as values.
 */
import type { HealthSample } from './health';
import type { DeployOperation, DeployRelease, PlanStep } from './plan';
import type { DeploymentRecord } from './rollback';
import type { EnvironmentConfig, HealthCheckConfig } from './schema';
import type { DeployJournal } from './journalTypes';
import type { RunHandle, ProviderKind } from './runHandle';
import type { WorkflowDispatch } from './workflowInputs';

/** One step to start. */
export interface DispatchRequest {
  environment: EnvironmentConfig;
  operation: DeployOperation;
  release: DeployRelease;
  step: PlanStep;
  /**
   * Unique id of this step of this operation: sent in the workflow's correlation input, or put in
   * the deployment payload, so a step whose outcome is unknown can be found again.
   */
  correlationId: string;
}

/** A contexts GitHub says is failing (Deployments API 409). */
export interface FailingContext {
  context: string;
  state: string;
}

/**
 * What a dispatch did. Only `started` means something may run; the others are definite refusals
 * (nothing was started). An outcome that cannot be known (timeout, connection cut) is thrown as a
 * fault; the caller then records the step as uncertain and looks for it (`find`) before anything else.
 */
export type DispatchResult =
  | {
      kind: 'started';
      /** Null when the run cannot be identified (no run details, no correlation input): reported as such, never guessed. */
      handle: RunHandle | null;
      note?: string;
    }
  /** Refused before anything ran: inputs rejected (422), workflow disabled, untrusted workspace, program missing. */
  | { kind: 'refused'; reason: string }
  /** Deployments API 202: GitHub merged the default branch instead of deploying; nothing was deployed. */
  | { kind: 'nothing-deployed'; reason: string }
  /** Deployments API 409: required status contexts are not successful. */
  | { kind: 'contexts-failing'; contexts: FailingContext[] };

/** The outcome of looking for a step that may have been started. */
export type FindResult =
  | { kind: 'found'; handle: RunHandle }
  | { kind: 'absent' }
  | { kind: 'ambiguous'; detail: string }
  | { kind: 'cannot-identify'; reason: string };

/** A protection rule waiting for a reviewer (GitHub environments with required reviewers). */
export interface PendingReview {
  environment: string;
  environmentId: number;
  /** Whether the signed-in user may approve it. */
  canApprove: boolean;
  reviewers: string[];
}

/** The state of a started step. */
export interface RunObservation {
  status: 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
  /** One line: the failing job, the deployment status description. */
  reason?: string;
  url?: string;
  /** When `waiting`: the reviews it waits for. */
  reviews?: PendingReview[];
  /** Running as far as anyone can tell, but nothing here will ever learn its outcome (the process that ran it is gone): a person decides, now, not at the timeout. */
  unobservable?: boolean;
  /** Look again after this long instead of the poll interval: 0 when observe itself waited for the step (a local process, whose end it hears of at once). */
  lookAgainMs?: number;
}

/**
 * A deploy provider. Writes are never retried by the adapter: the journal decides.
 * - Deployments API: a deployment of `release.sha` (never a branch name) to the environment, with
 *   `auto_merge: false`, the configured `required_contexts`, and a payload of the step's inputs plus
 *   the correlation id, operation and weight (so `listDeployments` can report partial steps).
 *   201 = started (the handle is the deployment), 202 = `nothing-deployed`, 409 = `contexts-failing`.
 * - Workflow: the inputs are checked with `prepareWorkflowDispatch` first (a problem = `refused`);
 *   the run is the one the dispatch returns, else the one `findCorrelatedRun` finds, else the handle
 *   is null ("could not identify the run").
 * - Command and task: only where `providerBlockedReason` is null; otherwise `refused`.
 */
export interface Deployer {
  readonly kind: ProviderKind;
  /** Starts one plan step (validated locally first: a workflow's inputs, a deployment's ref). */
  dispatch(request: DispatchRequest, signal?: AbortSignal): Promise<DispatchResult>;
  /** Looks for what a step with this correlation id started at or after `since` (milliseconds since the epoch); never the latest run by default. */
  find(request: { environment: EnvironmentConfig; step: PlanStep; correlationId: string; since: number }, signal?: AbortSignal): Promise<FindResult>;
  /** The state of a started step. */
  observe(handle: RunHandle, signal?: AbortSignal): Promise<RunObservation>;
  /** Approves or rejects the pending reviews of a run, with a comment. */
  review(handle: RunHandle, decision: { approve: boolean; comment: string; environmentIds: number[] }, signal?: AbortSignal): Promise<void>;
  /** Deployments of the environment with their full status history (newest first), for rollback and promotion. */
  listDeployments(environment: string, signal?: AbortSignal): Promise<DeploymentRecord[]>;
  /** The commit a ref points at now, or null when it does not exist. */
  resolveRef(ref: string, signal?: AbortSignal): Promise<string | null>;
  /** Whether the commit exists in the repository. */
  commitExists(sha: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * Marks the deployments of `sha` in the environment created at or after `since` (ISO-8601) as failed
   * (a `failure` status with `description`), so a release that failed its health checks, was aborted
   * or was rolled back is never taken for a good one (rollback target, promotion source). Returns how
   * many it marked; deployments already failed are left alone.
   */
  markFailed?(request: { environment: EnvironmentConfig; sha: string; since: string; description: string }, signal?: AbortSignal): Promise<number>;
  /** Workflow provider: the dispatch trigger of the environment's workflow at `ref` (its declared inputs); null when the file does not exist there. */
  readDispatch?(environment: EnvironmentConfig, ref: string, signal?: AbortSignal): Promise<{ file: string; dispatch: WorkflowDispatch | null } | null>;
}

/** Takes one sample of a health check (HTTP or Prometheus); faults become samples with an error, not throws. */
export interface HealthProbe {
  sample(check: HealthCheckConfig, signal?: AbortSignal): Promise<HealthSample>;
}

/** Reads and parses a workflow file at a ref (for its workflow_dispatch inputs); null when it does not exist. */
export interface WorkflowSource {
  read(workflow: string | number, ref: string, signal?: AbortSignal): Promise<{ file: string; value: unknown } | null>;
}

/**
 * Where deploy journals live (next to the publish journals, in the git directory, so the CLI and
 * the editor share them). `write` is a compare-and-swap on `revision`, so two windows cannot both
 * start the same step: it returns 'conflict' when the stored revision is not `expectedRevision`
 * (null: the entry must not exist yet).
 */
export interface DeployJournalStore {
  read(key: string): Promise<DeployJournal | null>;
  write(key: string, entry: DeployJournal, expectedRevision: number | null): Promise<'written' | 'conflict'>;
  list(): Promise<DeployJournal[]>;
}
