// The Get Started walkthrough in the real workbench: opened from the palette (Welcome: Open Walkthrough…) on a
// fresh demo with the walkthrough progress reset, it shows its seven steps unchecked; opening the Release view
// from the activity bar (not from the step's button) checks the first step, and the second step's own button runs
// Draft Release Notes, which checks that step. The step's picture is the one the extension ships.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { poll } from '../helpers/poll.ts';
import { session } from './session.mjs';
import { activityTab, editorTab, escapeRegExp, quickInputTitle, quickItems, typeInCommandPalette, visibleError, waitForWorkbench } from './workbench.mjs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const WALKTHROUGH = manifest.contributes.walkthroughs[0];
const PREFIX = `${manifest.publisher}.${manifest.name}#${WALKTHROUGH.id}#`;

/** The button of a step in the walkthrough page (VS Code sets aria-checked from the step's progress). */
function step(id) {
  return session.page.locator(`button.getting-started-step[data-step-id="${PREFIX}${id}"]`);
}

/** Runs a palette command by its label. */
async function runCommand(label) {
  const { page } = session;
  await typeInCommandPalette(page, label);
  await quickItems(page, new RegExp(escapeRegExp(label))).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

describe('Get Started walkthrough', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await session.openDemo('walkthrough');
    // Progress is kept per profile (earlier specs opened the Release view and drafted notes): start over, and
    // load the window again so that the events this window saw before the reset count anew.
    await runCommand('Developer: Reset Welcome Page Walkthrough Progress');
    await session.page.waitForTimeout(1000);
    await session.page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
    await waitForWorkbench(session.page);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await session.screenshot(`e2e-failed-${this.currentTest.title}`);
    await session.page.keyboard.press('Escape');
  });

  it(`opens "${WALKTHROUGH.title}" from the palette with its steps unchecked`, async () => {
    const { page } = session;
    await runCommand('Welcome: Open Walkthrough...');
    await quickItems(page, new RegExp(escapeRegExp(WALKTHROUGH.title))).first().click({ timeout: 15_000 });
    await step('openReleaseView').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator(`button.getting-started-step[data-step-id^="${PREFIX}"]`).count(), WALKTHROUGH.steps.length);
    for (const s of WALKTHROUGH.steps) assert.equal(await step(s.id).getAttribute('aria-checked'), 'false', `${s.id} unchecked after the reset`);
    // The selected step shows the picture the extension ships (loaded, not a broken image).
    await step('openReleaseView').click();
    const img = page.locator('.getting-started-media img').first();
    await poll('the step picture to load', async () => (await img.evaluate((i) => i.complete && i.naturalWidth > 0).catch(() => false)), { timeoutMs: 15_000 });
    assert.match((await img.getAttribute('src')) ?? '', /media\/walkthrough\/release-view\.png/);
    await session.screenshot('e2e-walkthrough');
  });

  it('checks "Open the Release view" when the view is opened from the activity bar', async () => {
    const { page } = session;
    await activityTab(page, 'Release').click({ timeout: 30_000 });
    await poll('the first step checked', async () => (await step('openReleaseView').getAttribute('aria-checked')) === 'true', { timeoutMs: 30_000 });
    assert.equal(await step('draftNotes').getAttribute('aria-checked'), 'false');
  });

  it('runs Draft Release Notes from the step button and checks the step', async () => {
    const { page } = session;
    await step('draftNotes').click();
    await page.locator('.getting-started-step.expanded .button-container').getByRole('button', { name: /Draft Release Notes/ }).click({ timeout: 15_000 });
    await poll('the drafted notes and the step checked', async () => {
      const error = await visibleError(page);
      if (error) throw new Error(`the command failed; ${error}`);
      const title = await quickInputTitle(page);
      if (/package/i.test(title ?? '')) await quickItems(page, /Whole repository/).first().click({ timeout: 2000 }).catch(() => {});
      else if (/range/i.test(title ?? '')) await quickItems(page, /unreleased changes|→ HEAD/).first().click({ timeout: 2000 }).catch(() => {});
      return (await editorTab(page, /Untitled/).isVisible()) && (await step('draftNotes').getAttribute('aria-checked')) === 'true';
    }, { timeoutMs: 60_000 });
  });
});
