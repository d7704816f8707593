// The Release Metrics webview bundle in a real browser (Debian's Chromium through playwright-core):
// the page the host serves (same HTML and CSP), the bundle built from webview/metrics.ts, the state
// posted as the host posts it. Checks what a user sees and what the page sends back, that nothing
// breaks the CSP, and that the charts take VS Code's theme colours and follow a theme change.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { MetricsViewState } from '../../../src/shared/metricsProtocol';
import { metricsHtml } from '../../../src/vscode/metrics/metricsHtml';
import { busyReport, emptyReport } from '../../helpers/metricsReports';

// The callbacks given to page.evaluate run in the page; the project compiles for Node, so their DOM names are declared loosely here.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare function getComputedStyle(e: unknown): any;
type HTMLElement = any;
type HTMLCanvasElement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const ROOT = join(__dirname, '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the pictures go (with the e2e tier's): a person can see what the assertions checked. */
const SHOTS = join(ROOT, 'test-results', 'screenshots');

/** VS Code's chart colours of its Dark Modern and Light Modern themes (what it sets on the webview's <html>). */
const DARK = { '--vscode-foreground': '#cccccc', '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': '#cccccc80', '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f14c4c', '--vscode-charts-orange': '#d18616', '--vscode-charts-blue': '#3794ff', '--vscode-charts-purple': '#b180d7', '--vscode-editor-background': '#1f1f1f' };
const LIGHT = { '--vscode-foreground': '#3b3b3b', '--vscode-charts-foreground': '#616161', '--vscode-charts-lines': '#61616180', '--vscode-charts-green': '#388a34', '--vscode-charts-red': '#e51400', '--vscode-charts-orange': '#d18616', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-purple': '#652d90', '--vscode-editor-background': '#ffffff' };

const state = (over: Partial<MetricsViewState> = {}): MetricsViewState => ({ repo: 'invoicing', environments: ['staging', 'production'], environment: null, window: '90d', loading: false, report: busyReport(), error: null, signedOut: false, trusted: true, ...over });

describe('the Release Metrics webview in a real browser', function () {
  this.timeout(120_000);
  let dir: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;

  before(async function () {
    this.timeout(180_000);
    dir = mkdtempSync(join(tmpdir(), 'rm-metrics-webview-'));
    mkdirSync(SHOTS, { recursive: true });
    await build({ entryPoints: [join(ROOT, 'webview/metrics.ts')], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', outfile: join(dir, 'metrics.js'), logLevel: 'warning' });
    copyFileSync(join(ROOT, 'webview/metrics.css'), join(dir, 'metrics.css'));
    copyFileSync(join(ROOT, 'node_modules/uplot/dist/uPlot.min.css'), join(dir, 'uPlot.min.css'));
    copyFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.css'), join(dir, 'codicon.css'));
    copyFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.ttf'), join(dir, 'codicon.ttf'));
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(metricsHtml({ cspSource: origin, nonce: 'TEST-NONCE-' + Math.random().toString(36).slice(2), src: (f) => `${origin}/bundle/${f}` }));
        return;
      }
      const file = /^\/bundle\/([\w.-]+)$/.exec(path)?.[1];
      try {
        const body = readFileSync(join(dir, file ?? '-'));
        res.writeHead(200, { 'content-type': file!.endsWith('.js') ? 'text/javascript' : file!.endsWith('.css') ? 'text/css' : file!.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    // What VS Code's webview frame provides (acquireVsCodeApi), a record of what the page sends, and of CSP violations.
    // A string, not a function: tsx compiles test functions with name helpers that do not exist in the page.
    await page.addInitScript(`
      window.__posted = [];
      window.__csp = [];
      window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.__posted.push(m); } }; };
      document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + (e.blockedURI === 'eval' ? ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber : '')); });
    `);
  });

  afterEach(async () => {
    await page?.close();
  });

  async function open(theme: Record<string, string>, kind: 'vscode-dark' | 'vscode-light'): Promise<void> {
    await page.goto(`${origin}/`);
    await setTheme(theme, kind);
    await until('the page to send ready', () => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready')));
  }

  async function setTheme(theme: Record<string, string>, kind: string): Promise<void> {
    await page.evaluate(
      ([vars, cls]) => {
        for (const [k, v] of Object.entries(vars as Record<string, string>)) document.documentElement.style.setProperty(k, v);
        document.body.className = cls as string;
      },
      [theme, kind] as const,
    );
  }

  /** Polls through evaluate (Playwright's waitForFunction evaluates strings, which the page's CSP rightly refuses). */
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  const post = (s: MetricsViewState) => page.evaluate((m) => window.postMessage(m, '*'), { type: 'state', state: s });
  const posted = () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
  const violations = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  /** The colour uPlot gave a series' legend marker (what it draws that series with). */
  const markerColour = (chart: string, series: string) =>
    page.evaluate(
      ([c, s]) => {
        const row = [...document.querySelectorAll(`#chart-${c} .u-legend .u-series`)].find((r) => r.textContent?.includes(s as string));
        const marker = row?.querySelector('.u-marker') as HTMLElement | null;
        return marker ? getComputedStyle(marker).borderColor : null;
      },
      [chart, series] as const,
    );

  it('shows the target verdicts, every figure as a table with headers, and the three charts, without a CSP violation', async () => {
    await open(DARK, 'vscode-dark');
    await post(state());
    await page.locator('.targets li').first().waitFor();
    const verdicts = await page.locator('.targets li .line').allTextContents();
    assert.equal(verdicts.length, 7);
    assert.ok(verdicts.includes('Change failure rate 4.9% · target < 15%'), verdicts.join('\n'));
    assert.deepEqual(await page.locator('.targets li.met .mark').first().textContent(), '✓');
    assert.ok(verdicts.includes('Deployment success rate 95.1% · target > 99.5%'), verdicts.join('\n'));
    assert.equal(await page.locator('.targets li.missed').count(), 2);
    assert.equal(await page.locator('.targets li[data-target="changeFailureRate"]').getAttribute('title'), 'Change failure rate 4.9% ✓ < 15%');
    assert.match(await page.locator('.targets h2').innerText(), /^Targets: 5 of 7 met$/);
    // Tables: a caption, column headers and row headers; the weekly one has a row per week.
    const tables = await page.locator('.table-wrap table').evaluateAll((ts) => ts.map((t) => ({ caption: t.querySelector('caption')?.textContent ?? '', cols: t.querySelectorAll('thead th[scope="col"]').length, rows: t.querySelectorAll('tbody th[scope="row"]').length })));
    assert.deepEqual(tables.map((t) => t.caption), [
      'Deployments per week',
      'Lead time per deployment (median of its commits)',
      'Recovery time per failure',
      'Deployments of production (3, 1 in progress)',
      'All figures: production, 2026-09-07 → 2026-12-06',
    ]);
    assert.deepEqual(tables.map((t) => t.rows), [12, 30, 2, 3, 18]);
    // The deploy in progress is listed (newest first) though not counted in the rates.
    assert.deepEqual((await page.locator('.table-wrap.list tbody tr').first().innerText()).split('\t').map((c: string) => c.trim()), ['2026-12-05 09:00', '1.5.0', 'in progress', '–', '']);
    assert.match(await page.locator('.table-wrap.list tbody tr').last().innerText(), /1\.4\.0\s+failed\s+2026-11-18 16:25\s+failed · 2 steps/);
    for (const t of tables) assert.ok(t.cols >= 2, t.caption);
    const cfr = await page.locator('.figures tr', { hasText: 'Change failure rate' }).first().innerText();
    assert.match(cfr, /Change failure rate\s+4\.9%\s+2 of 41 deployments/);
    // Charts: one canvas each, drawn (pixels that are not transparent), described for screen readers.
    for (const id of ['weekly', 'lead', 'recovery']) {
      const drawn = await page.locator(`#chart-${id} canvas`).evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(drawn > 500, `${id}: ${drawn} pixels drawn`);
      assert.match((await page.locator(`#chart-${id}`).getAttribute('role')) ?? '', /^img$/);
      assert.notEqual((await page.locator(`#chart-${id}`).getAttribute('aria-label')) ?? '', '');
    }
    assert.deepEqual(await violations(), []);
  });

  it('draws with the theme colours and draws again in the new ones when the theme changes', async () => {
    await open(DARK, 'vscode-dark');
    await post(state());
    await page.locator('#chart-weekly canvas').waitFor();
    assert.equal(await markerColour('weekly', 'Succeeded'), 'rgb(137, 209, 133)');
    assert.equal(await markerColour('weekly', 'Failed'), 'rgb(241, 76, 76)');
    await page.screenshot({ path: join(SHOTS, 'unit-metrics-webview-dark.png'), fullPage: true });
    await setTheme(LIGHT, 'vscode-light');
    await until('the light theme\'s green', async () => (await markerColour('weekly', 'Succeeded')) === 'rgb(56, 138, 52)');
    assert.equal(await markerColour('weekly', 'Failed'), 'rgb(229, 20, 0)');
    assert.equal(await page.locator('#chart-weekly canvas').count(), 1, 'the old chart is replaced, not stacked');
    await page.screenshot({ path: join(SHOTS, 'unit-metrics-webview-light.png'), fullPage: true });
    assert.deepEqual(await violations(), []);
  });

  it('guides when there is nothing to show: n/a, the warnings, Sign in to GitHub', async () => {
    await open(LIGHT, 'vscode-light');
    await post(state({ report: emptyReport(), signedOut: true }));
    const guidance = page.locator('.guidance.empty');
    await guidance.waitFor();
    assert.match(await guidance.innerText(), /No deployments of production in 2026-09-07 → 2026-12-06: every figure is n\/a/);
    assert.match(await guidance.innerText(), /Sign in to GitHub to include GitHub deployments/);
    assert.deepEqual(await page.locator('.warnings li').allTextContents(), ['Sign in to GitHub to include GitHub deployments.']);
    assert.deepEqual(await page.locator('.targets li .line').allTextContents(), ['Lead time for changes (median) n/a · target < 1 week', 'Change failure rate n/a · target < 15%']);
    assert.equal(await page.locator('canvas').count(), 0, 'no empty charts');
    assert.equal(await page.locator('.charts .plot .nodata').count(), 3);
    await guidance.locator('vscode-button').click();
    assert.deepEqual((await posted()).at(-1), { type: 'signIn' });
  });

  it('sends the user\'s choices as protocol messages (environment, window, refresh, copy, cancel)', async () => {
    await open(DARK, 'vscode-dark');
    await post(state());
    await page.locator('#window').selectOption('30d');
    assert.deepEqual((await posted()).at(-1), { type: 'select', environment: null, window: '30d' });
    await page.locator('#environment').selectOption('staging');
    assert.deepEqual((await posted()).at(-1), { type: 'select', environment: 'staging', window: '90d' });
    await page.locator('vscode-button[data-focus-key="copy"]').click();
    assert.deepEqual((await posted()).at(-1), { type: 'copyMarkdown' });
    await page.locator('vscode-button[data-focus-key="refresh"]').click();
    assert.deepEqual((await posted()).at(-1), { type: 'refresh' });
    await post(state({ loading: true }));
    assert.equal(await page.locator('main').getAttribute('aria-busy'), 'true');
    assert.match(await page.locator('.status').innerText(), /Computing metrics/);
    assert.equal(await page.locator('#window').isDisabled(), true, 'no new choice while computing');
    await page.locator('vscode-button[data-focus-key="cancel"]').click();
    assert.deepEqual((await posted()).at(-1), { type: 'cancel' });
    const types = ((await posted()) as { type: string }[]).map((m) => m.type);
    assert.equal(types[0], 'ready', 'ready comes first');
  });

  it('keeps hostile text inert and ignores messages that are not the protocol', async () => {
    await open(DARK, 'vscode-dark');
    const hostile = '<img src=x onerror="window.__pwned=1"> [x](javascript:alert(1))';
    await post(state({ report: busyReport({ warnings: [hostile], environment: 'production' }), error: { message: '<script>window.__pwned=2</script>', fix: null } }));
    await page.locator('.warnings li').first().waitFor();
    assert.equal(await page.locator('.warnings li').first().textContent(), hostile);
    await page.evaluate(() => window.postMessage({ type: 'state', state: { repo: '<b>x</b>' } }, '*'));
    await page.evaluate(() => window.postMessage({ type: 'runCommand', command: 'x' }, '*'));
    const probe = await page.evaluate(() => ({ images: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length, pwned: (window as unknown as { __pwned?: number }).__pwned ?? null, links: document.querySelectorAll('a[href]').length }));
    assert.deepEqual(probe, { images: 0, scripts: 1, pwned: null, links: 0 });
    assert.equal(await page.locator('.targets li').count(), 7, 'the invalid state did not replace the valid one');
  });
});
