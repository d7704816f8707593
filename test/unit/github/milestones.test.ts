import assert from 'node:assert/strict';
import { OctokitGitHubApi } from '../../../src/github/api';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

// The milestone reads of the GitHubApi port (issue 19's plan and calendar build on them), against
// the local server that speaks GitHub's REST API, with more items than one page holds.
describe('GitHub milestones', () => {
  let server: FakeGitHub;
  let repo: TestRepo;

  before(async () => {
    server = await startFakeGitHub();
    repo = TestRepo.create('rm-milestones-');
    repo.commit('feat: first');
    server.addRepo('acme', 'widgets', { gitDir: repo.dir });
  });
  after(async () => {
    await server.close();
    TestRepo.cleanup();
  });

  const api = () => new OctokitGitHubApi({ owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: server.url, provider: 'github' }, { token: 'test-token', writeSpacingMs: 0, retryBaseMs: 1, timeoutMs: 5000 });

  it('lists open and closed milestones with due dates and counts, and every item of one across pages', async () => {
    const next = server.addMilestone('acme', 'widgets', { title: 'v1.3.0', due_on: '2026-12-18T08:00:00Z' });
    server.addMilestone('acme', 'widgets', { title: 'v1.2.0', state: 'closed' });
    for (let n = 0; n < 130; n++) server.addIssue('acme', 'widgets', { title: `issue ${n}`, milestone: next, state: n % 3 === 0 ? 'closed' : 'open', labels: n === 1 ? ['may-slip'] : [] });
    server.addPull('acme', 'widgets', { title: 'feat: merged', milestone: next, state: 'closed', merged_at: '2026-12-01T10:00:00Z' });

    const list = await api().listMilestones();
    assert.deepEqual(list.map((m) => [m.title, m.state]).sort(), [['v1.2.0', 'closed'], ['v1.3.0', 'open']]);
    const m = list.find((x) => x.title === 'v1.3.0')!;
    assert.equal(m.dueOn, '2026-12-18T08:00:00Z');
    assert.equal(m.openItems + m.closedItems, 131);
    assert.match(m.url, /\/acme\/widgets\/milestone\/\d+$/);

    const items = await api().milestoneItems(m.number);
    assert.equal(items.length, 131, 'every page is read');
    assert.equal(items.filter((i) => i.state === 'closed').length, m.closedItems);
    const pull = items.find((i) => i.isPull)!;
    assert.equal(pull.mergedAt, '2026-12-01T10:00:00Z');
    assert.deepEqual(items.find((i) => i.title === 'issue 1')!.labels, ['may-slip']);
    assert.equal(items.find((i) => i.title === 'issue 0')!.mergedAt, null);
  });
});
