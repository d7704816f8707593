import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { deployJournalKey } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { runCli, type CliIo } from '../../../src/cli/main';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { journalDir, journalFile } from '../../../src/node/atomicFile';
import { TestRepo } from '../../helpers/testRepo';

// Issue 14, item 2: the deploy journal of a repository without GitHub was keyed by its folder's name.
// kill -9 a CLI mid-step, move the folder, run the same deploy: the step must not be sent again
// blindly, and `status` names the folder the repository is in now. Real CLI processes (dist/cli.js,
// `npm run build` first), a real deploy tool, real git repositories and worktrees.

const CLI = resolve(__dirname, '../../../dist/cli.js');

const TOOL = `
const fs = require('node:fs');
const path = require('node:path');
fs.appendFileSync(path.join(__dirname, 'calls.jsonl'), JSON.stringify(process.argv.slice(2)) + '\\n');
if (fs.existsSync(path.join(__dirname, 'slow'))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
console.log('rolling out ' + process.argv.slice(2).join(' '));
`;

const CONFIG = JSON.stringify({ gates: [], deploy: { environments: [{ name: 'staging', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{environment}', '{version}'] } }] } });
const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

describe('release-manager deploy after the repository folder moved (journals keyed by the repository, not its folder)', function () {
  this.timeout(60_000);
  const moved: string[] = [];
  after(() => {
    TestRepo.cleanup();
    for (const d of moved) rmSync(d, { recursive: true, force: true });
  });

  function repoWithTool(prefix: string): TestRepo {
    const r = TestRepo.create(prefix);
    r.write('tools/deploy.js', TOOL);
    r.write('.release-manager.json', CONFIG);
    r.write('.gitignore', 'RELEASE-DECISIONS.md\ntools/calls.jsonl\ntools/slow\n');
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'ci: deploy tool');
    r.tag('v1.0.0');
    return r;
  }
  const callsIn = (dir: string): string[] => {
    const f = join(dir, 'tools', 'calls.jsonl');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as string[]).join(' ')) : [];
  };
  async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd, env: ENV };
    const code = await runCli(argv, io);
    return { code, out: out.join(''), err: err.join('') };
  }
  /** Starts a CLI deploy of staging in `dir` while its step is slow; resolves once the step runs. */
  async function deployInFlight(dir: string): Promise<{ pid: number; exited: Promise<number | null>; kill: () => Promise<void> }> {
    writeFileSync(join(dir, 'tools', 'slow'), '');
    const child = spawn(process.execPath, [CLI, 'deploy', '--env', 'staging', '--allow-commands', '--yes'], { cwd: dir, env: ENV, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const deadline = Date.now() + 15_000;
    while (callsIn(dir).length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    assert.deepEqual(callsIn(dir), ['staging 1.0.0'], 'the step started');
    return {
      pid: child.pid!,
      exited,
      kill: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    };
  }
  /** Moves the repository's folder; waits for the orphaned step tool to finish first (it runs in the folder). */
  async function move(dir: string): Promise<string> {
    const to = `${dir}-moved`;
    await new Promise((done) => setTimeout(done, 2_800));
    rmSync(join(dir, 'tools', 'slow'), { force: true });
    renameSync(dir, to);
    moved.push(to);
    return to;
  }

  it('kill -9 mid-step, move the folder, run the same deploy: the step is not sent again, it asks; status names the new folder; --answer ends it there', async () => {
    const r = repoWithTool('rm-cli-move-');
    const oldName = basename(r.dir);
    const first = await deployInFlight(r.dir);
    await first.kill();
    const dir = await move(r.dir);
    const again = await cli(dir, 'deploy', '--env', 'staging', '--allow-commands', '--yes');
    assert.equal(again.code, 1, again.out + again.err);
    assert.deepEqual(callsIn(dir), ['staging 1.0.0'], 'step 1 was not sent again');
    assert.match(again.out, /Continuing: Deploy of 1\.0\.0 to staging \(direct\): step 1 of 1/);
    assert.match(again.err, new RegExp(`The outcome of "Deploy" cannot be known from here: the process that ran it \\(pid ${first.pid}\\) is gone`));
    assert.match(again.err, /--answer mark-done/);
    const status = await cli(dir, 'status');
    assert.equal(status.code, 0);
    assert.match(status.out, new RegExp(`^local/${basename(dir)} staging: Deploy of 1\\.0\\.0 to staging \\(direct\\): step 1 of 1, Deploy`, 'm'));
    assert.doesNotMatch(status.out, new RegExp(`local/${oldName} `), 'the old folder is not listed');
    assert.equal(status.out.trim().split('\n').length, 1, status.out);
    const answered = await cli(dir, 'deploy', '--env', 'staging', '--answer', 'mark-done', '--allow-commands');
    assert.equal(answered.code, 0, answered.out + answered.err);
    assert.match(answered.out, /1\.0\.0 deployed to staging/);
    assert.deepEqual(callsIn(dir), ['staging 1.0.0'], 'still one run of the step');
  });

  it('finds an operation an earlier version left under the folder\'s old name (kill -9, move, same deploy): adopted, not started again', async () => {
    const r = repoWithTool('rm-cli-legacy-');
    const oldName = basename(r.dir);
    const first = await deployInFlight(r.dir);
    await first.kill();
    // What an earlier version wrote: the journal keyed and labelled by the folder's name.
    const gitDir = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    const dir = journalDir(gitDir);
    const [name] = readdirSync(dir).filter((n) => n.endsWith('.json'));
    const j = JSON.parse(readFileSync(join(dir, name!), 'utf8')) as DeployJournal;
    rmSync(join(dir, name!));
    rmSync(join(gitDir, 'release-manager', 'id'), { force: true });
    writeFileSync(journalFile(dir, deployJournalKey(`local/${oldName}`, 'staging')), JSON.stringify({ ...j, repo: `local/${oldName}` }, null, 2));
    const moved = await move(r.dir);
    const again = await cli(moved, 'deploy', '--env', 'staging', '--allow-commands', '--yes');
    assert.equal(again.code, 1, again.out + again.err);
    assert.deepEqual(callsIn(moved), ['staging 1.0.0'], 'step 1 was not sent again');
    assert.match(again.err, /The outcome of "Deploy" cannot be known from here/);
    const status = await cli(moved, 'status');
    assert.match(status.out, new RegExp(`^local/${basename(moved)} staging: .*step 1 of 1`, 'm'));
    assert.equal(status.out.trim().split('\n').length, 1, status.out);
  });

  it('worktrees of one repository share the journal: a deploy a CLI drives in one is not started again from the other', async () => {
    const r = repoWithTool('rm-cli-worktree-');
    const wt = `${r.dir}-wt`;
    r.git('worktree', 'add', '-q', '--detach', wt, 'v1.0.0');
    moved.push(wt);
    const driving = await deployInFlight(wt);
    let other: Awaited<ReturnType<typeof cli>>;
    try {
      other = await cli(r.dir, 'deploy', '--env', 'staging', '--allow-commands', '--yes');
    } finally {
      // Never leave the driving CLI writing into a folder the cleanup removes.
      assert.equal(await driving.exited, 0);
    }
    assert.equal(other.code, 1, other.out + other.err);
    assert.match(other.err, new RegExp(`release-manager CLI \\(pid ${driving.pid} on .*\\) is driving it right now`));
    assert.deepEqual(callsIn(wt), ['staging 1.0.0']);
    assert.deepEqual(callsIn(r.dir), [], 'nothing ran from the main checkout');
    const status = await cli(r.dir, 'status');
    assert.match(status.out, new RegExp(`^local/${basename(r.dir)} staging: Deploy of 1\\.0\\.0 to staging \\(direct\\): 1\\.0\\.0 deployed to staging`, 'm'));
    const repeat = await cli(r.dir, 'deploy', '--env', 'staging', '--allow-commands', '--yes');
    assert.equal(repeat.code, 0, repeat.out + repeat.err);
    assert.match(repeat.out, /not repeated/);
  });
});
