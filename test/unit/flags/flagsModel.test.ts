import assert from 'node:assert/strict';
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { UsageError } from '../../../src/core/errors';
import { FlagProviderError, type FlagProvider, type FlagState } from '../../../src/core/flags/ports';
import { countInterventions, flagKillsIn } from '../../../src/core/metrics/interventions';
import { renderFlagKill } from '../../../src/core/flags/record';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectMetrics } from '../../../src/node/metrics';
import { metricsText } from '../../../src/core/metrics/text';
import { TestRepo } from '../../helpers/testRepo';
import { flagsExampleEdit } from '../../../src/vscode/flagsExample';
import {
  countdown,
  describeFlagFailure,
  flagArgsOf,
  flagRowText,
  flagSecretKey,
  flagsIn,
  flagsSection,
  ladderText,
  loadEnvironment,
  percentProblem,
  progressLine,
} from '../../../src/vscode/flagsModel';

const CONFIG = parseConfig(
  JSON.stringify({
    flags: {
      provider: { kind: 'unleash', url: 'http://127.0.0.1:4242', project: 'default', tokenEnv: 'UNLEASH_ADMIN_TOKEN' },
      rollouts: [
        { flag: 'new-checkout', environment: 'production', steps: [1, 10, 50, 100], hold: '10m' },
        { flag: 'dark-mode', environment: 'development', steps: [50, 100], hold: '1m' },
      ],
    },
    gates: [
      { id: 'checkout-off', kind: 'flag', flag: 'legacy-cart', environment: 'production', expect: { enabled: false } },
      { id: 'checkout-ramp', kind: 'flag', flag: 'new-checkout', environment: 'production', expect: { rollout: { max: 10 } } },
    ],
  }),
);

/** A fake provider over a table of states; `fail` makes a flag (or every call, with '*') throw. */
function fakeProvider(states: Record<string, Partial<FlagState>>, fail: Record<string, Error> = {}, calls: string[] = []): FlagProvider {
  const state = (flag: string, environment: string): FlagState => {
    calls.push(`${flag}@${environment}`);
    const e = fail[`${flag}@${environment}`] ?? fail['*'];
    if (e) throw e;
    const s = states[`${flag}@${environment}`];
    if (!s) throw new FlagProviderError('not-found', `No feature flag ${flag} in project default.`, 'Create it in Unleash or fix the name.');
    return { flag, environment, enabled: false, rollout: 0, ...s };
  };
  const none = async () => {
    throw new Error('not used');
  };
  return {
    kind: 'fake',
    flagUrl: (flag, environment) => `http://127.0.0.1:4242/projects/default/features/${flag}?environment=${environment}`,
    getState: async (flag, environment) => state(flag, environment),
    list: none,
    setRollout: none,
    enable: none,
    disable: none,
    events: async (flag) => {
      if (flag === 'legacy-cart') {
        return [
          { id: 9, type: 'feature-environment-disabled', flag, environment: 'development', who: 'dev@example.com', when: '2026-12-06T22:00:00Z' },
          { id: 7, type: 'feature-environment-disabled', flag, environment: 'production', who: 'bob@example.com', when: '2026-12-05T10:00:00Z' },
        ];
      }
      throw new Error('no events');
    },
  };
}

describe('the Flags section (editor, without vscode)', () => {
  it('lists the environments and flags the config names: rollouts first, then the flag gates, each once', () => {
    const s = flagsSection(CONFIG, true);
    assert.deepEqual(s, { kind: 'configured', server: '127.0.0.1:4242', project: 'default', environments: ['production', 'development'] });
    assert.deepEqual(flagsIn(CONFIG, 'production'), ['new-checkout', 'legacy-cart']);
    assert.deepEqual(flagsIn(CONFIG, 'development'), ['dark-mode']);
  });

  it('is guidance without a flags section, and refuses to read in Restricted Mode', () => {
    assert.deepEqual(flagsSection(parseConfig('{}'), true), { kind: 'none' });
    assert.deepEqual(flagsSection(null, true), { kind: 'none' });
    assert.deepEqual(flagsSection(CONFIG, false), { kind: 'untrusted', server: '127.0.0.1:4242' });
  });

  it('reads each flag of an environment from the provider: rollout, on/off, who changed it and when', async () => {
    const calls: string[] = [];
    const provider = fakeProvider(
      {
        'new-checkout@production': { enabled: true, rollout: 10, lastChange: { who: 'alice@example.com', when: '2026-12-06T23:00:00Z' } },
        'legacy-cart@production': { enabled: false, rollout: 100 },
      },
      {},
      calls,
    );
    const load = await loadEnvironment(CONFIG, 'production', async () => provider);
    assert.equal(load.kind, 'rows');
    if (load.kind !== 'rows') return;
    assert.deepEqual(calls.sort(), ['legacy-cart@production', 'new-checkout@production']);
    assert.deepEqual(load.rows.map((r) => [r.flag, r.state?.enabled, r.state?.rollout, r.ramp]), [
      ['new-checkout', true, 10, '1% → 10% → 50% → 100%, hold 10m'],
      ['legacy-cart', false, 100, null],
    ]);
    const text = flagRowText(load.rows[0]!, (iso) => `at ${iso}`);
    assert.equal(text.description, 'on · 10% · alice@example.com, at 2026-12-06T23:00:00Z');
    assert.match(text.tooltip, /Configured ramp: 1% → 10% → 50% → 100%, hold 10m/);
    assert.match(text.tooltip, /features\/new-checkout\?environment=production/);
    // Without a last change in the state, the newest event of that environment says who and when.
    assert.equal(flagRowText(load.rows[1]!, String).description, 'off · 100% when on · bob@example.com, 2026-12-05T10:00:00Z');
  });

  it('tells a wrong token once for the environment, naming the permission, with Set Unleash Token as the fix', async () => {
    const refused = new FlagProviderError('forbidden', 'The Unleash token may not read new-checkout: it lacks the permission READ_FEATURE.', 'Use an admin token or a personal access token with that permission.', { permission: 'READ_FEATURE', status: 403 });
    const load = await loadEnvironment(CONFIG, 'production', async () => fakeProvider({}, { '*': refused }));
    assert.equal(load.kind, 'error');
    if (load.kind !== 'error') return;
    assert.equal(load.action, 'setToken');
    assert.match(load.message, /READ_FEATURE/);
  });

  it('tells a server that does not answer as an error naming the URL (open the config), never an empty list', async () => {
    const down = new FlagProviderError('unreachable', 'The Unleash server at http://127.0.0.1:4242 did not answer (ECONNREFUSED).', 'Start it, or fix flags.provider.url.');
    const load = await loadEnvironment(CONFIG, 'production', async () => fakeProvider({}, { '*': down }));
    assert.deepEqual(load, { kind: 'error', message: 'The Unleash server at http://127.0.0.1:4242 did not answer (ECONNREFUSED). Start it, or fix flags.provider.url.', action: 'openConfig' });
  });

  it('tells a missing token (no provider) with Set Unleash Token, and an unknown flag on its own row', async () => {
    const noToken = await loadEnvironment(CONFIG, 'production', async () => {
      throw new UsageError('No Unleash token: UNLEASH_ADMIN_TOKEN is not set.', 'Run "Release: Set Unleash Token".');
    });
    assert.equal(noToken.kind, 'error');
    assert.equal(noToken.kind === 'error' && noToken.action, 'setToken');
    const partly = await loadEnvironment(CONFIG, 'production', async () => fakeProvider({ 'new-checkout@production': { enabled: true, rollout: 1 } }));
    assert.equal(partly.kind, 'rows');
    if (partly.kind !== 'rows') return;
    assert.equal(partly.rows[1]!.state, null);
    assert.match(partly.rows[1]!.error!, /No feature flag legacy-cart/);
    assert.equal(flagRowText(partly.rows[1]!, String).description, 'unknown');
  });

  it('maps failures to a fix: refused → token, unreachable → config, nonsense → log', () => {
    assert.equal(describeFlagFailure(new FlagProviderError('unauthorized', 'The token was refused (401).', 'Set it again.')).action, 'setToken');
    assert.equal(describeFlagFailure(new FlagProviderError('server', 'Unleash answered 500.', 'Try again.')).action, 'showLog');
    assert.equal(describeFlagFailure(new Error('boom')).action, 'showLog');
  });

  it('keeps the token per server: another host in the config never gets a token set for yours', () => {
    assert.equal(flagSecretKey('http://127.0.0.1:4242', 'UNLEASH_ADMIN_TOKEN'), 'releaseManager.flags/http://127.0.0.1:4242/UNLEASH_ADMIN_TOKEN');
    assert.equal(flagSecretKey('http://127.0.0.1:4242/', 'UNLEASH_ADMIN_TOKEN'), flagSecretKey('http://127.0.0.1:4242/api', 'UNLEASH_ADMIN_TOKEN'));
    assert.notEqual(flagSecretKey('https://unleash.example.com', 'T'), flagSecretKey('https://unleash.example.com.attacker.example', 'T'));
  });

  it('narrows command arguments: a tree row or fields; a bad percentage is refused', () => {
    assert.deepEqual(flagArgsOf({ kind: 'flag', root: '/r', row: { flag: 'a', environment: 'production', url: 'http://x/a' } }), { root: '/r', flag: 'a', environment: 'production', url: 'http://x/a' });
    assert.deepEqual(flagArgsOf({ root: '/r', flag: 'a', environment: 'e', to: 25, confirm: false }), { root: '/r', flag: 'a', environment: 'e', to: 25, confirm: false });
    for (const to of [101, -1, 2.5, '10']) assert.throws(() => flagArgsOf({ to }), RangeError, String(to));
    assert.deepEqual(flagArgsOf(undefined), {});
    assert.equal(percentProblem('25%'), null);
    assert.equal(percentProblem('100'), null);
    assert.notEqual(percentProblem('101'), null);
    assert.notEqual(percentProblem('ten'), null);
  });

  it('tells a rollout as it goes: the ladder, the step, the hold counting down, the health verdict', () => {
    const steps = [{ percent: 1 }, { percent: 10 }, { percent: 50 }, { percent: 100 }];
    const hold = { type: 'holding' as const, index: 1, untilMs: 1_000_000 + 299_500, verdict: { status: 'pass', reason: 'error rate 0.2% ≤ 1%' } };
    assert.equal(progressLine(hold, steps, 1_000_000), 'step 2/4 · 10% · holding, 5:00 left · health: pass (error rate 0.2% ≤ 1%)');
    assert.equal(progressLine(hold, steps, 1_000_000 + 240_000), 'step 2/4 · 10% · holding, 1:00 left · health: pass (error rate 0.2% ≤ 1%)');
    assert.equal(progressLine({ type: 'failed', index: 1, reason: 'error rate 7% > 1%' }, steps, 0), 'step 2/4 · 10% · FAILED: error rate 7% > 1%');
    assert.equal(progressLine({ type: 'set', index: 0, state: { enabled: true, rollout: 1 }, changed: true }, steps, 0), 'step 1/4 · 1% · read back: on at 1%');
    assert.equal(ladderText([{ percent: 1, status: 'passed' }, { percent: 10, status: 'set' }, { percent: 50, status: 'pending' }], 1), '1% ✔ → 10% ◀ → 50%');
    assert.equal(countdown(3_600_000), '1:00:00');
    assert.equal(countdown(-5), '0:00');
  });

  it('counts kill switches of the environment within the window from the decision log (as the flags flow writes them)', () => {
    const kill = (flag: string, environment: string, when: string) => renderFlagKill({ flag, environment, who: 'Alice <a@example.com>', when, before: { enabled: true, rollout: 10 }, after: { enabled: false, rollout: 10 } });
    const log = ['# Release decisions\n', kill('new-checkout', 'production', '2026-12-01T10:00:00.000Z'), kill('new_checkout', 'Production', '2026-12-02T10:00:00.000Z'), kill('dark-mode', 'staging', '2026-12-02T11:00:00.000Z'), kill('old', 'production', '2026-01-01T00:00:00.000Z'), '\n## GO — 1.2.0 — 2026-12-03\n'].join('');
    assert.deepEqual(flagKillsIn(log).map((k) => k.flag), ['new-checkout', 'new_checkout', 'dark-mode', 'old']);
    const window = { since: '2026-11-01T00:00:00.000Z', until: '2026-12-07T00:00:00.000Z' };
    assert.deepEqual(countInterventions(log, 'production', window), { flagKills: 2 });
    assert.deepEqual(countInterventions(log, 'staging', window), { flagKills: 1 });
    assert.deepEqual(countInterventions(null, 'production', window), { flagKills: 0 });
  });

  it('reports the kill switches of the decision log as interventions of the metrics (text and JSON)', async () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    const kill = (flag: string, when: string) => renderFlagKill({ flag, environment: 'production', who: 'Alice', when, before: null, after: { enabled: false, rollout: 0 } });
    writeFileSync(join(r.dir, 'RELEASE-DECISIONS.md'), `# Release decisions\n${kill('new-checkout', '2026-12-01T10:00:00.000Z')}${kill('dark-mode', '2026-12-02T10:00:00.000Z')}`);
    const report = await collectMetrics({ repoRoot: r.dir, github: null, environment: 'production', since: '2026-11-01', until: '2026-12-07', now: new Date('2026-12-07T00:00:00Z') });
    assert.deepEqual(report.interventions, { flagKills: 2 });
    assert.match(metricsText(report), /Interventions +2 kill switch uses/);
    const none = await collectMetrics({ repoRoot: r.dir, github: null, environment: 'production', since: '2026-12-03', until: '2026-12-07', now: new Date('2026-12-07T00:00:00Z') });
    assert.deepEqual(none.interventions, { flagKills: 0 });
    TestRepo.cleanup();
  });

  it('inserts a flags example into the config (keeping what is there), and not twice', () => {
    const text = '{\n  "tagFormat": "v{version}"\n}\n';
    const out = flagsExampleEdit(text)!;
    const parsed: ReleaseConfig = parseConfig(out);
    assert.equal(parsed.tagFormat, 'v{version}');
    assert.equal(parsed.flags?.provider.url, 'http://127.0.0.1:4242');
    assert.deepEqual(parsed.flags?.rollouts[0]?.steps, [1, 10, 50, 100]);
    assert.equal(flagsExampleEdit(out), null);
    assert.equal(parseConfig(flagsExampleEdit('')!).flags?.provider.kind, 'unleash');
  });
});
