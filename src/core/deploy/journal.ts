/**
 * The pure state machine that drives the journal of one deploy or rollback of an environment (its
 * state: journalTypes.ts). The driver (run.ts) loops: `nextAction(journal, observed)` says what to do, the driver does it
 * (or asks a person) and records the outcome with `applyEvent` (transitions.ts), persisting each
 * entry before the next step.
 *
 * Guarantees, by construction:
 * - A dispatch is only returned for a step that was never started. The driver records
 *   `dispatch-started` before it calls the provider, so after a crash the step is uncertain and the
 *   machine asks to look for it (`reconcile`), then asks a person — it never sends it again itself.
 * - A journal written by another session (window closed, host restarted) or paused (cancelled) is
 *   not continued until a person chooses resume.
 * - Starting the same operation twice attaches to the first (a double click is one operation).
 */
import { GitHubError, UsageError } from '../errors';
import type { HealthVerdict } from './health';
import type { DeployEvent, DeployJournal, JournalState, JournalStep, StepPhase, StepState } from './journalTypes';
import type { DeployPlan, PlanStep } from './plan';
import type { FindResult, RunObservation, PendingReview } from './ports';
import type { RunHandle } from './runHandle';
import type { EnvironmentConfig } from './schema';
import { applyEvent, cursorOf, settle } from './transitions';

/** How often a running step is looked at again. */
export const POLL_MS = 10_000;
/** A finished operation that is started again within this time is reported as done, not repeated. */
export const REPEAT_WINDOW_MS = 2 * 60_000;
/** Run timeout when the provider has none. */
export const DEFAULT_RUN_TIMEOUT_MS = 60 * 60_000;

/** The journal key of an environment: one operation at a time per repository and environment. */
export function deployJournalKey(repo: string, environment: string): string {
  return `deploy:${repo}:${environment.toLowerCase()}`;
}

/** The correlation id of a step: unique per operation, phase and step, safe in inputs and run names. */
export function correlationId(journal: Pick<DeployJournal, 'id'>, phase: StepPhase, index: number): string {
  return `${journal.id}-${phase[0]}${index}`;
}

const OPERATION_ID = /^[a-z0-9][a-z0-9-]{5,40}$/;

/** What starting an operation found. */
export type StartDecision =
  | { kind: 'start'; journal: DeployJournal; superseded: DeployJournal | null }
  /** The same operation is already running: attach to it (a double click is one operation). */
  | { kind: 'attach'; journal: DeployJournal }
  /** The same operation finished moments ago: report it instead of repeating it. */
  | { kind: 'already-done'; journal: DeployJournal }
  /** Another operation is running on the environment: ask (start again with `supersede`) or refuse. */
  | { kind: 'busy'; journal: DeployJournal; question: string };

/** A request to start a deploy or rollback. */
export interface StartRequest {
  repo: string;
  /** A fresh random id (lowercase letters, digits, "-", 6-41 characters). */
  id: string;
  session: string;
  env: EnvironmentConfig;
  plan: DeployPlan;
  runTimeoutMs?: number;
  /** Start even though another operation runs on the environment (after asking): it is marked superseded. */
  supersede?: boolean;
  /** Start even though the same operation just finished (the person asked for it again). */
  again?: boolean;
}

function sameOperation(a: DeployPlan, b: DeployPlan): boolean {
  if (a.operation !== b.operation || a.environment.toLowerCase() !== b.environment.toLowerCase()) return false;
  // Two rollbacks of one environment are one operation even when the second computed another
  // target: the first rollback's own deployment changed what "the previous one" is.
  if (a.operation === 'rollback') return true;
  return a.release.sha === b.release.sha && a.strategy === b.strategy;
}

/** Decides whether a new operation starts, given the environment's current journal. */
export function startOperation(existing: DeployJournal | null, request: StartRequest, now: Date): StartDecision {
  if (!OPERATION_ID.test(request.id)) throw new UsageError(`Operation id ${JSON.stringify(request.id.slice(0, 50))} is malformed.`, 'Use a random id of lowercase letters, digits and "-".');
  if (request.plan.environment.toLowerCase() !== request.env.name.toLowerCase()) throw new UsageError(`The plan is for ${request.plan.environment}, not ${request.env.name}.`, 'Plan the operation for the environment it runs on.');
  let superseded: DeployJournal | null = null;
  if (existing) {
    if (existing.state === 'running') {
      if (sameOperation(existing.plan, request.plan)) return { kind: 'attach', journal: existing };
      if (!request.supersede) {
        const what = `${existing.plan.operation === 'rollback' ? 'A rollback to' : 'A deploy of'} ${existing.plan.release.version} is running on ${existing.plan.environment} (started ${existing.startedAt}, at: ${currentLabel(existing)})`;
        const question = request.plan.operation === 'rollback' ? `${what}. Roll back anyway? The running deploy is stopped first: it sends no further step, and the rollback starts once its step in flight has ended.` : `${what}. Wait for it, or stop it and deploy ${request.plan.release.version} instead (once its step in flight has ended)?`;
        return { kind: 'busy', journal: existing, question };
      }
      superseded = applyEvent(existing, { type: 'supersede', reason: `superseded by ${request.plan.operation === 'rollback' ? `rollback ${request.id}` : `a deploy of ${request.plan.release.version} (${request.id})`}` }, now);
    } else if (!request.again && sameOperation(existing.plan, request.plan) && existing.finishedAt !== null && now.getTime() - Date.parse(existing.finishedAt) < REPEAT_WINDOW_MS) {
      return { kind: 'already-done', journal: existing };
    }
  }
  const at = now.toISOString();
  const journal: DeployJournal = {
    kind: 'deploy',
    version: 1,
    revision: 0,
    repo: request.repo,
    id: request.id,
    session: request.session,
    env: request.env,
    plan: request.plan,
    steps: request.plan.steps.map((plan) => ({ phase: request.plan.operation === 'rollback' ? 'rollback' : 'main', plan, state: { status: 'pending' } })),
    state: 'running',
    runTimeoutMs: request.runTimeoutMs ?? (request.env.provider.kind === 'deployments' ? DEFAULT_RUN_TIMEOUT_MS : request.env.provider.timeoutMs),
    autoRollback: request.plan.operation === 'deploy' && request.env.protection.autoRollback,
    abortRequest: null,
    abortApplied: false,
    rollbackWanted: false,
    rollbackTarget: null,
    needsRollback: false,
    paused: null,
    samplingSince: null,
    outcome: null,
    startedAt: at,
    updatedAt: at,
    finishedAt: null,
    lastError: null,
  };
  return { kind: 'start', journal: settle(journal, at), superseded };
}

/** What the driver has observed since the last event (nothing of it is stored). */
export interface Observed {
  /** Milliseconds since the epoch. */
  now: number;
  /** The session asking. */
  session: string;
  /** How long to wait between looks at a running step (default POLL_MS). */
  pollMs?: number;
  /** The outcome of a `reconcile` of step `index`. */
  reconcile?: { index: number; result: FindResult };
  /** The state of the run of step `index`. */
  run?: { index: number; observation: RunObservation };
  /** The health verdict of analysis step `index`. */
  health?: { index: number; verdict: HealthVerdict };
}

/** What a person may choose when asked. */
export type Choice = 'resume' | 'inspect' | 'abort' | 'retry' | 'mark-sent' | 'mark-done' | 'mark-failed' | 'wait-longer';

/** What to do next. */
export type DeployAction =
  /** Record `dispatch-started`, persist, then call the provider once and record its outcome. */
  | { kind: 'dispatch'; index: number; step: PlanStep; phase: StepPhase; correlationId: string }
  /** Look for what the uncertain step started (Deployer.find), then call nextAction with the result. */
  | { kind: 'reconcile'; index: number; step: PlanStep; correlationId: string; since: number }
  /** Observe the run after `afterMs`, then call nextAction with the observation. */
  | { kind: 'observe'; index: number; handle: RunHandle; afterMs: number }
  /** The run waits for reviewers: offer Approve / Reject (with a comment), keep observing. */
  | { kind: 'review'; index: number; handle: RunHandle; reviews: PendingReview[]; afterMs: number }
  /** Sleep until then, taking samples of these checks meanwhile (for the analysis that follows). */
  | { kind: 'sleep'; index: number; untilMs: number; probe: string[] }
  /** Evaluate the checks over the samples taken since `since`, then call nextAction with the verdict. */
  | { kind: 'analyse'; index: number; checks: string[]; since: number }
  /** Find the rollback target (rollback.ts) and record `rollback-planned` or `rollback-unavailable`. */
  | { kind: 'plan-rollback'; reason: string }
  /** Apply this event (a decision the machine made from the observation). */
  | { kind: 'record'; event: DeployEvent }
  /** Stop and ask a person; each choice maps to an event with `choiceEvent`. */
  | { kind: 'ask'; index: number | null; reason: string; choices: Choice[] }
  | { kind: 'done'; state: Exclude<JournalState, 'running'>; summary: string };

function currentLabel(j: DeployJournal): string {
  const c = cursorOf(j);
  return c === null ? 'finishing' : `step ${c + 1} of ${j.steps.length}, ${j.steps[c]!.plan.label}`;
}

/** The events a person's choice stands for (none for inspect, which changes nothing). Abort and resume also claim the journal for this session. */
export function choiceEvents(choice: Choice, index: number | null, session: string): DeployEvent[] {
  switch (choice) {
    case 'resume':
      return [{ type: 'resumed', session }];
    case 'inspect':
      return [];
    case 'abort':
      return [{ type: 'resumed', session }, { type: 'abort', reason: 'aborted by the user' }];
    default:
      return index === null ? [] : [{ type: choice, index }];
  }
}

/** The step before `index` in the same phase that changed the environment (its end is when an analysis window starts). */
function lastLiveBefore(j: DeployJournal, index: number): JournalStep | null {
  for (let i = index - 1; i >= 0; i--) {
    const s = j.steps[i]!;
    if (s.phase === j.steps[index]!.phase && (s.plan.kind === 'dispatch' || s.plan.kind === 'switch')) return s;
  }
  return null;
}

function analysisAhead(j: DeployJournal, index: number): string[] {
  const next = j.steps[index + 1];
  return next && next.plan.kind === 'analyse' && next.state.status === 'pending' ? (next.plan.checks ?? []) : [];
}

/** What to do next, from the journal and what was just observed. Pure: never changes the journal. */
export function nextAction(journal: DeployJournal, observed: Observed): DeployAction {
  if (journal.state === 'superseded' && journal.session === observed.session) {
    // Superseded while a step of this session was in flight: it sends nothing more, but follows that step to its end (the operation that took over waits for it).
    const follow = inFlightAfterSupersede(journal, observed);
    if (follow !== null) return follow;
  }
  if (journal.state !== 'running') return { kind: 'done', state: journal.state, summary: journal.outcome ?? journal.state };
  if (journal.session !== observed.session || journal.paused !== null) {
    const why = journal.paused !== null ? `It was paused (${journal.paused})` : 'It was started in another window or process that is gone or still running';
    return { kind: 'ask', index: cursorOf(journal), reason: `Unfinished ${journal.plan.operation} of ${journal.plan.release.version} to ${journal.plan.environment}. ${why}; last verified: ${lastVerified(journal)}. Nothing is retried on its own.`, choices: ['resume', 'inspect', 'abort'] };
  }
  if (journal.rollbackWanted) return { kind: 'plan-rollback', reason: journal.abortRequest?.reason ?? 'the deploy failed' };
  const index = cursorOf(journal);
  // Unreachable for journals made by applyEvent (settle finishes them); a hand-edited one is shown, not acted on.
  if (index === null) return { kind: 'ask', index: null, reason: 'The journal has no step left but is not finished; inspect it.', choices: ['inspect'] };
  const s = journal.steps[index]!;
  const st = s.state;
  const now = observed.now;
  const cid = correlationId(journal, s.phase, index);
  if (s.plan.kind === 'dispatch' || s.plan.kind === 'switch') {
    switch (st.status) {
      case 'pending':
        return { kind: 'dispatch', index, step: s.plan, phase: s.phase, correlationId: cid };
      case 'sending': {
        const r = observed.reconcile?.index === index ? observed.reconcile.result : undefined;
        if (r === undefined) return { kind: 'reconcile', index, step: s.plan, correlationId: cid, since: Date.parse(st.at) };
        if (r.kind === 'found') return { kind: 'record', event: { type: 'dispatched', index, handle: r.handle, note: 'found after an interruption' } };
        const what =
          r.kind === 'absent'
            ? `No run or deployment with correlation id ${cid} was found`
            : r.kind === 'ambiguous'
              ? `Several runs match correlation id ${cid} (${r.detail})`
              : `Could not identify the run: ${r.reason}`;
        return { kind: 'ask', index, reason: `"${s.plan.label}" may or may not have been sent${st.error ? ` (${st.error})` : ''}. ${what}. Check on the provider, then mark it sent, send it again, or abort.`, choices: ['inspect', 'mark-sent', 'retry', 'abort'] };
      }
      case 'sent': {
        if (st.handle === null) {
          return { kind: 'ask', index, reason: `"${s.plan.label}" was sent, but could not identify the run${st.note ? ` (${st.note})` : ''}. Check it on the provider, then mark it done or failed.`, choices: ['inspect', 'mark-done', 'mark-failed', 'abort'] };
        }
        const o = observed.run?.index === index ? observed.run.observation : undefined;
        if (o === undefined) return { kind: 'observe', index, handle: st.handle, afterMs: 0 };
        if (o.status === 'succeeded') return { kind: 'record', event: { type: 'step-done', index, result: o.reason ?? 'succeeded' } };
        if (o.status === 'failed' || o.status === 'cancelled') return { kind: 'record', event: { type: 'step-failed', index, reason: `${s.plan.label}: ${o.status}${o.reason ? `: ${o.reason}` : ''}` } };
        if (o.unobservable) {
          return { kind: 'ask', index, reason: `The outcome of "${s.plan.label}" cannot be known from here: ${o.reason ?? 'nobody observes it'}. Check the target, then mark it done or failed (which aborts the deploy).`, choices: ['mark-done', 'mark-failed', 'inspect'] };
        }
        if (now > Date.parse(st.deadline)) {
          return { kind: 'ask', index, reason: `"${s.plan.label}" has been ${o.status} since ${st.at}, past its timeout. Wait longer, or mark it failed (which aborts the deploy)?`, choices: ['wait-longer', 'mark-failed', 'inspect'] };
        }
        if (o.status === 'waiting') return { kind: 'review', index, handle: st.handle, reviews: o.reviews ?? [], afterMs: observed.pollMs ?? POLL_MS };
        return { kind: 'observe', index, handle: st.handle, afterMs: o.lookAgainMs ?? observed.pollMs ?? POLL_MS };
      }
      case 'failed':
        return { kind: 'ask', index, reason: `"${s.plan.label}" was refused and nothing ran: ${st.reason}. Fix the cause, then retry, or abort.`, choices: ['retry', 'abort', 'inspect'] };
      default:
        return { kind: 'record', event: { type: 'step-failed', index, reason: `unexpected state ${st.status} of a dispatch` } };
    }
  }
  if (st.status === 'pending') return { kind: 'record', event: { type: 'step-started', index } };
  if (st.status !== 'running') return { kind: 'record', event: { type: 'step-failed', index, reason: `unexpected state ${st.status}` } };
  if (s.plan.kind === 'wait') {
    const until = Date.parse(st.at) + (s.plan.waitMs ?? 0);
    if (now >= until) return { kind: 'record', event: { type: 'step-done', index, result: 'waited' } };
    return { kind: 'sleep', index, untilMs: until, probe: analysisAhead(journal, index) };
  }
  // analyse
  const checks = s.plan.checks ?? [];
  const live = lastLiveBefore(journal, index);
  const liveAt = live && live.state.status === 'done' ? Date.parse(live.state.at) : Date.parse(st.at);
  const since = Math.max(liveAt, journal.samplingSince !== null ? Date.parse(journal.samplingSince) : -Infinity);
  const h = observed.health?.index === index ? observed.health.verdict : undefined;
  if (h === undefined) return { kind: 'analyse', index, checks, since };
  if (h.status === 'pass') return { kind: 'record', event: { type: 'step-done', index, result: h.reason } };
  if (h.status === 'fail') return { kind: 'record', event: { type: 'step-failed', index, reason: `health check failed: ${h.reason}` } };
  const interval = Math.min(...journal.env.healthChecks.filter((c) => checks.includes(c.id)).map((c) => c.intervalMs), observed.pollMs ?? POLL_MS);
  return { kind: 'sleep', index, untilMs: now + interval, probe: checks };
}

/** What a superseded operation still does about its step in flight: observe it until it ends and record how; null when nothing is left to follow. */
function inFlightAfterSupersede(journal: DeployJournal, observed: Observed): DeployAction | null {
  const index = journal.steps.findIndex((s) => s.state.status === 'sent' && s.state.handle !== null);
  if (index < 0) return null;
  const s = journal.steps[index]!;
  const st = s.state as Extract<StepState, { status: 'sent' }>;
  const o = observed.run?.index === index ? observed.run.observation : undefined;
  if (o === undefined) return { kind: 'observe', index, handle: st.handle!, afterMs: 0 };
  if (o.status === 'succeeded') return { kind: 'record', event: { type: 'step-done', index, result: o.reason ?? 'succeeded' } };
  if (o.status === 'failed' || o.status === 'cancelled') return { kind: 'record', event: { type: 'step-failed', index, reason: `${s.plan.label}: ${o.status}${o.reason ? `: ${o.reason}` : ''}` } };
  // Nobody can tell, or it overran: stop following it (the operation that took over is told it no longer waits for this drive).
  if (o.unobservable || observed.now > Date.parse(st.deadline)) return null;
  return { kind: 'observe', index, handle: st.handle!, afterMs: observed.pollMs ?? POLL_MS };
}

function lastVerified(j: DeployJournal): string {
  const done = j.steps.filter((s) => s.state.status === 'done');
  const last = done[done.length - 1];
  return last ? `"${last.plan.label}"` : 'nothing yet';
}

/** Whether a provider fault leaves a dispatch uncertain (it may have been applied) or certainly not sent. */
export function sentStateOf(error: unknown): 'no' | 'unknown' {
  if (error instanceof UsageError) return 'no';
  if (error instanceof GitHubError) {
    return ['no-token', 'not-github', 'host-blocked', 'unauthorized', 'forbidden', 'rate-limited', 'not-found', 'invalid', 'conflict'].includes(error.code) ? 'no' : 'unknown';
  }
  return 'unknown';
}

/** A one-line summary of where the operation stands, for the tree, the status bar and the CLI. */
export function journalSummary(j: DeployJournal): string {
  const op = j.plan.operation === 'rollback' ? `Rollback of ${j.plan.environment} to ${j.plan.release.version}` : `Deploy of ${j.plan.release.version} to ${j.plan.environment} (${j.plan.strategy})`;
  if (j.state !== 'running') return `${op}: ${j.outcome ?? j.state}`;
  return `${op}: ${currentLabel(j)}${j.paused !== null ? ' — paused' : ''}${j.abortRequest ? ' — aborting' : ''}`;
}

/** How long before an operation's start a deployment of its commit still counts as its own (clock skew between here and the provider). */
const OWN_DEPLOYMENT_SKEW_MS = 10 * 60_000;

/** Whether the operation did what it was asked: a deploy ended healthy, a rollback rolled back. */
export function operationSucceeded(j: DeployJournal): boolean {
  return j.plan.operation === 'rollback' ? j.state === 'rolled-back' : j.state === 'healthy';
}

/**
 * What a finished operation tells the provider about deployments that must not count as good:
 * a deploy that ended aborted, failed or rolled back after something was sent marks its release's
 * deployments failed; a rollback that succeeded marks the deployment it replaced failed. Null when
 * there is nothing to mark (a healthy deploy, nothing sent, a superseded operation).
 */
export function failureToReport(j: DeployJournal): { sha: string; since: string; description: string } | null {
  if (j.state === 'running' || j.state === 'superseded') return null;
  if (j.plan.operation === 'rollback') {
    const r = j.plan.replaces;
    if (j.state !== 'rolled-back' || !r || r.sha === j.plan.release.sha) return null;
    return { sha: r.sha, since: r.since, description: `Rolled back to ${j.plan.release.version} by Release Manager` };
  }
  if (j.state === 'healthy') return null;
  const sent = j.steps.some((s) => s.phase === 'main' && (s.plan.kind === 'dispatch' || s.plan.kind === 'switch') && s.state.status !== 'pending' && s.state.status !== 'skipped' && !(s.state.status === 'failed' && s.state.notSent));
  if (!sent) return null;
  const since = new Date(Date.parse(j.startedAt) - OWN_DEPLOYMENT_SKEW_MS).toISOString();
  return { sha: j.plan.release.sha, since, description: `Release Manager: ${j.outcome ?? j.state}`.slice(0, 140) };
}
