import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignOff } from '../../../src/core/gates/context';
import { runGates } from '../../../src/core/gates/engine';
import { manualGateSchema, tallySignOffs } from '../../../src/core/gates/manual';
import { gateSchema } from '../../../src/core/gates/schema';
import type { GateResult } from '../../../src/core/gates/types';
import { readSignOffFile, recordSignOff, revokeSignOff, signOffsFor } from '../../../src/node/signOffFile';
import { fakeContext, runOne } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

const ALICE = 'Alice Doe <alice@example.com>';
const BOB = 'Bob Roe <bob@example.com>';

async function check(raw: Record<string, unknown>, signOffs: SignOff[]): Promise<GateResult> {
  const g = gateSchema().parse({ id: 'qa', kind: 'manual', description: 'QA ran the regression suite', ...raw });
  const [r] = await runGates([g], fakeContext({ signOffs: async (v) => (v === '1.3.0' ? signOffs : []) }));
  return r!;
}

describe('team sign-offs', () => {
  after(() => TestRepo.cleanup());

  describe('satisfaction (core)', () => {
    it('needs `approvals` different people, and says how many are in', async () => {
      const one = [{ gateId: 'qa', who: ALICE, when: '2026-03-01T10:00:00Z' }];
      const pending = await check({ approvals: 2 }, one);
      assert.equal(pending.status, 'pending');
      assert.equal(pending.reason, 'awaiting sign-off for 1.3.0 (1 of 2 approvals): QA ran the regression suite');
      const two = [...one, { gateId: 'qa', who: BOB, when: '2026-03-01T11:00:00Z' }];
      const pass = await check({ approvals: 2 }, two);
      assert.equal(pass.status, 'pass', pass.reason);
      assert.equal(pass.reason, `signed off for 1.3.0 by 2 people: ${BOB}, ${ALICE}`);
    });

    it('counts two sign-offs by the same person (same e-mail, any name or case) once', async () => {
      const same = [
        { gateId: 'qa', who: ALICE, when: '2026-03-01T10:00:00Z' },
        { gateId: 'qa', who: 'alice <ALICE@example.com>', when: '2026-03-01T12:00:00Z', note: 'again' },
      ];
      const tally = tallySignOffs({ id: 'qa', approvals: 2 }, same);
      assert.equal(tally.counted.length, 1);
      assert.equal(tally.counted[0]!.note, 'again', 'the latest of a person is kept');
      assert.equal((await check({ approvals: 2 }, same)).status, 'pending');
    });

    it('counts only the people `from` allows (e-mail or whole identity, case-insensitive), and names the others', async () => {
      const both = [
        { gateId: 'qa', who: ALICE, when: '2026-03-01T10:00:00Z' },
        { gateId: 'qa', who: BOB, when: '2026-03-01T11:00:00Z' },
      ];
      const onlyBob = await check({ from: ['BOB@example.com'] }, both);
      assert.equal(onlyBob.status, 'pass');
      assert.match(onlyBob.reason, /by Bob Roe <bob@example\.com>/);
      const nobody = await check({ from: ['carol@example.com'] }, both);
      assert.equal(nobody.status, 'pending');
      assert.match(nobody.details ?? '', /not counted \(not among the gate's "from"\): Alice Doe <alice@example\.com>, Bob Roe|not counted \(not among the gate's "from"\): Bob Roe <bob@example\.com>, Alice Doe/);
      assert.equal((await check({ from: [ALICE.toUpperCase()], approvals: 1 }, both)).status, 'pass', 'a whole identity matches too');
      assert.equal((await check({ from: [ALICE, BOB], approvals: 2 }, both)).status, 'pass');
    });

    it('names the CLI command and the editor action in the fix', async () => {
      const r = await check({}, []);
      assert.match(r.fix!.label, /release-manager signoff --gate qa/);
      assert.match(r.fix!.label, /checklist/);
    });

    it('documents and bounds approvals and from in the schema', () => {
      assert.ok(manualGateSchema().shape.approvals.description);
      assert.ok(manualGateSchema().shape.from.description);
      assert.equal(manualGateSchema().safeParse({ kind: 'manual', id: 'qa', description: 'd', approvals: 0 }).success, false);
      assert.equal(manualGateSchema().safeParse({ kind: 'manual', id: 'qa', description: 'd', from: [] }).success, false);
    });
  });

  describe('the sign-off file (node)', () => {
    it('records, replaces the same person\'s entry, reads per version, and revokes only the signer\'s', async () => {
      const r = TestRepo.create();
      r.commit('feat: one');
      await recordSignOff(r.dir, { version: '1.0.0', gateId: 'qa', who: ALICE, when: '2026-03-01T10:00:00.000Z' });
      await recordSignOff(r.dir, { version: '1.0.0', gateId: 'qa', who: ALICE, when: '2026-03-01T11:00:00.000Z', note: '  green  ' });
      await recordSignOff(r.dir, { version: '1.0.0', gateId: 'qa', who: BOB, when: '2026-03-01T12:00:00.000Z' });
      await recordSignOff(r.dir, { version: '0.9.0', gateId: 'qa', who: BOB, when: '2026-02-01T12:00:00.000Z' });
      const mine = await signOffsFor(r.dir, '1.0.0');
      assert.deepEqual(mine, [
        { gateId: 'qa', who: ALICE, when: '2026-03-01T11:00:00.000Z', note: 'green' },
        { gateId: 'qa', who: BOB, when: '2026-03-01T12:00:00.000Z' },
      ]);
      assert.equal(await revokeSignOff(r.dir, '1.0.0', 'qa', 'Someone <someone@example.com>'), false);
      assert.equal(await revokeSignOff(r.dir, '1.0.0', 'qa', ALICE), true);
      assert.deepEqual((await signOffsFor(r.dir, '1.0.0')).map((s) => s.who), [BOB]);
      assert.equal((await readSignOffFile(r.dir)).length, 2);
    });

    it('keeps hostile notes as data: JSON-escaped in the file, inert in the gate result', async () => {
      const r = TestRepo.create();
      r.commit('feat: one');
      const hostile = '<img src=x onerror=alert(1)>\u001b[31m\u202e $(rm -rf /) "},{"gateId":"qa","who":"forged"';
      const before = await runOne(r, { kind: 'manual', description: 'QA' });
      const version = /awaiting sign-off for (\S+):/.exec(before.reason)![1]!;
      await recordSignOff(r.dir, { version, gateId: 'g', who: ALICE, when: '2026-03-01T10:00:00.000Z', note: hostile });
      const text = readFileSync(join(r.dir, '.release-manager', 'signoffs.json'), 'utf8');
      assert.ok(!text.includes('\u001b'), 'control characters are escaped in the file');
      const all = await readSignOffFile(r.dir);
      assert.equal(all.length, 1, 'a note cannot forge another entry');
      assert.equal(all[0]!.note, hostile.trim());
      const res = await runOne(r, { kind: 'manual', description: 'QA', approvals: 2 });
      assert.equal(res.status, 'pending');
      assert.ok(!(res.details ?? '').includes('\u001b') && !(res.details ?? '').includes('\u202e'), res.details);
      assert.match(res.details ?? '', /<img src=x onerror=alert\(1\)>/);
    });

    it('refuses a malformed file with the file named and the fix, instead of treating it as "no sign-offs"', async () => {
      const r = TestRepo.create();
      r.commit('feat: one');
      mkdirSync(join(r.dir, '.release-manager'));
      writeFileSync(join(r.dir, '.release-manager', 'signoffs.json'), '<<<<<<< HEAD\n{"signOffs": []}\n');
      await assert.rejects(readSignOffFile(r.dir), /\.release-manager\/signoffs\.json is not a sign-off record \(invalid JSON/);
      const res = await runOne(r, { kind: 'manual', description: 'QA' });
      assert.equal(res.status, 'unknown', res.reason);
      writeFileSync(join(r.dir, '.release-manager', 'signoffs.json'), JSON.stringify({ signOffs: [{ version: '1.0.0', gateId: 'qa', who: 'x', when: 'y', __proto__: 1, evil: true }] }));
      await assert.rejects(readSignOffFile(r.dir), /not a sign-off record/);
    });

    it('is not a dirty change for the clean-tree gate when it is the only change', async () => {
      const r = TestRepo.create();
      r.commit('feat: one');
      await recordSignOff(r.dir, { version: '1.0.0', gateId: 'qa', who: ALICE, when: '2026-03-01T10:00:00.000Z' });
      const res = await runOne(r, { kind: 'cleanTree' });
      assert.equal(res.status, 'pass', res.reason);
      r.write('other.txt', 'x\n');
      const dirty = await runOne(r, { kind: 'cleanTree' });
      assert.equal(dirty.status, 'fail');
      assert.match(dirty.details ?? '', /not counted \(the decision log and the sign-off file[^\n]*\.release-manager\/signoffs\.json/);
    });
  });
});
