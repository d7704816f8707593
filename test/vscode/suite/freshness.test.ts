import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/ports';
import { GateController } from '../../../src/vscode/checklist/gateController';
import { ReleaseModel } from '../../../src/vscode/releaseModel';
import type { RepositoryDiscovery } from '../../../src/vscode/repositories';
import { readSettings } from '../../../src/vscode/settings';
import { ReleaseTreeProvider } from '../../../src/vscode/views/tree/provider';
import { ReleaseStatusBar } from '../../../src/vscode/views/statusBar';
import { poll } from '../../helpers/poll';
import { api, git, labelOf, treeRows, workspaceRoot } from './helpers';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A workspace-state stand-in (sign-offs) for a controller of its own. */
function memento(): vscode.Memento {
  const data = new Map<string, unknown>();
  return {
    keys: () => [...data.keys()],
    get: <T>(key: string, fallback?: T) => (data.has(key) ? (data.get(key) as T) : fallback) as T,
    update: async (key: string, value: unknown) => void data.set(key, value),
  } as vscode.Memento;
}

// Changes the fixture's branch and puts it back.
describe('every verdict is current (re-judged on change)', () => {
  it('re-judges the verdict after a commit on another branch, without Re-run, in the tree, checklist and status bar', async () => {
    const a = await api();
    const root = workspaceRoot();
    await vscode.commands.executeCommand('releaseManager.validateGates');
    await a.gates.signOff('qa', 'ok', 'Tess Ter <tess@example.com>');
    assert.equal(a.gates.verdict?.decision, 'GO', a.gates.verdict?.summary);
    assert.equal(a.gates.result('smoke')?.status, 'pass', 'the command gate ran before the change');
    git(root, 'checkout', '-q', '-b', 'topic/freshness');
    git(root, 'commit', '-q', '--allow-empty', '-m', 'chore: work on a topic branch');
    try {
      // The branch switch and the commit may be judged in one run or two: wait for the commit's judgement.
      const smokeNow = () => a.gates.view().gates.find((g) => g.id === 'smoke')!;
      await poll('the command gate stale after the commit', () => /^Stale since HEAD moved to [0-9a-f]{7}/.test(smokeNow().reason), { timeoutMs: 20_000 });
      await poll('NO-GO without a re-run', () => a.gates.verdict?.decision === 'NO-GO', { timeoutMs: 20_000 });
      assert.match(a.gates.verdict!.summary, /branch/i);
      const view = a.gates.view();
      assert.equal(view.verdict?.decision, 'NO-GO', 'the checklist shows it');
      const smoke = view.gates.find((g) => g.id === 'smoke')!;
      assert.notEqual(smoke.status, 'pass');
      const verdictRow = (await treeRows(a, 1)).find((r) => r.node.kind === 'verdict');
      assert.equal(verdictRow && labelOf(verdictRow.item), 'NO-GO', 'the tree shows it');
      assert.match(a.statusBar.shown?.text ?? '', /NO-GO/, 'the status bar shows it');
    } finally {
      git(root, 'checkout', '-q', 'main');
      git(root, 'branch', '-q', '-D', 'topic/freshness');
    }
    await poll('GO again on main without a re-run', () => a.gates.verdict?.decision === 'GO', { timeoutMs: 20_000 });
    await a.gates.revokeSignOff('qa', 'Tess Ter <tess@example.com>');
    assert.equal(a.gates.verdict?.decision, 'NO-GO');
  });

  describe('a folder that becomes a repository', () => {
    let dir: string;
    let model: ReleaseModel;
    let gates: GateController;
    let tree: ReleaseTreeProvider;
    let bar: ReleaseStatusBar;
    const subs: vscode.Disposable[] = [];
    before(() => {
      // Outside any repository (the test's TMPDIR may sit inside the project's own checkout).
      dir = mkdtempSync(join(process.platform === 'win32' ? tmpdir() : '/tmp', 'rm-fresh-'));
      const discovery = { roots: async () => [dir] } as unknown as RepositoryDiscovery;
      model = new ReleaseModel(discovery, readSettings, quiet);
      gates = new GateController(model, memento(), readSettings, quiet);
      tree = new ReleaseTreeProvider(model, gates);
      bar = new ReleaseStatusBar(model, readSettings, () => gates.verdict);
      subs.push(gates.onDidChange(() => bar.update())); // as activate() wires it
    });
    after(() => {
      for (const d of [...subs, bar, tree, gates, model]) d.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const neverNoGo = async () => {
      await poll('the re-judge settles', () => gates.current, { timeoutMs: 10_000 });
      assert.equal(gates.verdict, null, 'no verdict');
      const view = gates.view();
      assert.equal(view.verdict, null, 'the checklist shows no verdict');
      assert.deepEqual(view.gates, [], 'no gate rows (nothing to judge)');
      assert.ok(!(((await tree.getChildren()) ?? []) as { kind: string }[]).some((n) => n.kind === 'verdict'), 'no verdict row in the tree');
      assert.doesNotMatch(bar.shown?.text ?? '', /NO-GO/);
      return view;
    };

    it('shows guidance in a folder without git: git init, no verdict, nothing to re-run', async () => {
      await model.refresh();
      assert.equal(await gates.run({ includeCommands: false }), null);
      const view = await neverNoGo();
      assert.equal(view.empty, 'noRepo');
      assert.match(view.notice ?? '', /git init/);
    });

    it('after git init shows "no commits yet" and never NO-GO, even when asked to re-run', async () => {
      git(dir, 'init', '-q', '-b', 'main');
      git(dir, 'config', 'commit.gpgsign', 'false');
      writeFileSync(join(dir, '.release-manager.json'), JSON.stringify({ gates: [{ id: 'no-fixups', kind: 'noFixups' }, { id: 'branch', kind: 'releaseBranch', patterns: ['main'] }] }));
      await model.refresh(); // what the watcher of .git/HEAD does
      const view = await neverNoGo();
      assert.equal(view.empty, 'noCommits');
      assert.match(view.notice ?? '', /first commit/);
      assert.equal(await gates.run({ includeCommands: true }), null, 'Re-run all judges nothing');
      assert.equal((await neverNoGo()).empty, 'noCommits');
      assert.match(bar.shown?.text ?? '', /no commits yet/, 'the status bar says so');
      assert.match(bar.shown?.tooltip ?? '', /first commit/);
    });

    it('judges the first commit without a re-run', async () => {
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'feat: first');
      await model.refresh();
      await poll('a verdict', () => gates.view().verdict?.decision, { timeoutMs: 15_000 });
      const view = gates.view();
      assert.equal(view.empty, undefined);
      assert.equal(view.verdict?.decision, 'GO', view.verdict?.summary);
      assert.match(bar.shown?.text ?? '', /GO/);
    });
  });
});
