// Release Metrics in Restricted Mode: read-only, so it opens and computes (git and the local deploy
// history are read; nothing from the workspace is run); the view says it is in Restricted Mode.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { MetricsReport } from '../../../src/core/metrics/report';
import { extensionUnderTest } from '../manifest';

describe('Release Metrics in Restricted Mode', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens read-only and shows n/a with the reasons when nothing was deployed', async function () {
    this.timeout(60_000);
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const report = (await vscode.commands.executeCommand('releaseManager.showMetrics', { root })) as MetricsReport | null;
    const shown = a.metricsPanel.lastState;
    assert.equal(shown?.trusted, false);
    assert.ok(report, JSON.stringify(shown?.error));
    assert.equal(report.deployments.total, 0);
    assert.equal(report.changeFailureRate.ratio, null, 'n/a, never a silent zero');
    assert.ok(report.warnings.length > 0, 'the view says what is missing');
  });
});
