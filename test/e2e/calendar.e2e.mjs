/* global document -- evaluated inside the webview frame */
// The Release Calendar as a user meets it: a demo repository with a release tagged today, a calendar gate
// (a weekly cadence from today, a code freeze in ten days) and a deploy history of production over the
// last weeks (seeded), signed out of GitHub. The view opened from the palette shows the month with its
// events and legend; Page Up / Page Down switch months from the keyboard; a freeze opens the config.
// Screenshot: e2e-calendar.png. Its own fresh demo repository: nothing depends on the specs run before.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_ID } from '../helpers/extensionId.ts';
import { DEMO_STORY, seedDeployHistory } from '../helpers/metricsHistory.ts';
import { poll } from '../helpers/poll.ts';
import { signOut } from './githubAccount.mjs';
import { session } from './session.mjs';
import { editorTab, runFromPalette } from './workbench.mjs';

const DAY = 86_400_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthTitle = (ms) => `${MONTHS[new Date(ms).getUTCMonth()]} ${new Date(ms).getUTCFullYear()}`;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The document of the Release Calendar webview. */
async function calendarFrame(page) {
  return poll('the Release Calendar webview', async () => {
    const frames = page.locator(`iframe[src*="extensionId=${EXTENSION_ID}"]`);
    for (let i = 0; i < (await frames.count()); i++) {
      const inner = page.frameLocator(`iframe[src*="extensionId=${EXTENSION_ID}"] >> nth=${i}`).frameLocator('#active-frame');
      if (await inner.locator('h1', { hasText: 'Release Calendar' }).isVisible().catch(() => false)) return inner;
    }
    return null;
  }, { timeoutMs: 60_000 });
}

describe('the Release Calendar view', function () {
  this.timeout(120_000);
  const now = Date.now();
  const freezeFrom = isoDay(now + 10 * DAY);
  const freezeTo = isoDay(now + 12 * DAY);

  before(async function () {
    this.timeout(240_000);
    await session.openDemo('calendar', async (folder) => {
      const file = join(folder, '.release-manager.json');
      const config = JSON.parse(readFileSync(file, 'utf8'));
      config.gates.push({ id: 'calendar', kind: 'calendar', required: false, cadence: { anchor: isoDay(now), everyWeeks: 1 }, freezes: [{ from: freezeFrom, to: freezeTo, reason: 'Year-end freeze' }] });
      config.deploy = { environments: [{ name: 'production', provider: { kind: 'command', argv: ['node', '-e', '0'] }, protection: { gates: [] } }] };
      writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
      // A release today (an annotated tag dated now), and production's deploys 20 to 40 days ago.
      execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', 'tag', '-a', '-m', 'v0.3.0', 'v0.3.0'], { cwd: folder });
      await seedDeployHistory(folder, 'production', DEMO_STORY, now);
    });
    await signOut(session.runDir);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session.screenshot(`e2e-failed-${this.currentTest.title}`);
  });

  it('opens from the palette on this month: today\'s release, the release days and the freeze, coloured with a legend (screenshot)', async () => {
    const { page } = session;
    const label = 'Release: Show Release Calendar';
    await page.keyboard.press('Escape');
    await page.locator('#workbench\\.parts\\.sidebar .composite.title').click();
    await runFromPalette(page, label);
    const frame = await calendarFrame(page);
    await poll('the events of this month', async () => (await frame.locator('.grid button.ev').count()) > 0 && !(await frame.locator('main[aria-busy="true"]').count()), { timeoutMs: 60_000 });
    assert.equal(await frame.locator('h2.month').innerText(), monthTitle(now));
    assert.deepEqual(await frame.locator('.legend li').allInnerTexts(), ['Release', 'Planned release day', 'Code freeze', 'Milestone due', 'Deploy']);
    const today = frame.locator(`td.day[data-day="${isoDay(now)}"]`);
    assert.match(await today.getAttribute('class'), /today/);
    const todays = await today.locator('button.ev').evaluateAll((bs) => bs.map((b) => `${b.dataset.kind}: ${b.textContent}`));
    assert.ok(todays.includes('release: Release v0.3.0'), todays.join('\n'));
    assert.ok(todays.includes('planned: Release day'), todays.join('\n'));
    // The kinds have different colours (the theme's chart colours).
    const colours = await frame.locator('.legend .swatch').evaluateAll((ss) => ss.map((s) => document.defaultView.getComputedStyle(s).backgroundColor));
    assert.equal(new Set(colours).size, 5, colours.join(', '));
    // Signed out: the note says what is missing.
    assert.match(await frame.locator('.notes').innerText(), /No GitHub token/);
    await session.page.mouse.move(1100, 850);
    await session.screenshot('e2e-calendar');
  });

  it('switches months from the keyboard (Page Up / Page Down) and shows the deploys of production in theirs', async () => {
    const frame = await calendarFrame(session.page);
    await frame.locator(`td.day[data-day="${isoDay(now)}"]`).focus();
    await frame.locator('body').press('PageUp');
    await poll('the previous month', async () => (await frame.locator('h2.month').innerText()) === monthTitle(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - 1, 1)), { timeoutMs: 10_000 });
    await frame.locator('body').press('PageDown');
    await poll('this month again', async () => (await frame.locator('h2.month').innerText()) === monthTitle(now), { timeoutMs: 10_000 });
    // The failed deploy of v0.2.0-rc.0 (20 days ago) is in its month's agenda.
    const failedAt = now - 20 * DAY;
    const back = (new Date(now).getUTCFullYear() - new Date(failedAt).getUTCFullYear()) * 12 + new Date(now).getUTCMonth() - new Date(failedAt).getUTCMonth();
    for (let i = 0; i < back; i++) await frame.locator('body').press('PageUp');
    await poll('the month of the failed deploy', async () => (await frame.locator('h2.month').innerText()) === monthTitle(failedAt), { timeoutMs: 10_000 });
    const agenda = await frame.locator('.agenda li').allInnerTexts();
    assert.ok(agenda.some((t) => /Deploy 0\.2\.0-rc\.0 → production \(failed\)/.test(t)), agenda.join('\n'));
    assert.ok(agenda.some((t) => new RegExp(`^${isoDay(failedAt)}`).test(t)), agenda.join('\n'));
  });

  it('reveals a code freeze in the release config when clicked', async () => {
    const { page } = session;
    const frame = await calendarFrame(page);
    await frame.locator('vscode-button[data-focus-key="today"]').click();
    const freezeMonth = Date.parse(`${freezeFrom}T00:00:00Z`);
    const ahead = (new Date(freezeMonth).getUTCFullYear() - new Date(now).getUTCFullYear()) * 12 + new Date(freezeMonth).getUTCMonth() - new Date(now).getUTCMonth();
    for (let i = 0; i < ahead; i++) await frame.locator('body').press('PageDown');
    const freeze = frame.locator(`td.day[data-day="${freezeFrom}"] button.ev[data-kind="freeze"]`);
    await freeze.waitFor({ timeout: 10_000 });
    assert.equal(await freeze.innerText(), 'Code freeze: Year-end freeze');
    await freeze.click();
    await editorTab(page, /\.release-manager\.json/).waitFor({ timeout: 20_000 });
  });
});
