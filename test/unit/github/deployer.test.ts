import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubError } from '../../../src/core/errors';
import { environmentSchema, type EnvironmentConfig } from '../../../src/core/deploy/schema';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy, type DeployRelease } from '../../../src/core/deploy/plan';
import type { DeployJournalStore, DispatchRequest, HealthProbe } from '../../../src/core/deploy/ports';
import { findRollbackTarget } from '../../../src/core/deploy/rollback';
import { answer, prepareRollback, runOperation, type RunDeps, type RunStop } from '../../../src/core/deploy/run';
import type { HealthSample } from '../../../src/core/deploy/health';
import type { GitHubRepoRef } from '../../../src/core/remote';
import { GitHubDeployer, PAYLOAD_KEY } from '../../../src/github/deployer';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

// The GitHub providers of the Deployer port against the local GitHub server (Actions, deployments,
// environments and reviews on an injected clock), and the core driver running over them.

const OWNER = 'acme';
const REPO = 'app';
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIN = 60_000;

const DEPLOY_YML = `name: Deploy
run-name: Deploy \${{ inputs.environment }} \${{ inputs.version }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      version:
        type: string
        required: true
      weight:
        type: string
        default: '100'
      strategy:
        type: string
        default: direct
      step:
        type: string
        default: '1'
      correlation_id:
        type: string
jobs:
  deploy:
    name: Deploy
    runs-on: ubuntu-latest
    environment:
      name: \${{ inputs.environment }}
    steps:
      - name: Roll out
        run: ./deploy.sh
`;

/** The same workflow without a correlation input (its runs cannot be told apart without run details). */
const PLAIN_YML = DEPLOY_YML.replace(' (${{ inputs.correlation_id }})', '').replace('      correlation_id:\n        type: string\n', '');

function commitFiles(repo: TestRepo, message: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  repo.git('add', '--', ...Object.keys(files));
  repo.git('commit', '-q', '-m', message);
  return repo.head();
}

class Crash extends Error {}

describe('GitHubDeployer against the local GitHub server', function () {
  let remote: TestRepo;
  let c1: string;
  let c2: string;
  let server: FakeGitHub;
  let now = NOW;
  let journalDir: string;
  let R14: DeployRelease;
  let R13: DeployRelease;

  const ref = (url: string): GitHubRepoRef => ({ owner: OWNER, repo: REPO, host: 'github.com', apiUrl: url, provider: 'github' });
  const deployer = (kind: 'deployments' | 'workflow', s: FakeGitHub = server) =>
    new GitHubDeployer(kind, ref(s.url), { token: 'test-token', writeSpacingMs: 0, retryBaseMs: 5, now: () => now, sleep: async (ms) => void (now += ms), lookDelayMs: 1000 });
  const deploymentsEnv = (over: Record<string, unknown> = {}) => environmentSchema().parse({ name: 'staging', provider: { kind: 'deployments', requiredContexts: [], payload: { version: '{version}' } }, ...over });
  const workflowEnv = (over: Record<string, unknown> = {}, provider: Record<string, unknown> = {}) =>
    environmentSchema().parse({ name: 'staging', provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { environment: '{environment}', version: '{version}', weight: '{weight}' }, ...provider }, ...over });
  const request = (env: EnvironmentConfig, release = R14, correlationId = 'op-abcdef-m0', index = 0): DispatchRequest => {
    const plan = planDeploy(env, release);
    const step = plan.steps.filter((s) => s.kind === 'dispatch')[index]!;
    return { environment: env, operation: 'deploy', release, step, correlationId };
  };
  const dispatches = () => server.state(OWNER, REPO).dispatches;

  before(() => {
    remote = TestRepo.create('rm-deployer-');
    c1 = commitFiles(remote, 'ci: deploy workflow', { '.github/workflows/deploy.yml': DEPLOY_YML, '.github/workflows/plain.yml': PLAIN_YML, 'app.txt': 'one\n' });
    remote.tag('v1.3.0');
    c2 = commitFiles(remote, 'feat: two', { 'app.txt': 'two\n' });
    remote.tag('v1.4.0');
    R13 = { version: '1.3.0', sha: c1, ref: 'v1.3.0' };
    R14 = { version: '1.4.0', sha: c2, ref: 'v1.4.0' };
  });

  beforeEach(async () => {
    now = NOW;
    server = await startFakeGitHub({ clock: () => now });
    server.addRepo(OWNER, REPO, { gitDir: remote.dir });
    journalDir = mkdtempSync(join(tmpdir(), 'rm-deployer-journal-'));
  });

  afterEach(async () => {
    rmSync(journalDir, { recursive: true, force: true });
    try {
      server.assertValid();
    } finally {
      await server.close();
    }
  });

  after(() => TestRepo.cleanup());

  describe('Deployments API', () => {
    it('creates a deployment of the exact SHA with auto_merge off and the correlation id in the payload (201)', async () => {
      const d = deployer('deployments');
      const r = await d.dispatch(request(deploymentsEnv()));
      assert.equal(r.kind, 'started');
      const id = (r as { handle: { deploymentId: number } }).handle.deploymentId;
      const sent = server.requests.find((q) => q.method === 'POST' && q.path.endsWith('/deployments'))!.body as Record<string, unknown>;
      assert.deepEqual([sent.ref, sent.auto_merge, sent.required_contexts, sent.environment, sent.task], [c2, false, [], 'staging', 'deploy']);
      const [made] = server.state(OWNER, REPO).deployments;
      assert.equal(made?.id, id);
      assert.equal(made?.sha, c2);
      const payload = (sent.payload as Record<string, unknown>)[PAYLOAD_KEY] as Record<string, unknown>;
      assert.deepEqual([payload.correlation_id, payload.operation, payload.weight, payload.version, payload.ref], ['op-abcdef-m0', 'deploy', 100, '1.4.0', 'v1.4.0']);
      assert.equal((sent.payload as Record<string, unknown>).version, '1.4.0', 'the configured payload templates are sent too');
    });

    it('observes the statuses the CD system posts: queued, running, succeeded or failed with its description', async () => {
      const d = deployer('deployments');
      const r = await d.dispatch(request(deploymentsEnv()));
      const handle = (r as { handle: { provider: 'deployments'; deploymentId: number } }).handle;
      assert.equal((await d.observe(handle)).status, 'queued', 'no status yet');
      await d.postStatus(handle.deploymentId, 'in_progress', 'rolling out');
      assert.deepEqual(await d.observe(handle), { status: 'running', reason: 'rolling out' });
      now += MIN;
      await d.postStatus(handle.deploymentId, 'failure', 'pods crash-looping');
      assert.deepEqual(await d.observe(handle), { status: 'failed', reason: 'pods crash-looping' });
      const other = (await d.dispatch(request(deploymentsEnv(), R14, 'op-abcdef-m1'))) as { handle: { provider: 'deployments'; deploymentId: number } };
      await d.postStatus(other.handle.deploymentId, 'success', 'live');
      assert.equal((await d.observe(other.handle)).status, 'succeeded');
    });

    it('reports 202 as nothing deployed and 409 as the failing contexts; nothing is started', async () => {
      const d = deployer('deployments');
      server.inject({ method: 'POST', path: `/repos/${OWNER}/${REPO}/deployments`, fault: { kind: 'reply', status: 202, body: { message: 'Auto-merged main into topic on deployment.' } } });
      assert.deepEqual(await d.dispatch(request(deploymentsEnv())), { kind: 'nothing-deployed', reason: 'Auto-merged main into topic on deployment.' });
      server.addStatus(OWNER, REPO, c2, { context: 'ci/lint', state: 'success' });
      server.addStatus(OWNER, REPO, c2, { context: 'ci/build', state: 'failure' });
      const all = environmentSchema().parse({ name: 'staging' });
      assert.deepEqual(await d.dispatch(request(all)), { kind: 'contexts-failing', contexts: [{ context: 'ci/build', state: 'failure' }] });
      assert.equal(server.state(OWNER, REPO).deployments.length, 0);
      assert.deepEqual(await d.dispatch(request(deploymentsEnv(), { ...R14, sha: 'f'.repeat(40) })), { kind: 'refused', reason: `commit ffffffffffff does not exist in ${OWNER}/${REPO} (push it first).` });
    });

    it('finds a deployment by its correlation id after the answer was lost, and nothing else', async () => {
      const d = deployer('deployments');
      server.inject({ method: 'POST', path: `/repos/${OWNER}/${REPO}/deployments`, fault: { kind: 'afterApply', status: 502 } });
      await assert.rejects(d.dispatch(request(deploymentsEnv())), (e: unknown) => e instanceof GitHubError && e.code === 'server');
      const id = server.state(OWNER, REPO).deployments[0]!.id;
      const env = deploymentsEnv();
      const step = request(env).step;
      assert.deepEqual(await d.find({ environment: env, step, correlationId: 'op-abcdef-m0', since: now }), { kind: 'found', handle: { provider: 'deployments', deploymentId: id } });
      assert.deepEqual(await d.find({ environment: env, step, correlationId: 'op-abcdef-m1', since: now }), { kind: 'absent' });
    });

    it('lists deployments with their statuses so the rollback target is the last successful one', async () => {
      const d = deployer('deployments');
      server.addDeployment(OWNER, REPO, { ref: 'v1.3.0', environment: 'staging', created_at: new Date(NOW - 2 * 86_400_000).toISOString(), statuses: [{ state: 'success' }] });
      server.addDeployment(OWNER, REPO, { ref: 'v1.3.0', environment: 'staging', created_at: new Date(NOW - 86_400_000).toISOString(), statuses: [{ state: 'failure' }] });
      server.addDeployment(OWNER, REPO, { ref: 'v1.4.0', environment: 'production', statuses: [{ state: 'success' }] });
      const r = (await d.dispatch(request(deploymentsEnv()))) as { handle: { deploymentId: number } };
      await d.postStatus(r.handle.deploymentId, 'success', 'live');
      const history = await d.listDeployments('staging');
      assert.equal(history.length, 3);
      const mine = history.find((h) => h.id === r.handle.deploymentId)!;
      assert.deepEqual([mine.ref, mine.version, mine.weight, mine.statuses[0]?.state], ['v1.4.0', '1.4.0', 100, 'success']);
      const target = findRollbackTarget(history, 'staging');
      assert.equal(target.kind, 'target');
      assert.deepEqual(target.kind === 'target' && [target.target.ref, target.target.sha, target.current.id], ['v1.3.0', c1, r.handle.deploymentId]);
      const prepared = await prepareRollback(deploymentsEnv(), d);
      assert.ok(prepared.ok);
      assert.deepEqual(prepared.plan.release, R13);
      assert.equal(await d.resolveRef('v1.4.0'), c2);
      assert.equal(await d.resolveRef('nope'), null);
      assert.equal(await d.commitExists(c1), true);
      assert.equal(await d.commitExists('e'.repeat(40)), false);
    });

    it('marks the deployments of a bad release failed (only that commit, only since the operation began), so it is no rollback target', async () => {
      const d = deployer('deployments');
      const old13 = server.addDeployment(OWNER, REPO, { ref: 'v1.3.0', environment: 'staging', created_at: new Date(NOW - 3 * 60 * MIN).toISOString(), statuses: [{ state: 'success' }] });
      const early14 = server.addDeployment(OWNER, REPO, { ref: 'v1.4.0', environment: 'staging', created_at: new Date(NOW - 2 * 60 * MIN).toISOString(), statuses: [{ state: 'success' }] });
      const bad14 = server.addDeployment(OWNER, REPO, { ref: 'v1.4.0', environment: 'staging', created_at: new Date(NOW - 5 * MIN).toISOString(), statuses: [{ state: 'success' }] });
      const prod14 = server.addDeployment(OWNER, REPO, { ref: 'v1.4.0', environment: 'production', created_at: new Date(NOW - 5 * MIN).toISOString(), statuses: [{ state: 'success' }] });
      const marked = await d.markFailed({ environment: deploymentsEnv(), sha: c2, since: new Date(NOW - 10 * MIN).toISOString(), description: 'Release Manager: aborted: health check failed' });
      assert.equal(marked, 1);
      const posted = server.requests.filter((q) => q.method === 'POST' && /\/deployments\/\d+\/statuses$/.test(q.path));
      assert.deepEqual(posted.map((q) => [q.path.split('/')[5], (q.body as { state: string }).state, (q.body as { description: string }).description]), [[String(bad14.id), 'failure', 'Release Manager: aborted: health check failed']]);
      assert.equal(await d.markFailed({ environment: deploymentsEnv(), sha: c2, since: new Date(NOW - 10 * MIN).toISOString(), description: 'again' }), 0, 'a failed deployment is not marked twice');
      const history = await d.listDeployments('staging');
      const target = findRollbackTarget(history, 'staging');
      // The newest (bad) 1.4.0 is what runs; the earlier 1.4.0 is the same commit: back to 1.3.0.
      assert.deepEqual(target.kind === 'target' && [target.current.id, target.target.id], [bad14.id, old13.id]);
      assert.ok(early14.id && prod14.id);
    });
  });

  describe('workflow_dispatch', () => {
    it('dispatches with return_run_details and takes the run it returns, sending the correlation id', async () => {
      const d = deployer('workflow');
      const r = await d.dispatch(request(workflowEnv()));
      assert.equal(r.kind, 'started');
      const [sent] = dispatches();
      assert.equal(sent?.returnRunDetails, true);
      assert.deepEqual(sent?.inputs, { environment: 'staging', version: '1.4.0', weight: '100', strategy: 'direct', step: '1', correlation_id: 'op-abcdef-m0' });
      assert.deepEqual((r as { handle: unknown }).handle, { provider: 'workflow', runId: sent!.runId, url: `https://github.com/${OWNER}/${REPO}/actions/runs/${sent!.runId}` });
      assert.equal(server.getRun(OWNER, REPO, sent!.runId!).head_sha, c2, 'the workflow runs at the release tag');
    });

    it('dispatches a workflow the config names by its path (.github/workflows/deploy.yml) under its file name, and finds its run', async () => {
      const d = deployer('workflow');
      const env = workflowEnv({}, { workflow: '.github/workflows/deploy.yml', correlationInput: 'correlation_id' });
      const r = await d.dispatch(request(env));
      assert.equal(r.kind, 'started', JSON.stringify(r));
      const post = server.requests.find((q) => q.method === 'POST' && q.path.endsWith('/dispatches'))!;
      assert.match(post.path, /\/actions\/workflows\/deploy\.yml\/dispatches$/);
      const found = await d.find({ environment: env, step: planDeploy(env, R14).steps[0]!, correlationId: 'op-abcdef-m0', since: now - 60_000 });
      assert.deepEqual(found.kind === 'found' && found.handle.runId, dispatches()[0]!.runId);
    });

    it('falls back when GHES refuses return_run_details and identifies the run by its title, never the latest run', async () => {
      const ghes = await startFakeGitHub({ prefix: '/api/v3', clock: () => now });
      try {
        ghes.addRepo(OWNER, REPO, { gitDir: remote.dir, runListLag: 1 });
        const d = deployer('workflow', ghes);
        const r = await d.dispatch(request(workflowEnv()));
        const runs = ghes.state(OWNER, REPO).dispatches;
        assert.equal(runs.length, 1, 'the refused request started nothing');
        assert.deepEqual((r as { handle: { runId: number } }).handle.runId, runs[0]!.runId);
        // A newer run of the same workflow started by someone else is never taken for ours.
        ghes.addRun(OWNER, REPO, { workflow: 'deploy.yml', event: 'workflow_dispatch', display_title: 'Deploy staging 9.9.9 (someone-else)', status: 'in_progress' });
        now += 1000;
        const second = await d.dispatch(request(workflowEnv(), R14, 'op-abcdef-m1'));
        const posts = ghes.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/dispatches'));
        assert.equal(posts.length, 3);
        assert.equal((posts[2]!.body as Record<string, unknown>).return_run_details, undefined, 'not offered again once refused');
        assert.equal((second as { handle: { runId: number } }).handle.runId, ghes.state(OWNER, REPO).dispatches[1]!.runId);
        ghes.assertValid();
      } finally {
        await ghes.close();
      }
    });

    it('reports a run it cannot identify as such when the workflow has no correlation input and no run is returned', async () => {
      const ghes = await startFakeGitHub({ prefix: '/api/v3', clock: () => now });
      try {
        ghes.addRepo(OWNER, REPO, { gitDir: remote.dir });
        const r = await deployer('workflow', ghes).dispatch(request(workflowEnv({}, { workflow: 'plain.yml' })));
        assert.equal(r.kind, 'started');
        assert.equal((r as { handle: unknown }).handle, null);
        assert.match((r as { note: string }).note, /could not identify the run/);
        ghes.assertValid();
      } finally {
        await ghes.close();
      }
    });

    it('refuses bad inputs, an unknown ref and a missing workflow locally, and maps a server 422 to refused', async () => {
      const d = deployer('workflow');
      const qa = workflowEnv({ name: 'qa' });
      const bad = await d.dispatch(request(qa));
      assert.equal(bad.kind, 'refused');
      assert.match((bad as { reason: string }).reason, /environment/);
      const noRef = await d.dispatch(request(workflowEnv({}, { ref: 'no-such-branch' })));
      assert.deepEqual(noRef, { kind: 'refused', reason: `ref "no-such-branch" does not exist in ${OWNER}/${REPO}.` });
      const missing = await d.dispatch(request(workflowEnv({}, { workflow: 'missing.yml' })));
      assert.deepEqual(missing, { kind: 'refused', reason: 'workflow missing.yml does not exist at v1.4.0.' });
      assert.equal(dispatches().length, 0, 'nothing was sent');
      server.inject({ method: 'POST', path: /\/dispatches$/, fault: { kind: 'status', status: 422, body: { message: 'Unexpected inputs provided: ["weight"]' } } });
      const refused = await d.dispatch(request(workflowEnv()));
      assert.deepEqual(refused, { kind: 'refused', reason: 'GitHub refused the dispatch of .github/workflows/deploy.yml (422): Unexpected inputs provided: ["weight"]' });
    });

    it('observes a run progressing on the injected clock, names the failing job and step, and re-runs failed jobs', async () => {
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [
        { after: 10_000, status: 'in_progress', attempt: 1 },
        { after: 60_000, status: 'completed', conclusion: 'failure', attempt: 1, jobs: [{ name: 'Deploy', conclusion: 'failure', steps: [{ name: 'Roll out', conclusion: 'failure' }] }] },
        { after: 30_000, status: 'completed', conclusion: 'success', attempt: 2 },
      ]);
      const d = deployer('workflow');
      const { handle } = (await d.dispatch(request(workflowEnv()))) as { handle: { provider: 'workflow'; runId: number } };
      assert.equal((await d.observe(handle)).status, 'queued');
      now += 10_000;
      assert.equal((await d.observe(handle)).status, 'running');
      now += 50_000;
      const failed = await d.observe(handle);
      assert.deepEqual([failed.status, failed.reason], ['failed', 'job "Deploy" failure at step "Roll out"']);
      const jobs = await d.jobs(handle.runId);
      assert.deepEqual(jobs.map((j) => [j.name, j.conclusion]), [['Deploy', 'failure']]);
      const run = await d.workflowRun(handle.runId);
      assert.deepEqual([run.status, run.conclusion, run.attempt, run.jobs.map((j) => [j.name, j.conclusion, j.steps.find((st) => st.conclusion === 'failure')?.name])], ['completed', 'failure', 1, [['Deploy', 'failure', 'Roll out']]]);
      assert.match(run.url ?? '', new RegExp(`/${OWNER}/${REPO}/actions/runs/${handle.runId}$`));
      assert.match(run.jobs[0]!.url ?? '', new RegExp(`/${OWNER}/${REPO}/actions/runs/${handle.runId}/job/\\d+$`));
      server.inject({ method: 'GET', path: new RegExp(`/actions/runs/${handle.runId}/jobs`), fault: { kind: 'status', status: 500 }, times: 5 });
      await assert.rejects(d.workflowRun(handle.runId), (e: unknown) => e instanceof GitHubError && e.code === 'server' && /reading the jobs of run/.test(e.message));
      server.clearFaults();
      await d.rerunFailedJobs(handle.runId);
      assert.equal((await d.observe(handle)).status, 'queued');
      now += 30_000;
      assert.deepEqual(await d.observe(handle), { status: 'succeeded', reason: 'all jobs passed', url: failed.url });
    });

    it('cancels a running run', async () => {
      const d = deployer('workflow');
      const { handle } = (await d.dispatch(request(workflowEnv()))) as { handle: { provider: 'workflow'; runId: number } };
      server.advanceRun(OWNER, REPO, handle.runId, { status: 'in_progress' });
      await d.cancel(handle.runId);
      assert.equal((await d.observe(handle)).status, 'cancelled');
    });

    it('shows pending reviews of a protected environment and approves or rejects them with a comment', async () => {
      server.addEnvironment(OWNER, REPO, { name: 'production', reviewers: [{ type: 'User', login: 'octocat' }, { type: 'User', login: 'alice' }] });
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: MIN, status: 'completed', conclusion: 'success' }]);
      const d = deployer('workflow');
      const prod = workflowEnv({ name: 'production' });
      const first = ((await d.dispatch(request(prod))) as { handle: { provider: 'workflow'; runId: number } }).handle;
      const waiting = await d.observe(first);
      assert.equal(waiting.status, 'waiting');
      const envId = server.state(OWNER, REPO).environments.find((e) => e.name === 'production')!.id;
      assert.deepEqual(waiting.reviews, [{ environment: 'production', environmentId: envId, canApprove: true, reviewers: ['octocat', 'alice'] }]);
      await d.review(first, { approve: true, comment: 'Ship 1.4.0', environmentIds: [envId] });
      now += MIN;
      assert.equal((await d.observe(first)).status, 'succeeded');
      const second = ((await d.dispatch(request(prod, R14, 'op-abcdef-m1'))) as { handle: { provider: 'workflow'; runId: number } }).handle;
      await d.review(second, { approve: false, comment: 'Not today', environmentIds: [envId] });
      assert.equal((await d.observe(second)).status, 'failed');
      const reviews = server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pending_deployments')).map((q) => q.body as { state: string; comment: string });
      assert.deepEqual(reviews.map((b) => [b.state, b.comment]), [['approved', 'Ship 1.4.0'], ['rejected', 'Not today']]);
    });
  });

  describe('runOperation over the GitHub workflow provider', () => {
    const KEY = deployJournalKey(`${OWNER}/${REPO}`, 'staging');
    const CHECK = { kind: 'http', id: 'up', url: 'https://staging.example.com/health', windowMs: 60_000, intervalMs: 10_000 };

    class Probe implements HealthProbe {
      status = 200;
      async sample(): Promise<HealthSample> {
        return { at: now, status: this.status, values: [] };
      }
    }

    const deps = (store: DeployJournalStore, d: GitHubDeployer, probe: HealthProbe, session: string): RunDeps => ({
      deployer: d,
      store,
      probe,
      session,
      now: () => new Date(now),
      sleep: async (ms) => {
        now += ms;
        if (now > NOW + 86_400_000) throw new Error('the operation does not end');
      },
    });

    async function begin(store: DeployJournalStore, env: EnvironmentConfig): Promise<void> {
      const decision = startOperation(await store.read(KEY), { repo: `${OWNER}/${REPO}`, id: 'op-abcdef', session: 's1', env, plan: planDeploy(env, R14) }, new Date(now));
      assert.equal(decision.kind, 'start');
      assert.equal(await store.write(KEY, (decision as { journal: DeployJournal }).journal, null), 'written');
    }

    async function finish(store: DeployJournalStore, d: GitHubDeployer, probe: HealthProbe, session: string): Promise<RunStop> {
      for (let asked = 0; asked < 10; asked++) {
        const stop = await runOperation(KEY, deps(store, d, probe, session));
        if (stop.action.kind === 'done') return stop;
        assert.ok(stop.action.choices.includes('resume'), `unexpected question: ${stop.action.reason}`);
        await answer(KEY, 'resume', stop.action.index, deps(store, d, probe, session));
      }
      assert.fail('too many questions');
    }

    it('aborts a canary whose health check fails: traffic goes back once and nothing more is dispatched', async () => {
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 20_000, status: 'completed', conclusion: 'success' }]);
      const env = workflowEnv({ healthChecks: [CHECK], strategy: { kind: 'canary', steps: [{ weight: 10, pauseMs: MIN }, { weight: 50, pauseMs: MIN }] } });
      const store = new FileDeployJournalStore(journalDir);
      await begin(store, env);
      const probe = new Probe();
      probe.status = 503;
      const stop = await finish(store, deployer('workflow'), probe, 's1');
      assert.equal(stop.journal.state, 'aborted', stop.journal.outcome ?? '');
      const sent = dispatches().map((x) => [x.inputs.weight, x.inputs.correlation_id]);
      assert.equal(sent.length, 2, JSON.stringify(sent));
      assert.equal(sent[0]![0], '10');
      assert.equal(sent[1]![0], '0', 'the abort sends traffic back');
      assert.equal(new Set(sent.map((s) => s[1])).size, 2);
    });

    it('resumes after a crash between the dispatch and its record by finding the run, never dispatching again', async () => {
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 20_000, status: 'completed', conclusion: 'success' }]);
      const env = workflowEnv();
      const files = new FileDeployJournalStore(journalDir);
      await begin(files, env);
      let armed = true;
      const crashing: DeployJournalStore = {
        read: (k) => files.read(k),
        list: () => files.list(),
        write: async (k, entry, rev) => {
          if (armed && entry.steps.some((s) => s.state.status === 'sent')) {
            armed = false;
            throw new Crash('the process died before recording the dispatch');
          }
          return files.write(k, entry, rev);
        },
      };
      await assert.rejects(runOperation(KEY, deps(crashing, deployer('workflow'), new Probe(), 's1')), Crash);
      assert.equal((await files.read(KEY))?.steps[0]?.state.status, 'sending');
      assert.equal(dispatches().length, 1);
      const stop = await finish(files, deployer('workflow'), new Probe(), 's2');
      assert.equal(stop.journal.state, 'healthy', stop.journal.outcome ?? '');
      assert.equal(dispatches().length, 1, 'found by its correlation id, not sent again');
      const step = stop.journal.steps[0]!.state;
      assert.equal(step.status, 'done');
    });
  });
});
