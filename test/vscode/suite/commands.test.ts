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
    // The fixture's remote is github.com/acme/demo: the parsed PR number and the hash link there.
    assert.match(text, /### Bug Fixes\n\n- \*\*api:\*\* paging off by one \(\[#4\]\(https:\/\/github\.com\/acme\/demo\/pull\/4\)\) \(\[[0-9a-f]{7}\]\(https:\/\/github\.com\/acme\/demo\/commit\/[0-9a-f]{40}\)\)/);
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

  it('runs two invocations with different arguments, and joins two with the same (one operation per double click)', async function () {
    this.timeout(120_000); // three drafts, each may wait for the GitHub sign-in provider on a loaded machine
    await api();
    const root = workspaceRoot();
    const draft = (args: object) => vscode.commands.executeCommand('releaseManager.draftNotes', args) as Thenable<DraftResult | undefined>;
    // The same arguments (key order aside) while the first runs: one draft, one document.
    const [a, b] = await Promise.all([draft({ root, from: 'v0.1.0', to: 'v0.1.1' }), draft({ to: 'v0.1.1', from: 'v0.1.0', root })]);
    assert.ok(a && b, 'both callers get the result');
    assert.equal(a, b, 'the second invocation joined the first');
    // Other arguments while the first runs: both run, each with its own range.
    const [c, d] = await Promise.all([draft({ root, from: 'v0.1.0', to: 'v0.1.1' }), draft({ root, path: 'packages/web' })]);
    assert.ok(c && d, 'neither invocation was dropped');
    assert.notEqual(c.document.uri.toString(), d.document.uri.toString());
    assert.equal(c.notes.range.from, 'v0.1.0');
    assert.equal(d.notes.range.from, 'web@0.2.0');
    assert.notEqual(c, a, 'a finished invocation is not joined later');
  });
});
