import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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

  it('rolls back to the last successful deployment recorded in the local history', async () => {
    assert.equal((await cli('deploy', '--env', 'staging', '--ref', 'v1.3.0', '--allow-commands')).code, 0);
    assert.equal((await cli('deploy', '--env', 'staging', '--allow-commands')).code, 0);
    const r = await cli('rollback', '--env', 'staging', '--yes', '--allow-commands');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Roll back staging to 1\.3\.0\?/);
    assert.deepEqual(calls(), ['staging 1.3.0 deploy', 'staging 1.4.0 deploy', 'staging 1.3.0 rollback']);
    const history = JSON.parse(readFileSync(join(gitCommonDir, 'release-manager', 'deployments', 'staging.json'), 'utf8')) as { entries: Array<{ version: string; operation: string; statuses: Array<{ state: string }> }> };
    assert.deepEqual(
      history.entries.map((e) => `${e.operation} ${e.version} ${e.statuses[0]!.state}`),
      ['rollback 1.3.0 success', 'deploy 1.4.0 success', 'deploy 1.3.0 success'],
    );
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
