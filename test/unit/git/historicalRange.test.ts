import assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { draftNotes } from '../../../src/core/draft';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

describe('an explicit --from older than a release in the history', () => {
  after(() => TestRepo.cleanup());

  function mainLine(): TestRepo {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v0.9.0');
    r.commit('feat!: b');
    r.tag('v1.0.0');
    r.commit('feat!: c');
    r.tag('v2.0.0');
    r.commit('fix: d');
    return r;
  }

  it('is a historical range, not a hotfix of a branch behind a newer release', async () => {
    const repo = await LocalGitRepo.open(mainLine().dir);
    const notes = await draftNotes(repo, defaultConfig(), { from: 'v0.9.0' });
    assert.equal(notes.version.hotfix, false);
    assert.equal(notes.version.current, '0.9.0');
    assert.equal(notes.version.bump, 'minor');
    assert.ok(!notes.version.reasons.some((r) => /hotfix/.test(r.why)));
    assert.ok(notes.warnings.some((w) => /historical range/.test(w) && /v2\.0\.0/.test(w)), notes.warnings.join('\n'));
  });

  it('still makes a branch that really is behind a newer release a hotfix', async () => {
    const r = mainLine();
    r.checkout('maint', true);
    r.git('reset', '--hard', 'v1.0.0');
    r.commit('feat: e');
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), defaultConfig(), {});
    assert.equal(notes.version.hotfix, true);
    assert.equal(notes.version.next, '1.0.1');
  });
});
