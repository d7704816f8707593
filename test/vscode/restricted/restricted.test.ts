import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('Release: Announce… in Restricted Mode', () => {
  it('opens the preview read-only but refuses to send: nothing written, nothing journaled', async function () {
    this.timeout(120_000);
    await extensionUnderTest().activate();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const plannedAt = new Date(Date.now() + 72 * 3_600_000).toISOString();
    const sent = await vscode.commands.executeCommand('releaseManager.announce', { root, stage: 'notice', audiences: ['internal'], plannedAt, preview: false, send: true, confirm: false });
    assert.equal(sent, undefined, 'refused (reported as a message)');
    assert.equal(existsSync(join(root, 'release-announcements')), false, 'no announcement file');
    assert.equal(existsSync(join(root, '.git', 'release-manager', 'announcements')), false, 'no delivery journal');
    const preview = (await vscode.commands.executeCommand('releaseManager.announce', { root, stage: 'completed', audiences: ['internal'] })) as { previewOpen: boolean; results: unknown } | undefined;
    assert.ok(preview?.previewOpen, 'the preview is read-only and opens');
    assert.equal(preview.results, null);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Release: Create Configuration… in Restricted Mode', () => {
  it('refuses to write .release-manager.json, even where there is none', async () => {
    await extensionUnderTest().activate();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = join(root, '.release-manager.json');
    const before = readFileSync(file, 'utf8');
    rmSync(file);
    try {
      const created = await vscode.commands.executeCommand('releaseManager.createConfig', { root, template: 'single' });
      assert.equal(created, undefined, 'refused (reported as a message)');
      assert.equal(existsSync(file), false, 'nothing written');
    } finally {
      writeFileSync(file, before);
    }
  });
});
