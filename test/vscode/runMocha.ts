// Runs the mocha files of one in-host suite folder inside the extension host and reports twice:
// mocha's spec output (mirrored to the test runner's log) and a results JSON (the second channel).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** Environment variable naming the folder where each suite writes `<suite>.json`. */
export const RESULTS_ENV = 'RELEASE_MANAGER_TEST_RESULTS_DIR';

/** One test's outcome in the results JSON. */
export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

/** Runs every `*.test.js` in `dir` with BDD mocha; resolves when all pass, rejects otherwise. */
export function runMochaSuite(dir: string, suite: string): Promise<void> {
  const grep = process.env.RELEASE_MANAGER_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, slow: 5_000, ...(grep ? { grep } : {}) });
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(join(dir, file));
  const started = Date.now();
  const tests: TestResult[] = [];
  return new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passes = tests.filter((t) => t.state === 'passed').length;
      writeResults(suite, { suite, files, passes, failures, pending: tests.filter((t) => t.state === 'pending').length, durationMs: Date.now() - started, tests });
      if (failures > 0) reject(new Error(`${failures} of ${tests.length} in-host tests failed in ${suite}`));
      else if (passes === 0) reject(new Error(`no in-host test ran in ${suite} (files: ${files.join(', ') || 'none'})`));
      else resolve();
    });
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
    runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: String(err?.stack ?? err) }));
  });
}

/** Writes `<RESULTS_ENV>/<suite>.json` when the runner asked for it. */
function writeResults(suite: string, results: object): void {
  const dir = process.env[RESULTS_ENV];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify(results, null, 2) + '\n');
}
