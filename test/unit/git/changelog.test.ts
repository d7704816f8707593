import assert from 'node:assert/strict';
import { buildChangelog } from '../../../src/core/changelog';
import { defaultConfig } from '../../../src/core/config';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

const changelog = async (r: TestRepo) => buildChangelog(await LocalGitRepo.open(r.dir), defaultConfig());
const owners = (releases: Awaited<ReturnType<typeof changelog>>) =>
  Object.fromEntries(releases.map((n) => [n.range.to, n.sections.flatMap((s) => s.entries.map((e) => e.subject)).sort()]));

describe('changelog partitions', () => {
  after(() => TestRepo.cleanup());

  it('gives each commit of a linear history to the lowest release whose tag reaches it, even with tags out of order', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v2.0.0');
    r.commit('feat: b');
    r.tag('v1.5.0'); // a lower version above a higher one: 1.5.0 reaches a and b
    r.commit('feat: c');
    r.tag('v3.0.0');
    r.commit('feat: d');
    assert.deepEqual(owners(await changelog(r)), { HEAD: ['d'], 'v3.0.0': ['c'], 'v1.5.0': ['a', 'b'], 'v2.0.0': [] });
  });

  it('keeps skipped commits, squash entries and reverts of a linear history in their release', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.commit('chore(release): 1.0.0');
    r.tag('v1.0.0');
    r.commit('feat: squashed (#4)\n\n* feat: s1\n* fix: s2');
    const reverted = r.commit('fix: oops');
    r.commit(`revert: oops\n\nThis reverts commit ${reverted}.`);
    r.commit('docs: d [skip changelog]');
    r.tag('v1.1.0');
    r.commit('fix: after');
    assert.deepEqual(owners(await changelog(r)), { HEAD: ['after'], 'v1.1.0': ['s1', 's2'], 'v1.0.0': ['a'] });
  });

  it('partitions a history with merges and a second root', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    r.git('checkout', '--orphan', 'other');
    r.commit('feat: o');
    r.checkout('main');
    r.git('merge', '--allow-unrelated-histories', '-m', 'Merge branch other', 'other');
    r.commit('fix: b');
    r.tag('v1.1.0');
    assert.deepEqual(owners(await changelog(r)), { 'v1.1.0': ['b', 'o'], 'v1.0.0': ['a'] });
  });

  it('partitions a history with merges the same way', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    r.checkout('topic', true);
    r.commit('feat: t');
    r.checkout('main');
    r.commit('fix: m');
    r.merge('topic', 'Merge pull request #3 from x/topic');
    r.tag('v1.1.0');
    r.commit('fix: after');
    assert.deepEqual(owners(await changelog(r)), { HEAD: ['after'], 'v1.1.0': ['m', 't'], 'v1.0.0': ['a'] });
  });
});
