import assert from 'node:assert/strict';
import { GitError, UsageError } from '../../../src/core/errors';
import { runGates, verdict } from '../../../src/core/gates/engine';
import type { GateResult } from '../../../src/core/gates/types';
import { cleanTree, fakeContext, gate } from '../../helpers/gates';

const result = (over: Partial<GateResult>): GateResult => ({ id: 'x', title: 'X', kind: 'cleanTree', required: true, status: 'pass', reason: 'ok', durationMs: 1, ...over });
const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gate engine', () => {
  describe('verdict', () => {
    it('is GO when every required gate passes', () => {
      const v = verdict([result({ id: 'a', title: 'A' }), result({ id: 'b', title: 'B' })]);
      assert.equal(v.decision, 'GO');
      assert.equal(v.summary, 'GO: all 2 required gates pass');
      assert.deepEqual(v.blocking, []);
      assert.deepEqual(v.advisories, []);
    });

    it('explains a NO-GO with each failing required gate and its reason', () => {
      const v = verdict([
        result({ title: 'Clean working tree', status: 'fail', reason: '2 modified files' }),
        result({ title: 'On a branch' }),
        result({ title: 'Version bumped', status: 'fail', reason: 'package.json has 1.2.0, expected 1.3.0' }),
      ]);
      assert.equal(v.decision, 'NO-GO');
      assert.equal(v.summary, 'NO-GO: 2 required gates failing: Clean working tree (2 modified files), Version bumped (package.json has 1.2.0, expected 1.3.0)');
      assert.deepEqual(v.blocking.map((r) => r.title), ['Clean working tree', 'Version bumped']);
    });

    it('fails closed: unknown, pending and skipped required gates block, and a mixed list names each status', () => {
      for (const status of ['unknown', 'pending', 'skipped', 'fail'] as const) {
        assert.equal(verdict([result({ status })]).decision, 'NO-GO', status);
      }
      const v = verdict([result({ title: 'CI', status: 'unknown', reason: 'could not read' }), result({ title: 'QA', status: 'pending', reason: 'awaiting sign-off' })]);
      assert.equal(v.summary, 'NO-GO: 2 required gates not passing: CI (unknown: could not read), QA (pending: awaiting sign-off)');
      assert.equal(verdict([result({ title: 'QA', status: 'pending', reason: 'awaiting' })]).summary, 'NO-GO: 1 required gate pending: QA (awaiting)');
    });

    it('lets a required warning and failing advisory gates through as advisories', () => {
      const v = verdict([result({ title: 'Upstream', status: 'warn', reason: 'no upstream' }), result({ title: 'Lint', required: false, status: 'fail', reason: 'exited 1' }), result({ title: 'Other' })]);
      assert.equal(v.decision, 'GO');
      assert.deepEqual(v.advisories.map((r) => r.title), ['Upstream', 'Lint']);
      assert.equal(v.summary, 'GO: all 2 required gates pass; 2 advisories: Upstream (warn: no upstream), Lint (fail: exited 1)');
    });

    it('says so when there is nothing to check', () => {
      assert.equal(verdict([]).summary, 'GO: no gates configured');
      assert.equal(verdict([result({ required: false })]).summary, 'GO: no required gates');
    });
  });

  describe('runGates', () => {
    it('returns results in config order with identity and timing, reporting each as it completes', async () => {
      let calls = 0;
      const ctx = fakeContext({
        workingTree: async () => {
          calls++;
          await sleep(calls === 1 ? 60 : 0); // the first gate finishes last
          return cleanTree();
        },
      });
      const seen: string[] = [];
      const started: string[] = [];
      const results = await runGates([gate({ id: 'slow', kind: 'cleanTree' }), gate({ id: 'fast', kind: 'releaseBranch', required: false })], ctx, {
        onStart: (g) => started.push(g.id),
        onResult: (r) => seen.push(r.id),
      });
      assert.deepEqual(results.map((r) => r.id), ['slow', 'fast']);
      assert.deepEqual(started, ['slow', 'fast']);
      assert.deepEqual(seen, ['fast', 'slow']);
      assert.equal(results[0]!.title, 'Clean working tree');
      assert.equal(results[0]!.status, 'pass');
      assert.equal(results[1]!.required, false);
      assert.equal(results[1]!.kind, 'releaseBranch');
      assert.ok(results[0]!.durationMs >= 50);
    });

    it('never runs more gates at once than the concurrency limit', async () => {
      let running = 0;
      let peak = 0;
      const ctx = fakeContext({
        workingTree: async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(20);
          running--;
          return cleanTree();
        },
      });
      const gates = Array.from({ length: 8 }, (_, i) => gate({ id: `g${i}`, kind: 'cleanTree' }));
      const results = await runGates(gates, ctx, { concurrency: 3 });
      assert.equal(peak, 3);
      assert.ok(results.every((r) => r.status === 'pass'));
    });

    it('turns a gate that exceeds its timeout into unknown (never pass), without waiting for it', async () => {
      const t0 = Date.now();
      const [r] = await runGates([gate({ id: 'hang', kind: 'cleanTree', timeoutMs: 150 })], fakeContext({ workingTree: never }));
      assert.equal(r!.status, 'unknown');
      assert.equal(r!.reason, 'timed out after 150 ms');
      assert.ok(Date.now() - t0 < 1000);
      assert.equal(verdict([r!]).decision, 'NO-GO');
    });

    it('turns a thrown error into unknown with its cause and fix, and a required unknown blocks', async () => {
      const ctx = fakeContext({
        workingTree: () => Promise.reject(new GitError('dubious-ownership', 'Git refuses to read /x.', 'Run git config --global --add safe.directory /x')),
        release: () => Promise.reject(new TypeError('boom\nstack')),
      });
      const results = await runGates([gate({ id: 'tree', kind: 'cleanTree' }), gate({ id: 'ver', kind: 'changelog' })], ctx);
      assert.equal(results[0]!.status, 'unknown');
      assert.equal(results[0]!.reason, 'Git refuses to read /x.');
      assert.equal(results[0]!.fix?.label, 'Run git config --global --add safe.directory /x');
      assert.equal(results[1]!.status, 'unknown');
      assert.equal(results[1]!.reason, 'the check could not run: boom');
      assert.equal(verdict(results).decision, 'NO-GO');
    });

    it('cancels: running and waiting gates end skipped "cancelled", promptly', async () => {
      const controller = new AbortController();
      const gates = Array.from({ length: 4 }, (_, i) => gate({ id: `g${i}`, kind: 'cleanTree' }));
      const seen: string[] = [];
      setTimeout(() => controller.abort(), 50);
      const t0 = Date.now();
      const results = await runGates(gates, fakeContext({ workingTree: never }), { concurrency: 2, signal: controller.signal, onResult: (r) => seen.push(r.id) });
      assert.ok(Date.now() - t0 < 1000);
      assert.deepEqual(results.map((r) => [r.status, r.reason]), Array(4).fill(['skipped', 'cancelled']));
      assert.equal(seen.length, 4);
      assert.equal(verdict(results).decision, 'NO-GO');
    });

    it('runs nothing when already cancelled', async () => {
      let calls = 0;
      const controller = new AbortController();
      controller.abort();
      const results = await runGates([gate({ id: 'a', kind: 'cleanTree' })], fakeContext({ workingTree: async () => (calls++, cleanTree()) }), { signal: controller.signal });
      assert.equal(calls, 0);
      assert.equal(results[0]!.status, 'skipped');
    });

    it('re-runs one gate alone, and refuses an unknown id', async () => {
      let calls = 0;
      const ctx = fakeContext({ workingTree: async () => (calls++, cleanTree()) });
      const gates = [gate({ id: 'a', kind: 'cleanTree' }), gate({ id: 'b', kind: 'cleanTree' })];
      const results = await runGates(gates, ctx, { only: ['b'] });
      assert.deepEqual(results.map((r) => r.id), ['b']);
      assert.equal(calls, 1);
      await assert.rejects(runGates(gates, ctx, { only: ['nope'] }), (e: unknown) => e instanceof UsageError && /nope/.test(e.message) && /a, b/.test(e.fix));
    });

    it('is not disturbed by a listener that throws', async () => {
      const results = await runGates([gate({ id: 'a', kind: 'cleanTree' })], fakeContext(), {
        onResult: () => {
          throw new Error('view disposed');
        },
      });
      assert.equal(results[0]!.status, 'pass');
    });

    it('makes reasons inert single lines (control, ANSI and bidi characters removed)', async () => {
      const ctx = fakeContext({ workingTree: async () => cleanTree({ branch: 'feat/\u001b[31mred\u202e\u0007\nx' }) });
      const [r] = await runGates([gate({ id: 'a', kind: 'releaseBranch' })], ctx);
      assert.equal(r!.status, 'fail');
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(r!.reason, /[\u0000-\u001f\u202e]/);
      assert.match(r!.reason, /feat\/red x/);
    });
  });
});
