/**
 * How events change a deploy journal: every transition of the state machine of journal.ts, and
 * the derived state after each (an abort applied once nothing is in flight, the final outcome).
 * Pure: each call returns a new journal and refuses a transition the current state does not allow.
 */
import { UsageError } from '../errors';
import type { DeployEvent, DeployJournal, JournalStep } from './journalTypes';
import { abortStep, promoteIndex } from './plan';

const TERMINAL = new Set(['done', 'skipped']);
// Step states whose outcome is not known yet: the provider has (or may have) the step.
const IN_FLIGHT = new Set(['sending', 'sent']);

function isTerminal(s: JournalStep): boolean {
  return TERMINAL.has(s.state.status) || (s.state.status === 'failed' && !s.state.notSent);
}

/** The step being worked on: the first that is not done, skipped or failed for good. */
export function cursorOf(journal: DeployJournal): number | null {
  const i = journal.steps.findIndex((s) => !isTerminal(s));
  return i < 0 ? null : i;
}

function stepAt(j: DeployJournal, index: number): JournalStep {
  const s = j.steps[index];
  if (!s) throw new UsageError(`The journal has no step ${index + 1}.`, 'Inspect the journal; it may have been changed by another window.');
  return s;
}

function refuse(event: DeployEvent, s: JournalStep): never {
  throw new UsageError(`Cannot apply ${event.type} to "${s.plan.label}" (${s.state.status}).`, 'Reload the journal: another window may have moved it on.');
}

/** Applies an event and returns the new journal (the input is not changed). Throws a UsageError for a transition the state does not allow. */
export function applyEvent(journal: DeployJournal, event: DeployEvent, now: Date): DeployJournal {
  const at = now.toISOString();
  const j: DeployJournal = structuredCloneJournal(journal);
  j.revision = journal.revision + 1;
  j.updatedAt = at;
  if (journal.state === 'superseded' && AFTER_SUPERSEDE.has(event.type)) return recordAfterSupersede(j, event, at);
  if (journal.state !== 'running' && event.type !== 'resumed') refuseFinal(journal, event);
  switch (event.type) {
    case 'resumed':
      if (j.session !== event.session || j.paused !== null) j.samplingSince = at;
      j.session = event.session;
      j.paused = null;
      break;
    case 'paused':
      j.paused = event.reason;
      break;
    case 'dispatch-started': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'pending' || (s.plan.kind !== 'dispatch' && s.plan.kind !== 'switch')) refuse(event, s);
      s.state = { status: 'sending', at };
      break;
    }
    case 'dispatched': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'sending') refuse(event, s);
      s.state = { status: 'sent', at: s.state.at, handle: event.handle, deadline: new Date(Date.parse(s.state.at) + j.runTimeoutMs).toISOString(), ...(event.note ? { note: event.note } : {}) };
      break;
    }
    case 'dispatch-failed': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'sending') refuse(event, s);
      j.lastError = event.reason;
      s.state = event.sent === 'no' ? { status: 'failed', at, reason: event.reason, notSent: true } : { status: 'sending', at: s.state.at, error: event.reason };
      break;
    }
    case 'step-started': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'pending' || (s.plan.kind !== 'wait' && s.plan.kind !== 'analyse')) refuse(event, s);
      s.state = { status: 'running', at };
      break;
    }
    case 'step-done':
    case 'mark-done': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'sent' && s.state.status !== 'running') refuse(event, s);
      s.state = { status: 'done', at, result: event.type === 'mark-done' ? 'marked done by the user' : event.result };
      break;
    }
    case 'step-failed':
    case 'mark-failed': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'sent' && s.state.status !== 'running') refuse(event, s);
      const reason = event.type === 'mark-failed' ? `${s.plan.label}: marked failed by the user` : event.reason;
      s.state = { status: 'failed', at, reason, notSent: false };
      j.lastError = reason;
      failed(j, s, reason, at);
      break;
    }
    case 'retry': {
      const s = stepAt(j, event.index);
      const ok = (s.state.status === 'failed' && s.state.notSent) || s.state.status === 'sending';
      if (!ok) refuse(event, s);
      s.state = { status: 'pending' };
      break;
    }
    case 'mark-sent': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'sending') refuse(event, s);
      s.state = { status: 'sent', at: s.state.at, handle: null, deadline: new Date(Date.parse(s.state.at) + j.runTimeoutMs).toISOString(), note: 'marked sent by the user' };
      break;
    }
    case 'wait-longer': {
      const s = stepAt(j, event.index);
      if (s.state.status !== 'sent') refuse(event, s);
      s.state = { ...s.state, deadline: new Date(now.getTime() + j.runTimeoutMs).toISOString() };
      break;
    }
    case 'promote':
      promote(j, at);
      break;
    case 'abort':
      abort(j, event.reason, at);
      break;
    case 'rollback-planned': {
      if (!j.rollbackWanted) throw new UsageError('No rollback is wanted by this journal.', 'Start a rollback as its own operation.');
      if (event.plan.operation !== 'rollback' || event.plan.environment.toLowerCase() !== j.env.name.toLowerCase()) throw new UsageError('The rollback plan is not a rollback of this environment.', 'Plan it with planRollback for this environment.');
      const base = j.steps.length;
      for (const step of event.plan.steps) j.steps.push({ phase: 'rollback', plan: { ...step, index: base + step.index }, state: { status: 'pending' } });
      j.rollbackWanted = false;
      j.rollbackTarget = event.plan.release;
      break;
    }
    case 'rollback-unavailable':
      if (!j.rollbackWanted) throw new UsageError('No rollback is wanted by this journal.', 'Start a rollback as its own operation.');
      j.rollbackWanted = false;
      j.needsRollback = true;
      j.outcome = `aborted: ${j.abortRequest?.reason ?? 'failed'}; automatic rollback not possible: ${event.reason}`;
      break;
    case 'supersede':
      for (const s of j.steps) if (!isTerminal(s) && !IN_FLIGHT.has(s.state.status)) s.state = { status: 'skipped', at, reason: event.reason };
      j.state = 'superseded';
      j.outcome = event.reason;
      j.finishedAt = at;
      return j;
  }
  return settle(j, at);
}

// What the superseded drive still records: how its step in flight ended (nothing else changes a superseded operation).
const AFTER_SUPERSEDE = new Set<DeployEvent['type']>(['dispatched', 'dispatch-failed', 'step-done', 'step-failed']);

function recordAfterSupersede(j: DeployJournal, event: DeployEvent, at: string): DeployJournal {
  if (!('index' in event)) refuseFinal(j, event);
  const s = stepAt(j, event.index);
  const st = s.state;
  switch (event.type) {
    case 'dispatched':
      if (st.status !== 'sending') refuse(event, s);
      s.state = { status: 'sent', at: st.at, handle: event.handle, deadline: new Date(Date.parse(st.at) + j.runTimeoutMs).toISOString(), ...(event.note ? { note: event.note } : {}) };
      break;
    case 'dispatch-failed':
      if (st.status !== 'sending') refuse(event, s);
      s.state = event.sent === 'no' ? { status: 'failed', at, reason: event.reason, notSent: true } : { status: 'sending', at: st.at, error: event.reason };
      break;
    case 'step-done':
      if (st.status !== 'sent') refuse(event, s);
      s.state = { status: 'done', at, result: event.result };
      break;
    case 'step-failed':
      if (st.status !== 'sent') refuse(event, s);
      s.state = { status: 'failed', at, reason: event.reason, notSent: false };
      break;
    default:
      refuseFinal(j, event);
  }
  return j;
}

function refuseFinal(journal: DeployJournal, event: DeployEvent): never {
  throw new UsageError(`The ${journal.plan.operation} of ${journal.plan.release.version} to ${journal.plan.environment} is already ${journal.state}; cannot apply ${event.type}.`, 'Start a new operation instead.');
}

function structuredCloneJournal(j: DeployJournal): DeployJournal {
  return JSON.parse(JSON.stringify(j)) as DeployJournal;
}

/** A step failed for real: the deploy aborts (a failure while aborting or rolling back needs a person). */
function failed(j: DeployJournal, s: JournalStep, reason: string, at: string): void {
  if (s.phase === 'main' && j.plan.operation === 'deploy') {
    if (j.abortRequest === null) j.abortRequest = { reason, auto: true, at };
    return;
  }
  j.state = 'failed';
  j.finishedAt = at;
  j.needsRollback = s.phase === 'abort' || j.needsRollback;
  j.outcome = s.phase === 'abort' ? `the abort failed: ${reason}; the new version may still take traffic` : `the ${s.phase === 'rollback' ? 'rollback' : 'operation'} failed: ${reason}`;
  for (const other of j.steps) if (other.state.status === 'pending') other.state = { status: 'skipped', at, reason: 'not run: an earlier step failed' };
}

function promote(j: DeployJournal, at: string): void {
  if (j.plan.operation !== 'deploy' || j.abortRequest !== null) throw new UsageError('Only a running progressive deploy can be promoted.', 'Promote while the canary or blue-green deploy is running.');
  const cursor = cursorOf(j);
  if (cursor === null || j.steps[cursor]!.phase !== 'main') throw new UsageError('Nothing is left to promote.', 'The deploy is finishing.');
  // A step in flight finishes first; waits and analyses in progress are local and can be cut short.
  const from = IN_FLIGHT.has(j.steps[cursor]!.state.status) ? cursor + 1 : cursor;
  const target = promoteIndex(j.plan, from);
  if (target === null) throw new UsageError('This deploy has no promotion step left.', 'Only canary and blue-green deploys can be promoted before they finish.');
  for (let i = from; i < target; i++) {
    const s = j.steps[i]!;
    if (s.state.status === 'pending' || s.state.status === 'running') s.state = { status: 'skipped', at, reason: 'skipped by Promote' };
  }
}

/** A person aborts: the deploy stops (an in-flight run finishes first), or a running rollback stops. */
function abort(j: DeployJournal, reason: string, at: string): void {
  // A step whose outcome cannot be observed (uncertain, or sent without an identified run) may have changed the environment.
  for (const s of j.steps) {
    if (s.phase === 'abort') continue;
    if (s.state.status === 'sending' || (s.state.status === 'sent' && s.state.handle === null)) {
      s.state = { status: 'failed', at, reason: `outcome unknown; ${reason}`, notSent: false };
    }
  }
  if (!j.abortApplied) {
    j.abortRequest ??= { reason, auto: false, at };
    return;
  }
  // Aborting or rolling back already: stop the automatic rollback (the abort step itself still runs).
  const stopped = j.rollbackWanted || j.steps.some((s) => s.phase === 'rollback' && s.state.status === 'pending');
  for (const s of j.steps) if (s.phase === 'rollback' && (s.state.status === 'pending' || s.state.status === 'running')) s.state = { status: 'skipped', at, reason };
  if (stopped) {
    j.rollbackWanted = false;
    j.needsRollback = true;
    j.outcome = `aborted: ${j.abortRequest?.reason ?? reason}; the automatic rollback was stopped (${reason})`;
  }
}

/** Applies a requested abort once no step is in flight, and derives the final state. */
export function settle(j: DeployJournal, at: string): DeployJournal {
  if (j.state !== 'running') return j;
  if (j.abortRequest !== null && !j.abortApplied && !j.steps.some((s) => s.phase !== 'abort' && IN_FLIGHT.has(s.state.status))) applyAbort(j, at);
  if (j.rollbackWanted) return j;
  if (cursorOf(j) !== null) return j;
  // Everything ran or was skipped: how did it end?
  const rollbackSteps = j.steps.filter((s) => s.phase === 'rollback');
  const rolledBack = rollbackSteps.length > 0 && rollbackSteps.every((s) => s.state.status === 'done');
  if (rolledBack) {
    j.state = 'rolled-back';
    j.outcome ??= j.plan.operation === 'rollback' ? `rolled back to ${j.plan.release.version}` : `aborted (${j.abortRequest?.reason ?? 'failed'}) and rolled back to ${rollbackVersion(j)}`;
  } else if (j.abortApplied) {
    j.state = 'aborted';
    const restored = j.steps.some((s) => s.phase === 'abort' && s.state.status === 'done');
    const what = j.plan.operation === 'rollback' ? 'the rollback was stopped' : j.needsRollback ? `${j.plan.release.version} may still be deployed: roll back` : restored ? 'traffic is back on the previous version' : 'nothing was changed';
    j.outcome ??= `aborted: ${j.abortRequest?.reason ?? 'failed'}; ${what}`;
  } else {
    j.state = 'healthy';
    j.outcome = `${j.plan.release.version} deployed to ${j.plan.environment}`;
  }
  j.finishedAt = at;
  return j;
}

function rollbackVersion(j: DeployJournal): string {
  return j.rollbackTarget?.version ?? 'the previous version';
}

function applyAbort(j: DeployJournal, at: string): void {
  j.abortApplied = true;
  const reason = j.abortRequest!.reason;
  for (const s of j.steps) {
    if (s.phase !== 'abort' && (s.state.status === 'pending' || s.state.status === 'running' || (s.state.status === 'failed' && s.state.notSent))) {
      s.state = { status: 'skipped', at, reason: `not run: ${reason}` };
    }
  }
  if (j.plan.operation === 'rollback') return;
  // What may be live: every dispatch or switch that reached the provider (done, or failed after it ran).
  const live = j.steps.filter((s) => s.phase === 'main' && (s.plan.kind === 'dispatch' || s.plan.kind === 'switch') && (s.state.status === 'done' || (s.state.status === 'failed' && !s.state.notSent)));
  const last = live[live.length - 1];
  if (!last) return; // nothing changed in the environment
  const undo = abortStep(j.env, j.plan, last.plan.index);
  if (undo) {
    j.steps.push({ phase: 'abort', plan: { ...undo, index: j.steps.length }, state: { status: 'pending' } });
    return;
  }
  if (j.abortRequest!.auto && j.autoRollback) j.rollbackWanted = true;
  else j.needsRollback = true;
}
