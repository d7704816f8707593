/* global document, getComputedStyle -- evaluated inside the webview frame */
// Release Metrics as a user meets it: a demo repository whose production environment (a local command)
// has a deploy history over the last weeks (v0.2.0-rc.0 failed, v0.2.0 fixed it), the view opened from the
// palette, the figures and charts read in the webview, the charts re-themed when the colour theme changes,
// and the tree's Metrics row. Screenshots: e2e-metrics-light.png and e2e-metrics-dark.png.
// Its own fresh demo repository, signed out of GitHub: nothing depends on the specs run before.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_ID } from '../helpers/extensionId.ts';
import { DEMO_STORY, seedDeployHistory } from '../helpers/metricsHistory.ts';
import { poll } from '../helpers/poll.ts';
import { signOut } from './githubAccount.mjs';
import { session } from './session.mjs';
import { activityTab, runFromPalette, treeRowTexts, viewContainer } from './workbench.mjs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const CONTAINER = manifest.contributes.viewsContainers.activitybar[0];

/** The document of the Release Metrics webview: the webview iframe of our extension whose page is the metrics view. */
async function metricsFrame(page) {
  return poll('the Release Metrics webview', async () => {
    const frames = page.locator(`iframe[src*="extensionId=${EXTENSION_ID}"]`);
    for (let i = 0; i < (await frames.count()); i++) {
      const inner = page.frameLocator(`iframe[src*="extensionId=${EXTENSION_ID}"] >> nth=${i}`).frameLocator('#active-frame');
      if (await inner.locator('h1', { hasText: 'Release Metrics' }).isVisible().catch(() => false)) return inner;
    }
    return null;
  }, { timeoutMs: 60_000 });
}

/** Sets the colour theme through the workspace settings (the window applies it at once). */
function setTheme(folder, theme) {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }, null, 2) + '\n');
}

/** The colour the theme gives --vscode-charts-green and the colour the weekly chart draws "Succeeded" with, both as rgb(). */
async function greens(frame) {
  return frame.locator('body').evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-green').trim();
    document.body.append(probe);
    const theme = getComputedStyle(probe).color;
    probe.remove();
    const row = [...document.querySelectorAll('#chart-weekly .u-legend .u-series')].find((r) => (r.textContent ?? '').includes('Succeeded'));
    const marker = row?.querySelector('.u-marker');
    return { theme, chart: marker ? getComputedStyle(marker).borderColor : null };
  });
}

describe('the Release Metrics view', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await session.openDemo('metrics', async (folder) => {
      const file = join(folder, '.release-manager.json');
      const config = JSON.parse(readFileSync(file, 'utf8'));
      config.deploy = { environments: [{ name: 'staging', provider: { kind: 'command', argv: ['node', '-e', '0'] }, protection: { gates: [] } }, { name: 'production', provider: { kind: 'command', argv: ['node', '-e', '0'] }, protection: { gates: [] } }] };
      writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
      await seedDeployHistory(folder, 'production', DEMO_STORY);
      setTheme(folder, 'Default Light Modern');
    });
    await signOut(session.runDir);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session.screenshot(`e2e-failed-${this.currentTest.title}`);
  });

  it('opens from the palette and shows the figures of production: 4 deployments, 1 failed, the target verdicts', async () => {
    const { page } = session;
    const label = 'Release: Show Release Metrics';
    await page.keyboard.press('Escape');
    await page.locator('#workbench\\.parts\\.sidebar .composite.title').click();
    await runFromPalette(page, label);
    const frame = await metricsFrame(page);
    await poll('the targets of production', async () => (await frame.locator('.targets li').count()) > 0 && !(await frame.locator('main[aria-busy="true"]').count()), { timeoutMs: 60_000 });
    const lines = await frame.locator('.targets li .line').allInnerTexts();
    assert.ok(lines.some((l) => /^Change failure rate 25% · target < 15%/.test(l)), lines.join('\n'));
    assert.match(await frame.locator('header').innerText(), /production · \d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}/);
    const deployments = (await frame.locator('.figures tr', { hasText: 'Deployments' }).first().innerText()).replace(/\s+/g, ' ');
    assert.match(deployments, /^Deployments 4 3 succeeded, 1 failed, 0 rolled back, 0 in progress/);
    // Signed out: said, with the fix.
    assert.match(await frame.locator('.warnings').innerText(), /sign in to GitHub|GITHUB_TOKEN/i);
    for (const id of ['weekly', 'lead', 'recovery']) await frame.locator(`#chart-${id} canvas`).first().waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('.table-wrap.weekly th[scope="row"]').count() > 0, true, 'the weekly figures as a table too');
  });

  it('draws the charts in the light theme\'s colours (screenshot)', async () => {
    const frame = await metricsFrame(session.page);
    const g = await poll('the chart in the theme\'s green', async () => {
      const now = await greens(frame);
      return now.chart && now.chart === now.theme ? now : null;
    }, { timeoutMs: 30_000 });
    assert.equal(g.chart, g.theme);
    await session.page.mouse.move(1100, 850);
    await session.screenshot('e2e-metrics-light');
  });

  it('draws them again in the dark theme\'s colours when the theme changes (screenshot)', async () => {
    const frame = await metricsFrame(session.page);
    const light = await greens(frame);
    setTheme(session.folder, 'Default Dark Modern');
    const dark = await poll('the chart in the dark theme\'s green', async () => {
      const now = await greens(frame);
      return now.theme !== light.theme && now.chart === now.theme ? now : null;
    }, { timeoutMs: 30_000 });
    assert.notEqual(dark.chart, light.chart);
    await session.screenshot('e2e-metrics-dark');
  });

  it('copies the report as Markdown from its button', async () => {
    const frame = await metricsFrame(session.page);
    await frame.locator('vscode-button[data-focus-key="copy"]').click();
    await poll('the copied notice', async () => /Copied the markdown report/.test(await frame.locator('.status').innerText()), { timeoutMs: 15_000 });
  });

  it('shows a Metrics row in the Release view whose children are the target verdicts', async () => {
    const { page } = session;
    await activityTab(page, CONTAINER.title).click();
    const pane = viewContainer(page, CONTAINER.id);
    const metrics = pane.getByRole('treeitem').filter({ has: page.locator('.label-name', { hasText: /^Metrics$/ }) }).first();
    await metrics.waitFor({ timeout: 60_000 });
    // The tree draws only the rows in view, and the checklist below may leave it room for a row or two: the rows seen
    // are gathered while the focus walks down from the Metrics row (the tree scrolls to the focused row).
    const seen = new Set();
    const rows = await poll('the verdict rows under Metrics', async () => {
      // Expanded from the keyboard (a click can land while the tree redraws after a refresh): focus the row, then Right.
      if ((await metrics.getAttribute('aria-expanded')) !== 'true') {
        await metrics.locator('.label-name').click();
        await page.keyboard.press('ArrowRight');
      } else await page.keyboard.press('ArrowDown');
      for (const t of await treeRowTexts(pane)) seen.add(t);
      return [...seen].some((t) => t.includes('Change failure rate 25% ✗ < 15%')) ? [...seen] : null;
    }, { timeoutMs: 60_000, intervalMs: 300 });
    assert.ok(rows.some((t) => /^Metricsproduction · \d+ of \d+ targets met/.test(t)), rows.join('\n'));
  });
});
