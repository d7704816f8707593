import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/config';
import { UsageError } from '../../core/errors';
import type { PackageProposal } from '../../core/monorepo';
import { writePackages } from '../../node/packageSuggestion';
import { booleanField } from '../commandArgs';
import type { CommandContext } from '../commandContext';
import { COMMANDS } from '../ids';
import type { RepoWarning } from '../releaseModel';

/** Fix…: the action of a warning node (open the config, add the proposed packages, prepare the unshallow command, show the log). `{ confirm: false }` skips the modal (tests). */
export function fixWarningCommand(ctx: Pick<CommandContext, 'model' | 'log'>) {
  return (node?: unknown, args?: unknown): Promise<string | undefined> => fixWarning(ctx, node as { root?: unknown; warning?: RepoWarning } | undefined, booleanField(args, 'confirm') !== false);
}

async function fixWarning(ctx: Pick<CommandContext, 'model' | 'log'>, node: { root?: unknown; warning?: RepoWarning } | undefined, confirm: boolean): Promise<string | undefined> {
  const fix = node?.warning?.fix;
  if (!node || typeof node.root !== 'string' || !fix) return undefined;
  switch (fix.kind) {
    case 'openConfig':
      await vscode.commands.executeCommand(COMMANDS.openConfig, { root: node.root });
      return undefined;
    case 'suggestPackages':
      return addPackages(ctx, node.root, fix.proposals, confirm);
    case 'unshallow': {
      // The command is typed, not run: the user reads it and presses Enter (it talks to the network).
      const terminal = vscode.window.createTerminal({ name: 'Release Manager', cwd: node.root });
      terminal.show();
      terminal.sendText('git fetch --unshallow --tags', false);
      void vscode.window.showInformationMessage('Press Enter in the terminal to fetch the full history, then refresh the Release view.');
      return undefined;
    }
    case 'showLog':
      await vscode.commands.executeCommand(COMMANDS.showLog);
      return undefined;
  }
}

/** Shows the packages it will add, then writes them into the config (created or merged, other keys kept) and refreshes. Returns the file written. */
async function addPackages(ctx: Pick<CommandContext, 'model' | 'log'>, root: string, proposals: readonly PackageProposal[], confirm: boolean): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) throw new UsageError(`Changing ${CONFIG_FILE} requires a trusted workspace.`, 'Trust this workspace, then use Fix… again.');
  const entries = JSON.stringify(proposals.map((p) => ({ name: p.name, path: p.path })), null, 2);
  if (confirm) {
    const choice = await vscode.window.showInformationMessage(
      `Add ${proposals.length} package${proposals.length === 1 ? '' : 's'} to ${CONFIG_FILE}?`,
      { modal: true, detail: `Each tag family (name@version) with its folder is released on its own. Added to "packages" (other settings are kept):\n${entries}` },
      'Add Packages',
    );
    if (choice !== 'Add Packages') return undefined;
  }
  const { file, created } = await writePackages(root, proposals);
  ctx.log.info(`${created ? 'created' : 'updated'} ${file}: packages ${proposals.map((p) => p.name).join(', ')}`);
  await ctx.model.refresh();
  if (confirm) {
    void vscode.window.showInformationMessage(`${created ? 'Created' : 'Updated'} ${CONFIG_FILE} with ${proposals.length} package${proposals.length === 1 ? '' : 's'}.`, 'Open Config').then((a) => {
      if (a === 'Open Config') void vscode.commands.executeCommand(COMMANDS.openConfig, { root });
    });
  }
  return file;
}
