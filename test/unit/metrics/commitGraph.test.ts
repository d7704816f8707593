import { strict as assert } from 'node:assert';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

// The one `git rev-list` walk of the metrics, on a real repository: parents (merges included),
// committer times, tips missing from the clone skipped, not fatal.

describe('metrics: the commit graph walk', () => {
  after(() => TestRepo.cleanup());

  it('reads every commit reachable from the tips with its parents and committer time; unknown tips are skipped', async () => {
    const r = TestRepo.create('rm-metrics-graph-');
    const base = r.commit('feat: base');
    r.checkout('topic', true);
    const side = r.commit('feat: side');
    r.checkout('main');
    const main = r.commit('fix: main');
    const merge = r.merge('topic', 'Merge topic');
    r.gitWith({ GIT_COMMITTER_DATE: '1800000000 +0000' }, 'commit', '-q', '--allow-empty', '-m', 'chore: later');
    const later = r.head();
    const repo = await LocalGitRepo.open(r.dir);
    const graph = await repo.commitGraph([merge, 'f'.repeat(40), 'not-a-sha']);
    assert.equal(graph.size, 4);
    assert.ok(!graph.has(later) && !graph.has('f'.repeat(40)));
    const parents = (sha: string) => {
      const out: string[] = [];
      graph.forEachParent(graph.idOf(sha), (p) => out.push(graph.shaOf(p)));
      return out;
    };
    assert.deepEqual(parents(merge), [main, side]);
    assert.deepEqual(parents(side), [base]);
    assert.deepEqual(parents(base), []);
    const time = Number(r.git('show', '-s', '--format=%ct', main));
    assert.equal(graph.timeOf(graph.idOf(main)), time);
    const all = await repo.commitGraph([later]);
    assert.equal(all.timeOf(all.idOf(later)), 1_800_000_000);
    assert.equal((await repo.commitGraph([])).size, 0);
  });
});
