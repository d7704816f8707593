import assert from 'node:assert/strict';
import { existsSync, rmSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readWorkingTree, parseStatus } from '../../../src/git/workingTree';
import { TestRepo } from '../../helpers/testRepo';

describe('git working tree adapter', () => {
  after(() => TestRepo.cleanup());

  it("never runs the repository's clean filters when the repository is not trusted (but does when it is)", async () => {
    const r = TestRepo.create();
    r.write('.gitattributes', '* filter=evil\n');
    r.write('a.txt', 'hello\n');
    r.git('add', '.gitattributes', 'a.txt');
    r.git('commit', '-q', '-m', 'chore: base');
    const marker = join(r.dir, '..', `${basename(r.dir)}-filter-ran`);
    r.git('config', 'filter.evil.clean', `sh -c 'touch "${marker}"; cat'`);
    const racy = () => utimesSync(join(r.dir, 'a.txt'), new Date(), new Date(Date.now() + 5000)); // stat changed: git re-hashes the file
    racy();
    await readWorkingTree(r.dir, { untrusted: true });
    assert.equal(existsSync(marker), false, 'no program from .git/config ran');
    racy();
    await readWorkingTree(r.dir, { untrusted: false });
    assert.equal(existsSync(marker), true, 'the test would notice a filter run');
    rmSync(marker, { force: true });
  });

  it('parses porcelain v2 branch headers and entries, renames and paths with spaces included', () => {
    const z = [
      '# branch.oid 1111111111111111111111111111111111111111',
      '# branch.head release/1.x',
      '# branch.upstream origin/release/1.x',
      '# branch.ab +2 -3',
      '1 M. N... 100644 100644 100644 aaaa bbbb staged file.txt',
      '1 .M N... 100644 100644 100644 aaaa aaaa modified.txt',
      '1 MM N... 100644 100644 100644 aaaa bbbb both.txt',
      '2 R. N... 100644 100644 100644 aaaa aaaa R100 new name.txt',
      'old name.txt',
      'u UU N... 100644 100644 100644 100644 aaaa bbbb cccc conflict.txt',
      '? untracked dir/',
      '! ignored.log',
      '',
    ].join('\u0000');
    const s = parseStatus(z);
    assert.equal(s.branch, 'release/1.x');
    assert.equal(s.head, '1'.repeat(40));
    assert.equal(s.upstream, 'origin/release/1.x');
    assert.deepEqual([s.ahead, s.behind, s.upstreamGone], [2, 3, false]);
    assert.deepEqual([s.staged, s.modified, s.conflicted, s.untracked], [3, 2, 1, 1]);
    assert.deepEqual(s.samples.staged, ['staged file.txt', 'both.txt', 'new name.txt']);
    assert.deepEqual(s.samples.untracked, ['untracked dir/']);
    assert.deepEqual(s.samples.conflicted, ['conflict.txt']);
  });

  it('parses a detached HEAD, an unborn branch and a gone upstream', () => {
    const detached = parseStatus('# branch.oid 2222222222222222222222222222222222222222\u0000# branch.head (detached)\u0000');
    assert.deepEqual([detached.branch, detached.detached, detached.upstream], [null, true, null]);
    const unborn = parseStatus('# branch.oid (initial)\u0000# branch.head main\u0000');
    assert.deepEqual([unborn.head, unborn.branch], [null, 'main']);
    const gone = parseStatus('# branch.oid 3333333333333333333333333333333333333333\u0000# branch.head main\u0000# branch.upstream origin/main\u0000');
    assert.deepEqual([gone.upstreamGone, gone.ahead, gone.behind], [true, null, null]);
  });

  it('does not count changes to the decision log (the tool writes it), but counts every other change', async () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    r.write('docs/decisions.md', '# Decisions\n');
    const untracked = await readWorkingTree(r.dir, { notCounted: ['docs/decisions.md'] });
    assert.deepEqual([untracked.untracked, untracked.notCounted], [0, ['docs/decisions.md']]);
    assert.equal((await readWorkingTree(r.dir)).untracked, 1, 'counted when not excluded');
    r.git('add', 'docs/decisions.md');
    r.git('commit', '-q', '-m', 'docs: decisions');
    r.write('docs/decisions.md', '# Decisions\n\nentry\n');
    r.write('other.md', 'x\n');
    const modified = await readWorkingTree(r.dir, { notCounted: ['./docs/decisions.md'] });
    assert.deepEqual([modified.modified, modified.untracked, modified.notCounted, modified.samples.untracked], [0, 1, ['docs/decisions.md'], ['other.md']]);
    r.write('docs/more.md', 'y\n');
    const sibling = await readWorkingTree(r.dir, { notCounted: ['docs/decisions.md'] });
    assert.deepEqual([sibling.modified, sibling.untracked, sibling.samples.untracked], [0, 2, ['docs/more.md', 'other.md']]);
  });

  it('reads a real repository without touching it (no optional locks, nothing deleted)', async () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    r.write('new.txt', 'x\n');
    const before = r.git('status', '--porcelain');
    const s = await readWorkingTree(r.dir);
    assert.deepEqual([s.branch, s.untracked, s.inProgress, s.indexLock], ['main', 1, [], null]);
    assert.equal(r.git('status', '--porcelain'), before);
  });

  it('names a cherry-pick and a bisect in progress', async () => {
    const r = TestRepo.create();
    r.commit('feat: base', { file: 'a.txt' });
    r.checkout('topic', true);
    const pick = r.commit('fix: topic', { file: 'a.txt' });
    r.checkout('main');
    r.commit('fix: main', { file: 'a.txt' });
    assert.throws(() => r.git('cherry-pick', pick));
    assert.deepEqual((await readWorkingTree(r.dir)).inProgress, ['cherry-pick']);
    r.git('cherry-pick', '--abort');
    r.git('bisect', 'start');
    assert.deepEqual((await readWorkingTree(r.dir)).inProgress, ['bisect']);
  });
});
