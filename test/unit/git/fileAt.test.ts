import assert from 'node:assert/strict';
import { GitError } from '../../../src/core/errors';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

// LocalGitRepo.fileAt: a file as committed (what the gates of a deploy read at the release's commit).

describe('LocalGitRepo.fileAt', () => {
  let test: TestRepo;
  let repo: LocalGitRepo;
  let first: string;

  before(async () => {
    test = TestRepo.create('rm-file-at-');
    test.write('VERSION', '1.0.0\n');
    test.write('docs/CHANGELOG.md', '## 1.0.0\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'feat: one');
    first = test.head();
    test.write('VERSION', '2.0.0-dev\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'chore: next');
    test.write('VERSION', 'uncommitted\n');
    repo = await LocalGitRepo.open(test.dir);
  });

  after(() => TestRepo.cleanup());

  it('reads the text committed at a commit, not the working tree or a later commit', async () => {
    assert.equal(await repo.fileAt(first, 'VERSION'), '1.0.0\n');
    assert.equal(await repo.fileAt(test.head(), './VERSION'), '2.0.0-dev\n');
    assert.equal(await repo.fileAt(first, 'docs/CHANGELOG.md'), '## 1.0.0\n');
  });

  it('is null for a path the commit does not have, or a folder', async () => {
    assert.equal(await repo.fileAt(first, 'nope.txt'), null);
    assert.equal(await repo.fileAt(first, 'docs'), null);
  });

  it('refuses paths outside the repository, a non-hash commit, and files over the limit', async () => {
    for (const bad of ['../etc/passwd', '/etc/passwd', 'docs/../../x', 'C:/x']) await assert.rejects(repo.fileAt(first, bad), GitError, bad);
    await assert.rejects(repo.fileAt('HEAD', 'VERSION'), /Not a commit hash/);
    await assert.rejects(repo.fileAt(first, 'VERSION', 3), /too large to check \(6 bytes, limit 3\)/);
  });
});
