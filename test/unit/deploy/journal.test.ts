import assert from 'node:assert/strict';
import { GitHubError, UsageError } from '../../../src/core/errors';
import type { HealthVerdict } from '../../../src/core/deploy/health';
import {
  choiceEvents,
  correlationId,
  deployJournalKey,
  failureToReport,
  journalSummary,
  operationSucceeded,
  nextAction,
  REPEAT_WINDOW_MS,
  sentStateOf,
  startOperation,
  type DeployAction,
  type Observed,
  type StartRequest,
} from '../../../src/core/deploy/journal';
import type { DeployEvent, DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy, planRollback } from '../../../src/core/deploy/plan';
import type { RunHandle } from '../../../src/core/deploy/runHandle';
import { renderDeployRecord } from '../../../src/core/deploy/record';
import { applyEvent, cursorOf } from '../../../src/core/deploy/transitions';
import { environmentSchema, type EnvironmentConfig } from '../../../src/core/deploy/schema';

const T0 = Date.parse('2026-06-01T08:00:00Z');
const SHA = '1'.repeat(40);
const release = { version: '1.4.0', sha: SHA, ref: 'v1.4.0' };
const CHECKS = [{ kind: 'http', id: 'up', url: 'https://prod.example.com/health', windowMs: 60_000, intervalMs: 10_000 }];

function env(over: Record<string, unknown> = {}): EnvironmentConfig {
  return environmentSchema().parse({ name: 'production', provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { version: '{version}' }, correlationInput: 'correlation_id' }, healthChecks: CHECKS, ...over });
}
const canaryEnv = env({ strategy: { kind: 'canary', steps: [{ weight: 10, pauseMs: 60_000 }, { weight: 50, pauseMs: 60_000 }] } });

function request(e: EnvironmentConfig, over: Partial<StartRequest> = {}): StartRequest {
  return { repo: 'o/r', id: 'op-abc123', session: 's1', env: e, plan: planDeploy(e, release), ...over };
}
function started(e: EnvironmentConfig = canaryEnv, over: Partial<StartRequest> = {}): DeployJournal {
  const d = startOperation(null, request(e, over), new Date(T0));
  assert.equal(d.kind, 'start');
  return d.journal;
}
const at = (ms: number) => new Date(T0 + ms);
const obs = (over: Partial<Observed> = {}): Observed => ({ now: T0, session: 's1', ...over });
const handle = (runId: number): RunHandle => ({ provider: 'workflow', runId, url: `https://github.com/o/r/actions/runs/${runId}` });
const pass: HealthVerdict = { status: 'pass', reason: 'healthy: up: 6 good samples over 60 s', checks: [] };
const fail: HealthVerdict = { status: 'fail', reason: 'up: 1 bad sample in 60 s; last: status 503 (expected 200)', checks: [] };

/** Applies events in order at time `ms`. */
function apply(j: DeployJournal, ms: number, ...events: DeployEvent[]): DeployJournal {
  return events.reduce((acc, e) => applyEvent(acc, e, at(ms)), j);
}

/** Dispatches step `index` and has its run succeed. */
function sendAndSucceed(j: DeployJournal, index: number, ms: number, runId = 100 + index): DeployJournal {
  const sent = apply(j, ms, { type: 'dispatch-started', index }, { type: 'dispatched', index, handle: handle(runId) });
  const a = nextAction(sent, obs({ now: T0 + ms, run: { index, observation: { status: 'succeeded' } } }));
  assert.equal(a.kind, 'record');
  return apply(sent, ms, (a as Extract<DeployAction, { kind: 'record' }>).event);
}

function kinds(j: DeployJournal): string[] {
  return j.steps.map((s) => `${s.phase}:${s.plan.kind}:${s.state.status}`);
}

describe('deploy/journal', () => {
  describe('startOperation', () => {
    it('starts a new operation with every step pending and the first one to dispatch', () => {
      const j = started();
      assert.equal(j.state, 'running');
      assert.equal(j.revision, 0);
      assert.equal(j.autoRollback, false);
      assert.ok(j.steps.every((s) => s.state.status === 'pending' && s.phase === 'main'));
      const a = nextAction(j, obs());
      assert.deepEqual(a.kind === 'dispatch' && [a.index, a.correlationId], [0, 'op-abc123-m0']);
      assert.equal(deployJournalKey('o/r', 'Production'), 'deploy:o/r:production');
    });

    it('attaches a second start of the same deploy to the first: a double click is one operation', () => {
      const first = apply(started(), 1, { type: 'dispatch-started', index: 0 });
      const again = startOperation(first, request(canaryEnv, { id: 'op-other1', session: 's2' }), at(2));
      assert.equal(again.kind, 'attach');
      assert.equal(again.journal, first);
    });

    it('asks before starting a different operation over a running one, and marks the old one superseded when told to', () => {
      const running = apply(started(), 1, { type: 'dispatch-started', index: 0 }, { type: 'dispatched', index: 0, handle: handle(1) });
      const other = planDeploy(canaryEnv, { version: '1.5.0', sha: '2'.repeat(40), ref: 'v1.5.0' });
      const busy = startOperation(running, request(canaryEnv, { id: 'op-next01', plan: other }), at(5));
      assert.equal(busy.kind, 'busy');
      assert.match(busy.kind === 'busy' ? busy.question : '', /^A deploy of 1\.4\.0 is running on production .*Wait for it, or stop it and deploy 1\.5\.0 instead \(once its step in flight has ended\)\?$/);
      const rollback = planRollback(canaryEnv, { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' });
      const ask = startOperation(running, request(canaryEnv, { id: 'op-back01', plan: rollback }), at(5));
      assert.match(ask.kind === 'busy' ? ask.question : '', /Roll back anyway\? The running deploy is stopped first: it sends no further step, and the rollback starts once its step in flight has ended\.$/);
      const go = startOperation(running, request(canaryEnv, { id: 'op-back01', plan: rollback, supersede: true }), at(6));
      assert.equal(go.kind, 'start');
      assert.ok(go.kind === 'start' && go.superseded);
      if (go.kind === 'start' && go.superseded) {
        assert.equal(go.superseded.state, 'superseded');
        assert.equal(go.superseded.outcome, 'superseded by rollback op-back01');
        assert.equal(go.superseded.steps[0]!.state.status, 'sent', 'an in-flight step is left as it is');
        assert.ok(go.superseded.steps.slice(1).every((s) => s.state.status === 'skipped'));
        assert.equal(go.journal.steps[0]!.phase, 'rollback');
      }
    });

    it('a superseded operation follows its step in flight to its end and records how it ended, but sends nothing more', () => {
      const running = apply(started(), 1, { type: 'dispatch-started', index: 0 }, { type: 'dispatched', index: 0, handle: handle(1) });
      const rollback = planRollback(canaryEnv, { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' });
      const go = startOperation(running, request(canaryEnv, { id: 'op-back01', plan: rollback, supersede: true }), at(6));
      assert.ok(go.kind === 'start' && go.superseded);
      const superseded = go.kind === 'start' ? go.superseded! : running;
      const mine = { now: at(7).getTime(), session: superseded.session, pollMs: 1000 };
      // Its own drive keeps observing the step in flight; another session has nothing to do with it.
      assert.deepEqual(nextAction(superseded, mine), { kind: 'observe', index: 0, handle: handle(1), afterMs: 0 });
      assert.equal(nextAction(superseded, { ...mine, session: 'someone-else' }).kind, 'done');
      const ran = nextAction(superseded, { ...mine, run: { index: 0, observation: { status: 'running' } } });
      assert.equal(ran.kind, 'observe');
      const ended = nextAction(superseded, { ...mine, run: { index: 0, observation: { status: 'succeeded', reason: 'exit code 0' } } });
      assert.deepEqual(ended, { kind: 'record', event: { type: 'step-done', index: 0, result: 'exit code 0' } });
      const recorded = applyEvent(superseded, { type: 'step-done', index: 0, result: 'exit code 0' }, at(8));
      assert.equal(recorded.state, 'superseded');
      assert.equal(recorded.steps[0]!.state.status, 'done');
      assert.ok(recorded.steps.slice(1).every((s) => s.state.status === 'skipped'), 'nothing else is sent');
      assert.deepEqual(nextAction(recorded, mine), { kind: 'done', state: 'superseded', summary: 'superseded by rollback op-back01' });
      // Nothing but the outcome of the step in flight is accepted any more.
      assert.throws(() => applyEvent(recorded, { type: 'dispatch-started', index: 2 }, at(9)), /already superseded/);
      assert.throws(() => applyEvent(superseded, { type: 'promote' }, at(9)), /already superseded/);
    });

    it('treats two rollbacks of one environment as one operation even when the second computed another target', () => {
      const first = started(canaryEnv, { plan: planRollback(canaryEnv, { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' }) });
      const second = startOperation(first, request(canaryEnv, { id: 'op-back02', plan: planRollback(canaryEnv, { version: '1.2.0', sha: '4'.repeat(40), ref: 'v1.2.0' }) }), at(1000));
      assert.equal(second.kind, 'attach');
    });

    it('reports a just-finished operation instead of repeating it, and starts anew later or when asked again', () => {
      let j = started(env());
      j = sendAndSucceed(j, 0, 1000);
      j = apply(j, 2000, { type: 'step-started', index: 1 }, { type: 'step-done', index: 1, result: 'healthy' });
      assert.equal(j.state, 'healthy');
      assert.equal(startOperation(j, request(env(), { id: 'op-again1' }), at(2000 + REPEAT_WINDOW_MS - 1)).kind, 'already-done');
      assert.equal(startOperation(j, request(env(), { id: 'op-again1' }), at(2000 + REPEAT_WINDOW_MS)).kind, 'start');
      assert.equal(startOperation(j, request(env(), { id: 'op-again1', again: true }), at(3000)).kind, 'start');
    });

    it('refuses malformed operation ids and plans for another environment', () => {
      assert.throws(() => startOperation(null, request(canaryEnv, { id: 'x' }), at(0)), UsageError);
      assert.throws(() => startOperation(null, request(canaryEnv, { id: 'OP;rm -rf' }), at(0)), UsageError);
      assert.throws(() => startOperation(null, request(env({ name: 'staging' }), { plan: planDeploy(canaryEnv, release) }), at(0)), UsageError);
    });
  });

  describe('dispatch and resume', () => {
    it('never dispatches a step whose dispatch was begun: it reconciles, and asks when the run is not found', () => {
      const j = apply(started(), 10, { type: 'dispatch-started', index: 0 });
      const a = nextAction(j, obs());
      assert.equal(a.kind, 'reconcile');
      assert.deepEqual(a.kind === 'reconcile' && [a.correlationId, a.since], ['op-abc123-m0', T0 + 10]);
      const found = nextAction(j, obs({ reconcile: { index: 0, result: { kind: 'found', handle: handle(7) } } }));
      assert.deepEqual(found, { kind: 'record', event: { type: 'dispatched', index: 0, handle: handle(7), note: 'found after an interruption' } });
      for (const result of [{ kind: 'absent' } as const, { kind: 'ambiguous', detail: 'runs 1, 2' } as const, { kind: 'cannot-identify', reason: 'no correlation input' } as const]) {
        const ask = nextAction(j, obs({ reconcile: { index: 0, result } }));
        assert.equal(ask.kind, 'ask', result.kind);
        assert.deepEqual(ask.kind === 'ask' && ask.choices, ['inspect', 'mark-sent', 'retry', 'abort']);
      }
      const stale = nextAction(j, obs({ reconcile: { index: 3, result: { kind: 'absent' } } }));
      assert.equal(stale.kind, 'reconcile', 'an observation of another step is ignored');
    });

    it('sends again only when a person chooses retry, and continues untracked when they mark it sent', () => {
      const j = apply(started(), 10, { type: 'dispatch-started', index: 0 });
      const retried = apply(j, 20, ...choiceEvents('retry', 0, 's1'));
      assert.equal(nextAction(retried, obs()).kind, 'dispatch');
      const marked = apply(j, 20, ...choiceEvents('mark-sent', 0, 's1'));
      const a = nextAction(marked, obs());
      assert.equal(a.kind, 'ask');
      assert.match(a.kind === 'ask' ? a.reason : '', /could not identify the run/);
      assert.deepEqual(a.kind === 'ask' && a.choices, ['inspect', 'mark-done', 'mark-failed', 'abort']);
      assert.equal(cursorOf(apply(marked, 30, ...choiceEvents('mark-done', 0, 's1'))), 1);
    });

    it('asks another session (closed window, restarted host) to resume or inspect before anything, and a cancelled one too', () => {
      const j = apply(started(), 10, { type: 'dispatch-started', index: 0 }, { type: 'dispatched', index: 0, handle: handle(1) });
      const a = nextAction(j, obs({ session: 's2' }));
      assert.equal(a.kind, 'ask');
      assert.deepEqual(a.kind === 'ask' && a.choices, ['resume', 'inspect', 'abort']);
      assert.match(a.kind === 'ask' ? a.reason : '', /Nothing is retried on its own\.$/);
      const resumed = apply(j, 20, ...choiceEvents('resume', null, 's2'));
      assert.equal(nextAction(resumed, obs({ session: 's2' })).kind, 'observe');
      const paused = apply(j, 20, { type: 'paused', reason: 'cancelled' });
      assert.match((nextAction(paused, obs()) as { reason: string }).reason, /paused \(cancelled\)/);
      assert.equal(choiceEvents('inspect', 0, 's2').length, 0, 'inspect changes nothing');
    });

    it('records a refusal (422 inputs, 409 contexts, 202 nothing deployed) as not sent, and asks to retry or abort', () => {
      const j = apply(started(), 10, { type: 'dispatch-started', index: 0 }, { type: 'dispatch-failed', index: 0, sent: 'no', reason: 'required status checks are not successful: ci/test (failure)' });
      const a = nextAction(j, obs());
      assert.deepEqual(a.kind === 'ask' && a.choices, ['retry', 'abort', 'inspect']);
      const aborted = apply(j, 20, ...choiceEvents('abort', 0, 's1'));
      assert.equal(aborted.state, 'aborted');
      assert.match(aborted.outcome!, /nothing was changed$/);
    });

    it('keeps a step uncertain after a fault that may have been applied', () => {
      assert.equal(sentStateOf(new GitHubError('network', 'socket hang up', 'retry')), 'unknown');
      assert.equal(sentStateOf(new GitHubError('timeout', 'timed out', 'retry')), 'unknown');
      assert.equal(sentStateOf(new GitHubError('server', '502', 'retry')), 'unknown');
      assert.equal(sentStateOf(new GitHubError('invalid', 'Unexpected inputs provided', 'fix')), 'no');
      assert.equal(sentStateOf(new GitHubError('forbidden', 'no', 'fix')), 'no');
      assert.equal(sentStateOf(new UsageError('bad', 'fix')), 'no');
      assert.equal(sentStateOf(new Error('boom')), 'unknown');
      const j = apply(started(), 10, { type: 'dispatch-started', index: 0 }, { type: 'dispatch-failed', index: 0, sent: 'unknown', reason: 'socket hang up' });
      const a = nextAction(j, obs());
      assert.equal(a.kind, 'reconcile');
      assert.equal(j.lastError, 'socket hang up');
    });
  });

  describe('runs, waits and analyses', () => {
    it('observes a run, polls while it runs, offers reviews while it waits, and asks past its timeout', () => {
      const j = apply(started(), 0, { type: 'dispatch-started', index: 0 }, { type: 'dispatched', index: 0, handle: handle(1) });
      assert.deepEqual(nextAction(j, obs()), { kind: 'observe', index: 0, handle: handle(1), afterMs: 0 });
      assert.deepEqual(nextAction(j, obs({ run: { index: 0, observation: { status: 'running' } } })), { kind: 'observe', index: 0, handle: handle(1), afterMs: 10_000 });
      const reviews = [{ environment: 'production', environmentId: 9, canApprove: true, reviewers: ['octocat'] }];
      const r = nextAction(j, obs({ run: { index: 0, observation: { status: 'waiting', reviews } } }));
      assert.deepEqual(r, { kind: 'review', index: 0, handle: handle(1), reviews, afterMs: 10_000 });
      const late = nextAction(j, obs({ now: T0 + 60 * 60_000 + 1, run: { index: 0, observation: { status: 'running' } } }));
      assert.deepEqual(late.kind === 'ask' && late.choices, ['wait-longer', 'mark-failed', 'inspect']);
      const longer = apply(j, 60 * 60_000 + 1, ...choiceEvents('wait-longer', 0, 's1'));
      assert.equal(nextAction(longer, obs({ now: T0 + 60 * 60_000 + 2, run: { index: 0, observation: { status: 'running' } } })).kind, 'observe');
    });

    it('waits out a pause while probing the checks of the analysis that follows, then analyses from the end of the dispatch', () => {
      let j = sendAndSucceed(started(), 0, 1000);
      const startWait = nextAction(j, obs({ now: T0 + 1000 }));
      assert.deepEqual(startWait, { kind: 'record', event: { type: 'step-started', index: 1 } });
      j = apply(j, 1000, (startWait as Extract<DeployAction, { kind: 'record' }>).event);
      assert.deepEqual(nextAction(j, obs({ now: T0 + 2000 })), { kind: 'sleep', index: 1, untilMs: T0 + 61_000, probe: ['up'] });
      const done = nextAction(j, obs({ now: T0 + 61_000 }));
      assert.deepEqual(done, { kind: 'record', event: { type: 'step-done', index: 1, result: 'waited' } });
      j = apply(j, 61_000, (done as Extract<DeployAction, { kind: 'record' }>).event, { type: 'step-started', index: 2 });
      assert.deepEqual(nextAction(j, obs({ now: T0 + 61_000 })), { kind: 'analyse', index: 2, checks: ['up'], since: T0 + 1000 });
      const pending = nextAction(j, obs({ now: T0 + 61_000, health: { index: 2, verdict: { status: 'pending', reason: 'observing', checks: [] } } }));
      assert.deepEqual(pending, { kind: 'sleep', index: 2, untilMs: T0 + 71_000, probe: ['up'] });
      const ok = nextAction(j, obs({ now: T0 + 61_000, health: { index: 2, verdict: pass } }));
      assert.deepEqual(ok, { kind: 'record', event: { type: 'step-done', index: 2, result: pass.reason } });
    });

    it('counts the analysis window from the resume when another session takes over (samples are not journaled)', () => {
      let j = sendAndSucceed(started(), 0, 1000);
      j = apply(j, 1000, { type: 'step-started', index: 1 }, { type: 'step-done', index: 1, result: 'waited' }, { type: 'step-started', index: 2 });
      j = apply(j, 500_000, ...choiceEvents('resume', null, 's2'));
      const a = nextAction(j, obs({ session: 's2', now: T0 + 500_000 }));
      assert.deepEqual(a.kind === 'analyse' && a.since, T0 + 500_000);
    });
  });

  describe('abort, promote and rollback', () => {
    it('aborts a canary whose analysis fails by sending all traffic back, and ends aborted', () => {
      let j = sendAndSucceed(started(), 0, 1000);
      j = apply(j, 1000, { type: 'step-started', index: 1 }, { type: 'step-done', index: 1, result: 'waited' }, { type: 'step-started', index: 2 });
      const a = nextAction(j, obs({ health: { index: 2, verdict: fail } }));
      assert.deepEqual(a, { kind: 'record', event: { type: 'step-failed', index: 2, reason: `health check failed: ${fail.reason}` } });
      j = apply(j, 70_000, (a as Extract<DeployAction, { kind: 'record' }>).event);
      assert.equal(j.abortApplied, true);
      const abort = j.steps[j.steps.length - 1]!;
      assert.deepEqual([abort.phase, abort.plan.kind, abort.plan.weight, abort.plan.step, abort.plan.index], ['abort', 'dispatch', 0, 0, j.steps.length - 1]);
      assert.ok(j.steps.filter((s) => s.phase === 'main').slice(3).every((s) => s.state.status === 'skipped'));
      const next = nextAction(j, obs());
      assert.deepEqual(next.kind === 'dispatch' && [next.phase, next.correlationId], ['abort', `op-abc123-a${j.steps.length - 1}`]);
      j = sendAndSucceed(j, j.steps.length - 1, 80_000);
      assert.equal(j.state, 'aborted');
      assert.equal(j.needsRollback, false);
      assert.match(j.outcome!, /^aborted: health check failed: .*; traffic is back on the previous version$/);
      assert.deepEqual(nextAction(j, obs()), { kind: 'done', state: 'aborted', summary: j.outcome });
    });

    it('says what a finished operation marks failed on the provider, and whether it succeeded', () => {
      // A canary aborted after its first step went out: its release is marked, from shortly before it began.
      let j = sendAndSucceed(started(), 0, 1000);
      j = apply(j, 1000, { type: 'step-started', index: 1 }, { type: 'step-done', index: 1, result: 'waited' }, { type: 'step-started', index: 2 }, { type: 'step-failed', index: 2, reason: 'health check failed: up' });
      j = sendAndSucceed(j, j.steps.length - 1, 80_000);
      assert.equal(j.state, 'aborted');
      assert.equal(operationSucceeded(j), false);
      const f = failureToReport(j)!;
      assert.deepEqual([f.sha, f.since], [SHA, new Date(Date.parse(j.startedAt) - 10 * 60_000).toISOString()]);
      assert.match(f.description, /^Release Manager: aborted: health check failed: up; traffic is back/);
      assert.ok(f.description.length <= 140);
      // Aborted before anything was sent: nothing to mark.
      const early = apply(started(), 10, ...choiceEvents('abort', null, 's1'));
      assert.equal(early.state, 'aborted');
      assert.equal(failureToReport(early), null);
      // A healthy deploy marks nothing and succeeded.
      let ok = started(env({ healthChecks: [] }));
      ok = sendAndSucceed(ok, 0, 1000);
      assert.equal(ok.state, 'healthy');
      assert.deepEqual([failureToReport(ok), operationSucceeded(ok)], [null, true]);
      // A rollback that rolled back marks what it replaced; one without a record of it marks nothing.
      const replaces = { sha: '2'.repeat(40), version: '1.5.0', since: '2026-06-01T07:00:00.000Z' };
      let rb = startOperation(null, { ...request(env({ healthChecks: [] })), plan: planRollback(env({ healthChecks: [] }), release, { replaces }) }, new Date(T0));
      assert.equal(rb.kind, 'start');
      let r = (rb as Extract<typeof rb, { kind: 'start' }>).journal;
      r = sendAndSucceed(r, 0, 1000);
      assert.equal(r.state, 'rolled-back');
      assert.equal(operationSucceeded(r), true);
      assert.deepEqual(failureToReport(r), { sha: replaces.sha, since: replaces.since, description: 'Rolled back to 1.4.0 by Release Manager' });
      rb = startOperation(null, { ...request(env({ healthChecks: [] })), plan: planRollback(env({ healthChecks: [] }), release) }, new Date(T0));
      r = sendAndSucceed((rb as Extract<typeof rb, { kind: 'start' }>).journal, 0, 1000);
      assert.equal(failureToReport(r), null);
    });

    it('lets an in-flight run finish before a person\'s abort takes effect', () => {
      let j = sendAndSucceed(started(), 0, 1000);
      j = apply(j, 1000, { type: 'step-started', index: 1 }, { type: 'step-done', index: 1, result: 'waited' }, { type: 'step-started', index: 2 }, { type: 'step-done', index: 2, result: 'ok' });
      j = apply(j, 2000, { type: 'dispatch-started', index: 3 }, { type: 'dispatched', index: 3, handle: handle(4) });
      j = apply(j, 3000, ...choiceEvents('abort', null, 's1'));
      assert.equal(j.abortApplied, false);
      assert.equal(nextAction(j, obs()).kind, 'observe', 'the 50% step is still watched');
      j = apply(j, 4000, { type: 'step-done', index: 3, result: 'succeeded' });
      assert.equal(j.abortApplied, true);
      const abort = j.steps[j.steps.length - 1]!;
      assert.equal(abort.phase, 'abort');
      assert.match(abort.plan.label, /after: Canary step 2: 50% of traffic/);
    });

    it('promotes a canary: remaining pauses and analyses are skipped up to the 100% step', () => {
      let j = sendAndSucceed(started(), 0, 1000);
      j = apply(j, 1000, { type: 'step-started', index: 1 });
      j = apply(j, 2000, { type: 'promote' });
      assert.deepEqual(kinds(j).slice(0, 8), [
        'main:dispatch:done',
        'main:wait:skipped',
        'main:analyse:skipped',
        'main:dispatch:skipped',
        'main:wait:skipped',
        'main:analyse:skipped',
        'main:dispatch:pending',
        'main:analyse:pending',
      ]);
      const a = nextAction(j, obs());
      assert.deepEqual(a.kind === 'dispatch' && [a.step.weight, a.index], [100, 6]);
      assert.throws(() => apply(started(env()), 0, { type: 'promote' }), UsageError, 'a direct deploy has nothing to promote');
    });

    it('rolls back automatically when a direct deploy fails and autoRollback is on', () => {
      const e = env({ protection: { autoRollback: true } });
      let j = started(e);
      assert.equal(j.autoRollback, true);
      j = sendAndSucceed(j, 0, 1000);
      j = apply(j, 2000, { type: 'step-started', index: 1 }, { type: 'step-failed', index: 1, reason: 'health check failed: up: status 503' });
      assert.equal(j.rollbackWanted, true);
      assert.deepEqual(nextAction(j, obs()), { kind: 'plan-rollback', reason: 'health check failed: up: status 503' });
      const target = { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' };
      j = apply(j, 3000, { type: 'rollback-planned', plan: planRollback(e, target) });
      const a = nextAction(j, obs());
      assert.deepEqual(a.kind === 'dispatch' && [a.phase, a.step.label, a.correlationId], ['rollback', 'Roll back to 1.3.0', 'op-abc123-r2']);
      j = sendAndSucceed(j, 2, 4000);
      assert.equal(j.state, 'rolled-back');
      assert.equal(j.outcome, 'aborted (health check failed: up: status 503) and rolled back to 1.3.0');
      assert.throws(() => apply(j, 5000, { type: 'abort', reason: 'late' }), UsageError, 'a finished journal takes no more events');
    });

    it('ends aborted and says to roll back when no automatic rollback is possible or configured', () => {
      const e = env({ protection: { autoRollback: true } });
      let j = sendAndSucceed(started(e), 0, 1000);
      j = apply(j, 2000, { type: 'step-started', index: 1 }, { type: 'step-failed', index: 1, reason: 'unhealthy' }, { type: 'rollback-unavailable', reason: 'production has no earlier successful deployment' });
      assert.equal(j.state, 'aborted');
      assert.equal(j.needsRollback, true);
      assert.match(j.outcome!, /automatic rollback not possible: production has no earlier successful deployment$/);
      let manual = sendAndSucceed(started(env()), 0, 1000);
      manual = apply(manual, 2000, { type: 'step-started', index: 1 }, { type: 'step-failed', index: 1, reason: 'unhealthy' });
      assert.equal(manual.state, 'aborted');
      assert.match(manual.outcome!, /1\.4\.0 may still be deployed: roll back$/);
    });

    it('fails for a person to look at when the abort itself fails', () => {
      let j = sendAndSucceed(started(), 0, 1000);
      j = apply(j, 2000, { type: 'step-started', index: 1 }, { type: 'step-started', index: 2 });
      j = apply(j, 2000, ...choiceEvents('abort', null, 's1'));
      const last = j.steps.length - 1;
      j = apply(j, 3000, { type: 'dispatch-started', index: last }, { type: 'dispatched', index: last, handle: handle(9) }, { type: 'step-failed', index: last, reason: 'job "route" failed' });
      assert.equal(j.state, 'failed');
      assert.equal(j.needsRollback, true);
      assert.match(j.outcome!, /^the abort failed: job "route" failed; the new version may still take traffic$/);
    });

    it('treats an uncertain step as possibly live when a person aborts', () => {
      let j = apply(started(env()), 0, { type: 'dispatch-started', index: 0 });
      j = apply(j, 10, ...choiceEvents('abort', 0, 's1'));
      assert.equal(j.state, 'aborted');
      assert.equal(j.steps[0]!.state.status, 'failed');
      assert.match(j.outcome!, /may still be deployed: roll back/);
    });

    it('runs a rollback operation to rolled-back, and stops it on abort', () => {
      const plan = planRollback(env(), { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' });
      let j = started(env(), { plan });
      assert.equal(j.autoRollback, false);
      assert.equal(correlationId(j, 'rollback', 0), 'op-abc123-r0');
      j = sendAndSucceed(j, 0, 1000);
      assert.equal(j.state, 'rolled-back');
      assert.equal(j.outcome, 'rolled back to 1.3.0');
      const stopped = apply(started(env(), { plan }), 10, ...choiceEvents('abort', null, 's1'));
      assert.equal(stopped.state, 'aborted');
      assert.match(stopped.outcome!, /the rollback was stopped/);
    });
  });

  describe('journal integrity', () => {
    it('never changes the journal in nextAction, bumps the revision on every event, and refuses impossible transitions', () => {
      const j = started();
      const copy = JSON.stringify(j);
      nextAction(j, obs({ health: { index: 0, verdict: fail } }));
      assert.equal(JSON.stringify(j), copy);
      const k = apply(j, 1, { type: 'dispatch-started', index: 0 });
      assert.equal(k.revision, 1);
      assert.equal(JSON.stringify(j), copy, 'applyEvent returns a new journal');
      assert.throws(() => apply(k, 2, { type: 'dispatch-started', index: 0 }), /Cannot apply dispatch-started/);
      assert.throws(() => apply(j, 2, { type: 'dispatched', index: 0, handle: null }), UsageError);
      assert.throws(() => apply(j, 2, { type: 'step-started', index: 0 }), UsageError, 'a dispatch is not started as a wait');
      assert.throws(() => apply(j, 2, { type: 'retry', index: 1 }), UsageError);
      assert.throws(() => apply(j, 2, { type: 'dispatch-started', index: 99 }), /no step 100/);
      assert.throws(() => apply(j, 2, { type: 'rollback-planned', plan: planRollback(env(), release) }), UsageError, 'no rollback wanted');
    });

    it('summarises where an operation stands', () => {
      const j = apply(started(), 1, { type: 'dispatch-started', index: 0 });
      assert.equal(journalSummary(j), 'Deploy of 1.4.0 to production (canary): step 1 of 8, Canary step 1: 10% of traffic');
      assert.match(journalSummary(apply(j, 2, { type: 'paused', reason: 'cancelled' })), / — paused$/);
    });

    it('renders the decision-log entry of a rollback with its duration against the five-minute target', () => {
      const plan = planRollback(env(), { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' });
      const j = sendAndSucceed(started(env(), { plan }), 0, 192_000);
      const md = renderDeployRecord(j, 'octo*cat');
      assert.match(md, /^## ROLLBACK — production to 1\.3\.0 — 2026-06-01T08:00:00\.000Z$/m);
      assert.match(md, /^- By: octo\\\*cat$/m);
      assert.match(md, /^- Rollback duration: 3 min 12 s \(target 5 min\)$/m);
      assert.match(md, /^- ✔ Roll back to 1\.3\.0 \(done\): succeeded$/m);
      const slow = renderDeployRecord(sendAndSucceed(started(env(), { plan }), 0, 400_000), 'x');
      assert.match(slow, /Rollback duration: 6 min 40 s \(target 5 min, exceeded\)/);
      const deploy = renderDeployRecord(sendAndSucceed(started(env()), 0, 1000), 'x');
      assert.match(deploy, /^## DEPLOY — 1\.4\.0 to production/m);
      assert.match(deploy, /^- Strategy: direct$/m);
    });
  });
});
