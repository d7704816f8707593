/**
 * The driver of a deploy or rollback over the ports: it loops on `nextAction`, performs each action
 * once, and records its outcome in the journal (compare-and-swap) before the next one. It stops
 * when the machine asks a person or the operation is done; the caller shows the question and
 * applies the answer with `answer`, then runs it again.
 */
import { ReleaseError, UsageError } from '../errors';
import { evaluateHealth, type HealthSample } from './health';
import { choiceEvents, nextAction, sentStateOf, type Choice, type DeployAction, type Observed } from './journal';
import type { DeployEvent, DeployJournal } from './journalTypes';
import { planRollback, type DeployPlan } from './plan';
import type { Deployer, DeployJournalStore, DispatchResult, HealthProbe, PendingReview, RunObservation } from './ports';
import type { RunHandle } from './runHandle';
import { checkRollbackTarget, findRollbackTarget, rollbackConfirmation, type Confirmation, type DeploymentRecord } from './rollback';
import { githubEnvironment, type EnvironmentConfig } from './schema';
import { applyEvent } from './transitions';

/** How often a pause looks at the journal for a Promote or Abort recorded elsewhere. */
const WAKE_MS = 1000;

/** What the driver needs. */
export interface RunDeps {
  deployer: Deployer;
  store: DeployJournalStore;
  probe: HealthProbe;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** This window's or process's id (random per start). */
  session: string;
  /** How long to wait between looks at a running step (default 10 s: GitHub's rate limits). */
  pollMs?: number;
  /** Cancel: the journal is marked paused and the driver returns; nothing in flight is undone. */
  signal?: AbortSignal;
  /** Told after each recorded event; a throw stops the driver (that is how tests crash it). */
  onEvent?: (journal: DeployJournal, event: DeployEvent) => void | Promise<void>;
  /** Told while a run waits for reviewers: offer Approve / Reject (Deployer.review) while the driver keeps observing. */
  onReview?: (index: number, handle: RunHandle, reviews: PendingReview[]) => void | Promise<void>;
  /** Told what each look at a running step found (its state and why), e.g. to say that nothing has picked a deployment up yet. */
  onObserve?: (journal: DeployJournal, index: number, observation: RunObservation) => void;
  /** Told before each provider call; a throw stops the driver. */
  onCall?: (call: 'dispatch' | 'find' | 'observe', index: number) => void | Promise<void>;
}

/** Where the driver stopped: a question for a person, or the end. */
export interface RunStop {
  journal: DeployJournal;
  action: Extract<DeployAction, { kind: 'ask' | 'done' }>;
}

/** Thrown when another window or process changed the journal in between: reload and look. */
export class JournalConflictError extends ReleaseError {
  static override readonly kind: string = 'JournalConflictError';
  constructor(message: string) {
    super(message, 'Another window or the CLI is running this operation: reload it and continue there, or resume it here.');
  }
}

/** Records an event: applies it and writes the journal with compare-and-swap. */
export async function commitEvent(key: string, journal: DeployJournal, event: DeployEvent, deps: Pick<RunDeps, 'store' | 'now' | 'onEvent'>): Promise<DeployJournal> {
  const next = applyEvent(journal, event, deps.now());
  const written = await deps.store.write(key, next, journal.revision);
  if (written === 'conflict') throw new JournalConflictError(`The journal of ${journal.plan.environment} changed while ${event.type} was being recorded.`);
  await deps.onEvent?.(next, event);
  return next;
}

/** Applies a person's answer to a question (resume, abort, retry, mark sent/done/failed, wait longer). */
export async function answer(key: string, choice: Choice, index: number | null, deps: Pick<RunDeps, 'store' | 'now' | 'onEvent' | 'session'>): Promise<DeployJournal> {
  let journal = await deps.store.read(key);
  if (!journal) throw new UsageError(`No deploy journal ${key}.`, 'Start the deploy again.');
  for (const event of choiceEvents(choice, index, deps.session)) journal = await commitEvent(key, journal, event, deps);
  return journal;
}

/** Promote (canary, blue-green) or abort a running operation from the UI while it runs elsewhere in this session. */
export async function command(key: string, what: 'promote' | 'abort', deps: Pick<RunDeps, 'store' | 'now' | 'onEvent'>): Promise<DeployJournal> {
  const journal = await deps.store.read(key);
  if (!journal) throw new UsageError(`No deploy journal ${key}.`, 'Nothing is running there.');
  return commitEvent(key, journal, what === 'promote' ? { type: 'promote' } : { type: 'abort', reason: 'aborted by the user' }, deps);
}

function dispatchEvents(index: number, r: DispatchResult): DeployEvent {
  switch (r.kind) {
    case 'started':
      return { type: 'dispatched', index, handle: r.handle, ...(r.note ? { note: r.note } : r.handle === null ? { note: 'could not identify the run' } : {}) };
    case 'refused':
      return { type: 'dispatch-failed', index, sent: 'no', reason: r.reason };
    case 'nothing-deployed':
      return { type: 'dispatch-failed', index, sent: 'no', reason: `GitHub deployed nothing (202): ${r.reason}` };
    case 'contexts-failing':
      return { type: 'dispatch-failed', index, sent: 'no', reason: `required status checks are not successful: ${r.contexts.map((c) => `${c.context} (${c.state})`).join(', ') || 'none listed'}` };
  }
}

/** Runs (or continues) the operation of the journal at `key` until a question or its end. */
export async function runOperation(key: string, deps: RunDeps): Promise<RunStop> {
  let journal = await deps.store.read(key);
  if (!journal) throw new UsageError(`No deploy journal ${key}.`, 'Start the deploy again.');
  const samples: Record<string, HealthSample[]> = {};
  const lastSample = (id: string) => samples[id]?.[samples[id]!.length - 1]?.at ?? -Infinity;
  const sampleDue = async (ids: readonly string[]) => {
    for (const c of journal!.env.healthChecks.filter((x) => ids.includes(x.id))) {
      if (deps.now().getTime() - lastSample(c.id) >= c.intervalMs) (samples[c.id] ??= []).push(await deps.probe.sample(c, deps.signal));
    }
  };
  // This drive follows one operation: when the journal turns out to hold another one (it was
  // superseded and replaced), it stops; it never drives an operation it did not start or resume.
  const id = journal.id;
  const replacedBy = (other: DeployJournal | null): RunStop => {
    const by = other === null ? 'the removal of its journal' : other.plan.operation === 'rollback' ? `rollback ${other.id}` : `a deploy of ${other.plan.release.version} (${other.id})`;
    let mine = journal!;
    if (mine.state === 'running') mine = applyEvent(mine, { type: 'supersede', reason: `superseded by ${by}` }, deps.now());
    return { journal: mine, action: { kind: 'done', state: mine.state === 'running' ? 'superseded' : (mine.state as Exclude<DeployJournal['state'], 'running'>), summary: mine.outcome ?? `superseded by ${by}` } };
  };
  // The outcome of a step in flight being recorded: kept when the write meets a supersede, so the superseded journal still says how that step ended.
  let recording: DeployEvent | null = null;
  let extra: Partial<Observed> = {};
  for (;;) {
    try {
      if (deps.signal?.aborted && journal.state === 'running' && journal.session === deps.session && journal.paused === null) {
        journal = await commitEvent(key, journal, { type: 'paused', reason: 'cancelled' }, deps);
      }
      // Cancelled while following the step in flight of a superseded operation: stop following it (a local step still running keeps the environment's lease held until it ends).
      if (deps.signal?.aborted && journal.state === 'superseded') return { journal, action: { kind: 'done', state: 'superseded', summary: journal.outcome ?? 'superseded' } };
      const observed: Observed = { now: deps.now().getTime(), session: deps.session, ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}), ...extra };
      extra = {};
      const action = nextAction(journal, observed);
      switch (action.kind) {
        case 'ask':
        case 'done':
          return { journal, action };
        case 'record':
          recording = action.event;
          journal = await commitEvent(key, journal, action.event, deps);
          recording = null;
          break;
        case 'dispatch': {
          // The intent is on disk before the provider hears of it: a crash from here on is "uncertain", never "pending".
          journal = await commitEvent(key, journal, { type: 'dispatch-started', index: action.index }, deps);
          await deps.onCall?.('dispatch', action.index);
          let event: DeployEvent;
          try {
            const result = await deps.deployer.dispatch({ environment: journal.env, operation: journal.plan.operation, release: releaseOf(journal, action.index), step: action.step, correlationId: action.correlationId }, deps.signal);
            event = dispatchEvents(action.index, result);
          } catch (e) {
            if (e instanceof JournalConflictError) throw e;
            event = { type: 'dispatch-failed', index: action.index, sent: sentStateOf(e), reason: e instanceof Error ? e.message : String(e) };
          }
          recording = event;
          journal = await commitEvent(key, journal, event, deps);
          recording = null;
          break;
        }
        case 'reconcile': {
          await deps.onCall?.('find', action.index);
          const result = await deps.deployer.find({ environment: journal.env, step: action.step, correlationId: action.correlationId, since: action.since }, deps.signal);
          extra = { reconcile: { index: action.index, result } };
          break;
        }
        case 'observe':
        case 'review': {
          if (action.kind === 'review') await deps.onReview?.(action.index, action.handle, action.reviews);
          if (action.afterMs > 0) await deps.sleep(action.afterMs, deps.signal);
          await deps.onCall?.('observe', action.index);
          const observation = await deps.deployer.observe(action.handle, deps.signal);
          deps.onObserve?.(journal, action.index, observation);
          extra = { run: { index: action.index, observation } };
          break;
        }
        case 'sleep':
          while (deps.now().getTime() < action.untilMs && !deps.signal?.aborted) {
            await sampleDue(action.probe);
            const intervals = journal.env.healthChecks.filter((c) => action.probe.includes(c.id)).map((c) => c.intervalMs);
            await deps.sleep(Math.max(1, Math.min(action.untilMs - deps.now().getTime(), WAKE_MS, ...intervals)), deps.signal);
            // A Promote or Abort (this window's tree, another window) ends the pause at once.
            const fresh = await deps.store.read(key);
            if (fresh?.id !== id) return replacedBy(fresh);
            if (fresh.revision !== journal.revision) {
              journal = fresh;
              break;
            }
          }
          break;
        case 'analyse': {
          await sampleDue(action.checks);
          const checks = journal.env.healthChecks.filter((c) => action.checks.includes(c.id));
          extra = { health: { index: action.index, verdict: evaluateHealth(checks, samples, { since: action.since, now: deps.now().getTime() }) } };
          break;
        }
        case 'plan-rollback':
          journal = await commitEvent(key, journal, await rollbackEvent(journal, deps), deps);
          break;
      }
    } catch (e) {
      if (deps.signal?.aborted) {
        // Cancelled in the middle of an action (a sleep, an observation): the next turn records the pause and asks.
        const stored = await deps.store.read(key);
        if (stored !== null && stored.id !== id) return replacedBy(stored);
        journal = stored ?? journal;
        extra = {};
        recording = null;
        continue;
      }
      // Another writer (a Promote or Abort from the UI, another window resuming) moved the journal on:
      // drop what was being recorded and decide again from what is stored. A dispatch whose outcome
      // was not recorded is found again by its correlation id, never sent twice.
      if (!(e instanceof JournalConflictError)) throw e;
      const fresh = await deps.store.read(key);
      if (!fresh) throw e;
      if (fresh.id !== id) return replacedBy(fresh);
      journal = fresh;
      extra = {};
      const outcome = recording;
      recording = null;
      if (outcome !== null && fresh.state === 'superseded') {
        // Superseded meanwhile: how the step in flight ended is still recorded (a step the supersede found pending was never sent).
        try {
          journal = await commitEvent(key, fresh, outcome, deps);
        } catch (again) {
          if (!(again instanceof JournalConflictError) && !(again instanceof UsageError)) throw again;
          journal = (await deps.store.read(key)) ?? fresh;
          if (journal.id !== id) return replacedBy(journal);
        }
      }
    }
  }
}

/** The release a step deploys: the plan's, or the rollback target's for the steps of an automatic rollback. */
function releaseOf(journal: DeployJournal, index: number): DeployPlan['release'] {
  const s = journal.steps[index]!;
  return s.phase === 'rollback' && journal.rollbackTarget !== null ? journal.rollbackTarget : journal.plan.release;
}

async function rollbackEvent(journal: DeployJournal, deps: RunDeps): Promise<DeployEvent> {
  const prepared = await prepareRollback(journal.env, deps.deployer, { from: journal.plan.release.sha, ...(journal.plan.inputs ? { inputs: journal.plan.inputs } : {}), signal: deps.signal });
  if (!prepared.ok) return { type: 'rollback-unavailable', reason: prepared.reason };
  return { type: 'rollback-planned', plan: prepared.plan };
}

/** A rollback ready to confirm: its plan, target and the question to ask, or why there is none. */
export type PreparedRollback =
  | { ok: true; plan: DeployPlan; current: DeploymentRecord; running: DeploymentRecord | null; confirmation: Confirmation }
  | { ok: false; reason: string; fix: string };

/** Finds and checks the rollback target of an environment through the Deployer, and plans the rollback. */
export async function prepareRollback(env: EnvironmentConfig, deployer: Deployer, options: { from?: string; inputs?: Readonly<Record<string, string>>; signal?: AbortSignal } = {}): Promise<PreparedRollback> {
  const environment = githubEnvironment(env);
  const history = await deployer.listDeployments(environment, options.signal);
  const found = findRollbackTarget(history, environment, options.from !== undefined ? { from: options.from } : {});
  if (found.kind === 'none') return { ok: false, reason: found.reason, fix: 'Deploy a known-good version explicitly instead.' };
  const check = checkRollbackTarget(found.target, { refCommit: await deployer.resolveRef(found.target.ref, options.signal), commitExists: await deployer.commitExists(found.target.sha, options.signal) });
  if (!check.ok) return { ok: false, reason: check.reason, fix: check.fix };
  const replaces = { sha: found.current.sha, version: found.current.version, since: found.current.createdAt };
  const plan = planRollback(env, check.release, { ...(options.inputs ? { inputs: options.inputs } : {}), replaces });
  return { ok: true, plan, current: found.current, running: found.running, confirmation: rollbackConfirmation(env.name, found.current, check.release, found.running) };
}
