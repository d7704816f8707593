import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { poll } from '../../helpers/poll';
import { extensionUnderTest, unregisteredCommands } from '../manifest';

describe('Restricted Mode (untrusted workspace)', () => {
  it('opens the folder untrusted', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still activates, because drafting notes is read-only and allowed untrusted', async () => {
    const extension = extensionUnderTest();
    await poll('activation by workspaceContains:.git', () => extension.isActive);
    await extension.activate();
  });

  it('still registers every contributed command', async () => {
    await extensionUnderTest().activate();
    assert.deepEqual(await unregisteredCommands(), []);
  });
});

describe('Save to CHANGELOG.md in Restricted Mode', () => {
  it('drafts the notes but refuses to write CHANGELOG.md', async function () {
    this.timeout(120_000);
    await extensionUnderTest().activate();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const had = existsSync(join(root, 'CHANGELOG.md'));
    const draft = (await vscode.commands.executeCommand('releaseManager.draftNotes', { root, from: 'v0.1.0', to: 'v0.1.1' })) as { document: vscode.TextDocument } | undefined;
    assert.ok(draft, 'drafting is read-only and allowed');
    const saved = await vscode.commands.executeCommand('releaseManager.saveNotesToChangelog', draft.document.uri);
    assert.equal(saved, undefined, 'refused (reported as a message)');
    assert.equal(existsSync(join(root, 'CHANGELOG.md')), had, 'nothing written');
  });
});
