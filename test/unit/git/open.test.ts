import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../../../src/core/errors';
import { LocalGitRepo } from '../../../src/git/gitRepo';

describe('opening a repository that is not a working tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rm-open-'));

  it('names a bare repository, not git\'s raw words', async () => {
    execFileSync('git', ['init', '-q', '--bare', join(dir, 'bare.git')]);
    await assert.rejects(LocalGitRepo.open(join(dir, 'bare.git')), (e: unknown) => e instanceof GitError && e.code === 'not-a-repo' && /bare repository/.test(e.message) && !/fatal/.test(e.message));
  });

  it('names a file given as the folder', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    await assert.rejects(LocalGitRepo.open(join(dir, 'afile')), (e: unknown) => e instanceof GitError && e.code === 'not-a-repo' && /is a file, not a folder/.test(e.message));
  });
});
