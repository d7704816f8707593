import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../../helpers/poll';
import { unleashRequired } from '../../helpers/unleash';

// scripts/unleash.mjs as a developer runs it: `start --json` brings up PostgreSQL and Unleash on
// 127.0.0.1 and prints where; when the script is killed outright (SIGKILL: no cleanup of its own),
// its watchdog stops both servers and deletes their data.

const SCRIPT = join(__dirname, '../../../scripts/unleash.mjs');

describe('scripts/unleash.mjs', function () {
  this.timeout(15 * 60_000);

  before(function () {
    if (!unleashRequired()) this.skip();
  });

  it('starts Unleash on 127.0.0.1 with working tokens, and stops everything when it is killed', async () => {
    const child = spawn(process.execPath, [SCRIPT, 'start', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const line = await poll('the JSON line of unleash.mjs start', () => {
      if (child.exitCode !== null) throw new Error(`unleash.mjs exited ${child.exitCode}: ${err}`);
      return out.includes('\n') ? out.split('\n')[0] : null;
    }, { timeoutMs: 14 * 60_000, intervalMs: 200 });
    const u = JSON.parse(line) as { url: string; adminToken: string; clientToken: string; dir: string; pid: number };
    assert.match(u.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(u.adminToken, /^\*:\*\.[0-9a-f]{48}$/);
    assert.ok(existsSync(join(u.dir, 'pgdata')), 'PostgreSQL data in the run folder');
    const health = await fetch(`${u.url}/health`);
    assert.equal(health.status, 200);
    const projects = await fetch(`${u.url}/api/admin/projects`, { headers: { authorization: u.adminToken } });
    assert.equal(projects.status, 200, 'the seeded admin token works');
    const client = await fetch(`${u.url}/api/client/features`, { headers: { authorization: u.clientToken } });
    assert.equal(client.status, 200, 'the seeded client token works');

    child.kill('SIGKILL');
    await poll('Unleash to stop after its starter was killed', async () => !(await fetch(`${u.url}/health`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false)), { timeoutMs: 20_000, intervalMs: 250 });
    await poll('the run folder to be deleted', () => !existsSync(u.dir), { timeoutMs: 20_000, intervalMs: 250 });
  });
});
