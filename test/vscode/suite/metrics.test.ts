// Release Metrics inside the real extension host: a command environment whose deployments are in the
// local deploy history (the demo's releases over the last weeks, one failed), the view opened from the
// command, what it shows (the state posted to the webview) checked against the definitions and against
// collectMetrics itself, Copy as Markdown, the protocol, and the tree's Metrics node computed on expand.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { metricsMarkdown } from '../../../src/core/metrics/markdown';
import type { MetricsReport } from '../../../src/core/metrics/report';
import type { Logger } from '../../../src/core/ports';
import { collectMetrics, type CollectMetricsInput } from '../../../src/node/metrics';
import { MetricsPanel } from '../../../src/vscode/metrics/metricsPanel';
import { MetricsService } from '../../../src/vscode/metrics/metricsService';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { DEMO_STORY, dropDeployHistory, seedDeployHistory } from '../../helpers/metricsHistory';
import { poll } from '../../helpers/poll';
import { api, labelOf, workspaceRoot } from './helpers';

describe('Release Metrics (view, Copy as Markdown, tree)', function () {
  this.timeout(120_000);
  let root: string;
  let files: { restore(): void };

  before(async () => {
    const a = await api();
    root = workspaceRoot();
    files = snapshotFiles(root, ['.release-manager.json']);
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as Record<string, unknown>;
    const env = (name: string) => ({ name, provider: { kind: 'command', argv: [process.execPath, '-e', '0'] }, protection: { gates: [] } });
    config.deploy = { environments: [env('mx-staging'), env('mx-production')] };
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    await seedDeployHistory(root, 'mx-production', DEMO_STORY);
    await seedDeployHistory(root, 'mx-staging', [{ tag: 'v0.2.0', daysAgo: 21, minutes: 2, outcome: 'success' }]);
    await poll('the config with the metrics environments is read', async () => {
      await a.settled();
      return a.model.find(root)?.config?.deploy?.environments[1]?.name === 'mx-production';
    });
    a.metrics.invalidate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    files.restore();
    dropDeployHistory(root);
    const a = await api();
    a.metrics.invalidate();
    a.deployView.invalidate();
  });

  it('opens on the seeded repository and shows the figures of the production environment (local history, signed out)', async () => {
    const a = await api();
    const report = (await vscode.commands.executeCommand('releaseManager.showMetrics', { root })) as MetricsReport;
    assert.ok(report, 'the command returns the report it shows');
    assert.equal(a.metricsPanel.open, true);
    const shown = a.metricsPanel.lastState;
    assert.ok(shown?.report, JSON.stringify(shown?.error));
    assert.equal(shown.loading, false);
    assert.equal(shown.report.environment, 'mx-production', 'the default: the production environment of the ladder');
    assert.deepEqual(shown.environments, ['mx-staging', 'mx-production']);
    // The definitions on the seeded story: 4 deployments, 3 succeeded, v0.2.0-rc.0 failed.
    assert.deepEqual(shown.report.deployments, { total: 4, succeeded: 3, failed: 1, rolledBack: 0, inProgress: 0 });
    assert.equal(shown.report.successRate, 0.75);
    assert.deepEqual([shown.report.changeFailureRate.failed, shown.report.changeFailureRate.total, shown.report.changeFailureRate.ratio], [1, 4, 0.25]);
    assert.equal(shown.report.recovery.count, 1);
    assert.ok(Math.abs((shown.report.recovery.medianMinutes ?? 0) - 18) < 0.5, `recovered from the failure at +3 min to the success at +21 min: ${shown.report.recovery.medianMinutes}`);
    const cfr = shown.report.targets.find((t) => t.id === 'changeFailureRate');
    assert.deepEqual([cfr?.actual, cfr?.met], [0.25, false]);
    // The same figures as the core's own report (the CLI's): the view adds nothing and loses nothing.
    const direct = await collectMetrics({ repoRoot: root, environment: 'mx-production', since: '90d', github: null });
    assert.deepEqual({ ...shown.report, window: null, warnings: null }, { ...JSON.parse(JSON.stringify(direct)), window: null, warnings: null, list: shown.report.list });
    // Signed out: said, with the way to fix it (the view offers Sign in to GitHub).
    assert.equal(shown.signedOut, true);
    assert.ok(shown.report.warnings.some((w) => /sign in to GitHub|GITHUB_TOKEN/i.test(w)), shown.report.warnings.join('\n'));
    assert.ok(shown.report.series && shown.report.series.weekly.reduce((n, w) => n + w.succeeded + w.failed, 0) === 4, JSON.stringify(shown.report.series?.weekly));
  });

  it('computes another environment and window when the webview asks, and shows an unknown environment as an error with its fix', async () => {
    const a = await api();
    await a.metricsPanel.receive({ type: 'select', environment: 'mx-staging', window: '30d' });
    await a.metricsPanel.settled();
    const shown = a.metricsPanel.lastState!;
    assert.equal(shown.report?.environment, 'mx-staging');
    assert.equal(shown.window, '30d');
    assert.deepEqual(shown.report?.deployments, { total: 1, succeeded: 1, failed: 0, rolledBack: 0, inProgress: 0 });
    await vscode.commands.executeCommand('releaseManager.showMetrics', { root, environment: 'mx-nowhere' });
    const err = a.metricsPanel.lastState!;
    assert.match(err.error?.message ?? '', /mx-nowhere/);
    assert.match(err.error?.fix ?? '', /mx-staging, mx-production/);
    assert.equal(err.report?.environment, 'mx-staging', 'the last report stays on screen');
    await vscode.commands.executeCommand('releaseManager.showMetrics', { root, environment: null, window: '90d' });
    assert.equal(a.metricsPanel.lastState?.error, null);
  });

  it('copies the markdown report of what it shows to the clipboard', async () => {
    const a = await api();
    const text = (await vscode.commands.executeCommand('releaseManager.copyMetricsMarkdown')) as string;
    assert.equal(text, metricsMarkdown(a.metricsPanel.shown!));
    assert.match(text, /^## Release metrics: mx-production\n/);
    assert.match(text, /\| Change failure rate \| 25%/);
    assert.equal(await vscode.env.clipboard.readText(), text);
    // The button in the view goes the same way.
    await vscode.env.clipboard.writeText('');
    await a.metricsPanel.receive({ type: 'copyMarkdown' });
    assert.equal(await vscode.env.clipboard.readText(), text);
  });

  it('cancels a computation from the view: the core gets an aborted signal, the last report stays with why it was not updated', async () => {
    const a = await api();
    const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const seen: AbortSignal[] = [];
    let calls = 0;
    // The real collectMetrics, except that the second computation waits until it is cancelled.
    const collect = async (input: CollectMetricsInput): Promise<MetricsReport> => {
      calls++;
      if (calls === 1) return collectMetrics(input);
      seen.push(input.signal!);
      await new Promise<void>((resolve) => input.signal!.addEventListener('abort', () => resolve(), { once: true }));
      throw new Error('aborted');
    };
    const service = new MetricsService(a.model, a.github, collect, quiet);
    const panel = new MetricsPanel(vscode.Uri.file('/ext'), a.model, service, quiet, async () => {});
    try {
      const first = await panel.show(root);
      assert.equal(first?.deployments.total, 4);
      const refreshing = panel.receive({ type: 'refresh' });
      await poll('the second computation to start', () => seen.length === 1);
      assert.equal(panel.lastState?.loading, true, 'the view shows it is computing');
      await panel.receive({ type: 'cancel' });
      await refreshing;
      await panel.settled();
      assert.equal(seen[0]!.aborted, true);
      assert.equal(panel.lastState?.loading, false);
      assert.equal(panel.lastState?.error?.message, 'Cancelled.');
      assert.equal(panel.lastState?.report?.deployments.total, 4, 'the last report stays on screen');
    } finally {
      panel.dispose();
      service.dispose();
    }
  });

  it('rejects every message that is not exactly one of the protocol (fuzzing)', async () => {
    const a = await api();
    const before = a.metricsPanel.rejected;
    const hostile: unknown[] = [
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'select', environment: '../../etc', window: '90d' },
      { type: 'select', environment: 'mx-staging', window: '9999d' },
      { type: 'copyMarkdown', text: 'x' },
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
      { type: 'select', environment: 'x'.repeat(600_000), window: '90d' },
      null,
      'refresh',
      [],
    ];
    for (const m of hostile) await a.metricsPanel.receive(m);
    assert.equal(a.metricsPanel.rejected - before, hostile.length);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(a.metricsPanel.lastState?.report?.environment, 'mx-production', 'nothing changed');
  });

  it('serves the webview with a strict CSP, a fresh nonce per render and uPlot\'s stylesheet as a file', async () => {
    const a = await api();
    const fake = { cspSource: 'https://webview.example', asWebviewUri: (u: vscode.Uri) => u } as unknown as vscode.Webview;
    const one = a.metricsPanel.html(fake, vscode.Uri.file('/ext/dist/webview'));
    const two = a.metricsPanel.html(fake, vscode.Uri.file('/ext/dist/webview'));
    const csp = /content="([^"]+)"/.exec(one)![1]!;
    assert.match(csp, /^default-src 'none';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const nonce = (html: string) => /script-src 'nonce-([^']+)'/.exec(html)![1];
    assert.notEqual(nonce(one), nonce(two));
    assert.equal((one.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(one, /<style|\sstyle=/, 'no inline style');
    assert.match(one, /<link rel="stylesheet" href="[^"]*uPlot\.min\.css">/);
  });

  it('shows a Metrics node whose target verdicts are computed when it is expanded, not on every refresh', async () => {
    const a = await api();
    a.metrics.invalidate(root);
    const top = (await a.tree.getChildren(undefined))!;
    const node = top.find((n) => n.kind === 'metrics');
    assert.ok(node, top.map((n) => n.kind).join(', '));
    const item = a.tree.getTreeItem(node);
    assert.equal(labelOf(item), 'Metrics');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.equal(item.contextValue, 'metrics');
    assert.equal(a.metrics.peek(root), null, 'nothing computed before the node is expanded');
    const kids = (await a.tree.getChildren(node))!;
    const lines = kids.map((k) => labelOf(a.tree.getTreeItem(k)));
    assert.ok(lines.includes('Change failure rate 25% ✗ < 15%'), lines.join('\n'));
    assert.ok(lines.includes('Deployment success rate 75% ✗ > 99.5%'), lines.join('\n'));
    const open = kids.map((k) => a.tree.getTreeItem(k)).find((i) => labelOf(i) === 'Open Release Metrics');
    assert.equal(open?.command?.command, 'releaseManager.showMetrics');
    assert.deepEqual(open?.command?.arguments, [{ root }]);
    assert.match(String(a.tree.getTreeItem(node).description), /^mx-production · \d+ of \d+ targets met$/);
    // A refresh of the repository does not compute again: the same report is kept until Refresh Metrics.
    const computed = a.metrics.peek(root);
    await vscode.commands.executeCommand('releaseManager.refresh');
    await a.settled();
    await a.tree.getChildren((await a.tree.getChildren(undefined))!.find((n) => n.kind === 'metrics'));
    assert.equal(a.metrics.peek(root), computed);
    await vscode.commands.executeCommand('releaseManager.refreshMetrics', { root });
    assert.notEqual(a.metrics.peek(root), computed);
    // A changed release config (new targets) is judged again on the next look.
    await a.tree.getChildren((await a.tree.getChildren(undefined))!.find((n) => n.kind === 'metrics'));
    assert.ok(a.metrics.peek(root));
    const path = join(root, '.release-manager.json');
    const before = readFileSync(path, 'utf8');
    const config = JSON.parse(before) as Record<string, unknown>;
    config.metrics = { targets: { changeFailureRate: 0.3 } };
    writeFileSync(path, JSON.stringify(config, null, 2) + '\n');
    try {
      await poll('the kept report dropped after the config changed', async () => {
        await a.settled();
        return a.metrics.peek(root) === null;
      });
      const again = (await a.tree.getChildren((await a.tree.getChildren(undefined))!.find((n) => n.kind === 'metrics')))!.map((k) => labelOf(a.tree.getTreeItem(k)));
      assert.ok(again.some((l) => /^Change failure rate 25% ✓ < 30%$/.test(l)), again.join('\n'));
    } finally {
      writeFileSync(path, before);
      await poll('the config is read again', async () => {
        await a.settled();
        return a.model.find(root)?.config?.metrics === undefined;
      });
    }
  });

  it('shows an unreadable deploy history under Metrics as a message with its fix, never as zero deployments', async () => {
    const a = await api();
    const file = join(await seedDeployHistory(root, 'mx-production', []), 'mx-production.json');
    const good = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, '{ not json');
      a.metrics.invalidate(root);
      const node = (await a.tree.getChildren(undefined))!.find((n) => n.kind === 'metrics');
      assert.ok(node);
      const kids = (await a.tree.getChildren(node))!.map((k) => a.tree.getTreeItem(k));
      assert.equal(kids.length, 1, kids.map(labelOf).join('\n'));
      assert.match(labelOf(kids[0]!), /deployment history .*mx-production\.json is not readable/);
      assert.match(String(kids[0]!.tooltip), /^Fix: Restore it from a backup or delete it/);
      assert.equal(kids[0]!.command?.command, 'releaseManager.showLog');
      assert.equal(a.metrics.peek(root), null, 'an error is not kept: expanding again tries again');
    } finally {
      writeFileSync(file, good);
    }
    a.metrics.invalidate(root);
    const node = (await a.tree.getChildren(undefined))!.find((n) => n.kind === 'metrics');
    const lines = (await a.tree.getChildren(node))!.map((k) => labelOf(a.tree.getTreeItem(k)));
    assert.ok(lines.includes('Change failure rate 25% ✗ < 15%'), lines.join('\n'));
  });
});
