// The Plan node inside the real extension host (issue 19): the release milestone of the demo repository
// served by the local GitHub server as acme/demo, read only when the node is expanded, with its due date
// in the label, the counts, the gap and the drift (hostile titles shown as text), and the empty states
// (signed out, no milestone) with their fixes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/tree/nodes';
import { serveGitHubCopy, type ServedCopy } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, git, labelOf, registerGitHubAccount, workspaceRoot } from './helpers';

const TOKEN = 'ghp_PlanSuite0123456789ABCDEFGHIJKLMNOPQRS';
const DAY = 86_400_000;

describe('Plan: the release milestone in the tree', function () {
  this.timeout(120_000);
  let a: ReleaseManagerApi;
  let root: string;
  let served: ServedCopy;
  let account: vscode.Disposable | undefined;
  let next: string;

  before(async () => {
    a = await api();
    workspaceRoot();
    // The model's root (git's top level, symlinks resolved), not the folder's path as opened.
    root = await poll('the demo repository is loaded', async () => {
      await a.settled();
      return a.model.repositories[0]?.root;
    }, { timeoutMs: 60_000 });
    served = await serveGitHubCopy(root, { token: TOKEN });
    await vscode.workspace.getConfiguration('releaseManager').update('github.apiUrl', served.server.url, vscode.ConfigurationTarget.Global);
    next = await poll('the demo repository has a next version', async () => {
      await a.settled();
      return a.model.find(root)?.notes?.version.next;
    }, { timeoutMs: 60_000 });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('releaseManager').update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
    account?.dispose();
    await served?.dispose();
    a?.plans.invalidate();
  });

  afterEach(() => served.server.assertValid());

  const planNode = async (): Promise<Node> => {
    const node = ((await a.tree.getChildren(undefined)) ?? []).find((n) => n.kind === 'plan');
    assert.ok(node, 'the Release tree has a Plan node');
    return node;
  };
  const children = async (node: Node) => (await a.tree.getChildren(node)) ?? [];
  const labels = (nodes: Node[]) => nodes.map((n) => labelOf(a.tree.getTreeItem(n)));

  it('signed out: the Plan node says to sign in, and offers it (never a prompt)', async () => {
    a.plans.invalidate();
    const rows = await children(await planNode());
    assert.deepEqual(labels(rows), ['Sign in to GitHub to see the release milestone']);
    assert.equal(a.tree.getTreeItem(rows[0]!).command?.command, 'releaseManager.signInToGitHub');
    assert.equal(served.server.requests.length, 0, 'nothing was asked of GitHub');
  });

  it('no milestone of the next version: says which titles it looked for, and opens the config', async () => {
    account = registerGitHubAccount(TOKEN, 'plan');
    a.plans.invalidate();
    const rows = await children(await planNode());
    assert.equal(labels(rows)[0], `No milestone "v${next}" or "${next}" on GitHub`);
    const item = a.tree.getTreeItem(rows[0]!);
    assert.equal(item.command?.command, 'releaseManager.openConfig');
    assert.match(String(item.tooltip), /set plan\.milestone in \.release-manager\.json/);
    assert.equal(labelOf(a.tree.getTreeItem(await planNode())), 'Plan');
  });

  it('a milestone: due date in the label, counts, the gap and the drift, each item opening on GitHub; read only when expanded', async () => {
    const server = served.server;
    const range = git(root, 'log', '--format=%H%x09%s', '-n', '12').split('\n').map((l) => l.split('\t') as [string, string]);
    const shaOf = (prefix: string) => {
      const found = range.find(([, s]) => s.startsWith(prefix));
      assert.ok(found, `the demo has "${prefix}"`);
      return found[0];
    };
    const due = new Date(Date.now() + 11 * DAY);
    const dueOn = `${due.toISOString().slice(0, 10)}T08:00:00Z`;
    const ms = server.addMilestone('acme', 'demo', { title: `v${next}`, due_on: dueOn });
    server.addPull('acme', 'demo', { number: 501, title: 'fix(web): <b>escape</b> customer names @everyone', merged_at: '2026-12-01T10:00:00Z', merge_commit_sha: shaOf('fix(web): <b>escape</b>') });
    server.addPull('acme', 'demo', { number: 502, title: 'feat(api)!: amounts in cents', milestone: ms, merged_at: '2026-12-01T10:00:00Z', merge_commit_sha: shaOf('feat(api)!: amounts') });
    server.addIssue('acme', 'demo', { number: 503, title: 'Crash on <script>alert(1)</script>', milestone: ms });
    server.addIssue('acme', 'demo', { number: 504, title: 'Polish the invoice table', milestone: ms, labels: ['may-slip'] });
    server.addIssue('acme', 'demo', { number: 505, title: 'Done already', milestone: ms, state: 'closed' });
    server.addPull('acme', 'demo', { number: 506, title: 'feat(web): invoice filters', milestone: ms });

    a.plans.invalidate();
    const before = server.requests.length;
    const node = await planNode();
    assert.equal(labelOf(a.tree.getTreeItem(node)), 'Plan', 'not read before it is expanded');
    assert.equal(server.requests.length, before, 'the first paint asks GitHub nothing');

    const rows = await children(node);
    assert.ok(server.requests.some((r) => r.operationId === 'issues/list-milestones'), 'expanding read the milestones');
    const month = due.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const year = due.getUTCFullYear() !== new Date().getUTCFullYear() ? `, ${due.getUTCFullYear()}` : '';
    // The label shows the plan once it is read (a sign-in or settings event arriving late may make the tree read it again).
    const planItem = await poll('the Plan row shows the milestone', async () => {
      const item = a.tree.getTreeItem(await planNode());
      if (labelOf(item) === 'Plan') await children(await planNode());
      return labelOf(item) === 'Plan' ? null : item;
    }, { timeoutMs: 30_000 });
    assert.equal(labelOf(planItem), `Plan: v${next} — due ${month} ${due.getUTCDate()}${year} (in 11 days)`);
    assert.equal(planItem.description, '3 open · 1 drift');

    assert.deepEqual(labels(rows), ['Issues: 2 open, 1 closed', 'Pull requests: 1 open, 1 merged', 'Gap (3)', 'Drift (1)', `Open milestone v${next} on GitHub`]);
    assert.deepEqual(a.tree.getTreeItem(rows[4]!).command?.arguments, [`https://github.com/acme/demo/milestone/${ms}`]);
    const gap = await children(rows.find((n) => n.kind === 'planGap')!);
    assert.deepEqual(labels(gap), ['#503 Crash on <script>alert(1)</script>', '#504 Polish the invoice table', '#506 feat(web): invoice filters']);
    const slip = a.tree.getTreeItem(gap[1]!);
    assert.equal(slip.description, 'issue · open · may-slip');
    assert.deepEqual(slip.command && { command: slip.command.command, arguments: slip.command.arguments }, { command: 'releaseManager.openOnGitHub', arguments: ['https://github.com/acme/demo/issues/504'] });
    const drift = await children(rows.find((n) => n.kind === 'planDrift')!);
    assert.deepEqual(labels(drift), ['#501 fix(web): <b>escape</b> customer names @everyone']);
    assert.deepEqual(a.tree.getTreeItem(drift[0]!).command?.arguments, ['https://github.com/acme/demo/pull/501']);
    assert.equal(server.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing was written');
  });
});
