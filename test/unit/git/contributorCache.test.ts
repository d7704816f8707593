import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { draftNotes } from '../../../src/core/draft';
import { defaultConfig } from '../../../src/core/config';
import { contributorCacheFile } from '../../../src/git/contributorCache';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { ALICE, BOB, CAROL, TestRepo } from '../../helpers/testRepo';

const DANA = { name: 'Dana New', email: 'dana@example.com' };
const firstTimers = async (r: TestRepo) => (await draftNotes(await LocalGitRepo.open(r.dir), defaultConfig())).firstTimeContributors.map((c) => c.email);
const cacheOf = (r: TestRepo, ref: string) => contributorCacheFile(join(r.dir, '.git'), r.head(ref))!;

/** A release by Alice and Carol (as co-author), then unreleased work by a newcomer and Bob (known). */
function repo(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: a', { author: ALICE });
  r.commit('fix: b\n\nCo-authored-by: Carol Poe <carol@example.com>', { author: ALICE });
  r.commit('fix: c', { author: BOB });
  r.tag('v1.0.0');
  r.commit('feat: new', { author: DANA });
  r.commit('fix: known', { author: BOB });
  return r;
}

describe('first-time contributors: the per-release cache in the git directory', () => {
  after(() => TestRepo.cleanup());

  it('walks the history once per release: the walk that found someone new is cached by the release commit, and reused', async () => {
    const r = repo();
    const file = cacheOf(r, 'v1.0.0');
    assert.equal(existsSync(file), false);
    assert.deepEqual(await firstTimers(r), [DANA.email]);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { commit: string; emails: string[] };
    assert.equal(cached.commit, r.head('v1.0.0'));
    assert.deepEqual(cached.emails, [ALICE.email, BOB.email, CAROL.email]);
    // The cache answers the next call: what it says is what counts (proof it is read, not walked again).
    writeFileSync(file, JSON.stringify({ ...cached, emails: [...cached.emails, DANA.email] }));
    assert.deepEqual(await firstTimers(r), []);
  });

  it('ignores a corrupt or foreign cache file and writes it again', async () => {
    const r = repo();
    const file = cacheOf(r, 'v1.0.0');
    await firstTimers(r);
    for (const bad of ['{not json', JSON.stringify({ kind: 'something-else', version: 1, commit: r.head('v1.0.0'), emails: [DANA.email] }), JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), commit: 'f'.repeat(40), emails: [DANA.email] }), JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), emails: [DANA.email, 7] })]) {
      writeFileSync(file, bad);
      assert.deepEqual(await firstTimers(r), [DANA.email], bad);
      assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as { emails: string[] }).emails, [ALICE.email, BOB.email, CAROL.email]);
    }
  });

  it('keys the cache by the release commit: a retagged release is a new key, and a changed .mailmap is not reused', async () => {
    const r = repo();
    await firstTimers(r);
    const before = cacheOf(r, 'v1.0.0');
    // Retag v1.0.0 on a rewritten history in which Dana already contributed.
    r.git('checkout', '-q', '-b', 'rewrite', 'v1.0.0~1');
    r.commit('fix: c again', { author: DANA });
    r.git('tag', '-f', 'v1.0.0');
    r.commit('feat: more', { author: DANA });
    const after = cacheOf(r, 'v1.0.0');
    assert.notEqual(after, before);
    assert.deepEqual(await firstTimers(r), []);
    // A .mailmap maps emails (%aE): the cache written without it is not reused with it.
    r.git('checkout', '-q', 'main');
    r.git('tag', '-f', 'v1.0.0', 'main~2');
    writeFileSync(join(r.dir, '.mailmap'), `Dana New <alice@example.com> <dana@example.com>\n`);
    assert.deepEqual(await firstTimers(r), []);
  });

  it('writes no cache when everyone asked about was found early (the walk stopped)', async () => {
    const r = repo();
    r.git('reset', '-q', '--hard', 'HEAD~2');
    r.commit('fix: known', { author: BOB });
    assert.deepEqual(await firstTimers(r), []);
    assert.equal(existsSync(cacheOf(r, 'v1.0.0')), false);
  });
});
