import { join } from 'node:path';
import * as vscode from 'vscode';
import { UsageError } from '../../core/errors';
import { saveToChangelog, type SavedChangelog } from '../../node/changelogFile';
import type { CommandContext } from '../commandContext';
import { draftedNotesOf } from './draftNotes';

/**
 * Release: Save to CHANGELOG.md — inserts the drafted notes (the document's text, edits included) at
 * the top of the repository's (or the package's) CHANGELOG.md. Takes the document's URI (editor
 * title) or uses the active editor. Trusted workspaces only: it writes to the workspace.
 */
export function saveNotesToChangelogCommand(ctx: Pick<CommandContext, 'log'>) {
  return async (arg?: unknown): Promise<SavedChangelog | undefined> => {
    if (!vscode.workspace.isTrusted) {
      throw new UsageError('Saving to CHANGELOG.md writes to the workspace and is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust), then save again.');
    }
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const meta = uri ? draftedNotesOf(uri) : undefined;
    const document = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && !d.isClosed) : undefined;
    if (!uri || !meta || !document) {
      throw new UsageError('The active editor is not a drafted release notes document.', 'Run Release: Draft Release Notes, then save from its editor title.');
    }
    const folder = meta.path !== undefined ? join(meta.root, meta.path) : meta.root;
    const target = vscode.Uri.file(join(folder, 'CHANGELOG.md'));
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
    if (open?.isDirty) throw new UsageError('CHANGELOG.md has unsaved changes in an editor.', 'Save or revert CHANGELOG.md, then save the notes again.');
    const saved = await saveToChangelog(folder, document.getText());
    ctx.log.info(`${saved.created ? 'created' : 'updated'} ${saved.file}: ${saved.title}`);
    await vscode.window.showTextDocument(target, { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    void vscode.window.showInformationMessage(`${saved.created ? 'Created' : 'Updated'} CHANGELOG.md with ${saved.title}.`);
    return saved;
  };
}
