import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config';
import { runGates } from '../../../src/core/gates/engine';
import { gateSchema } from '../../../src/core/gates/schema';
import type { RiskGateFacts } from '../../../src/core/risk/types';
import { answersFrom, assessRisk, levelOf } from '../../../src/core/risk/assess';
import { timingOf } from '../../../src/core/risk/factors';
import type { RiskInputs } from '../../../src/core/risk/inputs';
import { defaultRiskConfig, FACTOR_IDS, riskConfigSchema } from '../../../src/core/risk/schema';
import { fakeContext } from '../../helpers/gates';

// The pure risk core: each factor's rule, the score, the level, the explanation, the answers, and the risk gate.

/** Inputs of a quiet release (every factor measured, nothing risky), Tuesday 10:00 UTC. */
function quiet(over: Partial<RiskInputs> = {}): RiskInputs {
  return {
    version: '1.3.0',
    range: { from: 'v1.2.0', to: 'HEAD' },
    size: { ok: true, value: { commits: 5, files: 10, insertions: 100, deletions: 100, binaryFiles: 0 } },
    breaking: { ok: true, value: { count: 0, subjects: [] } },
    critical: { ok: true, value: { byPattern: [{ pattern: 'migrations/**', files: [] }] } },
    lockfiles: { ok: true, value: { files: [] } },
    firstTime: { ok: true, value: { names: [] } },
    failedCi: { ok: true, value: { failed: 0, reruns: 0, runs: [] } },
    lastRelease: { ok: true, value: { tag: 'v1.2.0', date: '2026-12-01T10:00:00Z' } },
    reverts: { ok: true, value: { count: 0, subjects: [] } },
    deployAt: '2026-12-08T10:00:00.000Z',
    freezes: [],
    changeFailureRate: { ok: true, value: { environment: 'production', ratio: 0, failed: 0, total: 10, since: '2026-11-08T10:00:00Z' } },
    answers: {
      'customer-facing': { answer: 'no', who: 'A <a@x>', when: '2026-12-07T10:00:00Z' },
      'data-migration': { answer: 'no', who: 'A <a@x>', when: '2026-12-07T10:00:00Z' },
      'contractual-date': { answer: 'no', who: 'A <a@x>', when: '2026-12-07T10:00:00Z' },
    },
    ...over,
  };
}

const config = (risk: unknown = {}) => riskConfigSchema().parse(risk);
const factor = (inputs: RiskInputs, id: string, cfg = config({ criticalPaths: ['migrations/**'] })) => assessRisk(inputs, cfg).factors.find((f) => f.id === id)!;

describe('risk core', () => {
  it('lists every factor, in the documented order, even at 0 points; a quiet release is low', () => {
    const a = assessRisk(quiet(), config({ criticalPaths: ['migrations/**'] }));
    assert.deepEqual(a.factors.map((f) => f.id), [...FACTOR_IDS, 'question.customer-facing', 'question.data-migration', 'question.contractual-date']);
    // 5/50 of 10 + 10/100 of 10 + 200/2000 of 10 = 3.
    assert.equal(a.score, 3);
    assert.equal(a.level, 'low');
    assert.deepEqual(a.unknown, []);
    assert.deepEqual(a.explanation.map((e) => e.id), ['commits', 'filesChanged', 'linesChanged']);
    assert.ok(a.factors.every((f) => f.points !== null && f.detail.length > 0 && f.value.length > 0));
  });

  it('scores each measured factor by its rule and weight', () => {
    assert.equal(factor(quiet({ size: { ok: true, value: { commits: 200, files: 50, insertions: 900, deletions: 100, binaryFiles: 1 } } }), 'commits').points, 10);
    assert.equal(factor(quiet({ size: { ok: true, value: { commits: 200, files: 50, insertions: 900, deletions: 100, binaryFiles: 1 } } }), 'filesChanged').points, 5);
    assert.equal(factor(quiet({ size: { ok: true, value: { commits: 200, files: 50, insertions: 900, deletions: 100, binaryFiles: 1 } } }), 'linesChanged').points, 5);
    const breaking = factor(quiet({ breaking: { ok: true, value: { count: 1, subjects: ['drop the v1 API'] } } }), 'breakingChanges');
    assert.equal(breaking.points, 15);
    assert.match(breaking.detail, /drop the v1 API/);
    const critical = factor(quiet({ critical: { ok: true, value: { byPattern: [{ pattern: 'migrations/**', files: ['migrations/001.sql'] }] } } }), 'criticalPaths');
    assert.equal(critical.points, 20);
    assert.equal(critical.value, '1 file under migrations/**');
    assert.equal(factor(quiet({ lockfiles: { ok: true, value: { files: ['web/package-lock.json'] } } }), 'dependencies').points, 10);
    assert.equal(factor(quiet({ firstTime: { ok: true, value: { names: ['Bob'] } } }), 'firstTimeContributors').points, 2.5);
    assert.equal(factor(quiet({ failedCi: { ok: true, value: { failed: 1, reruns: 1, runs: [] } } }), 'failedCi').points, 6.7);
    assert.equal(factor(quiet({ lastRelease: { ok: true, value: { tag: 'v1.0.0', date: '2026-09-09T10:00:00Z' } } }), 'sinceLastRelease').points, 10);
    assert.equal(factor(quiet({ lastRelease: { ok: true, value: { tag: 'v1.0.0', date: '2026-11-01T10:00:00Z' } } }), 'sinceLastRelease').points, 3); // 37 days: 10 × (37-14)/76 = 3.03
    assert.equal(factor(quiet({ lastRelease: { ok: true, value: { tag: null, date: null } } }), 'sinceLastRelease').value, 'first release');
    assert.equal(factor(quiet({ reverts: { ok: true, value: { count: 1, subjects: ['Revert "x"'] } } }), 'reverts').points, 5);
    assert.equal(factor(quiet({ changeFailureRate: { ok: true, value: { environment: 'production', ratio: 0.15, failed: 3, total: 20, since: '2026-11-08' } } }), 'changeFailureRate').points, 7.5);
  });

  it('never turns a missing input into 0: unknown factors say why and how to measure, and the worst case counts them in full', () => {
    const a = assessRisk(quiet({ failedCi: { ok: false, why: 'GitHub is not connected', howTo: 'Set GITHUB_TOKEN.' }, answers: {} }), config({ criticalPaths: ['migrations/**'] }));
    const ci = a.factors.find((f) => f.id === 'failedCi')!;
    assert.equal(ci.status, 'unknown');
    assert.equal(ci.points, null);
    assert.equal(ci.value, 'unknown');
    assert.equal(ci.howTo, 'Set GITHUB_TOKEN.');
    assert.deepEqual(a.unknown, ['failedCi', 'question.customer-facing', 'question.data-migration', 'question.contractual-date']);
    assert.equal(a.score, 3);
    assert.equal(a.worstCase.score, 3 + 10 + 10 + 15 + 10);
    assert.equal(a.worstCase.level, 'medium');
    const noCfr = factor(quiet({ changeFailureRate: { ok: true, value: { environment: 'production', ratio: null, failed: 0, total: 0, since: '2026-11-08' } } }), 'changeFailureRate');
    assert.equal(noCfr.status, 'unknown');
  });

  it('takes weights, thresholds and questions from the config; weight 0 keeps the factor listed', () => {
    const cfg = config({ weights: { commits: 0, deployTiming: 40 }, thresholds: { medium: 5, high: 50 }, questions: [{ id: 'pci', text: 'Touches card data?', weight: 30 }] });
    const a = assessRisk(quiet({ deployAt: '2026-12-12T12:00:00Z', answers: { pci: { answer: 'yes', who: 'B <b@x>', when: '2026-12-07T10:00:00Z', note: 'new card form' } } }), cfg);
    assert.equal(a.factors.find((f) => f.id === 'commits')!.points, 0);
    assert.equal(a.factors.find((f) => f.id === 'deployTiming')!.points, 40); // Saturday
    const pci = a.factors.find((f) => f.id === 'question.pci')!;
    assert.equal(pci.points, 30);
    assert.match(pci.detail, /answered yes by B <b@x>.*new card form/);
    assert.equal(a.level, 'high');
    assert.deepEqual(a.explanation.slice(0, 2).map((e) => e.id), ['deployTiming', 'question.pci']);
    assert.equal(levelOf(4.9, cfg.thresholds), 'low');
    assert.equal(levelOf(5, cfg.thresholds), 'medium');
    assert.throws(() => parseConfig(JSON.stringify({ risk: { thresholds: { medium: 50, high: 40 } } })), /risk\.thresholds\.high: high must be greater than medium/);
    assert.throws(() => parseConfig(JSON.stringify({ risk: { weights: { comits: 5 } } })), /risk\.weights/);
    assert.throws(() => parseConfig(JSON.stringify({ risk: { criticalPaths: [':(top)x'] } })), /risk\.criticalPaths\[0\]/);
    assert.throws(() => parseConfig(JSON.stringify({ risk: { criticalPaths: ['../x/**'] } })), /must not leave the repository/);
    assert.equal(defaultRiskConfig().lockfiles.includes('Cargo.lock'), true);
  });

  it('judges the deploy time: Friday evening, weekends, nights, inside and next to a freeze', () => {
    const freeze = [{ from: '2026-12-20', to: '2027-01-03', reason: 'Holiday freeze', warnDays: 3 }];
    assert.equal(timingOf('2026-12-08T10:00:00Z', freeze).intensity, 0); // Tuesday morning
    assert.equal(timingOf('2026-12-11T16:30:00Z', []).intensity, 1); // Friday afternoon
    assert.equal(timingOf('2026-12-11T10:00:00Z', []).intensity, 0); // Friday morning
    assert.equal(timingOf('2026-12-09T21:00:00Z', []).intensity, 0.5); // Wednesday night
    assert.equal(timingOf('2026-12-22T10:00:00Z', freeze).intensity, 1);
    assert.match(timingOf('2026-12-22T10:00:00Z', freeze).reasons[0]!, /inside the code freeze "Holiday freeze"/);
    assert.equal(timingOf('2026-12-18T10:00:00Z', freeze).intensity, 0.5); // two days before it
    assert.equal(timingOf('2027-01-04T10:00:00Z', freeze).intensity, 0.5); // the day after it
    // In Berlin, 15:30 UTC on a Friday is 16:30; in Los Angeles it is 07:30.
    assert.equal(timingOf('2026-12-11T14:30:00Z', [], 'Europe/Berlin').intensity, 1);
    assert.equal(timingOf('2026-12-11T15:30:00Z', [], 'America/Los_Angeles').intensity, 0);
  });

  it('reads the latest answer of each question from the sign-offs (yes/no in the note)', () => {
    const answers = answersFrom([
      { gateId: 'risk:customer-facing', who: 'A <a@x>', when: '2026-12-07T10:00:00Z', note: 'no' },
      { gateId: 'risk:customer-facing', who: 'B <b@x>', when: '2026-12-07T11:00:00Z', note: 'yes: the checkout page changes' },
      { gateId: 'risk:data-migration', who: 'A <a@x>', when: '2026-12-07T10:00:00Z', note: 'maybe' },
      { gateId: 'qa', who: 'A <a@x>', when: '2026-12-07T10:00:00Z', note: 'yes' },
    ]);
    assert.deepEqual(Object.keys(answers), ['customer-facing']);
    assert.deepEqual(answers['customer-facing'], { answer: 'yes', who: 'B <b@x>', when: '2026-12-07T11:00:00Z', note: 'the checkout page changes' });
  });
});

describe('risk gate', () => {
  const gate = gateSchema().parse({ id: 'risk', kind: 'risk' });
  const facts = (inputs: RiskInputs, over: Partial<RiskGateFacts> = {}): RiskGateFacts => ({ assessment: assessRisk(inputs, config({ criticalPaths: ['migrations/**'] })), requireCanary: false, environment: { name: 'production', strategy: 'direct' }, ...over });
  const high = quiet({ breaking: { ok: true, value: { count: 1, subjects: ['x'] } }, critical: { ok: true, value: { byPattern: [{ pattern: 'migrations/**', files: ['migrations/1.sql'] }] } }, lockfiles: { ok: true, value: { files: ['yarn.lock'] } }, deployAt: '2026-12-11T17:00:00Z' });
  const run = async (f: RiskGateFacts, signOffs: { gateId: string; who: string; when: string; note?: string }[] = []) =>
    (await runGates([gate], fakeContext({ risk: async () => f, signOffs: async (v) => (v === '1.3.0' ? signOffs : []) })))[0]!;

  it('passes a low risk, warns on a medium one and on unknown factors', async () => {
    assert.equal((await run(facts(quiet()))).status, 'pass');
    const medium = await run(facts(quiet({ critical: { ok: true, value: { byPattern: [{ pattern: 'migrations/**', files: ['migrations/1.sql'] }] } }, lockfiles: { ok: true, value: { files: ['yarn.lock'] } } })));
    assert.equal(medium.status, 'warn');
    assert.match(medium.reason, /^risk medium \(score 33;.*Critical paths 20, Dependency changes 10/);
    const unknownCi = await run(facts(quiet({ failedCi: { ok: false, why: 'offline', howTo: 'Set GITHUB_TOKEN.' } })));
    assert.equal(unknownCi.status, 'warn');
    assert.match(unknownCi.reason, /not measured: failedCi/);
    assert.match(unknownCi.details!, /Failed CI attempts: unknown — Set GITHUB_TOKEN\./);
  });

  it('fails a high risk until a named sign-off exists, then warns naming who and why', async () => {
    const r = await run(facts(high));
    assert.equal(r.status, 'fail');
    assert.match(r.reason, /^risk high \(score 63;/);
    assert.match(r.fix!.label, /release-manager signoff --gate risk --note/);
    assert.deepEqual(r.fix!.action, { kind: 'signOff', gateId: 'risk' });
    const signed = await run(facts(high), [{ gateId: 'risk', who: 'Carol <carol@x>', when: '2026-12-07T10:00:00Z', note: 'migration rehearsed on staging' }]);
    assert.equal(signed.status, 'warn');
    assert.match(signed.reason, /signed off by Carol <carol@x> on 2026-12-07T10:00:00Z: migration rehearsed on staging/);
  });

  it('with requireCanary, a signed-off high risk still fails until the environment deploys with a canary', async () => {
    const signOffs = [{ gateId: 'risk', who: 'Carol <carol@x>', when: '2026-12-07T10:00:00Z' }];
    const direct = await run(facts(high, { requireCanary: true }), signOffs);
    assert.equal(direct.status, 'fail');
    assert.match(direct.reason, /must deploy with a canary and production deploys with the direct strategy/);
    assert.match(direct.fix!.label, /"strategy": \{ "kind": "canary"/);
    const canary = await run(facts(high, { requireCanary: true, environment: { name: 'production', strategy: 'canary' } }), signOffs);
    assert.equal(canary.status, 'warn');
    const unsigned = await run(facts(high, { requireCanary: true }));
    assert.match(unsigned.reason, /needs a named sign-off and a canary deploy/);
  });

  it('with `from`, counts only the sign-offs of the people it names: anyone else\'s leaves a high risk failing', async () => {
    const limited = gateSchema().parse({ id: 'risk', kind: 'risk', from: ['carol@x', 'Dan <dan@x>'] });
    const runLimited = async (signOffs: { gateId: string; who: string; when: string; note?: string }[]) =>
      (await runGates([limited], fakeContext({ risk: async () => facts(high), signOffs: async (v) => (v === '1.3.0' ? signOffs : []) })))[0]!;
    const mallory = { gateId: 'risk', who: 'Mallory <mallory@x>', when: '2026-12-07T11:00:00Z', note: 'ship it' };
    const outsider = await runLimited([mallory]);
    assert.equal(outsider.status, 'fail');
    assert.match(outsider.reason, /needs a named sign-off/);
    // The same sign-off passes a gate without `from`: the list is what refused it.
    assert.equal((await run(facts(high), [mallory])).status, 'warn');
    // Someone named (by e-mail, whatever the name and case; or by the whole identity) counts, and is the one named.
    const carol = await runLimited([mallory, { gateId: 'risk', who: 'Carol C. <CAROL@x>', when: '2026-12-07T10:00:00Z', note: 'rehearsed' }]);
    assert.equal(carol.status, 'warn');
    assert.match(carol.reason, /signed off by Carol C\. <CAROL@x> on 2026-12-07T10:00:00Z: rehearsed/);
    assert.equal((await runLimited([{ gateId: 'risk', who: 'Dan <dan@x>', when: '2026-12-07T10:00:00Z' }])).status, 'warn');
    // A sign-off of another gate by someone named does not count for this one.
    assert.equal((await runLimited([{ gateId: 'qa', who: 'Carol <carol@x>', when: '2026-12-07T10:00:00Z' }])).status, 'fail');
  });

  it('is unknown (and so blocks) where the score cannot be computed', async () => {
    const [r] = await runGates([gate], fakeContext());
    assert.equal(r!.status, 'unknown');
  });
});
