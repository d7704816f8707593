// Benchmark of `release-manager metrics` (issue 15): 5,000 deployments over the 100k-commit "big" repository,
// end to end through the CLI (Node's start, the config, the deployment history, ONE `git rev-list` walk for
// every lead time, the computation, the JSON). Target: < 2 s. The deployments are a local deploy history
// written straight into the repository's git directory (environment "benchmetrics"; the CLI's own deploys
// keep at most 200 entries, reading has no limit): every 20th commit deployed an hour after it was made,
// as canaries of three steps one time in ten, one in thirty failing, one in fifty rolled back to the one before.
// Run: `npm run build && node bench/metrics.mjs` (also part of `npm run bench`). Knob: BENCH_RUNS (default 5).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRepo } from './makeRepo.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const CLI = join(BENCH, '..', 'dist', 'cli.js');
const CACHE = join(BENCH, '.cache');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DEPLOYMENTS = 5_000;
const TARGET_MS = 2_000;
const ENV = 'benchmetrics';

/** Writes the synthetic deploy history of ENV into the repository's git directory; returns the window start. */
function writeHistory(repo) {
  const lines = execFileSync('git', ['rev-list', '--reverse', '--timestamp', 'main'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n');
  const commits = lines.map((l) => l.split(' ')).map(([t, sha]) => ({ sha, at: Number(t) * 1000 }));
  const step = Math.floor(commits.length / DEPLOYMENTS);
  const entries = [];
  let id = 0;
  const iso = (ms) => new Date(ms).toISOString();
  for (let n = 0; n < DEPLOYMENTS; n++) {
    const c = commits[Math.min(commits.length - 1, (n + 1) * step - 1)];
    const created = c.at + 3_600_000;
    const failed = n % 30 === 29;
    const steps = n % 10 === 0 ? 3 : 1;
    const op = `op-${n.toString(16).padStart(12, '0')}`;
    for (let s = 0; s < steps; s++) {
      const t = created + s * 120_000;
      const end = failed && s === steps - 1 ? 'failure' : 'success';
      entries.push({ id: ++id, environment: ENV, sha: c.sha, ref: c.sha, version: null, createdAt: iso(t), weight: steps === 1 ? null : [10, 50, 100][s], statuses: [{ state: end, createdAt: iso(t + 60_000) }, { state: 'in_progress', createdAt: iso(t + 1_000) }], provider: 'command', correlationId: `${op}-m${s}`, executionId: `${op}-${s}`, operation: 'deploy', step: s + 1, pid: 1, host: 'bench' });
    }
    if (n % 50 === 49 && n > 0) {
      // A rollback to the commit deployed before.
      const back = commits[n * step - 1];
      const t = created + 1_800_000;
      entries.push({ id: ++id, environment: ENV, sha: back.sha, ref: back.sha, version: null, createdAt: iso(t), weight: null, statuses: [{ state: 'success', createdAt: iso(t + 90_000) }], provider: 'command', correlationId: `op-rb${n.toString(16).padStart(9, '0')}-m0`, executionId: `rb-${n}`, operation: 'rollback', step: 1, pid: 1, host: 'bench' });
    }
  }
  const gitDir = execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: repo, encoding: 'utf8' }).trim();
  const dir = join(repo, gitDir, 'release-manager', 'deployments');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${ENV}.json`), JSON.stringify({ kind: 'local-deployments', version: 1, environment: ENV, entries: entries.reverse() }));
  return { since: iso(commits[0].at - 86_400_000), until: iso(commits[commits.length - 1].at + 30 * 86_400_000), entries: entries.length };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const HAS_TIME = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/** Runs the metrics command once: wall time (ms), peak RSS (KB, when GNU time is there) and the report. */
function runOnce(repo, window) {
  const args = [CLI, 'metrics', '--repo', repo, '--env', ENV, '--since', window.since, '--until', window.until, '--format', 'json'];
  const started = performance.now();
  const r = HAS_TIME ? spawnSync('/usr/bin/time', ['-f', 'RSS %M CPU %U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }) : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`metrics exited ${r.status}: ${r.stderr.slice(-500)}`);
  const m = HAS_TIME ? /RSS (\d+) CPU ([\d.]+) ([\d.]+)/.exec(r.stderr) : null;
  // CPU: user + system seconds of node and the git it waited for (less sensitive to a busy machine than wall time).
  return { ms, rss: m ? Number(m[1]) : null, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : null, report: JSON.parse(r.stdout) };
}

/** Measures the metrics of 5,000 deployments on the 100k-commit repository; returns the median and the report's counts. */
export async function benchMetrics(log = console.log) {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first.');
  const repo = await ensureRepo(CACHE, 'big', log);
  const window = writeHistory(repo);
  runOnce(repo, window); // warm-up
  const runs = Array.from({ length: RUNS }, () => runOnce(repo, window));
  const ms = median(runs.map((r) => r.ms));
  const rss = HAS_TIME ? median(runs.map((r) => r.rss)) : null;
  const cpuMs = HAS_TIME ? median(runs.map((r) => r.cpuMs)) : null;
  const r = runs[0].report;
  return { ms, rss, cpuMs, load: loadavg()[0], min: Math.min(...runs.map((x) => x.ms)), max: Math.max(...runs.map((x) => x.ms)), runs: RUNS, entries: window.entries, report: r };
}

/** One printed row and the target line, in the style of bench/notes.mjs. */
export function printMetricsBench(m) {
  const d = m.report.deployments;
  console.log(`\nmetrics, 5,000 deployments (${m.entries.toLocaleString('en')} history entries) / 100k commits: ${Math.round(m.ms)} ms wall (${Math.round(m.min)}–${Math.round(m.max)} ms)${m.cpuMs !== null ? `, ${Math.round(m.cpuMs)} ms CPU (node + git)` : ''}${m.rss ? `, ${Math.round(m.rss / 1024)} MB` : ''}, median of ${m.runs} runs, load average ${m.load.toFixed(2)} on ${cpus().length} CPUs`);
  console.log(`  counted: ${d.total} deployments (${d.succeeded} succeeded, ${d.failed} failed, ${d.rolledBack} rolled back), lead time over ${m.report.leadTime.commits.toLocaleString('en')} commits`);
  console.log(`  ${m.ms < TARGET_MS ? 'PASS' : 'MISS'}  metrics on 5,000 deployments and 100k commits < ${TARGET_MS / 1000} s: ${Math.round(m.ms)} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printMetricsBench(await benchMetrics());
