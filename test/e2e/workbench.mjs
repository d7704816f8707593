// What a user does in the workbench, in Playwright terms: aria roles and labels, bounded waits.
import { poll } from '../helpers/poll.ts';

/** Waits until the workbench is up: the activity bar has its view tabs. */
export async function waitForWorkbench(page, timeout = 60_000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('#workbench\\.parts\\.activitybar [role="tab"]').first().waitFor({ timeout });
}

/** The activity bar tab of a view container, found by its accessible name. */
export function activityTab(page, title) {
  return page.locator('#workbench\\.parts\\.activitybar').getByRole('tab', { name: new RegExp(`^${escapeRegExp(title)}\\b`) });
}

/** The side bar pane of the extension view container `id` (e.g. `releaseManager`). */
export function viewContainer(page, id) {
  return page.locator(`[id="workbench.view.extension.${id}"]`);
}

/** Texts of the visible tree rows inside `scope` (label, description and aria-label joined). */
export async function treeRowTexts(scope) {
  return scope.getByRole('treeitem').evaluateAll((rows) => rows.map((r) => `${r.textContent ?? ''} | ${r.getAttribute('aria-label') ?? ''}`));
}

/** Opens the command palette with F1 and types `text` (without running it); returns the quick input widget. */
export async function typeInCommandPalette(page, text) {
  await page.keyboard.press('F1');
  const widget = quickInput(page);
  await widget.locator('.quick-input-box input').waitFor({ timeout: 10_000 });
  await page.keyboard.type(text);
  return widget;
}

/**
 * Runs the palette command `label` the way a user does: gives the keyboard back to the workbench, opens the
 * palette, types the label, waits for its row and presses Enter once the row has the focus (else clicks it;
 * `beforeEnter(page)` runs just before).
 * Tries three times: a palette opened while the window still starts lists only the commands known then and
 * does not refresh, and keys typed while the workbench moves the focus can land elsewhere (the input then
 * does not hold the label). `refocus: false` leaves the focus where it is on the first try (Escape on a
 * walkthrough page leaves the walkthrough).
 */
export async function runFromPalette(page, label, { beforeEnter, refocus = true, timeouts = [10_000, 20_000, 30_000] } = {}) {
  const row = quickItems(page, new RegExp(escapeRegExp(label))).first();
  let lastInput = '';
  for (const [attempt, timeout] of timeouts.entries()) {
    if (refocus || attempt > 0) {
      // An editor or webview may hold the keyboard inside its iframe, where F1 does not reach the workbench.
      await page.keyboard.press('Escape');
      const sidebarTitle = page.locator('#workbench\\.parts\\.sidebar .composite.title');
      if (await sidebarTitle.isVisible()) await sidebarTitle.click().catch(() => undefined);
    }
    const widget = await typeInCommandPalette(page, label).catch(() => null);
    if (!widget) continue;
    lastInput = await widget.locator('.quick-input-box input').inputValue().catch(() => '');
    if (!lastInput.includes(label)) continue;
    if (await row.waitFor({ timeout }).then(() => true, () => false)) {
      if (beforeEnter) await beforeEnter(page);
      // Enter runs the focused row, which may still be another one while the list settles after typing: wait for
      // the focus to reach this row; if it never does, click the row itself.
      const focused = quickInput(page).locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: new RegExp(escapeRegExp(label)) });
      if (await focused.waitFor({ timeout: 3_000 }).then(() => true, () => false)) await page.keyboard.press('Enter');
      else await row.click();
      return;
    }
  }
  throw new Error(`the command palette never listed "${label}" (${timeouts.length} tries; the input last held "${lastInput}")`);
}

/** The quick input widget (command palette and quick picks). */
export function quickInput(page) {
  return page.locator('.quick-input-widget');
}

/** The title of the visible quick pick ('' for the command palette or when none is open). */
export async function quickInputTitle(page) {
  const widget = quickInput(page);
  if (!(await widget.isVisible())) return null;
  return ((await widget.locator('.quick-input-title').textContent()) ?? '').trim();
}

/** The rows of the visible quick pick whose text matches `pattern`. */
export function quickItems(page, pattern) {
  return quickInput(page).locator('.quick-input-list .monaco-list-row').filter({ hasText: pattern });
}

/** Picks the first row of the visible quick pick whose text matches `pattern`. */
export async function pickQuickItem(page, pattern) {
  await quickItems(page, pattern).first().click({ timeout: 10_000 });
}

/** The editor tab whose accessible name (title and description) matches `pattern`. */
export function editorTab(page, pattern) {
  return page.locator('.tabs-container').getByRole('tab', { name: pattern }).first();
}

/** Focuses the editor of `tab` and returns its visible text (monaco's rendered lines, spaces normalised). */
export async function editorTextOfTab(page, tab) {
  await tab.click({ timeout: 5_000 });
  const lines = page.locator('.editor-group-container').filter({ has: tab }).locator('.monaco-editor .view-lines').first();
  return ((await lines.innerText({ timeout: 5_000 })) ?? '').replace(/\u00a0/g, ' ');
}

/** The language mode the status bar shows for the focused editor ('' when none). */
export async function statusBarLanguage(page) {
  return ((await page.locator('[id="status.editor.mode"]').textContent({ timeout: 2_000 }).catch(() => '')) ?? '').trim();
}

/** The text of a modal dialog or an error notification on screen (what a user would read), or null. */
export async function visibleError(page) {
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.isVisible()) return `dialog: ${(await dialog.innerText()).replace(/\s+/g, ' ').trim()}`;
  const toast = page.locator('.notification-toast').filter({ has: page.locator('.codicon-error') }).first();
  if (await toast.isVisible()) return `error notification: ${(await toast.innerText()).replace(/\s+/g, ' ').trim()}`;
  return null;
}

/** Escapes a string for use in a RegExp. */
export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Waits for a notification matching `pattern`, as a toast or listed in the notification center (where
 * every notification stays); resolves to its text, one line, and leaves the center closed.
 */
export async function waitForNotification(page, pattern, timeout = 60_000) {
  const toast = page.locator('.notification-toast').filter({ hasText: pattern }).first();
  const center = page.locator('.notifications-center');
  const listed = center.locator('.notification-list-item').filter({ hasText: pattern }).first();
  try {
    return await poll(`a notification matching ${pattern}`, async () => {
      if (await toast.isVisible()) return (await toast.innerText()).replace(/\s+/g, ' ').trim();
      if (!(await center.isVisible())) await page.locator('[id="status.notifications"]').click();
      if (await listed.isVisible()) return (await listed.innerText()).replace(/\s+/g, ' ').trim();
      return null;
    }, { timeoutMs: timeout });
  } finally {
    if (await center.isVisible()) await page.locator('[id="status.notifications"]').click();
  }
}
