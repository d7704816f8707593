/* global document, window -- evaluated inside the webview frame */
// The readiness checklist as a user meets it: open the webview, see NO-GO, tick the manual QA sign-off,
// see GO. Hostile commit text shown in the webview stays text. The risk panel: score, level, top factors (all on
// demand, from the keyboard), and a business-risk question answered there. Screenshots: test-results/screenshots/.
// Its own fresh demo repository (no sign-off given yet), signed out of GitHub: nothing depends on the specs run before.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_ID } from '../helpers/extensionId.ts';
import { poll } from '../helpers/poll.ts';
import { signOut } from './githubAccount.mjs';
import { session } from './session.mjs';
import { runFromPalette } from './workbench.mjs';

/** The checklist webview's document: the webview iframe of our extension, then VS Code's inner active frame. */
function checklistFrame(page) {
  return page.frameLocator(`iframe[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('#active-frame');
}

describe('the readiness checklist webview', function () {
  this.timeout(90_000);

  before(async function () {
    // A new window on a fresh demo: slow on a busy machine.
    this.timeout(240_000);
    await session.openDemo('sign-off');
    await signOut(session.runDir);
    // A person with a git identity signs off and commits (the demo repository has none of its own).
    for (const [key, value] of [['user.name', 'Tess Ter'], ['user.email', 'tess@example.com']]) spawnSync('git', ['-C', session.folder, 'config', key, value]);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session.screenshot(`e2e-failed-${this.currentTest.title}`);
  });

  it('opens from the palette and shows NO-GO while the QA sign-off is pending', async () => {
    const { page } = session;
    const label = 'Release: Show Readiness Checklist';
    await runFromPalette(page, label);
    const frame = checklistFrame(page);
    await frame.locator('li[data-gate-id="qa"]').waitFor({ timeout: 30_000 });
    await poll('the verdict NO-GO', async () => (await frame.locator('.verdict .decision').textContent()) === 'NO-GO', { timeoutMs: 30_000 });
    // The gate may be re-judged just then (a refresh re-judges what was judged): its row says "running" until it ends.
    await poll('the QA row says pending', async () => /QA sign-off.*pending/i.test((await frame.locator('li[data-gate-id="qa"]').innerText()).replace(/\s+/g, ' ')), { timeoutMs: 30_000 });
    assert.match((await frame.locator('li[data-gate-id="qa"]').innerText()).replace(/\s+/g, ' '), /QA sign-off.*pending/i);
    await session.screenshot('e2e-checklist-no-go');
  });

  it('fits the default 300 px sidebar without scrolling sideways, the sign-off note field included', async () => {
    const { page } = session;
    const outer = page.locator(`iframe[src*="extensionId=${EXTENSION_ID}"]`);
    const before = await outer.evaluate((el) => el.getAttribute('style') ?? '');
    try {
      await outer.evaluate((el) => {
        el.style.width = '300px';
      });
      const frame = checklistFrame(page);
      await poll('the checklist laid out at 300 px', async () => (await frame.locator('html').evaluate(() => document.documentElement.clientWidth)) <= 300, { timeoutMs: 10_000 });
      const m = await frame.locator('body').evaluate(() => {
        const note = document.querySelector('li[data-gate-id="qa"] vscode-textfield');
        return { client: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth, note: note ? note.getBoundingClientRect().right : 0 };
      });
      assert.ok(m.scroll <= m.client, `the checklist scrolls sideways: ${m.scroll} px of content in ${m.client} px`);
      assert.ok(m.note > 0 && m.note <= m.client, `the note field ends at ${m.note} px, past the ${m.client} px view`);
    } finally {
      await outer.evaluate((el, style) => el.setAttribute('style', style), before);
    }
  });

  it('keeps hostile commit text inert in the webview', async () => {
    const frame = checklistFrame(session.page);
    const row = frame.locator('li[data-gate-id="no-fixups"]');
    await poll('the fixup gate to report the hostile commit', async () => /<img src=x onerror=/.test((await row.innerText()) ?? ''), { timeoutMs: 30_000 });
    const probe = await frame.locator('body').evaluate(() => ({ images: document.querySelectorAll('img').length, pwned: /** @type {any} */ (window).__pwned ?? null, links: document.querySelectorAll('a[href]').length }));
    assert.deepEqual(probe, { images: 0, pwned: null, links: 0 });
  });

  it('shows the fix the CLI prints under a failing gate that has no button', async () => {
    const frame = checklistFrame(session.page);
    const fix = frame.locator('li[data-gate-id="no-fixups"] .fix');
    await poll('the fixup gate\'s fix', async () => /^fix: Squash them \(git rebase -i --autosquash\)/.test((await fix.innerText().catch(() => '')) ?? ''), { timeoutMs: 30_000 });
    assert.equal(await frame.locator('li[data-gate-id="no-fixups"] vscode-button:not([icon])').count(), 0, 'no button where no command can do the fix');
  });

  it('turns GO when the QA sign-off is ticked', async () => {
    const frame = checklistFrame(session.page);
    await frame.locator('li[data-gate-id="qa"] vscode-checkbox').click();
    await poll('the verdict GO', async () => (await frame.locator('.verdict .decision').textContent()) === 'GO', { timeoutMs: 30_000 });
    // When, as a person reads it: relative, then the local clock time (no ISO timestamp with milliseconds).
    assert.match(await frame.locator('li[data-gate-id="qa"] .signed').innerText(), /^by .+, (just now|\d+ min ago) \(\d{2}:\d{2}\)/);
    await session.screenshot('e2e-checklist-go');
  });

  it('records the sign-off in the repository and commits it (only that file, never pushed) on "Commit sign-off"', async () => {
    const { page } = session;
    const recorded = JSON.parse(readFileSync(join(session.folder, '.release-manager', 'signoffs.json'), 'utf8'));
    assert.deepEqual(recorded.signOffs.map((/** @type {{ gateId: string, who: string }} */ s) => [s.gateId, s.who]), [['qa', 'Tess Ter <tess@example.com>']]);
    // The notification offers it; a toast that already hid is still listed in the notification center.
    const offer = /Signed off qa for .+ Commit it so the team and CI see it/;
    let item = page.locator('.notification-toast').filter({ hasText: offer }).first();
    if (!(await item.isVisible())) {
      await page.locator('[id="status.notifications"]').click();
      item = page.locator('.notifications-center .notification-list-item').filter({ hasText: offer }).first();
    }
    await item.waitFor({ timeout: 30_000 });
    await item.getByRole('button', { name: 'Commit sign-off' }).click();
    const lastCommit = () => spawnSync('git', ['-C', session.folder, 'log', '-1', '--format=%s%n%H', '--name-only'], { encoding: 'utf8' }).stdout;
    await poll('the sign-off commit', async () => /^chore\(release\): sign off qa for /.test(lastCommit()), { timeoutMs: 30_000 });
    assert.deepEqual(lastCommit().trim().split('\n').slice(2).filter(Boolean), ['.release-manager/signoffs.json'], 'the commit holds the sign-off file alone');
    if (await page.locator('.notifications-center').isVisible()) await page.locator('[id="status.notifications"]').click();
  });

  it('works from the keyboard: Space on the focused sign-off revokes it, Enter on "Re-run all" re-checks', async () => {
    const { page } = session;
    const frame = checklistFrame(page);
    await frame.locator('li[data-gate-id="qa"] vscode-checkbox').focus();
    await page.keyboard.press('Space');
    await poll('the verdict NO-GO again', async () => (await frame.locator('.verdict .decision').textContent()) === 'NO-GO', { timeoutMs: 30_000 });
    const rerun = frame.locator('.toolbar vscode-button').first();
    await rerun.focus();
    await page.keyboard.press('Enter');
    // "Re-run all" also runs the command gate (trusted workspace), which the automatic check leaves for the user.
    await poll('the smoke command gate to pass', async () => /^passed:/m.test(await frame.locator('li[data-gate-id="smoke"] .reason').innerText()), { timeoutMs: 30_000 });
    await poll('the re-run to finish with NO-GO', async () => (await frame.locator('.verdict .decision').textContent()) === 'NO-GO', { timeoutMs: 30_000 });
  });

  it('shows the release risk with its top factors, every factor on demand, and records a business-risk answer', async () => {
    const { page } = session;
    const frame = checklistFrame(page);
    const panel = frame.locator('section.risk');
    await poll('the risk panel', async () => /(LOW|MEDIUM|HIGH) risk/.test((await panel.innerText().catch(() => '')) ?? ''), { timeoutMs: 60_000 });
    assert.match((await panel.locator('.risk-summary').innerText()).replace(/\s+/g, ' '), /(LOW|MEDIUM|HIGH) risk score [\d.]+ \(medium from 30, high from 60\)/);
    const top = await panel.locator('.risk-factor').count();
    assert.ok(top >= 1 && top <= 3, `${top} top factors`);
    // Every factor, from the keyboard: signed out of GitHub, the CI factor is unknown and says how to measure it.
    // A background re-judge may re-render the panel between the focus and the key press (the key then reaches the
    // old button): press again while the toggle still says collapsed.
    const toggle = panel.locator('vscode-button[data-focus-key="risk:toggle"]');
    await poll('every factor listed', async () => {
      if ((await panel.locator('.risk-factor').count()) === 15) return true;
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') {
        await toggle.focus();
        await page.keyboard.press('Enter');
      }
      return false;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.match((await panel.locator('li[data-factor-id="failedCi"]').innerText()).replace(/\s+/g, ' '), /^\? \/ 10\s*Failed CI attempts: unknown .*GitHub/);
    await panel.locator('li[data-question-id="data-migration"] vscode-button').first().click();
    await poll('the answer shown', async () => /^yes, by Tess Ter/.test(await panel.locator('li[data-question-id="data-migration"] .answer').innerText()), { timeoutMs: 60_000 });
    assert.match((await panel.locator('li[data-factor-id="question.data-migration"]').innerText()).replace(/\s+/g, ' '), /^15 \/ 15\s*Does this release migrate or rewrite data\?: yes/);
    const recorded = JSON.parse(readFileSync(join(session.folder, '.release-manager', 'signoffs.json'), 'utf8'));
    assert.ok(
      recorded.signOffs.some((/** @type {{ gateId: string, who: string, note?: string }} */ s) => s.gateId === 'risk:data-migration' && s.who === 'Tess Ter <tess@example.com>' && s.note === 'yes'),
      JSON.stringify(recorded.signOffs),
    );
    await session.screenshot('e2e-checklist-risk');
  });
});
