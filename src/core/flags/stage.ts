/**
 * The flag stage: a progressive rollout of one flag in one environment over the ports. Each step is
 * written to the journal as an intent, set on the server, READ BACK, then held while the health
 * checks are analysed; a failed analysis sets the configured rollback (default rollout 0 and off)
 * and records it. A resumed run reads the server first: a change whose intent was written is
 * recognised (never applied twice), and a rollout somebody else changed meanwhile stops the run with
 * a question. A server that cannot be read makes the stage "unknown" (fail closed), never passed.
 */
import { ReleaseError } from '../errors';
import { evaluateHealth, type HealthSample, type HealthVerdict } from '../deploy/health';
import type { HealthProbe } from '../deploy/ports';
import { describeSetting, sameSetting, stepsFrom, type FlagJournal, type FlagJournalStore, type FlagSetting, type FlagStepRecord } from './journal';
import { FlagProviderError, stateUnknown, type FlagProvider, type FlagState } from './ports';
import { holdMs, type FlagRolloutConfig } from './schema';

/** How often a hold wakes up (to sample, and to notice a kill switch or an answer from elsewhere). */
const WAKE_MS = 1000;

/** A question a run stops at: the server shows something this run did not set, or another run is unfinished. */
export type FlagQuestion =
  | { kind: 'changed'; flag: string; environment: string; expected: FlagSetting; current: FlagSetting; text: string }
  | { kind: 'unfinished'; flag: string; environment: string; journal: FlagJournal; text: string };

/** What the stage reports as it goes (a throw from the callback stops the run: that is how tests crash it). */
export type FlagStageEvent =
  | { type: 'started' | 'resumed'; steps: number[] }
  | { type: 'setting'; index: number; to: FlagSetting }
  /** The change was sent, not yet read back. */
  | { type: 'sent'; index: number; to: FlagSetting }
  | { type: 'set'; index: number; state: FlagSetting; changed: boolean }
  | { type: 'holding'; index: number; untilMs: number; verdict: HealthVerdict | null }
  | { type: 'passed'; index: number; reason: string }
  | { type: 'skipped'; index: number; reason: string }
  | { type: 'failed'; index: number; reason: string }
  | { type: 'rolling-back'; to: FlagSetting; reason: string }
  | { type: 'finished'; state: FlagJournal['state']; outcome: string };

/** What the stage needs. */
export interface FlagStageDeps {
  provider: FlagProvider;
  probe: HealthProbe;
  store: FlagJournalStore;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** This window's or process's id. */
  session: string;
  /** A fresh run id. */
  newId: () => string;
  signal?: AbortSignal;
  /** Answers a question: go on from what the server shows ("continue") or stop. Without it, the run stops. */
  decide?: (question: FlagQuestion) => Promise<'continue' | 'stop'>;
  onEvent?: (journal: FlagJournal, event: FlagStageEvent) => void | Promise<void>;
}

/** What to run: the configured rollout, or one percentage now (`to`: set, read back, no ramp, no hold). */
export interface FlagStageRequest {
  key: string;
  rollout: FlagRolloutConfig;
  to?: number;
}

/** How a stage ended. */
export type FlagStageOutcome =
  /** Every step set, read back and held healthy (or there was nothing to do). */
  | { kind: 'done'; journal: FlagJournal; outcome: string }
  /** A step failed its analysis; the rollback was set and read back. */
  | { kind: 'rolled-back'; journal: FlagJournal; outcome: string }
  /** Stopped at a question (answered "stop", or nobody to ask), or by a kill switch. */
  | { kind: 'stopped'; journal: FlagJournal | null; outcome: string; question?: FlagQuestion }
  /** The server could not be read or did not show what was set: the state is unknown (fail closed). The journal stays resumable. */
  | { kind: 'unknown'; journal: FlagJournal | null; outcome: string }
  /** Cancelled: the journal stays resumable (run again). */
  | { kind: 'cancelled'; journal: FlagJournal; outcome: string };

/** Another writer changed the journal between our read and our write. */
export class FlagJournalConflictError extends ReleaseError {
  static override readonly kind: string = 'FlagJournalConflictError';
  constructor(message: string) {
    super(message, 'Another window or the CLI changed this rollout: look at its state (release-manager flag status) and run the command again.');
  }
}

class Unknown extends Error {}
class Cancelled extends Error {}

const setting = (s: FlagState): FlagSetting => ({ enabled: s.enabled, rollout: s.rollout });

/** Runs (or resumes) a flag rollout to its end, a question, or an unknown state. */
export async function runFlagStage(req: FlagStageRequest, deps: FlagStageDeps): Promise<FlagStageOutcome> {
  const { flag, environment } = req.rollout;
  let journal: FlagJournal | null = null;
  const ctx = { flag, environment };
  try {
    const existing = await deps.store.read(req.key);
    const sameRequest = existing !== null && (req.to === undefined ? existing.mode === 'ramp' : existing.mode === 'to' && existing.steps[0]?.percent === req.to);
    if (existing?.state === 'running' && !sameRequest) {
      const q: FlagQuestion = { kind: 'unfinished', ...ctx, journal: existing, text: `An unfinished ${existing.mode === 'ramp' ? 'ramp' : `rollout to ${existing.steps[0]?.percent ?? '?'}%`} of ${flag} in ${environment} started ${existing.startedAt} (${progressOf(existing)}). Abandon it and start this one?` };
      if ((await ask(q, deps)) === 'stop') return { kind: 'stopped', journal: existing, outcome: 'stopped: another rollout of this flag is unfinished', question: q };
      journal = await commit(req.key, existing, { state: 'stopped', finishedAt: iso(deps), outcome: 'abandoned for a new rollout' }, deps);
    }
    if (existing?.state === 'running' && sameRequest) {
      // This session drives it from now on (a compare-and-swap: a second driver starting at once loses).
      journal = existing.session === deps.session ? existing : await commit(req.key, existing, { session: deps.session }, deps);
      await deps.onEvent?.(journal, { type: 'resumed', steps: journal.steps.map((s) => s.percent) });
    } else {
      const current = setting(await read(deps, flag, environment));
      const percents = req.to !== undefined ? [req.to] : stepsFrom(req.rollout.steps, current);
      const now = iso(deps);
      const fresh: FlagJournal = {
        kind: 'flag',
        version: 1,
        revision: (journal ?? existing)?.revision !== undefined ? (journal ?? existing)!.revision + 1 : 1,
        id: deps.newId(),
        flag,
        environment,
        mode: req.to !== undefined ? 'to' : 'ramp',
        holdMs: req.to !== undefined ? 0 : holdMs(req.rollout.hold),
        startedAt: now,
        updatedAt: now,
        finishedAt: null,
        session: deps.session,
        state: 'running',
        before: current,
        expected: current,
        writing: null,
        steps: percents.map((percent) => ({ percent, status: 'pending' })),
        rollback: null,
        outcome: null,
      };
      const prior = journal ?? existing;
      if ((await deps.store.write(req.key, fresh, prior?.revision ?? null)) !== 'written') throw new FlagJournalConflictError(`Another run of ${flag} in ${environment} started at the same time.`);
      journal = fresh;
      await deps.onEvent?.(journal, { type: 'started', steps: percents });
    }
    return await drive(req, journal, deps);
  } catch (e) {
    const latest = (await deps.store.read(req.key).catch(() => null)) ?? journal;
    if (e instanceof Cancelled || (deps.signal?.aborted && !(e instanceof FlagProviderError))) return { kind: 'cancelled', journal: latest!, outcome: 'cancelled: run the command again to resume' };
    if (e instanceof Unknown) return { kind: 'unknown', journal: latest, outcome: e.message };
    // A kill switch (or another window) finished the run while we were writing: report how it ended.
    if (e instanceof FlagJournalConflictError && latest && latest.state !== 'running') return ended(latest);
    if (e instanceof FlagProviderError && stateUnknown(e)) return { kind: 'unknown', journal: latest, outcome: `unknown: ${e.message}` };
    throw e;
  }
}

/** Drives a running journal from what the server shows now. */
async function drive(req: FlagStageRequest, start: FlagJournal, deps: FlagStageDeps): Promise<FlagStageOutcome> {
  let j = start;
  const { flag, environment } = j;
  let reapplied = false;
  for (;;) {
    if (deps.signal?.aborted) throw new Cancelled();
    const fresh = await deps.store.read(req.key);
    if (fresh && fresh.revision !== j.revision) j = fresh;
    if (j.state !== 'running') return ended(j);

    const current = setting(await read(deps, flag, environment));

    // A rollback in progress goes to its target whatever the server shows (safety first; the target is absolute).
    if (j.rollback && j.rollback.status === 'setting') {
      if (!sameSetting(current, j.rollback.to)) await apply(deps, j, req.rollout, current, j.rollback.to);
      const back = setting(await read(deps, flag, environment));
      if (!sameSetting(back, j.rollback.to)) throw new Unknown(`unknown: the rollback of ${flag} in ${environment} was sent, but the server shows ${describeSetting(back)} (expected ${describeSetting(j.rollback.to)})`);
      const outcome = `rolled back to ${describeSetting(back)}: ${j.rollback.reason}`;
      j = await commit(req.key, j, { writing: null, expected: back, rollback: { ...j.rollback, status: 'done' }, state: 'rolled-back', finishedAt: iso(deps), outcome }, deps);
      await deps.onEvent?.(j, { type: 'finished', state: j.state, outcome });
      return { kind: 'rolled-back', journal: j, outcome };
    }

    // Reconcile what we know with what the server shows.
    if (j.writing) {
      if (sameSetting(current, j.writing.to)) {
        const index = j.steps.findIndex((s) => s.status === 'setting');
        j = await commit(req.key, j, { writing: null, expected: current, steps: withStep(j.steps, index, { status: 'set', at: iso(deps) }) }, deps);
        await deps.onEvent?.(j, { type: 'set', index, state: current, changed: false });
        continue;
      }
      if (!sameSetting(current, j.writing.from) || reapplied) {
        const answer = await changed(req, j, j.writing.to, current, deps);
        if (answer.kind !== 'continue') return answer.outcome;
        j = answer.journal;
        continue;
      }
      // The change never reached the server: send it (once more).
      reapplied = true;
    } else if (!sameSetting(current, j.expected)) {
      const answer = await changed(req, j, j.expected, current, deps);
      if (answer.kind !== 'continue') return answer.outcome;
      j = answer.journal;
      continue;
    }

    const index = j.steps.findIndex((s) => s.status !== 'passed' && s.status !== 'skipped');
    if (index < 0) {
      const outcome = j.steps.length === 0 ? `nothing to do: ${flag} is already ${describeSetting(current)} in ${environment}` : `${flag} is ${describeSetting(current)} in ${environment}`;
      j = await commit(req.key, j, { state: 'done', finishedAt: iso(deps), outcome }, deps);
      await deps.onEvent?.(j, { type: 'finished', state: j.state, outcome });
      return { kind: 'done', journal: j, outcome };
    }
    const step = j.steps[index]!;
    if (step.status === 'pending' || step.status === 'setting') {
      const target: FlagSetting = { enabled: step.percent > 0 ? true : j.expected.enabled, rollout: step.percent };
      if (sameSetting(current, target)) {
        j = await commit(req.key, j, { writing: null, expected: current, steps: withStep(j.steps, index, { status: 'set', at: iso(deps) }) }, deps);
        await deps.onEvent?.(j, { type: 'set', index, state: current, changed: false });
        continue;
      }
      // The intent is on disk before the server hears of it: after a crash the server tells which side holds.
      j = await commit(req.key, j, { writing: { from: current, to: target, purpose: 'step' }, steps: withStep(j.steps, index, { status: 'setting', at: iso(deps) }) }, deps);
      await deps.onEvent?.(j, { type: 'setting', index, to: target });
      await apply(deps, j, req.rollout, current, target);
      await deps.onEvent?.(j, { type: 'sent', index, to: target });
      const back = setting(await read(deps, flag, environment));
      if (!sameSetting(back, target)) {
        // Somebody else moved it, or the server did not apply it: the next turn asks (or sends once more).
        continue;
      }
      j = await commit(req.key, j, { writing: null, expected: back, steps: withStep(j.steps, index, { status: 'set', at: iso(deps) }) }, deps);
      reapplied = false;
      await deps.onEvent?.(j, { type: 'set', index, state: back, changed: true });
      continue;
    }
    // status 'set' (or 'failed' left by a crash before the rollback was written): hold and analyse.
    const verdict = step.status === 'failed' ? { status: 'fail' as const, reason: step.reason ?? 'failed' } : await hold(req, j, index, deps);
    if (verdict === 'changed') continue;
    const latest = await deps.store.read(req.key);
    if (latest && latest.revision !== j.revision) {
      j = latest;
      if (j.state !== 'running') return ended(j);
    }
    if (verdict.status === 'pass') {
      j = await commit(req.key, j, { steps: withStep(j.steps, index, { status: 'passed', at: iso(deps), reason: verdict.reason }) }, deps);
      await deps.onEvent?.(j, { type: 'passed', index, reason: verdict.reason });
      continue;
    }
    // A failed analysis: set the rollback (intent first), then the loop applies and reads it back.
    const to: FlagSetting = { enabled: req.rollout.rollback.disable ? false : j.expected.enabled, rollout: req.rollout.rollback.rollout };
    const reason = `${step.percent}%: ${verdict.reason}`;
    j = await commit(req.key, j, { steps: withStep(j.steps, index, { status: 'failed', at: iso(deps), reason: verdict.reason }), rollback: { to, reason, status: 'setting' }, writing: { from: j.expected, to, purpose: 'rollback' } }, deps);
    await deps.onEvent?.(j, { type: 'failed', index, reason: verdict.reason });
    await deps.onEvent?.(j, { type: 'rolling-back', to, reason });
  }
}

/** Holds step `index` for the journal's hold while analysing the health checks; 'changed' when the journal moved on elsewhere. */
async function hold(req: FlagStageRequest, j: FlagJournal, index: number, deps: FlagStageDeps): Promise<{ status: 'pass' | 'fail'; reason: string } | 'changed'> {
  const checks = req.rollout.health;
  if (j.holdMs === 0 && j.mode === 'to') return { status: 'pass', reason: 'set and read back' };
  const since = deps.now().getTime();
  const until = since + j.holdMs;
  const samples: Record<string, HealthSample[]> = {};
  const last = (id: string) => samples[id]?.[samples[id]!.length - 1]?.at ?? -Infinity;
  for (;;) {
    if (deps.signal?.aborted) throw new Cancelled();
    for (const c of checks) {
      if (deps.now().getTime() - last(c.id) >= c.intervalMs) (samples[c.id] ??= []).push(await deps.probe.sample(c, deps.signal));
    }
    const now = deps.now().getTime();
    const verdict = checks.length > 0 ? evaluateHealth(checks, samples, { since, now }) : null;
    await deps.onEvent?.(j, { type: 'holding', index, untilMs: until, verdict });
    if (verdict?.status === 'fail') return { status: 'fail', reason: verdict.reason };
    if (now >= until && (verdict === null || verdict.status === 'pass')) return { status: 'pass', reason: verdict?.reason ?? `held ${Math.round(j.holdMs / 1000)} s (no health checks)` };
    const intervals = checks.map((c) => c.intervalMs);
    await deps.sleep(Math.max(1, Math.min(now < until ? until - now : WAKE_MS, WAKE_MS, ...intervals)), deps.signal).catch((e: unknown) => {
      if (deps.signal?.aborted) throw new Cancelled();
      throw e;
    });
    // A kill switch (or another window) moved the journal on: stop holding.
    const fresh = await deps.store.read(req.key);
    if (fresh && fresh.revision !== j.revision) return 'changed';
  }
}

/** Asks what to do about a server that shows something this run did not set; 'continue' adopts what it shows. */
async function changed(req: FlagStageRequest, j: FlagJournal, expected: FlagSetting, current: FlagSetting, deps: FlagStageDeps): Promise<{ kind: 'continue'; journal: FlagJournal } | { kind: 'stop'; outcome: FlagStageOutcome }> {
  const q: FlagQuestion = {
    kind: 'changed',
    flag: j.flag,
    environment: j.environment,
    expected,
    current,
    text: `${j.flag} in ${j.environment} is ${describeSetting(current)}, but this rollout last set ${describeSetting(expected)}: somebody else changed it. Continue the rollout from ${describeSetting(current)}?`,
  };
  if ((await ask(q, deps)) === 'stop') {
    const outcome = `stopped: ${j.flag} was changed outside this rollout (${describeSetting(expected)} → ${describeSetting(current)})`;
    const stopped = await commit(req.key, j, { state: 'stopped', finishedAt: iso(deps), outcome }, deps);
    await deps.onEvent?.(stopped, { type: 'finished', state: stopped.state, outcome });
    return { kind: 'stop', outcome: { kind: 'stopped', journal: stopped, outcome, question: q } };
  }
  // Adopt what the server shows: steps it already covers are skipped, an unfinished one is taken again from there.
  const steps = j.steps.map((s): FlagStepRecord => {
    if (s.status === 'passed' || s.status === 'skipped') return s;
    if (current.enabled && s.percent <= current.rollout) return { ...s, status: 'skipped', at: iso(deps), reason: `the rollout was already ${current.rollout}%` };
    return { ...s, status: 'pending' };
  });
  const next = await commit(req.key, j, { writing: null, expected: current, steps }, deps);
  steps.forEach((s, i) => {
    if (s.status === 'skipped' && j.steps[i]?.status !== 'skipped') void deps.onEvent?.(next, { type: 'skipped', index: i, reason: s.reason ?? '' });
  });
  return { kind: 'continue', journal: next };
}

async function ask(q: FlagQuestion, deps: FlagStageDeps): Promise<'continue' | 'stop'> {
  return deps.decide ? deps.decide(q) : 'stop';
}

/** Sends what differs between `from` and `to`: turning on after the rollout is set, turning off before. */
async function apply(deps: FlagStageDeps, j: FlagJournal, rollout: FlagRolloutConfig, from: FlagSetting, to: FlagSetting): Promise<void> {
  const opts = deps.signal ? { signal: deps.signal } : {};
  if (from.enabled && !to.enabled) await deps.provider.disable(j.flag, j.environment, opts);
  if (from.rollout !== to.rollout) await deps.provider.setRollout(j.flag, j.environment, to.rollout, { ...opts, stickiness: rollout.stickiness, groupId: rollout.groupId ?? j.flag });
  if (!from.enabled && to.enabled) await deps.provider.enable(j.flag, j.environment, opts);
}

/** Reads the flag; a server that cannot answer makes the stage unknown. */
async function read(deps: FlagStageDeps, flag: string, environment: string): Promise<FlagState> {
  try {
    return await deps.provider.getState(flag, environment, deps.signal ? { signal: deps.signal } : {});
  } catch (e) {
    if (deps.signal?.aborted) throw new Cancelled();
    if (e instanceof FlagProviderError && !stateUnknown(e)) throw e;
    throw new Unknown(`unknown: ${flag} in ${environment} could not be read (${e instanceof Error ? e.message : String(e)}); nothing is assumed`);
  }
}

/** The outcome of a journal another writer finished (a kill switch, another window). */
function ended(j: FlagJournal): FlagStageOutcome {
  const outcome = j.outcome ?? j.state;
  if (j.state === 'done') return { kind: 'done', journal: j, outcome };
  if (j.state === 'rolled-back') return { kind: 'rolled-back', journal: j, outcome };
  return { kind: 'stopped', journal: j, outcome };
}

/** "step 2 of 4 (10%)". */
export function progressOf(j: FlagJournal): string {
  const i = j.steps.findIndex((s) => s.status !== 'passed' && s.status !== 'skipped');
  if (i < 0) return `${j.steps.length} of ${j.steps.length} steps done`;
  return `step ${i + 1} of ${j.steps.length} (${j.steps[i]!.percent}%, ${j.steps[i]!.status})`;
}

function withStep(steps: readonly FlagStepRecord[], index: number, patch: Partial<FlagStepRecord>): FlagStepRecord[] {
  return steps.map((s, i) => (i === index ? { ...s, ...patch } : s));
}

function iso(deps: Pick<FlagStageDeps, 'now'>): string {
  return deps.now().toISOString();
}

/** Writes the journal with `patch` (compare-and-swap on its revision). */
export async function commit(key: string, j: FlagJournal, patch: Partial<FlagJournal>, deps: Pick<FlagStageDeps, 'store' | 'now'>): Promise<FlagJournal> {
  const next: FlagJournal = { ...j, ...patch, revision: j.revision + 1, updatedAt: iso(deps) };
  if ((await deps.store.write(key, next, j.revision)) !== 'written') throw new FlagJournalConflictError(`The rollout of ${j.flag} in ${j.environment} was changed by another window or process.`);
  return next;
}
