import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, type CliIo } from '../../../src/cli/main';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

// `release-manager deploy | rollback | status` with environments deployed by a local command, through
// the CLI's own argument parsing, with real processes: a tiny node script plays the deploy tool and
// records its arguments. No GitHub token and no GitHub server: a command provider needs neither.

const TOOL = `
const fs = require('node:fs');
const path = require('node:path');
fs.appendFileSync(path.join(__dirname, 'calls.jsonl'), JSON.stringify(process.argv.slice(2)) + '\\n');
// A slow rollout while tools/slow exists (the Ctrl-C test).
if (fs.existsSync(path.join(__dirname, 'slow'))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
console.log('rolling out ' + process.argv.slice(2).join(' '));
console.error('note: all pods ready');
`;

const CONFIG = JSON.stringify({
  deploy: {
    environments: [
      { name: 'staging', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{operation}'] } },
      { name: 'production', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{operation}'] } },
    ],
  },
});

const CLI = resolve(__dirname, '../../../dist/cli.js');

describe('release-manager deploy / rollback / status with a command provider', function () {
  this.timeout(30_000);
  let test: TestRepo;
  let gitCommonDir: string;

  const calls = (): string[] => {
    const f = join(test.dir, 'tools', 'calls.jsonl');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as string[]).join(' ')) : [];
  };
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    // No token, no repository name: the command provider needs neither.
    const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: test.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } };
    const code = await runCli(argv, io);
    return { code, out: out.join(''), err: err.join('') };
  }

  before(async () => {
    test = TestRepo.create('rm-cli-command-');
    test.write('tools/deploy.js', TOOL);
    test.write('.release-manager.json', CONFIG);
    test.write('.gitignore', 'RELEASE-DECISIONS.md\ntools/calls.jsonl\ntools/slow\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'ci: deploy tool');
    test.tag('v1.3.0');
    test.commit('feat: two');
    test.tag('v1.4.0');
    gitCommonDir = (await LocalGitRepo.open(test.dir)).gitCommonDir;
  });

  beforeEach(() => {
    rmSync(join(test.dir, 'tools', 'calls.jsonl'), { force: true });
    rmSync(join(gitCommonDir, 'release-manager'), { recursive: true, force: true });
  });

  after(() => TestRepo.cleanup());

  it('refuses deploy and rollback without --allow-commands, naming the flag; nothing runs', async () => {
    const d = await cli('deploy', '--env', 'staging', '--yes');
    assert.equal(d.code, 2, d.err);
    assert.match(d.err, /staging deploys with a local command, which the CLI runs only with --allow-commands/);
    assert.match(d.err, /run again with --allow-commands/);
    const r = await cli('rollback', '--env', 'staging', '--yes');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--allow-commands/);
    assert.deepEqual(calls(), []);
    assert.equal(existsSync(join(gitCommonDir, 'release-manager')), false, 'no journal, no history');
  });

  it('refuses options a deploy command does not take (never ignores them: rollback --ref would not choose the target); nothing runs', async () => {
    for (const [argv, message, fix] of [
      [['rollback', '--env', 'staging', '--ref', 'v1.3.0', '--allow-commands', '--yes'], /--ref does not apply to rollback/, /last successful deployment.*release-manager deploy --env ENV --ref REF/],
      [['rollback', '--env', 'staging', '--strategy', 'canary', '--allow-commands'], /--strategy does not apply to rollback/, /rollback takes --repo, --env, --yes, --remote, --allow-commands/],
      [['status', '--hotfix'], /--hotfix does not apply to status/, /status takes --repo, --env\.$/m],
      [['status', '--format', 'json'], /--format does not apply to status/, /status takes/],
      [['deploy', '--env', 'staging', '--from', 'v1.3.0', '--allow-commands'], /--from does not apply to deploy/, /deploy takes --repo, --env, --ref, --strategy, --hotfix, --yes/],
    ] as const) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, message);
      assert.match(r.err, fix);
    }
    assert.deepEqual(calls(), []);
  });

  it('deploys with --allow-commands, streams the output to stderr prefixed with the environment, and exits 0', async () => {
    const d = await cli('deploy', '--env', 'staging', '--allow-commands');
    assert.equal(d.code, 0, d.out + d.err);
    assert.deepEqual(calls(), ['staging 1.4.0 deploy']);
    assert.match(d.err, /^\[staging\] rolling out staging 1\.4\.0 deploy$/m);
    assert.match(d.err, /^\[staging !\] note: all pods ready$/m);
    assert.match(d.out, /Deploy 1\.4\.0 \([0-9a-f]{12}, v1\.4\.0\) to staging of local\/rm-cli-command-\w+ — direct/);
    assert.match(d.out, /Deploy of 1\.4\.0 to staging \(direct\): 1\.4\.0 deployed to staging/);
    const again = await cli('deploy', '--env', 'staging', '--allow-commands');
    assert.equal(again.code, 0);
    assert.match(again.out, /not repeated/);
    assert.deepEqual(calls(), ['staging 1.4.0 deploy'], 'a double run is one operation');
    const status = await cli('status', '--env', 'staging');
    assert.equal(status.code, 0);
    assert.match(status.out, /staging: Deploy of 1\.4\.0 to staging \(direct\): 1\.4\.0 deployed to staging/);
  });

  it('on Ctrl-C pauses a rolling deploy after the batch in flight (exit 130), records that batch, and resumes without running it twice', async () => {
    // Its own repository: one environment deployed in two batches without a pause.
    const r = TestRepo.create('rm-cli-command-ctrlc-');
    r.write('tools/deploy.js', TOOL);
    r.write('.release-manager.json', JSON.stringify({ gates: [], deploy: { environments: [{ name: 'batches', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{weight}'] }, strategy: { kind: 'rolling', batches: 2, pauseMs: 0 } }] } }));
    r.write('.gitignore', 'RELEASE-DECISIONS.md\ntools/calls.jsonl\ntools/slow\n');
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'ci: deploy tool');
    r.tag('v2.0.0');
    const toolCalls = () => (existsSync(join(r.dir, 'tools', 'calls.jsonl')) ? readFileSync(join(r.dir, 'tools', 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as string[]).join(' ')) : []);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    writeFileSync(join(r.dir, 'tools', 'slow'), '');
    const child = spawn(process.execPath, [CLI, 'deploy', '--env', 'batches', '--allow-commands'], { cwd: r.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const deadline = Date.now() + 15_000;
    while (toolCalls().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    assert.deepEqual(toolCalls(), ['batches 2.0.0 50'], 'the first batch started');
    child.kill('SIGINT');
    assert.equal(await exited, 130, err);
    rmSync(join(r.dir, 'tools', 'slow'));
    assert.match(err, /Cancelled: Deploy of 2\.0\.0 to batches \(rolling\): .* — paused\. Run the command again to resume\./);
    assert.deepEqual(toolCalls(), ['batches 2.0.0 50'], `no batch after the Ctrl-C: ${err}`);
    const common = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    const history = JSON.parse(readFileSync(join(common, 'release-manager', 'deployments', 'batches.json'), 'utf8')) as { entries: Array<{ statuses: Array<{ state: string }> }> };
    assert.equal(history.entries[0]!.statuses[0]!.state, 'success', 'the batch in flight was left to finish and its outcome recorded');
    const out: string[] = [];
    const again = await runCli(['deploy', '--env', 'batches', '--allow-commands'], { out: (t) => void out.push(t), err: (t) => void out.push(t), cwd: r.dir, env });
    assert.equal(again, 0, out.join(''));
    assert.match(out.join(''), /Deploy of 2\.0\.0 to batches \(rolling\): 2\.0\.0 deployed to batches/);
    assert.deepEqual(toolCalls(), ['batches 2.0.0 50', 'batches 2.0.0 100'], 'resumed at batch 2: batch 1 did not run twice');
  });

  it('after the CLI was killed (-9) mid-step, running it again asks at once whether the step ran (no wait for its timeout); --answer mark-failed ends it', async () => {
    writeFileSync(join(test.dir, 'tools', 'slow'), '');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const child = spawn(process.execPath, [CLI, 'deploy', '--env', 'staging', '--allow-commands'], { cwd: test.dir, env, stdio: 'ignore' });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const deadline = Date.now() + 15_000;
    while (calls().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    assert.deepEqual(calls(), ['staging 1.4.0 deploy'], 'the step started');
    child.kill('SIGKILL');
    await exited;
    rmSync(join(test.dir, 'tools', 'slow'));
    const started = Date.now();
    const again = await cli('deploy', '--env', 'staging', '--allow-commands');
    assert.equal(again.code, 1, again.out + again.err);
    assert.ok(Date.now() - started < 10_000, 'asked at once, not at the 30-minute timeout');
    assert.match(again.err, new RegExp(`The outcome of "Deploy" cannot be known from here: the process that ran it \\(pid ${child.pid}\\) is gone without recording its outcome`));
    assert.match(again.err, /--answer mark-done\n\s+or: release-manager deploy --env staging --answer mark-failed/);
    assert.deepEqual(calls(), ['staging 1.4.0 deploy'], 'not run again');
    const answered = await cli('deploy', '--env', 'staging', '--answer', 'mark-failed', '--allow-commands');
    assert.equal(answered.code, 1, answered.out + answered.err);
    assert.match(answered.out, /Deploy of 1\.4\.0 to staging \(direct\): aborted: .*1\.4\.0 may still be deployed: roll back/);
    const status = await cli('status', '--env', 'staging');
    assert.match(status.out, /aborted/);
  });

  it('a second run while a live CLI drives the deploy does not take it over: it says who drives it; one run, one decision-log entry', async () => {
    rmSync(join(test.dir, 'RELEASE-DECISIONS.md'), { force: true });
    writeFileSync(join(test.dir, 'tools', 'slow'), '');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const child = spawn(process.execPath, [CLI, 'deploy', '--env', 'staging', '--allow-commands'], { cwd: test.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let childOut = '';
    child.stdout.on('data', (c: Buffer) => (childOut += c.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const deadline = Date.now() + 15_000;
      while (calls().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
      const second = await cli('deploy', '--env', 'staging', '--allow-commands');
      assert.equal(second.code, 1, second.out + second.err);
      assert.match(second.err, new RegExp(`a release-manager CLI \\(pid ${child.pid} on .+\\) is driving it right now\\. Wait for it, take it over \\(resume\\), or stop it \\(abort\\)`));
      assert.match(second.err, /--answer resume\n\s+or: release-manager deploy --env staging --answer abort/);
    } finally {
      rmSync(join(test.dir, 'tools', 'slow'), { force: true });
    }
    assert.equal(await exited, 0, childOut);
    assert.deepEqual(calls(), ['staging 1.4.0 deploy'], 'one run');
    const log = readFileSync(join(test.dir, 'RELEASE-DECISIONS.md'), 'utf8');
    assert.equal(log.split('\n## DEPLOY — 1.4.0 to staging').length - 1, 1, 'one decision-log entry');
  });

  it('rolls back to the last successful deployment recorded in the local history', async () => {
    assert.equal((await cli('deploy', '--env', 'staging', '--ref', 'v1.3.0', '--allow-commands')).code, 0);
    assert.equal((await cli('deploy', '--env', 'staging', '--allow-commands')).code, 0);
    const r = await cli('rollback', '--env', 'staging', '--yes', '--allow-commands');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Roll back staging to 1\.3\.0\?/);
    assert.deepEqual(calls(), ['staging 1.3.0 deploy', 'staging 1.4.0 deploy', 'staging 1.3.0 rollback']);
    const history = JSON.parse(readFileSync(join(gitCommonDir, 'release-manager', 'deployments', 'staging.json'), 'utf8')) as { entries: Array<{ version: string; operation: string; statuses: Array<{ state: string; description?: string }> }> };
    // The release rolled back is marked failed: never a rollback target or a promotion source again.
    assert.deepEqual(
      history.entries.map((e) => `${e.operation} ${e.version} ${e.statuses[0]!.state}`),
      ['rollback 1.3.0 success', 'deploy 1.4.0 failure', 'deploy 1.3.0 success'],
    );
    assert.equal(history.entries[1]!.statuses[0]!.description, 'Rolled back to 1.3.0 by Release Manager');
    // Rolling the rollback back has nowhere to go: 1.4.0 failed, and 1.3.0 is what runs.
    rmSync(join(gitCommonDir, 'release-manager', 'journal'), { recursive: true, force: true });
    const again = await cli('rollback', '--env', 'staging', '--yes', '--allow-commands');
    assert.equal(again.code, 1, again.out + again.err);
    assert.match(again.err, /No successful deployment of staging other than 1\.3\.0/);
    assert.deepEqual(calls(), ['staging 1.3.0 deploy', 'staging 1.4.0 deploy', 'staging 1.3.0 rollback'], 'nothing ran');
  });

  it('a deploy that fails its health check and is rolled back exits 1, and its release is marked failed: no rollback or promotion takes it for a good one', async () => {
    let status = 200;
    const health = createServer((_req, res) => {
      res.writeHead(status);
      res.end();
    });
    await new Promise<void>((ok) => health.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
      const tool = [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{operation}'];
      const check = { id: 'up', kind: 'http', url, windowMs: 1000, intervalMs: 1000, timeoutMs: 500 };
      const config = {
        deploy: {
          environments: [
            { name: 'staging', provider: { kind: 'command', argv: tool }, healthChecks: [check], protection: { gates: [], autoRollback: true } },
            { name: 'production', provider: { kind: 'command', argv: tool }, protection: { gates: [] } },
          ],
        },
      };
      writeFileSync(join(test.dir, '.release-manager.json'), JSON.stringify(config));
      assert.equal((await cli('deploy', '--env', 'staging', '--ref', 'v1.3.0', '--allow-commands')).code, 0);
      status = 500;
      const d = await cli('deploy', '--env', 'staging', '--allow-commands');
      assert.equal(d.code, 1, 'rolled back is not deployed: ' + d.out + d.err);
      assert.match(d.out, /aborted \(health check failed: .*\) and rolled back to 1\.3\.0/, d.err);
      assert.deepEqual(calls(), ['staging 1.3.0 deploy', 'staging 1.4.0 deploy', 'staging 1.3.0 rollback']);
      const history = JSON.parse(readFileSync(join(gitCommonDir, 'release-manager', 'deployments', 'staging.json'), 'utf8')) as { entries: Array<{ version: string; statuses: Array<{ state: string; description?: string }> }> };
      assert.deepEqual(history.entries.map((e) => `${e.version} ${e.statuses.map((s) => s.state).join(',')}`), ['1.3.0 success,in_progress', '1.4.0 failure,success,in_progress', '1.3.0 success,in_progress']);
      assert.match(history.entries[1]!.statuses[0]!.description ?? '', /^Release Manager: aborted \(health check failed/);
      // Staging looks healthy again, but the release that failed there is not promoted.
      status = 200;
      const p = await cli('deploy', '--env', 'production', '--yes', '--allow-commands');
      assert.equal(p.code, 1, p.out + p.err);
      assert.match(p.err, /1\.4\.0 \([0-9a-f]{7}\) must be deployed to staging before production; staging last ran 1\.3\.0 \([0-9a-f]{7}\) successfully/);
      assert.equal(calls().length, 3, 'production was not deployed');
    } finally {
      writeFileSync(join(test.dir, '.release-manager.json'), CONFIG);
      await new Promise((ok) => health.close(ok));
    }
  });

  it('does not let production be promoted past a staging that never ran the release', async () => {
    const p = await cli('deploy', '--env', 'production', '--yes', '--allow-commands');
    // The ladder's rule reads staging's local history: nothing there yet.
    assert.deepEqual(calls(), [], p.out + p.err);
    assert.equal(p.code, 1);
    assert.match(p.err, /error: .*staging/);
    assert.match(p.err, /Not deployed: nothing was changed/);
    assert.equal((await cli('deploy', '--env', 'staging', '--allow-commands')).code, 0);
    const ok = await cli('deploy', '--env', 'production', '--yes', '--allow-commands');
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.deepEqual(calls(), ['staging 1.4.0 deploy', 'production 1.4.0 deploy']);
  });
});
