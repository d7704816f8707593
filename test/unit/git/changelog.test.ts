import assert from 'node:assert/strict';
import { buildChangelog, buildChangelogMarkdown } from '../../../src/core/changelog';
import { defaultConfig } from '../../../src/core/config';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { renderMarkdown } from '../../../src/core/render';
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

describe('changelog as markdown', () => {
  after(() => TestRepo.cleanup());

  /** The streamed markdown must be exactly the notes rendered one by one, with the newest release's warnings. */
  async function assertSameAsNotes(r: TestRepo, options: { to?: string; path?: string } = {}) {
    const repo = await LocalGitRepo.open(r.dir);
    const notes = await buildChangelog(repo, defaultConfig(), options);
    const md = await buildChangelogMarkdown(repo, defaultConfig(), options);
    assert.deepEqual(md, { releases: notes.map((n) => renderMarkdown(n, defaultConfig())), warnings: notes[0]?.warnings ?? [] });
    return md;
  }

  it('renders a linear history release by release, tags out of order, empty releases, prereleases and unreleased changes', async () => {
    const r = TestRepo.create();
    r.commit('feat: a', { author: { name: 'Ann', email: 'ann@x' } });
    r.tag('v2.0.0');
    r.commit('fix: b [skip changelog]');
    r.commit('feat: squash (#9)\n\n* feat: s1\n* fix: s2');
    r.tag('v1.5.0');
    r.tag('not-a-release');
    r.commit('feat: c', { author: { name: 'Cy', email: 'cy@x' } });
    r.tag('v3.0.0-rc.0');
    r.commit('fix!: d');
    r.tag('v3.0.0');
    r.commit('feat: e', { author: { name: 'Eve', email: 'eve@x' } });
    const md = await assertSameAsNotes(r);
    assert.equal(md.releases.length, 5);
    assert.match(md.warnings.join('\n'), /not-a-release/);
  });

  it('renders a history without tags, an empty one up to a tag, and a --to range', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.commit('fix: b');
    await assertSameAsNotes(r);
    r.tag('v1.0.0');
    await assertSameAsNotes(r);
    r.commit('docs: only docs');
    await assertSameAsNotes(r, { to: 'v1.0.0' });
    await assertSameAsNotes(r);
  });

  it('reads a history whole when a merge comes before any release is done, and settles the rest when it comes after', async () => {
    const early = TestRepo.create();
    early.commit('feat: a');
    early.tag('v1.0.0');
    early.checkout('topic', true);
    early.commit('feat: t');
    early.checkout('main');
    early.commit('fix: m');
    early.merge('topic', 'Merge pull request #3 from x/topic');
    early.commit('fix: top');
    await assertSameAsNotes(early);

    const late = TestRepo.create();
    late.commit('feat: a');
    late.tag('v1.0.0');
    late.checkout('topic', true);
    late.commit('feat: t');
    late.checkout('main');
    late.commit('fix: m');
    late.merge('topic', 'Merge pull request #3 from x/topic');
    late.tag('v1.1.0');
    late.commit('fix: after');
    late.tag('v1.1.1');
    late.commit('feat: top');
    await assertSameAsNotes(late);
  });

  it('settles releases below a late merge by walking: tags on merged branches, PRs of merges, a second root', async () => {
    const r = TestRepo.create();
    r.commit('feat: root a');
    r.tag('v0.1.0');
    r.checkout('topic', true);
    r.commit('feat: t1 on topic');
    r.tag('v0.2.0-beta.0');
    r.commit('fix: t2 on topic');
    r.checkout('main');
    r.commit('fix: m1');
    r.merge('topic', 'Merge pull request #7 from x/topic');
    r.tag('v0.2.0');
    r.git('checkout', '--orphan', 'other');
    r.commit('feat: other root', { author: { name: 'Olga', email: 'olga@x' } });
    r.checkout('main');
    r.git('merge', '--allow-unrelated-histories', '-m', 'Merge branch other', 'other');
    r.commit('fix: m2');
    r.tag('v0.2.1');
    r.commit('feat: linear 1');
    r.tag('v0.3.0');
    r.commit('fix: linear 2', { author: { name: 'Lin', email: 'lin@x' } });
    r.tag('v0.3.1');
    r.commit('feat: top');
    await assertSameAsNotes(r);
    await assertSameAsNotes(r, { to: 'v0.3.0' });
    await assertSameAsNotes(r, { to: 'topic' });
  });

  it('limits to --path like the notes do', async () => {
    const r = TestRepo.create();
    r.commit('feat: in pkg', { file: 'pkg/a.txt' });
    r.tag('v1.0.0');
    r.commit('fix: elsewhere', { file: 'other.txt' });
    r.commit('fix: in pkg too', { file: 'pkg/b.txt' });
    await assertSameAsNotes(r, { path: 'pkg' });
  });
});
