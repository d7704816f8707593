import assert from 'node:assert/strict';
// core/config.ts enters the schemas in the order they need (deploy/schema before flags/schema).
import { parseConfig } from '../../../src/core/config';
import type { HealthSample } from '../../../src/core/deploy/health';
import { flagJournalKey, type FlagJournal } from '../../../src/core/flags/journal';
import { FlagProviderError } from '../../../src/core/flags/ports';
import type { FlagRolloutConfig } from '../../../src/core/flags/schema';
import { runFlagStage, type FlagStageDeps, type FlagStageEvent, type FlagQuestion } from '../../../src/core/flags/stage';
import { MemoryFlagJournalStore } from '../../../src/node/flagJournal';
import { FakeFlagProvider } from '../../helpers/fakeFlags';

// The flag stage over a fake provider, a scripted health probe and a clock that only moves when the
// stage sleeps: the order of writes, the read-backs, the rollback, resume after a crash, a rollout
// changed by someone else, and a server that does not answer.

const FLAG = 'new-checkout';
const ENV = 'production';
const KEY = flagJournalKey('127.0.0.1:4242', 'default', ENV, FLAG);

function rolloutConfig(extra: Record<string, unknown> = {}): FlagRolloutConfig {
  const c = parseConfig(
    JSON.stringify({
      flags: {
        provider: { kind: 'unleash', url: 'http://127.0.0.1:4242' },
        rollouts: [{ flag: FLAG, environment: ENV, steps: [1, 10, 50, 100], hold: '10s', health: [{ id: 'up', kind: 'http', url: 'http://127.0.0.1:1/health', expectStatus: 200, windowMs: 2000, intervalMs: 1000 }], ...extra }],
      },
    }),
  );
  return c.flags!.rollouts[0]!;
}

interface Harness {
  provider: FakeFlagProvider;
  store: MemoryFlagJournalStore;
  deps: FlagStageDeps;
  events: FlagStageEvent[];
  questions: FlagQuestion[];
  /** The HTTP status the health endpoint answers now. */
  health: { status: number };
  clock: { now: number };
}

function harness(initial = { enabled: false, rollout: 0 }, decide: 'continue' | 'stop' | null = null): Harness {
  const provider = new FakeFlagProvider({ [`${FLAG}@${ENV}`]: initial });
  const store = new MemoryFlagJournalStore();
  const clock = { now: Date.UTC(2026, 11, 7, 9, 0, 0) };
  const health = { status: 200 };
  const events: FlagStageEvent[] = [];
  const questions: FlagQuestion[] = [];
  let n = 0;
  const deps: FlagStageDeps = {
    provider,
    store,
    probe: { sample: async (): Promise<HealthSample> => ({ at: clock.now, status: health.status, values: [] }) },
    now: () => new Date(clock.now),
    sleep: async (ms) => void (clock.now += ms),
    session: 'cli:1:abc@host',
    newId: () => `run-${++n}`,
    onEvent: (_j, e) => void events.push(e),
    ...(decide ? { decide: async (q: FlagQuestion) => (questions.push(q), decide) } : {}),
  };
  return { provider, store, deps, events, questions, health, clock };
}

describe('the flag stage (fake provider)', () => {
  it('ramps 1 → 10 → 50 → 100, reading each step back and holding it healthy before the next', async () => {
    const h = harness();
    const start = h.clock.now;
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'done', out.outcome);
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10', 'set 50', 'set 100']);
    assert.deepEqual(h.provider.peek(FLAG, ENV), { enabled: true, rollout: 100 });
    // Every write is followed by a read before the next write (the read-back).
    const ops = h.provider.calls.map((c) => c.op);
    ops.forEach((op, i) => {
      if (op === 'set' && ops[i + 1] !== 'on') assert.equal(ops[i + 1], 'get', `write ${i} is read back`);
    });
    const set = h.events.filter((e) => e.type === 'set').map((e) => (e.type === 'set' ? e.state.rollout : -1));
    assert.deepEqual(set, [1, 10, 50, 100]);
    assert.ok(h.clock.now - start >= 4 * 10_000, 'each of the 4 steps is held 10 s');
    const j = (await h.store.read(KEY))!;
    assert.equal(j.state, 'done');
    assert.deepEqual(j.steps.map((s) => s.status), ['passed', 'passed', 'passed', 'passed']);
  });

  it('a failed analysis at 10% sets the rollout back to 0, switches the flag off and records it', async () => {
    const h = harness();
    h.deps.onEvent = (_j, e) => {
      h.events.push(e);
      if (e.type === 'set' && e.state.rollout === 10) h.health.status = 500;
    };
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'rolled-back', out.outcome);
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10', 'off', 'set 0']);
    assert.deepEqual(h.provider.peek(FLAG, ENV), { enabled: false, rollout: 0 });
    const j = (await h.store.read(KEY))!;
    assert.equal(j.state, 'rolled-back');
    assert.deepEqual(j.steps.map((s) => s.status), ['passed', 'failed', 'pending', 'pending']);
    assert.match(j.rollback!.reason, /^10%: up: 1 bad sample/);
    assert.equal(j.rollback!.status, 'done');
    assert.match(out.outcome, /rolled back to off \(rollout 0%\)/);
  });

  it('honours a rollback that keeps the flag on at a lower rollout', async () => {
    const h = harness();
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'set' && e.state.rollout === 50) h.health.status = 503;
    };
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig({ rollback: { rollout: 1, disable: false } }) }, h.deps);
    assert.equal(out.kind, 'rolled-back');
    assert.deepEqual(h.provider.peek(FLAG, ENV), { enabled: true, rollout: 1 });
  });

  it('resumes a crash between "set" and "read back" without sending the change again', async () => {
    const h = harness();
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'sent' && e.to.rollout === 10) throw new Error('crash');
    };
    await assert.rejects(runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps), /crash/);
    const crashed = (await h.store.read(KEY))!;
    assert.equal(crashed.state, 'running');
    assert.deepEqual(crashed.writing?.to, { enabled: true, rollout: 10 });
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10']);
    h.deps.onEvent = (_j, e) => void h.events.push(e);
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'done', out.outcome);
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10', 'set 50', 'set 100'], '10% was sent once');
    assert.ok(h.events.some((e) => e.type === 'resumed'));
    assert.ok(h.events.some((e) => e.type === 'set' && e.state.rollout === 10 && !e.changed), 'the resumed run recognised 10% as already set');
  });

  it('resumes a crash after the intent was written but before it was sent by sending it once', async () => {
    const h = harness();
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'setting' && e.to.rollout === 50) throw new Error('crash');
    };
    await assert.rejects(runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps), /crash/);
    h.deps.onEvent = undefined;
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'done');
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10', 'set 50', 'set 100']);
  });

  it('stops with a question when someone else changed the rollout meanwhile, and changes nothing more', async () => {
    const h = harness(undefined, 'stop');
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'passed' && e.index === 0) h.provider.poke(FLAG, ENV, { enabled: true, rollout: 30 });
    };
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'stopped');
    assert.equal(h.questions.length, 1);
    const q = h.questions[0]!;
    assert.equal(q.kind, 'changed');
    assert.match(q.text, /is on at 30%, but this rollout last set on at 1%/);
    assert.deepEqual(h.provider.writes(), ['set 1', 'on']);
    assert.deepEqual(h.provider.peek(FLAG, ENV), { enabled: true, rollout: 30 });
    assert.equal((await h.store.read(KEY))!.state, 'stopped');
  });

  it('without anybody to ask, a changed rollout stops the run (never continues on its own)', async () => {
    const h = harness();
    await runFlagStage({ key: KEY, rollout: rolloutConfig() }, { ...h.deps, onEvent: (_j, e) => void (e.type === 'set' && e.state.rollout === 10 && h.provider.poke(FLAG, ENV, { enabled: false, rollout: 10 })) }).then((out) => {
      assert.equal(out.kind, 'stopped');
    });
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10']);
  });

  it('continues from what somebody else set when told to, skipping the steps it covers', async () => {
    const h = harness(undefined, 'continue');
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'passed' && e.index === 0) h.provider.poke(FLAG, ENV, { enabled: true, rollout: 30 });
    };
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'done');
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 50', 'set 100']);
    assert.deepEqual(out.journal.steps.map((s) => s.status), ['passed', 'skipped', 'passed', 'passed']);
  });

  it('a new ramp of a flag already on at 50% only goes on to 100% (never lowers it blindly)', async () => {
    const h = harness({ enabled: true, rollout: 50 });
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'done');
    assert.deepEqual(h.provider.writes(), ['set 100']);
  });

  it('--to sets the percentage now, reads it back and does not hold', async () => {
    const h = harness();
    const start = h.clock.now;
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig(), to: 25 }, h.deps);
    assert.equal(out.kind, 'done');
    assert.deepEqual(h.provider.writes(), ['set 25', 'on']);
    assert.equal(h.clock.now, start);
    assert.equal(h.provider.calls.at(-1)?.op, 'get', 'read back');
    // The same again is idempotent: nothing is written.
    const again = await runFlagStage({ key: KEY, rollout: rolloutConfig(), to: 25 }, h.deps);
    assert.equal(again.kind, 'done');
    assert.deepEqual(h.provider.writes(), ['set 25', 'on']);
  });

  it('a server that does not answer makes the stage unknown (fail closed), and the run stays resumable', async () => {
    const h = harness();
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'passed' && e.index === 0) h.provider.down = true;
    };
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'unknown');
    assert.match(out.outcome, /^unknown: .*could not be read.*ECONNREFUSED/);
    assert.equal((await h.store.read(KEY))!.state, 'running');
    h.provider.down = false;
    h.deps.onEvent = undefined;
    const resumed = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(resumed.kind, 'done');
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10', 'set 50', 'set 100']);
  });

  it('a server down from the start is unknown before anything is journaled or written', async () => {
    const h = harness();
    h.provider.down = true;
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'unknown');
    assert.equal(out.journal, null);
    assert.deepEqual(h.provider.writes(), []);
  });

  it('a token without the permission is an error naming it, not an unknown state', async () => {
    const h = harness();
    h.provider.forbidden = 'UPDATE_FEATURE_STRATEGY';
    await assert.rejects(runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps), (e: unknown) => e instanceof FlagProviderError && e.code === 'forbidden' && e.permission === 'UPDATE_FEATURE_STRATEGY');
  });

  it('a kill recorded in the journal during a hold stops the run without another write', async () => {
    const h = harness();
    h.deps.onEvent = async (j: FlagJournal, e) => {
      if (e.type === 'holding' && e.index === 1) {
        await h.provider.disable(FLAG, ENV);
        const cur = (await h.store.read(KEY))!;
        await h.store.write(KEY, { ...cur, revision: cur.revision + 1, state: 'killed', outcome: 'stopped by the kill switch' }, cur.revision);
        void j;
      }
    };
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps);
    assert.equal(out.kind, 'stopped');
    assert.match(out.outcome, /kill switch/);
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10', 'off']);
  });

  it('an unfinished ramp is not silently replaced by a --to request', async () => {
    const h = harness();
    h.deps.onEvent = (_j, e) => {
      if (e.type === 'sent' && e.to.rollout === 10) throw new Error('crash');
    };
    await assert.rejects(runFlagStage({ key: KEY, rollout: rolloutConfig() }, h.deps));
    h.deps.onEvent = undefined;
    const out = await runFlagStage({ key: KEY, rollout: rolloutConfig(), to: 5 }, h.deps);
    assert.equal(out.kind, 'stopped');
    assert.equal(out.kind === 'stopped' && out.question?.kind, 'unfinished');
    assert.deepEqual(h.provider.writes(), ['set 1', 'on', 'set 10']);
  });
});
