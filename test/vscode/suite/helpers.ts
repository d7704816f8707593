import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/tree/nodes';
import { serveGitHubCopy, snapshotFiles, type GitHubCopy } from '../../helpers/deployFixtures';
import { EXTENSION_ID } from '../../helpers/extensionId';
import type { FakeGitHub } from '../../helpers/fakeGitHub/server';
import { poll } from '../../helpers/poll';

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

/** What a deploy suite sets up against the local GitHub server; dispose() in after(). */
export interface GitHubDeployFixture {
  server: FakeGitHub;
  copy: GitHubCopy;
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
  const served = await serveGitHubCopy(root, { token: options.token, files: options.files, releases: options.releases });
  const registration = registerGitHubAccount(options.token, options.label);
  const settings = vscode.workspace.getConfiguration('releaseManager');
  await settings.update('github.apiUrl', served.server.url, vscode.ConfigurationTarget.Global);
  await settings.update('deploy.pollIntervalSeconds', 1, vscode.ConfigurationTarget.Global);
  return {
    server: served.server,
    copy: served.copy,
    dispose: async () => {
      await settings.update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
      await settings.update('deploy.pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
      registration.dispose();
      await served.dispose();
      files.restore();
      rmSync(join(root, '.git', 'release-manager', 'journal'), { recursive: true, force: true });
      a.deployView.invalidate();
      await poll('the original config is back', async () => {
        await a.settled();
        return a.model.find(root)?.config?.deploy === undefined;
      });
    },
  };
}
