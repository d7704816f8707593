import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, labelOf, treeRows, workspaceRoot } from './helpers';

describe('release tree (demo repository)', () => {
  it('shows the current and next version with the commits that decided it', async () => {
    const a = await api();
    const rows = await treeRows(a, 2);
    const version = rows.find((r) => r.node.kind === 'version');
    assert.ok(version, rows.map((r) => labelOf(r.item)).join('\n'));
    assert.equal(labelOf(version.item), 'v0.2.0 → 0.3.0');
    assert.match(String(version.item.description), /minor/);
    const reasons = rows.filter((r) => r.node.kind === 'reason');
    assert.equal(reasons.length, 1);
    assert.match(labelOf(reasons[0]!.item), /amounts are integers in cents .*→ minor \(breaking change below 1\.0\.0/);
  });

  it('groups unreleased changes by section, with plain-text tooltips and a click that opens the commit', async () => {
    const a = await api();
    const rows = await treeRows(a, 4);
    const sections = rows.filter((r) => r.node.kind === 'section').map((r) => labelOf(r.item));
    assert.deepEqual(sections, ['⚠ Breaking Changes', 'Bug Fixes', 'Other changes']);
    const commits = rows.filter((r) => r.node.kind === 'commit');
    assert.deepEqual(
      commits.map((r) => labelOf(r.item)),
      ['api: amounts are integers in cents', 'web: <b>escape</b> customer names @everyone', 'fixup! <img src=x onerror="window.__pwned=1"> [x](javascript:alert(1))', 'Fix typo in footer'],
    );
    for (const c of commits) {
      assert.equal(typeof c.item.tooltip, 'string', 'tooltips are plain text, never markdown');
      assert.equal(c.item.command?.command, 'releaseManager.openCommit');
    }
    assert.match(String(commits[3]!.item.tooltip), /Margaret Hamilton · \d{4}-\d{2}-\d{2}/);
  });

  it('lists past releases lazily, newest first, with their number of changes', async () => {
    const a = await api();
    const releasesNode = (await a.tree.getChildren(undefined))!.find((n) => n.kind === 'releases')!;
    assert.equal(a.tree.getTreeItem(releasesNode).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const releases = (await a.tree.getChildren(releasesNode))!.map((n) => a.tree.getTreeItem(n));
    assert.deepEqual(releases.map(labelOf), ['v0.2.0', 'v0.2.0-rc.0', 'v0.1.1', 'v0.1.0']);
    assert.match(String(releases[0]!.description), /· 2 changes$/);
  });

  it('opens a commit with its full message and diff as plain text', async () => {
    const a = await api();
    const rows = await treeRows(a, 4);
    const commit = rows.find((r) => r.node.kind === 'commit')!;
    const args = commit.item.command!.arguments!;
    assert.equal(args[0], workspaceRoot());
    const editor = (await vscode.commands.executeCommand('releaseManager.openCommit', ...args)) as vscode.TextEditor;
    const text = editor.document.getText();
    assert.match(text, /feat\(api\)!: amounts are integers in cents/);
    assert.match(text, /BREAKING CHANGE: `amount` is now an integer/);
    assert.match(text, /diff --git a\/packages\/api\/money\.ts/);
    assert.equal(editor.document.languageId, 'diff');
  });
});
