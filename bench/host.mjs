// In-host benchmark (`npm run bench` runs it after bench/notes.mjs): starts code-server on each synthetic repository,
// runs the measuring suite in the real extension host, and prints bundle size, activation and drafting times.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRun, startCodeServer } from '../scripts/vscode-test/codeServer.mjs';
import { ROOT } from '../scripts/vscode-test/config.mjs';
import { ensureCodeServer } from '../scripts/vscode-test/ensureCodeServer.mjs';
import { runSuite } from '../scripts/vscode-test/runSuite.mjs';
import { ensureRepo, REPOS } from './makeRepo.mjs';
import { printRatioTable, RATIOS_FILE } from './notes.mjs';

const TARGETS = { activationMs: 50, bundleKb: 500, draftMs: 50 };

/** Runs the in-host measuring suite on one repository and returns its metrics. */
async function measure(cs, name, folder) {
  const run = createRun(`bench-${name}`);
  const server = await startCodeServer(cs, run, { trusted: true });
  try {
    const result = await runSuite({ server, run, suiteDir: join(ROOT, 'out/test/vscode/bench'), folder, label: `benchmark on ${name}`, timeoutMs: 600_000 });
    if (!result.ok) throw new Error(`the in-host benchmark failed on ${name}: ${result.summary}`);
    return JSON.parse(readFileSync(join(run.results, 'bench.metrics.json'), 'utf8'));
  } finally {
    await server.stop();
    run.dispose(false);
  }
}

const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const cs = await ensureCodeServer();
const rows = [];
for (const name of Object.keys(REPOS)) {
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
}
const worst = (k) => Math.max(...rows.map((r) => r.m[k]));
console.log(`\nbundle < ${TARGETS.bundleKb} KB: ${verdict(rows[0].m.bundleBytes / 1024 < TARGETS.bundleKb)}`);
console.log(`activation (load + activate) < ${TARGETS.activationMs} ms: ${verdict(worst('loadMsMedian') + worst('activateMs') < TARGETS.activationMs)} (${(worst('loadMsMedian') + worst('activateMs')).toFixed(1)} ms)`);
console.log(`drafting the unreleased range < ${TARGETS.draftMs} ms: ${verdict(worst('draftUnreleasedMsMedian') < TARGETS.draftMs)} (${worst('draftUnreleasedMsMedian').toFixed(1)} ms)`);

// The one table of `npm run bench`: bench/notes.mjs's ratios (saved by its last run) and the in-host ones.
const row = (what, ours, anchor, fmt) => {
  const x = ours / anchor;
  return { what, ours: fmt(ours), anchor: fmt(anchor), ratio: `${x.toFixed(2)}×`, target: '≤ 1×', verdict: x <= 1 ? 'PASS' : 'MISS' };
};
const ms = (v) => `${v.toFixed(1)} ms`;
const hostRows = [
  row('extension bundle (dist/extension.js) ÷ 500 KB', rows[0].m.bundleBytes / 1024, TARGETS.bundleKb, (v) => `${v.toFixed(0)} KB`),
  row('activation (load + activate()) ÷ 50 ms', worst('loadMsMedian') + worst('activateMs'), TARGETS.activationMs, ms),
  row('drafting the unreleased range in the host ÷ 50 ms', worst('draftUnreleasedMsMedian'), TARGETS.draftMs, ms),
  row('tree refresh after a change ÷ 100 ms', worst('refreshMsMedian'), 100, ms),
];
const saved = existsSync(RATIOS_FILE) ? JSON.parse(readFileSync(RATIOS_FILE, 'utf8')) : { rows: [] };
console.log(`\nEvery ratio against its anchor (CLI rows from the last bench/notes.mjs run${saved.load !== undefined ? `, load ${saved.load.toFixed(2)} at its end` : ': none saved'}; in-host rows from this run):`);
printRatioTable([...saved.rows, ...hostRows]);
