import assert from 'node:assert/strict';
import { inText, parseInstant } from '../../../src/core/gates/calendar';
import { runGates } from '../../../src/core/gates/engine';
import type { GateContext, SignOff } from '../../../src/core/gates/context';
import type { GateResult } from '../../../src/core/gates/types';
import { fakeContext, fakeRelease, gate, runOne } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

const at = (iso: string, over: Partial<GateContext> = {}) => fakeContext({ now: () => new Date(iso), ...over });
const hotfix = { release: async () => fakeRelease({ next: '1.2.1', bump: 'patch', hotfix: true }) };
async function check(raw: Record<string, unknown>, ctx: GateContext): Promise<GateResult> {
  return (await runGates([gate({ id: 'g', ...raw })], ctx))[0]!;
}

const HOLIDAY = { from: '2026-12-20', to: '2027-01-03', reason: 'Holiday freeze' };

describe('calendar and manual gates', () => {
  after(() => TestRepo.cleanup());

  describe('calendar', () => {
    it('parses dates as whole UTC days (the last day inclusive) and date-times with offsets', () => {
      assert.equal(parseInstant('2026-12-20'), Date.UTC(2026, 11, 20));
      assert.equal(parseInstant('2026-12-20', true), Date.UTC(2026, 11, 21));
      assert.equal(parseInstant('2026-12-20T18:30:00+01:00'), Date.UTC(2026, 11, 20, 17, 30));
      for (const bad of ['2026-02-30', '2026-12-20T18:30', '2026-12-20T25:00Z', '20.12.2026', '']) assert.equal(parseInstant(bad), null, bad);
      assert.equal(inText(Date.UTC(2026, 11, 18, 10), Date.UTC(2026, 11, 20)), 'in 2 days');
      assert.equal(inText(Date.UTC(2026, 11, 19, 20), Date.UTC(2026, 11, 20)), 'in 4 hours');
    });

    it('passes outside any freeze, and warns when a freeze starts within warnDays', async () => {
      const calm = await check({ kind: 'calendar', freezes: [HOLIDAY] }, at('2026-11-01T10:00:00Z'));
      assert.equal(calm.status, 'pass');
      assert.equal(calm.reason, 'no code freeze now or in the next 3 days');
      const soon = await check({ kind: 'calendar', freezes: [HOLIDAY] }, at('2026-12-18T10:00:00Z'));
      assert.equal(soon.status, 'warn');
      assert.equal(soon.reason, 'code freeze "Holiday freeze" starts in 2 days (2026-12-20)');
    });

    it('fails inside a freeze (through its last day), unless the release is a hotfix', async () => {
      for (const now of ['2026-12-20T00:00:00Z', '2027-01-03T23:59:00Z']) {
        const res = await check({ kind: 'calendar', freezes: [HOLIDAY] }, at(now));
        assert.equal(res.status, 'fail', now);
        assert.equal(res.reason, 'inside the code freeze "Holiday freeze" until the end of 2027-01-03 (UTC): only hotfixes may be released');
      }
      assert.equal((await check({ kind: 'calendar', freezes: [HOLIDAY] }, at('2027-01-04T00:00:00Z'))).status, 'pass');
      const fix = await check({ kind: 'calendar', freezes: [HOLIDAY] }, at('2026-12-24T09:00:00Z', hotfix));
      assert.equal(fix.status, 'warn');
      assert.match(fix.reason, /allowed because this release is a hotfix$/);
    });

    it('knows a hotfix from a maintenance branch of a real repository', async () => {
      const r = TestRepo.create();
      r.commit('feat: one');
      r.tag('v1.0.0');
      r.commit('feat: two');
      r.tag('v1.1.0');
      r.git('checkout', '-q', '-b', 'release/1.0.x', 'v1.0.0');
      r.commit('fix: urgent');
      const freeze = { kind: 'calendar', freezes: [{ from: '2026-01-01', to: '2026-12-31', reason: 'Audit' }] };
      const res = await runOne(r, freeze, { now: () => new Date('2026-06-01T12:00:00Z') });
      assert.equal(res.status, 'warn', res.reason);
      r.checkout('main');
      r.commit('fix: on main');
      assert.equal((await runOne(r, freeze, { now: () => new Date('2026-06-01T12:00:00Z') })).status, 'fail');
    });

    it('follows a cadence: every second Tuesday from an anchor', async () => {
      const cadence = { anchor: '2026-01-06', everyWeeks: 2 }; // a Tuesday
      const day = await check({ kind: 'calendar', cadence }, at('2026-01-20T15:00:00Z'));
      assert.equal(day.status, 'pass');
      assert.equal(day.reason, 'today is a release day (every 2 weeks on Tuesday)');
      const off = await check({ kind: 'calendar', cadence }, at('2026-01-13T15:00:00Z'));
      assert.equal(off.status, 'warn');
      assert.equal(off.reason, 'not a release day (every 2 weeks on Tuesday); the next one is Tue 2026-01-20, in 7 days');
      assert.equal((await check({ kind: 'calendar', cadence: { ...cadence, offCadence: 'fail' } }, at('2026-01-13T15:00:00Z'))).status, 'fail');
      assert.equal((await check({ kind: 'calendar', cadence: { ...cadence, offCadence: 'fail' } }, at('2026-01-13T15:00:00Z', hotfix))).status, 'pass');
      const before = await check({ kind: 'calendar', cadence: { anchor: '2026-01-06', everyWeeks: 1 } }, at('2025-12-31T15:00:00Z'));
      assert.equal(before.reason, 'not a release day (every Tuesday); the next one is Tue 2026-01-06, in 6 days');
    });

    it('combines a freeze and the cadence, worst status first', async () => {
      const res = await check({ kind: 'calendar', freezes: [HOLIDAY], cadence: { anchor: '2026-12-22', everyWeeks: 1 } }, at('2026-12-22T10:00:00Z'));
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /^inside the code freeze .*; today is a release day \(every Tuesday\)$/);
    });

    it('is unknown (blocks) when it needs the release and cannot read it', async () => {
      const res = await check({ kind: 'calendar', freezes: [HOLIDAY] }, at('2026-12-24T10:00:00Z', { release: () => Promise.reject(new Error('git is gone')) }));
      assert.equal(res.status, 'unknown');
    });
  });

  describe('manual', () => {
    const qa = { kind: 'manual', title: 'QA sign-off', description: 'QA ran the regression suite' };
    const store = (list: SignOff[]) => async (version: string) => (version === '1.3.0' ? list : []);

    it('is pending with a sign-off fix until signed off for the next version', async () => {
      const res = await check(qa, fakeContext());
      assert.equal(res.status, 'pending');
      assert.equal(res.reason, 'awaiting sign-off for 1.3.0: QA ran the regression suite');
      assert.deepEqual(res.fix!.action, { kind: 'signOff', gateId: 'g' });
    });

    it('passes with who, when and the note of the latest sign-off of this gate and version', async () => {
      const ctx = fakeContext({
        signOffs: store([
          { gateId: 'other', who: 'Eve', when: '2026-03-03T09:00:00Z' },
          { gateId: 'g', who: 'Bob Roe', when: '2026-03-02T09:00:00Z' },
          { gateId: 'g', who: 'Alice Doe', when: '2026-03-03T10:00:00Z', note: 'all green\u001b[31m' },
        ]),
      });
      const res = await check(qa, ctx);
      assert.equal(res.status, 'pass');
      assert.equal(res.reason, 'signed off for 1.3.0 by Alice Doe on 2026-03-03T10:00:00Z: all green');
    });

    it('does not count a sign-off of another version or gate', async () => {
      const ctx = fakeContext({ release: async () => fakeRelease({ next: '1.4.0' }), signOffs: store([{ gateId: 'g', who: 'A', when: '2026-01-01T00:00:00Z' }]) });
      assert.equal((await check(qa, ctx)).status, 'pending');
      assert.equal((await check(qa, fakeContext({ signOffs: store([{ gateId: 'x', who: 'A', when: '2026-01-01T00:00:00Z' }]) }))).status, 'pending');
    });
  });
});
