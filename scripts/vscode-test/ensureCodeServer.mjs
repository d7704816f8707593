// Installs Node 24 and code-server into the cache on first use (idempotent, version-stamped), the way
// @vscode/test-electron caches VS Code. Run directly to pre-install: `node scripts/vscode-test/ensureCodeServer.mjs`.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CACHE_DIR, ROOT, CODE_SERVER_PACKAGES, CODE_SERVER_VERSION, NODE_PACKAGE, NODE_VERSION, isMain, say, secondsSince } from './config.mjs';
import { ensureSystemPackages } from './systemPackages.mjs';

const STAMP = '.installed.json';

/** Node 24 and code-server ready to run: `{ node, nodeDir, entry, codeServerDir }` (installs only code-server's system packages). */
export async function ensureCodeServer() {
  ensureSystemPackages(CODE_SERVER_PACKAGES);
  mkdirSync(CACHE_DIR, { recursive: true });
  return withLock(join(CACHE_DIR, '.install.lock'), async () => {
    const node = await ensureNode();
    return ensureCodeServerPackage(node);
  });
}

/** Node 24 from the npm package node-<platform>-<arch> (binary and headers in one folder). */
async function ensureNode() {
  const dir = join(CACHE_DIR, `node-v${NODE_VERSION}`);
  const nodeDir = join(dir, 'node_modules', NODE_PACKAGE);
  const node = join(nodeDir, 'bin/node');
  const stamp = { node: NODE_VERSION };
  if (hasStamp(dir, stamp) && existsSync(node)) return { node, nodeDir };
  say(`installing Node ${NODE_VERSION} (npm package ${NODE_PACKAGE}) into ${dir}`);
  const start = performance.now();
  await npmInstall(dir, [`${NODE_PACKAGE}@${NODE_VERSION}`], process.env.PATH ?? '', {});
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`${node} reports ${version}, expected v${NODE_VERSION}`);
  writeFileSync(join(dir, STAMP), JSON.stringify(stamp) + '\n');
  say(`Node ${version} ready (${secondsSince(start)})`);
  return { node, nodeDir };
}

/** code-server built against Node 24's headers, with its postinstall (VS Code's own dependencies) done. */
async function ensureCodeServerPackage({ node, nodeDir }) {
  const codeServerDir = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
  const pkg = join(codeServerDir, 'node_modules/code-server');
  const entry = join(pkg, 'out/node/entry.js');
  const stamp = { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION };
  const result = { node, nodeDir, entry, codeServerDir };
  if (hasStamp(codeServerDir, stamp) && existsSync(entry)) return prepareForTests(pkg, result);
  say(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (once per machine: about 2 minutes, about 800 MB)`);
  const start = performance.now();
  // Node 24 first on PATH (the postinstall checks the Node version npm runs under) and its headers for
  // node-gyp; npm 11 skips dependency install scripts unless told otherwise, and code-server's
  // postinstall is what installs VS Code's node_modules and builds the native modules.
  await npmInstall(codeServerDir, [`code-server@${CODE_SERVER_VERSION}`, '--dangerously-allow-all-scripts'], `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`, {
    npm_config_nodedir: nodeDir,
  });
  const mustExist = [
    entry,
    join(pkg, 'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node'),
    join(pkg, 'lib/vscode/node_modules/kerberos/build/Release/kerberos.node'),
    join(pkg, 'lib/vscode/extensions/node_modules'),
  ];
  const missing = mustExist.filter((file) => !existsSync(file));
  if (missing.length) {
    throw new Error(`code-server installed without its postinstall (were install scripts blocked?); missing:\n  ${missing.join('\n  ')}`);
  }
  const version = codeServerVersion(node, entry);
  if (!version.startsWith(`${CODE_SERVER_VERSION} `)) throw new Error(`code-server reports "${version}", expected ${CODE_SERVER_VERSION}`);
  writeFileSync(join(codeServerDir, STAMP), JSON.stringify(stamp) + '\n');
  say(`code-server ${version} ready (${secondsSince(start)})`);
  return prepareForTests(pkg, result);
}

/**
 * What `code-server --version` says of itself: the line that starts with a version. Its first run
 * also prints "Wrote default config file to …", so the output is not one line; HOME and XDG point
 * into the cache so that nothing is written to the user's home folder.
 */
export function codeServerVersion(node, entry) {
  const home = join(CACHE_DIR, 'home');
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), XDG_CACHE_HOME: join(home, '.cache') };
  const out = execFileSync(node, [entry, '--version'], { encoding: 'utf8', env });
  return parseVersionOutput(out);
}

/** The version line of `code-server --version` output (other lines are log lines). */
export function parseVersionOutput(out) {
  const line = out.split(/\r?\n/).map((l) => l.trim()).find((l) => /^\d+\.\d+\.\d+(\s|$)/.test(l));
  return line ?? out.trim();
}

/** The extension id the test VS Code trusts with the test GitHub account (publisher.name of package.json). */
const EXTENSION_ID = (({ publisher, name }) => `${publisher}.${name}`)(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
/** Where VS Code bakes its product configuration (the server's and the browser workbench's copy). */
const PRODUCT_BUNDLES = ['out/server-main.js', 'out/vs/code/browser/workbench/workbench.js'];
const TRUSTED_AUTH = 'trustedExtensionAuthAccess:[';

/**
 * GitHub sign-in in the test VS Code (idempotent). There is no github.com here, so the built-in
 * GitHub authentication extension (OAuth in a browser) is moved aside and the in-host suite
 * registers a "github" provider of its own, backed by the local GitHub server. VS Code refuses every
 * dialog while extension tests run, so the consent dialog ("wants to sign in using GitHub") cannot be
 * answered: like VS Code's product trusts vscode.github with the GitHub account, the test product
 * trusts this extension (its baked product configuration gains our id).
 */
function prepareForTests(pkg, result) {
  const vscodeDir = join(pkg, 'lib/vscode');
  const builtin = join(vscodeDir, 'extensions/github-authentication');
  const aside = join(vscodeDir, 'extensions.disabled-for-tests/github-authentication');
  if (existsSync(builtin)) {
    mkdirSync(join(vscodeDir, 'extensions.disabled-for-tests'), { recursive: true });
    rmSync(aside, { recursive: true, force: true });
    renameSync(builtin, aside);
  }
  for (const rel of PRODUCT_BUNDLES) {
    const file = join(vscodeDir, rel);
    const text = readFileSync(file, 'utf8');
    if (text.includes(`${TRUSTED_AUTH}"${EXTENSION_ID}"`)) continue;
    const at = text.indexOf(TRUSTED_AUTH);
    if (at < 0) throw new Error(`${file}: no baked ${TRUSTED_AUTH}...] to extend (code-server ${CODE_SERVER_VERSION} changed?)`);
    writeFileSync(file, `${text.slice(0, at + TRUSTED_AUTH.length)}"${EXTENSION_ID}",${text.slice(at + TRUSTED_AUTH.length)}`);
  }
  return result;
}

/** Fresh `npm install` of `args` into `dir` (own package.json), output to `dir.install.log`, heartbeat on stdout. */
async function npmInstall(dir, args, path, extraEnv) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'vscode-test-cache', private: true }) + '\n');
  const logFile = `${dir}.install.log`;
  const log = createWriteStream(logFile);
  // The parent npm's npm_* variables (user agent, prefix, ...) would leak into this install: drop them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD'));
  const child = spawn('npm', ['install', '--save-exact', '--no-audit', '--no-fund', '--no-update-notifier', ...args], {
    cwd: dir,
    env: { ...env, PATH: path, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const start = performance.now();
  const heartbeat = setInterval(() => say(`  still installing (${secondsSince(start)}; log: ${logFile})`), 15_000);
  const code = await new Promise((resolve) => {
    child.on('error', (e) => (log.write(`${e}\n`), resolve(-1)));
    child.on('close', resolve);
  });
  clearInterval(heartbeat);
  await new Promise((resolve) => log.end(resolve));
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`npm install ${args.join(' ')} failed (exit ${code}); last lines of ${logFile}:\n${tail}`);
  }
}

/** True when `dir` holds a stamp equal to `expected` (written only after a verified install). */
function hasStamp(dir, expected) {
  try {
    return JSON.stringify(JSON.parse(readFileSync(join(dir, STAMP), 'utf8'))) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

/** Runs `fn` holding a directory lock (waits for another live installer, takes over a stale lock). */
async function withLock(lockDir, fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (let announced = false; ; ) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const pid = readPid(lockDir);
      if (pid === 0 && Date.now() - statSync(lockDir).mtimeMs > 30_000) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (pid > 0 && !isAlive(pid)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`gave up waiting for the installer with pid ${pid} (lock ${lockDir})`);
      if (!announced) say(`waiting for another install (pid ${pid}) to finish`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** The pid written in a lock (0 while it is being written). */
function readPid(lockDir) {
  try {
    return Number(readFileSync(join(lockDir, 'pid'), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

/** True when a process with this id exists. */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

if (isMain(import.meta.url)) {
  const start = performance.now();
  const { node, entry } = await ensureCodeServer();
  say(`ready in ${secondsSince(start)}: ${node} ${entry}`);
}
