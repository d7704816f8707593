// The GitHub account of the e2e workbench. There is no github.com here and the built-in GitHub sign-in is moved
// aside (scripts/vscode-test/ensureCodeServer.mjs), so a tiny test-only extension registers the "github"
// authentication provider. It has no session until a spec writes the account file (`signIn`); a spec that needs
// a signed-out workbench says so (`signOut`) instead of counting on the specs before it. The account file also
// names the API URL of the local GitHub server, which the extension puts into the user setting
// releaseManager.github.apiUrl (and removes on `signOut`), so the workbench talks to that server and nothing
// else; other user settings may come with it. Both wait until the extension host has written the settings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../helpers/poll.ts';

/** Identity of the helper extension (publisher.name). */
export const AUTH_EXTENSION_ID = 'release-manager-e2e.github-account';
/** Name of the account file in the run folder (the server's RELEASE_MANAGER_TEST_RUN_DIR). */
const ACCOUNT_FILE = 'github-account.json';

const MANIFEST = {
  name: 'github-account',
  displayName: 'GitHub account for the Release Manager e2e tests',
  description: 'Test only: a "github" authentication provider backed by a local GitHub server.',
  version: '0.0.1',
  publisher: 'release-manager-e2e',
  license: 'MIT',
  engines: { vscode: '^1.90.0' },
  main: './extension.js',
  activationEvents: ['onAuthenticationRequest:github', 'onStartupFinished'],
  capabilities: { untrustedWorkspaces: { supported: true } },
  contributes: { authentication: [{ id: 'github', label: 'GitHub (e2e)' }] },
};

// Plain CommonJS run by the extension host (Node); it reads the account file on each change (polled).
const SOURCE = `'use strict';
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const FILE = path.join(process.env.RELEASE_MANAGER_TEST_RUN_DIR || '/nonexistent', ${JSON.stringify(ACCOUNT_FILE)});
function read() {
  try { return JSON.parse(fs.readFileSync(FILE, 'utf8')); } catch { return null; }
}
function sessionOf(a) {
  return { id: 'e2e-' + a.login, accessToken: a.token, account: { id: a.login, label: a.login }, scopes: a.scopes || ['repo', 'workflow'] };
}
exports.activate = function activate(context) {
  const changed = new vscode.EventEmitter();
  let account = read();
  // The user settings the account comes with (the API URL of the local server, ...); removed again on sign-out.
  // Remembered across extension hosts (each spec loads a new window), so a window that went away signed in
  // leaves no setting behind once the account is gone. One update at a time, in order.
  let applied = context.globalState.get('appliedSettings', []);
  let settling = Promise.resolve();
  const settle = (a) => (settling = settling.then(async () => {
    const settings = (a && a.settings) || {};
    for (const key of [...new Set([...applied, ...Object.keys(settings)])]) {
      const at = key.lastIndexOf('.');
      await vscode.workspace.getConfiguration(key.slice(0, at)).update(key.slice(at + 1), settings[key], vscode.ConfigurationTarget.Global);
    }
    applied = Object.keys(settings);
    await context.globalState.update('appliedSettings', applied);
  }).catch(() => {}));
  context.subscriptions.push(vscode.authentication.registerAuthenticationProvider('github', 'GitHub (e2e)', {
    onDidChangeSessions: changed.event,
    getSessions: async () => (account ? [sessionOf(account)] : []),
    createSession: async () => {
      if (!account) throw new Error('No e2e GitHub account yet.');
      return sessionOf(account);
    },
    removeSession: async () => {},
  }, { supportsMultipleAccounts: false }));
  const check = async () => {
    const next = read();
    if (JSON.stringify(next) === JSON.stringify(account)) return;
    const before = account;
    account = next;
    await settle(next);
    changed.fire({ added: next && !before ? [sessionOf(next)] : [], removed: before && !next ? [sessionOf(before)] : [], changed: before && next ? [sessionOf(next)] : [] });
  };
  fs.watchFile(FILE, { interval: 200 }, () => { void check(); });
  context.subscriptions.push({ dispose: () => fs.unwatchFile(FILE) });
  void settle(account);
};
exports.deactivate = function deactivate() {};
`;

/** Writes the helper extension into `dir` and packages it with vsce; returns the .vsix path. */
export function packageAuthExtension(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(MANIFEST, null, 2) + '\n');
  writeFileSync(join(dir, 'extension.js'), SOURCE);
  writeFileSync(join(dir, 'README.md'), `# ${MANIFEST.displayName}\n\n${MANIFEST.description}\n`);
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  const vsix = join(dir, `${MANIFEST.name}.vsix`);
  execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return vsix;
}

/**
 * Signs the workbench in: a session with `token` for `login`, the setting releaseManager.github.apiUrl set to
 * `apiUrl`, and the user `settings` given (full keys, e.g. `releaseManager.deploy.pollIntervalSeconds`).
 * Resolves once the extension host has written the API URL into the settings (needs an open workbench).
 */
export async function signIn(runDir, { token, login, apiUrl, settings = {} }) {
  const account = { token, login, scopes: ['repo', 'workflow'], settings: { 'releaseManager.github.apiUrl': apiUrl, ...settings } };
  writeFileSync(join(runDir, ACCOUNT_FILE), JSON.stringify(account) + '\n');
  await poll(`the API URL ${apiUrl} in the settings after signing in`, () => serverSettings(runDir).includes(JSON.stringify(apiUrl)), { timeoutMs: 60_000, intervalMs: 200 });
}

/** Signs the workbench out (the session goes); resolves once the API URL setting is removed again. */
export async function signOut(runDir) {
  rmSync(join(runDir, ACCOUNT_FILE), { force: true });
  await poll('no API URL in the settings after signing out', () => !serverSettings(runDir).includes('"releaseManager.github.apiUrl"'), { timeoutMs: 60_000, intervalMs: 200 });
}

/** The settings the extension host writes (code-server keeps user settings of the remote side under Machine/). */
function serverSettings(runDir) {
  const file = join(runDir, 'user-data', 'Machine', 'settings.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
