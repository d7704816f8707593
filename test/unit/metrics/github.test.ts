import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { MetricsReport } from '../../../src/core/metrics/report';
import { OctokitGitHubApi } from '../../../src/github/api';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

// The GitHub sources of the metrics against the local GitHub server (every response validated against
// GitHub's OpenAPI description): deployments of an environment with all their statuses, releases and
// incident issues, each read over more than one page; then `release-manager metrics` on them.

const TOKEN = 'ghp_' + 'm'.repeat(36);
const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('metrics: GitHub deployments, releases and incidents', function () {
  this.timeout(60_000);
  let server: FakeGitHub;
  let repo: TestRepo;
  let remote: string;
  const shas: string[] = [];

  before(async () => {
    repo = TestRepo.create('rm-metrics-gh-');
    // 130 commits, one every 6 hours, the last one 2 hours before the first deployment it ships.
    const start = NOW - 40 * DAY;
    for (let i = 0; i < 130; i++) {
      const date = `${Math.floor((start + i * 6 * H) / 1000)} +0000`;
      repo.gitWith({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, 'commit', '-q', '--allow-empty', '-m', `feat: change ${i}`);
      shas.push(repo.head());
    }
    remote = mkdtempSync(join(tmpdir(), 'rm-metrics-remote-'));
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, remote]);
    server = await startFakeGitHub({ token: TOKEN, clock: () => NOW });
    server.addRepo('acme', 'widgets', { gitDir: remote });
    // 120 deployments made by others (no payload): commit i deployed 1 hour after it was made, success after 10 minutes
    // (the last 10 of them fail), then superseded (inactive) by the next.
    for (let i = 0; i < 120; i++) {
      const created = start + i * 6 * H + H;
      const failed = i >= 110;
      server.addDeployment('acme', 'widgets', {
        ref: shas[i]!,
        sha: shas[i]!,
        created_at: iso(created),
        statuses: [
          { state: 'in_progress', created_at: iso(created + 60_000) },
          { state: failed ? 'failure' : 'success', created_at: iso(created + 10 * 60_000) },
          ...(failed ? [] : [{ state: 'inactive' as const, created_at: iso(created + 6 * H + 10 * 60_000) }]),
        ],
      });
    }
    // Our canary of commit 125: three steps, one correlation id: one deployment.
    for (let step = 0; step < 3; step++) {
      const created = start + 125 * 6 * H + H + step * 5 * 60_000;
      server.addDeployment('acme', 'widgets', {
        ref: 'v2.0.0',
        sha: shas[125]!,
        created_at: iso(created),
        payload: { release_manager: { correlation_id: `op-0123456789ab-m${step}`, operation: 'deploy', weight: [10, 50, 100][step], step: step + 1, version: '2.0.0', ref: 'v2.0.0' } },
        statuses: [{ state: 'success', created_at: iso(created + 2 * 60_000) }],
      });
    }
    server.addDeployment('acme', 'widgets', { ref: shas[5]!, environment: 'staging', created_at: iso(NOW - DAY), statuses: [{ state: 'success', created_at: iso(NOW - DAY + 60_000) }] });
    server.addRelease('acme', 'widgets', { tag_name: 'v2.0.0', published_at: iso(start + 125 * 6 * H), created_at: iso(start + 125 * 6 * H) });
    server.addRelease('acme', 'widgets', { tag_name: 'v2.0.1', published_at: iso(start + 125 * 6 * H + 5 * H), created_at: iso(start + 125 * 6 * H + 5 * H) });
    // 104 incidents (2 P1, one names v2.0.0), a pull request with the label (not an incident) and other issues.
    for (let i = 0; i < 104; i++) {
      server.addIssue('acme', 'widgets', {
        title: i === 0 ? 'Checkout errors after v2.0.0' : `Incident ${i}`,
        labels: i < 2 ? ['incident', 'P1'] : ['incident'],
        state: 'closed',
        created_at: iso(NOW - 30 * DAY + i * H),
        closed_at: iso(NOW - 30 * DAY + i * H + 30 * 60_000),
      });
    }
    server.addIssue('acme', 'widgets', { title: 'not an incident', labels: ['bug'], created_at: iso(NOW - DAY) });
    server.addIssue('acme', 'widgets', { title: 'a pull request', labels: ['incident'], pull_request: true, created_at: iso(NOW - DAY) });
  });

  after(async () => {
    await server.close();
    rmSync(remote, { recursive: true, force: true });
    TestRepo.cleanup();
  });

  const api = () => new OctokitGitHubApi({ owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: server.url, provider: 'github' }, { token: TOKEN, writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 5000 });

  it('reads every deployment of the window over several pages, with all statuses, and 20 older ones', async () => {
    const all = await api().deploymentHistory('production', { since: iso(NOW - 100 * DAY) });
    assert.equal(all.length, 123);
    const canary = all.filter((d) => d.ours !== null);
    assert.equal(canary.length, 3);
    assert.deepEqual(canary.map((d) => d.ours!.correlationId).sort(), ['op-0123456789ab-m0', 'op-0123456789ab-m1', 'op-0123456789ab-m2']);
    const first = all.find((d) => d.sha === shas[0])!;
    assert.deepEqual(first.statuses.map((s) => s.state), ['inactive', 'success', 'in_progress']);
    const recent = await api().deploymentHistory('production', { since: iso(NOW - 10 * DAY) });
    const inWindow = all.filter((d) => Date.parse(d.createdAt) >= NOW - 10 * DAY).length;
    assert.equal(recent.length, inWindow + 20);
    server.assertValid();
  });

  it('reads every issue with the label, open and closed, over several pages, without pull requests', async () => {
    const issues = await api().issuesWithLabel('incident', null);
    assert.equal(issues.length, 104);
    assert.ok(issues.every((i) => i.state === 'closed' && i.closedAt !== null));
    assert.equal(issues.filter((i) => i.labels.includes('P1')).length, 2);
    server.assertValid();
  });

  it('release-manager metrics computes the figures from them (JSON contract)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['metrics', '--format', 'json', '--since', '2026-10-22', '--until', '2026-12-01'], {
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
      cwd: repo.dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/widgets' },
      now: new Date(NOW),
    });
    assert.equal(code, 0, err.join(''));
    const r = JSON.parse(out.join('')) as MetricsReport;
    assert.equal(r.environment, 'production');
    assert.deepEqual(Object.keys(r).slice(0, 15), ['environment', 'window', 'deployments', 'frequency', 'leadTime', 'changeFailureRate', 'recovery', 'successRate', 'rollbackRate', 'deployTime', 'rollbackTime', 'incidents', 'cadence', 'targets', 'warnings']);
    // Window 2026-10-22 → 2026-12-02 (exclusive): deployments i with start + i*6h + 1h in it, plus the canary (one run).
    const start = NOW - 40 * DAY;
    const inWindow = Array.from({ length: 120 }, (_, i) => start + i * 6 * H + H).filter((t) => t >= Date.parse('2026-10-22T00:00:00Z'));
    assert.equal(r.deployments.total, inWindow.length + 1);
    assert.equal(r.deployments.failed, 10);
    assert.equal(r.deployments.succeeded, inWindow.length - 10 + 1);
    assert.equal(r.list!.find((l) => l.version === '2.0.0')!.steps, 3);
    // Every succeeded deployment ships one commit made 1 hour and 10 minutes before its success... except the canary,
    // which ships commits 110..125 (those of the failed deployments included).
    assert.ok(Math.abs(r.leadTime.medianHours! - (1 + 10 / 60)) < 1e-6, String(r.leadTime.medianHours));
    // v2.0.1 within 24 h of v2.0.0, and incident #1 names v2.0.0: the canary counts once; the 10 failures too.
    assert.deepEqual(r.list!.find((l) => l.version === '2.0.0')!.failureReasons, ['hotfix v2.0.1 within 24 h', 'incident #1']);
    assert.equal(r.changeFailureRate.failed, 11);
    assert.equal(r.incidents.total, 104);
    assert.equal(r.incidents.p1, 2);
    assert.equal(r.incidents.mttrMinutes, 30);
    assert.ok(!out.join('').includes(TOKEN) && !err.join('').includes(TOKEN));
    server.assertValid();
  });
});
