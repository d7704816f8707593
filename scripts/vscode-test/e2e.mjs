// Tier 3: end-to-end UI tests. Installs the packaged .vsix into a fresh code-server with its own CLI (as a
// user would), starts headless Chromium and runs the mocha specs of test/e2e/ in that one browser page. Each
// spec opens its own fresh demo repository in the workbench (session.openDemo), so the specs share no state
// and pass in any order (E2E_ORDER=reverse runs them backwards). Screenshots: test-results/screenshots/.
// `node --import tsx scripts/vscode-test/e2e.mjs`.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { session } from '../../test/e2e/session.mjs';
import { waitForWorkbench } from '../../test/e2e/workbench.mjs';
import { packageAuthExtension } from '../../test/e2e/githubAccount.mjs';
import { makeDemoRepo } from '../demoRepo.mjs';
import { launchBrowser, screenshot } from './browser.mjs';
import { createRun, installExtension, startCodeServer } from './codeServer.mjs';
import { ROOT, SCREENSHOTS_DIR, VSIX_PATH, isMain, say, secondsSince } from './config.mjs';
import { ensureCodeServer } from './ensureCodeServer.mjs';

const SPECS = join(ROOT, 'test/e2e');

/** Runs every `test/e2e/*.e2e.mjs` against one workbench; resolves to the number of failed tests. */
export async function runE2e() {
  if (!existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} is missing: run \`npm run package\` first`);
  const cs = await ensureCodeServer();
  const start = performance.now();
  // Screenshots of an earlier run would mislead: start clean.
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  for (const old of readdirSync(SCREENSHOTS_DIR, { withFileTypes: true }).filter((e) => e.name.startsWith('e2e-'))) rmSync(join(SCREENSHOTS_DIR, old.name));
  const run = createRun('e2e');
  // The test-only "github" sign-in (no session until a spec signs in: see test/e2e/githubAccount.mjs).
  const auth = await installExtension(cs, run, packageAuthExtension(ROOT, join(run.dir, 'github-account-extension')));
  say(`installed the e2e GitHub account extension: ${auth.output.split('\n').at(-1)}`);
  const { output, extensions } = await installExtension(cs, run, VSIX_PATH);
  say(`installed ${VSIX_PATH}: ${output.split('\n').at(-1)}`);
  const server = await startCodeServer(cs, run, { trusted: true });
  let failures = 1;
  let browser;
  try {
    browser = await launchBrowser(run);
    const { page } = browser;
    const consoleLog = join(run.dir, 'browser-console.log');
    page.on('console', (m) => appendFileSync(consoleLog, `${m.type()} ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(consoleLog, `pageerror ${e.stack ?? e}\n`));
    // Leaving a workbench with unsaved editors asks first: a spec opening its own demo leaves without asking.
    page.on('dialog', (d) => (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => {}));
    Object.assign(session, {
      page,
      runDir: run.dir,
      extensions,
      screenshot: (name) => screenshotWithoutHover(page, name),
      openDemo: async (name, prepare) => {
        const folder = makeDemoRepo(join(run.workspace, name, 'demo'));
        // What the spec changes in the repository before the window opens, so the extension's first read sees it.
        if (prepare) await prepare(folder);
        const opened = performance.now();
        Object.assign(session, { folder, expectedVersion: nextVersion(folder) });
        await page.goto(server.workbenchUrl(folder), { waitUntil: 'domcontentloaded', timeout: 60_000 });
        await waitForWorkbench(page);
        say(`workbench ready on ${folder} in ${secondsSince(opened)}; expecting next version ${session.expectedVersion}`);
        return folder;
      },
      openFolder: async (folder) => {
        Object.assign(session, { folder, expectedVersion: '' });
        await page.goto(server.workbenchUrl(folder), { waitUntil: 'domcontentloaded', timeout: 60_000 });
        await waitForWorkbench(page);
        return folder;
      },
    });
    failures = await runMocha();
  } finally {
    await browser?.context.close().catch(() => {});
    await server.stop();
    run.dispose(failures !== 0);
  }
  say(`e2e tier ${failures === 0 ? 'passed' : `FAILED (${failures} failing)`} in ${secondsSince(start)}`);
  return failures;
}

/** Loads the specs into one mocha run (spec reporter) and resolves to its number of failures. */
async function runMocha() {
  // E2E_GREP runs only the tests whose full title matches (while working on one spec).
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 90_000, slow: 15_000, ...(process.env.E2E_GREP ? { grep: process.env.E2E_GREP } : {}) });
  // Alphabetical; E2E_ORDER=reverse runs the specs backwards, to show that none depends on another having run.
  const specs = readdirSync(SPECS).filter((f) => f.endsWith('.e2e.mjs')).sort();
  if (process.env.E2E_ORDER === 'reverse') specs.reverse();
  say(`specs in this order: ${specs.join(', ')}`);
  for (const file of specs) mocha.addFile(join(SPECS, file));
  await mocha.loadFilesAsync();
  return new Promise((resolve) => mocha.run(resolve));
}

/** A screenshot with the mouse parked on the empty editor area (no hover tooltip in the picture). */
async function screenshotWithoutHover(page, name) {
  await page.mouse.move(1100, 850).catch(() => {});
  return screenshot(page, name);
}

/** The next version the CLI computes for `folder` (the UI must agree with it). */
function nextVersion(folder) {
  const out = execFileSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'version', '--repo', folder, '--format', 'json'], { encoding: 'utf8' });
  return JSON.parse(out).next;
}

if (isMain(import.meta.url)) process.exit((await runE2e()) === 0 ? 0 : 1);
