// One code-server in a fresh run folder: private HOME/XDG/TMPDIR, pre-seeded settings that keep every
// request on this machine, its own process group (stopped by group id), port read from its stdout.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RESULTS_ENV, RUNS_DIR, say } from './config.mjs';

const LISTENING = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/;
const live = new Set();

/** Creates a fresh run folder `RUNS_DIR/<name>-<time>` with its sub-folders (old run folders are pruned). */
export function createRun(name) {
  pruneRuns();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = join(RUNS_DIR, `${name}-${stamp}-${process.pid}`);
  const run = {
    name,
    dir,
    home: join(dir, 'home'),
    tmp: join(dir, 'tmp'),
    userData: join(dir, 'user-data'),
    extensions: join(dir, 'extensions'),
    workspace: join(dir, 'workspace'),
    results: join(dir, 'results'),
    profile: join(dir, 'browser-profile'),
    serverLog: join(dir, 'server.log'),
    /** Removes the folder (kept when `keep`, for a look after a failure). */
    dispose(keep) {
      if (keep) say(`run folder kept for inspection: ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const d of [run.home, run.tmp, join(run.userData, 'User'), run.extensions, run.workspace, run.results, ...xdgDirs(dir)]) {
    mkdirSync(d, { recursive: true });
  }
  chmodSync(xdgDirs(dir)[4], 0o700);
  writeFileSync(join(dir, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  return run;
}

/**
 * code-server's arguments for `run`. `testDriver` (the default) turns on the smoke-test driver that
 * test paths need; it also hides notifications, so the demo, which is for people, turns it off.
 */
export function serverArgs(cs, run, { trusted, testDriver = true }) {
  return [
    cs.entry,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--config', join(run.dir, 'config.yaml'),
    '--user-data-dir', run.userData,
    '--extensions-dir', run.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--locale', 'en',
    ...(testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(trusted ? ['--disable-workspace-trust'] : []),
  ];
}

/** Starts code-server for `run`; resolves to `{ port, url, remoteUri(path), workbenchUrl(folder, payload), stop() }`. */
export async function startCodeServer(cs, run, { trusted, testDriver = true, timeoutMs = 60_000 }) {
  writeFileSync(join(run.userData, 'User/settings.json'), JSON.stringify(settings(trusted), null, 2) + '\n');
  const args = serverArgs(cs, run, { trusted, testDriver });
  const log = createWriteStream(run.serverLog);
  const child = spawn(cs.node, args, { cwd: run.dir, env: serverEnv(run), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const entry = { pid: child.pid, exited };
  live.add(entry);
  child.stderr.pipe(log);
  const url = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs / 1000} s (log: ${run.serverLog})`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      buffer += chunk;
      const match = LISTENING.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    exited.then((code) => (clearTimeout(timer), reject(new Error(`code-server exited (${code}) before listening:\n${tail(run.serverLog)}`))));
  }).catch(async (e) => {
    await stopGroup(entry);
    throw e;
  });
  const port = Number(new URL(url).port);
  const authority = `127.0.0.1:${port}`;
  say(`code-server listening on ${url} (${trusted ? 'trusted' : 'Restricted Mode'}; log: ${run.serverLog})`);
  return {
    port,
    url,
    /** The `vscode-remote://` URI of a path on this machine (what the workbench needs for test paths). */
    remoteUri: (path) => `vscode-remote://${authority}${encodePath(path)}`,
    /** The workbench URL opening `folder`, with an optional smoke-test payload (list of [key, value]). */
    workbenchUrl: (folder, payload = []) => {
      const query = new URLSearchParams({ folder, payload: JSON.stringify([['skipWelcome', 'true'], ['skipReleaseNotes', 'true'], ...payload]) });
      return `${url}?${query}`;
    },
    /** Stops the whole process group (SIGTERM, then SIGKILL after 5 s). */
    stop: () => stopGroup(entry),
  };
}

/** Installs a .vsix into the run's extensions folder with code-server's own CLI (offline, as a user would). */
export async function installExtension(cs, run, vsix) {
  const common = ['--config', join(run.dir, 'config.yaml'), '--extensions-dir', run.extensions, '--user-data-dir', run.userData];
  const exec = promisify(execFile);
  const options = { cwd: run.dir, env: serverEnv(run), timeout: 120_000 };
  const installed = await exec(cs.node, [cs.entry, ...common, '--force', '--install-extension', vsix], options);
  const listed = await exec(cs.node, [cs.entry, ...common, '--list-extensions', '--show-versions'], options);
  return { output: `${installed.stdout}${installed.stderr}`.trim(), extensions: listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean) };
}

/** Kills every code-server still running (used on Ctrl+C and at exit). */
export function killAllSync() {
  for (const entry of live) killGroup(entry.pid, 'SIGKILL');
  live.clear();
}

process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAllSync();
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
  });
}

/** User settings: no telemetry, no update or gallery checks, no AI/chat, no prompts over the UI under test. */
function settings(trusted) {
  return {
    'telemetry.telemetryLevel': 'off',
    'telemetry.feedback.enabled': false,
    'update.mode': 'none',
    'update.showReleaseNotes': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'workbench.settings.enableNaturalLanguageSearch': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'chat.agent.enabled': false,
    'chat.mcp.enabled': false,
    'chat.mcp.discovery.enabled': false,
    'inlineChat.enableV2': false,
    'git.autofetch': false,
    'git.openRepositoryInParentFolders': 'never',
    'npm.fetchOnlinePackageInfo': false,
    'json.schemaDownload.enable': false,
    'typescript.disableAutomaticTypeAcquisition': true,
    'typescript.surveys.enabled': false,
    'remote.autoForwardPorts': false,
    'security.workspace.trust.enabled': !trusted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.untrustedFiles': 'open',
  };
}

/** The server's environment: everything private to the run, no gallery, the results folder for in-host suites. */
function serverEnv(run) {
  const inherited = Object.entries(process.env).filter(([k]) => !/^(npm_|VSCODE_|ELECTRON_)/i.test(k) && !['NODE_OPTIONS', 'INIT_CWD'].includes(k));
  const [config, data, cache, state, runtime] = xdgDirs(run.dir);
  return {
    ...Object.fromEntries(inherited),
    HOME: run.home,
    TMPDIR: run.tmp,
    XDG_CONFIG_HOME: config,
    XDG_DATA_HOME: data,
    XDG_CACHE_HOME: cache,
    XDG_STATE_HOME: state,
    XDG_RUNTIME_DIR: runtime,
    EXTENSIONS_GALLERY: '{}',
    [RESULTS_ENV]: run.results,
    // The whole run folder (user data, logs, workspace, temp): the canary sweep searches every file in it.
    RELEASE_MANAGER_TEST_RUN_DIR: run.dir,
    // Runs only the in-host tests whose full title matches (for working on one suite; CI never sets it).
    ...(process.env.RELEASE_MANAGER_TEST_GREP ? { RELEASE_MANAGER_TEST_GREP: process.env.RELEASE_MANAGER_TEST_GREP } : {}),
  };
}

/** The run's XDG folders: config, data, cache, state, runtime. */
function xdgDirs(dir) {
  return ['config', 'data', 'cache', 'state', 'runtime'].map((d) => join(dir, 'xdg', d));
}

/** SIGTERM to the group, SIGKILL after 5 s, and SIGKILL to stragglers of the group in any case. */
async function stopGroup(entry) {
  if (!live.has(entry)) return;
  killGroup(entry.pid, 'SIGTERM');
  const timedOut = await Promise.race([entry.exited.then(() => false), new Promise((r) => setTimeout(() => r(true), 5000))]);
  if (timedOut) say(`code-server (pid ${entry.pid}) ignored SIGTERM for 5 s: killing its group`);
  killGroup(entry.pid, 'SIGKILL');
  live.delete(entry);
}

/** Sends `signal` to the process group `pid` (ignores a group that is already gone). */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
}

/** Percent-encodes each segment of an absolute path. */
function encodePath(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The last lines of a file (empty when it cannot be read). */
export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Keeps the 5 newest run folders younger than a day (failed runs stay that long for inspection). */
function pruneRuns() {
  let dirs = [];
  try {
    dirs = readdirSync(RUNS_DIR).map((name) => join(RUNS_DIR, name));
  } catch {
    return;
  }
  const byAge = dirs.map((dir) => ({ dir, mtime: statSync(dir).mtimeMs })).sort((a, b) => b.mtime - a.mtime);
  byAge.forEach(({ dir, mtime }, i) => {
    // A folder whose run is still going (another test run or the demo, on this machine) is never removed.
    if (ownerAlive(dir)) return;
    if (i >= 5 || Date.now() - mtime > 24 * 3600_000) rmSync(dir, { recursive: true, force: true });
  });
}

/** Whether the process that made a run folder (`<name>-<time>-<pid>`) is still running. */
function ownerAlive(dir) {
  const pid = Number(/-(\d+)$/.exec(dir)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
