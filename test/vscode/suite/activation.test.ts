import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../helpers/extensionId';
import { poll } from '../../helpers/poll';
import { CONTRIBUTED_COMMANDS, extensionUnderTest, unregisteredCommands } from '../manifest';

describe('activation in a trusted git workspace', () => {
  it(`knows the extension as ${EXTENSION_ID}`, () => {
    const extension = extensionUnderTest();
    assert.equal(extension.id.toLowerCase(), EXTENSION_ID.toLowerCase());
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('activates on its own because the folder contains .git, without error', async () => {
    const extension = extensionUnderTest();
    await poll('activation by workspaceContains:.git', () => extension.isActive);
    // A failed activation also counts as "active": activate() rethrows its error.
    await extension.activate();
  });

  it('registers every command contributed in package.json', async () => {
    assert.ok(CONTRIBUTED_COMMANDS.length > 0, 'package.json contributes no commands');
    assert.deepEqual(await unregisteredCommands(), []);
  });

  it('opens the demo repository as a trusted workspace folder', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.ok(existsSync(join(folders[0]!.uri.fsPath, '.git')), `${folders[0]!.uri.fsPath} is not a git repository`);
    assert.equal(vscode.workspace.isTrusted, true);
  });
});
