// The Get Started walkthrough in the real workbench: opened from the palette (Welcome: Open Walkthrough…) on a
// fresh demo with the walkthrough progress reset, it shows its seven steps unchecked; opening the Release view
// from the activity bar (not from the step's button) checks the first step, and drafting notes from the palette checks
// the second. The first step shows the picture the extension ships and its button.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { poll } from '../helpers/poll.ts';
import { session } from './session.mjs';
import {
  activityTab, editorTab, escapeRegExp, quickInputTitle, quickItems, runFromPalette, visibleError, waitForWorkbench,
} from './workbench.mjs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const WALKTHROUGH = manifest.contributes.walkthroughs[0];
const PREFIX = `${manifest.publisher}.${manifest.name}#${WALKTHROUGH.id}#`;

/** The button of a step in the walkthrough page (VS Code sets aria-checked from the step's progress). */
function step(id) {
  return session.page.locator(`button.getting-started-step[data-step-id="${PREFIX}${id}"]`);
}

/** Runs a palette command by its label. */
async function runCommand(label) {
  // Escape on the walkthrough page would go back to the list of walkthroughs.
  await runFromPalette(session.page, label, { refocus: false });
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
    // No Escape here: on the walkthrough page it goes back to the list of walkthroughs.
    if (this.currentTest?.state === 'failed') await session.screenshot(`e2e-failed-${this.currentTest.title}`);
  });

  it(`opens "${WALKTHROUGH.title}" from the palette with its steps unchecked and the first one's picture and button`, async () => {
    const { page } = session;
    await runCommand('Welcome: Open Walkthrough...');
    await quickItems(page, new RegExp(escapeRegExp(WALKTHROUGH.title))).first().click({ timeout: 15_000 });
    await step('openReleaseView').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator(`button.getting-started-step[data-step-id^="${PREFIX}"]`).count(), WALKTHROUGH.steps.length);
    for (const s of WALKTHROUGH.steps) assert.equal(await step(s.id).getAttribute('aria-checked'), 'false', `${s.id} unchecked after the reset`);
    // The first step is open: the picture the extension ships (loaded, not a broken image) and its button.
    const img = page.locator('.getting-started-media img').first();
    const src = await poll('the step picture to load', async () => img.evaluate((i) => (i.complete && i.naturalWidth > 0 ? i.currentSrc : '')).catch(() => ''), { timeoutMs: 15_000 });
    assert.match(decodeURIComponent(src), /media\/walkthrough\/release-view\.png/);
    await step('openReleaseView').getByRole('button', { name: 'Open the Release View' }).waitFor({ timeout: 5_000 });
    await session.screenshot('e2e-walkthrough');
  });

  it('checks "Open the Release view" when the view is opened from the activity bar (not the step button)', async () => {
    const { page } = session;
    await activityTab(page, 'Release').click({ timeout: 30_000 });
    await poll('the first step checked', async () => (await step('openReleaseView').getAttribute('aria-checked')) === 'true', { timeoutMs: 30_000 });
    assert.equal(await step('draftNotes').getAttribute('aria-checked'), 'false');
  });

  it('checks "Draft the release notes" when the notes are drafted from the command palette', async () => {
    const { page } = session;
    await runCommand('Release: Draft Release Notes');
    await poll('the drafted notes', async () => {
      const error = await visibleError(page);
      if (error) throw new Error(`the command failed; ${error}`);
      const title = await quickInputTitle(page);
      if (/package/i.test(title ?? '')) await quickItems(page, /Whole repository/).first().click({ timeout: 2000 }).catch(() => {});
      else if (/range/i.test(title ?? '')) await quickItems(page, /unreleased changes|→ HEAD/).first().click({ timeout: 2000 }).catch(() => {});
      return editorTab(page, /Untitled/).isVisible();
    }, { timeoutMs: 60_000 });
    // Back to the walkthrough (the notes and their preview took the editor).
    await poll('the second step checked', async () => {
      if (!(await step('draftNotes').isVisible())) {
        await editorTab(page, /^Welcome/).click({ timeout: 5_000 }).catch(() => {});
        return false;
      }
      // The notes' preview may take the group back for a moment: a step gone again is asked for again, not waited on.
      return (await step('draftNotes').getAttribute('aria-checked', { timeout: 2_000 }).catch(() => null)) === 'true';
    }, { timeoutMs: 30_000 });
  });
});
