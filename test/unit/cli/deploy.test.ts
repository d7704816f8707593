import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { progressLine, runAnswerCommand, runDeployCommand, runRollbackCommand, runStatusCommand, type DeployDeps } from '../../../src/cli/deploy';
import type { PublishIo } from '../../../src/cli/publish';
import { UsageError } from '../../../src/core/errors';
import type { HealthSample } from '../../../src/core/deploy/health';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { GitHubDeployer } from '../../../src/github/deployer';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';
import { DEPLOY_YML } from '../../helpers/deployFixtures';

// The deploy, rollback and status commands in-process against the local GitHub server, with the
// clock, the health probe and the provider's write spacing injected.

const OWNER = 'acme';
const REPO = 'app';
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);


const CONFIG = JSON.stringify({
  deploy: {
    environments: ['staging', 'production'].map((name) => ({ name, provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { environment: '{environment}', version: '{version}' } } })),
  },
});

interface Run {
  code: number;
  out: string;
  err: string;
  asked: string[];
}

describe('release-manager deploy, rollback, status', function () {
  let test: TestRepo;
  let repo: LocalGitRepo;
  let server: FakeGitHub;
  let config: ReleaseConfig;
  let now = NOW;

  const deps = (): DeployDeps => ({
    createDeployer: (kind, ref, token) => new GitHubDeployer(kind, ref, { token, writeSpacingMs: 0, retryBaseMs: 5, now: () => now, sleep: async (ms) => void (now += ms) }),
    probe: { sample: async (): Promise<HealthSample> => ({ at: now, status: 200, values: [] }) },
    now: () => new Date(now),
    sleep: async (ms) => void (now += ms),
  });
  let signal: AbortSignal | undefined;
  const io = (answers: boolean[] | null, out: string[], err: string[], asked: string[]): PublishIo => ({
    ...(signal ? { signal } : {}),
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    cwd: test.dir,
    env: { GITHUB_TOKEN: 'test-token', GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: server.url },
    ...(answers ? { confirm: async (q: string) => (asked.push(q), answers.shift() ?? false) } : {}),
  });
  async function run(cmd: (io: PublishIo) => Promise<number>, answers: boolean[] | null = null): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const code = await cmd(io(answers, out, err, asked));
    return { code, out: out.join(''), err: err.join(''), asked };
  }
  const deploy = (env: string, extra: { ref?: string; strategy?: string; yes?: boolean } = {}, answers: boolean[] | null = null) =>
    run((x) => runDeployCommand(repo, config, { env, yes: extra.yes ?? false, ...(extra.ref ? { ref: extra.ref } : {}), ...(extra.strategy ? { strategy: extra.strategy } : {}) }, x, deps()), answers);
  const dispatched = () => server.state(OWNER, REPO).dispatches.map((d) => d.inputs.version);

  before(() => {
    test = TestRepo.create('rm-cli-deploy-');
    test.write('.github/workflows/deploy.yml', DEPLOY_YML);
    test.write('.release-manager.json', CONFIG);
    // The decision log is written by each finished operation; kept out of the clean-tree gate here.
    test.write('.gitignore', 'RELEASE-DECISIONS.md\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'ci: deploy');
    test.tag('v1.3.0');
    test.write('app.txt', 'two\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'feat: two');
    test.tag('v1.4.0');
    config = parseConfig(CONFIG);
  });

  beforeEach(async () => {
    now = NOW;
    signal = undefined;
    server = await startFakeGitHub({ clock: () => now });
    server.addRepo(OWNER, REPO, { gitDir: test.dir });
    server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 20_000, status: 'completed', conclusion: 'success' }]);
    repo = await LocalGitRepo.open(test.dir);
    rmSync(join(repo.gitCommonDir, 'release-manager'), { recursive: true, force: true });
  });

  afterEach(async () => {
    try {
      server.assertValid();
    } finally {
      await server.close();
    }
  });

  after(() => TestRepo.cleanup());

  it('deploys the version tag at HEAD to staging without a question and ends healthy (exit 0); again is not repeated', async () => {
    const r = await deploy('staging');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.asked, []);
    assert.match(r.out, /Deploy 1\.4\.0 \([0-9a-f]{12}, v1\.4\.0\) to staging of acme\/app — direct/);
    assert.match(r.out, /Deploy of 1\.4\.0 to staging \(direct\): /);
    assert.deepEqual(dispatched(), ['1.4.0']);
    const again = await deploy('staging');
    assert.equal(again.code, 0);
    assert.match(again.out, /not repeated/);
    assert.deepEqual(dispatched(), ['1.4.0'], 'a double run is one operation');
    const status = await run((x) => runStatusCommand(repo, { env: 'staging' }, x));
    assert.match(status.out, /acme\/app staging: Deploy of 1\.4\.0 to staging/);
  });

  it('asks before deploying production, needs --yes without a terminal, and changes nothing on no', async () => {
    assert.equal((await deploy('staging', { ref: 'v1.3.0' })).code, 0);
    await assert.rejects(deploy('production', { ref: 'v1.3.0' }), (e: unknown) => e instanceof UsageError && /no terminal/.test(e.message));
    const no = await deploy('production', { ref: 'v1.3.0' }, [false]);
    assert.equal(no.code, 1);
    assert.deepEqual(no.asked, ['Deploy 1.3.0 to production? [y/N] ']);
    assert.deepEqual(dispatched(), ['1.3.0']);
    const yes = await deploy('production', { ref: 'v1.3.0', yes: true });
    assert.equal(yes.code, 0, yes.out + yes.err);
    assert.deepEqual(dispatched(), ['1.3.0', '1.3.0']);
  });

  it('refuses an unknown environment, strategy or ref before anything is sent (usage errors)', async () => {
    await assert.rejects(deploy('qa'), (e: unknown) => e instanceof UsageError && /Use one of: staging, production/.test(e.fix));
    await assert.rejects(deploy('staging', { strategy: 'yolo' }), UsageError);
    await assert.rejects(deploy('staging', { ref: 'v9.9.9' }), (e: unknown) => e instanceof UsageError && /does not exist on GitHub/.test(e.message));
    assert.deepEqual(dispatched(), []);
  });

  it('says once who a run waits for when the environment has required reviewers, and goes on when approved', async () => {
    server.addEnvironment(OWNER, REPO, { name: 'production', reviewers: [{ type: 'User', login: 'octocat' }] });
    assert.equal((await deploy('staging', { ref: 'v1.4.0' })).code, 0);
    const d = deps();
    const base = d.sleep!;
    let approved = false;
    d.sleep = async (ms, s) => {
      await base(ms, s);
      // A reviewer approves on GitHub after a few polls.
      const waiting = server.state(OWNER, REPO).dispatches.length === 2 && now - NOW > 5 * 60_000;
      if (waiting && !approved) {
        const runId = server.state(OWNER, REPO).dispatches[1]!.runId!;
        const url = `${server.url}/repos/${OWNER}/${REPO}/actions/runs/${runId}/pending_deployments`;
        const headers = { authorization: 'token test-token', 'content-type': 'application/json', accept: 'application/vnd.github+json' };
        const pending = (await (await fetch(url, { headers })).json()) as Array<{ environment: { id: number } }>;
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ environment_ids: pending.map((p) => p.environment.id), state: 'approved', comment: 'Ship it' }) });
        approved = res.ok;
      }
    };
    const r = await run((x) => runDeployCommand(repo, config, { env: 'production', ref: 'v1.4.0', yes: true }, x, d));
    const lines = r.err.split('\n').filter((l) => l.startsWith('Waiting for a review'));
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0]!, /^Waiting for a review of production by octocat \(you may approve it: in the editor, or on GitHub\): https:\/\/github\.com\/acme\/app\/actions\/runs\/\d+\.$/);
    assert.ok(approved, 'approved on GitHub');
    assert.equal(r.code, 0, r.out + r.err);
  });

  it('says once that nothing picked a deployment up (no CD system posts its statuses), then asks at the timeout', async () => {
    const qa = parseConfig(JSON.stringify({ deploy: { environments: [{ name: 'qa', provider: { kind: 'deployments' } }] } }));
    const r = await run((x) => runDeployCommand(repo, qa, { env: 'qa', ref: 'v1.4.0', yes: true }, x, deps()));
    assert.equal(r.code, 1, r.out + r.err);
    const said = r.err.split('\n').filter((l) => l.includes('nothing has picked'));
    assert.equal(said.length, 1, r.err);
    assert.match(said[0]!, /^\[1\/1\] queued: no status yet: nothing has picked deployment \d+ up\. Its statuses come from your CD system \(e\.g\. a workflow on deployment events\)$/);
    assert.match(r.err, /"Deploy" has been queued since .*, past its timeout\. Wait longer, or mark it failed/);
    assert.match(r.err, /--answer wait-longer/);
  });

  it('rolls staging back to the last successful deployment before the current one', async () => {
    assert.equal((await deploy('staging', { ref: 'v1.3.0' })).code, 0);
    now += 10 * 60_000;
    assert.equal((await deploy('staging', { ref: 'v1.4.0' })).code, 0);
    now += 10 * 60_000;
    await assert.rejects(run((x) => runRollbackCommand(repo, config, { env: 'staging', yes: false }, x, deps())), UsageError, 'a rollback is always confirmed');
    const r = await run((x) => runRollbackCommand(repo, config, { env: 'staging', yes: true }, x, deps()));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Roll back staging to 1\.3\.0\?/);
    assert.deepEqual(dispatched(), ['1.3.0', '1.4.0', '1.3.0']);
    const status = await run((x) => runStatusCommand(repo, {}, x));
    assert.match(status.out, /Rollback of staging to 1\.3\.0/);
  });

  /** 1.3.0 deployed to staging, then a deploy of 1.4.0 cancelled (Ctrl-C) once its step was sent: left paused. */
  async function pausedDeployOf140(): Promise<{ code: number; err: string }> {
    assert.equal((await deploy('staging', { ref: 'v1.3.0' })).code, 0);
    now += 10 * 60_000;
    const ac = new AbortController();
    signal = ac.signal;
    const cancelling = deps();
    const base = cancelling.sleep!;
    cancelling.sleep = async (ms, s) => {
      await base(ms, s);
      if (server.state(OWNER, REPO).dispatches.length > 1) ac.abort();
    };
    const err: string[] = [];
    try {
      return { code: await runDeployCommand(repo, config, { env: 'staging', ref: 'v1.4.0', yes: false }, io(null, [], err, []), cancelling), err: err.join('') };
    } finally {
      signal = undefined;
    }
  }

  it('pauses on Ctrl-C (exit 130); a rollback meanwhile asks first, and running deploy again resumes without re-dispatching', async () => {
    const paused = await pausedDeployOf140();
    assert.equal(paused.code, 130, paused.err);
    assert.match(paused.err, /Cancelled: .*paused\. Run the command again to resume/);
    // Asked in a terminal: the rollback is confirmed, stopping the paused deploy is not.
    const rollback = await run((x) => runRollbackCommand(repo, config, { env: 'staging', yes: false }, x, deps()), [true, false]);
    assert.equal(rollback.code, 1);
    assert.deepEqual(rollback.asked, ['Roll back staging to 1.3.0? [y/N] ', 'Stop it and go ahead? [y/N] ']);
    assert.match(rollback.err, /A deploy of 1\.4\.0 is running on staging .*Roll back anyway\?[\s\S]*Nothing was changed/);
    // A deploy with --yes never asks, and does not stop another operation: it says how to.
    const other = await deploy('staging', { ref: 'v1.3.0', yes: true }, [true]);
    assert.equal(other.code, 1);
    assert.deepEqual(other.asked, []);
    assert.match(other.err, /--yes does not stop another operation for a deploy: stop it with release-manager deploy --env staging --answer abort/);
    const resumed = await deploy('staging');
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.out, /Continuing: /);
    assert.deepEqual(dispatched(), ['1.3.0', '1.4.0'], 'the step already sent is observed, not sent again');
  });

  it('rollback --yes takes over from a deploy left paused and rolls back without a question', async () => {
    assert.equal((await pausedDeployOf140()).code, 130);
    server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 1_000, status: 'completed', conclusion: 'success' }]);
    const rollback = await run((x) => runRollbackCommand(repo, config, { env: 'staging', yes: true }, x, deps()), []);
    assert.equal(rollback.code, 0, rollback.out + rollback.err);
    assert.deepEqual(rollback.asked, []);
    assert.match(rollback.err, /Superseded: Deploy of 1\.4\.0 to staging/);
    assert.match(rollback.out, /Rollback of staging to 1\.3\.0: rolled back to 1\.3\.0/);
  });

  it('--answer answers the question a refused dispatch left (retry, abort), and refuses an answer that does not fit', async () => {
    server.inject({ method: 'POST', path: /\/dispatches$/, fault: { kind: 'status', status: 422, body: { message: 'Unexpected inputs provided: ["nope"]' } } });
    const first = await deploy('staging', { ref: 'v1.3.0' });
    assert.equal(first.code, 1, first.out + first.err);
    assert.match(first.err, /Answer with: release-manager deploy --env staging --answer retry\n\s+or: release-manager deploy --env staging --answer abort/);
    const answerWith = (choice: string) => run((x) => runAnswerCommand(repo, config, { env: 'staging', answer: choice }, x, deps()));
    await assert.rejects(answerWith('mark-done'), (e: unknown) => e instanceof UsageError && /"mark-done" does not answer this question/.test(e.message) && /retry, abort/.test(e.fix));
    await assert.rejects(answerWith('yolo'), (e: unknown) => e instanceof UsageError && /Use one of: retry, abort/.test(e.fix));
    const retried = await answerWith('retry');
    assert.equal(retried.code, 0, retried.out + retried.err);
    assert.match(retried.out, /Deploy of 1\.3\.0 to staging \(direct\): 1\.3\.0 deployed to staging/);
    assert.deepEqual(dispatched(), ['1.3.0']);
    await assert.rejects(answerWith('abort'), (e: unknown) => e instanceof UsageError && /Nothing on staging waits for an answer/.test(e.message));
    // Refused again, then aborted: nothing was sent, nothing to undo.
    server.inject({ method: 'POST', path: /\/dispatches$/, fault: { kind: 'status', status: 422, body: { message: 'Unexpected inputs provided: ["nope"]' } } });
    assert.equal((await deploy('staging', { ref: 'v1.4.0' })).code, 1);
    const aborted = await answerWith('abort');
    assert.equal(aborted.code, 1, aborted.out + aborted.err);
    assert.match(aborted.out, /aborted: aborted by the user; nothing was changed/);
    assert.deepEqual(dispatched(), ['1.3.0']);
  });
});

describe('release-manager deploy progress lines', () => {
  it('keeps the step total stable when an automatic rollback adds steps, and numbers the rollback as its own phase', () => {
    const step = (label: string, phase: 'main' | 'rollback') => ({ phase, plan: { label }, state: { status: 'pending' } });
    const j = { steps: [step('Deploy', 'main'), step('Verify health', 'main'), step('Roll back', 'rollback'), step('Verify rollback', 'rollback')] } as unknown as Parameters<typeof progressLine>[0];
    assert.equal(progressLine(j, { type: 'step-started', index: 1 } as Parameters<typeof progressLine>[1]), '[2/2] Verify health…');
    assert.equal(progressLine(j, { type: 'step-started', index: 2 } as Parameters<typeof progressLine>[1]), '[rollback 1/2] Roll back…');
    assert.equal(progressLine(j, { type: 'step-failed', index: 3, reason: 'unhealthy' } as Parameters<typeof progressLine>[1]), '[rollback 2/2] failed: unhealthy');
  });
});
