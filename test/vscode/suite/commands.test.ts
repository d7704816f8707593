import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DraftResult } from '../../../src/vscode/commands/draftNotes';
import { api, workspaceRoot } from './helpers';

describe('release commands', () => {
  it('drafts the notes of a range as an untitled markdown document', async () => {
    await api();
    const result = (await vscode.commands.executeCommand('releaseManager.draftNotes', { root: workspaceRoot(), from: 'v0.1.0', to: 'v0.1.1' })) as DraftResult;
    assert.ok(result, 'the command returns what it drafted');
    assert.equal(result.document.languageId, 'markdown');
    assert.equal(result.document.isUntitled, true);
    const text = result.document.getText();
    assert.match(text, /^## 0\.1\.1 \(\d{4}-\d{2}-\d{2}\)/);
    assert.match(text, /### Bug Fixes\n\n- \*\*api:\*\* paging off by one \(#4\)/);
    assert.equal(result.notes.version.bump, 'patch');
  });

  it('drafts one monorepo package with its own tag format', async () => {
    await api();
    const result = (await vscode.commands.executeCommand('releaseManager.draftNotes', { root: workspaceRoot(), path: 'packages/web' })) as DraftResult;
    assert.equal(result.notes.range.from, 'web@0.2.0');
    assert.equal(result.notes.version.next, '0.2.1');
    assert.match(result.document.getText(), /&lt;b&gt;escape&lt;\/b&gt; customer names `@everyone`/);
  });

  it('copies the next version', async () => {
    await api();
    const copied = await vscode.commands.executeCommand('releaseManager.copyNextVersion');
    assert.equal(copied, '0.3.0');
    assert.equal(await vscode.env.clipboard.readText(), '0.3.0');
  });

  it('reports a bad ref as a message, not a crash', async () => {
    await api();
    const result = await vscode.commands.executeCommand('releaseManager.draftNotes', { root: workspaceRoot(), from: '--upload-pack=evil' });
    assert.equal(result, undefined);
  });
});
