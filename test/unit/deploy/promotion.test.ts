import assert from 'node:assert/strict';
import { activeFreeze, canPromote, deployConfirmation, hotfixOf, nextEnvironment, type PromotionInput } from '../../../src/core/deploy/promotion';
import { parseDeployConfig } from '../../../src/core/deploy/schema';
import type { GateResult, Verdict } from '../../../src/core/gates/types';

const SHA = 'c'.repeat(40);
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.parse('2026-06-10T12:00:00Z');

const config = parseDeployConfig({
  environments: [
    { name: 'staging' },
    {
      name: 'production',
      protection: {
        requireHealthyPreviousMs: 30 * MIN,
        freezes: [
          { from: '2026-12-20', to: '2027-01-03', reason: 'Holiday freeze' },
          { from: '2026-06-10T18:00:00+02:00', to: '2026-06-10T20:00:00+02:00', reason: 'Launch event' },
        ],
      },
    },
  ],
});
const [staging, production] = config.environments as [(typeof config.environments)[0], (typeof config.environments)[0]];

const GO: Verdict = { decision: 'GO', summary: 'GO: all 3 required gates pass', blocking: [], advisories: [] };
const failing: GateResult = { id: 'ci', title: 'CI', kind: 'githubChecks', required: true, status: 'fail', reason: '2 checks failing', durationMs: 5 };
const NOGO: Verdict = { decision: 'NO-GO', summary: 'NO-GO: 1 required gate failing: CI (2 checks failing)', blocking: [failing], advisories: [] };

function input(over: Partial<PromotionInput> = {}): PromotionInput {
  return {
    config,
    env: production,
    index: 1,
    release: { version: '1.4.0', sha: SHA, ref: 'v1.4.0', hotfix: false },
    previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: NOW - 2 * HOUR }, health: 'healthy', healthySince: NOW - HOUR },
    gates: GO,
    now: NOW,
    ...over,
  };
}

function codes(d: ReturnType<typeof canPromote>): string[] {
  return d.allowed ? [] : d.blockers.map((b) => b.code);
}

describe('deploy/promotion', () => {
  it('allows production once staging ran this commit healthily long enough and the gates pass, with a confirmation naming the version', () => {
    const d = canPromote(input());
    assert.equal(d.allowed, true);
    assert.ok(d.allowed && d.confirmation);
    if (d.allowed && d.confirmation) {
      assert.equal(d.confirmation.title, 'Deploy 1.4.0 to production?');
      assert.equal(d.confirmation.confirmLabel, 'Deploy 1.4.0 to production');
      assert.match(d.confirmation.detail, /^Deploy 1\.4\.0 \(cccccccccccc, v1\.4\.0\) to production with the direct strategy\.$/m);
    }
    assert.deepEqual(d.notes, ['staging has been healthy with 1.4.0 for 1 h.']);
  });

  it('deploys the first environment without looking back, and without a confirmation unless configured', () => {
    const d = canPromote(input({ env: staging, index: 0, previous: null }));
    assert.deepEqual(d, { allowed: true, confirmation: null, notes: [] });
  });

  it('blocks when the previous environment does not run this exact commit', () => {
    const other = canPromote(input({ previous: { lastSuccess: { sha: 'd'.repeat(40), version: '1.3.9', at: NOW - HOUR }, health: 'healthy', healthySince: NOW - HOUR } }));
    assert.deepEqual(codes(other), ['previous-not-deployed']);
    assert.ok(!other.allowed && other.blockers[0]!.reason === '1.4.0 (ccccccc) must be deployed to staging before production; staging last ran 1.3.9 (ddddddd) successfully.');
    assert.deepEqual(codes(canPromote(input({ previous: { lastSuccess: null, health: 'unknown', healthySince: null } }))), ['previous-not-deployed']);
    assert.deepEqual(codes(canPromote(input({ previous: null }))), ['previous-not-deployed']);
  });

  it('blocks while the previous environment is unhealthy or its health unknown', () => {
    assert.deepEqual(codes(canPromote(input({ previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: NOW - HOUR }, health: 'unhealthy', healthySince: null } }))), ['previous-unhealthy']);
    assert.deepEqual(codes(canPromote(input({ previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: NOW - HOUR }, health: 'unknown', healthySince: null } }))), ['previous-health-unknown']);
  });

  it('counts the soak time from the later of the deployment and the start of health, inclusive at the boundary', () => {
    const prev = (deployedAgo: number, healthyAgo: number) => ({ lastSuccess: { sha: SHA, version: '1.4.0', at: NOW - deployedAgo }, health: 'healthy' as const, healthySince: NOW - healthyAgo });
    const short = canPromote(input({ previous: prev(20 * MIN, 3 * HOUR) }));
    assert.deepEqual(codes(short), ['soaking'], 'health from before the deployment does not count');
    assert.ok(!short.allowed && short.blockers[0]!.readyAt === NOW + 10 * MIN);
    assert.ok(!short.allowed && /for 20 min of the required 30 min/.test(short.blockers[0]!.reason));
    assert.ok(!short.allowed && /^Wait 10 min \(until (?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}\)\.$/.test(short.blockers[0]!.fix), short.allowed ? '' : short.blockers[0]!.fix);
    assert.equal(canPromote(input({ previous: prev(HOUR, 30 * MIN) })).allowed, true, 'exactly the soak time');
    assert.deepEqual(codes(canPromote(input({ previous: prev(HOUR, 30 * MIN - 1) }))), ['soaking']);
  });

  it('needs no health data when no soak time is configured, but still refuses an unhealthy previous environment', () => {
    const noSoak = parseDeployConfig({ environments: [{ name: 'staging' }, { name: 'production' }] });
    const base = input({ config: noSoak, env: noSoak.environments[1]! });
    assert.equal(canPromote({ ...base, previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: NOW }, health: 'unknown', healthySince: null } }).allowed, true);
    assert.deepEqual(codes(canPromote({ ...base, previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: NOW }, health: 'unhealthy', healthySince: null } })), ['previous-unhealthy']);
  });

  it('blocks inside a code freeze except for hotfixes, through the last day of a date-only freeze', () => {
    for (const at of ['2026-12-20T00:00:00Z', '2026-12-25T12:00:00Z', '2027-01-03T23:59:59Z']) {
      const d = canPromote(input({ now: Date.parse(at), previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: 0 }, health: 'healthy', healthySince: 0 } }));
      assert.deepEqual(codes(d), ['freeze'], at);
      assert.ok(!d.allowed && d.blockers[0]!.reason === 'production is in the code freeze "Holiday freeze" until the end of 2027-01-03 (UTC): only hotfixes may be deployed.');
    }
    const after = canPromote(input({ now: Date.parse('2027-01-04T00:00:00Z'), previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: 0 }, health: 'healthy', healthySince: 0 } }));
    assert.equal(after.allowed, true);
    const before = canPromote(input({ now: Date.parse('2026-12-19T23:59:59Z'), previous: { lastSuccess: { sha: SHA, version: '1.4.0', at: 0 }, health: 'healthy', healthySince: 0 } }));
    assert.equal(before.allowed, true);
    const hotfix = canPromote(input({ now: Date.parse('2026-12-24T09:00:00Z'), release: { version: '1.4.1', sha: SHA, ref: 'v1.4.1', hotfix: true }, previous: { lastSuccess: { sha: SHA, version: '1.4.1', at: 0 }, health: 'healthy', healthySince: 0 } }));
    assert.equal(hotfix.allowed, true);
    assert.ok(hotfix.notes.some((n) => /code freeze "Holiday freeze".*; allowed because 1\.4\.1 is a hotfix\.$/.test(n)), hotfix.notes.join('\n'));
    assert.ok(hotfix.allowed && hotfix.confirmation !== null && hotfix.confirmation.detail.includes('hotfix'), 'the confirmation says so');
  });

  it('treats a date-time freeze as start-inclusive, end-exclusive in its own offset', () => {
    assert.equal(activeFreeze(production, Date.parse('2026-06-10T15:59:59Z')), null);
    assert.equal(activeFreeze(production, Date.parse('2026-06-10T16:00:00Z'))?.reason, 'Launch event');
    assert.equal(activeFreeze(production, Date.parse('2026-06-10T17:59:59Z'))?.reason, 'Launch event');
    assert.equal(activeFreeze(production, Date.parse('2026-06-10T18:00:00Z')), null);
    assert.equal(activeFreeze(staging, Date.parse('2026-12-25T00:00:00Z')), null, 'freezes are per environment');
  });

  it('blocks on failing or unevaluated gates, and passes advisories on as notes', () => {
    const d = canPromote(input({ gates: NOGO }));
    assert.deepEqual(codes(d), ['gates-failing']);
    assert.ok(!d.allowed && d.blockers[0]!.reason === NOGO.summary);
    assert.deepEqual(codes(canPromote(input({ gates: 'not-run' }))), ['gates-not-run']);
    assert.equal(canPromote(input({ gates: 'none' })).allowed, true);
    const advisory: Verdict = { ...GO, summary: 'GO: all 3 required gates pass; 1 advisory: Calendar (warn: freeze in 2 days)', advisories: [{ ...failing, status: 'warn', required: false }] };
    const withNote = canPromote(input({ gates: advisory }));
    assert.ok(withNote.allowed && withNote.notes.includes(advisory.summary));
  });

  it('lists every reason at once', () => {
    const d = canPromote(input({ gates: NOGO, now: Date.parse('2026-12-24T12:00:00Z'), previous: { lastSuccess: null, health: 'unknown', healthySince: null } }));
    assert.deepEqual(codes(d), ['previous-not-deployed', 'freeze', 'gates-failing']);
  });

  it('renders untrusted text from deployments inert in the reasons', () => {
    const d = canPromote(input({ previous: { lastSuccess: { sha: 'd'.repeat(40), version: '1.3.9\u001b[31m\nInjected line', at: NOW }, health: 'healthy', healthySince: NOW } }));
    assert.ok(!d.allowed && !d.blockers[0]!.reason.includes('\n') && !d.blockers[0]!.reason.includes('\u001b'));
  });

  it('names the version, commit, strategy in a confirmation, and finds the next environment', () => {
    const c = deployConfirmation(production, { version: '2.0.0', sha: SHA, ref: 'v2.0.0' }, 'canary');
    assert.equal(c.title, 'Deploy 2.0.0 to production?');
    assert.match(c.detail, /with the canary strategy/);
    assert.doesNotMatch(c.detail, /production \(production\)/, 'an environment named production is not called production twice');
    const live = parseDeployConfig({ environments: [{ name: 'eu-main', production: true }] }).environments[0]!;
    assert.match(deployConfirmation(live, { version: '2.0.0', sha: SHA, ref: 'v2.0.0' }, 'direct').detail, / to eu-main \(production\) with/);
    assert.equal(nextEnvironment(config, 0)?.name, 'production');
    assert.equal(nextEnvironment(config, 1), null);
    assert.equal(nextEnvironment(undefined, 0), null);
  });

  it('calls a release a hotfix only when it is a stable patch release of the version that runs', () => {
    const yes = (v: string, c: string | null) => hotfixOf(v, c).hotfix;
    assert.equal(yes('1.2.4', '1.2.3'), true);
    assert.equal(yes('1.2.10', '1.2.3'), true);
    assert.equal(yes('1.2.3', '1.2.3'), false, 'the same version is no fix');
    assert.equal(yes('1.2.2', '1.2.3'), false, 'older');
    assert.equal(yes('1.3.0', '1.2.3'), false, 'minor');
    assert.equal(yes('2.0.0', '1.2.3'), false, 'major');
    assert.equal(yes('1.2.4-rc.1', '1.2.3'), false, 'prerelease');
    assert.equal(yes('1.2.4', null), false, 'nothing runs');
    assert.equal(yes('1.2.4', 'main'), false, 'unknown running version');
    assert.match(hotfixOf('1.2.4', '1.2.3').reason, /1\.2\.4 is a patch release of 1\.2\.3/);
  });
});
