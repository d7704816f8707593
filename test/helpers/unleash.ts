/**
 * A real Unleash for the flag tests: unleash-server 7.5.1 on PostgreSQL, both on 127.0.0.1, started
 * once per mocha run by scripts/unleash.mjs (installed on first use into .vscode-test/, about 2
 * minutes; a start takes about 20 s) and stopped when the run ends. `UNLEASH_URL` with
 * `UNLEASH_ADMIN_TOKEN` (and `UNLEASH_CLIENT_TOKEN`) reuse a server started elsewhere
 * (`node scripts/unleash.mjs start`).
 *
 * `npm run test:unit` (mocha in worker processes) starts it once for all workers instead:
 * test/helpers/unleashGlobal.ts, whose hand-off file (RELEASE_MANAGER_UNLEASH_HANDOFF) is read here.
 *
 * The tests that need it skip only when explicitly run without it: `RELEASE_MANAGER_NO_UNLEASH=1`
 * outside CI. In CI (`CI=true`) that variable is refused and a server that cannot start fails them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { poll } from './poll';

/** Names the file through which test/helpers/unleashGlobal.ts tells the mocha workers where its server is. */
export const HANDOFF_ENV = 'RELEASE_MANAGER_UNLEASH_HANDOFF';
/** What that file holds: the started server, or why it did not start. */
export type Handoff = { url: string; adminToken: string; clientToken: string; dir: string } | { error: string };

/** A running Unleash. */
export interface TestUnleash {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** An admin token (`*:*.…`). */
  adminToken: string;
  /** A backend (client) token for the production environment, when known. */
  clientToken?: string;
  /** The last lines the servers logged (a server this run started). */
  logs(): string;
}

interface Started {
  url: string;
  adminToken: string;
  clientToken: string;
  seconds: number;
  logs(): string;
  stop(): Promise<void>;
}

let shared: Promise<TestUnleash | null> | null = null;

/** True when the flag tests must run against a real Unleash (always in CI). */
export function unleashRequired(): boolean {
  return process.env.CI === 'true' || process.env.RELEASE_MANAGER_NO_UNLEASH !== '1';
}

/**
 * The Unleash of this mocha run: the one named by UNLEASH_URL, else one started now (once); null
 * only when the run was explicitly told to go without (RELEASE_MANAGER_NO_UNLEASH=1, never in CI).
 */
export function sharedUnleash(): Promise<TestUnleash | null> {
  shared ??= start();
  return shared;
}

async function start(): Promise<TestUnleash | null> {
  if (process.env.RELEASE_MANAGER_NO_UNLEASH === '1') {
    if (process.env.CI === 'true') throw new Error('RELEASE_MANAGER_NO_UNLEASH=1 is refused in CI: the flag tests must run against a real Unleash (scripts/unleash.mjs).');
    return null;
  }
  const url = process.env.UNLEASH_URL;
  const adminToken = process.env.UNLEASH_ADMIN_TOKEN;
  if (url && adminToken) return { url, adminToken, ...(process.env.UNLEASH_CLIENT_TOKEN ? { clientToken: process.env.UNLEASH_CLIENT_TOKEN } : {}), logs: () => '' };
  const handoff = process.env[HANDOFF_ENV];
  if (handoff) return fromHandoff(handoff);
  const script = pathToFileURL(join(__dirname, '../../scripts/unleash.mjs')).href;
  const { startUnleash } = (await import(script)) as { startUnleash: (o?: { timeoutMs?: number }) => Promise<Started> };
  const u = await startUnleash({ timeoutMs: 180_000 });
  process.stderr.write(`[unleash] test server at ${u.url} (started in ${u.seconds.toFixed(1)} s)\n`);
  return { url: u.url, adminToken: u.adminToken, clientToken: u.clientToken, logs: () => u.logs() };
}

/** The server the run's global setup is starting (test/helpers/unleashGlobal.ts), once it is up. */
async function fromHandoff(file: string): Promise<TestUnleash> {
  const text = await poll(`the test Unleash (hand-off file ${file})`, () => existsSync(file) && readFileSync(file, 'utf8'), { timeoutMs: 14 * 60_000, intervalMs: 250 });
  const h = JSON.parse(text) as Handoff;
  if ('error' in h) throw new Error(`the test Unleash did not start: ${h.error}`);
  const logs = () => ['unleash.log', 'postgres.log'].map((f) => { try { return readFileSync(join(h.dir, f), 'utf8').slice(-12000); } catch { return ''; } }).join('\n---\n');
  return { url: h.url, adminToken: h.adminToken, clientToken: h.clientToken, logs };
}

/** Creates a flag in the default project (a fresh name per test keeps tests apart); returns its name. */
export async function createFlag(u: TestUnleash, name: string): Promise<string> {
  const res = await fetch(`${u.url}/api/admin/projects/default/features`, {
    method: 'POST',
    headers: { authorization: u.adminToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'release' }),
  });
  if (!res.ok) throw new Error(`creating flag ${name} failed: ${res.status} ${await res.text()}`);
  return name;
}

/** The raw events of a flag as Unleash lists them, oldest first. */
export async function flagEvents(u: TestUnleash, name: string): Promise<{ id: number; type: string; environment: string | null; data: { parameters?: { rollout?: string } } | null }[]> {
  const res = await fetch(`${u.url}/api/admin/events/${encodeURIComponent(name)}`, { headers: { authorization: u.adminToken } });
  if (!res.ok) throw new Error(`events of ${name}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { events: { id: number; type: string; environment: string | null; data: { parameters?: { rollout?: string } } | null }[] };
  return [...body.events].sort((a, b) => a.id - b.id);
}
