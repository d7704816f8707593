// Deploy from the editor (preview) inside the real extension host, against the local GitHub server with
// the Deployments provider and no deploy config: a deploy to staging end to end (the deployment is
// created for HEAD's commit, the CD side — played by this test — advances its statuses, the tree shows
// it), then a rollback to the previous successful deployment with its duration. Leaves the workspace,
// the settings and the authentication providers as it found them (the GitHub suite runs after it).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy } from '../../../src/core/deploy/plan';
import { implicitEnvironment } from '../../../src/core/deploy/schema';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import type { ReleaseManagerApi } from '../../../src/extension';
import { reportUnfinishedDeploys } from '../../../src/vscode/deploy/controlCommands';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, labelOf, registerGitHubAccount, treeRows, workspaceRoot } from './helpers';

const TOKEN = 'ghp_RmDeployTest0123456789ABCDEFGHIJKLMNO';

/** A signed-in GitHub account for this suite only. */

describe('Deploy from the editor (Deployments provider, no deploy config)', function () {
  this.timeout(120_000);
  let server: FakeGitHub;
  let remote: string;
  let registration: vscode.Disposable;
  let a: ReleaseManagerApi;
  let root: string;
  let head: string;
  let v020: string;
  let cd: NodeJS.Timeout | undefined;
  const seeded = new Set<number>();
  // Each finished deploy and rollback is recorded in the repository's decision log: restored after.
  const LOG = 'docs/RELEASE-DECISIONS.md';
  let files: ReturnType<typeof snapshotFiles> | undefined;

  before(async () => {
    a = await api();
    root = workspaceRoot();
    files = snapshotFiles(root, [LOG]);
    head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    v020 = execFileSync('git', ['rev-parse', 'v0.2.0^{commit}'], { cwd: root, encoding: 'utf8' }).trim();
    remote = mkdtempSync(join(tmpdir(), 'rm-deploy-remote-'));
    execFileSync('git', ['clone', '-q', '--bare', root, remote]);
    // A release candidate tagged on GitHub only: the workspace's own tags (and so its next version) stay as they are.
    execFileSync('git', ['tag', 'v0.3.0-beta.1', head], { cwd: remote });
    server = await startFakeGitHub({ token: TOKEN });
    server.addRepo('acme', 'demo', { gitDir: remote });
    server.addEnvironment('acme', 'demo', { name: 'staging' });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const old = server.addDeployment('acme', 'demo', { ref: 'v0.2.0', environment: 'staging', created_at: hourAgo, statuses: [{ state: 'success', created_at: hourAgo }] });
    seeded.add(old.id);
    registration = registerGitHubAccount(TOKEN, 'deploy test');
    await vscode.workspace.getConfiguration('releaseManager').update('github.apiUrl', server.url, vscode.ConfigurationTarget.Global);
    // The CD system: picks up every new deployment, reports it in progress, then successful.
    cd = setInterval(() => {
      for (const d of server.state('acme', 'demo').deployments) {
        if (seeded.has(d.id)) continue;
        seeded.add(d.id);
        server.addDeploymentStatus('acme', 'demo', d.id, { state: 'in_progress', description: 'rolling out' });
        setTimeout(() => server.addDeploymentStatus('acme', 'demo', d.id, { state: 'success', description: 'live', auto_inactive: true }), 300);
      }
    }, 100);
  });

  after(async () => {
    if (cd) clearInterval(cd);
    files?.restore();
    await vscode.workspace.getConfiguration('releaseManager').update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
    registration?.dispose();
    await server?.close();
    rmSync(remote, { recursive: true, force: true });
    // Deploy journals live in the git directory (never committed); drop them so later suites start clean.
    rmSync(join(root, '.git', 'release-manager', 'journal'), { recursive: true, force: true });
    a?.deployView.invalidate();
  });

  afterEach(() => server.assertValid());

  const environmentRows = async () => {
    a.deployView.invalidate();
    const rows = await treeRows(a, 2);
    const at = rows.findIndex((r) => r.node.kind === 'environments');
    assert.ok(at >= 0, 'the tree has an Environments node');
    return rows.filter((r) => r.node.kind === 'environment');
  };

  it('lists the GitHub environments with their last deployment', async () => {
    await poll('staging is listed with v0.2.0', async () => (await environmentRows()).some((r) => labelOf(r.item) === 'staging' && /^v0\.2\.0 · success/.test(String(r.item.description))));
  });

  it('offers the environments with what they run, then the releases newest first, the repository\'s own tag before the packages\'', async () => {
    const w = vscode.window as unknown as { showQuickPick: unknown };
    const saved = w.showQuickPick;
    const asked: { title: string; items: vscode.QuickPickItem[] }[] = [];
    w.showQuickPick = async (items: vscode.QuickPickItem[] | Thenable<vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      const list = await items;
      asked.push({ title: options?.title ?? '', items: list });
      // The environment: staging; the release: none (cancelled, nothing deployed).
      return /which environment/.test(options?.title ?? '') ? list.find((i) => i.label === 'staging') : undefined;
    };
    try {
      a.deployView.invalidate();
      const result = await vscode.commands.executeCommand('releaseManager.deploy', { root, workflow: '', confirm: false });
      assert.equal(result, undefined, 'cancelled at the release pick');
    } finally {
      w.showQuickPick = saved;
    }
    const [envs, releases] = asked;
    assert.ok(envs && releases, `both pickers were shown: ${JSON.stringify(asked.map((x) => x.title))}`);
    assert.deepEqual(envs.items.filter((i) => i.label === 'staging').map((i) => i.description), ['0.2.0, healthy']);
    assert.deepEqual(releases.items.slice(0, 5).map((i) => i.label), ['v0.2.0', 'api@0.2.0', 'web@0.2.0', 'v0.2.0-rc.0', 'v0.1.1']);
    assert.match(String(releases.items[0]!.description), /^\d{4}-\d{2}-\d{2} · staging$/);
    assert.match(String(releases.items[1]!.description), /^\d{4}-\d{2}-\d{2}$/);
  });

  it('deploys a release to staging end to end: a deployment of HEAD, its statuses followed, the tree updated', async () => {
    const journal = (await vscode.commands.executeCommand('releaseManager.deploy', { root, environment: 'staging', ref: 'v0.3.0-beta.1', confirm: false })) as DeployJournal | undefined;
    assert.ok(journal, 'the command returns the journal');
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    assert.equal(journal.plan.release.sha, head);
    const created = server.state('acme', 'demo').deployments.filter((d) => !d.ref.startsWith('v0.2.0') && d.environment === 'staging');
    assert.equal(created.length, 1, 'one deployment created');
    assert.equal(created[0]!.sha, head, 'for HEAD\'s commit');
    assert.deepEqual(created[0]!.statuses.map((s) => s.state), ['in_progress', 'success']);
    assert.equal(server.requests.filter((r) => r.operationId === 'repos/create-deployment').length, 1, 'created once');
    await poll('the tree shows the new deployment', async () => (await environmentRows()).some((r) => labelOf(r.item) === 'staging' && /^0\.3\.0-beta\.1 · success/.test(String(r.item.description))));
  });

  it('rolls staging back to its previous successful deployment and records how long it took', async () => {
    const journal = (await vscode.commands.executeCommand('releaseManager.rollBack', { root, environment: 'staging', confirm: false })) as DeployJournal | undefined;
    assert.ok(journal, 'the command returns the journal');
    assert.equal(journal.plan.operation, 'rollback');
    assert.equal(journal.plan.release.version, '0.2.0');
    assert.ok(journal.state === 'healthy' || journal.state === 'rolled-back', `${journal.state}: ${journal.outcome ?? ''}`);
    assert.ok(journal.finishedAt !== null && Date.parse(journal.finishedAt) >= Date.parse(journal.startedAt), 'duration recorded');
    const entry = readFileSync(join(root, LOG), 'utf8').split('\n## ').at(-1)!;
    assert.match(entry, /^ROLLBACK — staging to 0\.2\.0 — [\s\S]*- Rollback duration: .* \(target 5 min(, exceeded)?\)/, 'the decision log has the rollback and its duration against the 5-minute target');
    const newest = [...server.state('acme', 'demo').deployments].filter((d) => d.environment === 'staging').sort((x, y) => y.id - x.id)[0]!;
    assert.equal(newest.sha, v020, 'the rollback deployed v0.2.0\'s commit');
    assert.equal(newest.statuses[newest.statuses.length - 1]!.state, 'success');
    await poll('the tree shows the rollback and how long it took against the 5-minute target', async () =>
      (await environmentRows()).some((r) => labelOf(r.item) === 'staging' && /^0\.2\.0 · success · .* · rolled back in .+ \(target 5 min(, exceeded)?\)$/.test(String(r.item.description))),
    );
  });

  it('shows a deploy another process left unfinished as "resume / inspect", then resumes it here with its progress in the tree', async () => {
    // What a CLI run that died before sending anything leaves in the journal.
    const env = implicitEnvironment('staging');
    const store = new FileDeployJournalStore(join(root, '.git'));
    const key = deployJournalKey('acme/demo', 'staging');
    const existing = await store.read(key);
    const decision = startOperation(existing, { repo: 'acme/demo', id: 'op-deadc11000', session: 'cli-4242-dead', env, plan: planDeploy(env, { version: '0.3.0-beta.1', sha: head, ref: 'v0.3.0-beta.1' }), again: true }, new Date());
    assert.equal(decision.kind, 'start');
    assert.equal(await store.write(key, (decision as { journal: DeployJournal }).journal, existing?.revision ?? null), 'written');
    const rows = async () => {
      a.deployView.invalidate();
      return treeRows(a, 2);
    };
    // Reported once when a window opens (here: asked again), never resumed by itself.
    const warned: string[] = [];
    const log = { debug: () => {}, info: () => {}, warn: (m: string) => void warned.push(m), error: () => {} };
    await reportUnfinishedDeploys({ model: a.model, github: a.github, deployView: a.deployView, log, session: 'editor-report-test' });
    assert.deepEqual(warned, ['unfinished on start: Deploy of 0.3.0-beta.1 to staging (direct): step 1 of 1, Deploy'], 'reported, not resumed');
    assert.equal((await store.read(key))!.revision, 0, 'the journal is untouched');
    await poll('the tree offers to resume it', async () => (await rows()).some((r) => r.node.kind === 'deployJournal' && labelOf(r.item) === 'Unfinished deploy: 0.3.0-beta.1 to staging' && /interrupted · resume \/ inspect/.test(String(r.item.description))));
    const node = (await rows()).find((r) => r.node.kind === 'deployJournal')!.node;
    const before = server.requests.filter((r) => r.operationId === 'repos/create-deployment').length;
    const resumed = vscode.commands.executeCommand('releaseManager.resumeDeploy', node, { confirm: false }) as Thenable<DeployJournal | undefined>;
    await poll('the row shows the running step', async () => (await rows()).some((r) => r.node.kind === 'environment' && /^deploying 0\.3\.0-beta\.1 · .+ · (running|sending)/.test(String(r.item.description))));
    assert.ok(!(await rows()).some((r) => r.node.kind === 'deployJournal'), 'driven here: no longer offered for resume');
    const journal = await resumed;
    assert.ok(journal, 'the command returns the journal');
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    assert.equal(journal.id, 'op-deadc11000', 'the same operation, resumed');
    assert.equal(server.requests.filter((r) => r.operationId === 'repos/create-deployment').length, before + 1, 'its one step sent once');
  });
});
