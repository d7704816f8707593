import assert from 'node:assert/strict';
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
