import * as vscode from 'vscode';
import type { ReleaseModel } from '../releaseModel';

/** Copy Next Version: the next version of the repository (the node's, or the first) to the clipboard. */
export async function copyNextVersionCommand(model: ReleaseModel, node?: { root?: string }): Promise<string | undefined> {
  await model.settled();
  const state = (node?.root ? model.find(node.root) : undefined) ?? model.repositories.find((r) => r.notes);
  const next = state?.notes?.version.next;
  if (!state || !next) {
    void vscode.window.showInformationMessage(state?.notes ? 'No release needed: nothing since the last release changes the version.' : 'No repository with release notes in this workspace.');
    return undefined;
  }
  await vscode.env.clipboard.writeText(next);
  void vscode.window.showInformationMessage(`Copied ${next} (${state.name}).`);
  return next;
}
