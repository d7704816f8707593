// Benchmark of the release-notes CLI (`npm run bench`): our CLI against a raw `git log` floor, `git describe` and git-cliff,
// on two cached synthetic repositories (100k commits / 1,000 tags, and 20k commits / 12,000 tags).
// Knobs: BENCH_RUNS (measured runs per case, default 5), BENCH_TIMEOUT_S (cap of every run, default 120).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRepo, NEWCOMER_BRANCH, REPOS } from './makeRepo.mjs';
import { benchMetrics, printMetricsBench } from './metrics.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const CACHE = join(BENCH, '.cache');
const CLI = join(ROOT, 'dist/cli.js');
const TRACE_PRELOAD = join(BENCH, 'traceSpawn.cjs');
const CLIFF_CONFIG = join(BENCH, 'cliff.toml');
/** The ratio rows of the last run, for bench/host.mjs to print with its own as one table. */
export const RATIOS_FILE = join(CACHE, 'ratios.json');
/** git-cliff is not a devDependency: a pinned copy is installed on demand under bench/.cache/. */
const CLIFF_VERSION = '2.14.2';
const CLIFF_DIR = join(CACHE, `git-cliff-${CLIFF_VERSION}`);

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WARMUPS = 1;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 120) * 1000;
/** A case whose warm-up takes longer than this gets a single measured run. */
const SLOW_MS = 10_000;
const TRACE_RUNS = 3;
const MB = 1024;

/**
 * notesVsDescribe: what 12,000 tags add to our notes (notes on "manyTags" minus notes on "big", 1,000 tags, run
 * interleaved) is at most `git describe` on 12,000 tags. Comparing the whole run with describe cannot pass for any
 * Node CLI: starting Node alone takes about as long as describe.
 */
const TARGETS = { changelogVsFloor: 1.5, changelogRssMb: 150, notesVsCliff: 2, notesVsDescribe: 1 };

let currentChild = null;
let hadError = false;

/** The git-cliff binary the npm wrapper runs, when its platform package is installed under `base`. */
function nativeCliffPath(base) {
  try {
    return createRequire(join(base, 'package.json')).resolve(`git-cliff-${platform() === 'win32' ? 'windows' : platform()}-${arch()}/bin/git-cliff`);
  } catch {
    return null;
  }
}

/** git-cliff's npm wrapper and native binary: the project's own install if there is one, else the cached pinned copy. */
function findCliff() {
  for (const base of [ROOT, CLIFF_DIR]) {
    const wrapper = join(base, 'node_modules/.bin/git-cliff');
    if (existsSync(wrapper)) return { wrapper, native: nativeCliffPath(base) };
  }
  return null;
}

/** Finds git-cliff, installing the pinned version from the npm registry into bench/.cache/ when missing; null when that fails. */
function ensureCliff() {
  const found = findCliff();
  if (found) return found;
  console.log(`installing git-cliff@${CLIFF_VERSION} into ${CLIFF_DIR} (not a devDependency) ...`);
  mkdirSync(CLIFF_DIR, { recursive: true });
  writeFileSync(join(CLIFF_DIR, 'package.json'), JSON.stringify({ private: true, dependencies: { 'git-cliff': CLIFF_VERSION } }, null, 2) + '\n');
  const r = spawnSync('npm', ['install', '--prefix', CLIFF_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
  const cliff = r.status === 0 ? findCliff() : null;
  if (!cliff) console.log('git-cliff could not be installed: its cases are reported as n/a.');
  return cliff;
}

/** Bundles GIT_CONFIG_ARGS (src/git/gitProcess.ts), logFormat() and STREAM_ENV (src/git/logStream.ts) with esbuild, so the floor cannot drift from the adapter. */
async function loadAdapter() {
  const { build } = await import('esbuild');
  const outfile = join(CACHE, 'adapter.cjs');
  await build({
    stdin: { contents: "export { GIT_CONFIG_ARGS } from './src/git/gitProcess'; export { logFormat, SIZED_LOG_ARGS, STREAM_ENV } from './src/git/logStream';", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

/** True when GNU time is there to report peak RSS (`/usr/bin/time -f %M`). */
function detectGnuTime() {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
}
const HAS_TIME = detectGnuTime();

/** The environment of every measured command: ours, minus GIT_* variables that could point git elsewhere. */
function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return { ...env, ...extra };
}

/** Runs one command once: wall time, peak RSS (largest process of the tree, GNU time), stdout bytes (drained), exit status. */
function runOnce(cmd, args, { cwd, env = cleanEnv(), before }) {
  before?.();
  const tmp = mkdtempSync(join(tmpdir(), 'rm-bench-'));
  const rssFile = join(tmp, 'rss');
  const [file, argv] = HAS_TIME ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    currentChild = child;
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, TIMEOUT_MS);
    child.stdout.on('data', (chunk) => (outBytes += chunk.length));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      currentChild = null;
      const rssKb = readRss(rssFile);
      rmSync(tmp, { recursive: true, force: true });
      resolve({ ms, rssKb, code, timedOut, outBytes, stderr });
    });
  });
}

/** Kills a measured command and everything it started (it leads its own process group). */
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Peak RSS in KB from GNU time's output file (its last numeric line), or null. */
function readRss(file) {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const last = lines[lines.length - 1];
  return /^\d+$/.test(last) ? Number(last) : null;
}

/** Median of numbers (null when empty). */
function median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A case to measure; a null `cmd` means its tool is not installed (the case is reported as n/a). */
function task(label, cmd, args, opts) {
  return { label, cmd, args, opts };
}

/**
 * Measures cases side by side: one warm-up each, then RUNS rounds that run every case once, so cases compared
 * in a ratio see the same machine conditions. A case slower than SLOW_MS gets one measured run; a timeout or
 * an error stops it. Returns the results under the same keys.
 */
async function measureTogether(cases) {
  const state = Object.entries(cases).map(([key, c]) => ({ key, c, samples: [], slow: false, end: c.cmd ? null : { status: 'missing' } }));
  process.stdout.write(`  ${state.map((s) => s.c.label).join(' | ')}\n  `);
  for (const s of state) {
    if (s.end) continue;
    for (let i = 0; i < WARMUPS && !s.end; i++) record(s, await runOnce(s.c.cmd, s.c.args, s.c.opts), true);
  }
  for (let round = 0; round < RUNS; round++) {
    for (const s of state) {
      if (s.end || (s.slow && s.samples.length > 0)) continue;
      record(s, await runOnce(s.c.cmd, s.c.args, s.c.opts), false);
    }
  }
  process.stdout.write('\n');
  return Object.fromEntries(state.map((s) => [s.key, report(summarize(s))]));
}

/** Files one run of a case: a sample, or the end of the case (timeout, error); a slow warm-up marks the case slow. */
function record(s, r, warmUp) {
  process.stdout.write(r.timedOut ? 'T' : r.code !== 0 ? 'E' : '.');
  s.outBytes = r.outBytes;
  if (r.timedOut) s.end = { status: 'timeout', runs: s.samples.length + 1 };
  else if (r.code !== 0) s.end = { status: 'error', code: r.code, stderr: r.stderr };
  else if (warmUp) s.slow = r.ms > SLOW_MS;
  else s.samples.push(r);
}

/** The result of a case: medians of its samples, or how it ended. */
function summarize(s) {
  const base = { label: s.c.label, slow: s.slow, outBytes: s.outBytes ?? 0 };
  if (s.end) return { ...base, ...s.end };
  const times = s.samples.map((x) => x.ms);
  const rss = s.samples.map((x) => x.rssKb).filter((v) => v !== null);
  return { ...base, status: 'ok', runs: s.samples.length, ms: median(times), min: Math.min(...times), max: Math.max(...times), rssKb: median(rss) };
}

/** Prints the one-line outcome of a case, and returns it. */
function report(r) {
  const head = `  ${r.label}: `;
  if (r.status === 'missing') console.log(`${head}n/a (not installed)`);
  else if (r.status === 'timeout') console.log(`${head}> ${TIMEOUT_MS / 1000} s (timeout, stopped after ${r.runs} run)`);
  else if (r.status === 'error') {
    hadError = true;
    console.log(`${head}ERROR: exit ${r.code}\n${r.stderr.trim().split('\n').slice(-5).map((l) => `      ${l}`).join('\n')}`);
  } else {
    const spread = `${fmtTime(r.min)}–${fmtTime(r.max)}`;
    console.log(`${head}${fmtTime(r.ms)} (${spread}), ${fmtRss(r.rssKb)}, ${fmtBytes(r.outBytes)} out, ${r.runs} run${r.runs > 1 ? 's' : ''}${r.slow ? ' (slow: fewer runs)' : ''}`);
  }
  return r;
}

/** Milliseconds as "123 ms" or "1.23 s". */
function fmtTime(ms) {
  if (ms === null || ms === undefined) return 'n/a';
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Peak RSS in KB as "85 MB", or "n/a" without GNU time. */
function fmtRss(kb) {
  return kb === null || kb === undefined ? 'RSS n/a' : `${(kb / MB).toFixed(0)} MB`;
}

/** A byte count as "3.9 MB" / "12 KB" / "935 B". */
function fmtBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return n >= 1e3 ? `${(n / 1e3).toFixed(0)} KB` : `${n} B`;
}

/** A result as a table cell: "1.23 s · 85 MB", "> 120 s (timeout)", "error". */
function cell(r) {
  if (!r) return '—';
  if (typeof r === 'string') return r;
  if (r.status === 'timeout') return `> ${TIMEOUT_MS / 1000} s (timeout)`;
  if (r.status === 'error') return 'error';
  if (r.status === 'missing') return 'n/a (not installed)';
  return `${fmtTime(r.ms)} · ${fmtRss(r.rssKb)}${r.slow ? ` (${r.runs} run)` : ''}`;
}

/** ours ÷ reference as "1.42×"; a bound when the reference timed out; "—" when it cannot be computed. */
function ratio(ours, ref) {
  if (!ours || !ref || typeof ref === 'string' || [ours.status, ref.status].some((s) => s === 'error' || s === 'missing')) return '—';
  if (ours.status === 'timeout') return ref.status === 'timeout' ? '—' : `> ${(TIMEOUT_MS / ref.ms).toFixed(2)}×`;
  if (ref.status === 'timeout') return `< ${(ours.ms / TIMEOUT_MS).toFixed(3)}×`;
  return `${(ours.ms / ref.ms).toFixed(2)}×`;
}

/** Prints rows as an aligned, markdown-compatible table. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/**
 * The floor: the adapter's own `git log` (LocalGitRepo.log in src/git/gitRepo.ts) over the whole history, with the
 * environment the adapter adds for it (STREAM_ENV: GIT_FLUSH=0, block-buffered output, which makes git itself faster).
 */
function floorOf(adapter) {
  const { format } = adapter.logFormat();
  const args = [...adapter.GIT_CONFIG_ARGS, 'log', '--no-color', '--no-decorate', '--no-show-signature', ...adapter.SIZED_LOG_ARGS, `--format=${format}`, '--end-of-options', 'HEAD', '--'];
  return { args, env: cleanEnv(adapter.STREAM_ENV) };
}

/** Our CLI invocation (node + the bundle). */
function cli(...args) {
  return ['node', [CLI, ...args]];
}

/** git-cliff arguments, with the default configuration written out in bench/cliff.toml. */
function cliffArgs(repo, ...args) {
  return ['--config', CLIFF_CONFIG, '--repository', repo, ...args];
}

/** Where the changelog keeps its cache in a repository (src/git/changelogCache.ts). */
function changelogCache(repo) {
  return join(repo, '.git', 'release-manager', 'cache', 'changelog');
}

/**
 * The changelog without its cache (a first run: the whole history read, the cache written) and with it (each warm run
 * follows a cold one of its format, which has just written the cache). The cold runs remove the cache first.
 */
function changelogCases(repo, o) {
  const cold = { ...o, before: () => rmSync(changelogCache(repo), { recursive: true, force: true }) };
  return {
    changelog: task('release-manager changelog --format markdown (cache cold)', ...cli('changelog', '--repo', repo, '--format', 'markdown'), cold),
    changelogWarm: task('release-manager changelog --format markdown (cache warm)', ...cli('changelog', '--repo', repo, '--format', 'markdown'), o),
    changelogJson: task('release-manager changelog --format json (cache cold)', ...cli('changelog', '--repo', repo, '--format', 'json'), cold),
    changelogJsonWarm: task('release-manager changelog --format json (cache warm)', ...cli('changelog', '--repo', repo, '--format', 'json'), o),
  };
}

/** Measures every case of the 100k-commit repository; cases compared in a ratio run interleaved. */
async function benchBig(repo, floor, cliff) {
  const o = { cwd: repo };
  const whole = await measureTogether({
    floor: task('git log, whole history (floor)', 'git', floor.args, { ...o, env: floor.env }),
    ...changelogCases(repo, o),
  });
  const cliffWhole = await measureTogether({ cliffFull: task('git-cliff (whole changelog)', cliff?.wrapper, cliffArgs(repo), o) });
  const unreleased = await measureTogether({
    notes: task('release-manager notes', ...cli('notes', '--repo', repo), o),
    cliffUnreleased: task('git-cliff --unreleased', cliff?.wrapper, cliffArgs(repo, '--unreleased'), o),
    cliffNative: task('git-cliff --unreleased (native binary, no npm wrapper)', cliff?.native, cliffArgs(repo, '--unreleased'), o),
    newcomer: task(`release-manager notes --to ${NEWCOMER_BRANCH} (first-time contributor, contributor cache warm)`, ...cli('notes', '--repo', repo, '--to', NEWCOMER_BRANCH), o),
    newcomerCold: task(`release-manager notes --to ${NEWCOMER_BRANCH} (first-time contributor, contributor cache cold)`, ...cli('notes', '--repo', repo, '--to', NEWCOMER_BRANCH), { ...o, before: () => rmSync(join(repo, '.git', 'release-manager', 'cache'), { recursive: true, force: true }) }),
    node: task("node -e ''", 'node', ['-e', ''], o),
  });
  return { ...whole, ...cliffWhole, ...unreleased };
}

/** Measures every case of the 12,000-tag repository (and notes on "big" beside them, for what the tag count costs). */
async function benchManyTags(repo, floor, cliff, fewTagsRepo) {
  const o = { cwd: repo };
  const unreleased = await measureTogether({
    describe: task('git describe --tags --abbrev=0', 'git', ['describe', '--tags', '--abbrev=0'], o),
    notes: task('release-manager notes', ...cli('notes', '--repo', repo), o),
    notesFewTags: task('release-manager notes on "big" (1,000 tags)', ...cli('notes', '--repo', fewTagsRepo), { cwd: fewTagsRepo }),
    cliffUnreleased: task('git-cliff --unreleased', cliff?.wrapper, cliffArgs(repo, '--unreleased'), o),
  });
  const whole = await measureTogether({
    floor: task('git log, whole history (floor)', 'git', floor.args, { ...o, env: floor.env }),
    changelog: task('release-manager changelog --format markdown (cache cold)', ...cli('changelog', '--repo', repo, '--format', 'markdown'), { ...o, before: () => rmSync(changelogCache(repo), { recursive: true, force: true }) }),
  });
  return { ...unreleased, ...whole };
}

/** Measures start-up alone: bare node, our bundle's --help, git-cliff's --version (wrapper and native). */
async function benchStartup(cliff) {
  const o = { cwd: ROOT };
  return measureTogether({
    node: task("node -e ''", 'node', ['-e', ''], o),
    help: task('release-manager --help (startup)', ...cli('--help'), o),
    cliff: task('git-cliff --version (npm wrapper)', cliff?.wrapper, ['--version'], o),
    cliffNative: task('git-cliff --version (native binary)', cliff?.native, ['--version'], o),
  });
}

/** Runs the CLI with the spawn-tracing preload and returns its timeline (ms since process start). */
async function traceOnce(args, cwd) {
  const tmp = mkdtempSync(join(tmpdir(), 'rm-trace-'));
  const file = join(tmp, 'trace.json');
  const r = await runOnce('node', ['--require', TRACE_PRELOAD, CLI, ...args], { cwd, env: cleanEnv({ BENCH_TRACE_FILE: file }) });
  const trace = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  rmSync(tmp, { recursive: true, force: true });
  return r.code === 0 ? trace : null;
}

/** Splits a timeline into: before the first git call, git running (union of calls), and JS alone. */
function phases(trace) {
  const events = [...trace.events].sort((a, b) => a.start - b.start);
  const boot = events.length ? events[0].start : trace.exit;
  let busy = 0;
  let reach = boot;
  for (const e of events) {
    if (e.end <= reach) continue;
    busy += e.end - Math.max(e.start, reach);
    reach = e.end;
  }
  return { total: trace.exit, boot, git: busy, js: trace.exit - boot - busy, events };
}

/** Traces a CLI case a few times and prints the phases of the median run and its git calls. */
async function breakdown(label, args, cwd) {
  const runs = [];
  for (let i = 0; i < TRACE_RUNS; i++) {
    const t = await traceOnce(args, cwd);
    if (t) runs.push(phases(t));
  }
  if (runs.length === 0) return console.log(`  ${label}: trace failed`);
  const p = runs.sort((a, b) => a.total - b.total)[Math.floor(runs.length / 2)];
  const ms = (v) => `${v.toFixed(0)} ms`;
  console.log(`  ${label}: ${ms(p.total)} = before first git call ${ms(p.boot)} + git running ${ms(p.git)} (${p.events.length} calls) + JS alone ${ms(p.js)}`);
  console.log(`      git calls: ${p.events.map((e) => `${e.name.replace(/^git /, '')} ${ms(e.end - e.start)}`).join(' · ')}`);
}

/** Formats the PASS/MISS line of one target. */
function target(ok, text) {
  return `  ${ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS'}  ${text}`;
}

/** True when both results have a time. */
function timed(...rs) {
  return rs.every((r) => r && r.status === 'ok');
}

/** Prints the side-by-side tables. */
function printTables(startup, big, many) {
  const header = ['Task', 'git', 'release-manager', 'git-cliff (npm)', 'ours ÷ git', 'ours ÷ git-cliff'];
  const b = REPOS.big;
  console.log(`\nRepository "big": ${b.commits.toLocaleString('en')} commits, ${b.tags.toLocaleString('en')} tags, ${b.unreleased} unreleased commits`);
  printTable(header, [
    ['whole changelog, cache cold', cell(big.floor) + ' (log)', cell(big.changelog), cell(big.cliffFull), ratio(big.changelog, big.floor), ratio(big.changelog, big.cliffFull)],
    ['whole changelog, cache warm', cell(big.floor) + ' (log)', cell(big.changelogWarm), cell(big.cliffFull), ratio(big.changelogWarm, big.floor), ratio(big.changelogWarm, big.cliffFull)],
    ['unreleased notes', '—', cell(big.notes), cell(big.cliffUnreleased), '—', ratio(big.notes, big.cliffUnreleased)],
    ['unreleased notes vs native git-cliff', '—', cell(big.notes), cell(big.cliffNative) + ' (native)', '—', ratio(big.notes, big.cliffNative)],
    ['whole changelog, --format json, cache cold', cell(big.floor) + ' (log)', cell(big.changelogJson), '—', ratio(big.changelogJson, big.floor), '—'],
    ['whole changelog, --format json, cache warm', cell(big.floor) + ' (log)', cell(big.changelogJsonWarm), '—', ratio(big.changelogJsonWarm, big.floor), '—'],
    ['notes, first-time contributor, cache warm', '—', cell(big.newcomer), cell(big.cliffUnreleased), '—', ratio(big.newcomer, big.cliffUnreleased)],
    ['notes, first-time contributor, cache cold', '—', cell(big.newcomerCold), cell(big.cliffUnreleased), '—', ratio(big.newcomerCold, big.cliffUnreleased)],
  ]);
  const m = REPOS.manyTags;
  console.log(`\nRepository "manyTags": ${m.commits.toLocaleString('en')} commits, ${m.tags.toLocaleString('en')} tags, ${m.unreleased} unreleased commits`);
  printTable(header, [
    ['last release / unreleased notes', cell(many.describe) + ' (describe)', cell(many.notes), cell(many.cliffUnreleased), ratio(many.notes, many.describe), ratio(many.notes, many.cliffUnreleased)],
    ['whole changelog, cache cold', cell(many.floor) + ' (log)', cell(many.changelog), 'not run', ratio(many.changelog, many.floor), '—'],
  ]);
  console.log('\nStartup (no repository work)');
  printTable(['Command', 'median · peak RSS'], [
    ["node -e ''", cell(startup.node)],
    ['node dist/cli.js --help', cell(startup.help)],
    ['git-cliff --version (npm wrapper)', cell(startup.cliff)],
    ['git-cliff --version (native binary)', cell(startup.cliffNative)],
  ]);
}

/** Prints the targets with PASS/MISS; returns how many were met. */
function printTargets(big, many) {
  const t = TARGETS;
  const lines = [];
  const limit = timed(big.floor) ? fmtTime(t.changelogVsFloor * big.floor.ms) : 'n/a';
  const within = (r) => (timed(r, big.floor) ? r.ms <= t.changelogVsFloor * big.floor.ms : false);
  const okFloor = within(big.changelogWarm) && within(big.changelogJsonWarm);
  lines.push(target(okFloor, `changelog, 100k commits ≤ ${t.changelogVsFloor}× the git log floor, cache warm (every run between two releases): markdown ${cell(big.changelogWarm)}, json ${cell(big.changelogJsonWarm)} vs limit ${limit} (${ratio(big.changelogWarm, big.floor)}, ${ratio(big.changelogJsonWarm, big.floor)})`));
  lines.push(target(within(big.changelog) && within(big.changelogJson), `the same, cache cold (the first run after a release, a fresh clone): markdown ${cell(big.changelog)}, json ${cell(big.changelogJson)} (${ratio(big.changelog, big.floor)}, ${ratio(big.changelogJson, big.floor)}) — information, not counted`));
  const rss = big.changelog?.rssKb;
  lines.push(target(rss === null || rss === undefined ? null : rss / MB < t.changelogRssMb, `changelog, 100k commits, peak RSS < ${t.changelogRssMb} MB: ${fmtRss(rss)}`));
  const cliffMs = big.cliffUnreleased?.status === 'timeout' ? TIMEOUT_MS : big.cliffUnreleased?.ms;
  const okCliff = big.cliffUnreleased?.status === 'missing' ? null : timed(big.notes) && cliffMs ? big.notes.ms <= t.notesVsCliff * cliffMs : false;
  lines.push(target(okCliff, `unreleased notes ≤ ${t.notesVsCliff}× git-cliff --unreleased (npm): ${cell(big.notes)} vs limit ${cliffMs ? fmtTime(t.notesVsCliff * cliffMs) : 'n/a'} (${ratio(big.notes, big.cliffUnreleased)})`));
  if (timed(big.notes, big.cliffNative)) {
    const native = big.notes.ms <= t.notesVsCliff * big.cliffNative.ms;
    lines.push(`        (against the native git-cliff binary the same target would ${native ? 'PASS' : 'MISS'}: limit ${fmtTime(t.notesVsCliff * big.cliffNative.ms)}, ${ratio(big.notes, big.cliffNative)})`);
  }
  const tagCost = timed(many.notes, many.notesFewTags) ? many.notes.ms - many.notesFewTags.ms : null;
  const okDescribe = tagCost !== null && timed(many.describe) ? tagCost <= t.notesVsDescribe * many.describe.ms : false;
  lines.push(
    target(
      okDescribe,
      `12,000 tags cost our notes no more than git describe: notes ${cell(many.notes)} − notes with 1,000 tags ${cell(many.notesFewTags)} = ${tagCost === null ? 'n/a' : fmtTime(tagCost)} vs describe ${cell(many.describe)}`,
    ),
  );
  if (timed(many.notes, many.describe)) lines.push(`        (whole runs: notes ${fmtTime(many.notes.ms)} vs describe ${fmtTime(many.describe.ms)}, ${ratio(many.notes, many.describe)}; Node's start alone is about describe's time)`);
  console.log('\nTargets');
  lines.forEach((l) => console.log(l));
  const scored = [okFloor, rss ? rss / MB < t.changelogRssMb : null, okCliff, okDescribe].filter((v) => v !== null);
  console.log(`  ${scored.filter(Boolean).length} of ${scored.length} targets met.`);
}

/** One ratio row: what, ours, the anchor, ours ÷ anchor, the target and its verdict (null: not measured). */
function ratioRow(what, ours, anchor, limit, { value = (r) => r?.ms, fmt = fmtTime } = {}) {
  const a = value(anchor);
  const o = value(ours);
  const ok = typeof o === 'number' && typeof a === 'number' && a > 0;
  const x = ok ? o / a : null;
  return { what, ours: ok || typeof o === 'number' ? fmt(o) : cell(ours), anchor: typeof a === 'number' ? fmt(a) : cell(anchor), ratio: x === null ? '—' : `${x.toFixed(2)}×`, target: limit === null ? '—' : `≤ ${limit}×`, verdict: x === null || limit === null ? 'n/a' : x <= limit ? 'PASS' : 'MISS' };
}

/** Every ratio of this run against its anchor, measured side by side; saved for bench/host.mjs, which adds the in-host rows and prints the one table. */
function ratioRows(startup, big, many, metrics) {
  const rss = (r) => (r?.status === 'ok' && r.rssKb ? r.rssKb / MB : undefined);
  const mb = (v) => (typeof v === 'number' ? `${v.toFixed(0)} MB` : 'n/a');
  const fixed = (v) => ({ status: 'ok', ms: v });
  return [
    ratioRow('changelog markdown, 100k commits, cache warm ÷ git log floor', big.changelogWarm, big.floor, TARGETS.changelogVsFloor),
    ratioRow('changelog json, 100k commits, cache warm ÷ git log floor', big.changelogJsonWarm, big.floor, TARGETS.changelogVsFloor),
    ratioRow('changelog markdown, 100k commits, cache cold ÷ git log floor', big.changelog, big.floor, null),
    ratioRow('changelog json, 100k commits, cache cold ÷ git log floor', big.changelogJson, big.floor, null),
    ratioRow('changelog markdown peak RSS ÷ 150 MB', big.changelog, { rssKb: TARGETS.changelogRssMb * MB, status: 'ok' }, 1, { value: rss, fmt: mb }),
    ratioRow('changelog json peak RSS ÷ 150 MB', big.changelogJson, { rssKb: TARGETS.changelogRssMb * MB, status: 'ok' }, 1, { value: rss, fmt: mb }),
    ratioRow('changelog json peak RSS ÷ git log floor RSS', big.changelogJson, big.floor, null, { value: rss, fmt: mb }),
    ratioRow('notes, unreleased ÷ git-cliff --unreleased', big.notes, big.cliffUnreleased, TARGETS.notesVsCliff),
    ratioRow('notes, first-time contributor, cache warm ÷ git-cliff', big.newcomer, big.cliffUnreleased, TARGETS.notesVsCliff),
    ratioRow('notes, first-time contributor, cache cold ÷ git-cliff', big.newcomerCold, big.cliffUnreleased, null),
    ratioRow("notes, unreleased ÷ node -e ''", big.notes, big.node, null),
    ratioRow("notes, cache warm ÷ node -e ''", big.newcomer, big.node, null),
    ratioRow('12,000 tags: notes ÷ git describe', many.notes, many.describe, null),
    ratioRow("CLI start-up (--help) ÷ node -e ''", startup.help, startup.node, null),
    ratioRow('metrics, 5,000 deployments / 100k commits ÷ 2 s', metrics ? fixed(metrics.ms) : null, fixed(2000), 1),
  ];
}

/** Prints ratio rows as one table. */
export function printRatioTable(rows) {
  printTable(['Measure', 'ours', 'anchor', 'ratio', 'target', ''], rows.map((r) => [r.what, r.ours, r.anchor, r.ratio, r.target, r.verdict]));
}

/** One line about the machine and the tools, so results can be compared across runs. */
function environment(cliff) {
  const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  const cliffVersion = cliff ? spawnSync(cliff.native ?? cliff.wrapper, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'git-cliff n/a';
  const size = (statSync(CLI).size / 1024).toFixed(0);
  return `node ${process.version}, ${gitVersion}, ${cliffVersion}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; dist/cli.js ${size} KB`;
}

/** The 1-minute load average; at the start a high one means other work competes for the CPUs (timings then drift). */
function loadNote(when) {
  const load = loadavg()[0];
  const busy = when === 'at start' && load > cpus().length * 0.5;
  const own = when === 'at end' ? " (includes the benchmark's own runs)" : '';
  return `Load average ${when}: ${load.toFixed(2)} on ${cpus().length} CPUs${own}${busy ? ' — WARNING: the machine is busy, timings will be noisy; rerun when idle.' : '.'}`;
}

/** Entry point: build or reuse the repositories, measure, print tables, targets and the time breakdown. */
async function main() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (or `npm run bench`).');
  const floor = floorOf(await loadAdapter());
  const bigRepo = await ensureRepo(CACHE, 'big', (m) => console.log(m));
  const manyRepo = await ensureRepo(CACHE, 'manyTags', (m) => console.log(m));
  const cliff = ensureCliff();
  console.log(`\nRelease Manager notes benchmark — ${environment(cliff)}`);
  console.log(loadNote('at start'));
  console.log(`Median of ${RUNS} run${RUNS === 1 ? '' : 's'} after ${WARMUPS} warm-up (1 run when the warm-up exceeds ${SLOW_MS / 1000} s); every run capped at ${TIMEOUT_MS / 1000} s.`);
  console.log('Cases compared in a ratio run interleaved (round-robin), so a busy moment hits both sides. Progress: . run, T timeout, E error.');
  console.log(HAS_TIME ? 'Peak RSS: GNU time %M, the largest single process of the command (node, or git, or git-cliff).' : 'Peak RSS: n/a (/usr/bin/time is not GNU time or is missing; apt-get install time).');
  console.log('\nStartup');
  const startup = await benchStartup(cliff);
  console.log('\nRepository "big"');
  const big = await benchBig(bigRepo, floor, cliff);
  console.log('\nRepository "manyTags"');
  const many = await benchManyTags(manyRepo, floor, cliff, bigRepo);
  printTables(startup, big, many);
  printTargets(big, many);
  // Release metrics (issue 15): 5,000 deployments over the same 100k-commit repository, target < 2 s.
  const metrics = await benchMetrics((m) => console.log(m));
  printMetricsBench(metrics);
  const rows = ratioRows(startup, big, many, metrics);
  writeFileSync(RATIOS_FILE, JSON.stringify({ load: loadavg()[0], rows }));
  console.log(`\nEvery ratio against its anchor (measured side by side; bench/host.mjs adds the in-host rows to this table):`);
  printRatioTable(rows);
  console.log(`\nWhere our time goes (spawn trace, median of ${TRACE_RUNS} runs; "JS alone" = no git process running: our parsing, grouping, rendering, GC, spawn latency)`);
  await breakdown('notes, big', ['notes', '--repo', bigRepo], bigRepo);
  await breakdown(`notes --to ${NEWCOMER_BRANCH}, big`, ['notes', '--repo', bigRepo, '--to', NEWCOMER_BRANCH], bigRepo);
  await breakdown('notes, manyTags', ['notes', '--repo', manyRepo], manyRepo);
  await breakdown('changelog, big (--no-cache: the whole history)', ['changelog', '--no-cache', '--repo', bigRepo], bigRepo);
  await breakdown('changelog, manyTags (--no-cache)', ['changelog', '--no-cache', '--repo', manyRepo], manyRepo);
  console.log('\nNotes: git-cliff runs with bench/cliff.toml (its built-in default: unconventional commits filtered out; ours lists them under Other).');
  console.log('       git-cliff\'s whole changelog is run on "big" only, to keep the benchmark short.');
  console.log(loadNote('at end'));
  if (hadError) process.exitCode = 1;
}

// Measured commands run in their own process group: take them down with us on Ctrl-C or kill.
for (const signal of process.argv[1] === fileURLToPath(import.meta.url) ? ['SIGINT', 'SIGTERM'] : []) {
  process.on(signal, () => {
    if (currentChild) killGroup(currentChild);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
