// `npm run walkthrough-images`: retakes the pictures of the Get Started walkthrough (media/walkthrough/*.png) from
// the real product: the showcase demo repository (scripts/showcaseRepo.mjs) with its last release deployed to
// staging by the CLI, opened in code-server with the packaged extension, in headless Chromium. Each picture is
// the part of the window a step is about (the side bar, the editor, the command palette), at 1280x800.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildShowcaseRepository } from './showcaseRepo.mjs';
import { launchBrowser } from './vscode-test/browser.mjs';
import { createRun, installExtension, startCodeServer } from './vscode-test/codeServer.mjs';
import { ROOT, SCREENSHOTS_DIR, VSIX_PATH, say } from './vscode-test/config.mjs';
import { ensureCodeServer } from './vscode-test/ensureCodeServer.mjs';
import { poll } from '../test/helpers/poll.ts';
import { activityTab, escapeRegExp, quickInput, quickInputTitle, quickItems, typeInCommandPalette, waitForWorkbench } from '../test/e2e/workbench.mjs';

const OUT = join(ROOT, 'media', 'walkthrough');
const SIDEBAR = '#workbench\\.parts\\.sidebar';
const EDITOR = '#workbench\\.parts\\.editor';

const health = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/health' ? JSON.stringify({ status: 'ok', errorRate: 0.002 }) : '{}');
});
await new Promise((ok) => health.listen(0, '127.0.0.1', ok));
const cs = await ensureCodeServer();
const run = createRun('walkthrough-images');
const folder = buildShowcaseRepository(join(run.workspace, 'invoicing'), `http://127.0.0.1:${health.address().port}/health`);
const deployed = await promisify(execFile)(process.execPath, [join(ROOT, 'dist/cli.js'), 'deploy', '--env', 'staging', '--ref', 'v0.2.0', '--allow-commands', '--yes', '--repo', folder]);
say(deployed.stdout.trim());
await installExtension(cs, run, VSIX_PATH);
const server = await startCodeServer(cs, run, { trusted: true });
mkdirSync(OUT, { recursive: true });
let ok = false;
let browser;
try {
  browser = await launchBrowser(run);
  const { page } = browser;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.workbenchUrl(folder), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await waitForWorkbench(page);
  await activityTab(page, 'Release').click({ timeout: 90_000 });
  const pane = page.locator('[id="workbench.view.extension.releaseManager"]');
  await pane.getByRole('treeitem', { name: /Unreleased changes/ }).first().waitFor({ timeout: 60_000 });
  await widenSideBar(page, 460);
  await page.waitForTimeout(1500);
  await save(page, 'release-view', await box(page, SIDEBAR, { maxHeight: 380 }));

  // Draft the notes: the whole repository's unreleased changes, beside their preview.
  await runCommand(page, 'Release: Draft Release Notes');
  await poll('the drafted notes beside their preview', async () => {
    const title = await quickInputTitle(page);
    // A pick may close while it is clicked (the answer was taken): the next round sees what came next.
    if (/package/i.test(title ?? '')) await quickItems(page, /Whole repository/).first().click({ timeout: 2000 }).catch(() => {});
    else if (/range/i.test(title ?? '')) await quickItems(page, /unreleased changes|→ HEAD/).first().click({ timeout: 2000 }).catch(() => {});
    return page.locator('.tabs-container').getByRole('tab', { name: /^Preview/ }).first().isVisible();
  }, { timeoutMs: 60_000 });
  // The preview renders (a webview of the Markdown extension).
  const preview = page.frameLocator('iframe[src*="extensionId=vscode.markdown-language-features"]').frameLocator('#active-frame');
  await preview.getByText('Breaking Changes').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await save(page, 'draft-notes', await box(page, EDITOR, { maxHeight: 560 }));
  await runCommand(page, 'View: Close All Editors');
  await answerDontSave(page);

  // The config file with completion from its JSON Schema.
  await runCommand(page, 'Release: Open Release Configuration');
  await page.locator(`${EDITOR} .monaco-editor .view-lines`).first().waitFor();
  await page.locator(`${EDITOR} .monaco-editor .view-lines`).first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Space');
  await page.locator('.suggest-widget .monaco-list-row').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500); // the details of the first suggestion
  await save(page, 'config', await box(page, EDITOR, { maxHeight: 420 }));
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Z');
  await runCommand(page, 'View: Close All Editors');
  await answerDontSave(page);
  execFileSync('git', ['checkout', '--', '.release-manager.json'], { cwd: folder }); // the tree stays clean (the checklist says GO)

  // Sign in to GitHub, from the command palette.
  await typeInCommandPalette(page, 'Release: Sign in to GitHub');
  await quickItems(page, /Sign in to GitHub/).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await save(page, 'sign-in', await box(page, '.quick-input-widget', { pad: 16, maxHeight: 200 }));
  await page.keyboard.press('Escape');

  // The readiness checklist: QA signed off, validated, GO.
  await runCommand(page, 'Release: Show Readiness Checklist');
  const frame = page.frameLocator('iframe[src*="extensionId=release-manager.release-manager"]').frameLocator('#active-frame');
  await frame.locator('li[data-gate-id="qa"] vscode-checkbox').click({ timeout: 30_000 });
  await frame.locator('.toolbar vscode-button').first().click();
  const go = () => poll('the verdict GO', async () => (await frame.locator('.verdict .decision').textContent()) === 'GO', { timeoutMs: 60_000 });
  await go();
  await page.waitForTimeout(3000); // a refresh may judge again: the picture shows the settled verdict
  await go();
  const header = await page.locator(`${SIDEBAR} .pane-header`).filter({ hasText: /Readiness Checklist/ }).boundingBox();
  const side = await box(page, SIDEBAR);
  await save(page, 'checklist', { ...side, y: header.y, height: Math.min(560, side.y + side.height - header.y) });

  // The environments: staging runs the release the CLI deployed, production none yet.
  await page.locator(`${SIDEBAR} .pane-header`).filter({ hasText: /Readiness Checklist/ }).click();
  await pane.getByRole('treeitem', { name: /^Unreleased changes/ }).first().click();
  await page.keyboard.press('ArrowLeft');
  const environments = pane.getByRole('treeitem').filter({ hasText: /^Environments/ }).first();
  await environments.click();
  await page.keyboard.press('ArrowRight');
  await pane.getByRole('treeitem').filter({ hasText: /^staging/ }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500);
  await save(page, 'environments', await box(page, SIDEBAR, { maxHeight: 320 }));

  // A first deploy starts with the environment to deploy to (the picker of Deploy…).
  await runCommand(page, 'Release: Deploy…');
  await poll('the Deploy… picker', async () => (await quickInputTitle(page)) && (await quickInput(page).locator('.quick-input-list .monaco-list-row').count()) > 0, { timeoutMs: 60_000 });
  await page.waitForTimeout(1000);
  await save(page, 'deploy', await box(page, '.quick-input-widget', { pad: 16, maxHeight: 260 }));
  await page.keyboard.press('Escape');
  ok = true;
} finally {
  if (!ok && browser) await browser.page.screenshot({ path: join(SCREENSHOTS_DIR, 'walkthrough-images-failed.png') }).catch(() => {});
  await browser?.context.close().catch(() => {});
  await server.stop();
  health.close();
  run.dispose(!ok);
}

/** The clip of `selector`: its box, at most `maxHeight` high, `pad` pixels around. */
async function box(page, selector, { maxHeight = 800, pad = 0 } = {}) {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not on screen`);
  return { x: Math.max(0, b.x - pad), y: Math.max(0, b.y - pad), width: b.width + 2 * pad, height: Math.min(b.height + 2 * pad, maxHeight) };
}

/** Saves the clip as media/walkthrough/<name>.png (mouse parked outside it: no hover). */
async function save(page, name, clip) {
  await page.mouse.move(1270, 790);
  const file = join(SCREENSHOTS_DIR, `walkthrough-${name}.png`);
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: file, clip, timeout: 15_000 });
  copyFileSync(file, join(OUT, `${name}.png`));
  say(`saved media/walkthrough/${name}.png (${Math.round(clip.width)}x${Math.round(clip.height)}, ${Math.round(statSync(file).size / 1024)} KB)`);
}

/** Drags the sash between the side bar and the editors to `x`, so the tree's labels are not cut. */
async function widenSideBar(page, x) {
  for (const sash of await page.locator('.monaco-sash.vertical').all()) {
    const b = await sash.boundingBox().catch(() => null);
    if (!b || b.x < 250 || b.x > 450 || b.height < 400) continue;
    await page.mouse.move(b.x + b.width / 2, b.y + 200);
    await page.mouse.down();
    await page.mouse.move(x, b.y + 200, { steps: 8 });
    await page.mouse.up();
    return;
  }
}

/** Closing the untitled notes asks whether to save: no. */
async function answerDontSave(page) {
  const button = page.locator('.monaco-dialog-box').getByRole('button', { name: /Don't Save/ });
  if (await button.isVisible({ timeout: 3000 }).catch(() => false)) await button.click();
}

/** Runs a palette command by its label, as a user does with F1. */
async function runCommand(page, label) {
  await typeInCommandPalette(page, label);
  await quickItems(page, new RegExp(escapeRegExp(label))).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await poll(`the palette to close after ${label}`, async () => !(await quickInput(page).isVisible()) || (await quickInputTitle(page)) !== '', { timeoutMs: 10_000 }).catch(() => {});
}
