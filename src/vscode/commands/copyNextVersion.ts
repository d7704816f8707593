import * as vscode from 'vscode';
import type { CommandContext } from '../commandContext';
import { stringField } from '../commandArgs';

/** Copy Next Version: the next version of the repository (the node's, or the first) to the clipboard. */
export function copyNextVersionCommand({ model }: Pick<CommandContext, 'model'>) {
  return async (node?: unknown): Promise<string | undefined> => {
    await model.settled();
    const root = stringField(node, 'root');
    const state = (root ? model.find(root) : undefined) ?? model.repositories.find((r) => r.notes);
    const next = state?.notes?.version.next;
    if (!state || !next) {
      void vscode.window.showInformationMessage(state?.notes ? 'No release needed: nothing since the last release changes the version.' : 'No repository with release notes in this workspace.');
      return undefined;
    }
    await vscode.env.clipboard.writeText(next);
    void vscode.window.showInformationMessage(`Copied ${next} (${state.name}).`);
    return next;
  };
}
