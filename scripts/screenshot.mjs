// `npm run screenshot`: retakes docs/screenshot.png, the README's picture. Builds the demo repository with a
// realistic unreleased tail (the demo's own tail carries hostile test strings for the tests), deploys its last
// release to staging as `npm run demo` does, opens it in code-server with the packaged extension, opens the
// Release view, drafts the notes, signs off QA in the readiness checklist and saves the window at 1440x900.
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildShowcaseRepository } from './showcaseRepo.mjs';
import { launchBrowser, screenshot } from './vscode-test/browser.mjs';
import { createRun, installExtension, startCodeServer } from './vscode-test/codeServer.mjs';
import { ROOT, VSIX_PATH, say } from './vscode-test/config.mjs';
import { ensureCodeServer } from './vscode-test/ensureCodeServer.mjs';
import { poll } from '../test/helpers/poll.ts';
import { activityTab, escapeRegExp, pickQuickItem, quickInputTitle, quickItems, typeInCommandPalette, waitForWorkbench } from '../test/e2e/workbench.mjs';

const OUT = join(ROOT, 'docs', 'screenshot.png');

const health = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/health' ? JSON.stringify({ status: 'ok', errorRate: 0.002 }) : '{}');
});
await new Promise((ok) => health.listen(0, '127.0.0.1', ok));
const cs = await ensureCodeServer();
const run = createRun('screenshot');
const folder = buildShowcaseRepository(join(run.workspace, 'invoicing'), `http://127.0.0.1:${health.address().port}/health`);
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
  }, { timeoutMs: 60_000 });
  await page.waitForTimeout(4000); // the preview renders
  await page.keyboard.press('Escape');
  await page.locator('#workbench\\.parts\\.sidebar .composite.title').click();
  await runCommand(page, 'Release: Show Readiness Checklist');
  const frame = page.frameLocator('iframe[src*="extensionId=release-manager.release-manager"]').frameLocator('#active-frame');
  await frame.locator('li[data-gate-id="qa"] vscode-checkbox').click({ timeout: 30_000 });
  await frame.locator('.toolbar vscode-button').first().click();
  await poll('the smoke gate to pass', async () => /^passed:/m.test(await frame.locator('li[data-gate-id="smoke"] .reason').innerText()), { timeoutMs: 60_000 });
  await poll('the verdict GO', async () => (await frame.locator('.verdict .decision').textContent()) === 'GO', { timeoutMs: 60_000 });
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
