import assert from 'node:assert/strict';
import { buildChangelog, buildChangelogMarkdown } from '../../../src/core/changelog';
import { defaultConfig } from '../../../src/core/config';
import { draftNotes } from '../../../src/core/draft';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

/** v1.0.0, a feature released as v1.1.0-rc.0, then a fix: the next version is 1.1.0 everywhere. */
function afterPrerelease(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: a');
  r.tag('v1.0.0');
  r.commit('feat: b');
  r.tag('v1.1.0-rc.0');
  r.commit('fix: c');
  return r;
}

describe('the unreleased version after a prerelease', () => {
  after(() => TestRepo.cleanup());

  it('is the one notes and version give, in the JSON changelog and the markdown one', async () => {
    const repo = await LocalGitRepo.open(afterPrerelease().dir);
    const config = defaultConfig();
    const notes = await draftNotes(repo, config, {});
    assert.equal(notes.version.next, '1.1.0');
    const json = await buildChangelog(repo, config);
    assert.equal(json[0]!.range.to, 'HEAD');
    assert.equal(json[0]!.version.next, '1.1.0');
    assert.ok(json[0]!.version.reasons.some((r) => /feat: b/.test(r.why)), 'the prerelease feature decides it');
    // The section still lists only what came after the prerelease.
    assert.deepEqual(json[0]!.sections.flatMap((s) => s.entries.map((e) => e.subject)), ['c']);
    const md = await buildChangelogMarkdown(repo, config);
    assert.match(md.releases[0]!, /^## 1\.1\.0 \(unreleased\)/);
  });

  it('ignores prereleases below the last stable release', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0-rc.0');
    r.commit('feat: b');
    r.tag('v1.0.0');
    r.commit('fix: c');
    const repo = await LocalGitRepo.open(r.dir);
    assert.equal((await buildChangelog(repo, defaultConfig()))[0]!.version.next, '1.0.1');
    assert.match((await buildChangelogMarkdown(repo, defaultConfig())).releases[0]!, /^## 1\.0\.1 \(unreleased\)/);
  });
});
