import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/releaseTree';

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
