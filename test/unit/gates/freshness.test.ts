import * as assert from 'node:assert/strict';
import { changeBetween, Coalescer, EMPTY_GUIDANCE, emptyStateOf, rejudgePlan, staleReason } from '../../../src/core/gates/freshness';
import { poll } from '../../helpers/poll';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gate freshness', () => {
  describe('empty states', () => {
    it('tells no folder, no repository and no commits apart, and judges anything else', () => {
      assert.equal(emptyStateOf({ folders: 0, repository: undefined }), 'noFolder');
      assert.equal(emptyStateOf({ folders: 1, repository: undefined }), 'noRepo');
      assert.equal(emptyStateOf({ folders: 1, repository: { errorCode: 'no-commits' } }), 'noCommits');
      assert.equal(emptyStateOf({ folders: 1, repository: { errorCode: null } }), null);
      assert.equal(emptyStateOf({ folders: 1, repository: { errorCode: 'shallow' } }), null, 'a fault is judged (fail closed), not guidance');
    });

    it('says what to do in each', () => {
      assert.match(EMPTY_GUIDANCE.noRepo, /git init/);
      assert.match(EMPTY_GUIDANCE.noCommits, /first commit/);
      assert.match(EMPTY_GUIDANCE.noFolder, /Open a folder/);
      for (const text of Object.values(EMPTY_GUIDANCE)) assert.doesNotMatch(text, /NO-GO/);
    });
  });

  describe('what changed', () => {
    const base = { head: 'a'.repeat(40), version: '1.1.0', config: '{}' };
    it('names a moved HEAD, a config change and a version change; nothing when equal', () => {
      assert.equal(changeBetween(base, { ...base }), null);
      assert.equal(changeBetween(base, { ...base, head: 'b1234567890' }), 'HEAD moved to b123456');
      assert.equal(changeBetween(base, { ...base, config: '{"x":1}' }), 'the config changed');
      assert.equal(changeBetween(base, { ...base, head: 'c'.repeat(40), version: '2.0.0' }), 'HEAD moved to ccccccc, the next version became 2.0.0');
    });
  });

  describe('the re-judge plan', () => {
    const gates = [
      { id: 'clean', kind: 'cleanTree' },
      { id: 'ci', kind: 'githubChecks' },
      { id: 'qa', kind: 'manual' },
      { id: 'tests', kind: 'command' },
    ];
    it('re-runs every kind but command gates after a commit, and marks judged command gates stale', () => {
      assert.deepEqual(rejudgePlan(gates, new Set(['clean', 'ci', 'qa', 'tests']), 'HEAD moved to abc1234'), { run: ['clean', 'ci', 'qa'], stale: ['tests'] });
    });
    it('does not mark a command gate that never ran stale', () => {
      assert.deepEqual(rejudgePlan(gates, new Set(['clean']), 'HEAD moved to abc1234').stale, []);
    });
    it('re-runs local gates only on a working-tree change (GitHub gates keep their result, nothing goes stale)', () => {
      assert.deepEqual(rejudgePlan(gates, new Set(['clean', 'ci', 'qa', 'tests']), null), { run: ['clean', 'qa'], stale: [] });
      assert.deepEqual(rejudgePlan(gates, new Set(['clean']), null).run, ['clean', 'ci', 'qa'], 'a GitHub gate never judged is judged');
    });
    it('keeps a judged milestone gate (it asks GitHub only) on a working-tree change, and re-runs the risk gate (it reads the sign-off file)', () => {
      const more = [...gates, { id: 'scope', kind: 'milestone' }, { id: 'risk', kind: 'risk' }];
      assert.deepEqual(rejudgePlan(more, new Set(['clean', 'ci', 'qa', 'scope', 'risk']), null).run, ['clean', 'qa', 'risk']);
      assert.deepEqual(rejudgePlan(more, new Set(['scope']), 'HEAD moved to abc1234').run, ['clean', 'ci', 'qa', 'scope', 'risk']);
    });
    it('explains a stale gate with the change and the way out', () => {
      assert.match(staleReason('HEAD moved to abc1234'), /^Stale since HEAD moved to abc1234: .*Re-run/);
    });
  });

  describe('Coalescer', () => {
    it('turns a burst of requests into one run after the quiet period', async () => {
      let runs = 0;
      const c = new Coalescer(async () => void runs++, 30);
      for (let i = 0; i < 10; i++) c.request();
      assert.equal(runs, 0, 'nothing before the quiet period');
      await poll('one run', () => c.idle && runs > 0, { timeoutMs: 2000, intervalMs: 10 });
      await sleep(80);
      assert.equal(runs, 1);
    });

    it('never overlaps runs: a request during a run queues exactly one more', async () => {
      let active = 0;
      let most = 0;
      let runs = 0;
      let release!: () => void;
      const c = new Coalescer(async () => {
        runs++;
        active++;
        most = Math.max(most, active);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active--;
      }, 10);
      c.request();
      await poll('the first run started', () => runs === 1, { timeoutMs: 2000, intervalMs: 5 });
      c.request();
      c.request();
      await sleep(50);
      assert.equal(runs, 1, 'no second run while the first runs');
      release();
      await poll('the queued run', () => c.idle && runs === 2, { timeoutMs: 2000, intervalMs: 5 });
      await sleep(50);
      assert.equal(runs, 2);
      assert.equal(most, 1);
    });

    it('reports a failing run and keeps working; nothing runs after dispose', async () => {
      const errors: unknown[] = [];
      let runs = 0;
      const c = new Coalescer(async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      }, 10, (e) => errors.push(e));
      c.request();
      await poll('the failing run', () => errors.length === 1, { timeoutMs: 2000, intervalMs: 5 });
      c.request();
      await poll('the next run', () => runs === 2, { timeoutMs: 2000, intervalMs: 5 });
      c.request();
      c.dispose();
      await sleep(50);
      assert.equal(runs, 2);
    });
  });
});
