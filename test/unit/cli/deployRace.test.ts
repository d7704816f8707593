import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

// A rollback started while a deploy runs, each in its own real CLI process (dist/cli.js: run
// `npm run build` first), on an environment deployed by a local command: a canary 25% → 100%.
// The deploy tool blocks in its step until the test lets it go, so "while step 1 runs" is a state
// the test controls, not a race it hopes to win.

const TOOL = `
const fs = require('node:fs');
const path = require('node:path');
const log = (m) => fs.appendFileSync(path.join(__dirname, 'calls.log'), m + '\\n');
const what = process.argv.slice(2).join(' ');
log('start ' + what);
// Held until tools/go exists (at most 60 s): the step "in flight".
const until = Date.now() + 60000;
while (fs.existsSync(path.join(__dirname, 'hold')) && !fs.existsSync(path.join(__dirname, 'go')) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
log('end ' + what);
`;

const CLI = resolve(__dirname, '../../../dist/cli.js');

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

describe('release-manager rollback over a running deploy (two CLI processes, a local command provider)', function () {
  this.timeout(90_000);
  let test: TestRepo;
  let common: string;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };

  const calls = (): string[] => {
    const f = join(test.dir, 'tools', 'calls.log');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
  };
  function run(...argv: string[]): Run {
    const child = spawn(process.execPath, [CLI, ...argv], { cwd: test.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    return { child, out: () => out, err: () => err, exited };
  }
  async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const history = () =>
    (JSON.parse(readFileSync(join(common, 'release-manager', 'deployments', 'staging.json'), 'utf8')) as { entries: Array<{ operation: string; version: string; weight: number; statuses: Array<{ state: string }> }> }).entries.map(
      (e) => `${e.operation} ${e.version} ${e.weight}% ${e.statuses[0]!.state}`,
    );

  before(async () => {
    test = TestRepo.create('rm-cli-race-');
    test.write('tools/deploy.js', TOOL);
    const argv = [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{operation}', '{weight}'];
    test.write('.release-manager.json', JSON.stringify({ gates: [], deploy: { environments: [{ name: 'staging', provider: { kind: 'command', argv }, strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 1000 }] } }] } }));
    test.write('.gitignore', 'RELEASE-DECISIONS.md\ntools/calls.log\ntools/hold\ntools/go\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'ci: deploy tool');
    test.tag('v0.9.0');
    test.commit('fix: one');
    test.tag('v1.0.0');
    test.commit('fix: two');
    test.tag('v1.0.1');
    common = (await LocalGitRepo.open(test.dir)).gitCommonDir;
  });

  beforeEach(async () => {
    for (const f of ['calls.log', 'hold', 'go']) rmSync(join(test.dir, 'tools', f), { force: true });
    rmSync(join(common, 'release-manager'), { recursive: true, force: true });
    rmSync(join(test.dir, 'RELEASE-DECISIONS.md'), { force: true });
    // Two good releases in the history: 1.0.0 runs, 0.9.0 before it.
    for (const ref of ['v0.9.0', 'v1.0.0']) {
      const r = run('deploy', '--env', 'staging', '--ref', ref, '--yes', '--allow-commands');
      assert.equal(await r.exited, 0, r.err());
    }
    rmSync(join(test.dir, 'tools', 'calls.log'), { force: true });
  });

  after(() => TestRepo.cleanup());

  it('waits for the step in flight, then rolls back; the superseded deploy sends nothing more (exit 3), and status, decision log and history agree', async () => {
    writeFileSync(join(test.dir, 'tools', 'hold'), '');
    const deploy = run('deploy', '--env', 'staging', '--ref', 'v1.0.1', '--yes', '--allow-commands');
    await until('step 1 of the deploy to start', () => calls().length > 0);
    assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25']);
    const rollback = run('rollback', '--env', 'staging', '--yes', '--allow-commands');
    try {
      // The rollback takes over, then waits: starts nothing while step 1 runs, and says what it waits for.
      let ended = false;
      void rollback.exited.then(() => (ended = true));
      await until('the rollback to wait, start its command or end', () => /^Waiting for /m.test(rollback.err()) || calls().length > 1 || ended);
      assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25'], `nothing else runs while step 1 is in flight: ${rollback.err()}`);
      assert.match(rollback.err(), /Roll back anyway\? The running deploy is stopped first: it sends no further step, and the rollback starts once its step in flight has ended\./);
      assert.doesNotMatch(rollback.err(), /left to finish/);
      assert.match(rollback.err(), new RegExp(`Waiting for a release-manager CLI \\(pid ${deploy.child.pid} on .+\\), driving operation op-[0-9a-f]+ to end the step in flight of the deploy of 1\\.0\\.1 before going on`));
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25'], 'nothing else runs while step 1 is in flight');
    } finally {
      writeFileSync(join(test.dir, 'tools', 'go'), '');
    }
    const [deployCode, rollbackCode] = await Promise.all([deploy.exited, rollback.exited]);
    assert.equal(rollbackCode, 0, rollback.out() + rollback.err());
    assert.equal(deployCode, 3, deploy.out() + deploy.err());
    // One at a time: the rollback's command started after step 1 ended, and the deploy never promoted to 100%.
    assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25', 'end staging 1.0.1 deploy 25', 'start staging 1.0.0 rollback 100', 'end staging 1.0.0 rollback 100']);
    const by = /superseded by rollback (op-[0-9a-f]+)/.exec(deploy.out());
    assert.ok(by, deploy.out());
    assert.match(deploy.err(), /Stopped: another operation took staging over; nothing more was sent by this command after its last step ended/);
    assert.match(rollback.out(), /Rollback of staging to 1\.0\.0: rolled back to 1\.0\.0/);

    // Every record says the same: rolled back to 1.0.0.
    const status = run('status', '--env', 'staging');
    assert.equal(await status.exited, 0);
    assert.match(status.out(), /staging: Rollback of staging to 1\.0\.0: rolled back to 1\.0\.0/);
    const log = readFileSync(join(test.dir, 'RELEASE-DECISIONS.md'), 'utf8');
    const entries = log.split('\n## ').slice(1).map((e) => `${e.split('\n')[0]!.replace(/ — \d{4}-.*$/, '')}: ${/- Outcome: (.*)/.exec(e)?.[1] ?? '?'}`);
    assert.deepEqual(entries, [
      'DEPLOY — 0.9.0 to staging: healthy — 0.9.0 deployed to staging',
      'DEPLOY — 1.0.0 to staging: healthy — 1.0.0 deployed to staging',
      `DEPLOY — 1.0.1 to staging: superseded — superseded by rollback ${by[1]}`,
      'ROLLBACK — staging to 1.0.0: rolled-back — rolled back to 1.0.0',
    ]);
    assert.match(log, /✔ Canary step 1: 25% of traffic \(done\): exit code 0/, 'the superseded deploy records how its step in flight ended');
    assert.deepEqual(history(), ['rollback 1.0.0 100% success', 'deploy 1.0.1 25% failure', 'deploy 1.0.0 100% success', 'deploy 1.0.0 25% success', 'deploy 0.9.0 100% success', 'deploy 0.9.0 25% success']);
    assert.deepEqual(readdirSync(join(common, 'release-manager', 'journal')).filter((f) => !f.endsWith('.json')), [], 'no lease or lock is left behind');
  });

  it('takes over at once from a deploy whose CLI was killed (-9): its lease is stale; it warns that the step may still run', async () => {
    writeFileSync(join(test.dir, 'tools', 'hold'), '');
    const deploy = run('deploy', '--env', 'staging', '--ref', 'v1.0.1', '--yes', '--allow-commands');
    await until('step 1 of the deploy to start', () => calls().length > 0);
    deploy.child.kill('SIGKILL');
    await deploy.exited;
    writeFileSync(join(test.dir, 'tools', 'go'), '');
    const rollback = run('rollback', '--env', 'staging', '--yes', '--allow-commands');
    assert.equal(await rollback.exited, 0, rollback.out() + rollback.err());
    assert.doesNotMatch(rollback.err(), /^Waiting for /m, 'nobody to wait for');
    assert.match(rollback.err(), new RegExp(`warning: a release-manager CLI \\(pid ${deploy.child.pid} on .+\\) that drove the deploy of 1\\.0\\.1 is gone: its step in flight \\("Canary step 1: 25% of traffic"\\) may still be running`));
    assert.deepEqual(calls().filter((c) => c.startsWith('start')), ['start staging 1.0.1 deploy 25', 'start staging 1.0.0 rollback 100']);
    const status = run('status', '--env', 'staging');
    await status.exited;
    assert.match(status.out(), /Rollback of staging to 1\.0\.0: rolled back to 1\.0\.0/);
  });
});
