// The task provider inside the real extension host: TaskDeployer finds a task of the workspace's
// tasks.json by its label, runs it through vscode.tasks with the step's values as environment
// variables, and takes the exit code as the verdict. The tasks are written through the configuration
// API (.vscode/tasks.json) and removed afterwards, as is everything the steps recorded; the task's
// program is a tiny node script outside the workspace that writes what it received to a file.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import '../../../src/core/config';
import { planDeploy, type DeployRelease } from '../../../src/core/deploy/plan';
import type { DispatchRequest, DispatchResult, RunObservation } from '../../../src/core/deploy/ports';
import type { RunHandle } from '../../../src/core/deploy/runHandle';
import { environmentSchema, type EnvironmentConfig } from '../../../src/core/deploy/schema';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { LocalDeployHistory } from '../../../src/node/localDeployHistory';
import { TaskDeployer } from '../../../src/vscode/taskDeployer';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, git, labelOf, treeRows, workspaceRoot } from './helpers';

const SCRIPT = `
const fs = require('node:fs');
const [out, code, wait] = process.argv.slice(2);
const env = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('RELEASE_MANAGER_')) env[k] = v;
fs.writeFileSync(out, JSON.stringify(env));
setTimeout(() => process.exit(Number(code)), Number(wait || 0));
`;

describe('Deploy with a VS Code task (TaskDeployer in the extension host)', function () {
  this.timeout(90_000);
  let root: string;
  let repo: LocalGitRepo;
  let dir: string;
  let release: DeployRelease;
  let hadVscodeDir: boolean;
  const out = (name: string) => join(dir, `${name}.json`);

  const envFor = (label: string, timeoutMs = 60_000): EnvironmentConfig => environmentSchema().parse({ name: 'task-env', provider: { kind: 'task', name: label, timeoutMs } });
  const request = (env: EnvironmentConfig, correlationId: string): DispatchRequest => ({ environment: env, operation: 'deploy', release, step: planDeploy(env, release).steps[0]!, correlationId });
  async function until(d: TaskDeployer, handle: RunHandle): Promise<RunObservation> {
    for (let i = 0; i < 60; i++) {
      const o = await d.observe(handle);
      if (o.status !== 'running') return o;
    }
    assert.fail('the task did not end');
  }
  const handleOf = (r: DispatchResult): RunHandle => {
    assert.equal(r.kind, 'started', JSON.stringify(r));
    return r.kind === 'started' && r.handle !== null ? r.handle : assert.fail('no handle');
  };

  before(async () => {
    await api();
    root = workspaceRoot();
    repo = await LocalGitRepo.open(root);
    const sha = git(root, 'rev-parse', 'v0.2.0^{commit}');
    release = { version: '0.2.0', sha, ref: 'v0.2.0' };
    dir = mkdtempSync(join(tmpdir(), 'rm-task-deploy-'));
    writeFileSync(join(dir, 'tool.js'), SCRIPT);
    hadVscodeDir = existsSync(join(root, '.vscode'));
    const tasks = [
      { label: 'rm-deploy-ok', type: 'process', command: process.execPath, args: [join(dir, 'tool.js'), out('ok'), '0'] },
      { label: 'rm-deploy-fail', type: 'process', command: process.execPath, args: [join(dir, 'tool.js'), out('fail'), '3'] },
      { label: 'rm-deploy-shell', type: 'shell', command: process.execPath, args: [join(dir, 'tool.js'), out('shell'), '0'] },
      { label: 'rm-deploy-hang', type: 'process', command: process.execPath, args: [join(dir, 'tool.js'), out('hang'), '0', '600000'] },
      { label: 'rm-deploy-untrusted', type: 'process', command: process.execPath, args: [join(dir, 'tool.js'), out('untrusted'), '0'] },
    ];
    const config = vscode.workspace.getConfiguration('tasks', vscode.Uri.file(root));
    await config.update('version', '2.0.0', vscode.ConfigurationTarget.Workspace);
    await config.update('tasks', tasks, vscode.ConfigurationTarget.Workspace);
    // The task system reads tasks.json on its own schedule: wait until it lists ours.
    for (let i = 0; i < 100; i++) {
      if ((await vscode.tasks.fetchTasks()).some((t) => t.name === 'rm-deploy-ok')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('tasks', vscode.Uri.file(root));
    await config.update('tasks', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('version', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(join(root, '.vscode', 'tasks.json'), { force: true });
    if (!hadVscodeDir) rmSync(join(root, '.vscode'), { recursive: true, force: true });
    rmSync(join(repo.gitCommonDir, 'release-manager', 'deployments'), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the task found by its label with the step values in its environment; exit code 0 succeeds and is recorded', async () => {
    const d = new TaskDeployer({ repo });
    const r = await d.dispatch(request(envFor('rm-deploy-ok'), 'op-task01-m0'));
    const o = await until(d, handleOf(r));
    assert.equal(o.status, 'succeeded', o.reason);
    assert.equal(o.reason, 'exit code 0');
    const env = JSON.parse(readFileSync(out('ok'), 'utf8')) as Record<string, string>;
    assert.equal(env.RELEASE_MANAGER_ENVIRONMENT, 'task-env');
    assert.equal(env.RELEASE_MANAGER_VERSION, '0.2.0');
    assert.equal(env.RELEASE_MANAGER_SHA, release.sha);
    assert.equal(env.RELEASE_MANAGER_WEIGHT, '100');
    assert.equal(env.RELEASE_MANAGER_CORRELATION_ID, 'op-task01-m0');
    const [entry] = await new LocalDeployHistory(repo.gitCommonDir).list('task-env');
    assert.equal(entry!.provider, 'task');
    assert.equal(entry!.statuses[0]!.state, 'success');
    assert.deepEqual(await d.find({ environment: envFor('rm-deploy-ok'), step: planDeploy(envFor('rm-deploy-ok'), release).steps[0]!, correlationId: 'op-task01-m0', since: 0 }), { kind: 'found', handle: handleOf(r) });
  });

  it('passes the variables to a shell task too', async () => {
    const d = new TaskDeployer({ repo });
    const o = await until(d, handleOf(await d.dispatch(request(envFor('rm-deploy-shell'), 'op-task02-m0'))));
    assert.equal(o.status, 'succeeded', o.reason);
    assert.equal((JSON.parse(readFileSync(out('shell'), 'utf8')) as Record<string, string>).RELEASE_MANAGER_VERSION, '0.2.0');
  });

  it('fails on a non-zero exit code', async () => {
    const d = new TaskDeployer({ repo });
    const o = await until(d, handleOf(await d.dispatch(request(envFor('rm-deploy-fail'), 'op-task03-m0'))));
    assert.equal(o.status, 'failed');
    assert.equal(o.reason, 'exit code 3');
  });

  it('terminates a task that overruns its timeout, and fails', async () => {
    const d = new TaskDeployer({ repo });
    const started = Date.now();
    const o = await until(d, handleOf(await d.dispatch(request(envFor('rm-deploy-hang', 2_000), 'op-task04-m0'))));
    assert.equal(o.status, 'failed');
    assert.match(o.reason ?? '', /^timed out after 2 s and was terminated/);
    assert.ok(Date.now() - started < 30_000);
  });

  it('refuses a task label that does not exist, naming it and tasks.json', async () => {
    const r = await new TaskDeployer({ repo }).dispatch(request(envFor('rm-no-such-task'), 'op-task05-m0'));
    assert.equal(r.kind, 'refused');
    assert.match((r as { reason: string }).reason, /No task labelled "rm-no-such-task".*tasks\.json/);
  });

  it('deploys command and task environments from the editor (Release: Deploy…) without GitHub, and records both in the local history', async () => {
    const a = await api();
    const CONFIG = join(root, '.release-manager.json');
    const original = readFileSync(CONFIG, 'utf8');
    const files = snapshotFiles(root, ['.release-manager.json', 'docs/RELEASE-DECISIONS.md']);
    const calls = join(dir, 'calls.txt');
    writeFileSync(join(dir, 'cmd.js'), `require('node:fs').appendFileSync(${JSON.stringify(calls)}, process.argv.slice(2).join(' ') + '\\n'); console.log('applied');`);
    try {
      const config = JSON.parse(original) as Record<string, unknown>;
      config.deploy = {
        environments: [
          { name: 'local-cmd', provider: { kind: 'command', argv: [process.execPath, join(dir, 'cmd.js'), '{environment}', '{version}', '{weight}'] }, protection: { gates: [] } },
          { name: 'local-task', provider: { kind: 'task', name: 'rm-deploy-ok' }, protection: { gates: [] } },
        ],
      };
      writeFileSync(CONFIG, JSON.stringify(config, null, 2) + '\n');
      for (let i = 0; i < 100 && a.model.find(root)?.config?.deploy?.environments[0]?.name !== 'local-cmd'; i++) {
        await new Promise((r) => setTimeout(r, 150));
        await a.settled();
      }
      const deploy = (environment: string) => vscode.commands.executeCommand('releaseManager.deploy', { root, environment, ref: 'v0.2.0', confirm: false }) as Thenable<{ state: string; outcome: string | null } | undefined>;
      const cmd = await deploy('local-cmd');
      assert.equal(cmd?.state, 'healthy', JSON.stringify(cmd));
      assert.equal(readFileSync(calls, 'utf8'), 'local-cmd 0.2.0 100\n');
      rmSync(out('ok'), { force: true });
      const task = await deploy('local-task');
      assert.equal(task?.state, 'healthy', JSON.stringify(task));
      assert.equal((JSON.parse(readFileSync(out('ok'), 'utf8')) as Record<string, string>).RELEASE_MANAGER_ENVIRONMENT, 'local-task');
      const history = new LocalDeployHistory(repo.gitCommonDir);
      assert.equal((await history.list('local-cmd'))[0]?.statuses[0]?.state, 'success');
      assert.equal((await history.list('local-task'))[0]?.statuses[0]?.state, 'success');
      // The Environments rows read that local history (no GitHub needed).
      await poll('the Environments rows show both local deployments', async () => {
        a.deployView.invalidate();
        const rows = (await treeRows(a, 2)).filter((r) => r.node.kind === 'environment');
        return ['local-cmd', 'local-task'].every((n) => rows.some((r) => labelOf(r.item) === n && /^0\.2\.0 · success · /.test(String(r.item.description))));
      });
    } finally {
      files.restore();
      rmSync(join(repo.gitCommonDir, 'release-manager', 'journal'), { recursive: true, force: true });
      for (let i = 0; i < 100 && a.model.find(root)?.config?.deploy !== undefined; i++) {
        await new Promise((r) => setTimeout(r, 150));
        await a.settled();
      }
    }
  });

  it('refuses in an untrusted workspace, and nothing runs', async () => {
    const r = await new TaskDeployer({ repo, trusted: () => false }).dispatch(request(envFor('rm-deploy-untrusted'), 'op-task06-m0'));
    assert.deepEqual(r, { kind: 'refused', reason: 'task-env deploys with a VS Code task, which runs only in a trusted workspace.' });
    await new Promise((res) => setTimeout(res, 1_000));
    assert.equal(existsSync(out('untrusted')), false);
  });
});
