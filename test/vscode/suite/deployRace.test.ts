// A rollback from the CLI over a deploy this window drives (Release: Deploy…, a local command, a
// canary): the CLI takes over, waits for the window's step in flight to end, then rolls back; the
// window's deploy sends nothing more and ends superseded. Real processes on both sides; the step's
// tool is held until the test lets it go.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { LocalDeployHistory } from '../../../src/node/localDeployHistory';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { EXTENSION_ID } from '../../helpers/extensionId';
import { poll } from '../../helpers/poll';
import { api, workspaceRoot } from './helpers';

const TOOL = (dir: string) => `
const fs = require('node:fs');
const what = process.argv.slice(2).join(' ');
fs.appendFileSync(${JSON.stringify(join(dir, 'calls.log'))}, 'start ' + what + '\\n');
const until = Date.now() + 60000;
while (fs.existsSync(${JSON.stringify(join(dir, 'hold'))}) && !fs.existsSync(${JSON.stringify(join(dir, 'go'))}) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
fs.appendFileSync(${JSON.stringify(join(dir, 'calls.log'))}, 'end ' + what + '\\n');
`;

describe('A rollback from the CLI over a deploy this window drives', function () {
  this.timeout(120_000);

  it('waits for the window\'s step in flight; the window\'s deploy ends superseded and sends nothing more; journal, decision log and history agree', async () => {
    const a = await api();
    const root = workspaceRoot();
    const repo = await LocalGitRepo.open(root);
    const dir = mkdtempSync(join(tmpdir(), 'rm-race-'));
    writeFileSync(join(dir, 'tool.js'), TOOL(dir));
    const calls = () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);
    const CONFIG = join(root, '.release-manager.json');
    const LOG = 'docs/RELEASE-DECISIONS.md';
    const files = snapshotFiles(root, ['.release-manager.json', LOG]);
    const history = new LocalDeployHistory(repo.gitCommonDir);
    const envFile = history.file('race-cmd');
    try {
      const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
      config.deploy = { environments: [{ name: 'race-cmd', provider: { kind: 'command', argv: [process.execPath, join(dir, 'tool.js'), '{environment}', '{version}', '{operation}', '{weight}'] }, strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 500 }] }, protection: { gates: [] } }] };
      writeFileSync(CONFIG, JSON.stringify(config, null, 2) + '\n');
      await poll('the config names race-cmd', async () => {
        await a.settled();
        return a.model.find(root)?.config?.deploy?.environments[0]?.name === 'race-cmd';
      }, { timeoutMs: 30_000 });
      const deploy = (ref: string) => vscode.commands.executeCommand('releaseManager.deploy', { root, environment: 'race-cmd', ref, confirm: false }) as Thenable<DeployJournal | undefined>;
      for (const ref of ['v0.1.0', 'v0.1.1']) assert.equal((await deploy(ref))?.state, 'healthy');
      rmSync(join(dir, 'calls.log'), { force: true });
      writeFileSync(join(dir, 'hold'), '');
      const running = deploy('v0.2.0');
      await poll('step 1 of the window\'s deploy runs', () => calls().length > 0, { timeoutMs: 30_000 });

      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const cli = spawn(process.execPath, [join(ext.extensionPath, 'dist', 'cli.js'), 'rollback', '--env', 'race-cmd', '--yes', '--allow-commands'], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
      cli.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((done) => cli.on('close', (code) => done(code)));
      try {
        await poll('the CLI waits for the window', () => /^Waiting for an editor window \(pid \d+ on .+\), driving operation op-[0-9a-f]+ to end the step in flight of the deploy of 0\.2\.0/m.test(out) || calls().length > 1, { timeoutMs: 30_000 });
        assert.deepEqual(calls(), ['start race-cmd 0.2.0 deploy 25'], `nothing else runs while the window's step is in flight: ${out}`);
      } finally {
        writeFileSync(join(dir, 'go'), '');
      }
      const journal = await running;
      assert.equal(await exited, 0, out);
      assert.equal(journal?.state, 'superseded', JSON.stringify(journal));
      assert.match(journal?.outcome ?? '', /^superseded by rollback op-[0-9a-f]+$/);
      assert.deepEqual(journal?.steps.map((s) => s.state.status), ['done', 'skipped', 'skipped']);
      assert.deepEqual(calls(), ['start race-cmd 0.2.0 deploy 25', 'end race-cmd 0.2.0 deploy 25', 'start race-cmd 0.1.1 rollback 100', 'end race-cmd 0.1.1 rollback 100']);
      assert.match(out, /Rollback of race-cmd to 0\.1\.1: rolled back to 0\.1\.1/);
      const outcomes = [...readFileSync(join(root, LOG), 'utf8').matchAll(/^- Outcome: (.*)$/gm)].map((m) => m[1]);
      assert.deepEqual(outcomes.slice(-2), [`superseded — ${journal?.outcome}`, 'rolled-back — rolled back to 0.1.1']);
      assert.deepEqual((await history.list('race-cmd')).slice(0, 2).map((e) => `${e.operation} ${e.version} ${e.statuses[0]!.state}`), ['rollback 0.1.1 success', 'deploy 0.2.0 failure']);
    } finally {
      writeFileSync(join(dir, 'go'), '');
      files.restore();
      rmSync(envFile, { force: true });
      rmSync(join(repo.gitCommonDir, 'release-manager', 'journal'), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      for (let i = 0; i < 100 && a.model.find(root)?.config?.deploy?.environments[0]?.name === 'race-cmd'; i++) {
        await new Promise((r) => setTimeout(r, 150));
        await a.settled();
      }
    }
  });
});
