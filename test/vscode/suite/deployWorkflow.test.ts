// Deploying through a workflow_dispatch workflow without any deploy config, inside the real extension
// host: the workflow is the repository's own (found by its trigger), the inputs the config does not set
// are given (or suggested by their role: the version, the environment), checked locally before anything
// is sent, and the run that was started is followed to its end. Leaves the settings, the authentication
// providers and the journals as it found them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import type { ReleaseManagerApi } from '../../../src/extension';
import { deployCommand } from '../../../src/vscode/deploy/deployCommand';
import type { FakeGitHub } from '../../helpers/fakeGitHub/server';
import { api, githubDeployFixture, workspaceRoot, type GitHubDeployFixture } from './helpers';

const TOKEN = 'ghp_RmWorkflowTest0123456789ABCDEFGHIJKL';

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


describe('Deploy through a workflow of the repository (no deploy config)', function () {
  this.timeout(120_000);
  let server: FakeGitHub;
  let fixture: GitHubDeployFixture | undefined;
  let a: ReleaseManagerApi;
  let root: string;

  before(async () => {
    a = await api();
    root = workspaceRoot();
    assert.equal(a.model.find(root)?.config?.deploy, undefined, 'the demo repository has no deploy config');
    fixture = await githubDeployFixture(a, root, { token: TOKEN, label: 'workflow test', files: { '.github/workflows/ship.yml': WORKFLOW }, releases: ['0.4.0'] });
    server = fixture.server;
    server.addEnvironment('acme', 'demo', { name: 'qa' });
    server.scriptRuns('acme', 'demo', 'ship.yml', [{ after: 300, status: 'completed', conclusion: 'success' }]);
  });

  after(async () => {
    await fixture?.dispose();
  });

  afterEach(() => server.assertValid());

  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

  it('refuses an input value that is unsafe for a shell step, before anything is sent', async () => {
    await assert.rejects(
      deployCommand({ model: a.model, github: a.github, deployView: a.deployView, log: quiet, session: 'editor-wf-test' })({ root, environment: 'qa', ref: 'v0.4.0', workflow: 'ship.yml', inputs: { ticket: 'OPS-1 $(curl evil)' }, confirm: false }),
      (e: Error & { fix?: string }) => {
        assert.match(e.message, /^Input "ticket" of \.github\/workflows\/ship\.yml: "OPS-1 \$\(curl evil\)" contains "\$", a shell metacharacter/);
        return true;
      },
    );
    await assert.rejects(
      deployCommand({ model: a.model, github: a.github, deployView: a.deployView, log: quiet, session: 'editor-wf-test' })({ root, environment: 'qa', ref: 'v0.4.0', workflow: 'ship.yml', inputs: { region: 'mars' }, confirm: false }),
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
