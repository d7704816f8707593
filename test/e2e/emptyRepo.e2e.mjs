// A repository without commits as a user meets it: guidance, never a red NO-GO, nothing to re-run; the first
// commit is judged on its own (no Re-run). Its own folder, made here: nothing depends on the specs run before.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_ID } from '../helpers/extensionId.ts';
import { poll } from '../helpers/poll.ts';
import { session } from './session.mjs';
import { runFromPalette } from './workbench.mjs';

const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' } });

describe('an empty repository', function () {
  this.timeout(90_000);
  let folder = '';

  before(async function () {
    this.timeout(240_000);
    folder = join(session.runDir, 'workspace', 'empty-repo', 'app');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    git(folder, 'init', '-q', '-b', 'main');
    git(folder, 'config', 'commit.gpgsign', 'false');
    // Gates that pass on a healthy first commit (the config is committed with it).
    writeFileSync(join(folder, '.release-manager.json'), JSON.stringify({ gates: [{ id: 'no-fixups', kind: 'noFixups' }, { id: 'branch', kind: 'releaseBranch', patterns: ['main'] }] }, null, 2));
    await session.openFolder(folder);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session.screenshot(`e2e-failed-${this.currentTest.title}`);
  });

  it('shows guidance, not NO-GO: the checklist says to make a first commit and Re-run all is disabled', async function () {
    this.timeout(150_000); // the first webview load of a new window is slow on a busy machine
    const { page } = session;
    const label = 'Release: Show Readiness Checklist';
    // The extension is up (its status bar item shows) before the palette is opened: a palette opened
    // earlier lists the commands known then, and does not refresh while it is open.
    await page.locator('.statusbar-item').filter({ hasText: /no commits yet/ }).first().waitFor({ timeout: 60_000 });
    await runFromPalette(page, label);
    const frame = page.frameLocator(`iframe[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('#active-frame');
    await frame.locator('.guidance').waitFor({ timeout: 60_000 });
    assert.match(await frame.locator('.guidance').innerText(), /no commits yet.*first commit/i);
    assert.equal(await frame.locator('vscode-button', { hasText: 'Re-run all' }).getAttribute('disabled'), '', 'Re-run all is disabled');
    // Give a (wrong) gate run time to show up: it must not.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await frame.locator('.nogo').count(), 0, 'no red NO-GO');
    assert.doesNotMatch(await frame.locator('#app').innerText(), /NO-GO/);
    const status = page.locator('.statusbar-item').filter({ hasText: /no commits yet/ });
    await status.first().waitFor({ timeout: 15_000 });
    await session.screenshot('e2e-empty-repository');
  });

  it('judges the first commit on its own (no Re-run)', async () => {
    const { page } = session;
    git(folder, 'add', '-A');
    git(folder, 'commit', '-q', '-m', 'feat: first screen');
    const frame = page.frameLocator(`iframe[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('#active-frame');
    await poll('a verdict in the checklist', async () => (await frame.locator('.verdict .decision').count()) > 0 && (await frame.locator('.verdict .decision').textContent()) === 'GO', { timeoutMs: 45_000 });
    await page.locator('.statusbar-item').filter({ hasText: /GO/ }).first().waitFor({ timeout: 15_000 });
  });
});
