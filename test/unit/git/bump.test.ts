import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { draftNotes } from '../../../src/core/draft';
import { GitError, UsageError } from '../../../src/core/errors';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { bumpCommitPush } from '../../../src/node/bump';
import { TestRepo } from '../../helpers/testRepo';

const made: string[] = [];

/** A repository with package.json at 1.0.0 (released as v1.0.0), a feature since, and a bare remote it pushes to. */
function fixture(): { repo: TestRepo; remote: string } {
  const repo = TestRepo.create();
  repo.write('package.json', '{\n  "name": "w",\n  "version": "1.0.0"\n}\n');
  repo.git('add', 'package.json');
  repo.commit('chore: init');
  repo.tag('v1.0.0');
  repo.commit('feat: thing');
  const remote = mkdtempSync(join(tmpdir(), 'rm-bump-remote-'));
  made.push(remote);
  execFileSync('git', ['init', '-q', '--bare', remote]);
  repo.git('remote', 'add', 'origin', remote);
  repo.git('push', '-q', 'origin', 'main');
  return { repo, remote };
}

describe('node/bump: bump version files, commit, push', () => {
  after(() => {
    TestRepo.cleanup();
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('commits only the version files as chore(release) and pushes the branch; the notes do not list it', async () => {
    const { repo, remote } = fixture();
    const before = repo.head();
    const config = parseConfig('{}');
    const result = await bumpCommitPush(await LocalGitRepo.open(repo.dir), config, '1.1.0', { remote: 'origin' });
    assert.equal(result.committed, true);
    assert.deepEqual(result.changed, ['package.json']);
    assert.equal(repo.git('log', '-1', '--format=%s'), 'chore(release): 1.1.0');
    assert.equal(repo.git('rev-parse', 'HEAD~1'), before);
    assert.deepEqual(repo.git('show', '--name-only', '--format=', 'HEAD').split('\n'), ['package.json']);
    assert.match(readFileSync(join(repo.dir, 'package.json'), 'utf8'), /"version": "1\.1\.0"/);
    assert.equal(execFileSync('git', ['rev-parse', 'refs/heads/main'], { cwd: remote, encoding: 'utf8' }).trim(), result.sha, 'pushed');
    const notes = await draftNotes(await LocalGitRepo.open(repo.dir), config);
    assert.deepEqual(notes.sections.flatMap((s) => s.entries.map((e) => e.subject)), ['thing']);
    assert.equal(notes.version.next, '1.1.0');

    const again = await bumpCommitPush(await LocalGitRepo.open(repo.dir), config, '1.1.0', { remote: 'origin' });
    assert.equal(again.committed, false, 'nothing committed twice');
    assert.equal(again.sha, result.sha);
  });

  it('refuses to mix in uncommitted changes of a version file, and changes nothing', async () => {
    const { repo } = fixture();
    repo.write('package.json', '{\n  "name": "w-edited",\n  "version": "1.0.0"\n}\n');
    const head = repo.head();
    await assert.rejects(bumpCommitPush(await LocalGitRepo.open(repo.dir), parseConfig('{}'), '1.1.0', { remote: 'origin' }), (e: unknown) => e instanceof UsageError && /Uncommitted changes in package\.json/.test(e.message));
    assert.equal(repo.head(), head);
    assert.match(readFileSync(join(repo.dir, 'package.json'), 'utf8'), /w-edited/);
  });

  it('a commit that fails loses nothing: the file and the index are restored', async () => {
    const { repo } = fixture();
    // Signing with a key nobody has (and the repository's hooks never run, so one cannot refuse it here).
    repo.git('config', 'commit.gpgSign', 'true');
    repo.git('config', 'user.signingKey', 'rm-no-such-key@example.invalid');
    const original = readFileSync(join(repo.dir, 'package.json'), 'utf8');
    await assert.rejects(bumpCommitPush(await LocalGitRepo.open(repo.dir), parseConfig('{}'), '1.1.0', { remote: 'origin' }), (e: unknown) => e instanceof GitError && /not committed/.test(e.message));
    assert.equal(readFileSync(join(repo.dir, 'package.json'), 'utf8'), original);
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  it('a push that fails says the commit is local and how to finish; running again does not commit twice', async () => {
    const { repo } = fixture();
    repo.git('remote', 'set-url', 'origin', join(tmpdir(), 'rm-no-such-remote.git'));
    await assert.rejects(bumpCommitPush(await LocalGitRepo.open(repo.dir), parseConfig('{}'), '1.1.0', { remote: 'origin' }), (e: unknown) => e instanceof GitError && /committed locally/.test(e.message) && /publish again/.test(e.fix));
    const sha = repo.head();
    await assert.rejects(bumpCommitPush(await LocalGitRepo.open(repo.dir), parseConfig('{}'), '1.1.0', { remote: 'origin' }), /could not be pushed/);
    assert.equal(repo.head(), sha, 'no second commit');
  });

  it('uses the files of the versionBumped gate, and refuses a detached HEAD', async () => {
    const { repo } = fixture();
    repo.write('VERSION', 'v1.0.0\n');
    repo.git('add', 'VERSION');
    repo.commit('chore: version file', { files: [] as string[] });
    const config = parseConfig(JSON.stringify({ gates: [{ id: 'v', kind: 'versionBumped', files: [{ path: 'package.json', jsonPath: 'version' }, { path: 'VERSION', regex: '^v(.+)$' }] }] }));
    const result = await bumpCommitPush(await LocalGitRepo.open(repo.dir), config, '1.1.0', { remote: 'origin' });
    assert.deepEqual(result.changed, ['package.json', 'VERSION']);
    assert.equal(readFileSync(join(repo.dir, 'VERSION'), 'utf8'), 'v1.1.0\n');
    repo.git('checkout', '-q', '--detach');
    await assert.rejects(bumpCommitPush(await LocalGitRepo.open(repo.dir), config, '1.2.0', { remote: 'origin' }), /HEAD is detached/);
  });
});
