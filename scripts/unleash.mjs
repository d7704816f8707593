// A real Unleash for the flag tests and for trying the flag commands by hand: unleash-server (npm,
// pinned) on PostgreSQL (Debian's), both on 127.0.0.1 and free ports, with seeded admin and client
// tokens, the version check and telemetry off. Nothing is installed into the project's node_modules.
//
//   node scripts/unleash.mjs install        install unleash-server into .vscode-test/unleash-<version>/ (once; about 2 minutes)
//   node scripts/unleash.mjs start [--json] install if needed, start PostgreSQL and Unleash, print the URL and the tokens,
//                                           run until Ctrl+C (or SIGTERM, or the terminal closes), then stop both and delete their data
//
// As a module: `ensureUnleash()` and `startUnleash()` (test/helpers/unleash.ts starts one per mocha run).
// PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres` user (runuser),
// in a temporary folder owned by it. A watchdog process stops both if the process that started them dies.
/* global fetch, AbortSignal */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_DIR, isMain, secondsSince } from './vscode-test/config.mjs';
import { onStop } from './onStop.mjs';

/** The newest unleash-server whose engines accept Node 20 (8.x wants Node 22). */
export const UNLEASH_VERSION = '7.5.1';
/** Where it is installed (git-ignored cache, like code-server). */
export const UNLEASH_DIR = join(CACHE_DIR, `unleash-${UNLEASH_VERSION}`);
/** The server's entry point inside that folder. */
export const UNLEASH_ENTRY = join(UNLEASH_DIR, 'node_modules/unleash-server/dist/server.js');
const STAMP = '.installed.json';

/** Prints one progress line (prefixed, so it never looks like mocha output). */
function say(message) {
  process.stderr.write(`[unleash] ${message}\n`);
}

/** Installs unleash-server once into UNLEASH_DIR (stamped after a verified install); returns the entry point. */
export async function ensureUnleash() {
  const stamp = { unleash: UNLEASH_VERSION, node: process.versions.node.split('.')[0] };
  if (hasStamp(UNLEASH_DIR, stamp) && existsSync(UNLEASH_ENTRY)) return UNLEASH_ENTRY;
  const lock = join(CACHE_DIR, '.unleash-install.lock');
  mkdirSync(CACHE_DIR, { recursive: true });
  await takeLock(lock);
  try {
    if (hasStamp(UNLEASH_DIR, stamp) && existsSync(UNLEASH_ENTRY)) return UNLEASH_ENTRY;
    say(`installing unleash-server ${UNLEASH_VERSION} into ${UNLEASH_DIR} (once per machine: about 2 minutes)`);
    const start = performance.now();
    rmSync(UNLEASH_DIR, { recursive: true, force: true });
    mkdirSync(UNLEASH_DIR, { recursive: true });
    writeFileSync(join(UNLEASH_DIR, 'package.json'), JSON.stringify({ name: 'unleash-test-cache', private: true }) + '\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD'));
    const logFile = `${UNLEASH_DIR}.install.log`;
    const r = spawnSync('npm', ['install', '--save-exact', '--no-audit', '--no-fund', '--no-update-notifier', '--omit=dev', `unleash-server@${UNLEASH_VERSION}`], { cwd: UNLEASH_DIR, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`);
    if (r.status !== 0) throw new Error(`npm install unleash-server@${UNLEASH_VERSION} failed (exit ${r.status}); see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
    const installed = JSON.parse(readFileSync(join(UNLEASH_DIR, 'node_modules/unleash-server/package.json'), 'utf8')).version;
    if (installed !== UNLEASH_VERSION || !existsSync(UNLEASH_ENTRY)) throw new Error(`unleash-server ${installed} installed, expected ${UNLEASH_VERSION} with ${UNLEASH_ENTRY}`);
    writeFileSync(join(UNLEASH_DIR, STAMP), JSON.stringify(stamp) + '\n');
    say(`unleash-server ${UNLEASH_VERSION} ready (${secondsSince(start)})`);
    return UNLEASH_ENTRY;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The PostgreSQL binaries folder: PG_BIN, else Debian's newest /usr/lib/postgresql/<major>/bin (15 on bookworm). */
export function postgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? execFileSync('ls', [base], { encoding: 'utf8' }).split('\n').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const m of majors) if (existsSync(join(base, m, 'bin/postgres'))) return join(base, m, 'bin');
  throw new Error('PostgreSQL is not installed: the flag tests need a real Unleash on PostgreSQL. Install it: `apt-get install postgresql` (Debian/Ubuntu), or run `node scripts/vscode-test/systemPackages.mjs` as root (PG_BIN names another bin folder).');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A child in its own process group, its output going to `logFile` (a file, not a pipe: the child is
 * unref'd, so a test run ends when its tests do and the exit hook stops the child).
 */
function launch(cmd, args, options, logFile) {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let spawnError = '';
  child.on('error', (e) => (spawnError = `spawn ${cmd} failed: ${e.message}\n`));
  child.unref();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const gone = () => child.exitCode !== null || child.signalCode !== null || spawnError !== '';
  const log = () => {
    try {
      return spawnError + readFileSync(logFile, 'utf8').slice(-12000);
    } catch {
      return spawnError;
    }
  };
  return { child, exited, gone, log };
}

/** Signals a process group (ignores one that is gone). */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

/**
 * Starts PostgreSQL and Unleash on 127.0.0.1 and free ports. Resolves once /health answers and the
 * admin token is accepted: `{ url, adminToken, clientToken, environments, dir, logs(), stop() }`.
 * `stop()` stops both and removes their data; a watchdog does the same if this process dies first.
 */
export async function startUnleash({ timeoutMs = 120_000 } = {}) {
  const started = performance.now();
  const entry = await ensureUnleash();
  const bin = postgresBin();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'rm-unleash-'));
  const data = join(dir, 'pgdata');
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  const asPostgres = (cmd, args) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const children = [];
  let watchdog = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const [unleash, pg] = children;
    if (unleash && !unleash.gone()) {
      killGroup(unleash.child.pid, 'SIGTERM');
      if (!(await Promise.race([unleash.exited.then(() => true), sleep(5000).then(() => false)]))) killGroup(unleash.child.pid, 'SIGKILL');
    }
    if (pg && !pg.gone()) {
      killGroup(pg.child.pid, 'SIGINT'); // fast shutdown
      if (!(await Promise.race([pg.exited.then(() => true), sleep(10000).then(() => false)]))) killGroup(pg.child.pid, 'SIGKILL');
    }
    if (process.env.UNLEASH_KEEP_LOGS) for (const c of children) writeFileSync(join(process.env.UNLEASH_KEEP_LOGS, `${c === children[0] && children.length > 1 ? 'unleash' : 'postgres'}.log`), c.log());
    if (watchdog) killGroup(watchdog.pid, 'SIGKILL');
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  // Sync last resort when this process exits without stop(): signal the groups; the watchdog removes the folder.
  const onExit = () => {
    const [unleash, pg] = children;
    if (unleash && !unleash.gone()) killGroup(unleash.child.pid, 'SIGTERM');
    if (pg && !pg.gone()) killGroup(pg.child.pid, 'SIGINT');
  };
  process.on('exit', onExit);
  const fail = async (what) => {
    const logs = children.map((x) => x.log()).join('\n---\n');
    await stop();
    throw new Error(`${what}; logs:\n${logs.slice(-6000)}`);
  };
  try {
    // PostgreSQL: a throwaway cluster, trust auth on 127.0.0.1 only, durability off (test data).
    const [icmd, iargs] = asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const init = spawnSync(icmd, iargs, { encoding: 'utf8', cwd: dir });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error}`);
    const pgPort = await freePort();
    const [pcmd, pargs] = asPostgres(join(bin, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(pgPort), '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50']);
    const pg = launch(pcmd, pargs, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } }, join(dir, 'postgres.log'));
    children.push(pg);
    watchdog = startWatchdog(dir, children);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pg.gone()) await fail(`PostgreSQL exited (${pg.child.exitCode ?? pg.child.signalCode})`);
      const r = spawnSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', 'unleash'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      if (r.status === 0) break;
      if (Date.now() > deadline) await fail(`PostgreSQL did not accept connections on 127.0.0.1:${pgPort}: ${r.stderr}`);
      await sleep(200);
    }
    // Unleash: seeded tokens, no version check, no telemetry, bound to 127.0.0.1.
    const port = await freePort();
    const adminToken = `*:*.${randomBytes(24).toString('hex')}`;
    const clientToken = `default:production.${randomBytes(24).toString('hex')}`;
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      NODE_ENV: 'production',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/unleash`,
      DATABASE_SSL: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      INIT_ADMIN_API_TOKENS: adminToken,
      INIT_CLIENT_API_TOKENS: clientToken,
      LOG_LEVEL: 'warn',
      GRACEFUL_SHUTDOWN_ENABLE: 'false',
    };
    const unleash = launch(process.execPath, [entry], { cwd: UNLEASH_DIR, env }, join(dir, 'unleash.log'));
    children.unshift(unleash);
    restartWatchdog();
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      if (unleash.gone()) await fail(`Unleash exited (${unleash.child.exitCode ?? unleash.child.signalCode})`);
      const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok) {
        const auth = await fetch(`${url}/api/admin/projects`, { headers: { authorization: adminToken }, signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
        if (auth === 200) break;
      }
      if (Date.now() > deadline) await fail(`Unleash did not become healthy at ${url}/health within ${timeoutMs / 1000} s`);
      await sleep(250);
    }
    return {
      url,
      adminToken,
      clientToken,
      environments: ['development', 'production'],
      dir,
      seconds: (performance.now() - started) / 1000,
      logs: () => children.map((c) => c.log()).join('\n---\n'),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }

  function restartWatchdog() {
    if (watchdog) killGroup(watchdog.pid, 'SIGKILL');
    watchdog = startWatchdog(dir, children);
  }
}

/**
 * A detached process that waits for this one to die, then stops the children's groups (Unleash with
 * SIGTERM, PostgreSQL with a fast shutdown, SIGKILL after 10 s) and removes the folder. Killed by stop().
 */
function startWatchdog(dir, children) {
  const groups = children.map((c, i) => ({ pid: c.child.pid, signal: i === children.length - 1 ? 'SIGINT' : 'SIGTERM' }));
  const code = `
    const [parent, dir, groups] = [Number(process.argv[1]), process.argv[2], JSON.parse(process.argv[3])];
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    const kill = (pid, s) => { try { process.kill(-pid, s); } catch {} };
    const t = setInterval(() => {
      if (alive(parent)) return;
      clearInterval(t);
      for (const g of groups) kill(g.pid, g.signal);
      const until = Date.now() + 10000;
      const w = setInterval(() => {
        const left = groups.filter((g) => alive(g.pid));
        if (left.length && Date.now() < until) return;
        for (const g of left) kill(g.pid, 'SIGKILL');
        clearInterval(w);
        require('fs').rmSync(dir, { recursive: true, force: true });
      }, 200);
    }, 500);
  `;
  const w = spawn(process.execPath, ['-e', code, String(process.pid), dir, JSON.stringify(groups)], { detached: true, stdio: 'ignore' });
  w.unref();
  return w;
}

function hasStamp(dir, expected) {
  try {
    return JSON.stringify(JSON.parse(readFileSync(join(dir, STAMP), 'utf8'))) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

/** A directory lock (another installer waits; a lock whose pid is dead is taken over). */
async function takeLock(lock) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(join(lock, 'pid'), 'utf8')) || 0;
      } catch {
        // being written
      }
      let alive = pid === 0;
      if (pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = err.code === 'EPERM';
        }
      }
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`gave up waiting for the unleash installer (pid ${pid}, lock ${lock})`);
      else await sleep(1000);
    }
  }
}

if (isMain(import.meta.url)) {
  const [command = 'start', ...rest] = process.argv.slice(2);
  if (command === 'install') {
    const start = performance.now();
    const entry = await ensureUnleash();
    say(`ready in ${secondsSince(start)}: ${entry}`);
  } else if (command === 'start') {
    const u = await startUnleash();
    onStop(() => u.stop());
    setInterval(() => undefined, 60_000); // stay up until stopped
    if (rest.includes('--json')) process.stdout.write(JSON.stringify({ url: u.url, adminToken: u.adminToken, clientToken: u.clientToken, environments: u.environments, dir: u.dir, pid: process.pid }) + '\n');
    else process.stdout.write(`UNLEASH_URL=${u.url}\nUNLEASH_ADMIN_TOKEN=${u.adminToken}\nUNLEASH_CLIENT_TOKEN=${u.clientToken}\n`);
    say(`started in ${u.seconds.toFixed(1)} s; Ctrl+C stops PostgreSQL and Unleash and deletes their data (${u.dir})`);
  } else {
    process.stderr.write('usage: node scripts/unleash.mjs install | start [--json]\n');
    process.exit(2);
  }
}
