/**
 * One real Unleash for a whole mocha run, parallel mode included (`npm run test:unit` runs the files in
 * worker processes: a server per worker would cost a start each). Loaded with `--require`, mocha runs
 * these global fixtures once, in the main process, before the workers are forked.
 *
 * The start (about 20 s) overlaps the first test files: the setup only kicks it off and names a hand-off
 * file in RELEASE_MANAGER_UNLEASH_HANDOFF, which the workers inherit; `sharedUnleash()` (./unleash.ts)
 * waits for that file, which says where the server is or why it could not start (then the flag tests
 * fail, never skip, as before). The teardown stops the server and deletes its data.
 *
 * Nothing is started when the run brings its own server (UNLEASH_URL + UNLEASH_ADMIN_TOKEN) or runs
 * without one outside CI (RELEASE_MANAGER_NO_UNLEASH=1; refused in CI by `sharedUnleash()`).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HANDOFF_ENV, type Handoff } from './unleash';

interface Started {
  url: string;
  adminToken: string;
  clientToken: string;
  dir: string;
  seconds: number;
  stop(): Promise<void>;
}

let starting: Promise<Started | null> | null = null;
let handoffDir: string | null = null;

export function mochaGlobalSetup(): void {
  if (process.env.RELEASE_MANAGER_NO_UNLEASH === '1') return; // skipped outside CI; refused in CI by sharedUnleash()
  if (process.env.UNLEASH_URL && process.env.UNLEASH_ADMIN_TOKEN) return; // a server started elsewhere
  handoffDir = mkdtempSync(join(tmpdir(), 'rm-unleash-handoff-'));
  const file = join(handoffDir, 'unleash.json');
  process.env[HANDOFF_ENV] = file;
  const write = (h: Handoff) => {
    writeFileSync(`${file}.tmp`, JSON.stringify(h));
    renameSync(`${file}.tmp`, file); // whole or absent: a worker never reads half a file
  };
  const script = pathToFileURL(join(__dirname, '../../scripts/unleash.mjs')).href;
  starting = (import(script) as Promise<{ startUnleash: (o?: { timeoutMs?: number }) => Promise<Started> }>)
    .then(({ startUnleash }) => startUnleash({ timeoutMs: 180_000 }))
    .then(
      (u) => {
        process.stderr.write(`[unleash] test server at ${u.url} (started in ${u.seconds.toFixed(1)} s, shared by the mocha workers)\n`);
        write({ url: u.url, adminToken: u.adminToken, clientToken: u.clientToken, dir: u.dir });
        return u;
      },
      (e: unknown) => {
        write({ error: e instanceof Error ? e.message : String(e) });
        return null;
      },
    );
}

export async function mochaGlobalTeardown(): Promise<void> {
  const u = await starting;
  await u?.stop();
  if (handoffDir) rmSync(handoffDir, { recursive: true, force: true });
  delete process.env[HANDOFF_ENV];
}
