// Headless Debian Chromium driven by playwright-core, with a fresh profile per run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, SCREENSHOTS_DIR, say } from './config.mjs';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches Chromium on a fresh profile `run.profile/<name>`, HOME in the run folder; resolves to `{ context, page }`. */
export async function launchBrowser(run, name = 'default') {
  const context = await chromium.launchPersistentContext(join(run.profile, name), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    // Chromium's crash handler and caches write under HOME/XDG: keep them in the run folder (TMPDIR stays short:
    // Chromium's singleton socket path must fit in 107 bytes).
    env: { ...process.env, HOME: run.home, XDG_CONFIG_HOME: join(run.home, '.config'), XDG_CACHE_HOME: join(run.home, '.cache') },
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    timeout: 60_000,
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Saves a PNG of the page as `test-results/screenshots/<name>.png`; returns its path (null when it fails). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = join(SCREENSHOTS_DIR, `${name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '')}.png`);
  try {
    await page.screenshot({ path: file, timeout: 15_000 });
    say(`screenshot: ${file}`);
    return file;
  } catch (e) {
    say(`screenshot ${name} failed: ${e.message.split('\n')[0]}`);
    return null;
  }
}
