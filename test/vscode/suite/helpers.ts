import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/tree/nodes';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub';

/** The extension's id (publisher.name). */
export const EXTENSION_ID = 'release-manager.release-manager';

/** Activates the extension and waits until its state is current. */
export async function api(): Promise<ReleaseManagerApi> {
  const ext = vscode.extensions.getExtension<ReleaseManagerApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const a = await ext.activate();
  await a.settled();
  return a;
}

/** The fixture repository opened as the first workspace folder. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a folder is open');
  return folder.uri.fsPath;
}

/** Runs git in the fixture (argv, no shell). */
export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' } }).trim();
}

/** What a user sees in the tree: label and description of each node, depth-first, `depth` levels down. */
export async function treeRows(a: ReleaseManagerApi, depth = 3): Promise<{ node: Node; item: vscode.TreeItem; level: number }[]> {
  const out: { node: Node; item: vscode.TreeItem; level: number }[] = [];
  const walk = async (parent: Node | undefined, level: number) => {
    const kids = (await a.tree.getChildren(parent)) ?? [];
    for (const node of kids) {
      const item = a.tree.getTreeItem(node);
      out.push({ node, item, level });
      if (level + 1 < depth && item.collapsibleState !== vscode.TreeItemCollapsibleState.None) await walk(node, level + 1);
    }
  };
  await walk(undefined, 0);
  return out;
}

/** The label of a tree item as text. */
export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** Polls until the condition holds (bounded). */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Registers a signed-in `github` account (the built-in GitHub sign-in is moved aside in the test VS Code); dispose it in after(). */
export function registerGitHubAccount(token: string, label: string): vscode.Disposable {
  const emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  const session: vscode.AuthenticationSession = { id: `${label}-session`, accessToken: token, account: { id: 'octocat', label: 'octocat' }, scopes: ['repo'] };
  const provider: vscode.AuthenticationProvider = {
    onDidChangeSessions: emitter.event,
    getSessions: async () => [session],
    createSession: async () => session,
    removeSession: async () => {},
  };
  const registration = vscode.authentication.registerAuthenticationProvider('github', `GitHub (${label})`, provider, { supportsMultipleAccounts: false });
  return new vscode.Disposable(() => {
    registration.dispose();
    emitter.dispose();
  });
}

/**
 * GitHub's copy of the workspace for a suite: a bare clone (the fake server's git directory) plus
 * `files` committed on top and one tag per release, each on its own commit (VERSION = the release),
 * pushed. Returns the bare repository, each release's commit, and a cleanup.
 */
export function githubCopy(root: string, files: Record<string, string>, releases: string[]): { remote: string; sha: Record<string, string>; dispose(): void } {
  const remote = mkdtempSync(join(tmpdir(), 'rm-gh-remote-'));
  const work = mkdtempSync(join(tmpdir(), 'rm-gh-work-'));
  execFileSync('git', ['clone', '-q', '--bare', root, remote]);
  execFileSync('git', ['clone', '-q', remote, work]);
  const g = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' } }).trim();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
    g('add', path);
  }
  if (Object.keys(files).length > 0) g('commit', '-q', '-m', 'ci: deploy workflow');
  const sha: Record<string, string> = {};
  for (const v of releases) {
    writeFileSync(join(work, 'VERSION'), `${v}\n`);
    g('add', 'VERSION');
    g('commit', '-q', '-m', `chore(release): ${v}`);
    g('tag', `v${v}`);
    sha[v] = g('rev-parse', 'HEAD');
  }
  g('push', '-q', 'origin', 'HEAD:main', '--tags');
  rmSync(work, { recursive: true, force: true });
  return { remote, sha, dispose: () => rmSync(remote, { recursive: true, force: true }) };
}

/** Remembers workspace files as they are (or that they are absent); restore() puts each back exactly. */
export function snapshotFiles(root: string, paths: string[]): { restore(): void } {
  const saved = paths.map((p) => ({ path: join(root, p), text: existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null }));
  return {
    restore: () => {
      for (const f of saved) {
        if (f.text === null) rmSync(f.path, { force: true });
        else writeFileSync(f.path, f.text);
      }
    },
  };
}

/** What a deploy suite sets up against the local GitHub server; dispose() in after(). */
export interface GitHubDeployFixture {
  server: FakeGitHub;
  copy: ReturnType<typeof githubCopy>;
  dispose(): Promise<void>;
}

/**
 * The setting of the deploy suites: the workspace's config and decision log kept to be put back, GitHub's
 * copy of the repository (`files` committed, then `releases` tagged) served by the local GitHub server as
 * acme/demo, a signed-in account, the extension pointed at the server and polling runs every second.
 * dispose() undoes all of it, drops the deploy journals (in the git directory, never committed) and waits
 * until the extension reads the original config again, so later suites start clean.
 */
export async function githubDeployFixture(a: ReleaseManagerApi, root: string, options: { token: string; label: string; files: Record<string, string>; releases: string[] }): Promise<GitHubDeployFixture> {
  const files = snapshotFiles(root, ['.release-manager.json', 'docs/RELEASE-DECISIONS.md']);
  const copy = githubCopy(root, options.files, options.releases);
  const server = await startFakeGitHub({ token: options.token });
  server.addRepo('acme', 'demo', { gitDir: copy.remote });
  const registration = registerGitHubAccount(options.token, options.label);
  const settings = vscode.workspace.getConfiguration('releaseManager');
  await settings.update('github.apiUrl', server.url, vscode.ConfigurationTarget.Global);
  await settings.update('deploy.pollIntervalSeconds', 1, vscode.ConfigurationTarget.Global);
  return {
    server,
    copy,
    dispose: async () => {
      await settings.update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
      await settings.update('deploy.pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
      registration.dispose();
      await server.close();
      files.restore();
      copy.dispose();
      rmSync(join(root, '.git', 'release-manager', 'journal'), { recursive: true, force: true });
      a.deployView.invalidate();
      await until('the original config is back', async () => {
        await a.settled();
        return a.model.find(root)?.config?.deploy === undefined;
      });
    },
  };
}
