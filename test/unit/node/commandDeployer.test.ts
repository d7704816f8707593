import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import '../../../src/core/config';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import { planDeploy, type DeployRelease, type PlanStep } from '../../../src/core/deploy/plan';
import type { DispatchRequest, RunObservation } from '../../../src/core/deploy/ports';
import { deploymentOutcome } from '../../../src/core/deploy/rollback';
import { prepareRollback } from '../../../src/core/deploy/run';
import { environmentSchema, type EnvironmentConfig, type ProviderHost } from '../../../src/core/deploy/schema';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { CommandDeployer, cleanLine, deployEnv, type OutputLine } from '../../../src/node/commandDeployer';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import { driveOperation } from '../../../src/node/deployFlow';
import { LocalDeployHistory } from '../../../src/node/localDeployHistory';
import { gone } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

// The command provider with real processes in real temporary git repositories: a tiny node script
// plays the deploy tool (kubectl, helm, …) and records every call it gets in a file.

const TOOL = `
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
const env = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('RELEASE_MANAGER_') || /TOKEN|SECRET|KUBECONFIG|NOT_ALLOWED/.test(k)) env[k] = v;
fs.appendFileSync(path.join(__dirname, 'calls.jsonl'), JSON.stringify({ args, env, cwd: process.cwd() }) + '\\n');
console.log('deploying ' + args.join(' '));
console.error('warn: \\u001b[31mred\\u001b[0m text');
if (args.includes('flood')) { for (let i = 0; i < 5000; i++) console.log('line ' + i + ' ' + 'x'.repeat(100)); console.log('y'.repeat(20000)); }
if (args.includes('fail')) { console.error('error: rollout of app failed'); process.exit(3); }
if (args.includes('daemon')) {
  // Leaves a daemon in its own session behind (setsid: out of the step's process group) and exits 0.
  const d = require('node:child_process').spawn('setsid', ['sleep', '300'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(__dirname, 'daemon.pid'), String(d.pid));
  d.unref();
}
if (args.includes('hang')) {
  const { spawn } = require('node:child_process');
  const kid = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(__dirname, 'grandchild.pid'), String(kid.pid));
  process.on('SIGTERM', () => {});
  setInterval(() => {}, 1000);
} else {
  console.log('done');
}
`;

const SHA_RE = /^[0-9a-f]{40}$/;
const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function envOf(provider: Record<string, unknown>, extra: Record<string, unknown> = {}): EnvironmentConfig {
  return environmentSchema().parse({ name: 'staging', provider: { kind: 'command', ...provider }, ...extra });
}

const TOOL_ARGV = [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '--weight', '{weight}'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('CommandDeployer (command provider, real processes)', function () {
  this.timeout(30_000);
  let test: TestRepo;
  let repo: LocalGitRepo;
  let v130: DeployRelease;
  let v140: DeployRelease;
  let lines: OutputLine[];
  const trusted: ProviderHost = { host: 'cli', trusted: true };

  const calls = (): Array<{ args: string[]; env: Record<string, string>; cwd: string }> => {
    const f = join(test.dir, 'tools', 'calls.jsonl');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { args: string[]; env: Record<string, string>; cwd: string }) : [];
  };
  const deployer = (host: ProviderHost = trusted, env: NodeJS.ProcessEnv = process.env) => new CommandDeployer({ repo, host, onOutput: (l) => lines.push(l), env, killGraceMs: 200 });
  const request = (env: EnvironmentConfig, release: DeployRelease, index = 0, correlationId = `op-test01-m${index}`): DispatchRequest => {
    const plan = planDeploy(env, release);
    return { environment: env, operation: 'deploy', release, step: plan.steps[index]!, correlationId };
  };
  async function until(d: CommandDeployer, handle: { provider: 'command'; executionId?: string }): Promise<RunObservation> {
    for (let i = 0; i < 300; i++) {
      const o = await d.observe(handle);
      if (o.status !== 'running') return o;
      await sleepReal(20);
    }
    assert.fail('the step did not end');
  }

  before(async () => {
    test = TestRepo.create('rm-command-deploy-');
    test.write('tools/deploy.js', TOOL);
    test.write('.gitignore', 'tools/calls.jsonl\ntools/grandchild.pid\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'ci: deploy tool');
    test.tag('v1.3.0');
    test.commit('feat: two');
    test.tag('v1.4.0', { message: 'v1.4.0' });
    repo = await LocalGitRepo.open(test.dir);
    v130 = { version: '1.3.0', sha: test.head('v1.3.0'), ref: 'v1.3.0' };
    v140 = { version: '1.4.0', sha: test.head('v1.4.0'), ref: 'v1.4.0' };
  });

  beforeEach(() => {
    lines = [];
    rmSync(join(test.dir, 'tools', 'calls.jsonl'), { force: true });
    rmSync(join(repo.gitCommonDir, 'release-manager'), { recursive: true, force: true });
  });

  after(() => TestRepo.cleanup());

  it('runs the argv (no shell) in the repository, streams its output line by line, and succeeds on exit code 0', async () => {
    const env = envOf({ argv: [...TOOL_ARGV, '$(touch pwned);|x'] });
    const d = deployer();
    const r = await d.dispatch(request(env, v140));
    assert.equal(r.kind, 'started');
    const handle = (r as { handle: { provider: 'command'; executionId?: string } }).handle;
    assert.match(handle.executionId ?? '', /^cmd-\d+-[0-9a-f]{12}$/);
    const o = await until(d, handle);
    assert.equal(o.status, 'succeeded', o.reason);
    const c = calls();
    assert.equal(c.length, 1);
    assert.deepEqual(c[0]!.args, ['staging', '1.4.0', '--weight', '100', '$(touch pwned);|x'], 'shell metacharacters are plain arguments');
    assert.equal(existsSync(join(test.dir, 'pwned')), false);
    assert.equal(c[0]!.cwd, repo.root);
    // Each stream in order (the two streams interleave as the process writes them), without ANSI escapes.
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.line), ['deploying staging 1.4.0 --weight 100 $(touch pwned);|x', 'done']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.line), ['warn: red text']);
    assert.ok(lines.every((l) => l.environment === 'staging' && l.executionId === handle.executionId));
  });

  it('passes the step values as RELEASE_MANAGER_* variables and only allow-listed, non-secret variables from its environment', async () => {
    const env = envOf({ argv: [process.execPath, 'deploy.js', '{environment}'], cwd: 'tools' }, { strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 0 }, { weight: 100, pauseMs: 0 }] } });
    const source = { PATH: process.env.PATH, HOME: '/home/x', KUBECONFIG: '/k/config', GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', NOT_ALLOWED_VAR: 'x', HELM_SECRET_KEY: 'k', RELEASE_MANAGER_VERSION: 'forged' };
    const d = deployer(trusted, source);
    const r = await d.dispatch(request(env, v140, 0, 'op-abcdef-m0'));
    assert.equal(r.kind, 'started');
    const o = await until(d, (r as { handle: { provider: 'command'; executionId?: string } }).handle);
    assert.equal(o.status, 'succeeded', o.reason);
    const c = calls()[0]!;
    assert.equal(c.cwd, join(repo.root, 'tools'));
    assert.match(c.env.RELEASE_MANAGER_RUN_ID ?? '', /^[0-9a-f-]{36}$/, 'the marker that finds the step\'s processes');
    delete c.env.RELEASE_MANAGER_RUN_ID;
    assert.deepEqual(c.env, {
      KUBECONFIG: '/k/config',
      RELEASE_MANAGER_ENVIRONMENT: 'staging',
      RELEASE_MANAGER_VERSION: '1.4.0',
      RELEASE_MANAGER_SHA: v140.sha,
      RELEASE_MANAGER_REF: 'v1.4.0',
      RELEASE_MANAGER_STRATEGY: 'canary',
      RELEASE_MANAGER_STEP: '1',
      RELEASE_MANAGER_WEIGHT: '25',
      RELEASE_MANAGER_OPERATION: 'deploy',
      RELEASE_MANAGER_CORRELATION_ID: 'op-abcdef-m0',
    });
    assert.equal(deployEnv({ HTTPS_PROXY: 'http://user:pw@proxy:8080', NO_PROXY: 'localhost' }, {}).HTTPS_PROXY, undefined, 'a proxy URL with a credential is not passed');
  });

  it('fails on a non-zero exit code with the last stderr line in the reason, and records the failure', async () => {
    const env = envOf({ argv: [...TOOL_ARGV, 'fail'] });
    const d = deployer();
    const r = await d.dispatch(request(env, v140));
    assert.equal(r.kind, 'started');
    const o = await until(d, (r as { handle: { provider: 'command'; executionId?: string } }).handle);
    assert.equal(o.status, 'failed');
    assert.equal(o.reason, 'exit code 3: error: rollout of app failed');
    const [entry] = await d.listDeployments('staging');
    assert.equal(deploymentOutcome(entry!), 'failed');
    assert.equal(entry!.statuses[0]!.description, 'exit code 3: error: rollout of app failed');
  });

  it('kills the whole process tree when the step overruns its timeout (SIGTERM ignored) and fails', async () => {
    const env = envOf({ argv: [...TOOL_ARGV, 'hang'], timeoutMs: 1000 });
    const d = deployer();
    const started = Date.now();
    const r = await d.dispatch(request(env, v140));
    assert.equal(r.kind, 'started');
    const o = await until(d, (r as { handle: { provider: 'command'; executionId?: string } }).handle);
    assert.equal(o.status, 'failed');
    assert.match(o.reason ?? '', /^timed out after 1 s and was killed/);
    assert.ok(Date.now() - started < 10_000);
    const grandchild = Number(readFileSync(join(test.dir, 'tools', 'grandchild.pid'), 'utf8'));
    await sleepReal(100);
    assert.equal(alive(grandchild), false, 'the forked child is killed too');
  });

  it('kills a daemon the step left behind in its own session (setsid) when the step exits, and still succeeds', async () => {
    const env = envOf({ argv: [...TOOL_ARGV, 'daemon'] });
    const d = deployer();
    const r = await d.dispatch(request(env, v140));
    assert.equal(r.kind, 'started');
    const o = await until(d, (r as { handle: { provider: 'command'; executionId?: string } }).handle);
    assert.equal(o.status, 'succeeded', o.reason);
    assert.equal(o.reason, 'exit code 0', 'nothing was left that could not be killed');
    const daemon = Number(readFileSync(join(test.dir, 'tools', 'daemon.pid'), 'utf8'));
    assert.ok(daemon > 0);
    // Killed, it is reparented to init, which may leave it a zombie for a while: a zombie counts as gone.
    assert.ok(await gone(daemon), 'the setsid daemon is killed with the step');
  });

  it('caps what a flooding step streams (long lines cut, the rest counted) and still decides by its exit code', async () => {
    const env = envOf({ argv: [...TOOL_ARGV, 'flood'] });
    const d = new CommandDeployer({ repo, host: trusted, onOutput: (l) => lines.push(l), maxStreamedBytes: 50_000 });
    const r = await d.dispatch(request(env, v140));
    assert.equal(r.kind, 'started');
    const o = await until(d, (r as { handle: { provider: 'command'; executionId?: string } }).handle);
    assert.equal(o.status, 'succeeded', o.reason);
    assert.ok(lines.length < 600, `${lines.length} lines passed on`);
    assert.match(lines[lines.length - 1]!.line, /^… \d+ more lines not shown \(output limit\)$/);
    assert.ok(lines.every((l) => l.line.length <= 4_000 + 20));
    assert.equal(cleanLine('y'.repeat(5000)), `${'y'.repeat(4000)}… (line cut)`);
    assert.equal(cleanLine('token ghp_abcdefghijklmnopqrstuvwxyz0123456789 \u202e\u0007done'), 'token *** done', 'credentials redacted, controls removed');
  });

  it('refuses a missing program by name, and nothing runs', async () => {
    const env = envOf({ argv: ['kubectl-that-does-not-exist', 'rollout', '{version}'] });
    const r = await deployer().dispatch(request(env, v140));
    assert.equal(r.kind, 'refused');
    assert.match((r as { reason: string }).reason, /The deploy program "kubectl-that-does-not-exist" of staging was not found/);
    const [entry] = await new LocalDeployHistory(repo.gitCommonDir).list('staging');
    assert.equal(entry!.statuses[0]!.state, 'error', 'recorded as never started, not left in progress');
    assert.match(entry!.statuses[0]!.description ?? '', /^not started: kubectl-that-does-not-exist was not found/);
  });

  it('refuses a cwd that leaves the repository through a symlink, before anything is spawned', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'rm-outside-'));
    try {
      symlinkSync(outside, join(test.dir, 'escape'));
      const env = envOf({ argv: TOOL_ARGV, cwd: 'escape' });
      const r = await deployer().dispatch(request(env, v140));
      assert.equal(r.kind, 'refused');
      assert.match((r as { reason: string }).reason, /resolves outside the repository/);
      assert.deepEqual(calls(), []);
      assert.deepEqual(await new LocalDeployHistory(repo.gitCommonDir).list('staging'), [], 'not even recorded');
      // A cwd object that skipped the schema is refused too.
      const raw = envOf({ argv: TOOL_ARGV });
      (raw.provider as { cwd: string }).cwd = '../';
      const r2 = await deployer().dispatch(request(raw, v140));
      assert.equal(r2.kind, 'refused');
      assert.match((r2 as { reason: string }).reason, /outside the repository/);
      assert.deepEqual(calls(), []);
    } finally {
      rmSync(join(test.dir, 'escape'), { force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses to run in an untrusted workspace or in the CLI without --allow-commands: refused, and nothing is spawned', async () => {
    const env = envOf({ argv: TOOL_ARGV });
    let trust = false;
    const editor = deployer({ host: 'editor', trusted: false });
    const cli = new CommandDeployer({ repo, host: () => ({ host: 'cli', trusted: trust }) });
    const e = await editor.dispatch(request(env, v140));
    assert.deepEqual(e, { kind: 'refused', reason: 'staging deploys with a local command, which runs only in a trusted workspace.' });
    const c = await cli.dispatch(request(env, v140));
    assert.deepEqual(c, { kind: 'refused', reason: 'staging deploys with a local command, which the CLI runs only with --allow-commands.' });
    assert.deepEqual(calls(), []);
    assert.deepEqual(lines, []);
    assert.equal(existsSync(join(repo.gitCommonDir, 'release-manager', 'deployments')), false, 'nothing recorded');
    trust = true; // asked at each dispatch
    const ok = await cli.dispatch(request(env, v140));
    assert.equal(ok.kind, 'started');
    await cli.settled();
    assert.equal(calls().length, 1);
  });

  it('records each step in the history file (start, then outcome; atomic writes) and rollback finds the last successful deployment there', async () => {
    const env = envOf({ argv: TOOL_ARGV });
    const d = deployer();
    const history = new LocalDeployHistory(repo.gitCommonDir);
    const r1 = await d.dispatch(request(env, v130, 0, 'op-aaaaaa-m0'));
    // Recorded before it ends: in progress.
    const during = await history.list('staging');
    assert.equal(during.length, 1);
    assert.equal(during[0]!.statuses[0]!.state, 'in_progress');
    assert.equal(r1.kind, 'started');
    await d.settled();
    const failing = deployer();
    const fail = await failing.dispatch(request(envOf({ argv: [...TOOL_ARGV, 'fail'] }), v140, 0, 'op-bbbbbb-m0'));
    assert.equal(fail.kind, 'started');
    await failing.settled();
    const d2 = deployer();
    await d2.dispatch(request(env, v140, 0, 'op-cccccc-m0'));
    await d2.settled();
    const file = join(repo.gitCommonDir, 'release-manager', 'deployments', 'staging.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; entries: Array<{ version: string; correlationId: string; statuses: Array<{ state: string }> }> };
    assert.equal(stored.kind, 'local-deployments');
    assert.equal(stored.entries.length, 3);
    assert.ok(stored.entries.every((e) => e.statuses.length === 2), 'start and outcome of each step');
    assert.deepEqual(readdirSync(join(repo.gitCommonDir, 'release-manager', 'deployments')).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock')), [], 'no temporary or lock file left');
    const list = await d.listDeployments('staging');
    assert.deepEqual(list.map((x) => `${x.version}:${deploymentOutcome(x)}`).sort(), ['1.3.0:succeeded', '1.4.0:failed', '1.4.0:succeeded']);
    assert.ok(list.every((x) => SHA_RE.test(x.sha) && x.weight === 100));
    const prepared = await prepareRollback(env, d);
    assert.equal(prepared.ok, true, prepared.ok ? '' : prepared.reason);
    if (prepared.ok) {
      assert.deepEqual(prepared.plan.release, v130);
      assert.deepEqual(prepared.plan.steps[0]!.argv, [process.execPath, 'tools/deploy.js', 'staging', '1.3.0', '--weight', '100']);
    }
  });

  it('drives a three-step canary end to end through driveOperation: one call per step, in order, healthy', async () => {
    const env = envOf({ argv: TOOL_ARGV }, { strategy: { kind: 'canary', steps: [{ weight: 10, pauseMs: 0 }, { weight: 50, pauseMs: 0 }, { weight: 100, pauseMs: 0 }] } });
    const d = deployer();
    const store = new FileDeployJournalStore(repo.gitCommonDir);
    const plan = planDeploy(env, v140);
    assert.equal(plan.steps.filter((s: PlanStep) => s.kind === 'dispatch').length, 3);
    const outcome = await driveOperation(
      { slug: 'local/app', env, deployer: d, store, key: deployJournalKey('local/app', env.name), session: 'test-session' },
      plan,
      { now: () => new Date(), sleep: (ms) => sleepReal(Math.min(ms, 20)), probe: { sample: async () => assert.fail('no health checks') }, supersede: async () => false },
    );
    assert.equal(outcome.kind, 'done');
    assert.equal((outcome as { ok: boolean }).ok, true);
    assert.deepEqual(
      calls().map((c) => c.args.join(' ')),
      ['staging 1.4.0 --weight 10', 'staging 1.4.0 --weight 50', 'staging 1.4.0 --weight 100'],
    );
    assert.deepEqual(calls().map((c) => `${c.env.RELEASE_MANAGER_STRATEGY}/${c.env.RELEASE_MANAGER_STEP}`), ['canary/1', 'canary/2', 'canary/3']);
    const history = await d.listDeployments('staging');
    assert.deepEqual(history.map((h) => h.weight).sort((a, b) => a! - b!), [10, 50, 100]);
    assert.ok(history.every((h) => deploymentOutcome(h) === 'succeeded'));
  });

  it('never repeats a step whose outcome is unknown: after a crash between the intent and the answer, it asks a person', async () => {
    const env = envOf({ argv: TOOL_ARGV });
    const store = new FileDeployJournalStore(repo.gitCommonDir);
    const key = deployJournalKey('local/app', env.name);
    const plan = planDeploy(env, v140);
    const hooks = { now: () => new Date(), sleep: (ms: number) => sleepReal(Math.min(ms, 20)), probe: { sample: async () => assert.fail('no health checks') }, supersede: async () => false };
    // A journal left by a session that crashed right after the dispatch intent was on disk.
    const first = startOperation(null, { repo: 'local/app', id: 'op-crash01', session: 'gone', env, plan }, new Date());
    assert.equal(first.kind, 'start');
    if (first.kind !== 'start') return;
    first.journal.steps[0]!.state = { status: 'sending', at: new Date().toISOString() };
    await store.write(key, first.journal, null);
    // Another session resumes: the step was never recorded as started here, so it is absent — asked, not re-run.
    const d = deployer();
    const outcome = await driveOperation({ slug: 'local/app', env, deployer: d, store, key, session: 'new-session' }, plan, hooks);
    assert.equal(outcome.kind, 'ask');
    const a = (outcome as { stop: { action: { reason: string; choices: string[] } } }).stop.action;
    assert.match(a.reason, /may or may not have been sent.*No run or deployment with correlation id op-crash01-m0 was found/);
    assert.deepEqual(a.choices, ['inspect', 'mark-sent', 'retry', 'abort']);
    assert.deepEqual(calls(), [], 'nothing was run again');
  });

  it('does not guess the outcome of a step another process was running when it died: past the deadline it asks a person', async () => {
    const env = envOf({ argv: TOOL_ARGV, timeoutMs: 1000 });
    const store = new FileDeployJournalStore(repo.gitCommonDir);
    const key = deployJournalKey('local/app', env.name);
    const plan = planDeploy(env, v140);
    const history = new LocalDeployHistory(repo.gitCommonDir);
    const ghost = await history.started({ provider: 'command', environment: 'staging', sha: v140.sha, ref: 'v1.4.0', version: '1.4.0', weight: 100, correlationId: 'op-dead01-m0', executionId: 'cmd-1-0123456789ab', operation: 'deploy', step: 1 });
    const first = startOperation(null, { repo: 'local/app', id: 'op-dead01', session: 'gone', env, plan }, new Date());
    if (first.kind !== 'start') return assert.fail(first.kind);
    const at = new Date(Date.now() - 5_000).toISOString();
    first.journal.steps[0]!.state = { status: 'sent', at, handle: { provider: 'command', executionId: ghost.executionId }, deadline: new Date(Date.now() - 4_000).toISOString() };
    await store.write(key, first.journal, null);
    const outcome = await driveOperation({ slug: 'local/app', env, deployer: deployer(), store, key, session: 'new-session' }, plan, {
      now: () => new Date(),
      sleep: (ms) => sleepReal(Math.min(ms, 20)),
      probe: { sample: async () => assert.fail('no health checks') },
      supersede: async () => false,
    });
    assert.equal(outcome.kind, 'ask');
    const a = (outcome as { stop: { action: { reason: string; choices: string[] } } }).stop.action;
    assert.match(a.reason, /has been running since .* past its timeout/);
    assert.deepEqual(a.choices, ['wait-longer', 'mark-failed', 'inspect']);
    assert.deepEqual(calls(), [], 'nothing was run again');
  });

  it('reports an execution of another process honestly: its recorded outcome, or ambiguous while its outcome was never recorded', async () => {
    const env = envOf({ argv: TOOL_ARGV });
    const history = new LocalDeployHistory(repo.gitCommonDir);
    const step = planDeploy(env, v140).steps[0]!;
    const req = { environment: env, step, correlationId: 'op-other1-m0', since: 0 };
    const fresh = deployer();
    assert.deepEqual(await fresh.find(req), { kind: 'absent' });
    // Started by a process that crashed: in progress forever.
    const ghost = await history.started({ provider: 'command', environment: 'staging', sha: v140.sha, ref: 'v1.4.0', version: '1.4.0', weight: 100, correlationId: 'op-other1-m0', executionId: 'cmd-1-deadbeef0000', operation: 'deploy', step: 1 });
    const f = await fresh.find(req);
    assert.equal(f.kind, 'ambiguous');
    assert.match((f as { detail: string }).detail, /outcome was never recorded.*cannot be observed from here/);
    // Recorded by this process (another deployer of it): it records the outcome, so it runs.
    const o = await fresh.observe({ provider: 'command', executionId: ghost.executionId });
    assert.deepEqual([o.status, o.unobservable], ['running', undefined]);
    // Recorded by a process on this machine that is gone: nobody will record the outcome, a person decides now.
    const file = join(repo.gitCommonDir, 'release-manager', 'deployments', 'staging.json');
    const setPid = (pid: number) => {
      const h = JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<{ executionId: string; pid: number }> };
      h.entries.find((e) => e.executionId === ghost.executionId)!.pid = pid;
      writeFileSync(file, JSON.stringify(h));
    };
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    setPid(dead);
    const lost = await fresh.observe({ provider: 'command', executionId: ghost.executionId });
    assert.deepEqual([lost.status, lost.unobservable], ['running', true]);
    assert.match(lost.reason ?? '', new RegExp(`the process that ran it \\(pid ${dead}\\) is gone without recording its outcome`));
    // A live process of this machine records it: still running.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      setPid(sleeper.pid!);
      const live = await fresh.observe({ provider: 'command', executionId: ghost.executionId });
      assert.deepEqual([live.status, live.unobservable], ['running', undefined]);
      assert.match(live.reason ?? '', /another process on this machine/);
    } finally {
      sleeper.kill();
    }
    // Its outcome was recorded after all: found, and observed from the history.
    await history.finished('staging', ghost.executionId, 'success', 'exit code 0');
    assert.deepEqual(await fresh.find(req), { kind: 'found', handle: { provider: 'command', executionId: ghost.executionId } });
    assert.deepEqual(await fresh.observe({ provider: 'command', executionId: ghost.executionId }), { status: 'succeeded', reason: 'exit code 0' });
    // A step started by this deployer is found by its correlation id.
    const mine = await fresh.dispatch(request(env, v140, 0, 'op-mine01-m0'));
    assert.equal(mine.kind, 'started');
    assert.deepEqual(await fresh.find({ ...req, correlationId: 'op-mine01-m0' }), { kind: 'found', handle: (mine as { handle: object }).handle });
    await fresh.settled();
  });

  it('resolves refs and commits with the local repository, and has no reviews', async () => {
    const d = deployer();
    assert.equal(await d.resolveRef('v1.4.0'), v140.sha, 'an annotated tag resolves to its commit');
    assert.equal(await d.resolveRef('v9.9.9'), null);
    assert.equal(await d.resolveRef('--upload-pack=x'), null);
    assert.equal(await d.commitExists(v130.sha), true);
    assert.equal(await d.commitExists('0'.repeat(40)), false);
    await assert.rejects(d.review(), /no reviews/);
  });
});
