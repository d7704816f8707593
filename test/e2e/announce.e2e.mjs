/* global document, window -- evaluated inside the webview frame */
// Release: Announce… as a user meets it: the palette, the stage, the audiences and the planned deploy time,
// then the preview beside the editor with the markdown, the Slack blocks and the e-mail subject of each
// audience; hostile commit text stays text there. Send… asks a native confirmation and shows per channel
// what happened (the file channel writes, Slack without its secret fails with the cause). Screenshot:
// test-results/screenshots/e2e-announce-preview.png. Its own fresh demo repository.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_ID } from '../helpers/extensionId.ts';
import { poll } from '../helpers/poll.ts';
import { session } from './session.mjs';
import { escapeRegExp, quickInputTitle, quickItems, runFromPalette, visibleError } from './workbench.mjs';

/** The preview's document: our extension's webview panel iframe (not a webview view), then VS Code's inner active frame. */
function previewFrame(page) {
  return page.frameLocator(`iframe[src*="extensionId=${EXTENSION_ID}"]:not([src*="purpose=webviewView"])`).frameLocator('#active-frame');
}

describe('the announce preview', function () {
  this.timeout(120_000);

  before(async function () {
    this.timeout(240_000);
    await session.openDemo('announce', (folder) => {
      const file = join(folder, '.release-manager.json');
      const config = JSON.parse(readFileSync(file, 'utf8'));
      config.announce = {
        channels: [
          { kind: 'slack', webhookEnv: 'RM_E2E_SLACK_WEBHOOK', audiences: ['internal', 'support'] },
          { kind: 'email', host: '127.0.0.1', port: 2525, from: 'release@example.com', to: ['team@example.com'], audiences: ['internal'] },
          { kind: 'file', audiences: ['external'] },
        ],
        timeZone: 'Europe/Berlin',
        owners: ['Ops team'],
      };
      writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session.screenshot(`e2e-failed-${this.currentTest.title}`);
  });

  it('opens beside the editor after the stage, audiences and planned time, with markdown, Slack and e-mail per audience', async () => {
    const { page } = session;
    await page.keyboard.press('Escape');
    await page.locator('#workbench\\.parts\\.sidebar .composite.title').click().catch(() => {});
    const label = 'Release: Announce…';
    await runFromPalette(page, label);
    await poll('the stage pick', async () => /stage/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 30_000 });
    await quickItems(page, /^Notice/).first().click();
    await poll('the audience pick', async () => /audiences/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 30_000 });
    await page.keyboard.press('Enter'); // every audience with a channel is pre-selected
    await poll('the planned time', async () => /planned deploy time/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 30_000 });
    // A typed time is read back in UTC and in the config's zone before it is accepted.
    const planned = new Date(Date.now() + 72 * 3_600_000).toISOString().slice(0, 13) + ':00Z';
    await page.keyboard.press('Control+A');
    await page.keyboard.type(planned);
    await poll('the planned time read back', async () => / UTC · .+Europe\/Berlin/.test((await page.locator('.quick-input-widget .quick-input-message').innerText().catch(() => '')) ?? ''), { timeoutMs: 10_000 });
    await page.keyboard.press('Enter');

    const frame = previewFrame(page);
    await poll(
      'the preview with three audiences',
      async () => {
        const error = await visibleError(page);
        if (error) throw new Error(`Announce… failed: ${error}`);
        return (await frame.locator('section.audience').count().catch(() => 0)) === 3;
      },
      { timeoutMs: 60_000 },
    );
    const internal = frame.locator('section.audience[data-audience="internal"]');
    assert.match(await frame.locator('h1').innerText(), new RegExp(`^notice: .*${escapeRegExp(session.expectedVersion)}$`, 'i'));
    assert.match(await frame.locator('.planned').innerText(), /Planned deploy: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · .* Europe\/Berlin/);
    assert.match(await internal.locator('article.markdown h3').first().innerText(), new RegExp(escapeRegExp(session.expectedVersion)));
    assert.match(await internal.locator('.slack .slack-section').first().innerText(), new RegExp(escapeRegExp(session.expectedVersion)), 'the Slack message is drawn');
    assert.ok((await internal.locator('.slack .slack-section strong').count()) >= 1, 'Slack *bold* is drawn bold');
    assert.match(await internal.locator('.email .subject').innerText(), /Subject: .+/);
    assert.equal(await frame.locator('section.audience[data-audience="external"] .slack').count(), 0, 'no Slack for the file-only audience');
    assert.match(await internal.locator('.channels').innerText(), /slack: Slack webhook from RM_E2E_SLACK_WEBHOOK.*email: e-mail to team@example\.com/);
    assert.match(await internal.locator('article.markdown').innerText(), /<img src=x onerror=/, 'the hostile commit is shown as text');
    const probe = await frame.locator('body').evaluate(() => ({ images: document.querySelectorAll('img').length, links: document.querySelectorAll('a[href]').length, scripts: [...document.querySelectorAll('script')].filter((x) => /pwned|alert|onerror/.test(x.textContent ?? '')).length, pwned: /** @type {any} */ (window).__pwned ?? null }));
    assert.deepEqual(probe, { images: 0, links: 0, scripts: 0, pwned: null }, 'announcement text is drawn as text');
    await session.screenshot('e2e-announce-preview');
  });

  it('re-renders when the template is edited, and sends what it shows after a native confirmation', async () => {
    const { page } = session;
    const frame = previewFrame(page);
    const external = frame.locator('section.audience[data-audience="external"]');
    const area = external.locator('textarea.template');
    await area.click();
    await area.press('Control+Home');
    await area.pressSequentially('Edited line for customers.\n\n');
    await poll('the edit rendered', async () => /Edited line for customers\./.test(await external.locator('article.markdown').innerText()), { timeoutMs: 20_000 });
    await frame.locator('vscode-button', { hasText: 'Send…' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    assert.match(await dialog.innerText(), /Send the notice of .+ to internal, external, support\?/);
    assert.match(await dialog.innerText(), /slack.*email.*file/s);
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await poll('the results per channel', async () => (await frame.locator('table.results tr.result').count()) === 4, { timeoutMs: 60_000 });
    const rows = await frame.locator('table.results tr.result').evaluateAll((trs) => trs.map((tr) => `${tr.className}|${tr.textContent}`));
    assert.ok(rows.some((r) => /^result sent\|external/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /^result failed\|internal.*slack.*RM_E2E_SLACK_WEBHOOK/s.test(r)), rows.join('\n'));
    const written = join(session.folder, 'release-announcements', session.expectedVersion, 'external.md');
    assert.ok(existsSync(written), 'the file channel wrote the external announcement');
    assert.match(readFileSync(written, 'utf8'), /Edited line for customers\./, 'what was edited is what was sent');
    await session.screenshot('e2e-announce-sent');
  });
});
