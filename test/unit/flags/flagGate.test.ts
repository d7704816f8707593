import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/errors';
import { parseConfig } from '../../../src/core/config';
import { runGates } from '../../../src/core/gates/engine';
import type { GateContext, GateFlagState } from '../../../src/core/gates/context';
import { judgeFlag } from '../../../src/core/gates/flag';
import { rejudgePlan } from '../../../src/core/gates/freshness';
import type { GateResult } from '../../../src/core/gates/types';
import { UsageError } from '../../../src/core/errors';
import { contextFor, fakeContext, gate } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';
import { FlagProviderError, type FlagProvider } from '../../../src/core/flags/ports';

/** A context whose flag provider answers from a table (flag@environment → state) and records what it was asked. */
function withFlags(table: Record<string, GateFlagState>, asked: string[] = []): GateContext {
  return fakeContext({
    flagState: async (flag, environment) => {
      asked.push(`${flag}@${environment}`);
      const s = table[`${flag}@${environment}`];
      if (!s) throw new UsageError(`No feature flag ${flag} in ${environment}.`, 'Check the flag name.');
      return s;
    },
  });
}

async function check(raw: Record<string, unknown>, ctx: GateContext): Promise<GateResult> {
  return (await runGates([gate({ id: 'g', kind: 'flag', flag: 'new-checkout', environment: 'production', ...raw })], ctx))[0]!;
}

describe('flag gate', () => {
  it('passes when the flag is off as required, and fails naming the state and the kill switch when it is on', async () => {
    const asked: string[] = [];
    const off = await check({ expect: { enabled: false } }, withFlags({ 'new-checkout@production': { enabled: false, rollout: 100 } }, asked));
    assert.equal(off.status, 'pass');
    assert.equal(off.reason, 'new-checkout in production is off, rollout 100% when on (expected off)');
    assert.deepEqual(asked, ['new-checkout@production']);
    const on = await check({ expect: { enabled: false } }, withFlags({ 'new-checkout@production': { enabled: true, rollout: 10 } }));
    assert.equal(on.status, 'fail');
    assert.equal(on.reason, 'new-checkout in production should be off, but it is on (on at 10%)');
    assert.match(on.fix!.label, /Kill Switch/);
  });

  it('judges rollout bounds on the exposure: the rollout while on, 0 while off', async () => {
    const at = (enabled: boolean, rollout: number) => withFlags({ 'new-checkout@production': { enabled, rollout } });
    assert.equal((await check({ expect: { rollout: { max: 10 } } }, at(true, 10))).status, 'pass');
    const over = await check({ expect: { rollout: { max: 10 } } }, at(true, 50));
    assert.equal(over.status, 'fail');
    assert.equal(over.reason, 'new-checkout in production should be exposed to at most 10% of users, but 50% of users get it (on at 50%)');
    assert.equal((await check({ expect: { rollout: { max: 10 } } }, at(false, 100))).status, 'pass', 'off exposes nobody');
    const under = await check({ expect: { enabled: true, rollout: { min: 50, max: 100 } } }, at(false, 100));
    assert.equal(under.status, 'fail');
    assert.equal(under.reason, 'new-checkout in production should be on, exposed to 50–100% of users, but it is off and 0% of users get it (off, rollout 100% when on)');
    assert.match(under.fix!.label, /Ramp Up/);
    assert.equal((await check({ expect: { enabled: true, rollout: { min: 100 } } }, at(true, 100))).status, 'pass');
  });

  it('is unknown (blocks) when the provider cannot tell: server down, token refused, no such flag', async () => {
    const down = fakeContext({
      flagState: async () => {
        throw new UsageError('The Unleash server at http://127.0.0.1:4242 did not answer (connection refused).', 'Start the server or fix flags.provider.url.');
      },
    });
    const r = await check({ expect: { enabled: false } }, down);
    assert.equal(r.status, 'unknown');
    assert.match(r.reason, /did not answer/);
    assert.equal(r.fix?.label, 'Start the server or fix flags.provider.url.');
    const missing = await check({ flag: 'nope', expect: { enabled: false } }, withFlags({}));
    assert.equal(missing.status, 'unknown');
    assert.match(missing.reason, /No feature flag nope in production/);
    const garbage = await check({ expect: { enabled: false } }, fakeContext({ flagState: async () => ({ enabled: 'no', rollout: 0 }) as unknown as GateFlagState }));
    assert.equal(garbage.status, 'unknown');
  });

  it('is unknown with the fix when no provider is configured, and when Restricted Mode blocks reading', async () => {
    const none = await check({ expect: { enabled: false } }, fakeContext());
    assert.equal(none.status, 'unknown');
    assert.match(none.reason, /no flag provider is configured/);
    assert.deepEqual(none.fix?.action, { kind: 'openConfig' });
    let called = false;
    const blocked = await check(
      { expect: { enabled: false } },
      fakeContext({
        flagsBlockedReason: 'requires trust',
        flagState: async () => {
          called = true;
          return { enabled: false, rollout: 0 };
        },
      }),
    );
    assert.equal(blocked.status, 'unknown');
    assert.equal(blocked.reason, 'flag state not read: requires trust');
    assert.equal(called, false, 'the server is not asked');
  });

  it('validates the config: names, an expectation, bounds in order; the kind is listed in errors', () => {
    const cfg = (g: Record<string, unknown>) => JSON.stringify({ gates: [{ id: 'f', kind: 'flag', flag: 'new-checkout', environment: 'production', ...g }] });
    assert.equal(parseConfig(cfg({ expect: { enabled: false } })).gates[0]!.kind, 'flag');
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ expect: {} }, /give enabled, rollout or both/],
      [{ expect: { rollout: {} } }, /give min, max or both/],
      [{ expect: { rollout: { min: 60, max: 10 } } }, /min must not be greater than max/],
      [{ expect: { rollout: { max: 101 } } }, /gates\[0\]\.expect\.rollout\.max/],
      [{ expect: { enabled: false }, flag: '--help' }, /gates\[0\]\.flag/],
      [{ expect: { enabled: false }, environment: 'prod/../x' }, /gates\[0\]\.environment/],
      [{ expect: { enabled: false }, extra: 1 }, /extra/],
    ];
    for (const [g, re] of bad) {
      assert.throws(() => parseConfig(cfg(g)), (e: unknown) => e instanceof ConfigError && re.test(e.problems.join('\n')), JSON.stringify(g));
    }
    assert.throws(() => parseConfig(JSON.stringify({ gates: [{ id: 'x', kind: 'nope' }] })), (e: unknown) => e instanceof ConfigError && /flag/.test(e.problems.join('\n')));
  });

  it('re-judges on a change of commit, version or config only, like the GitHub gates (it asks a server)', () => {
    const gates = [{ id: 'f', kind: 'flag' }];
    assert.deepEqual(rejudgePlan(gates, new Set(['f']), null).run, []);
    assert.deepEqual(rejudgePlan(gates, new Set(['f']), 'HEAD moved').run, ['f']);
    assert.deepEqual(rejudgePlan(gates, new Set(), null).run, ['f']);
  });

  describe('its context provider (src/node/gateContext.ts) over a real repository', () => {
    after(() => TestRepo.cleanup());
    const withFlags = parseConfig(JSON.stringify({ flags: { provider: { kind: 'unleash', url: 'http://127.0.0.1:4242', tokenEnv: 'RM_TEST_UNLEASH' } } }));
    const fake = (state: { enabled: boolean; rollout: number } | Error, calls: string[]): FlagProvider => {
      const no = async () => {
        throw new Error('not used');
      };
      return {
        kind: 'fake',
        flagUrl: () => 'http://127.0.0.1:4242/x',
        getState: async (flag, environment) => {
          calls.push(`${flag}@${environment}`);
          if (state instanceof Error) throw state;
          return { flag, environment, ...state };
        },
        list: no,
        setRollout: no,
        enable: no,
        disable: no,
        events: no,
      };
    };
    const repo = () => {
      const r = TestRepo.create();
      r.commit('feat: first');
      return r;
    };
    const one = async (ctx: GateContext) => (await runGates([gate({ id: 'g', kind: 'flag', flag: 'new-checkout', environment: 'production', expect: { enabled: false } })], ctx))[0]!;

    it('reads the state through the configured provider, connected once per run', async () => {
      const calls: string[] = [];
      let connects = 0;
      const ctx = await contextFor(repo(), { flagProvider: async () => (connects++, fake({ enabled: false, rollout: 0 }, calls)) }, withFlags);
      assert.equal((await one(ctx)).status, 'pass');
      assert.equal((await one(ctx)).status, 'pass');
      assert.deepEqual(calls, ['new-checkout@production', 'new-checkout@production']);
      assert.equal(connects, 1);
    });

    it('fails closed when the server is down (unknown, with the cause), and reads nothing in Restricted Mode', async () => {
      const calls: string[] = [];
      const down = new FlagProviderError('unreachable', 'The Unleash server at http://127.0.0.1:4242 did not answer.', 'Start it or fix flags.provider.url.');
      const r = await one(await contextFor(repo(), { flagProvider: async () => fake(down, calls) }, withFlags));
      assert.equal(r.status, 'unknown');
      assert.match(r.reason, /did not answer/);
      const blocked = await one(await contextFor(repo(), { flagsBlockedReason: 'requires trust', flagProvider: async () => fake({ enabled: false, rollout: 0 }, calls) }, withFlags));
      assert.equal(blocked.status, 'unknown');
      assert.equal(calls.length, 1, 'Restricted Mode asks no server');
    });

    it('builds the provider from the config and the secret source: no token is unknown naming the variable', async () => {
      const asked: string[] = [];
      const r = await one(await contextFor(repo(), { flagSecrets: { get: async (name) => (asked.push(name), undefined) } }, withFlags));
      assert.equal(r.status, 'unknown');
      assert.match(r.reason, /RM_TEST_UNLEASH/);
      assert.deepEqual(asked, ['RM_TEST_UNLEASH']);
      const none = await one(await contextFor(repo(), { flagSecrets: { get: async () => 'x' } }));
      assert.match(none.reason, /no flag provider is configured/);
    });
  });

  it('judgeFlag is pure: exactly-at bounds pass', () => {
    assert.equal(judgeFlag({ flag: 'a', environment: 'e', expect: { rollout: { min: 10, max: 10 } } }, { enabled: true, rollout: 10 }).status, 'pass');
    assert.equal(judgeFlag({ flag: 'a', environment: 'e', expect: { rollout: { min: 10, max: 10 } } }, { enabled: true, rollout: 11 }).status, 'fail');
  });
});
