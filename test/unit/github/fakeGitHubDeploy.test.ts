import assert from 'node:assert/strict';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { load } from '../../helpers/fakeGitHub/openapi';
import { TestRepo } from '../../helpers/testRepo';

// The deploy side of the local GitHub server: Actions (workflows, dispatch, runs, jobs, re-runs),
// deployments and statuses, environments and pending reviews, driven by an injected clock.

// @octokit/rest is ESM-only: loaded with a dynamic import from this CommonJS test.
type OctokitModule = typeof import('@octokit/rest');
type Octokit = InstanceType<OctokitModule['Octokit']>;
let OctokitClass: OctokitModule['Octokit'];

const OWNER = 'acme';
const REPO = 'app';
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIN = 60_000;

interface HttpFailure {
  status: number;
  message?: string;
  response?: { headers: Record<string, string>; data: { message?: string; errors?: Array<Record<string, unknown>> } };
}

function octokit(baseUrl: string, auth = 'test-token'): Octokit {
  const quiet = () => undefined;
  return new OctokitClass({ baseUrl, auth, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
}

async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  try {
    await p;
  } catch (err) {
    return err as HttpFailure;
  }
  assert.fail('expected the request to fail');
}

const DEPLOY_YML = `name: Deploy
run-name: Deploy \${{ inputs.environment }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      correlation_id:
        type: string
        required: true
      dry_run:
        type: boolean
        default: false
      retries:
        type: number
        default: 1
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build
        run: npm run build
  deploy:
    name: Deploy to \${{ inputs.environment }}
    needs: build
    runs-on: [self-hosted, linux]
    environment:
      name: \${{ inputs.environment }}
      url: https://app.example.com
    steps:
      - name: Deploy
        run: ./deploy.sh
`;

const CI_YML = `name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
`;

/**
 * The remote: main = c1 (workflows) - c2 (touches app.txt); `behind` and `conflict` branch off c1
 * (`conflict` edits app.txt differently); `no-dispatch` has a deploy.yml without the trigger;
 * tag v1.0.0 at c1.
 */
interface Remote {
  repo: TestRepo;
  c1: string;
  c2: string;
}

function commitFiles(repo: TestRepo, message: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  repo.git('add', '--', ...Object.keys(files));
  repo.git('commit', '-q', '-m', message);
  return repo.head();
}

function buildRemote(): Remote {
  const repo = TestRepo.create('rm-fakegh-deploy-');
  const c1 = commitFiles(repo, 'ci: workflows', { '.github/workflows/deploy.yml': DEPLOY_YML, '.github/workflows/ci.yml': CI_YML, 'app.txt': 'one\n' });
  repo.tag('v1.0.0');
  repo.checkout('conflict', true);
  commitFiles(repo, 'feat: conflicting', { 'app.txt': 'conflict\n' });
  repo.checkout('main');
  repo.git('checkout', '-q', '-b', 'no-dispatch');
  commitFiles(repo, 'ci: push only', { '.github/workflows/deploy.yml': 'name: Deploy\non: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: [{run: "true"}]\n' });
  repo.checkout('main');
  const c2 = commitFiles(repo, 'feat: two', { 'app.txt': 'two\n' });
  return { repo, c1, c2 };
}

describe('fake GitHub server: Actions, deployments, environments', function () {
  let remote: Remote;
  let server: FakeGitHub;
  let gh: Octokit;
  let now = NOW;
  let branchCounter = 0;

  const dispatch = (workflow: string, params: Record<string, unknown>, headers: Record<string, string> = {}) =>
    gh.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: OWNER, repo: REPO, workflow_id: workflow, headers, ...params } as never) as Promise<{
      status: number;
      data: unknown;
      headers: Record<string, string>;
    }>;
  const deployInputs = (inputs: Record<string, unknown> = {}) => ({ ref: 'main', inputs: { environment: 'staging', correlation_id: 'corr-1', ...inputs } });
  /** Dispatches deploy.yml with run details and returns the run id. */
  const start = async (inputs: Record<string, unknown> = {}): Promise<number> => {
    const res = await dispatch('deploy.yml', { ...deployInputs(inputs), return_run_details: true });
    return (res.data as { workflow_run_id: number }).workflow_run_id;
  };
  const getRun = (run_id: number) => gh.rest.actions.getWorkflowRun({ owner: OWNER, repo: REPO, run_id }).then((r) => r.data);
  const jobsOf = (run_id: number, filter?: 'all' | 'latest') => gh.rest.actions.listJobsForWorkflowRun({ owner: OWNER, repo: REPO, run_id, filter }).then((r) => r.data.jobs);
  /** A branch with one commit off c1 (behind main). */
  const behindBranch = (): string => {
    const name = `behind-${++branchCounter}`;
    remote.repo.git('checkout', '-q', '-b', name, remote.c1);
    commitFiles(remote.repo, `feat: ${name}`, { [`${name}.txt`]: 'x\n' });
    remote.repo.checkout('main');
    return name;
  };

  before(async () => {
    ({ Octokit: OctokitClass } = await import('@octokit/rest'));
    remote = buildRemote();
    load('api.github.com');
    load('ghes-3.19');
  });

  beforeEach(async () => {
    now = NOW;
    server = await startFakeGitHub({ clock: () => now });
    server.addRepo(OWNER, REPO, { gitDir: remote.repo.dir });
    gh = octokit(server.url);
  });

  afterEach(async () => {
    try {
      server.assertValid();
    } finally {
      await server.close();
    }
  });

  after(() => TestRepo.cleanup());

  describe('workflows and contents', () => {
    it('lists the workflows of the default branch and gets one by id or file name', async () => {
      const list = await gh.rest.actions.listRepoWorkflows({ owner: OWNER, repo: REPO });
      assert.equal(list.data.total_count, 2);
      const byPath = Object.fromEntries(list.data.workflows.map((w) => [w.path, w]));
      assert.equal(byPath['.github/workflows/deploy.yml']?.name, 'Deploy');
      assert.equal(byPath['.github/workflows/ci.yml']?.state, 'active');
      const deploy = byPath['.github/workflows/deploy.yml']!;
      assert.equal((await gh.rest.actions.getWorkflow({ owner: OWNER, repo: REPO, workflow_id: deploy.id })).data.path, deploy.path);
      assert.equal((await gh.rest.actions.getWorkflow({ owner: OWNER, repo: REPO, workflow_id: 'deploy.yml' })).data.id, deploy.id);
      assert.equal((await failure(gh.rest.actions.getWorkflow({ owner: OWNER, repo: REPO, workflow_id: 'nope.yml' }))).status, 404);
      const paged = await gh.rest.actions.listRepoWorkflows({ owner: OWNER, repo: REPO, per_page: 1 });
      assert.match(paged.headers.link ?? '', /rel="next"/);
    });

    it('serves files and folders from git at a ref through the contents API', async () => {
      const file = await gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: '.github/workflows/deploy.yml', ref: 'main' });
      assert.ok(!Array.isArray(file.data) && file.data.type === 'file');
      const f = file.data as { content: string; encoding: string; sha: string; size: number };
      assert.equal(f.encoding, 'base64');
      assert.match(f.content, /^[A-Za-z0-9+/=]{60}\n/);
      assert.equal(Buffer.from(f.content, 'base64').toString('utf8'), DEPLOY_YML);
      assert.equal(f.size, Buffer.byteLength(DEPLOY_YML));
      const old = await gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: '.github/workflows/deploy.yml', ref: 'no-dispatch' });
      assert.match(Buffer.from((old.data as { content: string }).content, 'base64').toString('utf8'), /on: push/);
      const dir = await gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: '.github/workflows' });
      assert.ok(Array.isArray(dir.data));
      assert.deepEqual(dir.data.map((e) => [e.name, e.type]).sort(), [['ci.yml', 'file'], ['deploy.yml', 'file']]);
      const root = await gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: '.github' });
      assert.deepEqual((root.data as Array<{ type: string }>).map((e) => e.type), ['dir']);
      assert.equal((await failure(gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: 'missing.yml' }))).status, 404);
      const badRef = await failure(gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: 'app.txt', ref: 'nope' }));
      assert.equal(badRef.status, 404);
      assert.equal(badRef.response?.data.message, 'No commit found for the ref nope');
      assert.equal((await failure(gh.rest.repos.getContent({ owner: OWNER, repo: REPO, path: '../etc/passwd' }))).status, 404);
    });
  });

  describe('workflow_dispatch', () => {
    it('answers 204, records the inputs and creates a queued run titled by run-name', async () => {
      const res = await dispatch('deploy.yml', deployInputs({ correlation_id: 'abc-123' }));
      assert.equal(res.status, 204);
      assert.ok(!res.data, 'no body');
      const [d] = server.state(OWNER, REPO).dispatches;
      assert.deepEqual(d?.inputs, { environment: 'staging', correlation_id: 'abc-123' });
      assert.deepEqual(d?.resolvedInputs, { environment: 'staging', correlation_id: 'abc-123', dry_run: 'false', retries: '1' });
      assert.equal(d?.returnRunDetails, false);
      // Without run details a client finds its run by the correlation id in the title.
      const runs = await gh.rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'deploy.yml', event: 'workflow_dispatch' });
      assert.equal(runs.data.total_count, 1);
      const run = runs.data.workflow_runs[0]!;
      assert.equal(run.id, d?.runId);
      assert.equal(run.display_title, 'Deploy staging (abc-123)');
      assert.equal(run.name, 'Deploy');
      assert.deepEqual([run.status, run.conclusion, run.event, run.head_branch, run.head_sha], ['queued', null, 'workflow_dispatch', 'main', remote.c2]);
      assert.equal(run.path, '.github/workflows/deploy.yml');
      assert.equal(run.run_number, 1);
      assert.equal(run.head_commit?.message, 'feat: two');
      assert.equal(run.actor?.login, 'octocat');
      assert.deepEqual(server.getRun(OWNER, REPO, run.id).inputs, d?.resolvedInputs);
      const jobs = await jobsOf(run.id);
      assert.deepEqual(jobs.map((j) => [j.name, j.status, j.labels]), [['build', 'queued', ['ubuntu-latest']], ['Deploy to staging', 'queued', ['self-hosted', 'linux']]]);
      assert.deepEqual(jobs[0]!.steps?.map((s) => s.name), ['Set up job', 'Run actions/checkout@v4', 'Build', 'Complete job']);
    });

    it('answers 200 with the run when return_run_details is true (github.com, API 2022-11-28)', async () => {
      const res = await dispatch('deploy.yml', { ...deployInputs(), return_run_details: true });
      assert.equal(res.status, 200);
      const body = res.data as { workflow_run_id: number; run_url: string; html_url: string };
      assert.equal(body.run_url, `${server.url}/repos/${OWNER}/${REPO}/actions/runs/${body.workflow_run_id}`);
      assert.equal(body.html_url, `https://github.com/${OWNER}/${REPO}/actions/runs/${body.workflow_run_id}`);
      assert.equal((await getRun(body.workflow_run_id)).display_title, 'Deploy staging (corr-1)');
      assert.equal((await dispatch('deploy.yml', { ...deployInputs(), return_run_details: false })).status, 204);
      const typed = await failure(dispatch('deploy.yml', { ...deployInputs(), return_run_details: 'yes' }));
      assert.equal(typed.status, 422);
    });

    it('always answers 200 with API version 2026-03-10, which no longer takes return_run_details', async () => {
      const res = await dispatch('deploy.yml', deployInputs(), { 'x-github-api-version': '2026-03-10' });
      assert.equal(res.status, 200);
      assert.ok((res.data as { workflow_run_id: number }).workflow_run_id > 0);
      assert.equal(res.headers['x-github-api-version-selected'], '2026-03-10');
      const old = await failure(dispatch('deploy.yml', { ...deployInputs(), return_run_details: true }, { 'x-github-api-version': '2026-03-10' }));
      assert.equal(old.status, 422);
      assert.match(old.response?.data.message ?? '', /"return_run_details" is not a permitted key/);
    });

    it('GHES 3.19 answers 204 and refuses return_run_details as an unknown key', async () => {
      const ghes = await startFakeGitHub({ prefix: '/api/v3', clock: () => now });
      try {
        ghes.addRepo(OWNER, REPO, { gitDir: remote.repo.dir });
        const client = octokit(ghes.url);
        const send = (params: Record<string, unknown>) =>
          client.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: OWNER, repo: REPO, workflow_id: 'deploy.yml', ...params } as never);
        const refused = await failure(send({ ...deployInputs(), return_run_details: true }));
        assert.equal(refused.status, 422);
        assert.equal(refused.response?.data.message, 'Invalid request.\n\n"return_run_details" is not a permitted key.');
        assert.equal(ghes.state(OWNER, REPO).runs.length, 0);
        assert.equal(((await send(deployInputs())) as { status: number }).status, 204);
        const run = ghes.state(OWNER, REPO).runs[0]!;
        const got = await client.rest.actions.getWorkflowRun({ owner: OWNER, repo: REPO, run_id: run.id });
        assert.ok(got.data.html_url.startsWith(ghes.origin));
        ghes.assertValid();
      } finally {
        await ghes.close();
      }
    });

    it("refuses what GitHub refuses with 422 (or 404 for an unknown workflow) and starts nothing", async () => {
      const cases: Array<[string, Record<string, unknown>, number, string | RegExp]> = [
        ['ci.yml', { ref: 'main' }, 422, "Workflow does not have 'workflow_dispatch' trigger"],
        ['deploy.yml', { ...deployInputs(), ref: 'no-dispatch' }, 422, "Workflow does not have 'workflow_dispatch' trigger"],
        ['deploy.yml', { ...deployInputs(), ref: 'no-such-branch' }, 422, 'No ref found for: no-such-branch'],
        ['deploy.yml', { ...deployInputs(), ref: remote.c1 }, 422, `No ref found for: ${remote.c1}`],
        ['deploy.yml', deployInputs({ version: '1.2.3', extra: 'x' }), 422, 'Unexpected inputs provided: ["version","extra"]'],
        ['deploy.yml', { ref: 'main', inputs: { environment: 'staging' } }, 422, "Required input 'correlation_id' not provided"],
        ['deploy.yml', deployInputs({ correlation_id: '' }), 422, "Required input 'correlation_id' not provided"],
        ['deploy.yml', deployInputs({ environment: 'prod' }), 422, "Provided value 'prod' for input 'environment' not in the list of allowed values"],
        ['deploy.yml', deployInputs({ dry_run: 'yes' }), 422, "Provided value 'yes' for input 'dry_run' not in the list of allowed values"],
        ['deploy.yml', deployInputs({ retries: 'many' }), 422, "Provided value 'many' for input 'retries' is not a valid number"],
        ['deploy.yml', deployInputs({ correlation_id: { nested: true } }), 422, /properties\/inputs\/correlation_id/],
        ['deploy.yml', { inputs: {} }, 422, /"ref" wasn't supplied/],
        ['deploy.yml', { ...deployInputs(), extra_key: 1 }, 422, /"extra_key" is not a permitted key/],
        ['nope.yml', deployInputs(), 404, 'Not Found'],
      ];
      for (const [workflow, params, status, message] of cases) {
        const err = await failure(dispatch(workflow, params));
        assert.equal(err.status, status, JSON.stringify(params));
        if (typeof message === 'string') assert.equal(err.response?.data.message, message);
        else assert.match(err.response?.data.message ?? '', message);
      }
      // A tag is a ref too; JSON booleans and numbers are taken as their strings.
      assert.equal((await dispatch('deploy.yml', { ...deployInputs({ dry_run: true, retries: 3 }), ref: 'v1.0.0' })).status, 204);
      const r = server.state(OWNER, REPO);
      assert.deepEqual(r.dispatches.map((d) => [d.ref, d.resolvedInputs.dry_run, d.resolvedInputs.retries]), [['v1.0.0', 'true', '3']]);
      assert.equal(r.runs[0]?.head_sha, remote.c1);
      server.setWorkflowState(OWNER, REPO, 'deploy.yml', 'disabled_manually');
      const disabled = await failure(dispatch('deploy.yml', deployInputs()));
      assert.equal(disabled.response?.data.message, "Cannot trigger a 'workflow_dispatch' on a disabled workflow");
      assert.equal(server.state(OWNER, REPO).runs.length, 1);
    });
  });

  describe('runs and jobs', () => {
    it('lists runs newest first with event, branch, status, head_sha and created filters, paginated', async () => {
      const at = (min: number) => new Date(NOW - min * MIN).toISOString().replace(/\.000Z$/, 'Z');
      for (let i = 0; i < 45; i++) {
        server.addRun(OWNER, REPO, {
          workflow: 'ci.yml',
          event: i % 3 === 0 ? 'pull_request' : 'push',
          head_branch: i % 5 === 0 ? 'no-dispatch' : 'main',
          conclusion: i % 4 === 0 ? 'failure' : 'success',
          created_at: at(45 - i),
        });
      }
      server.addRun(OWNER, REPO, { workflow: 'ci.yml', status: 'in_progress', created_at: at(0) });
      const first = await gh.rest.actions.listWorkflowRunsForRepo({ owner: OWNER, repo: REPO, per_page: 20 });
      assert.equal(first.data.total_count, 46);
      assert.equal(first.data.workflow_runs[0]!.status, 'in_progress');
      assert.match(first.headers.link ?? '', /page=3[^>]*>; rel="last"/);
      const all = await gh.paginate(gh.rest.actions.listWorkflowRunsForRepo, { owner: OWNER, repo: REPO, per_page: 20 });
      assert.equal(all.length, 46);
      assert.deepEqual(all.map((r) => r.created_at), [...all.map((r) => r.created_at)].sort().reverse());
      const count = async (q: Record<string, string>) => (await gh.rest.actions.listWorkflowRunsForRepo({ owner: OWNER, repo: REPO, ...q })).data.total_count;
      assert.equal(await count({ event: 'pull_request' }), 15);
      assert.equal(await count({ branch: 'no-dispatch' }), 9);
      assert.equal(await count({ status: 'failure' }), 12);
      assert.equal(await count({ status: 'completed' }), 45);
      assert.equal(await count({ status: 'in_progress' }), 1);
      assert.equal(await count({ head_sha: remote.c2 }), 37);
      assert.equal(await count({ created: `>=${at(10)}` }), 11);
      assert.equal(await count({ created: `${at(20)}..${at(11)}` }), 10);
      assert.equal(await count({ created: '2024-01-15' }), 46);
      assert.equal(await count({ created: '<2024-01-15' }), 0);
      assert.equal((await failure(gh.rest.actions.listWorkflowRunsForRepo({ owner: OWNER, repo: REPO, created: 'yesterday' }))).status, 422);
      assert.equal((await gh.rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'deploy.yml' })).data.total_count, 0);
      assert.equal((await failure(getRun(1))).status, 404);
      const seeded = all.find((r) => r.event === 'push');
      assert.equal(seeded?.display_title, 'feat: two', 'a push run is titled by its commit subject');
    });

    it('moves a run with advanceRun: jobs and steps start and finish, a failing job fails the run', async () => {
      const id = await start();
      server.advanceRun(OWNER, REPO, id, { status: 'in_progress' });
      let run = await getRun(id);
      assert.equal(run.status, 'in_progress');
      let jobs = await jobsOf(id);
      assert.deepEqual(jobs.map((j) => j.status), ['in_progress', 'in_progress']);
      assert.equal(jobs[0]!.steps?.[0]?.status, 'in_progress');
      assert.ok(jobs[0]!.runner_name);
      now += 5 * MIN;
      server.advanceRun(OWNER, REPO, id, { status: 'in_progress', jobs: [{ name: 'build', conclusion: 'success' }] });
      now += 5 * MIN;
      server.advanceRun(OWNER, REPO, id, { status: 'completed', jobs: [{ name: 'Deploy to staging', conclusion: 'failure', steps: [{ name: 'Deploy', conclusion: 'failure' }] }] });
      run = await getRun(id);
      assert.deepEqual([run.status, run.conclusion, run.updated_at], ['completed', 'failure', '2024-01-15T12:10:00Z']);
      jobs = await jobsOf(id);
      assert.deepEqual(jobs.map((j) => [j.name, j.conclusion, j.completed_at]), [['build', 'success', '2024-01-15T12:05:00Z'], ['Deploy to staging', 'failure', '2024-01-15T12:10:00Z']]);
      assert.deepEqual(jobs[1]!.steps?.map((s) => [s.name, s.conclusion]), [['Set up job', 'success'], ['Deploy', 'failure'], ['Complete job', 'success']]);
      assert.throws(() => server.advanceRun(OWNER, REPO, id, { status: 'in_progress' }), /completed; re-run it first/);
      // The deploy job deployed to its environment, as GitHub Actions does.
      const deployments = await gh.rest.repos.listDeployments({ owner: OWNER, repo: REPO, environment: 'staging' });
      assert.equal(deployments.data.length, 1);
      assert.equal(deployments.data[0]!.performed_via_github_app?.slug, 'github-actions');
      assert.equal(deployments.data[0]!.sha, remote.c2);
      const statuses = await gh.rest.repos.listDeploymentStatuses({ owner: OWNER, repo: REPO, deployment_id: deployments.data[0]!.id });
      assert.deepEqual(statuses.data.map((s) => s.state), ['failure', 'in_progress', 'queued']);
      assert.match(statuses.data[0]!.log_url ?? '', new RegExp(`/actions/runs/${id}/job/${jobs[1]!.id}$`));
    });

    it('follows a scripted progression as the injected clock moves, without waiting', async () => {
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [
        { after: 10_000, status: 'in_progress' },
        { after: 70_000, status: 'completed', conclusion: 'success' },
      ]);
      const id = await start();
      assert.equal((await getRun(id)).status, 'queued');
      now += 9_999;
      assert.equal((await getRun(id)).status, 'queued');
      now += 1;
      const running = await getRun(id);
      assert.deepEqual([running.status, running.updated_at], ['in_progress', '2024-01-15T12:00:10Z']);
      now += 10 * MIN;
      const done = await getRun(id);
      assert.deepEqual([done.status, done.conclusion, done.updated_at], ['completed', 'success', '2024-01-15T12:01:10Z'], 'stamped when the step was due, not when read');
      const jobs = await jobsOf(id);
      assert.ok(jobs.every((j) => j.conclusion === 'success' && j.completed_at === '2024-01-15T12:01:10Z'));
      const env = (await gh.rest.repos.listDeployments({ owner: OWNER, repo: REPO })).data[0]!;
      const latest = (await gh.rest.repos.listDeploymentStatuses({ owner: OWNER, repo: REPO, deployment_id: env.id })).data[0]!;
      assert.deepEqual([latest.state, latest.environment_url], ['success', 'https://app.example.com']);
      // A second run follows the same script from its own start.
      const second = await start({ correlation_id: 'corr-2' });
      assert.equal((await getRun(second)).run_number, 2);
      now += 70_000;
      assert.equal((await getRun(second)).conclusion, 'success');
      // One run can get its own steps too (relative to when it became runnable).
      server.scriptRuns(OWNER, REPO, 'deploy.yml', []);
      const third = await start({ correlation_id: 'corr-3' });
      now += 30_000;
      server.scriptRun(OWNER, REPO, third, [{ after: 20_000, status: 'completed', conclusion: 'timed_out' }]);
      const timedOut = await getRun(third);
      assert.deepEqual([timedOut.conclusion, timedOut.updated_at], ['timed_out', '2024-01-15T12:11:40Z']);
      assert.ok((await jobsOf(third)).every((j) => j.conclusion === 'timed_out'));
    });

    it('re-runs failed jobs as a new attempt, keeping the jobs that passed', async () => {
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [
        { after: 1000, status: 'completed', conclusion: 'failure', jobs: [{ name: 'build', conclusion: 'success' }, { name: 'Deploy to staging', conclusion: 'failure' }], attempt: 1 },
        { after: 1000, status: 'completed', conclusion: 'success', attempt: 2 },
      ]);
      const id = await start();
      const rerunning = await failure(gh.rest.actions.reRunWorkflowFailedJobs({ owner: OWNER, repo: REPO, run_id: id }));
      assert.equal(rerunning.status, 403, 'a running run cannot be re-run');
      now += 1000;
      assert.equal((await getRun(id)).conclusion, 'failure');
      const [before] = await jobsOf(id);
      const rerun = await gh.rest.actions.reRunWorkflowFailedJobs({ owner: OWNER, repo: REPO, run_id: id });
      assert.equal(rerun.status, 201);
      let run = await getRun(id);
      assert.deepEqual([run.run_attempt, run.status, run.conclusion], [2, 'queued', null]);
      assert.equal(run.previous_attempt_url, `${server.url}/repos/${OWNER}/${REPO}/actions/runs/${id}/attempts/1`);
      const latest = await jobsOf(id);
      assert.deepEqual(latest.map((j) => [j.name, j.run_attempt, j.status]), [['build', 1, 'completed'], ['Deploy to staging', 2, 'queued']]);
      assert.equal(latest[0]!.id, before!.id, 'the passed job is kept');
      assert.equal((await jobsOf(id, 'all')).length, 3);
      now += 1000;
      run = await getRun(id);
      assert.deepEqual([run.status, run.conclusion], ['completed', 'success']);
      const nothing = await failure(gh.rest.actions.reRunWorkflowFailedJobs({ owner: OWNER, repo: REPO, run_id: id }));
      assert.equal(nothing.status, 403);
      assert.equal((await gh.rest.actions.reRunWorkflow({ owner: OWNER, repo: REPO, run_id: id })).status, 201);
      assert.deepEqual((await jobsOf(id)).map((j) => j.run_attempt), [3, 3]);
    });

    it('cancels a running run (202), refuses to cancel a completed one (409) and to re-run after 30 days', async () => {
      const id = await start();
      server.advanceRun(OWNER, REPO, id, { status: 'in_progress' });
      assert.equal((await gh.rest.actions.cancelWorkflowRun({ owner: OWNER, repo: REPO, run_id: id })).status, 202);
      const run = await getRun(id);
      assert.deepEqual([run.status, run.conclusion], ['completed', 'cancelled']);
      const jobs = await jobsOf(id);
      assert.ok(jobs.every((j) => j.conclusion === 'cancelled'));
      assert.deepEqual(jobs[0]!.steps?.map((s) => s.conclusion), ['cancelled', 'skipped', 'skipped', 'skipped']);
      const again = await failure(gh.rest.actions.cancelWorkflowRun({ owner: OWNER, repo: REPO, run_id: id }));
      assert.equal(again.status, 409);
      assert.equal(again.response?.data.message, 'Cannot cancel a workflow run that is completed.');
      now += 31 * 24 * 60 * MIN;
      const old = await failure(gh.rest.actions.reRunWorkflow({ owner: OWNER, repo: REPO, run_id: id }));
      assert.equal(old.status, 403);
      assert.match(old.response?.data.message ?? '', /over a month ago/);
    });

    it('redirects a logs download to an archive outside the API', async () => {
      const id = await start();
      server.advanceRun(OWNER, REPO, id, { status: 'completed' });
      const res = await fetch(`${server.url}/repos/${OWNER}/${REPO}/actions/runs/${id}/logs`, { headers: { authorization: 'token test-token' }, redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = res.headers.get('location') ?? '';
      assert.match(location, new RegExp(`^${server.origin}/_fake-blob/actions-logs/`));
      const archive = Buffer.from(await (await fetch(location)).arrayBuffer());
      assert.equal(archive.subarray(0, 2).toString('latin1'), 'PK');
      assert.match(archive.toString('latin1'), /0_build\.txt/);
      const followed = await gh.rest.actions.downloadWorkflowRunLogs({ owner: OWNER, repo: REPO, run_id: id });
      assert.equal(followed.status, 200);
    });

    it('lists a dispatched run only after the configured lag (eventual consistency)', async () => {
      const lagging = await startFakeGitHub({ clock: () => now });
      try {
        lagging.addRepo(OWNER, REPO, { gitDir: remote.repo.dir, runListLag: 2 });
        const client = octokit(lagging.url);
        await client.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: OWNER, repo: REPO, workflow_id: 'deploy.yml', ...deployInputs() });
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) counts.push((await client.rest.actions.listWorkflowRunsForRepo({ owner: OWNER, repo: REPO })).data.total_count);
        assert.deepEqual(counts, [0, 0, 1]);
        lagging.assertValid();
      } finally {
        await lagging.close();
      }
    });
  });

  describe('environments and pending reviews', () => {
    it('lists and gets environments with their protection rules', async () => {
      server.addEnvironment(OWNER, REPO, {
        name: 'production',
        wait_timer: 30,
        prevent_self_review: true,
        reviewers: [{ type: 'User', login: 'alice' }, { type: 'Team', slug: 'release-managers', members: ['octocat'] }],
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
      });
      server.addEnvironment(OWNER, REPO, { name: 'staging' });
      const all = await gh.rest.repos.getAllEnvironments({ owner: OWNER, repo: REPO });
      assert.equal(all.data.total_count, 2);
      assert.deepEqual(all.data.environments?.map((e) => e.name), ['production', 'staging']);
      const prod = await gh.rest.repos.getEnvironment({ owner: OWNER, repo: REPO, environment_name: 'Production' });
      const rules = prod.data.protection_rules ?? [];
      assert.deepEqual(rules.map((r) => r.type), ['wait_timer', 'required_reviewers', 'branch_policy']);
      const reviewers = (rules[1] as { reviewers: Array<{ type: string; reviewer: { login?: string; slug?: string } }> }).reviewers;
      assert.deepEqual(reviewers.map((r) => [r.type, r.reviewer.login ?? r.reviewer.slug]), [['User', 'alice'], ['Team', 'release-managers']]);
      assert.equal((await failure(gh.rest.repos.getEnvironment({ owner: OWNER, repo: REPO, environment_name: 'qa' }))).status, 404);
      const paged = await gh.rest.repos.getAllEnvironments({ owner: OWNER, repo: REPO, per_page: 1 });
      assert.match(paged.headers.link ?? '', /rel="next"/);
    });

    it('holds a run for required reviewers until approved, then deploys', async () => {
      server.addEnvironment(OWNER, REPO, { name: 'production', reviewers: [{ type: 'User', login: 'alice' }, { type: 'Team', slug: 'release-managers', members: ['octocat'] }] });
      server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 2 * MIN, status: 'completed', conclusion: 'success' }]);
      const id = await start({ environment: 'production' });
      let run = await getRun(id);
      assert.equal(run.status, 'waiting');
      assert.deepEqual((await jobsOf(id)).map((j) => [j.name, j.status]), [['build', 'queued'], ['Deploy to production', 'waiting']]);
      now += 10 * MIN;
      assert.equal((await getRun(id)).status, 'waiting', 'scripted steps wait for the review');
      assert.throws(() => server.advanceRun(OWNER, REPO, id, { status: 'in_progress' }), /waiting for production/);
      const pending = (await gh.rest.actions.getPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: id })).data;
      assert.equal(pending.length, 1);
      assert.equal(pending[0]!.environment.name, 'production');
      assert.equal(pending[0]!.current_user_can_approve, true);
      assert.equal(pending[0]!.reviewers.length, 2);
      assert.equal(pending[0]!.wait_timer_started_at, '2024-01-15T12:00:00Z');
      assert.equal((await gh.rest.repos.listDeployments({ owner: OWNER, repo: REPO })).data.length, 0, 'nothing deployed before the review');

      const approved = await gh.rest.actions.reviewPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: id, environment_ids: [pending[0]!.environment.id!], state: 'approved', comment: 'Ship it!' });
      assert.equal(approved.data.length, 1);
      assert.deepEqual([approved.data[0]!.environment, approved.data[0]!.sha, approved.data[0]!.production_environment], ['production', remote.c2, true]);
      run = await getRun(id);
      assert.equal(run.status, 'queued');
      assert.deepEqual((await gh.rest.actions.getPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: id })).data, []);
      const reviews = (await gh.rest.actions.getReviewsForRun({ owner: OWNER, repo: REPO, run_id: id })).data;
      assert.deepEqual(reviews.map((r) => [r.state, r.comment, r.user.login, r.environments[0]?.name]), [['approved', 'Ship it!', 'octocat', 'production']]);
      now += 2 * MIN;
      run = await getRun(id);
      assert.deepEqual([run.status, run.conclusion], ['completed', 'success'], 'the script runs from the approval');
      const statuses = await gh.rest.repos.listDeploymentStatuses({ owner: OWNER, repo: REPO, deployment_id: approved.data[0]!.id });
      assert.deepEqual(statuses.data.map((s) => s.state), ['success', 'in_progress', 'queued']);
    });

    it('ends a run whose deployment is rejected', async () => {
      server.addEnvironment(OWNER, REPO, { name: 'production', reviewers: [{ type: 'User', login: 'octocat' }] });
      const id = await start({ environment: 'production' });
      const envId = server.state(OWNER, REPO).environments.find((e) => e.name === 'production')!.id;
      const res = await gh.rest.actions.reviewPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: id, environment_ids: [envId], state: 'rejected', comment: 'Not today' });
      assert.deepEqual(res.data, []);
      const run = await getRun(id);
      assert.deepEqual([run.status, run.conclusion], ['completed', 'failure']);
      assert.deepEqual((await jobsOf(id)).map((j) => [j.name, j.conclusion, j.steps?.length]), [['build', 'skipped', 0], ['Deploy to production', 'failure', 0]]);
      assert.equal((await gh.rest.repos.listDeployments({ owner: OWNER, repo: REPO })).data.length, 0);
    });

    it('refuses reviews from users who may not approve (422)', async () => {
      server.addEnvironment(OWNER, REPO, { name: 'production', reviewers: [{ type: 'User', login: 'alice' }] });
      server.addEnvironment(OWNER, REPO, { name: 'staging', prevent_self_review: true, reviewers: [{ type: 'User', login: 'octocat' }] });
      const review = (run_id: number, ids: number[]) => gh.rest.actions.reviewPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id, environment_ids: ids, state: 'approved', comment: 'ok' });
      const env = (name: string) => server.state(OWNER, REPO).environments.find((e) => e.name === name)!.id;
      const prod = await start({ environment: 'production' });
      const [pending] = (await gh.rest.actions.getPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: prod })).data;
      assert.equal(pending?.current_user_can_approve, false);
      const notReviewer = await failure(review(prod, [env('production')]));
      assert.equal(notReviewer.status, 422);
      assert.match(notReviewer.response?.data.message ?? '', /octocat is not allowed to approve deployments to production/);
      const self = await start({ environment: 'staging' });
      assert.equal((await failure(review(self, [env('staging')]))).status, 422, 'prevent_self_review: the triggering user may not approve');
      assert.equal((await failure(review(self, [env('production')]))).status, 422, 'not an environment this run waits for');
      assert.equal((await getRun(prod)).status, 'waiting');
      assert.equal((await getRun(self)).status, 'waiting');
    });

    it('releases a run after the wait timer, measured on the injected clock', async () => {
      server.addEnvironment(OWNER, REPO, { name: 'staging', wait_timer: 5 });
      const id = await start();
      const [pending] = (await gh.rest.actions.getPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: id })).data;
      assert.deepEqual([pending?.wait_timer, pending?.current_user_can_approve, pending?.reviewers.length], [5, false, 0]);
      now += 5 * MIN - 1;
      assert.equal((await getRun(id)).status, 'waiting');
      now += 1;
      const run = await getRun(id);
      assert.deepEqual([run.status, run.updated_at], ['queued', '2024-01-15T12:05:00Z']);
      const [d] = (await gh.rest.repos.listDeployments({ owner: OWNER, repo: REPO, environment: 'staging' })).data;
      assert.equal(d?.created_at, '2024-01-15T12:05:00Z');
    });
  });

  describe('deployments', () => {
    const create = (params: Record<string, unknown>) =>
      gh.request('POST /repos/{owner}/{repo}/deployments', { owner: OWNER, repo: REPO, ...params } as never) as Promise<{ status: number; data: Record<string, unknown> }>;

    it('creates deployments with GitHub defaults and its environment, lists them newest first with filters', async () => {
      const made = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', payload: { version: '1.2.3' }, description: 'release 1.2.3' });
      assert.equal(made.status, 201);
      const d = made.data as { id: number; environment: string; task: string; production_environment: boolean; transient_environment: boolean; sha: string; payload: unknown; creator: { login: string } };
      assert.deepEqual([d.environment, d.task, d.production_environment, d.transient_environment, d.sha, d.creator.login], ['production', 'deploy', true, false, remote.c2, 'octocat']);
      assert.deepEqual(d.payload, { version: '1.2.3' });
      assert.equal((await gh.rest.repos.getEnvironment({ owner: OWNER, repo: REPO, environment_name: 'production' })).status, 200, 'the environment is created on first use');
      const qa = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'v1.0.0', environment: 'qa', task: 'deploy:migrations', transient_environment: true, required_contexts: [] });
      assert.deepEqual([(qa.data as { production_environment: boolean }).production_environment, (qa.data as { sha: string }).sha], [false, remote.c1]);
      for (let i = 0; i < 40; i++) server.addDeployment(OWNER, REPO, { ref: 'main', environment: 'staging' });
      const list = async (q: Record<string, string> = {}) => gh.paginate(gh.rest.repos.listDeployments, { owner: OWNER, repo: REPO, per_page: 25, ...q });
      const all = await list();
      assert.equal(all.length, 42);
      assert.deepEqual(all.map((x) => x.id), [...all.map((x) => x.id)].sort((a, b) => b - a));
      assert.equal((await list({ environment: 'qa' })).length, 1);
      assert.equal((await list({ sha: remote.c1 })).length, 1);
      assert.equal((await list({ ref: 'main' })).length, 41);
      assert.equal((await list({ task: 'deploy:migrations' })).length, 1);
      assert.equal((await gh.rest.repos.getDeployment({ owner: OWNER, repo: REPO, deployment_id: d.id })).data.description, 'release 1.2.3');
      assert.equal((await failure(gh.rest.repos.getDeployment({ owner: OWNER, repo: REPO, deployment_id: 1 }))).status, 404);
      const unknown = await failure(gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'nope' }));
      assert.deepEqual([unknown.status, unknown.response?.data.message], [422, 'No ref found for: nope']);
      assert.equal((await failure(create({ ref: 'main', payload: 42 }))).status, 422);
    });

    it('adds statuses newest first; a success marks earlier successful deployments of the environment inactive', async () => {
      const old = server.addDeployment(OWNER, REPO, { ref: 'v1.0.0', environment: 'production', statuses: [{ state: 'success' }] });
      const failed = server.addDeployment(OWNER, REPO, { ref: 'main', environment: 'production', statuses: [{ state: 'failure' }] });
      const other = server.addDeployment(OWNER, REPO, { ref: 'main', environment: 'staging', statuses: [{ state: 'success' }] });
      const made = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', environment: 'production', required_contexts: [] });
      const id = (made.data as { id: number }).id;
      const add = (params: Record<string, unknown>) => gh.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { owner: OWNER, repo: REPO, deployment_id: id, ...params } as never) as Promise<{ status: number; data: Record<string, unknown> }>;
      const progress = await add({ state: 'in_progress', log_url: 'https://ci.example.com/1' });
      assert.deepEqual([progress.status, progress.data.target_url, progress.data.environment], [201, 'https://ci.example.com/1', 'production']);
      await add({ state: 'success', environment_url: 'https://app.example.com', description: 'live' });
      const states = async (deployment_id: number) => (await gh.rest.repos.listDeploymentStatuses({ owner: OWNER, repo: REPO, deployment_id })).data.map((s) => s.state);
      assert.deepEqual(await states(id), ['success', 'in_progress']);
      assert.deepEqual(await states(old.id), ['inactive', 'success'], 'the earlier success became inactive');
      assert.deepEqual(await states(failed.id), ['failure'], 'only successful ones');
      assert.deepEqual(await states(other.id), ['success'], 'only the same environment');
      // auto_inactive: false leaves the earlier ones alone; a status can move the deployment to another environment.
      const next = (await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', environment: 'production', required_contexts: [] })).data as { id: number };
      await gh.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: next.id, state: 'success', auto_inactive: false });
      assert.deepEqual(await states(id), ['success', 'in_progress']);
      await gh.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: next.id, state: 'success', environment: 'production-eu' });
      const moved = (await gh.rest.repos.getDeployment({ owner: OWNER, repo: REPO, deployment_id: next.id })).data;
      assert.deepEqual([moved.environment, moved.original_environment], ['production-eu', 'production']);
      assert.equal((await failure(add({ state: 'done' }))).status, 422);
      assert.equal((await failure(add({ state: 'success', description: 'x'.repeat(141) }))).status, 422);
      assert.equal((await failure(gh.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: 1, state: 'success' }))).status, 404);
      const paged = await gh.rest.repos.listDeploymentStatuses({ owner: OWNER, repo: REPO, deployment_id: id, per_page: 1 });
      assert.match(paged.headers.link ?? '', /rel="next"/);
    });

    it('answers 409 naming the contexts when commit statuses or check runs fail, honouring required_contexts', async () => {
      server.addStatus(OWNER, REPO, remote.c2, { context: 'ci/lint', state: 'success' });
      server.addStatus(OWNER, REPO, remote.c2, { context: 'ci/build', state: 'failure' });
      server.addCheckRun(OWNER, REPO, { head_sha: remote.c2, name: 'test', conclusion: 'skipped' });
      const blocked = await failure(gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main' }));
      assert.equal(blocked.status, 409);
      assert.equal(blocked.response?.data.message, 'Conflict: Commit status checks failed for main.');
      const [error] = blocked.response?.data.errors ?? [];
      assert.deepEqual([error?.resource, error?.field, error?.code], ['Deployment', 'required_contexts', 'invalid']);
      assert.deepEqual(
        (error?.contexts as Array<{ context: string; state: string }>).map((c) => `${c.context}:${c.state}`).sort(),
        ['ci/build:failure', 'ci/lint:success', 'test:skipped'],
      );
      assert.equal((await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', required_contexts: ['ci/lint', 'test'] })).status, 201);
      assert.equal((await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', required_contexts: [] })).status, 201, 'an empty list skips the check');
      const missing = await failure(gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', required_contexts: ['ci/lint', 'security'] }));
      assert.equal(missing.status, 409, 'a required context that never reported fails');
      assert.equal(server.state(OWNER, REPO).deployments.length, 2);
    });

    it('auto-merges the default branch into a branch that is behind it (202, nothing deployed) or answers 409 on conflicts', async () => {
      const branch = behindBranch();
      const head = remote.repo.head(branch);
      const merged = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: branch, required_contexts: [] });
      assert.equal(merged.status, 202);
      assert.deepEqual(merged.data, { message: `Auto-merged main into ${branch} on deployment.` });
      assert.equal(server.state(OWNER, REPO).deployments.length, 0);
      const mergeCommit = remote.repo.head(branch);
      assert.deepEqual(remote.repo.git('rev-list', '--parents', '-n', '1', mergeCommit).split(' ').slice(1), [head, remote.c2]);
      assert.equal(remote.repo.git('log', '-1', '--format=%an <%ae>|%s', mergeCommit), `GitHub <noreply@github.com>|Auto-merged main into ${branch} on deployment.`);
      const again = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: branch, required_contexts: [] });
      assert.equal(again.status, 201, 'up to date now');
      assert.equal((again.data as { sha: string }).sha, mergeCommit);

      const conflict = await failure(gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'conflict', required_contexts: [] }));
      assert.deepEqual([conflict.status, conflict.response?.data.message], [409, 'Conflict merging main into conflict.']);
      const direct = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'conflict', auto_merge: false, required_contexts: [] });
      assert.equal(direct.status, 201);
      assert.equal((await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: remote.c1, required_contexts: [] })).status, 201, 'a SHA is deployed as is');
    });
  });

  describe('faults on the deploy routes', () => {
    it('applies a dispatch and then answers 502: the run exists and is found by its correlation id', async () => {
      server.inject({ operationId: 'actions/create-workflow-dispatch', fault: { kind: 'afterApply', status: 502 } });
      const cut = await failure(dispatch('deploy.yml', deployInputs({ correlation_id: 'lost-answer' })));
      assert.equal(cut.status, 502);
      const runs = (await gh.rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'deploy.yml' })).data.workflow_runs;
      assert.deepEqual(runs.map((r) => r.display_title), ['Deploy staging (lost-answer)']);
      assert.equal(server.state(OWNER, REPO).dispatches.length, 1);
    });

    it('applies a deployment and then answers 500; rate limits and 5xx on reads; a canned 202', async () => {
      server.inject({ operationId: 'repos/create-deployment', fault: { kind: 'afterApply', status: 500 } });
      assert.equal((await failure(gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', required_contexts: [] }))).status, 500);
      assert.equal((await gh.rest.repos.listDeployments({ owner: OWNER, repo: REPO })).data.length, 1, 'created anyway');

      server.inject({ operationId: 'repos/create-deployment', fault: { kind: 'reply', status: 202, body: { message: 'Auto-merged main into topic on deployment.' } } });
      const canned = await gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main', required_contexts: [] });
      assert.equal(canned.status, 202);
      assert.equal(server.state(OWNER, REPO).deployments.length, 1, 'a canned answer changes nothing');

      const id = await start();
      server.inject({ operationId: 'actions/get-workflow-run', fault: { kind: 'rateLimit', resetInSec: 60 } });
      server.inject({ operationId: 'actions/list-jobs-for-workflow-run', fault: { kind: 'status', status: 503 } });
      server.inject({ operationId: 'actions/review-pending-deployments-for-run', fault: { kind: 'permission' } });
      const limited = await failure(getRun(id));
      assert.deepEqual([limited.status, limited.response?.headers['x-ratelimit-remaining']], [403, '0']);
      assert.equal((await failure(jobsOf(id))).status, 503);
      const denied = await failure(gh.rest.actions.reviewPendingDeploymentsForRun({ owner: OWNER, repo: REPO, run_id: id, environment_ids: [1], state: 'approved', comment: 'x' }));
      assert.equal(denied.response?.headers['x-accepted-github-permissions'], 'deployments=write');
      assert.deepEqual(server.faultsFired.map((f) => f.kind), ['afterApply', 'reply', 'rateLimit', 'status', 'permission']);
    });

    it('validates the new responses against the description (a tampered run is caught)', async () => {
      const id = await start();
      server.inject({ operationId: 'actions/get-workflow-run', fault: { kind: 'tamper', edit: (b) => ({ ...(b as object), run_number: 'one', head_repository: null }) } });
      assert.equal((await failure(getRun(id))).status, 500);
      const v = server.validationErrors[0]!;
      assert.equal(v.operationId, 'actions/get-workflow-run');
      assert.ok(v.errors.some((e) => e.instancePath === '/run_number'));
      server.inject({ operationId: 'repos/create-deployment', fault: { kind: 'reply', status: 201, body: { id: 1 } } });
      assert.equal((await failure(gh.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'main' }))).status, 500, 'a canned answer is validated too');
      assert.equal(server.validationErrors.length, 2);
      server.validationErrors.length = 0;
    });

    it('delays every page of a slow job listing', async () => {
      const id = await start();
      server.advanceRun(OWNER, REPO, id, { status: 'completed', jobs: Array.from({ length: 5 }, (_, i) => ({ name: `shard ${i}`, conclusion: 'success' as const })) });
      server.inject({ operationId: 'actions/list-jobs-for-workflow-run', times: Infinity, fault: { kind: 'delay', ms: 30 } });
      const started = Date.now();
      const jobs = await gh.paginate(gh.rest.actions.listJobsForWorkflowRun, { owner: OWNER, repo: REPO, run_id: id, per_page: 3 });
      assert.equal(jobs.length, 7);
      assert.ok(Date.now() - started >= 55);
      assert.equal(server.faultsFired.length, 3);
    });
  });
});
