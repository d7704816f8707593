import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLease, leaseHolder, tryLease, type LeaseHolder } from '../../../src/node/driverLease';

// The driver lease of an environment (src/node/driverLease.ts): one drive at a time, on real files.

describe('driver lease', function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-lease-'));
    file = join(dir, 'journal', 'deploy_x.json.driver');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const other = (over: Partial<LeaseHolder>): LeaseHolder => ({ pid: process.pid, host: hostname(), session: 'cli:1:ab@h', operation: 'op-other', token: 'feedbeef', since: new Date().toISOString(), ...over });

  it('is held by one drive at a time, also within one process, and only its holder releases it', async () => {
    const a = await tryLease(file, { session: 's1', operation: 'op-aaaaaa' });
    assert.equal(a.kind, 'held');
    const b = await tryLease(file, { session: 's1', operation: 'op-bbbbbb' });
    assert.equal(b.kind, 'busy');
    assert.equal(b.kind === 'busy' ? b.holder?.operation : '', 'op-aaaaaa');
    assert.equal((await leaseHolder(file))?.operation, 'op-aaaaaa');
    if (a.kind === 'held') await a.lease.release();
    assert.equal(existsSync(file), false);
    const c = await tryLease(file, { session: 's2', operation: 'op-cccccc' });
    assert.equal(c.kind, 'held');
    if (a.kind === 'held') await a.lease.release(); // a second release of an old lease changes nothing
    assert.equal((await leaseHolder(file))?.operation, 'op-cccccc');
    if (c.kind === 'held') await c.lease.release();
  });

  it('takes over a lease whose process is gone (same machine), or which this process left behind; waits for one held on another machine', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const made = await tryLease(file, { session: 's0', operation: 'op-first0' });
    if (made.kind === 'held') await made.lease.release();
    writeFileSync(file, JSON.stringify(other({ pid: gone })));
    assert.equal(await leaseHolder(file), null);
    const taken = await tryLease(file, { session: 's1', operation: 'op-taker1' });
    assert.equal(taken.kind, 'held');
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as LeaseHolder).operation, 'op-taker1');
    if (taken.kind === 'held') await taken.lease.release();
    // This pid, but a token no drive of this process holds: left behind.
    writeFileSync(file, JSON.stringify(other({})));
    assert.equal((await tryLease(file, { session: 's1', operation: 'op-taker2' })).kind, 'held');
    rmSync(file);
    writeFileSync(file, JSON.stringify(other({ host: 'elsewhere.example', pid: gone })));
    const waits: Array<LeaseHolder | null> = [];
    const r = await acquireLease(file, { session: 's1', operation: 'op-taker3' }, { waitMs: 300, pollMs: 50, onWait: (h) => waits.push(h) });
    assert.equal(r.kind, 'busy');
    assert.deepEqual(waits.map((h) => h?.host), ['elsewhere.example'], 'told once who it waits for');
  });

  it('waits for the holder to let go, then takes it', async () => {
    const first = await tryLease(file, { session: 's1', operation: 'op-first1' });
    assert.ok(first.kind === 'held');
    setTimeout(() => void first.lease.release(), 300);
    const second = await acquireLease(file, { session: 's2', operation: 'op-second' }, { waitMs: 10_000, pollMs: 50 });
    assert.equal(second.kind, 'held');
    if (second.kind === 'held') await second.lease.release();
  });
});
