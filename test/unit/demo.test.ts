import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { poll } from '../helpers/poll';

// The README's first command, `npm run demo`, without its VS Code half: the bundled demo repository is
// built, and the CLI (dist/cli.js, built by `npm run test:unit`) shows the next version, the notes, the
// gates and a canary deploy to staging judged by the demo's real HTTP health endpoint.

const ROOT = resolve(__dirname, '../..');

describe('npm run demo -- --cli-only (the README\'s demo)', function () {
  this.timeout(60_000);
  let dir: string;
  let out = '';
  let code: number | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rm-demo-'));
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs'), '--cli-only'], { cwd: ROOT, env: { ...process.env, DEMO_DIR: join(dir, 'invoicing') }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    code = await new Promise<number | null>((ok) => child.on('close', ok));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and shows the next version with the commit that decided it, and the notes with hostile text inert', () => {
    assert.equal(code, 0, out);
    assert.match(out, /^0\.3\.0 \(minor, from 0\.2\.0\)$/m);
    assert.match(out, /feat\(api\)!: amounts are integers in cents .*→ minor/);
    assert.match(out, /^### ⚠ Breaking Changes$/m);
    assert.match(out, /&lt;b&gt;escape&lt;\/b&gt; customer names `@everyone`/);
    const notes = out.slice(out.indexOf('## 0.3.0'), out.indexOf('$ release-manager notes --path'));
    assert.match(notes, /^- fixup\\! &lt;img src=x/m);
    assert.doesNotMatch(notes, /<img|\]\(javascript:/);
  });

  it('shows the NO-GO verdict naming the missing QA sign-off', () => {
    assert.match(out, /^NO-GO: 1 required gate pending: QA sign-off/m);
  });

  it('deploys 0.2.0 to staging as a canary: each step is run by the demo tool and each analysis reads the health endpoint', () => {
    const deploy = out.slice(out.indexOf('$ release-manager deploy'), out.indexOf('$ release-manager status'));
    assert.match(deploy, /Deploy 0\.2\.0 \([0-9a-f]{12}, v0\.2\.0\) to staging of acme\/demo — canary/);
    assert.match(deploy, /^\[staging\] deploy 0\.2\.0 to staging: canary step 1, 25% of the traffic on 0\.2\.0$/m);
    assert.match(deploy, /^\[staging\] deploy 0\.2\.0 to staging: canary step 2, 100% of the traffic on 0\.2\.0$/m);
    assert.match(deploy, /^\[3\/6\] done: healthy: errors: \d+ good samples?/m);
    assert.match(deploy, /^\[6\/6\] done: healthy: errors: \d+ good samples?/m);
    assert.match(deploy, /^Deploy of 0\.2\.0 to staging \(canary\): 0\.2\.0 deployed to staging$/m);
    assert.equal(deploy.match(/0\.2\.0 deployed to staging/g)?.length, 1, 'the outcome is said once');
    assert.match(out.slice(out.indexOf('$ release-manager status')), /^acme\/demo staging: Deploy of 0\.2\.0 to staging \(canary\): 0\.2\.0 deployed to staging/m);
  });

  it('deploys a staging → production history with the CLI (one failure, one rollback) and shows its metrics, read from those records', () => {
    const history = out.slice(out.indexOf('# the past'), out.indexOf('$ release-manager deploy'));
    assert.match(history, /deploy v0\.1\.1 → production: ok: Deploy of 0\.1\.1 to production \(direct\): 0\.1\.1 deployed to production/);
    assert.match(history, /deploy v0\.2\.0-rc\.0 → production: exit 1: .*the database migration timed out/);
    assert.match(history, /rollback → production: ok: Rollback of production to 0\.1\.1/);
    const metrics = out.slice(out.indexOf('$ release-manager metrics'));
    assert.match(metrics, /^Release metrics for production, /m);
    assert.match(metrics, /^ {2}Deployments {10}4 \(3 succeeded, 1 failed, 1 rolled back, 0 in progress\)$/m);
    assert.match(metrics, /^ {2}Change failure rate {2}33\.3% \(1 of 3 deployments\)$/m);
    assert.match(metrics, /^ {2}Rollback rate {8}33\.3% \(1 of 3 releases\)$/m);
    // 0.1.1 shipped the two commits after 0.1.0, made about 19 and 20 hours before the demo ran (the history is backdated a day).
    const lead = /^ {2}Lead time {12}median ([\d.]+) h, p90 ([\d.]+) h \(2 commits\)$/m.exec(metrics);
    assert.ok(lead, metrics);
    assert.ok(Number(lead[1]) > 18 && Number(lead[1]) < 21, lead[0]);
    assert.match(metrics, /Change failure rate 33\.3% ✗ < 15%/);
    assert.match(metrics, /warning: No GitHub token/);
  });

  it('records the deploy in the decision log and leaves the working tree clean apart from it', () => {
    const repo = join(dir, 'invoicing');
    const log = join(repo, 'docs', 'RELEASE-DECISIONS.md');
    assert.ok(existsSync(log));
    assert.match(readFileSync(log, 'utf8'), /0\.2\.0/);
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' });
    assert.deepEqual(status.trim().split('\n').filter(Boolean), ['?? docs/RELEASE-DECISIONS.md']);
  });

  it('says how to serve the health endpoint again, and --health-only serves it on the same port until Ctrl+C', async () => {
    const said = out.match(/The staging health endpoint \((http:\/\/127\.0\.0\.1:(\d+)\/health)\) stops with this demo: .*`npm run demo -- --health-only`/);
    assert.ok(said, out);
    assert.ok(out.lastIndexOf(said[0]) > out.indexOf('$ release-manager status'), 'said again when the demo stops');
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs'), '--health-only'], { cwd: ROOT, env: { ...process.env, DEMO_DIR: join(dir, 'invoicing') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let served = '';
    child.stdout.on('data', (d: Buffer) => (served += d.toString()));
    child.stderr.on('data', (d: Buffer) => (served += d.toString()));
    const closed = new Promise<number | null>((ok) => child.on('close', ok));
    try {
      await poll('the health endpoint served again', async () => served.includes(`Serving ${said[1]}`) || /error:/.test(served), { timeoutMs: 20_000 });
      const res = await fetch(said[1]!);
      assert.equal(res.status, 200, served);
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
      child.kill('SIGINT');
      child.kill('SIGINT');
      assert.equal(await closed, 0, served);
      await assert.rejects(fetch(said[1]!), 'stopped with Ctrl+C');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
