import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSchema } from '../../../src/core/deploy/schema';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy } from '../../../src/core/deploy/plan';
import { commitEvent, JournalConflictError } from '../../../src/core/deploy/run';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import { FileJournalStore } from '../../../src/node/journal';

const KEY = deployJournalKey('acme/app', 'staging');
const T0 = Date.parse('2026-06-01T08:00:00Z');

function fresh(): DeployJournal {
  const env = environmentSchema().parse({ name: 'staging', strategy: { kind: 'canary', steps: [{ weight: 10, pauseMs: 0 }] } });
  const plan = planDeploy(env, { version: '1.4.0', sha: 'a'.repeat(40), ref: 'v1.4.0' });
  const d = startOperation(null, { repo: 'acme/app', id: 'op-123456', session: 's1', env, plan }, new Date(T0));
  assert.equal(d.kind, 'start');
  return (d as { journal: DeployJournal }).journal;
}

describe('FileDeployJournalStore', () => {
  let dir: string;
  let store: FileDeployJournalStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-deploy-journal-'));
    store = new FileDeployJournalStore(dir, 200);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes next to the publish journal and reads back what it wrote', async () => {
    const j = fresh();
    assert.equal(store.dir, new FileJournalStore(dir).dir);
    assert.equal(await store.read(KEY), null);
    assert.equal(await store.write(KEY, j, null), 'written');
    assert.deepEqual(await store.read(KEY), j);
    assert.deepEqual(await store.list(), [j]);
    assert.deepEqual(await new FileJournalStore(dir).list(), [], 'the publish journal ignores deploy entries');
  });

  it('is a compare-and-swap on revision: a stale writer gets "conflict" and changes nothing', async () => {
    const j = fresh();
    assert.equal(await store.write(KEY, j, null), 'written');
    assert.equal(await store.write(KEY, j, null), 'conflict', 'create only when absent');
    const next = { ...j, revision: j.revision + 1, lastError: 'first' };
    assert.equal(await store.write(KEY, next, j.revision), 'written');
    assert.equal(await store.write(KEY, { ...j, revision: j.revision + 1, lastError: 'stale' }, j.revision), 'conflict');
    assert.equal((await store.read(KEY))?.lastError, 'first');
  });

  it('lets exactly one of many concurrent writers of the same revision win', async () => {
    const j = fresh();
    await store.write(KEY, j, null);
    const other = new FileDeployJournalStore(dir, 2_000);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).write(KEY, { ...j, revision: j.revision + 1, lastError: `w${i}` }, j.revision)));
    assert.equal(results.filter((r) => r === 'written').length, 1);
    const winner = results.indexOf('written');
    assert.equal((await store.read(KEY))?.lastError, `w${winner}`);
    assert.deepEqual(readdirSync(store.dir).filter((n) => !n.endsWith('.json')), [], 'no temporary or lock file left');
  });

  it('gives the core the typed conflict it expects when another window moved the journal on', async () => {
    const j = fresh();
    await store.write(KEY, j, null);
    const deps = { store, now: () => new Date(T0 + 1000) };
    const moved = await commitEvent(KEY, j, { type: 'promote' }, deps);
    assert.equal(moved.revision, j.revision + 1);
    await assert.rejects(commitEvent(KEY, j, { type: 'abort', reason: 'late' }, deps), JournalConflictError);
  });

  it('replaces the file in one rename, breaks a stale lock and reads a torn file as no entry', async () => {
    const j = fresh();
    await store.write(KEY, j, null);
    const file = store.file(KEY);
    const lock = `${file}.lock`;
    writeFileSync(lock, '999999');
    assert.equal(await store.write(KEY, { ...j, revision: j.revision + 1 }, j.revision), 'conflict', 'a live lock holder wins');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    assert.equal(await store.write(KEY, { ...j, revision: j.revision + 1 }, j.revision), 'written', 'a lock left by a crash is broken');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).revision, j.revision + 1);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    assert.equal(await store.read(KEY), null);
    assert.deepEqual(await store.list(), []);
  });
});
