import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import '../../../src/core/config';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy } from '../../../src/core/deploy/plan';
import { environmentSchema } from '../../../src/core/deploy/schema';
import { UsageError } from '../../../src/core/errors';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { localDeploySlug } from '../../../src/node/commandDeployer';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import { adoptMovedJournals, adoptMovedJournalsOf } from '../../../src/node/movedJournals';
import { repositoryId, repositoryIdFile } from '../../../src/node/repositoryId';
import { TestRepo } from '../../helpers/testRepo';

const ROOT = resolve(__dirname, '../../..');

/** Runs `repositoryId` in a separate Node process (the real race is between processes). */
function idInProcess(gitCommonDir: string): Promise<string> {
  const code = `require(${JSON.stringify(join(ROOT, 'src/node/repositoryId.ts'))}).repositoryId(${JSON.stringify(gitCommonDir)}).then((id) => process.stdout.write(id), (e) => { process.stderr.write(String(e)); process.exit(1); });`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (c) => (c === 0 ? done(out) : fail(new Error(err))));
  });
}

describe('the repository id (keys the deploy journals of a repository without GitHub)', function () {
  this.timeout(60_000);
  after(() => TestRepo.cleanup());

  it('is made once, stored in the git common dir, and read back unchanged', async () => {
    const r = TestRepo.create('rm-repoid-');
    const dir = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    assert.equal(existsSync(repositoryIdFile(dir)), false);
    const id = await repositoryId(dir);
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(readFileSync(repositoryIdFile(dir), 'utf8').trim(), id);
    assert.equal(await repositoryId(dir), id);
  });

  it('is never overwritten: an id already stored is the one used', async () => {
    const r = TestRepo.create('rm-repoid-kept-');
    const dir = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    mkdirSync(join(dir, 'release-manager'), { recursive: true });
    writeFileSync(repositoryIdFile(dir), '0123456789abcdef\n');
    assert.equal(await repositoryId(dir), '0123456789abcdef');
    assert.equal(readFileSync(repositoryIdFile(dir), 'utf8'), '0123456789abcdef\n');
  });

  it('is the same for processes that make it at the same moment (the first one wins, the others read it)', async () => {
    const r = TestRepo.create('rm-repoid-race-');
    const dir = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    const ids = await Promise.all(Array.from({ length: 6 }, () => idInProcess(dir)));
    assert.equal(new Set(ids).size, 1, `ids: ${ids.join(', ')}`);
    assert.equal(readFileSync(repositoryIdFile(dir), 'utf8').trim(), ids[0]);
  });

  it('is shared by the worktrees of a repository (one git common dir: one journal per environment)', async () => {
    const r = TestRepo.create('rm-repoid-wt-');
    r.commit('feat: one');
    const wt = join(r.dir, '..', `${r.dir.split(/[\\/]/).pop()}-wt`);
    r.git('worktree', 'add', '-q', wt);
    try {
      const main = await LocalGitRepo.open(r.dir);
      const other = await LocalGitRepo.open(wt);
      assert.equal(await localDeploySlug(other), await localDeploySlug(main));
      assert.match(await localDeploySlug(main), /^local\/[0-9a-f]{16}$/);
    } finally {
      r.git('worktree', 'remove', '--force', wt);
    }
  });

  it('a damaged id file is an error naming it, never silently replaced', async () => {
    const r = TestRepo.create('rm-repoid-bad-');
    const dir = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    mkdirSync(join(dir, 'release-manager'), { recursive: true });
    writeFileSync(repositoryIdFile(dir), 'not an id');
    await assert.rejects(repositoryId(dir), (e: unknown) => e instanceof UsageError && e.message.includes(repositoryIdFile(dir)));
    assert.equal(readFileSync(repositoryIdFile(dir), 'utf8'), 'not an id');
  });
});

describe('deploy journals left under a folder name are adopted under the repository id', function () {
  this.timeout(30_000);
  after(() => TestRepo.cleanup());

  const env = environmentSchema().parse({ name: 'staging', provider: { kind: 'command', argv: ['deploy'] } });
  const release = { version: '1.0.0', sha: 'a'.repeat(40), ref: 'v1.0.0' };

  /** A journal as an earlier version (keyed by the folder's name) left it: running, step 1 sent by a process now gone. */
  async function legacy(store: FileDeployJournalStore, folder: string, id: string, state: 'running' | 'healthy' = 'running', updatedAt = '2026-12-01T10:00:00.000Z'): Promise<DeployJournal> {
    const d = startOperation(null, { repo: `local/${folder}`, id, session: 'cli:999999:ab@elsewhere', env, plan: planDeploy(env, release) }, new Date('2026-12-01T10:00:00Z'));
    assert.equal(d.kind, 'start');
    const j: DeployJournal = { ...d.journal, state, updatedAt, ...(state !== 'running' ? { finishedAt: updatedAt, outcome: 'deployed' } : {}) };
    assert.equal(await store.write(deployJournalKey(j.repo, 'staging'), j, null), 'written');
    return j;
  }

  async function fresh(): Promise<{ repo: LocalGitRepo; store: FileDeployJournalStore; slug: string }> {
    const r = TestRepo.create('rm-adopt-');
    const repo = await LocalGitRepo.open(r.dir);
    const store = new FileDeployJournalStore(repo.gitCommonDir);
    return { repo, store, slug: await localDeploySlug(repo) };
  }

  it('moves the operation under the current key once (same operation, same steps), and removes the old file', async () => {
    const { store, slug } = await fresh();
    const old = await legacy(store, 'invoicing', 'op-moved01');
    const adopted = await adoptMovedJournals(store, slug, 'staging');
    assert.equal(adopted.length, 1);
    const now = await store.read(deployJournalKey(slug, 'staging'));
    assert.ok(now);
    assert.equal(now.id, 'op-moved01');
    assert.equal(now.repo, slug);
    assert.deepEqual(now.steps, old.steps);
    assert.equal(now.state, 'running');
    assert.equal(await store.read(deployJournalKey('local/invoicing', 'staging')), null, 'the old file is gone');
    assert.deepEqual((await store.list()).map((j) => j.id), ['op-moved01']);
    assert.deepEqual(await adoptMovedJournals(store, slug, 'staging'), [], 'adopted once');
  });

  it('after an adoption that was interrupted (both files there), removes the old copy and keeps the current one', async () => {
    const { store, slug } = await fresh();
    const old = await legacy(store, 'invoicing', 'op-moved02');
    const current = { ...old, repo: slug, revision: old.revision + 5 };
    assert.equal(await store.write(deployJournalKey(slug, 'staging'), current, null), 'written');
    assert.deepEqual(await adoptMovedJournals(store, slug), []);
    assert.equal(await store.read(deployJournalKey('local/invoicing', 'staging')), null);
    assert.equal((await store.read(deployJournalKey(slug, 'staging')))?.revision, current.revision);
  });

  it('never replaces an operation already under the current key, and leaves another operation of an old key alone', async () => {
    const { store, slug } = await fresh();
    await legacy(store, 'invoicing', 'op-other01');
    const d = startOperation(null, { repo: slug, id: 'op-current1', session: 's', env, plan: planDeploy(env, release) }, new Date());
    assert.equal(d.kind, 'start');
    assert.equal(await store.write(deployJournalKey(slug, 'staging'), d.journal, null), 'written');
    assert.deepEqual(await adoptMovedJournals(store, slug), []);
    assert.equal((await store.read(deployJournalKey(slug, 'staging')))?.id, 'op-current1');
    assert.equal((await store.read(deployJournalKey('local/invoicing', 'staging')))?.id, 'op-other01');
  });

  it('of several old keys (worktrees named differently), adopts the operation still running over a newer finished one', async () => {
    const { store, slug } = await fresh();
    await legacy(store, 'app-main', 'op-running1', 'running', '2026-12-01T10:00:00.000Z');
    await legacy(store, 'app-wt', 'op-finished', 'healthy', '2026-12-02T10:00:00.000Z');
    const adopted = await adoptMovedJournals(store, slug);
    assert.deepEqual(adopted.map((j) => j.id), ['op-running1']);
    assert.equal((await store.read(deployJournalKey(slug, 'staging')))?.id, 'op-running1');
  });

  it('refuses to go on while the old journal stays locked (never an empty journal that would start the operation over)', async () => {
    const { store, slug } = await fresh();
    await legacy(store, 'invoicing', 'op-locked1');
    const lock = `${store.file(deployJournalKey('local/invoicing', 'staging'))}.lock`;
    writeFileSync(lock, '999999');
    await assert.rejects(adoptMovedJournals(store, slug, 'staging'), (e: unknown) => e instanceof UsageError && /stays locked/.test(e.message));
    assert.equal(await store.read(deployJournalKey(slug, 'staging')), null);
    rmSync(lock);
    assert.deepEqual((await adoptMovedJournals(store, slug, 'staging')).map((j) => j.id), ['op-locked1']);
  });

  it('adopts nothing for a repository deployed as its GitHub repository, and nothing without a local journal (no id is made)', async () => {
    const { store } = await fresh();
    await legacy(store, 'invoicing', 'op-gh00001');
    assert.deepEqual(await adoptMovedJournals(store, 'octo/app'), []);
    const r = TestRepo.create('rm-adopt-none-');
    const repo = await LocalGitRepo.open(r.dir);
    assert.equal(await adoptMovedJournalsOf(repo), null);
    assert.equal(existsSync(repositoryIdFile(repo.gitCommonDir)), false);
  });
});
