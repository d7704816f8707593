/**
 * The state of a deploy journal (one deploy or rollback of an environment) and the events that
 * change it: the data that journal.ts (the state machine), transitions.ts and the journal store share.
 */
import type { DeployPlan, DeployRelease, PlanStep } from './plan';
import type { RunHandle } from './runHandle';
import type { EnvironmentConfig } from './schema';

/** The state of one step. */
export type StepState =
  | { status: 'pending' }
  /** The dispatch was begun: it may or may not have reached the provider (`error`: the fault that left it uncertain). */
  | { status: 'sending'; at: string; error?: string }
  /** Started; `handle` null when the run could not be identified. */
  | { status: 'sent'; at: string; handle: RunHandle | null; deadline: string; note?: string }
  /** A wait or analysis in progress. */
  | { status: 'running'; at: string }
  | { status: 'done'; at: string; result: string }
  /** `notSent`: refused before anything ran (safe to retry on request). */
  | { status: 'failed'; at: string; reason: string; notSent: boolean }
  | { status: 'skipped'; at: string; reason: string };

/** Which part of the operation a step belongs to. */
export type StepPhase = 'main' | 'abort' | 'rollback';

/** One step of the journal: the plan's step and its state. */
export interface JournalStep {
  phase: StepPhase;
  plan: PlanStep;
  state: StepState;
}

/** Where the operation stands. Every state but `running` is final. */
export type JournalState = 'running' | 'healthy' | 'rolled-back' | 'aborted' | 'failed' | 'superseded';

/** The journal entry of one deploy or rollback; contains no secrets. */
export interface DeployJournal {
  kind: 'deploy';
  version: 1;
  /** Incremented by every event: the store's compare-and-swap token. */
  revision: number;
  repo: string;
  /** Unique id of the operation (the prefix of every correlation id). */
  id: string;
  /** The session (window, CLI process) driving it; another one must choose resume first. */
  session: string;
  /** The environment's config when the operation started (resume uses it, not the current config). */
  env: EnvironmentConfig;
  plan: DeployPlan;
  steps: JournalStep[];
  state: JournalState;
  runTimeoutMs: number;
  /** Roll back automatically when the deploy fails and an abort cannot restore the previous version. */
  autoRollback: boolean;
  /** An abort asked for (a failed step or a person); applied once no step is in flight. */
  abortRequest: { reason: string; auto: boolean; at: string } | null;
  /** True once the abort was applied (remaining steps skipped, abort step appended). */
  abortApplied: boolean;
  /** An automatic rollback is wanted and its plan not made yet. */
  rollbackWanted: boolean;
  /** The release an automatic rollback deploys, once planned. */
  rollbackTarget: DeployRelease | null;
  /** The new version may still be live after an abort: roll back by hand. */
  needsRollback: boolean;
  /** Why the driver stopped to wait for a person (cancelled), null when not paused. */
  paused: string | null;
  /** When this session began taking health samples (samples are not journaled): analyses count from here after a resume. */
  samplingSince: string | null;
  /** How it ended, one line; null while running. */
  outcome: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The last fault, for inspect. */
  lastError: string | null;
}

/** Everything that changes a journal. */
export type DeployEvent =
  | { type: 'resumed'; session: string }
  | { type: 'paused'; reason: string }
  | { type: 'dispatch-started'; index: number }
  | { type: 'dispatched'; index: number; handle: RunHandle | null; note?: string }
  | { type: 'dispatch-failed'; index: number; sent: 'no' | 'unknown'; reason: string }
  | { type: 'step-started'; index: number }
  | { type: 'step-done'; index: number; result: string }
  | { type: 'step-failed'; index: number; reason: string }
  | { type: 'retry'; index: number }
  | { type: 'mark-sent'; index: number }
  | { type: 'mark-done'; index: number }
  | { type: 'mark-failed'; index: number }
  | { type: 'wait-longer'; index: number }
  | { type: 'promote' }
  | { type: 'abort'; reason: string }
  | { type: 'rollback-planned'; plan: DeployPlan }
  | { type: 'rollback-unavailable'; reason: string }
  | { type: 'supersede'; reason: string };
