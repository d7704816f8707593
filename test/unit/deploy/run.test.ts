import assert from 'node:assert/strict';
import { GitHubError } from '../../../src/core/errors';
import type { HealthSample } from '../../../src/core/deploy/health';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy, planRollback } from '../../../src/core/deploy/plan';
import type { Deployer, DeployJournalStore, DispatchRequest, DispatchResult, FindResult, HealthProbe, RunObservation } from '../../../src/core/deploy/ports';
import type { RunHandle } from '../../../src/core/deploy/runHandle';
import type { DeploymentRecord } from '../../../src/core/deploy/rollback';
import { answer, command, JournalConflictError, prepareRollback, runOperation, type RunDeps, type RunStop } from '../../../src/core/deploy/run';
import { environmentSchema, type EnvironmentConfig, type HealthCheckConfig } from '../../../src/core/deploy/schema';

const T0 = Date.parse('2026-06-01T08:00:00Z');
const KEY = deployJournalKey('o/r', 'production');
const release = { version: '1.4.0', sha: '1'.repeat(40), ref: 'v1.4.0' };
const OLD = { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' };
const CHECKS = [{ kind: 'http', id: 'up', url: 'https://prod.example.com/health', windowMs: 60_000, intervalMs: 10_000 }];

/** Thrown by the world to simulate the process dying. */
class Crash extends Error {}

/** A fake provider, journal store, health probe and clock, in one place, with crash points. */
class World implements Deployer, DeployJournalStore, HealthProbe {
  readonly kind = 'workflow' as const;
  clock = T0;
  private readonly entries = new Map<string, string>();
  /** Every dispatch the provider received, with the journal state of its step at that moment. */
  readonly dispatches: { correlationId: string; label: string; version: string; journalState: string }[] = [];
  private readonly runs = new Map<number, { looks: number; outcome: 'succeeded' | 'failed' }>();
  private nextRun = 1;
  writes = 0;
  calls = 0;
  crashAtWrite = Infinity;
  crashAtCall = Infinity;
  /** Health of the service: a sample at a time. */
  health: (at: number) => HealthSample = (at) => ({ at, status: 200, values: [] });
  /** Whether the run of a dispatched step fails. */
  runFails: (label: string) => boolean = () => false;
  /** A network cut after the provider applied the dispatch of this correlation id. */
  cutAfterApply = new Set<string>();
  deployments: DeploymentRecord[] = [
    { id: 1, environment: 'production', sha: OLD.sha, ref: OLD.ref, version: OLD.version, createdAt: new Date(T0 - 86_400_000).toISOString(), statuses: [{ state: 'success', createdAt: new Date(T0 - 86_000_000).toISOString() }], weight: null },
  ];

  // DeployJournalStore
  async read(key: string): Promise<DeployJournal | null> {
    const text = this.entries.get(key);
    return text ? (JSON.parse(text) as DeployJournal) : null;
  }
  async write(key: string, entry: DeployJournal, expected: number | null): Promise<'written' | 'conflict'> {
    this.writes++;
    if (this.writes === this.crashAtWrite) throw new Crash(`crash while writing (write ${this.writes})`);
    const current = await this.read(key);
    if ((current?.revision ?? null) !== expected) return 'conflict';
    this.entries.set(key, JSON.stringify(entry));
    return 'written';
  }
  async list(): Promise<DeployJournal[]> {
    return [...this.entries.values()].map((t) => JSON.parse(t) as DeployJournal);
  }

  // Deployer
  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    const stored = await this.read(KEY);
    const index = stored!.steps.findIndex((s) => s.plan.label === request.step.label && s.state.status === 'sending');
    this.dispatches.push({ correlationId: request.correlationId, label: request.step.label, version: request.release.version, journalState: index >= 0 ? 'sending' : 'NOT RECORDED' });
    const runId = this.nextRun++;
    this.runs.set(runId, { looks: 0, outcome: this.runFails(request.step.label) ? 'failed' : 'succeeded' });
    (this.found ??= new Map()).set(request.correlationId, runId);
    if (this.cutAfterApply.delete(request.correlationId)) throw new GitHubError('network', 'socket hang up', 'retry');
    return { kind: 'started', handle: { provider: 'workflow', runId } };
  }
  private found: Map<string, number> | undefined;
  async find(request: { correlationId: string }): Promise<FindResult> {
    const runId = this.found?.get(request.correlationId);
    return runId === undefined ? { kind: 'absent' } : { kind: 'found', handle: { provider: 'workflow', runId } };
  }
  async observe(handle: RunHandle): Promise<RunObservation> {
    const run = this.runs.get(handle.runId!)!;
    run.looks++;
    return run.looks < 2 ? { status: 'running' } : { status: run.outcome, reason: run.outcome === 'failed' ? 'job "deploy" failed' : 'all jobs passed' };
  }
  async review(): Promise<void> {}
  async listDeployments(): Promise<DeploymentRecord[]> {
    return this.deployments;
  }
  async resolveRef(ref: string): Promise<string | null> {
    return this.deployments.find((d) => d.ref === ref)?.sha ?? null;
  }
  async commitExists(): Promise<boolean> {
    return true;
  }

  // HealthProbe
  async sample(check: HealthCheckConfig): Promise<HealthSample> {
    assert.equal(check.id, 'up');
    return this.health(this.clock);
  }

  deps(session: string): RunDeps {
    return {
      deployer: this,
      store: this,
      probe: this,
      session,
      now: () => new Date(this.clock),
      sleep: async (ms) => {
        this.clock += ms;
        if (this.clock > T0 + 86_400_000) throw new Error('the operation does not end');
      },
      onCall: () => {
        this.calls++;
        if (this.calls === this.crashAtCall) throw new Crash(`crash before call ${this.calls}`);
      },
    };
  }

  dispatchCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const d of this.dispatches) m.set(d.correlationId, (m.get(d.correlationId) ?? 0) + 1);
    return m;
  }
}

function env(over: Record<string, unknown> = {}): EnvironmentConfig {
  return environmentSchema().parse({ name: 'production', provider: { kind: 'workflow', workflow: 'deploy.yml', correlationInput: 'correlation_id' }, healthChecks: CHECKS, ...over });
}

async function begin(w: World, e: EnvironmentConfig, session = 's1'): Promise<void> {
  const d = startOperation(await w.read(KEY), { repo: 'o/r', id: 'op-abc123', session, env: e, plan: planDeploy(e, release) }, new Date(w.clock));
  assert.equal(d.kind, 'start');
  assert.equal(await w.write(KEY, d.journal, null), 'written');
}

/**
 * Drives the operation to its end like a careful person: resumes an interrupted operation, and
 * sends an uncertain step again only after checking that the provider never received it.
 */
async function finish(w: World, session: string): Promise<RunStop> {
  for (let asked = 0; asked < 30; asked++) {
    const stop = await runOperation(KEY, w.deps(session));
    if (stop.action.kind === 'done') return stop;
    const { choices, index } = stop.action;
    if (choices.includes('resume')) {
      await answer(KEY, 'resume', index, w.deps(session));
    } else if (choices.includes('retry') && choices.includes('mark-sent')) {
      const cid = `${stop.journal.id}-${stop.journal.steps[index!]!.phase[0]}${index}`;
      assert.equal(w.dispatchCounts().get(cid) ?? 0, 0, `asked about ${cid}, which the provider has: the lookup should have found it`);
      await answer(KEY, 'retry', index, w.deps(session));
    } else assert.fail(`unexpected question: ${stop.action.reason}`);
  }
  assert.fail('too many questions');
}

/** The dispatches a clean run makes, and how many writes and provider calls it takes. */
async function cleanRun(scenario: (w: World) => EnvironmentConfig): Promise<{ writes: number; calls: number; dispatched: string[]; journal: DeployJournal }> {
  const w = new World();
  const e = scenario(w);
  await begin(w, e);
  const before = w.writes;
  const stop = await finish(w, 's1');
  return { writes: w.writes - before, calls: w.calls, dispatched: w.dispatches.map((d) => d.correlationId), journal: stop.journal };
}

/** Crashes a run at write `k` (or before provider call `k`), resumes it in a new session, and checks nothing was sent twice. */
async function crashAndResume(scenario: (w: World) => EnvironmentConfig, crash: { write?: number; call?: number }, expected: { state: string; dispatched: string[] }): Promise<void> {
  const w = new World();
  const e = scenario(w);
  await begin(w, e);
  w.crashAtWrite = crash.write === undefined ? Infinity : w.writes + crash.write;
  w.crashAtCall = crash.call ?? Infinity;
  await assert.rejects(runOperation(KEY, w.deps('s1')), Crash, `crash ${JSON.stringify(crash)} did not happen`);
  w.crashAtWrite = Infinity;
  w.crashAtCall = Infinity;
  const stop = await finish(w, 's2');
  const where = JSON.stringify(crash);
  assert.equal(stop.journal.state, expected.state, where);
  for (const [cid, n] of w.dispatchCounts()) assert.equal(n, 1, `${cid} was dispatched ${n} times after ${where}`);
  assert.deepEqual([...w.dispatchCounts().keys()].sort(), [...expected.dispatched].sort(), where);
  assert.ok(w.dispatches.every((d) => d.journalState === 'sending'), `a dispatch was sent before its intent was recorded (${where})`);
}

const canary = (): EnvironmentConfig => env({ strategy: { kind: 'canary', steps: [{ weight: 10, pauseMs: 30_000 }, { weight: 50, pauseMs: 30_000 }] } });
const failingDirect = (w: World): EnvironmentConfig => {
  w.health = (at) => ({ at, status: 503, values: [] });
  return env({ protection: { autoRollback: true } });
};
const failingCanary = (w: World): EnvironmentConfig => {
  w.runFails = (label) => label.startsWith('Canary step 2');
  return canary();
};

describe('deploy/run', () => {
  it('runs a canary to healthy: each step dispatched once, after its intent was recorded', async () => {
    const clean = await cleanRun(() => canary());
    assert.equal(clean.journal.state, 'healthy');
    assert.deepEqual(clean.dispatched, ['op-abc123-m0', 'op-abc123-m3', 'op-abc123-m6']);
    assert.equal(clean.journal.outcome, '1.4.0 deployed to production');
  });

  it('a crash at any write or before any provider call of a canary is resumed without repeating a dispatch', async function () {
    this.timeout(60_000);
    const clean = await cleanRun(() => canary());
    assert.ok(clean.writes >= 15 && clean.calls >= 8, `a sweep over ${clean.writes} writes and ${clean.calls} calls`);
    for (let k = 1; k <= clean.writes; k++) await crashAndResume(() => canary(), { write: k }, { state: 'healthy', dispatched: clean.dispatched });
    for (let c = 1; c <= clean.calls; c++) await crashAndResume(() => canary(), { call: c }, { state: 'healthy', dispatched: clean.dispatched });
  });

  it('a crash anywhere in a failing deploy with automatic rollback is resumed to the same end', async function () {
    this.timeout(60_000);
    const clean = await cleanRun(failingDirect);
    assert.equal(clean.journal.state, 'rolled-back');
    assert.deepEqual(clean.dispatched, ['op-abc123-m0', 'op-abc123-r2']);
    assert.equal(clean.journal.rollbackTarget?.version, '1.3.0');
    for (let k = 1; k <= clean.writes; k++) await crashAndResume(failingDirect, { write: k }, { state: 'rolled-back', dispatched: clean.dispatched });
    for (let c = 1; c <= clean.calls; c++) await crashAndResume(failingDirect, { call: c }, { state: 'rolled-back', dispatched: clean.dispatched });
  });

  it('a crash anywhere in a canary whose step fails is resumed to an abort that sends traffic back once', async function () {
    this.timeout(60_000);
    const clean = await cleanRun(failingCanary);
    assert.equal(clean.journal.state, 'aborted');
    assert.deepEqual(clean.dispatched, ['op-abc123-m0', 'op-abc123-m3', 'op-abc123-a8']);
    for (let k = 1; k <= clean.writes; k++) await crashAndResume(failingCanary, { write: k }, { state: 'aborted', dispatched: clean.dispatched });
  });

  it('sends the rollback step the rollback target\'s release', async () => {
    const w = new World();
    await begin(w, failingDirect(w));
    await finish(w, 's1');
    assert.deepEqual(w.dispatches.map((d) => d.version), ['1.4.0', '1.3.0']);
  });

  it('finds a dispatch the network cut after GitHub applied it, instead of sending it again', async () => {
    const w = new World();
    await begin(w, canary());
    w.cutAfterApply.add('op-abc123-m3');
    const stop = await finish(w, 's1');
    assert.equal(stop.journal.state, 'healthy');
    assert.equal(w.dispatchCounts().get('op-abc123-m3'), 1);
    const step = stop.journal.steps[3]!.state;
    assert.ok(step.status === 'done');
  });

  it('pauses on cancel and asks to resume; nothing runs until a person says so', async () => {
    const w = new World();
    await begin(w, canary());
    const controller = new AbortController();
    const deps = { ...w.deps('s1'), signal: controller.signal, onEvent: (j: DeployJournal) => (j.steps[0]!.state.status === 'done' ? controller.abort() : undefined) };
    const stop = await runOperation(KEY, deps);
    assert.equal(stop.action.kind, 'ask');
    assert.equal(stop.journal.paused, 'cancelled');
    const again = await runOperation(KEY, w.deps('s1'));
    assert.equal(again.action.kind, 'ask', 'still paused');
    assert.equal(w.dispatches.length, 1);
    await answer(KEY, 'resume', null, w.deps('s1'));
    assert.equal((await finish(w, 's1')).journal.state, 'healthy');
  });

  it('stops when another window takes the operation over, and never writes over its journal (compare-and-swap)', async () => {
    const w = new World();
    await begin(w, canary());
    const deps = {
      ...w.deps('s1'),
      onEvent: async (j: DeployJournal) => {
        if (j.steps[0]!.state.status === 'done' && j.session === 's1') await answer(KEY, 'resume', null, w.deps('s2'));
      },
    };
    const stop = await runOperation(KEY, deps);
    assert.equal(stop.action.kind, 'ask', 'the first window now asks instead of acting');
    assert.equal(stop.journal.session, 's2');
    assert.equal(w.dispatches.length, 1);
    const stale = (await w.read(KEY))!;
    assert.equal(await w.write(KEY, { ...stale, outcome: 'x' }, stale.revision - 1), 'conflict');
    await assert.rejects(answer(KEY, 'abort', null, { ...w.deps('s1'), store: { ...w, read: async () => stale, write: async () => 'conflict' as const, list: async () => [] } }), JournalConflictError);
  });

  it('takes Abort from the UI while the operation runs: the driver reloads the journal and sends traffic back', async () => {
    const w = new World();
    await begin(w, canary());
    let sent = false;
    const deps = {
      ...w.deps('s1'),
      onEvent: async (j: DeployJournal) => {
        if (!sent && j.steps[1]!.state.status === 'running') {
          sent = true;
          await command(KEY, 'abort', w.deps('s1'));
        }
      },
    };
    const stop = await runOperation(KEY, deps);
    assert.equal(stop.journal.state, 'aborted');
    assert.deepEqual([...w.dispatchCounts().keys()], ['op-abc123-m0', 'op-abc123-a8']);
  });

  it('takes Promote from the UI: the remaining pauses and analyses are skipped', async () => {
    const w = new World();
    await begin(w, canary());
    let sent = false;
    const deps = {
      ...w.deps('s1'),
      onEvent: async (j: DeployJournal) => {
        if (!sent && j.steps[1]!.state.status === 'running') {
          sent = true;
          await command(KEY, 'promote', w.deps('s1'));
        }
      },
    };
    const stop = await runOperation(KEY, deps);
    assert.equal(stop.journal.state, 'healthy');
    assert.deepEqual([...w.dispatchCounts().keys()], ['op-abc123-m0', 'op-abc123-m6']);
  });

  it('ends a pause within a second when Promote is recorded elsewhere (another window, the CLI), not when the pause is over', async () => {
    const w = new World();
    await begin(w, canary());
    let promotedAt = -1;
    let fullAt = -1;
    const dispatch = w.dispatch.bind(w);
    w.dispatch = async (r: DispatchRequest) => {
      if (r.step.weight === 100) fullAt = w.clock;
      return dispatch(r);
    };
    const deps = w.deps('s1');
    const sleep = deps.sleep;
    deps.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      const j = await w.read(KEY);
      if (promotedAt < 0 && j!.steps[1]!.plan.kind === 'wait' && j!.steps[1]!.state.status === 'running') {
        promotedAt = w.clock;
        await command(KEY, 'promote', w.deps('another-window'));
      }
    };
    const stop = await runOperation(KEY, deps);
    assert.equal(stop.journal.state, 'healthy');
    assert.ok(promotedAt >= 0, 'promoted during the pause');
    assert.ok(fullAt - promotedAt <= 1000, `full traffic ${fullAt - promotedAt} ms after the Promote (the pause is 30 s)`);
  });

  it('records refusals as not sent and asks before sending again', async () => {
    const w = new World();
    await begin(w, env());
    w.dispatch = async (): Promise<DispatchResult> => ({ kind: 'contexts-failing', contexts: [{ context: 'ci/test', state: 'failure' }] });
    const stop = await runOperation(KEY, w.deps('s1'));
    assert.equal(stop.action.kind, 'ask');
    assert.match(stop.action.kind === 'ask' ? stop.action.reason : '', /required status checks are not successful: ci\/test \(failure\)/);
    assert.deepEqual(stop.action.kind === 'ask' && stop.action.choices, ['retry', 'abort', 'inspect']);
    w.dispatch = async (): Promise<DispatchResult> => ({ kind: 'nothing-deployed', reason: 'auto-merged the default branch' });
    await answer(KEY, 'retry', 0, w.deps('s1'));
    const again = await runOperation(KEY, w.deps('s1'));
    assert.match(again.action.kind === 'ask' ? again.action.reason : '', /GitHub deployed nothing \(202\)/);
  });

  it('prepares a rollback through the Deployer: target, confirmation, and blocks on a moved tag', async () => {
    const w = new World();
    w.deployments.unshift({ id: 2, environment: 'production', sha: release.sha, ref: release.ref, version: release.version, createdAt: new Date(T0 - 1000).toISOString(), statuses: [{ state: 'success', createdAt: new Date(T0).toISOString() }], weight: null });
    const ok = await prepareRollback(env(), w);
    assert.ok(ok.ok);
    if (ok.ok) {
      assert.deepEqual(ok.plan.release, OLD);
      assert.equal(ok.confirmation.title, 'Roll back production to 1.3.0?');
      // The plan names the deployment it replaces: marked failed once the rollback succeeded.
      assert.deepEqual(ok.plan, planRollback(env(), OLD, { replaces: { sha: release.sha, version: release.version, since: new Date(T0 - 1000).toISOString() } }));
    }
    w.resolveRef = async () => '9'.repeat(40);
    const moved = await prepareRollback(env(), w);
    assert.ok(!moved.ok && /now points at 999999999999/.test(moved.reason));
  });
});
