import * as vscode from 'vscode';
import { commitUri } from '../views/commitDocument';

/** Open Commit: the commit's full message, stat and diff in a read-only document (arguments: root, hash). */
export function openCommitCommand() {
  return openCommit;
}

async function openCommit(root?: unknown, hash?: unknown): Promise<vscode.TextEditor | undefined> {
  if (typeof root !== 'string' || typeof hash !== 'string' || !/^[0-9a-f]{40,64}$/.test(hash)) return undefined;
  const doc = await vscode.workspace.openTextDocument(commitUri(root, hash));
  return vscode.window.showTextDocument(doc, { preview: true });
}
