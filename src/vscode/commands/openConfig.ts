import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/config';
import type { CommandContext } from '../commandContext';
import { stringField } from '../commandArgs';
import { COMMANDS } from '../ids';
import { MANAGE_TRUST } from '../runCommand';
import type { ReleaseModel } from '../releaseModel';

/** Open Release Configuration: opens `.release-manager.json`; offers to create it (trusted workspaces only). */
export function openConfigCommand({ model }: Pick<CommandContext, 'model'>) {
  return (node?: unknown): Promise<vscode.TextEditor | undefined> => openConfig(model, stringField(node, 'root'));
}

async function openConfig(model: ReleaseModel, root: string | undefined): Promise<vscode.TextEditor | undefined> {
  await model.settled();
  const states = model.repositories;
  const state =
    (root ? model.find(root) : undefined) ??
    (states.length <= 1
      ? states[0]
      : (await vscode.window.showQuickPick(states.map((s) => ({ label: s.name, detail: s.root, s })), { title: 'Open Release Configuration: repository' }))?.s);
  if (!state) return undefined;
  const uri = vscode.Uri.file(join(state.root, CONFIG_FILE));
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (!exists) {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage(`${CONFIG_FILE} does not exist. Creating it requires a trusted workspace.`, 'Manage Workspace Trust').then((pick) => (pick ? vscode.commands.executeCommand(MANAGE_TRUST) : undefined));
      return undefined;
    }
    const create = await vscode.window.showInformationMessage(`${state.name} has no ${CONFIG_FILE}: it uses the defaults. Create one?`, { modal: true }, 'Create');
    if (create !== 'Create') return undefined;
    // From a template, never over a file that appeared meanwhile (Release: Create Configuration…).
    await vscode.commands.executeCommand(COMMANDS.createConfig, { root: state.root });
    return vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath ? vscode.window.activeTextEditor : undefined;
  }
  return vscode.window.showTextDocument(uri);
}
