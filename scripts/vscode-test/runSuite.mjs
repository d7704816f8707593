// Runs one in-host mocha suite in a running code-server: headless Chromium opens the workbench with the
// smoke-test payload, the extension host runs the suite, and its exit code and results JSON come back.
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, screenshot } from './browser.mjs';
import { LOGS_DIR, RESULTS_DIR, ROOT, SCREENSHOTS_DIR, say, secondsSince } from './config.mjs';

/** Runs the suite compiled in `suiteDir` against `folder`; resolves to `{ ok, summary, code, results }`. */
export async function runSuite({ server, run, suiteDir, folder, label, timeoutMs = 180_000 }) {
  const suite = basename(suiteDir);
  const start = performance.now();
  const rawLog = join(run.dir, `${suite}.automation.log`);
  const resultsCopy = join(RESULTS_DIR, `vscode-${suite}.results.json`);
  // Artifacts of an earlier run of this suite would mislead: start clean.
  for (const stale of [resultsCopy, join(SCREENSHOTS_DIR, `vscode-${suite}-failure.png`), join(LOGS_DIR, `vscode-${suite}`)]) rmSync(stale, { recursive: true, force: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const { context, page } = await launchBrowser(run, suite);
  try {
    let onExit;
    const exited = new Promise((resolve) => (onExit = resolve));
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      appendFileSync(rawLog, `${level} ${JSON.stringify(args)}\n`);
      printLog(level, args);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => onExit({ code, logs }));
    page.on('pageerror', (e) => appendFileSync(rawLog, `pageerror ${e.stack ?? e}\n`));
    const url = server.workbenchUrl(folder, [
      ['extensionDevelopmentPath', server.remoteUri(ROOT)],
      ['extensionTestsPath', server.remoteUri(suiteDir)],
    ]);
    say(`running in-host suite "${suite}" (${label}) on ${folder}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    let timer;
    const outcome = await Promise.race([
      exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve({ code: null }), timeoutMs))),
    ]);
    clearTimeout(timer);
    const results = readResults(join(run.results, `${suite}.json`));
    if (results) writeFileSync(resultsCopy, JSON.stringify(results, null, 2) + '\n');
    const verdict = judge(outcome.code, results, timeoutMs);
    if (!verdict.ok) {
      await screenshot(page, `vscode-${suite}-failure`);
      saveLogs(suite, outcome.logs, rawLog);
    }
    say(`suite "${suite}" (${label}): ${verdict.summary} in ${secondsSince(start)}`);
    return { ...verdict, code: outcome.code, results };
  } finally {
    await context.close().catch(() => {});
  }
}

/** Passes only when the exit code is 0 and the results JSON agrees (tests ran, none failed). */
function judge(code, results, timeoutMs) {
  const counts = results ? `${results.passes} passed, ${results.failures} failed, ${results.pending} pending` : 'no results JSON';
  if (code === null) return { ok: false, summary: `TIMED OUT after ${timeoutMs / 1000} s (${counts})` };
  if (code !== 0) return { ok: false, summary: `FAILED, extension host exit code ${code} (${counts})` };
  if (!results) return { ok: false, summary: 'FAILED: exit code 0 but the suite wrote no results JSON' };
  if (results.failures > 0 || results.passes === 0) return { ok: false, summary: `FAILED (${counts})` };
  return { ok: true, summary: `ok (${counts})` };
}

/** Workbench chatter that says nothing about the suite (still kept in the run's automation log). */
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Canceled)/;

/** Prints one line mirrored from the workbench log: mocha's spec output as is, errors prefixed, chatter dropped. */
function printLog(level, args) {
  const text = format(...(Array.isArray(args) ? args : [args]));
  if (NOISE.test(text) && !process.env.VSCODE_TEST_VERBOSE) return;
  process.stdout.write(level === 'info' || level === 'debug' || level === 'trace' ? `${text}\n` : `[${level}] ${text}\n`);
}

/** The suite's results JSON, or null when it wrote none. */
function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Keeps the workbench's log files (sent with the exit) and the mirrored log under test-results/logs/<suite>/. */
function saveLogs(suite, logs, rawLog) {
  const dir = join(LOGS_DIR, `vscode-${suite}`);
  for (const { relativePath, contents } of logs ?? []) {
    const file = join(dir, relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'automation.log'), readFileSync(rawLog));
  } catch {
    // no log line arrived
  }
  say(`logs kept in ${dir}`);
}
