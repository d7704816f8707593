/**
 * The GitHub gates (CI on the release commit, release commit pushed, no open blockers) run through
 * the real engine (`runGates` + `verdict`) over a real repository, asking the local GitHub server
 * through the real Octokit adapter. The release commit is HEAD of the repository (the draft's range).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseConfigSchema } from '../../../src/core/config';
import { runGates, verdict } from '../../../src/core/gates/engine';
import type { GateResult, Verdict } from '../../../src/core/gates/types';
import type { GitHubApi } from '../../../src/core/githubApi';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { OctokitGitHubApi } from '../../../src/github/api';
import { createGateContext } from '../../../src/node/gateContext';
import { startFakeGitHub, type Fault, type FakeGitHub, type SeedCheckRun } from '../../helpers/fakeGitHub/server';
import { gate } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

/** Token-shaped canary: it must never show in a gate result. */
const TOKEN = 'ghp_' + 'GateCanary0123456789abcdefghijklmnopq'.slice(0, 36);

interface World {
  server: FakeGitHub;
  repo: TestRepo;
  /** The bare repository playing GitHub's copy. */
  remote: string;
  /** The release commit: HEAD of the local repository, pushed. */
  sha: string;
  /** HEAD~1, also on GitHub. */
  parent: string;
  api: OctokitGitHubApi;
}

const servers: FakeGitHub[] = [];
const dirs: string[] = [];

function client(server: FakeGitHub, timeoutMs = 1500): OctokitGitHubApi {
  return new OctokitGitHubApi(
    { owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: server.url, provider: 'github' },
    { token: TOKEN, writeSpacingMs: 0, retryBaseMs: 5, timeoutMs },
  );
}

/** A released repository with a feature since (next version 1.1.0), pushed to the fake GitHub. */
async function world(options: { timeoutMs?: number } = {}): Promise<World> {
  const repo = TestRepo.create();
  repo.commit('feat: first');
  repo.tag('v1.0.0');
  const parent = repo.commit('fix: a bug');
  const sha = repo.commit('feat: second');
  const remote = mkdtempSync(join(tmpdir(), 'rm-remote-'));
  dirs.push(remote);
  execFileSync('git', ['clone', '-q', '--bare', repo.dir, remote]);
  const server = await startFakeGitHub({ token: TOKEN });
  servers.push(server);
  server.addRepo('acme', 'widgets', { gitDir: remote });
  return { server, repo, remote, sha, parent, api: client(server, options.timeoutMs) };
}

interface Run {
  /** Results by gate id. */
  by: Record<string, GateResult>;
  results: GateResult[];
  verdict: Verdict;
}

/**
 * Runs gates (raw configs) over the repository with a fresh context, as the CLI and the extension do.
 * `github: null` is signed out (no GitHub connection); default: the world's client.
 */
async function run(w: World, raws: Record<string, unknown>[], options: { github?: (() => Promise<GitHubApi>) | null } = {}): Promise<Run> {
  const github = options.github === null ? undefined : (options.github ?? (async () => w.api));
  const ctx = createGateContext({ repo: await LocalGitRepo.open(w.repo.dir), config: releaseConfigSchema().parse({}), commandsAllowed: false, ...(github ? { github } : {}) });
  const results = await runGates(raws.map(gate), ctx);
  assert.ok(!JSON.stringify(results).includes(TOKEN), 'the token is in a gate result');
  return { by: Object.fromEntries(results.map((r) => [r.id, r])), results, verdict: verdict(results) };
}

const CI = { id: 'ci', kind: 'githubChecks' };
const PUSHED = { id: 'pushed', kind: 'pushed' };
const BLOCKERS = { id: 'blockers', kind: 'blockers' };

async function ci(w: World, extra: Record<string, unknown> = {}): Promise<{ result: GateResult; verdict: Verdict }> {
  const r = await run(w, [{ ...CI, ...extra }]);
  return { result: r.by.ci!, verdict: r.verdict };
}

function checkRun(w: World, name: string, seed: Partial<SeedCheckRun> = {}): number {
  return w.server.addCheckRun('acme', 'widgets', { head_sha: w.sha, name, ...seed });
}

function reset(w: World): void {
  const s = w.server.state('acme', 'widgets');
  s.checkRuns.length = 0;
  s.statuses.length = 0;
  s.issues.length = 0;
  s.pulls.length = 0;
  s.milestones.length = 0;
  w.server.clearFaults();
}

function requestsFor(w: World, operationId: string) {
  return w.server.requests.filter((r) => r.operationId === operationId);
}

describe('GitHub gates through the engine, against the local GitHub server', function () {
  this.timeout(30_000);

  afterEach(async () => {
    const all = servers.splice(0);
    try {
      for (const s of all) s.assertValid();
    } finally {
      for (const s of all) await s.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    }
  });
  after(() => TestRepo.cleanup());

  describe('githubChecks: CI on the exact release commit', () => {
    it('passes when check runs and statuses of HEAD succeed, asking only about HEAD (check runs: latest attempts)', async () => {
      const w = await world();
      checkRun(w, 'build', { conclusion: 'success' });
      checkRun(w, 'lint', { conclusion: 'neutral' });
      checkRun(w, 'docs', { conclusion: 'skipped' });
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/jenkins', state: 'success' });
      const { result, verdict: v } = await ci(w);
      assert.equal(result.status, 'pass', result.reason);
      assert.equal(result.reason, `4 checks passed on ${w.sha.slice(0, 12)}`);
      assert.match(result.details ?? '', /status ci\/jenkins \(success\)/);
      assert.equal(v.decision, 'GO', v.summary);
      const runs = requestsFor(w, 'checks/list-for-ref');
      const statuses = w.server.requests.filter((r) => r.path.endsWith('/statuses'));
      assert.equal(runs.length, 1);
      assert.equal(statuses.length, 1);
      for (const req of [...runs, ...statuses]) {
        assert.ok(req.path.includes(`/commits/${w.sha}/`), `asked about ${req.path}, not the release commit`);
        assert.equal(req.query.per_page, '100');
        assert.ok(req.authorized);
      }
      assert.equal(runs[0]!.query.filter, 'latest', 'asks for the latest attempt of each check');
    });

    for (const conclusion of ['failure', 'cancelled', 'timed_out', 'action_required', 'stale'] as const) {
      it(`a check run concluded ${conclusion} fails (NO-GO), named`, async () => {
        const w = await world();
        checkRun(w, 'build', { conclusion: 'success' });
        const id = checkRun(w, 'e2e', { conclusion });
        const { result, verdict: v } = await ci(w);
        assert.equal(result.status, 'fail');
        assert.equal(result.reason, `1 check failing on ${w.sha.slice(0, 12)}: e2e`);
        assert.match(result.fix?.label ?? '', /Fix the failures/);
        assert.match(result.details ?? '', new RegExp(`fail {4}check  e2e \\(${conclusion}\\)  https://github\\.com/acme/widgets/runs/${id}`));
        assert.equal(v.decision, 'NO-GO');
        assert.match(v.summary, /^NO-GO: 1 required gate failing: CI passing on the release commit \(1 check failing/);
      });
    }

    for (const status of ['queued', 'in_progress'] as const) {
      it(`a ${status} check run is pending (NO-GO until it finishes)`, async () => {
        const w = await world();
        checkRun(w, 'build', { conclusion: 'success' });
        checkRun(w, 'e2e', { status });
        const { result, verdict: v } = await ci(w);
        assert.equal(result.status, 'pending', result.reason);
        assert.equal(result.reason, `1 check still running on ${w.sha.slice(0, 12)}: e2e`);
        assert.equal(v.decision, 'NO-GO');
        assert.match(v.summary, /1 required gate pending/);
      });
    }

    it('a failure wins over pending', async () => {
      const w = await world();
      checkRun(w, 'e2e', { status: 'in_progress' });
      checkRun(w, 'unit', { conclusion: 'failure' });
      assert.equal((await ci(w)).result.status, 'fail');
    });

    it('commit statuses count: error and failure fail, pending is pending, success passes', async () => {
      const w = await world();
      checkRun(w, 'build');
      for (const [state, expected] of [
        ['error', 'fail'],
        ['failure', 'fail'],
        ['pending', 'pending'],
        ['success', 'pass'],
      ] as const) {
        reset(w);
        checkRun(w, 'build');
        w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/legacy', state });
        const { result } = await ci(w);
        assert.equal(result.status, expected, `status ${state}: ${result.reason}`);
        if (expected !== 'pass') assert.match(result.reason, /ci\/legacy/);
      }
    });

    it('the latest status of a context wins', async () => {
      const w = await world();
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/legacy', state: 'failure', created_at: '2026-01-01T10:00:00Z' });
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/legacy', state: 'success', created_at: '2026-01-01T11:00:00Z' });
      assert.equal((await ci(w)).result.status, 'pass');
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/legacy', state: 'error', created_at: '2026-01-01T12:00:00Z' });
      assert.equal((await ci(w)).result.status, 'fail');
    });

    it("a re-run check's latest attempt wins, whichever way it went", async () => {
      const w = await world();
      checkRun(w, 'e2e', { conclusion: 'failure', started_at: '2026-01-01T10:00:00Z' });
      checkRun(w, 'e2e', { conclusion: 'success', started_at: '2026-01-01T10:30:00Z' });
      const passed = await ci(w);
      assert.equal(passed.result.status, 'pass', passed.result.reason);
      assert.equal(passed.result.reason, `1 check passed on ${w.sha.slice(0, 12)}`);
      reset(w);
      checkRun(w, 'e2e', { conclusion: 'success', started_at: '2026-01-01T10:00:00Z' });
      checkRun(w, 'e2e', { conclusion: 'cancelled', started_at: '2026-01-01T10:30:00Z' });
      assert.equal((await ci(w)).result.status, 'fail');
      reset(w);
      checkRun(w, 'e2e', { conclusion: 'failure', started_at: '2026-01-01T10:00:00Z' });
      checkRun(w, 'e2e', { status: 'in_progress', started_at: '2026-01-01T10:30:00Z' });
      assert.equal((await ci(w)).result.status, 'pending');
    });

    it('a server that ignores filter=latest and lists other commits: older attempts and other SHAs still do not count', async () => {
      const w = await world();
      const latestId = checkRun(w, 'e2e', { conclusion: 'success', started_at: '2026-01-01T10:30:00Z' });
      w.server.inject({
        operationId: 'checks/list-for-ref',
        fault: {
          kind: 'tamper',
          edit: (body) => {
            const b = body as { total_count: number; check_runs: Array<Record<string, unknown>> };
            const latest = b.check_runs.find((c) => c.id === latestId)!;
            const older = { ...latest, id: latestId - 1, conclusion: 'failure', started_at: '2026-01-01T10:00:00Z', completed_at: '2026-01-01T10:10:00Z' };
            const elsewhere = { ...latest, id: latestId + 1000, name: 'deploy', head_sha: w.parent, conclusion: 'failure' };
            return { total_count: 3, check_runs: [older, latest, elsewhere] };
          },
        },
      });
      const { result } = await ci(w);
      assert.equal(w.server.faultsFired.length, 1);
      assert.equal(result.status, 'pass', result.reason);
      assert.equal(result.reason, `1 check passed on ${w.sha.slice(0, 12)}`);
    });

    it('checks and statuses on another SHA do not count', async () => {
      const w = await world();
      checkRun(w, 'build', { head_sha: w.parent, conclusion: 'failure' });
      w.server.addStatus('acme', 'widgets', w.parent, { context: 'ci/legacy', state: 'error' });
      checkRun(w, 'build', { conclusion: 'success' });
      assert.equal((await ci(w)).result.status, 'pass');
      // Only other SHAs have checks: the release commit has none.
      reset(w);
      checkRun(w, 'build', { head_sha: w.parent, conclusion: 'success' });
      w.server.addStatus('acme', 'widgets', w.parent, { context: 'ci/legacy', state: 'success' });
      const none = await ci(w);
      assert.equal(none.result.status, 'fail');
      assert.equal(none.result.reason, `no CI checks or statuses on ${w.sha.slice(0, 12)}`);
    });

    it('no checks at all fails by default; noChecks makes it warn (GO with an advisory) or pass', async () => {
      const w = await world();
      const byDefault = await ci(w);
      assert.equal(byDefault.result.status, 'fail');
      assert.match(byDefault.result.fix?.label ?? '', /let CI run on it, or set noChecks/);
      assert.equal(byDefault.verdict.decision, 'NO-GO');
      const warn = await ci(w, { noChecks: 'warn' });
      assert.equal(warn.result.status, 'warn');
      assert.equal(warn.verdict.decision, 'GO');
      assert.equal(warn.verdict.advisories.length, 1);
      assert.equal((await ci(w, { noChecks: 'pass' })).result.status, 'pass');
    });

    it('reads every page: 250 check runs, the one failing is on the last page', async () => {
      const w = await world();
      checkRun(w, 'check-000 (the failing one)', { conclusion: 'failure' }); // oldest: listed last
      for (let i = 1; i < 250; i++) checkRun(w, `check-${String(i).padStart(3, '0')}`, { conclusion: 'success' });
      const { result } = await ci(w);
      assert.equal(result.status, 'fail', result.reason);
      assert.match(result.reason, /^1 check failing on [0-9a-f]{12}: check-000 \(the failing one\)$/);
      assert.equal(result.details?.split('\n').length, 250, 'every check was read');
      assert.deepEqual(
        requestsFor(w, 'checks/list-for-ref').map((r) => r.query.page ?? '1'),
        ['1', '2', '3'],
      );
    });

    it('reads every page of statuses: 150 contexts, the error is on the last page', async () => {
      const w = await world();
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ctx-000', state: 'error', created_at: '2026-01-01T00:00:00Z' });
      for (let i = 1; i < 150; i++) w.server.addStatus('acme', 'widgets', w.sha, { context: `ctx-${String(i).padStart(3, '0')}`, state: 'success', created_at: '2026-01-01T01:00:00Z' });
      const { result } = await ci(w);
      assert.equal(result.status, 'fail', result.reason);
      assert.match(result.reason, /: ctx-000$/);
      assert.equal(result.details?.split('\n').length, 150);
      assert.equal(w.server.requests.filter((r) => r.path.endsWith('/statuses')).length, 2);
    });

    it('a page that fails after retries makes the whole read unknown, never "fewer checks"', async () => {
      const w = await world();
      for (let i = 0; i < 250; i++) checkRun(w, `check-${i}`, { conclusion: 'success' });
      // Pages 1 and 2 answer normally (an identity edit), every later request is a 502.
      w.server.inject({ operationId: 'checks/list-for-ref', times: 2, fault: { kind: 'tamper', edit: (b) => b } });
      w.server.inject({ operationId: 'checks/list-for-ref', times: Infinity, fault: { kind: 'status', status: 502 } });
      const { result, verdict: v } = await ci(w);
      assert.equal(result.status, 'unknown', result.reason);
      assert.match(result.reason, /GitHub failed while reading CI checks of [0-9a-f]{12} on acme\/widgets \(502\)/);
      assert.equal(v.decision, 'NO-GO');
      assert.ok(requestsFor(w, 'checks/list-for-ref').length >= 4, 'page 3 was retried');
    });

    it('a read that fails once is retried and counts', async () => {
      const w = await world();
      checkRun(w, 'build');
      w.server.inject({ operationId: 'checks/list-for-ref', fault: { kind: 'status', status: 503 } });
      w.server.inject({ method: 'GET', path: /\/statuses$/, fault: { kind: 'reset' } });
      const { result } = await ci(w);
      assert.equal(result.status, 'pass', result.reason);
      assert.equal(w.server.faultsFired.length, 2);
    });

    it('ignore: named checks and statuses do not count (all ignored = no checks)', async () => {
      const w = await world();
      checkRun(w, 'build');
      checkRun(w, 'flaky-e2e', { conclusion: 'failure' });
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/optional', state: 'pending' });
      assert.equal((await ci(w)).result.status, 'fail');
      const ignored = await ci(w, { ignore: ['flaky-e2e', 'ci/optional'] });
      assert.equal(ignored.result.status, 'pass', ignored.result.reason);
      assert.equal(ignored.result.reason, `1 check passed on ${w.sha.slice(0, 12)}`);
      assert.equal((await ci(w, { ignore: ['build', 'flaky-e2e', 'ci/optional'] })).result.status, 'fail');
    });

    it('require: a required check not reported yet is pending; present and passing passes; failing fails', async () => {
      const w = await world();
      checkRun(w, 'build');
      const missing = await ci(w, { require: ['deploy-preview'] });
      assert.equal(missing.result.status, 'pending');
      assert.match(missing.result.reason, /deploy-preview \(not reported yet\)/);
      assert.equal(missing.verdict.decision, 'NO-GO');
      // Nothing reported at all, but something is required: still waiting, not "no checks".
      reset(w);
      assert.equal((await ci(w, { require: ['deploy-preview'] })).result.status, 'pending');
      checkRun(w, 'deploy-preview');
      assert.equal((await ci(w, { require: ['deploy-preview'] })).result.status, 'pass');
      reset(w);
      checkRun(w, 'deploy-preview', { conclusion: 'timed_out' });
      assert.equal((await ci(w, { require: ['deploy-preview'] })).result.status, 'fail');
      // A status satisfies a requirement as well as a check run.
      reset(w);
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/jenkins', state: 'success' });
      assert.equal((await ci(w, { require: ['ci/jenkins'] })).result.status, 'pass');
    });

    it('checks the new HEAD after another commit (the release commit is always HEAD)', async () => {
      const w = await world();
      checkRun(w, 'build');
      const next = w.repo.commit('fix: later');
      execFileSync('git', ['fetch', '-q', w.repo.dir, 'main:main'], { cwd: w.remote });
      const { result } = await ci(w);
      assert.equal(result.status, 'fail', 'the old commit\'s checks do not count for the new one');
      assert.equal(result.reason, `no CI checks or statuses on ${next.slice(0, 12)}`);
      assert.ok(requestsFor(w, 'checks/list-for-ref').every((r) => r.path.includes(next)));
    });
  });

  describe('pushed: the release commit is on the remote branch on GitHub', () => {
    it('passes when HEAD is on the remote branch (also when the branch has moved on)', async () => {
      const w = await world();
      const first = await run(w, [PUSHED]);
      assert.equal(first.by.pushed!.status, 'pass', first.by.pushed!.reason);
      assert.equal(first.by.pushed!.reason, `${w.sha.slice(0, 12)} is on main on acme/widgets`);
      const compare = requestsFor(w, 'repos/compare-commits-with-basehead');
      assert.equal(compare.length, 1);
      assert.equal(decodeURIComponent(compare[0]!.path), `/repos/acme/widgets/compare/${w.sha}...main`);
      // Someone pushed on top of the release commit: it is still on the branch.
      const later = execFileSync('git', ['commit-tree', '-p', w.sha, '-m', 'later', `${w.sha}^{tree}`], { cwd: w.remote, encoding: 'utf8' }).trim();
      execFileSync('git', ['update-ref', 'refs/heads/main', later], { cwd: w.remote });
      assert.equal((await run(w, [PUSHED])).by.pushed!.status, 'pass');
    });

    it('a local commit that was not pushed fails, with the git push fix', async () => {
      const w = await world();
      const local = w.repo.commit('feat: not pushed yet');
      const r = await run(w, [PUSHED]);
      const res = r.by.pushed!;
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, `GitHub does not have ${local.slice(0, 12)} or branch main: it is not pushed`);
      assert.equal(res.fix?.label, 'Push it: git push origin main');
      assert.equal(r.verdict.decision, 'NO-GO');
    });

    it('a commit pushed to another branch but not to this one fails', async () => {
      const w = await world();
      const local = w.repo.commit('feat: on a topic branch');
      execFileSync('git', ['fetch', '-q', w.repo.dir, `main:topic`], { cwd: w.remote });
      const res = (await run(w, [PUSHED])).by.pushed!;
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, `${local.slice(0, 12)} is not on main on acme/widgets`);
      assert.match(res.fix?.label ?? '', /git push origin main/);
      // The gate may name the branch that must contain it.
      assert.equal((await run(w, [{ ...PUSHED, branch: 'topic' }])).by.pushed!.status, 'pass');
    });

    it('a branch that does not exist on GitHub fails', async () => {
      const w = await world();
      const res = (await run(w, [{ ...PUSHED, branch: 'release/2.x' }])).by.pushed!;
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /GitHub does not have [0-9a-f]{12} or branch release\/2\.x: it is not pushed/);
      assert.equal(res.fix?.label, 'Push it: git push origin release/2.x');
    });

    it('a detached HEAD with no branch configured fails naming that, without asking GitHub', async () => {
      const w = await world();
      w.repo.git('checkout', '-q', '--detach');
      const res = (await run(w, [PUSHED])).by.pushed!;
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /detached/);
      assert.equal(w.server.requests.length, 0);
    });
    it('no access to the repository (404 from compare and from the repository) is unknown, not "not pushed"', async () => {
      const w = await world();
      w.server.inject({ method: 'GET', operationId: 'repos/compare-commits-with-basehead', fault: { kind: 'status', status: 404 } });
      w.server.inject({ method: 'GET', operationId: 'repos/get', fault: { kind: 'status', status: 404 } });
      const res = (await run(w, [PUSHED])).by.pushed!;
      assert.equal(res.status, 'unknown', res.reason);
      assert.match(res.reason, /no such resource while reading repository acme\/widgets/);
    });
  });

  describe('blockers: open issues and pull requests with the label or in the release milestone', () => {
    it('passes when nothing is open with the label or in milestone v{version}', async () => {
      const w = await world();
      w.server.addIssue('acme', 'widgets', { title: 'fixed already', labels: ['release-blocker'], state: 'closed' });
      w.server.addIssue('acme', 'widgets', { title: 'just a bug', labels: ['bug'] });
      const res = (await run(w, [BLOCKERS])).by.blockers!;
      assert.equal(res.status, 'pass', res.reason);
      assert.equal(res.reason, 'nothing open with label "release-blocker" and milestone "v1.1.0" (no such milestone)');
      const labelled = requestsFor(w, 'issues/list-for-repo');
      assert.equal(labelled[0]?.query.labels, 'release-blocker');
      assert.equal(labelled[0]?.query.state, 'open');
    });

    it('a prerelease counts the milestone of its release (1.1.0-rc.0 → v1.1.0)', async () => {
      const w = await world();
      const m = w.server.addMilestone('acme', 'widgets', { title: 'v1.1.0' });
      w.server.addIssue('acme', 'widgets', { title: 'RC blocker', milestone: m });
      const ctx = createGateContext({ repo: await LocalGitRepo.open(w.repo.dir), config: releaseConfigSchema().parse({}), commandsAllowed: false, github: async () => w.api, draft: { prerelease: 'rc' } });
      const [res] = await runGates([gate(BLOCKERS)], ctx);
      assert.equal(res!.status, 'fail', res!.reason);
      assert.match(res!.reason, /RC blocker/);
    });

    it('an open issue or pull request with the label fails, naming each', async () => {
      const w = await world();
      const issue = w.server.addIssue('acme', 'widgets', { title: 'Data loss on save', labels: ['bug', 'release-blocker'] });
      const pull = w.server.addPull('acme', 'widgets', { title: 'Revert the cache', labels: ['release-blocker'], commits: [w.sha] });
      const r = await run(w, [BLOCKERS]);
      const res = r.by.blockers!;
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, `2 open blockers: #${issue} Data loss on save, #${pull} Revert the cache`);
      assert.match(res.details ?? '', new RegExp(`#${pull} \\(pull request\\) Revert the cache`));
      assert.match(res.fix?.label ?? '', /remove the label or milestone/);
      assert.equal(r.verdict.decision, 'NO-GO');
    });

    it('open items in the milestone of the next version (v1.1.0) fail; other milestones and closed items do not', async () => {
      const w = await world();
      const m110 = w.server.addMilestone('acme', 'widgets', { title: 'v1.1.0' });
      const m200 = w.server.addMilestone('acme', 'widgets', { title: 'v2.0.0' });
      const open = w.server.addIssue('acme', 'widgets', { title: 'Finish the export', milestone: m110 });
      w.server.addIssue('acme', 'widgets', { title: 'done', milestone: m110, state: 'closed' });
      w.server.addIssue('acme', 'widgets', { title: 'later', milestone: m200 });
      const res = (await run(w, [BLOCKERS])).by.blockers!;
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, `1 open blocker: #${open} Finish the export`);
      // An item both labelled and in the milestone is one blocker.
      w.server.addIssue('acme', 'widgets', { title: 'both', milestone: m110, labels: ['release-blocker'] });
      assert.match((await run(w, [BLOCKERS])).by.blockers!.reason, /^2 open blockers: /);
    });

    it('a closed milestone still counts its open items', async () => {
      const w = await world();
      const m = w.server.addMilestone('acme', 'widgets', { title: 'v1.1.0', state: 'closed' });
      w.server.addIssue('acme', 'widgets', { title: 'left behind', milestone: m });
      assert.equal((await run(w, [BLOCKERS])).by.blockers!.status, 'fail');
    });

    it('the label and milestone title are configurable; null turns each off', async () => {
      const w = await world();
      const m = w.server.addMilestone('acme', 'widgets', { title: 'Release 1.1.0' });
      w.server.addIssue('acme', 'widgets', { title: 'default label', labels: ['release-blocker'] });
      const custom = w.server.addIssue('acme', 'widgets', { title: 'custom label', labels: ['ship-stopper'] });
      const inMilestone = w.server.addIssue('acme', 'widgets', { title: 'in the milestone', milestone: m });
      const byLabel = (await run(w, [{ ...BLOCKERS, label: 'ship-stopper', milestone: null }])).by.blockers!;
      assert.equal(byLabel.reason, `1 open blocker: #${custom} custom label`);
      const byMilestone = (await run(w, [{ ...BLOCKERS, label: null, milestone: 'Release {version}' }])).by.blockers!;
      assert.equal(byMilestone.reason, `1 open blocker: #${inMilestone} in the milestone`);
      const off = (await run(w, [{ ...BLOCKERS, label: null, milestone: null }])).by.blockers!;
      assert.equal(off.status, 'pass');
      assert.equal(off.reason, 'no label or milestone configured');
    });

    it('a label with a comma is refused by the config (GitHub would read it as two labels and find nothing)', async () => {
      const w = await world();
      w.server.addIssue('acme', 'widgets', { title: 'hidden blocker', labels: ['blocker,p0'] });
      const parsed = releaseConfigSchema().safeParse({ gates: [{ ...BLOCKERS, label: 'blocker,p0' }] });
      assert.equal(parsed.success, false);
      assert.deepEqual(parsed.error?.issues.map((i) => i.path), [['gates', 0, 'label']]);
      assert.match(parsed.error?.issues[0]?.message ?? '', /must not contain ","/);
      // Why: the query for that label finds nothing, although the blocker is open.
      assert.deepEqual(await w.api.openWithLabel('blocker,p0'), []);
    });

    it('reads every page: 150 labelled issues and 120 in the milestone', async () => {
      const w = await world();
      const m = w.server.addMilestone('acme', 'widgets', { title: 'v1.1.0' });
      for (let i = 0; i < 150; i++) w.server.addIssue('acme', 'widgets', { title: `labelled ${i}`, labels: ['release-blocker'] });
      for (let i = 0; i < 120; i++) w.server.addIssue('acme', 'widgets', { title: `planned ${i}`, milestone: m });
      const res = (await run(w, [BLOCKERS])).by.blockers!;
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /^270 open blockers: #1 labelled 0, #2 labelled 1, #3 labelled 2, … \(267 more\)$/);
      assert.equal(res.details?.split('\n').length, 270);
      const pages = requestsFor(w, 'issues/list-for-repo').map((r) => `${r.query.labels ?? `m${r.query.milestone}`}:${r.query.page ?? '1'}`).sort();
      assert.deepEqual(pages, ['m1:1', 'm1:2', 'release-blocker:1', 'release-blocker:2']);
    });

    it('hostile titles stay one plain line', async () => {
      const w = await world();
      w.server.addIssue('acme', 'widgets', { title: 'evil\u001b[31m red\nsecond line\u202e', labels: ['release-blocker'] });
      const res = (await run(w, [BLOCKERS])).by.blockers!;
      assert.equal(res.status, 'fail');
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(res.reason, /[\u0000-\u001f\u007f\u202e]/);
    });
  });

  describe('a query that fails is unknown, and unknown blocks', () => {
    const QUERIES: Array<{ gate: Record<string, unknown>; operationId?: string; path?: RegExp; what: RegExp; seed?: (w: World) => void }> = [
      { gate: CI, operationId: 'checks/list-for-ref', what: /reading CI checks/ },
      { gate: CI, operationId: 'repos/list-commit-statuses-for-ref', what: /reading CI checks/ },
      { gate: PUSHED, operationId: 'repos/compare-commits-with-basehead', what: /comparing [0-9a-f]{12} with main/ },
      { gate: { ...BLOCKERS, milestone: null }, operationId: 'issues/list-for-repo', what: /reading open issues labelled release-blocker/ },
      { gate: { ...BLOCKERS, label: null }, operationId: 'issues/list-milestones', what: /reading milestone v1\.1\.0/ },
      {
        gate: { ...BLOCKERS, label: null },
        operationId: 'issues/list-for-repo',
        what: /reading milestone v1\.1\.0/,
        seed: (w) => void w.server.addMilestone('acme', 'widgets', { title: 'v1.1.0' }),
      },
    ];
    const FAULTS: Array<{ name: string; fault: Fault; reason: RegExp; fix: RegExp }> = [
      { name: '500', fault: { kind: 'status', status: 500 }, reason: /GitHub failed while .* \(500\)/, fix: /try again/ },
      { name: '401', fault: { kind: 'status', status: 401 }, reason: /GitHub rejected the token \(401/, fix: /Sign in to GitHub again/ },
      { name: '403 missing permission', fault: { kind: 'permission' }, reason: /GitHub refused .*; it needs \w+: read/, fix: /Use a token or sign-in with/ },
    ];

    for (const f of FAULTS) {
      it(`a ${f.name} on any query: unknown, NO-GO`, async () => {
        const w = await world();
        for (const q of QUERIES) {
          reset(w);
          checkRun(w, 'build');
          q.seed?.(w);
          w.server.inject({ method: 'GET', ...(q.operationId ? { operationId: q.operationId } : {}), ...(q.path ? { path: q.path } : {}), times: Infinity, fault: f.fault });
          const r = await run(w, [q.gate]);
          const res = r.results[0]!;
          const label = `${f.name} on ${q.operationId ?? q.path}`;
          assert.ok(w.server.faultsFired.length > 0, `${label}: the fault fired`);
          w.server.faultsFired.length = 0;
          assert.equal(res.status, 'unknown', `${label}: ${res.reason}`);
          assert.match(res.reason, q.what, label);
          assert.match(res.reason, f.reason, label);
          assert.match(res.fix?.label ?? '', f.fix, label);
          assert.equal(r.verdict.decision, 'NO-GO', label);
          assert.match(r.verdict.summary, /^NO-GO: 1 required gate unknown: /, label);
        }
      });
    }

    it('a query with no answer times out: unknown, NO-GO (each gate)', async () => {
      const w = await world({ timeoutMs: 150 });
      for (const q of [QUERIES[0]!, QUERIES[2]!, QUERIES[4]!]) {
        reset(w);
        checkRun(w, 'build');
        w.server.inject({ method: 'GET', operationId: q.operationId!, times: Infinity, fault: { kind: 'hang' } });
        const r = await run(w, [q.gate]);
        const res = r.results[0]!;
        assert.equal(res.status, 'unknown', res.reason);
        assert.match(res.reason, /GitHub did not answer in time while/);
        assert.match(res.reason, q.what);
        assert.equal(r.verdict.decision, 'NO-GO');
      }
    });

    it("the gate's own deadline also ends a hung query as unknown", async () => {
      const w = await world({ timeoutMs: 10_000 });
      w.server.inject({ method: 'GET', operationId: 'checks/list-for-ref', times: Infinity, fault: { kind: 'hang' } });
      const started = Date.now();
      const r = await run(w, [{ ...CI, timeoutMs: 300 }]);
      assert.equal(r.by.ci!.status, 'unknown');
      assert.equal(r.by.ci!.reason, 'timed out after 300 ms');
      assert.ok(Date.now() - started < 5000);
      assert.equal(r.verdict.decision, 'NO-GO');
    });

    it('signed out (no GitHub connection): every GitHub gate is unknown with a sign-in fix, and nothing is asked', async () => {
      const w = await world();
      const r = await run(w, [CI, PUSHED, BLOCKERS], { github: null });
      for (const res of r.results) {
        assert.equal(res.status, 'unknown', `${res.id}: ${res.reason}`);
        assert.equal(res.reason, 'GitHub is not connected for this check.');
        assert.match(res.fix?.label ?? '', /^Sign in to GitHub/);
      }
      assert.equal(r.verdict.decision, 'NO-GO');
      assert.match(r.verdict.summary, /^NO-GO: 3 required gates unknown: /);
      assert.equal(w.server.requests.length, 0);
    });

    it('a sign-in that fails (connection refused by the token check) is unknown for every gate', async () => {
      const w = await world();
      const bad = new OctokitGitHubApi({ owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: w.server.url, provider: 'github' }, { token: 'ghp_' + 'x'.repeat(36), retryBaseMs: 5 });
      const r = await run(w, [CI, PUSHED, BLOCKERS], { github: async () => bad });
      assert.deepEqual(r.results.map((x) => x.status), ['unknown', 'unknown', 'unknown']);
      assert.ok(r.results.every((x) => /401/.test(x.reason)));
      assert.ok(w.server.requests.every((x) => !x.authorized));
    });
  });

  describe('all three together, through the engine', () => {
    it('GO when CI passed on HEAD, HEAD is pushed and nothing blocks', async () => {
      const w = await world();
      checkRun(w, 'build');
      w.server.addStatus('acme', 'widgets', w.sha, { context: 'ci/legacy', state: 'success' });
      w.server.addMilestone('acme', 'widgets', { title: 'v1.1.0' });
      const r = await run(w, [CI, PUSHED, BLOCKERS]);
      assert.deepEqual(r.results.map((x) => [x.id, x.status]), [['ci', 'pass'], ['pushed', 'pass'], ['blockers', 'pass']]);
      assert.equal(r.verdict.summary, 'GO: all 3 required gates pass');
    });

    it('NO-GO naming each gate that does not pass; an advisory gate only warns', async () => {
      const w = await world();
      checkRun(w, 'build', { status: 'queued' });
      w.server.addIssue('acme', 'widgets', { title: 'Crash on start', labels: ['release-blocker'] });
      const r = await run(w, [CI, PUSHED, { ...BLOCKERS, required: false }]);
      assert.deepEqual(r.results.map((x) => x.status), ['pending', 'pass', 'fail']);
      assert.equal(r.verdict.decision, 'NO-GO');
      assert.match(r.verdict.summary, /^NO-GO: 1 required gate pending: CI passing on the release commit \(1 check still running on [0-9a-f]{12}: build\)$/);
      assert.deepEqual(r.verdict.advisories.map((x) => x.id), ['blockers']);
    });

    it('the GitHub connection is made once per run and shared by the gates', async () => {
      const w = await world();
      checkRun(w, 'build');
      let connects = 0;
      const r = await run(w, [CI, PUSHED, BLOCKERS], {
        github: async () => {
          connects++;
          return w.api;
        },
      });
      assert.equal(r.verdict.decision, 'GO', r.verdict.summary);
      assert.equal(connects, 1);
    });
  });
});
