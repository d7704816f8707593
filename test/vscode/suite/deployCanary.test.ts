// Progressive deploys from the editor inside the real extension host, with a deploy config: a canary to
// staging through a workflow_dispatch workflow on the local GitHub server (the test's scripted runs play
// GitHub Actions), a real HTTP health endpoint the test controls, the running step in the status bar and
// the tree, Promote and Abort from the tree, a failing health check that aborts the canary and rolls
// staging back automatically, a production deploy held by a required reviewer and approved from the
// editor, and the decision log written by each finished operation. Leaves the workspace (config, decision
// log, journals), the settings and the authentication providers as it found them.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import type { ReleaseManagerApi } from '../../../src/extension';
import { deployCommand } from '../../../src/vscode/deploy/deployCommand';
import type { FakeGitHub } from '../../helpers/fakeGitHub/server';
import { EXTENSION_ID } from '../../helpers/extensionId';
import { poll } from '../../helpers/poll';
import { api, githubDeployFixture, labelOf, treeRows, workspaceRoot, type GitHubDeployFixture } from './helpers';

const TOKEN = 'ghp_RmCanaryTest0123456789ABCDEFGHIJKLMNO';
const CONFIG = '.release-manager.json';
const LOG = 'docs/RELEASE-DECISIONS.md';

// A deploy workflow taking the step's traffic weight; the correlation input shows in run-name.
const WORKFLOW = `name: Deploy
run-name: Deploy \${{ inputs.environment }} \${{ inputs.version }} \${{ inputs.weight }}% (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      environment:
        type: environment
        required: true
      version:
        type: string
        required: true
      strategy:
        type: choice
        options: [direct, canary, blue-green, rolling]
        default: direct
      step:
        type: string
      weight:
        type: string
        default: '100'
      correlation_id:
        type: string
jobs:
  deploy:
    name: Deploy
    runs-on: ubuntu-latest
    environment:
      name: \${{ inputs.environment }}
    steps:
      - name: Shift traffic
        run: ./deploy.sh "\${{ inputs.weight }}"
`;


describe('Progressive deploys from the editor (workflow provider, canary, health checks, reviews)', function () {
  this.timeout(180_000);
  let server: FakeGitHub;
  let health: Server;
  let errorRate = 0;
  let probes = 0;
  let fixture: GitHubDeployFixture | undefined;
  let a: ReleaseManagerApi;
  let root: string;
  let originalConfig: string;

  const provider = { kind: 'workflow', workflow: 'deploy.yml', inputs: { environment: '{environment}', version: '{version}', step: '{step}', weight: '{weight}' }, correlationInput: 'correlation_id' };
  const writeConfig = async (firstPauseMs: number) => {
    const base = JSON.parse(originalConfig) as Record<string, unknown>;
    const url = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
    const config = {
      ...base,
      deploy: {
        environments: [
          {
            name: 'staging',
            provider,
            strategy: { kind: 'canary', steps: [{ weight: 20, pauseMs: firstPauseMs }, { weight: 60, pauseMs: 0 }] },
            healthChecks: [{ kind: 'http', id: 'error-rate', url, jsonPath: 'errorRate', max: 0.05, windowMs: 1000, intervalMs: 1000, minSamples: 1 }],
            protection: { gates: [], autoRollback: true },
          },
          { name: 'production', provider, protection: { gates: ['release-branch'] } },
        ],
      },
    };
    writeFileSync(join(root, CONFIG), JSON.stringify(config, null, 2) + '\n');
    await poll('the extension reads the deploy config', async () => {
      await a.settled();
      const steps = a.model.find(root)?.config?.deploy?.environments[0]?.strategy;
      return steps?.kind === 'canary' && steps.steps[0]!.pauseMs === firstPauseMs;
    });
  };
  const deploy = (environment: string, ref: string) => vscode.commands.executeCommand('releaseManager.deploy', { root, environment, ref, confirm: false }) as Thenable<DeployJournal | undefined>;
  const dispatches = () => server.state('acme', 'demo').dispatches.map((d) => `${String(d.inputs.environment)} ${String(d.inputs.version)} ${String(d.inputs.weight)}`);
  const rows = async () => {
    a.deployView.invalidate();
    return treeRows(a, 2);
  };
  const envRow = async (name: string) => (await rows()).find((r) => r.node.kind === 'environment' && labelOf(r.item) === name);
  const entries = () => (existsSync(join(root, LOG)) ? readFileSync(join(root, LOG), 'utf8').split('\n## ').slice(1) : []);

  before(async () => {
    a = await api();
    root = workspaceRoot();
    originalConfig = readFileSync(join(root, CONFIG), 'utf8');
    health = createServer((req, res) => {
      probes++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorRate }));
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    // GitHub's copy of the repository: the workspace's history plus the deploy workflow and six releases.
    fixture = await githubDeployFixture(a, root, { token: TOKEN, label: 'canary test', files: { '.github/workflows/deploy.yml': WORKFLOW }, releases: ['0.3.0', '0.3.1', '0.3.2', '0.3.3', '0.3.4', '0.3.5'] });
    server = fixture.server;
    server.addEnvironment('acme', 'demo', { name: 'staging' });
    server.addEnvironment('acme', 'demo', { name: 'production', reviewers: [{ type: 'User', login: 'octocat' }] });
    server.scriptRuns('acme', 'demo', 'deploy.yml', [
      { after: 200, status: 'in_progress' },
      { after: 1200, status: 'completed', conclusion: 'success' },
    ]);
    await writeConfig(0);
  });

  after(async () => {
    await fixture?.dispose();
    await new Promise((r) => health?.close(r));
  });

  afterEach(() => server.assertValid());

  it('deploys a canary to staging step by step, showing the running step in the status bar and the tree, and records it', async () => {
    const before = entries().length;
    const running = deploy('staging', 'v0.3.0');
    let seenStatus = '';
    let seenRow = '';
    await poll('the status bar shows the running canary step', async () => {
      seenStatus = a.deployStatusBar.text ?? '';
      return /staging 0\.3\.0: step \d of \d+, Canary step 1: 20% of traffic/.test(seenStatus);
    }, { timeoutMs: 30_000 });
    await poll('the tree row shows the deploy in progress', async () => {
      seenRow = String((await envRow('staging'))?.item.description ?? '');
      return /^deploying 0\.3\.0 · /.test(seenRow);
    }, { timeoutMs: 30_000 });
    const journal = await running;
    assert.ok(journal, 'the command returns the journal');
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    assert.deepEqual(dispatches(), ['staging 0.3.0 20', 'staging 0.3.0 60', 'staging 0.3.0 100'], 'each canary weight dispatched once, in order');
    assert.ok(probes >= 2, 'the health endpoint was probed between steps');
    assert.equal(a.deployStatusBar.text, null, 'the status bar item is gone when the deploy ends');
    assert.equal(entries().length, before + 1, 'one decision-log entry');
    assert.match(entries().at(-1)!, /^DEPLOY — 0\.3\.0 to staging — [\s\S]*- Outcome: healthy/);
  });

  it('holds a production deploy for its required reviewer, shows the review in the tree, and approves it from the command palette with a comment', async () => {
    const running = deploy('production', 'v0.3.0');
    let node: unknown;
    await poll('the tree shows the pending review', async () => {
      const row = (await rows()).find((r) => r.node.kind === 'deployReview');
      node = row?.node;
      return row !== undefined;
    }, { timeoutMs: 30_000 });
    assert.ok(node, 'a review node');
    // From the command palette (no tree node): the one waiting review is the one answered.
    const approved = await vscode.commands.executeCommand('releaseManager.approveDeploy', undefined, { comment: 'Checked the staging canary: ship it' });
    assert.equal(approved, true);
    const journal = await running;
    assert.ok(journal);
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    const approvals = server.state('acme', 'demo').runs.flatMap((r) => r.approvals);
    assert.equal(approvals.length, 1, 'one review reached GitHub');
    assert.equal(approvals[0]!.state, 'approved');
    assert.equal(approvals[0]!.comment, 'Checked the staging canary: ship it');
    assert.deepEqual(dispatches().slice(-1), ['production 0.3.0 100']);
    assert.ok(!(await rows()).some((r) => r.node.kind === 'deployReview'), 'the review is gone from the tree');
  });

  it('shows the pending review of a production deploy the CLI drives, and approves it from this window', async () => {
    const staged = await deploy('staging', 'v0.3.5');
    assert.equal(staged?.state, 'healthy', staged?.outcome ?? '');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const cli = spawn(process.execPath, [join(ext.extensionPath, 'dist', 'cli.js'), 'deploy', '--env', 'production', '--ref', 'v0.3.5', '--yes'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/demo' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((done) => cli.on('exit', (code) => done(code)));
    try {
      await poll('the CLI waits for the reviewer', () => /Waiting for a review of production by octocat/.test(out), { timeoutMs: 60_000 });
      // Not driven by this window: read from GitHub when the tree looks at the environments.
      let node: unknown;
      await poll('the tree shows the pending review of the CLI\'s run', async () => {
        node = (await rows()).find((r) => r.node.kind === 'deployReview')?.node;
        return node !== undefined;
      }, { timeoutMs: 30_000 });
      const approved = await vscode.commands.executeCommand('releaseManager.approveDeploy', node, { comment: 'Approved from the editor while the CLI waits' });
      assert.equal(approved, true);
      assert.equal(await exited, 0, out);
    } finally {
      cli.kill();
    }
    assert.match(out, /Deploy of 0\.3\.5 to production \(direct\): 0\.3\.5 deployed to production/);
    const approvals = server.state('acme', 'demo').runs.flatMap((r) => r.approvals);
    assert.equal(approvals[approvals.length - 1]!.comment, 'Approved from the editor while the CLI waits');
    assert.ok(!(await rows()).some((r) => r.node.kind === 'deployReview'), 'the review is gone from the tree');
  });

  it('refuses a production deploy of a release staging does not run, and says why (nothing dispatched)', async () => {
    const count = dispatches().length;
    // Through the command's own function (the palette's error funnel turns the error into a message).
    const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    await assert.rejects(
      deployCommand({ model: a.model, github: a.github, deployView: a.deployView, log: quiet, session: 'editor-test' })({ root, environment: 'production', ref: 'v0.3.2', confirm: false }),
      (e: Error & { fix?: string }) => {
        assert.match(e.message, /^Not deployed to production: 0\.3\.2 \([0-9a-f]{7}\) must be deployed to staging before production/);
        assert.match(e.fix ?? '', /Deploy 0\.3\.2 to staging first/);
        return true;
      },
    );
    assert.equal(await deploy('production', 'v0.3.2'), undefined, 'the palette command reports it and returns nothing');
    assert.equal(dispatches().length, count, 'nothing dispatched');
  });

  it('promotes a paused canary from the tree: the remaining steps are skipped, full traffic goes out', async () => {
    await writeConfig(120_000);
    const running = deploy('staging', 'v0.3.2');
    await poll('the canary pauses after its first step', async () => /Pause|pause/.test(a.deployStatusBar.text ?? '') && dispatches().includes('staging 0.3.2 20'), { timeoutMs: 30_000 });
    const row = await envRow('staging');
    assert.ok(row, 'staging is in the tree');
    assert.equal(row.item.contextValue, 'environment.promotable', 'the row offers Promote and Abort');
    await vscode.commands.executeCommand('releaseManager.promoteDeploy', row.node);
    const journal = await running;
    assert.ok(journal);
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    const mine = dispatches().filter((d) => d.startsWith('staging 0.3.2'));
    assert.deepEqual(mine, ['staging 0.3.2 20', 'staging 0.3.2 100'], 'promoted: no 60% step');
  });

  it('rolls staging back to its last successful deployment automatically when a health check fails after full promotion', async () => {
    await writeConfig(0);
    errorRate = 0;
    const before = entries().length;
    const running = deploy('staging', 'v0.3.3');
    await poll('full traffic is on 0.3.3', () => dispatches().includes('staging 0.3.3 100'), { timeoutMs: 60_000 });
    errorRate = 0.4;
    const journal = await running;
    errorRate = 0;
    assert.ok(journal);
    assert.equal(journal.state, 'rolled-back', `${journal.state}: ${journal.outcome ?? ''}`);
    assert.match(journal.outcome ?? '', /error-rate[\s\S]*rolled back to 0\.3\.2/);
    assert.deepEqual(dispatches().filter((d) => d.startsWith('staging')).slice(-4), ['staging 0.3.3 20', 'staging 0.3.3 60', 'staging 0.3.3 100', 'staging 0.3.2 100'], 'the canary, then the rollback to 0.3.2, the last successful deployment');
    assert.equal(entries().length, before + 1, 'one decision-log entry');
    assert.match(entries().at(-1)!, /^DEPLOY — 0\.3\.3 to staging — [\s\S]*- Outcome: rolled-back/);
    assert.match(entries().at(-1)!, /- Rollback duration: .* \(target 5 min(, exceeded)?\)/);
    // The automatic rollback is timed in the tree too, against the 5-minute target.
    const row = await envRow('staging');
    assert.match(String(row?.item.description), / · rolled back in .+ \(target 5 min(, exceeded)?\)$/);
  });

  it('aborts a canary whose health check fails during a step: traffic goes back to the stable version at once', async () => {
    errorRate = 0.4;
    const journal = await deploy('staging', 'v0.3.1');
    errorRate = 0;
    assert.ok(journal);
    assert.equal(journal.state, 'aborted', `${journal.state}: ${journal.outcome ?? ''}`);
    assert.match(journal.outcome ?? '', /health check failed: error-rate: .*errorRate 0\.4 > max 0\.05.*traffic is back on the previous version/);
    assert.deepEqual(dispatches().filter((d) => d.startsWith('staging 0.3.1')), ['staging 0.3.1 20', 'staging 0.3.1 0'], 'step 1, then all traffic back (weight 0); no further step');
    assert.match(entries().at(-1)!, /^DEPLOY — 0\.3\.1 to staging — [\s\S]*- Outcome: aborted/);
  });

  it('aborts a running canary from the tree while its step runs', async () => {
    server.scriptRuns('acme', 'demo', 'deploy.yml', [
      { after: 200, status: 'in_progress' },
      { after: 4000, status: 'completed', conclusion: 'success' },
    ]);
    const running = deploy('staging', 'v0.3.4');
    await poll('the first step runs', async () => /Canary step 1/.test(a.deployStatusBar.text ?? ''), { timeoutMs: 30_000 });
    const row = await envRow('staging');
    assert.ok(row);
    await vscode.commands.executeCommand('releaseManager.abortDeploy', row.node);
    await poll('the status bar says it is aborting', async () => /aborting|Abort/.test(a.deployStatusBar.text ?? '') || a.deployStatusBar.text === null, { timeoutMs: 30_000 });
    const journal = await running;
    assert.ok(journal);
    assert.notEqual(journal.state, 'healthy');
    assert.match(journal.outcome ?? '', /aborted by the user/);
    assert.deepEqual(dispatches().filter((d) => d.startsWith('staging 0.3.4')), ['staging 0.3.4 20', 'staging 0.3.4 0'], 'the running step finished, then traffic went back; no further step');
  });
});
