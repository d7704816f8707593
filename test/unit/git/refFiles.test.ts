// HEAD and the tags read from git's files (src/git/refFiles.ts) against git's own answers, on real repositories in
// each layout a user meets: loose and packed refs, annotated and lightweight tags, a tag of a tag, a detached HEAD,
// an unborn branch, a linked worktree, a branch packed and then moved (loose wins), and the layouts the files do not
// answer (a loose tag, reftable, a symbolic ref chain), where LocalGitRepo must still give git's answer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { hasReplaceRefs, headFromFiles, tagsFromFiles } from '../../../src/git/refFiles';
import { TestRepo } from '../../helpers/testRepo';

/** What git says HEAD is, in the adapter's terms. */
function gitHead(dir: string): { hash: string | null; branch: string | null; detached: boolean } {
  try {
    const [hash, full] = execFileSync('git', ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    const branch = full?.startsWith('refs/heads/') ? full.slice('refs/heads/'.length) : null;
    return { hash: hash ?? null, branch, detached: branch === null };
  } catch {
    return { hash: null, branch: null, detached: false };
  }
}

/** What git says the tags are: name → peeled commit (show-ref -d, the peeled line wins), in git's order. */
function gitTags(dir: string): { name: string; commit: string }[] {
  let out = '';
  try {
    out = execFileSync('git', ['show-ref', '--tags', '-d'], { cwd: dir, encoding: 'utf8' });
  } catch {
    return []; // no tags: exit 1
  }
  const map = new Map<string, string>();
  for (const line of out.trim().split('\n')) {
    const [hash, ref] = line.split(' ') as [string, string];
    const peeled = ref.endsWith('^{}');
    const name = ref.slice('refs/tags/'.length, peeled ? -3 : undefined);
    if (peeled || !map.has(name)) map.set(name, hash);
  }
  return [...map].map(([name, commit]) => ({ name, commit }));
}

function dirs(dir: string): { gitDir: string; commonDir: string } {
  const [gitDir, common] = execFileSync('git', ['rev-parse', '--absolute-git-dir', '--git-common-dir'], { cwd: dir, encoding: 'utf8' }).trim().split('\n') as [string, string];
  return { gitDir, commonDir: resolve(dir, common) };
}

/** Checks the file reads (when they answer) and the adapter (always) against git. */
async function agree(dir: string, expect: { headFromFiles: boolean; tagsFromFiles: boolean }): Promise<void> {
  const { gitDir, commonDir } = dirs(dir);
  const head = headFromFiles(gitDir, commonDir);
  assert.equal(head !== null, expect.headFromFiles, `HEAD ${expect.headFromFiles ? 'is' : 'is not'} read from the files`);
  if (head) assert.deepEqual(head, gitHead(dir));
  const tags = tagsFromFiles(commonDir);
  assert.equal(tags !== null, expect.tagsFromFiles, `the tags ${expect.tagsFromFiles ? 'are' : 'are not'} read from the files`);
  if (tags) assert.deepEqual(tags.map((t) => ({ name: t.name, commit: t.commit })), gitTags(dir));
  const repo = await LocalGitRepo.open(dir);
  assert.deepEqual(await repo.head(), gitHead(dir), 'the adapter gives git\'s HEAD');
  assert.deepEqual((await repo.tags()).map((t) => ({ name: t.name, commit: t.commit })), gitTags(dir), 'the adapter gives git\'s tags');
}

describe('HEAD and tags read from git\'s files', () => {
  const made: string[] = [];
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  function repoWithTags(): TestRepo {
    const repo = TestRepo.create();
    made.push(repo.dir);
    repo.commit('feat: one');
    repo.tag('v1.0.0'); // lightweight
    repo.commit('fix: two');
    repo.tag('v1.0.1', { message: 'annotated' });
    repo.commit('feat: three');
    repo.tag('v1.1.0', { message: 'annotated' });
    repo.git('tag', '-a', '-m', 'a tag of a tag', 'nested', 'v1.1.0'); // peels to the commit through two tag objects
    repo.git('tag', 'b/with/slashes', 'HEAD~1');
    return repo;
  }

  it('reads HEAD from a loose branch, and gives git the tags while some are loose (an annotated loose tag needs its object)', async () => {
    const repo = repoWithTags();
    await agree(repo.dir, { headFromFiles: true, tagsFromFiles: false });
  });

  it('reads both from packed-refs after git pack-refs --all (peeled values, nested tag, slashes), in git\'s order', async () => {
    const repo = repoWithTags();
    repo.git('pack-refs', '--all');
    await agree(repo.dir, { headFromFiles: true, tagsFromFiles: true });
    // A new commit moves the branch: its loose file wins over the packed line.
    repo.commit('fix: four');
    await agree(repo.dir, { headFromFiles: true, tagsFromFiles: true });
  });

  it('reads a detached HEAD', async () => {
    const repo = repoWithTags();
    repo.git('pack-refs', '--all');
    repo.git('checkout', '-q', '--detach', 'v1.0.1');
    await agree(repo.dir, { headFromFiles: true, tagsFromFiles: true });
  });

  it('reads an unborn branch as no commit and no branch, as the adapter always did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rm-reffiles-'));
    made.push(dir);
    execFileSync('git', ['init', '-q', '-b', 'main', dir]);
    const { gitDir, commonDir } = dirs(dir);
    assert.deepEqual(headFromFiles(gitDir, commonDir), { hash: null, branch: null, detached: false });
    assert.deepEqual(tagsFromFiles(commonDir), []);
  });

  it('reads HEAD of a linked worktree from its own git dir and its branch from the common one', async () => {
    const repo = repoWithTags();
    repo.git('pack-refs', '--all');
    const wt = mkdtempSync(join(tmpdir(), 'rm-reffiles-wt-'));
    made.push(wt);
    rmSync(wt, { recursive: true });
    repo.git('worktree', 'add', '-q', '-b', 'side', wt, 'v1.0.1');
    await agree(wt, { headFromFiles: true, tagsFromFiles: true });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'fix: in the worktree'], { cwd: wt });
    await agree(wt, { headFromFiles: true, tagsFromFiles: true });
    await agree(repo.dir, { headFromFiles: true, tagsFromFiles: true });
  });

  it('leaves a symbolic ref chain and an odd HEAD to git', async () => {
    const repo = repoWithTags();
    repo.git('symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    repo.git('symbolic-ref', 'HEAD', 'refs/heads/alias');
    await agree(repo.dir, { headFromFiles: false, tagsFromFiles: false });
    const { gitDir, commonDir } = dirs(repo.dir);
    writeFileSync(join(gitDir, 'HEAD'), 'ref: refs/heads/../../config\n');
    assert.equal(headFromFiles(gitDir, commonDir), null, 'a ref name that leaves refs/ is not followed');
  });

  it('leaves a reftable repository to git (a reftable/ folder in the common git dir)', async () => {
    // Debian's git 2.39 cannot make one (reftable came in 2.45): the folder is what the files check looks at.
    const repo = repoWithTags();
    repo.git('pack-refs', '--all');
    const { gitDir, commonDir } = dirs(repo.dir);
    assert.ok(headFromFiles(gitDir, commonDir) && tagsFromFiles(commonDir), 'read from the files before');
    mkdirSync(join(commonDir, 'reftable'));
    assert.equal(headFromFiles(gitDir, commonDir), null);
    assert.equal(tagsFromFiles(commonDir), null);
    assert.equal(hasReplaceRefs(commonDir), null);
  });

  it('tells replace refs, loose or packed, as `git replace -l` lists them', () => {
    const r = TestRepo.create();
    const first = r.commit('feat: one');
    r.commit('fix: two');
    const common = join(r.dir, '.git');
    const listed = () => r.git('replace', '-l') !== '';
    assert.equal(hasReplaceRefs(common), false);
    r.git('replace', first, r.git('commit-tree', `${first}^{tree}`, '-m', 'feat: replaced'));
    assert.equal(hasReplaceRefs(common), listed());
    r.git('pack-refs', '--all');
    assert.equal(hasReplaceRefs(common), true, 'packed');
    r.git('replace', '-d', first);
    assert.equal(hasReplaceRefs(common), listed());
    assert.equal(listed(), false);
  });
});
