import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OBSERVE_WAIT_MS } from '../../../src/node/commandDeployer';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { TestRepo } from '../../helpers/testRepo';

// A local-command deploy step is noticed as ended when its process exits, not at the next poll of the
// driver (issue 14, item 8: a 6 s step used to be recorded at about 15 s). The real CLI (dist/cli.js,
// `npm run build` first) runs a real step process; the step outlasts one observe wait, which is where
// the poll pause used to come in.

const CLI = resolve(__dirname, '../../../dist/cli.js');
/** Longer than one observe wait: the step is still running when the driver first looks. */
const STEP_MS = OBSERVE_WAIT_MS + 1_000;

/** The step tool: runs STEP_MS, records when it exits; with `fork`, leaves a child holding its output open. */
const TOOL = `
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
if (process.argv[2] === 'fork') spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'inherit' });
console.log('rolling out');
setTimeout(() => {
  fs.writeFileSync(path.join(__dirname, 'exited'), String(Date.now()));
  process.exit(0);
}, ${STEP_MS});
`;

describe('release-manager deploy: a local command step that ends is noticed at once', function () {
  this.timeout(60_000);
  after(() => TestRepo.cleanup());

  async function deployAndMeasure(mode: 'plain' | 'fork'): Promise<{ exitedAt: number; recordedAt: number; cliEndedAt: number; err: string }> {
    const r = TestRepo.create('rm-cli-step-exit-');
    r.write('tools/deploy.js', TOOL);
    r.write('.release-manager.json', JSON.stringify({ gates: [], deploy: { environments: [{ name: 'staging', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', mode] } }] } }));
    r.write('.gitignore', 'RELEASE-DECISIONS.md\ntools/exited\n');
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'ci: deploy tool');
    r.tag('v1.0.0');
    const child = spawn(process.execPath, [CLI, 'deploy', '--env', 'staging', '--allow-commands', '--yes'], { cwd: r.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', (c: Buffer) => (err += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    const cliEndedAt = Date.now();
    assert.equal(code, 0, err);
    const exitedAt = Number(readFileSync(join(r.dir, 'tools', 'exited'), 'utf8'));
    const dir = join((await LocalGitRepo.open(r.dir)).gitCommonDir, 'release-manager', 'journal');
    const journals = readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as DeployJournal);
    assert.equal(journals.length, 1);
    const step = journals[0]!.steps[0]!.state;
    assert.equal(step.status, 'done', JSON.stringify(step));
    return { exitedAt, recordedAt: Date.parse(step.at), cliEndedAt, err };
  }

  it('records a step as done within moments of its process exiting, though it outlasted the first look', async () => {
    const m = await deployAndMeasure('plain');
    assert.match(m.err, /\[1\/1\] done: exit code 0/);
    assert.ok(m.recordedAt - m.exitedAt < 3_000, `the step exited at ${m.exitedAt} and was recorded done ${m.recordedAt - m.exitedAt} ms later (the next poll was 10 s away)`);
    assert.ok(m.cliEndedAt - m.exitedAt < 4_000, `the CLI ended ${m.cliEndedAt - m.exitedAt} ms after the step`);
  });

  it('records it as done at once even when a child it forked holds its output open (that child is killed with the step)', async () => {
    const m = await deployAndMeasure('fork');
    assert.ok(m.recordedAt - m.exitedAt < 3_000, `recorded done ${m.recordedAt - m.exitedAt} ms after the step exited`);
  });
});
