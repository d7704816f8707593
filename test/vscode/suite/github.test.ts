// GitHub inside the real extension host: VS Code's authentication API (a "github" provider registered
// by this suite, backed by the local GitHub server, because there is no github.com here), publishing a
// release end to end, an interrupted publish shown in the tree and resumed, and a canary token that
// must not surface in any file of the run.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { PublishResult } from '../../../src/core/publish';
import type { DraftResult } from '../../../src/vscode/commands/draftNotes';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { poll } from '../../helpers/poll';
import { api, labelOf, treeRows, workspaceRoot } from './helpers';

/** Token-shaped canary: the test's GitHub account's token. */
const CANARY = 'ghp_RmCanary0123456789ABCDEFGHIJKLMNOPQRS';

/** A GitHub account provider of the kind the built-in GitHub authentication extension is. */
class TestGitHubAuth implements vscode.AuthenticationProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  sessions: vscode.AuthenticationSession[] = [];
  asked = 0;
  created = 0;

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    this.asked++;
    return this.sessions;
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    return this.signIn(scopes);
  }

  /** What the user signing in through the Accounts menu amounts to. */
  signIn(scopes: readonly string[] = ['repo']): vscode.AuthenticationSession {
    const session = { id: `session-${++this.created}`, accessToken: CANARY, account: { id: 'octocat', label: 'octocat' }, scopes: [...scopes] };
    this.sessions = [session];
    this.emitter.fire({ added: [session], removed: [], changed: [] });
    return session;
  }

  async removeSession(id: string): Promise<void> {
    const removed = this.sessions.filter((s) => s.id === id);
    this.sessions = this.sessions.filter((s) => s.id !== id);
    this.emitter.fire({ added: [], removed, changed: [] });
  }
}

/** Every file under a folder (bounded in size), for the canary sweep. */
function* files(dir: string): Generator<string> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* files(full);
    else if (e.isFile()) yield full;
  }
}

describe('GitHub: sign-in, publish, resume, tree', function () {
  this.timeout(90_000);
  let server: FakeGitHub;
  let remote: string;
  let auth: TestGitHubAuth;
  let registration: vscode.Disposable;
  let a: ReleaseManagerApi;
  let root: string;

  before(async () => {
    a = await api();
    root = workspaceRoot();
    remote = mkdtempSync(join(tmpdir(), 'rm-gh-remote-'));
    execFileSync('git', ['clone', '-q', '--bare', root, remote]);
    server = await startFakeGitHub({ token: CANARY });
    server.addRepo('acme', 'demo', { gitDir: remote });
    auth = new TestGitHubAuth();
    registration = vscode.authentication.registerAuthenticationProvider('github', 'GitHub (test)', auth, { supportsMultipleAccounts: false });
    await vscode.workspace.getConfiguration('releaseManager').update('github.apiUrl', server.url, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('releaseManager').update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
    registration?.dispose();
    await server?.close();
    rmSync(remote, { recursive: true, force: true });
  });

  afterEach(() => server.assertValid());

  const githubRows = async () => {
    a.githubView.invalidate();
    const rows = await treeRows(a, 4);
    const at = rows.findIndex((r) => r.node.kind === 'github');
    assert.ok(at >= 0, 'the tree has a GitHub node');
    return rows.slice(at + 1).filter((r) => r.level > rows[at]!.level);
  };

  it('signed out: the tree says to sign in, and a draft says what it is missing (never a prompt)', async () => {
    const rows = await githubRows();
    assert.ok(rows.some((r) => labelOf(r.item) === 'Sign in to GitHub to see releases and CI'), rows.map((r) => labelOf(r.item)).join(' | '));
    const draft = (await vscode.commands.executeCommand('releaseManager.draftNotes', { root })) as DraftResult;
    assert.ok(draft.notes.warnings.some((w) => /Pull requests are not linked: not signed in to GitHub/.test(w)), draft.notes.warnings.join(' | '));
    assert.ok(!server.requests.some((r) => r.method !== 'GET'), 'nothing was written');
  });

  it('signed in: GitHub releases and the CI state of HEAD appear in the tree', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    server.addCheckRun('acme', 'demo', { head_sha: head, name: 'build', status: 'completed', conclusion: 'success' });
    server.addCheckRun('acme', 'demo', { head_sha: head, name: 'e2e', status: 'in_progress', conclusion: null });
    server.addRelease('acme', 'demo', { tag_name: 'v0.2.0', name: 'v0.2.0', body: 'old', target_commitish: 'main' });
    // The user signs in through the Accounts menu; VS Code refuses every dialog while extension tests
    // run, so the consent to use the account comes from the test product's trust (ensureCodeServer.mjs).
    auth.signIn();
    const login = await vscode.commands.executeCommand('releaseManager.signInToGitHub', root);
    assert.equal(login, 'octocat');
    assert.equal(auth.sessions.length, 1);
    await poll('the tree shows the GitHub releases', async () => (await githubRows()).some((r) => labelOf(r.item) === 'GitHub releases'));
    const rows = await githubRows();
    const ci = rows.find((r) => r.node.kind === 'ci');
    assert.ok(ci, 'a CI row');
    assert.equal(labelOf(ci.item), 'CI on HEAD: 1 running');
    assert.match(String(ci.item.description), /1 passed, 1 pending/);
  });

  it('an interrupted publish shows as "resume / inspect" and resumes without duplicating anything', async () => {
    // A revoked token (401) stops the publish before any write (the new sign-in it asks for is a dialog, refused in tests).
    server.inject({ method: 'GET', operationId: 'users/get-authenticated', fault: { kind: 'status', status: 401 } });
    const writesBefore = server.requests.filter((r) => r.method !== 'GET').length;
    assert.equal(await vscode.commands.executeCommand('releaseManager.publishRelease', { root, confirm: false }), undefined);
    assert.equal(server.requests.filter((r) => r.method !== 'GET').length, writesBefore, 'no write after a 401');
    server.inject({ method: 'PATCH', operationId: 'repos/update-release', fault: { kind: 'status', status: 502 } });
    const first = await vscode.commands.executeCommand('releaseManager.publishRelease', { root, confirm: false });
    assert.equal(first, undefined, 'the failure went to the error funnel');
    const state = server.state('acme', 'demo');
    assert.equal(state.releases.filter((r) => r.tag_name === 'v0.3.0').length, 1);
    assert.equal(state.releases.find((r) => r.tag_name === 'v0.3.0')?.draft, true, 'left as a draft');
    await a.githubView.loadJournals();
    const rows = await treeRows(a, 2);
    const journal = rows.find((r) => r.node.kind === 'journal');
    assert.ok(journal, 'the tree shows the unfinished publish');
    assert.equal(labelOf(journal.item), 'Unfinished publish: v0.3.0');
    assert.match(String(journal.item.description), /stopped after drafted · resume \/ inspect/);

    const resumed = (await vscode.commands.executeCommand('releaseManager.resumePublish', journal.node, { confirm: false })) as PublishResult;
    assert.equal(resumed.release.draft, false);
    assert.equal(resumed.resumed, true);
    assert.deepEqual(resumed.actions, ['published release v0.3.0']);
    const after = server.state('acme', 'demo').releases.filter((r) => r.tag_name === 'v0.3.0');
    assert.equal(after.length, 1, 'one release');
    assert.equal(after[0]!.draft, false);
    assert.match(after[0]!.body ?? '', /## 0\.3\.0/);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    assert.equal(execFileSync('git', ['rev-parse', 'refs/tags/v0.3.0^{commit}'], { cwd: remote, encoding: 'utf8' }).trim(), head, 'tagged at HEAD');
    assert.equal(server.requests.filter((r) => r.operationId === 'git/create-ref').length, 1, 'one tag write');
    await a.githubView.loadJournals();
    assert.ok(!(await treeRows(a, 2)).some((r) => r.node.kind === 'journal'), 'the unfinished publish is gone');
  });

  it('publishing again changes nothing and says so; the release is in the tree', async () => {
    const again = (await vscode.commands.executeCommand('releaseManager.publishRelease', { root, confirm: false })) as PublishResult;
    assert.deepEqual(again.actions, []);
    assert.equal(server.state('acme', 'demo').releases.filter((r) => r.tag_name === 'v0.3.0').length, 1);
    await poll('the published release is listed', async () => (await githubRows()).some((r) => r.node.kind === 'ghRelease' && labelOf(r.item) === 'v0.3.0'));
  });

  it('a token GitHub refuses (401) on a silent read: the tree says so, nothing crashes', async () => {
    server.inject({ method: 'GET', operationId: 'repos/list-releases', fault: { kind: 'status', status: 401 }, times: 4 });
    const rows = await githubRows();
    assert.ok(rows.some((r) => /GitHub rejected the token/.test(labelOf(r.item))), rows.map((r) => labelOf(r.item)).join(' | '));
    server.clearFaults();
  });

  it('the token appears in no file of the run: logs, storage, settings, journal, workspace', async () => {
    const runDir = process.env.RELEASE_MANAGER_TEST_RUN_DIR;
    assert.ok(runDir, 'the harness names the run folder');
    // Let the log service flush.
    await new Promise((r) => setTimeout(r, 1500));
    const needles = [CANARY, encodeURIComponent(CANARY), Buffer.from(CANARY).toString('base64')];
    let scanned = 0;
    for (const file of files(runDir)) {
      if (statSync(file).size > 32 * 1024 * 1024) continue;
      const text = readFileSync(file, 'latin1');
      scanned++;
      for (const n of needles) assert.ok(!text.includes(n), `the token leaked into ${file}`);
    }
    assert.ok(scanned > 20, `scanned ${scanned} files`);
    const state = JSON.stringify([a.gates.view(), a.model.repositories]);
    for (const n of needles) assert.ok(!state.includes(n), 'the token leaked into the view state');
  });
});
