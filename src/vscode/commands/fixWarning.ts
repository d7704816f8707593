import * as vscode from 'vscode';
import { COMMANDS } from '../ids';
import type { RepoWarning } from '../releaseModel';

/** Fix…: the action of a warning node (open the config, prepare the unshallow command, show the log). */
export function fixWarningCommand() {
  return (node?: unknown): Promise<void> => fixWarning(node as { root?: unknown; warning?: RepoWarning } | undefined);
}

async function fixWarning(node: { root?: unknown; warning?: RepoWarning } | undefined): Promise<void> {
  const fix = node?.warning?.fix;
  if (!node || typeof node.root !== 'string' || !fix) return;
  switch (fix.kind) {
    case 'openConfig':
      await vscode.commands.executeCommand(COMMANDS.openConfig, { root: node.root });
      return;
    case 'unshallow': {
      // The command is typed, not run: the user reads it and presses Enter (it talks to the network).
      const terminal = vscode.window.createTerminal({ name: 'Release Manager', cwd: node.root });
      terminal.show();
      terminal.sendText('git fetch --unshallow --tags', false);
      void vscode.window.showInformationMessage('Press Enter in the terminal to fetch the full history, then refresh the Release view.');
      return;
    }
    case 'showLog':
      await vscode.commands.executeCommand(COMMANDS.showLog);
      return;
  }
}
