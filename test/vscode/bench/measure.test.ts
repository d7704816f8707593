import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultConfig } from '../../../src/core/config';
import { draftNotes } from '../../../src/core/draft';
import type { ReleaseManagerApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../helpers/extensionId';
import { RESULTS_ENV } from '../runMocha';

const RUNS = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Measures, inside the real extension host, what users wait for: loading, activation, drafting the unreleased range. */
describe('in-host measurements', () => {
  it('measures activation and drafting the unreleased range', async function () {
    this.timeout(300_000);
    const ext = vscode.extensions.getExtension<ReleaseManagerApi>(EXTENSION_ID)!;
    const bundle = join(ext.extensionPath, 'dist', 'extension.js');
    // Loading the bundle again (fresh module instance, not activated) measures its parse and evaluation cost.
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      delete require.cache[require.resolve(bundle)];
      const t = performance.now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh, synchronous load is what is measured
      require(bundle);
      loads.push(performance.now() - t);
    }
    const api = await ext.activate();
    await api.settled();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const repo = api.model.repo(root);
    assert.ok(repo, 'the repository was opened');
    const draft: number[] = [];
    const refresh: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await draftNotes(repo, defaultConfig(), { firstTimeContributors: false });
      draft.push(performance.now() - t);
      // As the file watcher's events refresh it (quiet: nothing new, so the views are not told to re-read).
      t = performance.now();
      await api.model.refresh({ quiet: true });
      refresh.push(performance.now() - t);
    }
    const spawns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await new Promise((resolve) => execFile('git', ['--version'], resolve));
      spawns.push(performance.now() - t);
    }
    const notes = api.model.find(root)!.notes!;
    const metrics = {
      repository: root,
      bundleBytes: statSync(bundle).size,
      loadMsMedian: median(loads),
      activateMs: api.activationMs,
      draftUnreleasedMsMedian: median(draft),
      refreshMsMedian: median(refresh),
      gitVersionSpawnMsMedian: median(spawns),
      hostRssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      unreleasedChanges: notes.sections.reduce((k, s) => k + s.entries.length, 0),
      from: notes.range.from,
      runs: RUNS,
    };
    const dir = process.env[RESULTS_ENV];
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'bench.metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
    }
    assert.ok(metrics.unreleasedChanges > 0, 'the benchmark repository has unreleased changes');
  });
});
