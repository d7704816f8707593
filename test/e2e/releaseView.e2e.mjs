// The packaged extension as a user meets it: install the .vsix, open the Release container, read the tree,
// draft the notes from the command palette. Screenshots go to test-results/screenshots/.
// Its own fresh demo repository, signed out of GitHub: nothing depends on the specs run before.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { poll } from '../helpers/poll.ts';
import { signOut } from './githubAccount.mjs';
import { session } from './session.mjs';
import {
  activityTab, editorTab, editorTextOfTab, escapeRegExp, pickQuickItem, quickInputTitle, runFromPalette, statusBarLanguage, treeRowTexts, viewContainer, visibleError,
} from './workbench.mjs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const CONTAINER = manifest.contributes.viewsContainers.activitybar[0];
const DRAFT = manifest.contributes.commands.find((c) => c.command === 'releaseManager.draftNotes');
/** How the Draft Release Notes pickers are answered for the demo repository: the whole repository, unreleased changes. */
const ANSWERS = [
  [/package/i, /Whole repository/],
  [/range/i, /unreleased changes|→ HEAD/],
  [/repository/i, /demo/],
];

describe('Release Manager installed from its .vsix', function () {
  this.timeout(90_000);

  before(async function () {
    // A new window on a fresh demo: slow on a busy machine.
    this.timeout(240_000);
    await session.openDemo('release-view');
    await signOut(session.runDir);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await session.screenshot(`e2e-failed-${this.currentTest.title}`);
    // Close what the failure left open (dialog, quick pick) so the next test starts from the workbench.
    await session.page.keyboard.press('Escape');
  });

  it(`is installed by code-server as ${manifest.publisher}.${manifest.name}@${manifest.version}`, () => {
    assert.ok(
      session.extensions.includes(`${manifest.publisher}.${manifest.name}@${manifest.version}`),
      `installed: ${session.extensions.join(', ') || 'nothing'}`,
    );
  });

  it(`shows the "${CONTAINER.title}" container in the activity bar and opens it`, async () => {
    const { page } = session;
    const tab = activityTab(page, CONTAINER.title);
    await tab.waitFor({ timeout: 30_000 });
    await tab.click();
    const pane = viewContainer(page, CONTAINER.id);
    await pane.waitFor({ timeout: 20_000 });
    const title = page.locator('#workbench\\.parts\\.sidebar .composite.title h2');
    assert.match((await title.textContent()) ?? '', new RegExp(`^${escapeRegExp(CONTAINER.title)}$`, 'i'));
  });

  it('lists tree rows, one of them showing the next version', async () => {
    const { page, expectedVersion } = session;
    const pane = viewContainer(page, CONTAINER.id);
    // The first read of a fresh demo in a new window: slow on a busy machine.
    const rows = await poll(`a tree row containing ${expectedVersion}`, async () => {
      const texts = await treeRowTexts(pane);
      return texts.some((t) => t.includes(expectedVersion)) ? texts : null;
    }, { timeoutMs: 60_000 }).catch(async (e) => {
      const shown = (await pane.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
      throw new Error(`${e.message}; the view shows: "${shown}"`);
    });
    assert.ok(rows.length >= 2, `only ${rows.length} row(s): ${rows.join(' / ')}`);
    await session.screenshot('e2e-release-view');
  });

  it(`runs "${DRAFT.category}: ${DRAFT.title}" from the command palette and opens the notes as untitled markdown`, async () => {
    const { page, expectedVersion } = session;
    const label = `${DRAFT.category}: ${DRAFT.title}`;
    await runFromPalette(page, label, { beforeEnter: () => session.screenshot('e2e-command-palette') });
    // The command may ask which package and which range; answer like a user drafting the next release.
    const heading = `## ${expectedVersion}`;
    const answered = [];
    await poll(`an untitled Markdown editor whose text contains "${heading}"`, async () => {
      const error = await visibleError(page);
      if (error) throw new Error(`the command failed; ${error}`);
      const title = await quickInputTitle(page);
      if (title) {
        const answer = ANSWERS.find(([t]) => t.test(title));
        if (!answer) throw new Error(`unexpected quick pick "${title}" (answered so far: ${answered.join(', ') || 'none'})`);
        answered.push(title);
        await pickQuickItem(page, answer[1]);
        await poll(`the quick pick "${title}" to close`, async () => (await quickInputTitle(page)) !== title, { timeoutMs: 10_000 });
        return false;
      }
      // The notes may open beside a preview that takes the focus: focus the untitled editor each time.
      const tab = editorTab(page, /^(?!Preview).*Untitled/);
      if (!(await tab.isVisible())) return false;
      const text = await editorTextOfTab(page, tab).catch(() => '');
      return text.includes(heading) && /Markdown/.test(await statusBarLanguage(page));
    }, { timeoutMs: 45_000 }).catch(async (e) => {
      throw new Error(`${e.message}; language mode shown: "${await statusBarLanguage(page)}"`);
    });
    await session.screenshot('e2e-draft-notes');
  });
});
