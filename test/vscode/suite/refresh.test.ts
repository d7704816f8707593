import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { poll } from '../../helpers/poll';
import { api, git, labelOf, treeRows, workspaceRoot } from './helpers';

// These tests change the fixture; they restore it and run last (mocha sorts files by name: refresh > commands, tree).
describe('event-driven refresh', () => {
  it('picks up a new commit without a manual refresh', async () => {
    const a = await api();
    const root = workspaceRoot();
    git(root, 'commit', '-q', '--allow-empty', '-m', 'feat(web): live refresh works');
    try {
      await poll('the tree shows the new commit', async () => (await treeRows(a, 4)).some((r) => labelOf(r.item) === 'web: live refresh works'));
    } finally {
      git(root, 'reset', '-q', '--hard', 'HEAD~1');
    }
    await poll('the tree forgets it again', async () => !(await treeRows(a, 4)).some((r) => labelOf(r.item) === 'web: live refresh works'));
  });

  it('refreshes at once on the first event after a quiet spell, and once more after the rest of a burst', async () => {
    const a = await api();
    await a.settled();
    // A quiet spell: no watcher event for longer than the debounce delay (400 ms; the tests before may leave late events).
    await new Promise((r) => setTimeout(r, 1500));
    await a.settled();
    let refreshes = 0;
    const sub = a.model.onDidRefresh(() => refreshes++);
    try {
      a.model.schedule(); // an event after the quiet spell: the refresh starts now, not after the debounce
      await a.settled();
      assert.equal(refreshes, 1, 'the first event refreshed at once (settled() waited for it)');
      a.model.schedule(); // the same burst: waits for the debounce delay after its last event
      a.model.schedule();
      await a.settled();
      assert.equal(refreshes, 1, 'the rest of the burst did not refresh at once');
      await poll('one refresh for the rest of the burst', () => refreshes === 2);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(refreshes, 2, 'one, not one per event');
    } finally {
      sub.dispose();
    }
  });

  it('tells the views only what changed: an event-driven refresh that finds nothing new fires no change, the gates still re-judge', async () => {
    const a = await api();
    const root = workspaceRoot();
    await a.settled();
    let changes = 0;
    let refreshes = 0;
    let gateEvents = 0;
    const subs = [a.model.onDidChange(() => changes++), a.model.onDidRefresh(() => refreshes++), a.gates.onDidChange(() => gateEvents++)];
    try {
      await a.model.refresh({ quiet: true });
      assert.deepEqual({ changes, refreshes }, { changes: 0, refreshes: 1 }, 'nothing new: no change event (GitHub, deploys and flags keep what they read)');
      // The index and the working tree are not the model's: a quiet refresh still lets the gates look again.
      writeFileSync(join(root, 'untracked-by-the-quiet-test.txt'), 'x\n');
      const before = gateEvents;
      await a.model.refresh({ quiet: true });
      assert.deepEqual({ changes, refreshes }, { changes: 0, refreshes: 2 });
      assert.ok(gateEvents > before, 'the gate controller heard the refresh (it re-judges what it judged before)');
      // A remote changes in .git/config (the GitHub rows follow the remote): a change.
      git(root, 'config', 'releaseManager.quietTest', 'yes');
      await a.model.refresh({ quiet: true });
      assert.equal(changes, 1, 'the repository config changed');
      // A new commit: a change.
      git(root, 'commit', '-q', '--allow-empty', '-m', 'fix(web): quiet refresh sees this');
      await a.model.refresh({ quiet: true });
      assert.equal(changes, 2, 'a new commit changed the state');
      // An explicit refresh (the Refresh command) always tells the views to re-read.
      await a.model.refresh();
      assert.equal(changes, 3);
    } finally {
      for (const sub of subs) sub.dispose();
      rmSync(join(root, 'untracked-by-the-quiet-test.txt'), { force: true });
      git(root, 'config', '--unset', 'releaseManager.quietTest');
      git(root, 'reset', '-q', '--hard', 'HEAD~1');
      await a.model.refresh();
    }
  });

  it('shows config problems as diagnostics in the file and as a warning node with a fix', async () => {
    const a = await api();
    const root = workspaceRoot();
    const file = join(root, '.release-manager.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, '{\n  "tagFormat": "v{version}",\n  "bogus": true\n}\n');
    try {
      const uri = vscode.Uri.file(file);
      await poll('a diagnostic on the unknown key', () => vscode.languages.getDiagnostics(uri).some((d) => /unknown key "bogus"/.test(d.message)));
      const d = vscode.languages.getDiagnostics(uri).find((x) => /bogus/.test(x.message))!;
      assert.equal(d.range.start.line, 2, 'placed on the line of the key');
      const rows = await treeRows(a, 1);
      const warning = rows.find((r) => r.node.kind === 'warning');
      assert.ok(warning, 'a warning node');
      assert.equal(warning.item.contextValue, 'warning.fixable');
      assert.equal(warning.item.command?.command, 'releaseManager.fixWarning');
    } finally {
      writeFileSync(file, original);
    }
    await poll('the diagnostic goes away', () => vscode.languages.getDiagnostics(vscode.Uri.file(file)).length === 0);
  });

  it('Fix… of tags a monorepo config does not declare writes the proposed packages into the config, keeping its other keys', async () => {
    const a = await api();
    const root = workspaceRoot();
    const file = join(root, '.release-manager.json');
    const original = readFileSync(file, 'utf8');
    mkdirSync(join(root, 'packages', 'billing'), { recursive: true });
    writeFileSync(join(root, 'packages', 'billing', 'package.json'), JSON.stringify({ name: 'billing' }));
    git(root, 'tag', 'billing@1.0.0');
    git(root, 'tag', 'billing@1.1.0');
    try {
      await vscode.commands.executeCommand('releaseManager.refresh');
      const warning = await poll('a warning proposing the billing package', async () => (await treeRows(a, 1)).find((r) => r.node.kind === 'warning' && /^Ignored 2 tags that are not releases .*billing@1\.0\.0.* Fix… adds 1 package to \.release-manager\.json\.$/.test(labelOf(r.item))));
      assert.equal(warning.item.command?.command, 'releaseManager.fixWarning');
      const written = await vscode.commands.executeCommand('releaseManager.fixWarning', warning.node, { confirm: false });
      assert.equal(written, file);
      const config = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(config.packages, [...JSON.parse(original).packages, { name: 'billing', path: 'packages/billing' }]);
      assert.deepEqual({ ...config, packages: undefined }, { ...JSON.parse(original), packages: undefined }, 'every other key is kept');
      await poll('the warning goes away', async () => !(await treeRows(a, 1)).some((r) => r.node.kind === 'warning' && /billing/.test(labelOf(r.item))));
    } finally {
      writeFileSync(file, original);
      git(root, 'tag', '-d', 'billing@1.0.0', 'billing@1.1.0');
      rmSync(join(root, 'packages', 'billing'), { recursive: true, force: true });
    }
    await vscode.commands.executeCommand('releaseManager.refresh');
  });

  it('refreshes on demand', async () => {
    await api();
    rmSync(join(workspaceRoot(), '.no-such-file'), { force: true });
    await vscode.commands.executeCommand('releaseManager.refresh');
    const a = await api();
    assert.equal(a.model.viewState, 'ready');
  });
});
