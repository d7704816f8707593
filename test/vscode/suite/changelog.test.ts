import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DraftResult } from '../../../src/vscode/commands/draftNotes';
import type { SavedChangelog } from '../../../src/node/changelogFile';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { api, workspaceRoot } from './helpers';

describe('save drafted notes to CHANGELOG.md', () => {
  const files = () => snapshotFiles(workspaceRoot(), ['packages/web/CHANGELOG.md']);
  let snapshot: { restore(): void };
  beforeEach(() => {
    snapshot = files();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    snapshot.restore();
  });

  it('creates the package changelog from the drafted document, edits included, and refuses the same version twice', async function () {
    this.timeout(120_000);
    await api();
    const root = workspaceRoot();
    const draft = (await vscode.commands.executeCommand('releaseManager.draftNotes', { root, path: 'packages/web' })) as DraftResult;
    const editor = await vscode.window.showTextDocument(draft.document);
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), '\nHand-written highlight.\n'));
    const saved = (await vscode.commands.executeCommand('releaseManager.saveNotesToChangelog', draft.document.uri)) as SavedChangelog;
    assert.equal(saved.created, true);
    const text = readFileSync(join(root, 'packages/web/CHANGELOG.md'), 'utf8');
    assert.match(text, /^# Changelog\n\n## 0\.2\.1 /);
    assert.match(text, /Hand-written highlight\./);
    // Saving again: refused (reported as a message, nothing returned), the file unchanged.
    const again = await vscode.commands.executeCommand('releaseManager.saveNotesToChangelog', draft.document.uri);
    assert.equal(again, undefined);
    assert.equal(readFileSync(join(root, 'packages/web/CHANGELOG.md'), 'utf8'), text);
  });

  it('inserts above the newest release of an existing CRLF changelog, at its heading level', async function () {
    this.timeout(120_000);
    await api();
    const root = workspaceRoot();
    writeFileSync(join(root, 'packages/web/CHANGELOG.md'), '# Changelog\r\n\r\nIntro.\r\n\r\n### 0.2.0\r\n\r\n- older\r\n');
    const draft = (await vscode.commands.executeCommand('releaseManager.draftNotes', { root, path: 'packages/web' })) as DraftResult;
    await vscode.window.showTextDocument(draft.document);
    // No argument: the active editor's drafted document.
    const saved = (await vscode.commands.executeCommand('releaseManager.saveNotesToChangelog')) as SavedChangelog;
    assert.equal(saved.created, false);
    const text = readFileSync(join(root, 'packages/web/CHANGELOG.md'), 'utf8');
    assert.match(text, /^# Changelog\r\n\r\nIntro\.\r\n\r\n### 0\.2\.1 .*\r\n\r\n#### /);
    assert.match(text, /\r\n\r\n### 0\.2\.0\r\n\r\n- older\r\n$/);
    assert.ok(!/[^\r]\n/.test(text), 'CRLF kept throughout');
  });

  it('refuses a document the Draft command did not open', async () => {
    await api();
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '## 9.9.9\n\n- not drafted\n' });
    await vscode.window.showTextDocument(doc);
    const result = await vscode.commands.executeCommand('releaseManager.saveNotesToChangelog', doc.uri);
    assert.equal(result, undefined);
  });
});
