// In-host benchmark (`npm run bench` runs it after bench/notes.mjs): starts code-server on each synthetic repository,
// runs the measuring suite in the real extension host (test/vscode/bench), and prints bundle size, activation,
// drafting, the Release tree's first paint and its refresh after a new commit, and memory; then the one ratio table
// (bench/notes.mjs's rows from its last run, and these). Saves this run's metrics and rows in bench/.cache/host.json.
// BENCH_REPOS=monorepo,big measures only those repositories (default: every one of bench/makeRepo.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createRun, startCodeServer } from '../scripts/vscode-test/codeServer.mjs';
import { ROOT } from '../scripts/vscode-test/config.mjs';
import { ensureCodeServer } from '../scripts/vscode-test/ensureCodeServer.mjs';
import { runSuite } from '../scripts/vscode-test/runSuite.mjs';
import { ensureRepo, REPOS } from './makeRepo.mjs';
import { printRatioTable, RATIOS_FILE } from './notes.mjs';

const TARGETS = { activationMs: 50, bundleKb: 500, draftMs: 50, firstPaintMs: 300, refreshMs: 100 };
/** This run's in-host metrics and ratio rows (bench/notes.mjs saves its own rows in ratios.json). */
const HOST_FILE = join(ROOT, 'bench', '.cache', 'host.json');

/** Runs the in-host measuring suite on one repository and returns its metrics (bench.metrics.json, and the tree's in .tree). */
async function measure(cs, name, folder) {
  const run = createRun(`bench-${name}`);
  const server = await startCodeServer(cs, run, { trusted: true });
  try {
    const result = await runSuite({ server, run, suiteDir: join(ROOT, 'out/test/vscode/bench'), folder, label: `benchmark on ${name}`, timeoutMs: 900_000 });
    if (!result.ok) throw new Error(`the in-host benchmark failed on ${name}: ${result.summary}`);
    const read = (file) => JSON.parse(readFileSync(join(run.results, file), 'utf8'));
    return { ...read('bench.metrics.json'), tree: read('bench.tree.json') };
  } finally {
    await server.stop();
    run.dispose(false);
  }
}

/**
 * The bundle's first load and activate(), cold: a fresh Node process (nothing compiled, no warm JIT) that has already
 * loaded the Node built-ins an extension host has loaded, then requires dist/extension.js and calls its activate()
 * ('vscode' and the context answered by a stub that accepts every call). The loads in the host (measure.test) are
 * repeats in one process, which V8 partly remembers, at the host's start-up, when the workbench competes for the CPU.
 * Median of 9 (by the sum).
 */
function coldActivation() {
  const script = `
    for (const m of ['crypto','os','child_process','fs','fs/promises','path','util','events','stream','net','http','https','url','buffer','readline','zlib','string_decoder','worker_threads','timers/promises','perf_hooks','assert','tty','dns']) require('node:' + m);
    const Module = require('node:module');
    const load = Module._load;
    const none = (k) => k === 'then' || typeof k === 'symbol';
    const proto = new Proxy({}, { get: (t, k) => (none(k) ? undefined : stub) });
    const stub = new Proxy(function () {}, { get: (t, k) => (none(k) ? undefined : stub), apply: () => stub, construct: () => stub, getPrototypeOf: () => proto, set: () => true, defineProperty: () => true });
    Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
    const t0 = performance.now();
    const mod = require(${JSON.stringify(join(ROOT, 'dist', 'extension.js'))});
    const t1 = performance.now();
    mod.activate({ subscriptions: [], workspaceState: stub, globalState: stub, secrets: stub, extensionUri: stub, extensionPath: ${JSON.stringify(ROOT)} });
    process.stdout.write(JSON.stringify({ loadMs: t1 - t0, activateMs: performance.now() - t1 }));
    process.exit(0);`;
  const runs = Array.from({ length: 9 }, () => JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  return runs.sort((x, y) => x.loadMs + x.activateMs - (y.loadMs + y.activateMs))[4];
}

const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const cold = coldActivation();
const started = Date.now();
const loadAtStart = loadavg()[0];
const cs = await ensureCodeServer();
const rows = [];
const names = process.env.BENCH_REPOS ? process.env.BENCH_REPOS.split(',') : Object.keys(REPOS);
for (const name of names) {
  if (!REPOS[name]) throw new Error(`BENCH_REPOS: no repository "${name}" (known: ${Object.keys(REPOS).join(', ')}).`);
  const folder = await ensureRepo(join(ROOT, 'bench', '.cache'), name, (m) => console.log(m));
  rows.push({ name, m: await measure(cs, name, folder) });
}
console.log('\nIn the real extension host (code-server 4.139.1 = VS Code 1.139), medians:');
console.log('repository'.padEnd(14), 'bundle'.padStart(9), 'load'.padStart(8), 'activate'.padStart(9), 'draft'.padStart(8), 'refresh'.padStart(8), ' unreleased');
for (const { name, m } of rows) {
  console.log(
    String(name).padEnd(14),
    `${(m.bundleBytes / 1024).toFixed(0)} KB`.padStart(9),
    `${m.loadMsMedian.toFixed(1)} ms`.padStart(8),
    `${m.activateMs.toFixed(1)} ms`.padStart(9),
    `${m.draftUnreleasedMsMedian.toFixed(1)} ms`.padStart(8),
    `${m.refreshMsMedian.toFixed(1)} ms`.padStart(8),
    ` ${m.unreleasedChanges} since ${m.from}`,
  );
  console.log(`  (one \`git --version\` spawned from this extension host: ${m.gitVersionSpawnMsMedian.toFixed(1)} ms; host RSS ${m.hostRssMb} MB)`);
  const t = m.tree;
  const p = t.firstPaintPhasesOfMedian;
  console.log(`  Release tree first paint ${t.firstPaintMsMedian.toFixed(0)} ms (load ${p.loadMs.toFixed(0)} + activate() ${p.activateMs.toFixed(0)} + first load and ${t.visibleRows} rows ${p.rowsMs.toFixed(0)}; the first of ${t.freshRuns} fresh instances: ${t.firstPaintMsFirst.toFixed(0)} ms)`);
  console.log(
    `  new commit → tree: Refresh command ${t.refreshAfterCommitCommandMsMedian.toFixed(0)} ms, file watcher ${t.refreshAfterCommitWatcherMsMedian.toFixed(0)} ms` +
      (t.watcherEventMsMedian != null ? ` (VS Code's first event ${t.watcherEventMsMedian.toFixed(0)} ms after the commit, the tree ${t.watcherEventToTreeMsMedian.toFixed(0)} ms after that event)` : ''),
  );
  for (const [what, g] of [['first paint', t.firstPaintGitOfMedian], ['Refresh', t.refreshGitOfMedian]]) {
    if (!g) continue;
    const by = new Map();
    const sub = (s) => s.what.split(' ').find((a) => !a.startsWith('-')) ?? s.what;
    for (const s of g.spans.filter((x) => x.ours)) by.set(sub(s), (by.get(sub(s)) ?? 0) + 1);
    console.log(
      `  ${what}: ${g.spawns} git processes of ours, ${g.coveredMs.toFixed(0)} of ${g.wallMs.toFixed(0)} ms with one running (sum ${g.sumMs.toFixed(0)} ms): ${[...by].map(([k, n]) => `${k} ×${n}`).join(', ')}` +
        `${g.others ? `; ${g.others} of other extensions (the git extension)` : ''}`,
    );
  }
  console.log(`  memory: extension heap after its first load ${t.extensionHeapAfterFirstLoadMbMedian ?? 'n/a'} MB; host heap ${t.hostHeapAfterFirstLoadMb} MB; host peak RSS ${t.hostPeakRssMb} MB`);
}
const worst = (k) => Math.max(...rows.map((r) => r.m[k]));
const worstTree = (k) => rows.reduce((w, r) => (r.m.tree[k] > w.m.tree[k] ? r : w));
console.log(`\nbundle < ${TARGETS.bundleKb} KB: ${verdict(rows[0].m.bundleBytes / 1024 < TARGETS.bundleKb)}`);
console.log(`activation, cold (a fresh Node): load ${cold.loadMs.toFixed(1)} ms + activate() ${cold.activateMs.toFixed(1)} ms`);
console.log(`activation, cold (load + activate() in a fresh Node) < ${TARGETS.activationMs} ms: ${verdict(cold.loadMs + cold.activateMs < TARGETS.activationMs)} (${(cold.loadMs + cold.activateMs).toFixed(1)} ms)`);
console.log(`activation in the host at its start-up (load + activate), worst: ${(worst('loadMsMedian') + worst('activateMs')).toFixed(1)} ms (the workbench starts beside it)`);
console.log(`drafting the unreleased range < ${TARGETS.draftMs} ms: ${verdict(worst('draftUnreleasedMsMedian') < TARGETS.draftMs)} (${worst('draftUnreleasedMsMedian').toFixed(1)} ms)`);

// The one table of `npm run bench`: bench/notes.mjs's ratios (saved by its last run) and the in-host ones.
const row = (what, ours, anchor, fmt) => {
  const x = ours / anchor;
  return { what, ours: fmt(ours), anchor: fmt(anchor), ratio: `${x.toFixed(2)}×`, target: '≤ 1×', verdict: x <= 1 ? 'PASS' : 'MISS' };
};
const info = (r) => ({ ...r, target: '—', verdict: 'n/a' });
const ms = (v) => `${v.toFixed(1)} ms`;
const mb = (v) => `${v.toFixed(0)} MB`;
/** A repository as the table names it: "monorepo, 10k commits / 1,200 tags". */
const label = (name) => `${name}, ${REPOS[name].commits / 1000}k commits / ${REPOS[name].tags.toLocaleString('en')} tags`;
const command = worstTree('refreshAfterCommitCommandMsMedian');
const watcher = worstTree('refreshAfterCommitWatcherMsMedian');
const afterEvent = rows.filter((r) => r.m.tree.watcherEventToTreeMsMedian != null).reduce((w, r) => (w === null || r.m.tree.watcherEventToTreeMsMedian > w.m.tree.watcherEventToTreeMsMedian ? r : w), null);
const big = rows.find((r) => r.name === 'big')?.m.tree;
const hostRows = [
  row('extension bundle (dist/extension.js) ÷ 500 KB', rows[0].m.bundleBytes / 1024, TARGETS.bundleKb, (v) => `${v.toFixed(0)} KB`),
  row('activation, cold (first load + activate() in a fresh Node) ÷ 50 ms', cold.loadMs + cold.activateMs, TARGETS.activationMs, ms),
  info(row('activation in the host at its start-up (repeated loads + the running activate(), worst) ÷ 50 ms', worst('loadMsMedian') + worst('activateMs'), TARGETS.activationMs, ms)),
  row('drafting the unreleased range in the host ÷ 50 ms', worst('draftUnreleasedMsMedian'), TARGETS.draftMs, ms),
  row('model refresh after an event, nothing changed ÷ 100 ms', worst('refreshMsMedian'), TARGETS.refreshMs, ms),
  ...rows.map(({ name, m }) => row(`Release tree first paint, ${label(name)} ÷ 300 ms`, m.tree.firstPaintMsMedian, TARGETS.firstPaintMs, ms)),
  row(`new commit → tree, Refresh command (worst: ${command.name}) ÷ 100 ms`, command.m.tree.refreshAfterCommitCommandMsMedian, TARGETS.refreshMs, ms),
  // The first change after a quiet spell refreshes at once (the debounce holds only the rest of a burst): from VS Code's
  // file-watcher event on, the time is ours; before it, VS Code's watcher (its delay is printed apart).
  ...(afterEvent ? [row(`file watcher's event → tree (worst: ${afterEvent.name}) ÷ 100 ms`, afterEvent.m.tree.watcherEventToTreeMsMedian, TARGETS.refreshMs, ms)] : []),
  info(row(`new commit → tree through the file watcher, VS Code's delay included (worst: ${watcher.name}) ÷ 100 ms`, watcher.m.tree.refreshAfterCommitWatcherMsMedian, TARGETS.refreshMs, ms)),
  ...(big && big.extensionHeapAfterFirstLoadMbMedian !== null ? [info(row('extension heap after first load, 100k commits ÷ host heap', big.extensionHeapAfterFirstLoadMbMedian, big.hostHeapAfterFirstLoadMb, mb))] : []),
  ...(big ? [info(row('extension host peak RSS, 100k commits ÷ host heap', big.hostPeakRssMb, big.hostHeapAfterFirstLoadMb, mb))] : []),
];
const loadAtEnd = loadavg()[0];
writeFileSync(HOST_FILE, JSON.stringify({ date: new Date().toISOString(), load: { start: loadAtStart, end: loadAtEnd }, repositories: Object.fromEntries(rows.map((r) => [r.name, r.m])), rows: hostRows }, null, 2) + '\n');
const saved = existsSync(RATIOS_FILE) ? JSON.parse(readFileSync(RATIOS_FILE, 'utf8')) : { rows: [] };
console.log(`\nEvery ratio against its anchor (CLI rows from the last bench/notes.mjs run${saved.load !== undefined ? `, load ${saved.load.toFixed(2)} at its end` : ': none saved'}; in-host rows from this run):`);
printRatioTable([...saved.rows, ...hostRows]);
console.log(
  `In-host runs: ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart.toFixed(2)} at their start, ${loadAtEnd.toFixed(2)} at their end` +
    `${Math.max(loadAtStart, loadAtEnd) > 2 ? ' — the machine was busy: these timings are pessimistic' : ''}. Saved in ${HOST_FILE}.`,
);
