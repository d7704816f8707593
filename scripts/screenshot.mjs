// `npm run screenshot`: retakes docs/screenshot.png, the README's picture. Builds the demo repository with a
// realistic unreleased tail (the demo's own tail carries hostile test strings for the tests), deploys its last
// release to staging as `npm run demo` does, opens it in code-server with the packaged extension, opens the
// Release view, drafts the notes, signs off QA in the readiness checklist and saves the window at 1440x900.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { makeDemoRepo } from './demoRepo.mjs';
import { launchBrowser, screenshot } from './vscode-test/browser.mjs';
import { createRun, installExtension, startCodeServer } from './vscode-test/codeServer.mjs';
import { ROOT, VSIX_PATH, say } from './vscode-test/config.mjs';
import { ensureCodeServer } from './vscode-test/ensureCodeServer.mjs';
import { activityTab, escapeRegExp, pickQuickItem, poll, quickInputTitle, quickItems, typeInCommandPalette, waitForWorkbench } from '../test/e2e/workbench.mjs';

const OUT = join(ROOT, 'docs', 'screenshot.png');

/** The unreleased work after v0.2.0 that the picture shows: a breaking change, features, fixes, a plain commit. */
const TAIL = [
  ['Grace Hopper', 'grace@example.com', 'packages/api/money.ts', 'feat(api)!: amounts are integers in cents\n\nBREAKING CHANGE: `amount` is now an integer number of cents instead of a float.'],
  ['Linus Tor', 'linus@example.com', 'packages/api/export.ts', 'feat(api): export invoices as PDF (#21)'],
  ['Ken Thompson', 'ken@example.com', 'packages/web/filters.tsx', 'feat(web): filter invoices by customer (#22)'],
  ['Ken Thompson', 'ken@example.com', 'packages/web/names.tsx', 'fix(web): long customer names wrap in the invoice header (#24)'],
  ['Ada Lovelace', 'ada@example.com', 'packages/api/rates.ts', 'fix(api): round currency conversions half to even'],
  ['Margaret Hamilton', 'margaret@example.com', 'packages/web/footer.tsx', 'Fix typo in footer'],
];

/** The demo repository at v0.2.0 plus TAIL, with an upstream that has every commit (the picture shows GO). */
function buildRepository(dir, healthUrl) {
  makeDemoRepo(dir, { healthUrl });
  const git = (args, env = {}) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
  git(['reset', '-q', '--hard', 'v0.2.0']);
  TAIL.forEach(([name, email, file, message], i) => {
    const date = `${1_760_200_000 + i * 5400} +0000`;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `// ${message.split('\n')[0]}\n`);
    git(['add', '--', file]);
    git(['commit', '-q', '-m', message], { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  });
  // As if pushed: origin/main is HEAD (the up-to-date gate never fetches, so nothing is contacted).
  git(['update-ref', 'refs/remotes/origin/main', 'HEAD']);
  git(['config', 'branch.main.remote', 'origin']);
  git(['config', 'branch.main.merge', 'refs/heads/main']);
  return dir;
}

const health = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/health' ? JSON.stringify({ status: 'ok', errorRate: 0.002 }) : '{}');
});
await new Promise((ok) => health.listen(0, '127.0.0.1', ok));
const cs = await ensureCodeServer();
const run = createRun('screenshot');
const folder = buildRepository(join(run.workspace, 'invoicing'), `http://127.0.0.1:${health.address().port}/health`);
say(`demo repository: ${folder}`);
// Asynchronously: the health endpoint the canary is judged by answers from this process.
const deployed = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli.js'), 'deploy', '--env', 'staging', '--ref', 'v0.2.0', '--allow-commands', '--yes', '--repo', folder]);
say(deployed.stdout.trim());
await installExtension(cs, run, VSIX_PATH);
const server = await startCodeServer(cs, run, { trusted: true });
let ok = false;
let browser;
try {
  browser = await launchBrowser(run);
  const { page } = browser;
  await page.goto(server.workbenchUrl(folder), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await waitForWorkbench(page);
  await activityTab(page, 'Release').click({ timeout: 90_000 });
  const tree = page.locator('[id="workbench.view.extension.releaseManager"]');
  await tree.getByRole('treeitem', { name: /Unreleased changes/ }).first().waitFor({ timeout: 60_000 });
  // A wider side bar, so the tree's labels are not cut: drag the sash between the side bar and the editors.
  for (const sash of await page.locator('.monaco-sash.vertical').all()) {
    const box = await sash.boundingBox().catch(() => null);
    if (!box || box.x < 250 || box.x > 450 || box.height < 400) continue;
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(500, box.y + 200, { steps: 8 });
    await page.mouse.up();
    break;
  }
  await runCommand(page, 'Release: Draft Release Notes');
  // The draft asks which package and which range: the whole repository's unreleased changes.
  const notes = page.locator('.tabs-container').getByRole('tab', { name: /^Preview/ }).first();
  await poll('the drafted notes beside their preview', async () => {
    const title = await quickInputTitle(page);
    if (/package/i.test(title ?? '')) await pickQuickItem(page, /Whole repository/);
    else if (/range/i.test(title ?? '')) await pickQuickItem(page, /unreleased changes|→ HEAD/);
    return notes.isVisible();
  }, 60_000);
  await page.waitForTimeout(4000); // the preview renders
  await page.keyboard.press('Escape');
  await page.locator('#workbench\\.parts\\.sidebar .composite.title').click();
  await runCommand(page, 'Release: Show Readiness Checklist');
  const frame = page.frameLocator('iframe[src*="extensionId=release-manager.release-manager"]').frameLocator('#active-frame');
  await frame.locator('li[data-gate-id="qa"] vscode-checkbox').click({ timeout: 30_000 });
  await frame.locator('.toolbar vscode-button').first().click();
  await poll('the smoke gate to pass', async () => /^passed:/m.test(await frame.locator('li[data-gate-id="smoke"] .reason').innerText()), 60_000);
  await poll('the verdict GO', async () => (await frame.locator('.verdict .decision').textContent()) === 'GO', 60_000);
  await page.waitForTimeout(1500);
  await page.mouse.move(1100, 850);
  const file = await screenshot(page, 'readme-hero');
  if (!file) throw new Error('the screenshot failed');
  copyFileSync(file, OUT);
  say(`saved ${OUT}`);
  ok = true;
} catch (e) {
  if (browser) await screenshot(browser.page, 'readme-hero-failed');
  throw e;
} finally {
  await browser?.context.close().catch(() => {});
  await server.stop();
  health.close();
  run.dispose(!ok);
}

/** Runs a palette command by its label, as a user does with F1. */
async function runCommand(page, label) {
  await typeInCommandPalette(page, label);
  await quickItems(page, new RegExp(escapeRegExp(label))).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}
