// Following a deploy's GitHub Actions run from the Release view inside the real extension host, against
// the local GitHub server (its scripted runs play GitHub Actions): the running workflow step of a
// staging deploy shows its jobs and their steps under the environment row (read only while the row is
// looked at, at most every few seconds while the run runs, once when it has finished), then their final
// states; Open Run Logs opens only pages of the repository on its GitHub host; a failed run offers
// Re-run Failed Jobs, which reaches GitHub as a new attempt and leaves the deploy as it ended. Leaves the
// workspace (config, decision log, journals), the settings and the authentication providers as it found them.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { correlationId, deployJournalKey } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/tree/nodes';
import type { FakeGitHub } from '../../helpers/fakeGitHub/server';
import { poll } from '../../helpers/poll';
import { api, githubDeployFixture, labelOf, workspaceRoot, type GitHubDeployFixture } from './helpers';

const TOKEN = 'ghp_RmRunTest0123456789ABCDEFGHIJKLMNOPQR';
const CONFIG = '.release-manager.json';

const WORKFLOW = `name: Deploy
run-name: Deploy \${{ inputs.environment }} \${{ inputs.version }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      environment:
        type: string
        required: true
      version:
        type: string
        required: true
      correlation_id:
        type: string
jobs:
  build:
    name: Build
    runs-on: ubuntu-latest
    steps:
      - name: Compile
        run: make
  deploy:
    name: Deploy
    runs-on: ubuntu-latest
    steps:
      - name: Shift traffic
        run: ./deploy.sh
`;


type RunNode = Extract<Node, { kind: 'deployRun' }>;
type JobNode = Extract<Node, { kind: 'deployRunJob' }>;

describe('Follow a deploy workflow run from the tree (jobs, steps, logs, re-run failed jobs)', function () {
  this.timeout(180_000);
  let fixture: GitHubDeployFixture | undefined;
  let server: FakeGitHub;
  let a: ReleaseManagerApi;
  let root: string;

  const deploy = (ref: string) => vscode.commands.executeCommand('releaseManager.deploy', { root, environment: 'staging', ref, confirm: false }) as Thenable<DeployJournal | undefined>;
  const jobReads = () => server.requests.filter((r) => r.method === 'GET' && /\/actions\/runs\/\d+\/jobs$/.test(r.path)).length;
  const children = async (node?: Node) => ((await a.tree.getChildren(node)) ?? []) as Node[];
  /** The staging row as the tree shows it (no cache dropped: what a user's look at the tree costs). */
  const stagingRow = async () => {
    let top = await children();
    const repo = top.find((n) => n.kind === 'repo' && n.root === root);
    if (repo) top = await children(repo);
    const envs = top.find((n) => n.kind === 'environments');
    assert.ok(envs, 'the tree has Environments');
    const row = (await children(envs)).find((n) => n.kind === 'environment' && labelOf(a.tree.getTreeItem(n)) === 'staging');
    assert.ok(row, 'staging is in the tree');
    return row;
  };
  /** Expands the staging row: its run, the run's jobs, each job's steps (what a user sees, as text). */
  const expand = async () => {
    const row = await stagingRow();
    const kids = await children(row);
    const run = kids.find((n): n is RunNode => n.kind === 'deployRun');
    const jobs: { node: JobNode; line: string; steps: string[] }[] = [];
    if (run) {
      for (const job of (await children(run)) as JobNode[]) {
        const item = a.tree.getTreeItem(job);
        const steps = (await children(job)).map((s) => {
          const it = a.tree.getTreeItem(s);
          return `${labelOf(it)}: ${String(it.description)} [${(it.iconPath as vscode.ThemeIcon).id}]`;
        });
        jobs.push({ node: job, line: `${labelOf(item)}: ${String(item.description)} [${(item.iconPath as vscode.ThemeIcon).id}]`, steps });
      }
    }
    return { row, kids, run, runItem: run ? a.tree.getTreeItem(run) : undefined, jobs };
  };

  before(async () => {
    a = await api();
    root = workspaceRoot();
    fixture = await githubDeployFixture(a, root, { token: TOKEN, label: 'run test', files: { '.github/workflows/deploy.yml': WORKFLOW }, releases: ['0.4.0', '0.4.1'] });
    server = fixture.server;
    server.addEnvironment('acme', 'demo', { name: 'staging' });
    const base = JSON.parse(readFileSync(join(root, CONFIG), 'utf8')) as Record<string, unknown>;
    const provider = { kind: 'workflow', workflow: 'deploy.yml', inputs: { environment: '{environment}', version: '{version}' }, correlationInput: 'correlation_id' };
    writeFileSync(join(root, CONFIG), JSON.stringify({ ...base, deploy: { environments: [{ name: 'staging', provider, protection: { gates: [] } }] } }, null, 2) + '\n');
    await poll('the extension reads the deploy config', async () => {
      await a.settled();
      return a.model.find(root)?.config?.deploy?.environments[0]?.provider.kind === 'workflow';
    });
    a.deployView.invalidate();
  });

  after(async () => {
    await fixture?.dispose();
  });

  afterEach(() => server.assertValid());

  it('shows the running workflow step\'s jobs and steps under the environment, read only while looked at and at most every few seconds, then their final states', async () => {
    server.scriptRuns('acme', 'demo', 'deploy.yml', [
      { after: 300, status: 'in_progress', jobs: [{ name: 'Build', conclusion: 'success' }, { name: 'Deploy', steps: [{ name: 'Set up job', conclusion: 'success' }, { name: 'Shift traffic', status: 'in_progress' }] }] },
      { after: 14_000, status: 'completed', conclusion: 'success' },
    ]);
    // The walkthrough's "first deploy" step completes on releaseManager.deployed: false while no deploy of the
    // workspace ended healthy (other suites may have left one), true once this one does.
    const healthyBefore = (await a.deployView.journals(root)).some((j) => j.plan.operation === 'deploy' && j.state === 'healthy');
    if (!healthyBefore) await poll('the deployed key false before any healthy deploy', () => !a.walkthrough.current().deployed, { timeoutMs: 20_000 });
    const running = deploy('v0.4.0');
    await poll('the run is in progress on GitHub', () => server.state('acme', 'demo').runs.some((r) => r.status === 'in_progress'), { timeoutMs: 30_000 });
    await poll('the staging row offers its run', async () => a.tree.getTreeItem(await stagingRow()).collapsibleState === vscode.TreeItemCollapsibleState.Collapsed, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(jobReads(), 0, 'the jobs are not read while the row is not expanded');

    let seen = await expand();
    await poll('the tree shows the job and the step in progress', async () => {
      seen = await expand();
      return seen.jobs.some((j) => /^Deploy: in progress \[sync~spin\]$/.test(j.line) && j.steps.includes('Shift traffic: in progress [sync~spin]'));
    }, { timeoutMs: 15_000 });
    assert.ok(seen.run, 'the row shows the run');
    assert.match(labelOf(seen.runItem!), /^Workflow run: Deploy staging 0\.4\.0 \(/);
    assert.match(String(seen.runItem!.description), /^in progress · /);
    assert.equal(seen.runItem!.contextValue, 'deployRun', 'a running run offers its logs, not a re-run');
    const build = seen.jobs.find((j) => j.line.startsWith('Build'));
    assert.equal(build?.line, 'Build: success [pass]');
    assert.deepEqual(build?.steps, ['Set up job: success [pass]', 'Compile: success [pass]', 'Complete job: success [pass]']);
    const deployJob = seen.jobs.find((j) => j.line.startsWith('Deploy'))!;
    assert.deepEqual(deployJob.steps, ['Set up job: success [pass]', 'Shift traffic: in progress [sync~spin]', 'Complete job: queued [clock]']);

    // Looked at continuously for 4 s while it runs: read at most every few seconds.
    const before = jobReads();
    const end = Date.now() + 4000;
    while (Date.now() < end) {
      await expand();
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = jobReads() - before;
    assert.ok(during >= 1 && during <= 2, `jobs read ${during} times in 4 s of looking`);

    const journal = await running;
    assert.ok(journal);
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    await poll('the walkthrough\'s first-deploy key true after the healthy deploy', () => a.walkthrough.current().deployed, { timeoutMs: 20_000 });
    await poll('the tree shows the final states', async () => {
      seen = await expand();
      return /^success · /.test(String(seen.runItem?.description)) && seen.jobs.length === 2 && seen.jobs.every((j) => / success \[pass\]$/.test(j.line) && j.steps.every((s) => s.endsWith('success [pass]')));
    }, { timeoutMs: 15_000 });
    assert.equal(seen.runItem!.contextValue, 'deployRun', 'a successful run offers no re-run');
    const settled = jobReads();
    for (let i = 0; i < 10; i++) {
      await expand();
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 3500));
    await expand();
    assert.equal(jobReads(), settled, 'a finished run is not read again');

    // Open Run Logs: the run's and the job's pages, only on the repository's GitHub host.
    const runUrl = await vscode.commands.executeCommand('releaseManager.openRunLogs', seen.run, { open: false });
    assert.equal(runUrl, `https://github.com/acme/demo/actions/runs/${seen.run!.run.runId}`);
    const jobUrl = await vscode.commands.executeCommand('releaseManager.openRunLogs', seen.jobs[1]!.node, { open: false });
    assert.match(String(jobUrl), new RegExp(`^https://github\\.com/acme/demo/actions/runs/${seen.run!.run.runId}/job/\\d+$`));
    for (const url of ['https://evil.example/acme/demo/actions/runs/1', 'http://github.com/acme/demo/actions/runs/1', 'https://github.com/other/repo/actions/runs/1', 'javascript:alert(1)']) {
      const opened: unknown = await vscode.commands.executeCommand('releaseManager.openRunLogs', { ...seen.run!, run: { ...seen.run!.run, url } }, { open: false });
      assert.equal(opened, undefined, `${url} is refused`);
    }
  });

  it('offers Re-run Failed Jobs on the failed run of the latest deploy; the re-run reaches GitHub and the deploy stays as it ended', async () => {
    server.scriptRuns('acme', 'demo', 'deploy.yml', [
      { after: 300, status: 'in_progress', attempt: 1 },
      { after: 1500, status: 'completed', conclusion: 'failure', attempt: 1, jobs: [{ name: 'Build', conclusion: 'success' }, { name: 'Deploy', conclusion: 'failure', steps: [{ name: 'Shift traffic', conclusion: 'failure' }] }] },
      { after: 300, status: 'in_progress', attempt: 2 },
    ]);
    const journal = await deploy('v0.4.1');
    assert.ok(journal);
    assert.notEqual(journal.state, 'healthy');
    assert.notEqual(journal.state, 'running');
    let seen = await expand();
    await poll('the tree shows the failed run', async () => {
      seen = await expand();
      return seen.runItem?.contextValue === 'deployRun.failed';
    }, { timeoutMs: 15_000 });
    const runId = seen.run!.run.runId;
    assert.match(String(seen.runItem!.description), /^failure · /);
    assert.deepEqual(seen.jobs.map((j) => j.line), ['Build: success [pass]', 'Deploy: failure [error]']);
    assert.ok(seen.jobs[1]!.steps.includes('Shift traffic: failure [error]'), seen.jobs[1]!.steps.join(', '));
    const rerunsBefore = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/rerun-failed-jobs')).length;

    // Refused on a run that did not fail (nothing sent).
    const refused = await vscode.commands.executeCommand('releaseManager.rerunFailedJobs', { ...seen.run!, run: { ...seen.run!.run, conclusion: 'success' } }, { confirm: false });
    assert.equal(refused, undefined);

    const message = await vscode.commands.executeCommand('releaseManager.rerunFailedJobs', seen.run, { confirm: false });
    assert.equal(message, `Re-running the failed jobs of run ${runId}; the deploy stays ${journal.state} — deploy again to continue.`);
    const reruns = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/rerun-failed-jobs'));
    assert.equal(reruns.length - rerunsBefore, 1, 'one re-run reached GitHub');
    assert.equal(reruns.at(-1)!.path, `/repos/acme/demo/actions/runs/${runId}/rerun-failed-jobs`);
    assert.equal(server.getRun('acme', 'demo', runId).run_attempt, 2, 'GitHub started attempt 2 of the same run');
    const stored = (await a.deployView.journals(root)).find((j) => j.id === journal.id);
    assert.equal(stored?.state, journal.state, 'the deploy journal is unchanged');

    await poll('the tree follows the re-run', async () => {
      seen = await expand();
      return /^in progress · attempt 2 · /.test(String(seen.runItem?.description)) && seen.runItem?.contextValue === 'deployRun' && seen.jobs.some((j) => j.line === 'Deploy: in progress [sync~spin]');
    }, { timeoutMs: 15_000 });
  });

  it('finds the failed run of a deploy another window or the CLI ran (by its correlation id) and offers its re-run', async () => {
    const store = new FileDeployJournalStore(join(root, '.git'));
    const key = deployJournalKey('acme/demo', 'staging');
    const mine = await store.read(key);
    assert.ok(mine && mine.state !== 'running', 'the failed deploy of the previous test');
    const index = mine.steps.findIndex((st) => st.state.status === 'failed' && !st.state.notSent);
    assert.ok(index >= 0);
    // The same failed operation as another session wrote it: an id this window never saw, so no run handle is known here.
    const now = Date.now();
    const other: DeployJournal = { ...mine, id: 'op-otherwin0001', session: 'cli-4242-other', startedAt: new Date(now - 10_000).toISOString(), updatedAt: new Date(now).toISOString(), finishedAt: new Date(now).toISOString() };
    const seeded = server.addRun('acme', 'demo', { workflow: 'deploy.yml', event: 'workflow_dispatch', status: 'completed', conclusion: 'failure', display_title: `Deploy staging 0.4.1 (${correlationId(other, other.steps[index]!.phase, index)})`, jobs: ['Deploy'] });
    assert.equal(await store.write(key, other, mine.revision), 'written');
    let seen = await expand();
    await poll('the tree shows the run found on GitHub', async () => {
      seen = await expand();
      return seen.run?.run.runId === seeded.id;
    }, { timeoutMs: 15_000 });
    assert.equal(seen.runItem!.contextValue, 'deployRun.failed');
    assert.equal(seen.run!.journalId, 'op-otherwin0001');
    assert.deepEqual(seen.jobs.map((j) => j.line), ['Deploy: failure [error]']);
  });
});
