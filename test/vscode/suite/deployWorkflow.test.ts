// Deploying through a workflow_dispatch workflow without any deploy config, inside the real extension
// host: the workflow is the repository's own (found by its trigger), the inputs the config does not set
// are given (or suggested by their role: the version, the environment), checked locally before anything
// is sent, and the run that was started is followed to its end. Leaves the settings, the authentication
// providers and the journals as it found them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeployJournal } from '../../../src/core/deploy/journal';
import type { ReleaseManagerApi } from '../../../src/extension';
import { deployCommand } from '../../../src/vscode/commands/deploy';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub';
import { api, workspaceRoot } from './helpers';

const TOKEN = 'ghp_RmWorkflowTest0123456789ABCDEFGHIJKL';
const LOG = 'docs/RELEASE-DECISIONS.md';

const WORKFLOW = `name: Ship it
run-name: Ship \${{ inputs.version }} to \${{ inputs.target }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      target:
        type: environment
        required: true
      version:
        type: string
        required: true
      region:
        type: choice
        options: [eu-west, us-east]
        default: us-east
      dry_run:
        type: boolean
        default: false
      ticket:
        type: string
      correlation_id:
        type: string
jobs:
  ship:
    runs-on: ubuntu-latest
    environment: \${{ inputs.target }}
    steps:
      - run: ./ship.sh
`;

class WorkflowTestAuth implements vscode.AuthenticationProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private readonly session: vscode.AuthenticationSession = { id: 'workflow-session', accessToken: TOKEN, account: { id: 'octocat', label: 'octocat' }, scopes: ['repo'] };
  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    return [this.session];
  }
  async createSession(): Promise<vscode.AuthenticationSession> {
    return this.session;
  }
  async removeSession(): Promise<void> {}
}

describe('Deploy through a workflow of the repository (no deploy config)', function () {
  this.timeout(120_000);
  let server: FakeGitHub;
  let remote: string;
  let work: string;
  let registration: vscode.Disposable;
  let a: ReleaseManagerApi;
  let root: string;
  let originalLog: string | null | undefined;

  before(async () => {
    a = await api();
    root = workspaceRoot();
    assert.equal(a.model.find(root)?.config?.deploy, undefined, 'the demo repository has no deploy config');
    originalLog = existsSync(join(root, LOG)) ? readFileSync(join(root, LOG), 'utf8') : null;
    remote = mkdtempSync(join(tmpdir(), 'rm-wf-remote-'));
    work = mkdtempSync(join(tmpdir(), 'rm-wf-work-'));
    execFileSync('git', ['clone', '-q', '--bare', root, remote]);
    execFileSync('git', ['clone', '-q', remote, work]);
    const env = { ...process.env, GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' };
    mkdirSync(join(work, '.github/workflows'), { recursive: true });
    writeFileSync(join(work, '.github/workflows/ship.yml'), WORKFLOW);
    execFileSync('git', ['add', '.github/workflows/ship.yml'], { cwd: work, env });
    execFileSync('git', ['commit', '-q', '-m', 'ci: ship workflow'], { cwd: work, env });
    execFileSync('git', ['tag', 'v0.4.0'], { cwd: work, env });
    execFileSync('git', ['push', '-q', 'origin', 'HEAD:main', '--tags'], { cwd: work, env });
    server = await startFakeGitHub({ token: TOKEN });
    server.addRepo('acme', 'demo', { gitDir: remote });
    server.addEnvironment('acme', 'demo', { name: 'qa' });
    server.scriptRuns('acme', 'demo', 'ship.yml', [{ after: 300, status: 'completed', conclusion: 'success' }]);
    registration = vscode.authentication.registerAuthenticationProvider('github', 'GitHub (workflow test)', new WorkflowTestAuth(), { supportsMultipleAccounts: false });
    const settings = vscode.workspace.getConfiguration('releaseManager');
    await settings.update('github.apiUrl', server.url, vscode.ConfigurationTarget.Global);
    await settings.update('deploy.pollIntervalSeconds', 1, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const settings = vscode.workspace.getConfiguration('releaseManager');
    await settings.update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('deploy.pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    registration?.dispose();
    await server?.close();
    if (originalLog === null) rmSync(join(root, LOG), { force: true });
    else if (originalLog !== undefined) writeFileSync(join(root, LOG), originalLog);
    rmSync(remote, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    rmSync(join(root, '.git', 'release-manager', 'journal'), { recursive: true, force: true });
    a?.deployView.invalidate();
  });

  afterEach(() => server.assertValid());

  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

  it('refuses an input value that is unsafe for a shell step, before anything is sent', async () => {
    await assert.rejects(
      deployCommand({ model: a.model, connector: a.github, view: a.deployView, log: quiet, session: 'editor-wf-test' }, { root, environment: 'qa', ref: 'v0.4.0', workflow: 'ship.yml', inputs: { ticket: 'OPS-1 $(curl evil)' }, confirm: false }),
      (e: Error & { fix?: string }) => {
        assert.match(e.message, /^Input "ticket" of \.github\/workflows\/ship\.yml: "OPS-1 \$\(curl evil\)" contains "\$", a shell metacharacter/);
        return true;
      },
    );
    await assert.rejects(
      deployCommand({ model: a.model, connector: a.github, view: a.deployView, log: quiet, session: 'editor-wf-test' }, { root, environment: 'qa', ref: 'v0.4.0', workflow: 'ship.yml', inputs: { region: 'mars' }, confirm: false }),
      /Input "region" of \.github\/workflows\/ship\.yml: must be one of "eu-west", "us-east", not "mars"\./,
    );
    assert.equal(server.state('acme', 'demo').dispatches.length, 0, 'nothing dispatched');
  });

  it('runs the workflow with the given inputs and the suggested ones (version, environment), and follows the run it started', async () => {
    const journal = (await vscode.commands.executeCommand('releaseManager.deploy', { root, environment: 'qa', ref: 'v0.4.0', workflow: 'ship.yml', inputs: { region: 'eu-west', dry_run: 'true', ticket: 'OPS-42' }, confirm: false })) as DeployJournal | undefined;
    assert.ok(journal, 'the command returns the journal');
    assert.equal(journal.state, 'healthy', journal.outcome ?? '');
    assert.equal(journal.env.provider.kind, 'workflow');
    const dispatches = server.state('acme', 'demo').dispatches;
    assert.equal(dispatches.length, 1, 'one dispatch');
    const sent = dispatches[0]!.inputs;
    assert.equal(dispatches[0]!.ref, 'v0.4.0', 'the workflow of the release tag');
    assert.deepEqual({ target: sent.target, version: sent.version, region: sent.region, dry_run: sent.dry_run, ticket: sent.ticket }, { target: 'qa', version: '0.4.0', region: 'eu-west', dry_run: 'true', ticket: 'OPS-42' });
    assert.match(String(sent.correlation_id), /^op-[0-9a-f]+-m0$/, 'the run is identified by its correlation input');
    assert.equal(journal.steps[0]!.state.status, 'done', 'the run it started was followed to its end');
  });
});
