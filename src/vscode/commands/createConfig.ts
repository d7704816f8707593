import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, parseConfig } from '../../core/config';
import { CONFIG_TEMPLATES, configTemplateText, isConfigTemplateId, type ConfigTemplateId } from '../../core/configTemplates';
import { TrustError, UsageError } from '../../core/errors';
import { createFileExclusive } from '../../node/atomicFile';
import { packageFolders } from '../../node/packageSuggestion';
import { argRecord, stringField } from '../commandArgs';
import type { CommandContext } from '../commandContext';

/** What Create Configuration did (returned for tests and other extensions). */
export interface CreatedConfig {
  file: string;
  /** False when the file existed: it was opened, not written. */
  created: boolean;
  template: ConfigTemplateId | null;
}

/**
 * Release: Create Configuration… — writes `.release-manager.json` from a template (single package, monorepo
 * with the package folders found, with environments) in one step, then opens it (completion and squiggles
 * come from the JSON Schema the extension contributes for that file name). Never overwrites: an existing file
 * is opened instead. Trusted workspaces only. Argument (optional): `{ root, template }` to skip the pickers.
 */
export function createConfigCommand({ model, log }: Pick<CommandContext, 'model' | 'log'>) {
  return async (arg?: unknown): Promise<CreatedConfig | undefined> => {
    if (!vscode.workspace.isTrusted) {
      throw new TrustError(`Creating ${CONFIG_FILE} writes to the workspace and is disabled in Restricted Mode.`, 'Trust this workspace (Manage Workspace Trust), then create the configuration again.');
    }
    const wanted = argRecord(arg).template;
    if (wanted !== undefined && !isConfigTemplateId(wanted)) {
      throw new UsageError(`Unknown configuration template "${String(wanted)}".`, `Use one of: ${CONFIG_TEMPLATES.map((t) => t.id).join(', ')}.`);
    }
    await model.settled();
    const root = stringField(arg, 'root');
    const states = model.repositories;
    const state =
      (root ? model.find(root) : undefined) ??
      (states.length <= 1 ? states[0] : (await vscode.window.showQuickPick(states.map((s) => ({ label: s.name, detail: s.root, s })), { title: 'Create Configuration: repository' }))?.s);
    if (!state) {
      if (states.length === 0) throw new UsageError('No git repository in this workspace to configure.', 'Open a folder that is a git repository.');
      return undefined;
    }
    const file = join(state.root, CONFIG_FILE);
    const uri = vscode.Uri.file(file);
    if (await exists(uri)) return openExisting(uri, file);
    const template =
      (wanted as ConfigTemplateId | undefined) ??
      (await vscode.window.showQuickPick(CONFIG_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, id: t.id })), { title: `Create ${CONFIG_FILE}: template`, placeHolder: 'Which kind of repository is this?' }))?.id;
    if (!template) return undefined;
    const text = configTemplateText(template, template === 'monorepo' ? await packageFolders(state.root) : []);
    parseConfig(text); // a template that would not load is never written
    if (!(await createFileExclusive(file, text))) return openExisting(uri, file);
    log.info(`created ${file} from the ${template} template`);
    model.schedule();
    await vscode.window.showTextDocument(uri, { preview: false });
    void vscode.window.showInformationMessage(`Created ${CONFIG_FILE} (${CONFIG_TEMPLATES.find((t) => t.id === template)?.label}). Completion and checks come from its JSON Schema: press Ctrl+Space for the keys.`);
    return { file, created: true, template };
  };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

async function openExisting(uri: vscode.Uri, file: string): Promise<CreatedConfig> {
  await vscode.window.showTextDocument(uri, { preview: false });
  void vscode.window.showInformationMessage(`${CONFIG_FILE} already exists: opened it (nothing was overwritten).`);
  return { file, created: false, template: null };
}
