import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../helpers/extensionId';
import { RESULTS_ENV } from '../runMocha';
import { activateFresh, gcFunction, git, median, rowsWhen, traceSpawns, type VisibleRows } from './treeRows';

const FRESH_RUNS = 7;
const REFRESH_RUNS = 5;
const MB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Release tree as users wait for it, inside the real extension host: first paint (a fresh activation until the
 * root rows and every row expanded by default are resolved), a commit made outside the editor until the tree shows
 * it (through the file watcher, and through the Refresh command), and memory. Writes bench.tree.json.
 */
describe('in-host tree measurements', () => {
  it('measures first paint, refresh after a new commit and memory', async function () {
    this.timeout(600_000);
    const ext = vscode.extensions.getExtension<ReleaseManagerApi>(EXTENSION_ID)!;
    const api = await ext.activate();
    await api.settled();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const hasRows = (r: VisibleRows) => r.subjects.length > 0;
    const first = await rowsWhen(api.tree, hasRows);
    // The host after the running instance's first load (other extensions included: the git extension, …).
    const hostHeapMb = process.memoryUsage().heapUsed / MB;
    const gc = gcFunction();
    const dist = join(ext.extensionPath, 'dist');

    // First paint: fresh activations, one after the other (load + activate() + first load + the visible rows).
    const paint: number[] = [];
    const phases: { loadMs: number; activateMs: number; rowsMs: number }[] = [];
    const shares: number[] = [];
    const paintTraces: ReturnType<ReturnType<typeof traceSpawns>['stop']>[] = [];
    for (let i = 0; i < FRESH_RUNS; i++) {
      gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const trace = traceSpawns(dist);
      const t0 = performance.now();
      const fresh = activateFresh(ext);
      try {
        const rows = await rowsWhen(fresh.api.tree, hasRows);
        const t = performance.now() - t0;
        paintTraces.push(trace.stop());
        paint.push(t);
        phases.push({ loadMs: fresh.loadMs, activateMs: fresh.activateMs, rowsMs: t - fresh.loadMs - fresh.activateMs });
        assert.equal(rows.rows, first.rows, 'a fresh instance shows the rows the running one shows');
        if (gc) {
          gc();
          shares.push((process.memoryUsage().heapUsed - heapBefore) / MB);
        }
      } finally {
        fresh.dispose();
      }
    }

    // Refresh after a new commit: `git add` + `git commit` from outside the editor, then until the tree lists it.
    const debounceMs = vscode.workspace.getConfiguration('releaseManager').get<number>('refresh.debounceMs', 400);
    const head = (await git(root, 'rev-parse', 'HEAD')).trim();
    const watcher: number[] = [];
    const watcherEvent: number[] = [];
    const eventToTree: number[] = [];
    const command: number[] = [];
    const refreshTraces: typeof paintTraces = [];
    // A watcher of the bench's own on the files the extension watches: when VS Code reports the commit (its file
    // watcher's delay is not ours) and, from there, how long until the tree shows it (ours).
    const events: number[] = [];
    const probe = vscode.workspace.createFileSystemWatcher('**/{.git/HEAD,.git/index,.git/refs/**}');
    const heard = () => void events.push(performance.now());
    probe.onDidChange(heard);
    probe.onDidCreate(heard);
    probe.onDidDelete(heard);
    const commit = async (n: number, via: string) => {
      const subject = `bench ${via} marker ${n} ${Date.now()}`;
      const started = performance.now();
      writeFileSync(join(root, 'bench-refresh.txt'), `${subject}\n`);
      await git(root, 'add', 'bench-refresh.txt');
      await git(root, 'commit', '-q', '-m', `fix(bench): ${subject}`);
      return { subject, started, at: performance.now() };
    };
    const quiet = async () => {
      await sleep(debounceMs + 300); // the watcher's (and the git extension's) events of the last commit
      await api.settled();
    };
    try {
      await quiet();
      for (let i = 0; i < REFRESH_RUNS; i++) {
        // Through the file watcher (.git/refs, .git/index, …) and the model's debounce, as after a commit in a terminal.
        let c = await commit(i, 'watcher');
        await rowsWhen(api.tree, (r) => r.subjects.includes(c.subject));
        const shown = performance.now();
        watcher.push(shown - c.at);
        // The first event VS Code reported after the commit's end (the extension refreshes on the same events).
        const event = events.find((t) => t >= c.at) ?? events.find((t) => t >= c.started);
        if (event !== undefined && event <= shown) {
          watcherEvent.push(event - c.at);
          eventToTree.push(shown - event);
        }
        await quiet();
        // Through the Refresh command (the view's button), right after the commit.
        c = await commit(i, 'command');
        const trace = traceSpawns(dist);
        await vscode.commands.executeCommand('releaseManager.refresh');
        await rowsWhen(api.tree, (r) => r.subjects.includes(c.subject));
        command.push(performance.now() - c.at);
        refreshTraces.push(trace.stop());
        await quiet();
      }
    } finally {
      probe.dispose();
      await git(root, 'reset', '-q', '--hard', head);
      await api.model.refresh();
    }

    const mid = phases[paint.indexOf(median(paint))]!;
    const metrics = {
      repository: root,
      visibleRows: first.rows,
      firstPaintMsMedian: median(paint),
      firstPaintMsFirst: paint[0],
      firstPaintMs: paint,
      firstPaintPhasesOfMedian: mid,
      // The git processes of the median first paint and of the median Refresh: what ran and when.
      firstPaintGitOfMedian: paintTraces[paint.indexOf(median(paint))],
      refreshGitOfMedian: refreshTraces[command.indexOf(median(command))],
      refreshAfterCommitWatcherMsMedian: median(watcher),
      refreshAfterCommitCommandMsMedian: median(command),
      refreshAfterCommitWatcherMs: watcher,
      // Of the file-watcher path: the commit's end → VS Code's first event, and that event → the tree's rows.
      watcherEventMsMedian: watcherEvent.length > 0 ? median(watcherEvent) : null,
      watcherEventToTreeMsMedian: eventToTree.length > 0 ? median(eventToTree) : null,
      watcherEventToTreeMs: eventToTree,
      refreshAfterCommitCommandMs: command,
      debounceMs,
      hostHeapAfterFirstLoadMb: Math.round(hostHeapMb),
      extensionHeapAfterFirstLoadMbMedian: shares.length > 0 ? Math.round(median(shares) * 10) / 10 : null,
      hostPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      freshRuns: FRESH_RUNS,
      refreshRuns: REFRESH_RUNS,
    };
    const dir = process.env[RESULTS_ENV];
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'bench.tree.json'), JSON.stringify(metrics, null, 2) + '\n');
    }
    assert.equal((await git(root, 'rev-parse', 'HEAD')).trim(), head, 'the benchmark repository is back at its commit');
  });
});
