import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { runDeployCommand, runRollbackCommand, type DeployDeps, type DeployFlags } from '../../../src/cli/deploy';
import type { PublishIo } from '../../../src/cli/publish';
import type { HealthSample } from '../../../src/core/deploy/health';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { GitHubDeployer } from '../../../src/github/deployer';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { ALICE, TestRepo } from '../../helpers/testRepo';
import { DEPLOY_YML } from '../../helpers/deployFixtures';

// The promotion rules and the decision log of the shared deploy flow (src/node/deploySequence.ts, src/node/promotionCheck.ts),
// through the CLI against the local GitHub server, with the clock and the health probe injected.

const OWNER = 'acme';
const REPO = 'app';
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const MIN = 60_000;
const LOG = 'RELEASE-DECISIONS.md';


const provider = { kind: 'workflow', workflow: 'deploy.yml', inputs: { environment: '{environment}', version: '{version}' } };

interface Setup {
  stagingChecks?: boolean;
  soakMs?: number;
  freeze?: boolean;
  gates?: unknown[];
}

function configFor(s: Setup = {}): ReleaseConfig {
  return parseConfig(
    JSON.stringify({
      gates: s.gates ?? [{ id: 'clean-tree', kind: 'cleanTree' }],
      deploy: {
        environments: [
          { name: 'staging', provider, ...(s.stagingChecks ? { healthChecks: [{ kind: 'http', id: 'up', url: 'https://staging.example.com/health', windowMs: 60_000, intervalMs: 15_000 }] } : {}) },
          {
            name: 'production',
            provider,
            protection: {
              requireHealthyPreviousMs: s.soakMs ?? 0,
              ...(s.freeze ? { freezes: [{ from: '2024-01-14', to: '2024-01-20', reason: 'Holiday freeze' }] } : {}),
            },
          },
        ],
      },
    }),
  );
}

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('deploy flow: promotion rules and the decision log', function () {
  // Each test builds several real repositories and runs the gates on them: give a loaded machine room.
  this.timeout(60_000);
  let test: TestRepo;
  let repo: LocalGitRepo;
  let server: FakeGitHub;
  let now = NOW;
  let probeStatus = 200;

  const deps = (): DeployDeps => ({
    createDeployer: (kind, ref, token) => new GitHubDeployer(kind, ref, { token, writeSpacingMs: 0, retryBaseMs: 5, now: () => now, sleep: async (ms) => void (now += ms) }),
    probe: { sample: async (): Promise<HealthSample> => ({ at: now, status: probeStatus, values: [] }) },
    now: () => new Date(now),
    sleep: async (ms) => void (now += ms),
  });
  const io = (out: string[], err: string[]): PublishIo => ({
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    cwd: test.dir,
    env: { GITHUB_TOKEN: 'test-token', GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: server.url },
  });
  async function run(cmd: (io: PublishIo) => Promise<number>): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await cmd(io(out, err));
    return { code, out: out.join(''), err: err.join('') };
  }
  const deploy = (config: ReleaseConfig, env: string, ref: string, extra: Partial<DeployFlags> = {}) => run((x) => runDeployCommand(repo, config, { env, ref, yes: true, ...extra }, x, deps()));
  const rollback = (config: ReleaseConfig, env: string, extra: { decisionLog?: boolean } = {}) => run((x) => runRollbackCommand(repo, config, { env, yes: true, ...extra }, x, deps()));
  const dispatched = () => server.state(OWNER, REPO).dispatches.map((d) => `${d.inputs.environment}:${d.inputs.version}`);
  const log = () => (existsSync(join(test.dir, LOG)) ? readFileSync(join(test.dir, LOG), 'utf8') : '');
  const entries = () => log().split('\n## ').slice(1);

  before(() => {
    test = TestRepo.create('rm-deploy-flow-');
    test.write('.github/workflows/deploy.yml', DEPLOY_YML);
    // The decision log is written by each finished operation; kept out of the clean-tree gate here.
    test.write('.gitignore', `${LOG}\n`);
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'ci: deploy');
    test.tag('v1.3.0');
    test.write('app.txt', 'two\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'feat: two');
    test.tag('v1.4.0');
  });

  beforeEach(async () => {
    now = NOW;
    probeStatus = 200;
    server = await startFakeGitHub({ clock: () => now });
    server.addRepo(OWNER, REPO, { gitDir: test.dir });
    server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 20_000, status: 'completed', conclusion: 'success' }]);
    repo = await LocalGitRepo.open(test.dir);
    rmSync(join(repo.gitCommonDir, 'release-manager'), { recursive: true, force: true });
    rmSync(join(test.dir, LOG), { force: true });
    rmSync(join(test.dir, 'dirty.txt'), { force: true });
  });

  afterEach(async () => {
    try {
      server.assertValid();
    } finally {
      await server.close();
    }
  });

  after(() => TestRepo.cleanup());

  it('blocks production until staging runs the commit, then until it has soaked; nothing is dispatched while blocked', async () => {
    const config = configFor({ soakMs: 60 * MIN });
    const first = await deploy(config, 'production', 'v1.4.0');
    assert.equal(first.code, 1);
    assert.match(first.err, /error: 1\.4\.0 \([0-9a-f]{7}\) must be deployed to staging before production; staging has no successful deployment\.\nfix: Deploy 1\.4\.0 to staging first\./);
    assert.match(first.err, /Not deployed: nothing was changed/);
    assert.deepEqual(dispatched(), []);

    assert.equal((await deploy(config, 'staging', 'v1.4.0')).code, 0);
    now += 10 * MIN;
    const young = await deploy(config, 'production', 'v1.4.0');
    assert.equal(young.code, 1);
    assert.match(young.err, /error: staging has been healthy with 1\.4\.0 for .* of the required 1 h.*\nfix: Wait /);
    assert.deepEqual(dispatched(), ['staging:1.4.0']);

    now += 60 * MIN;
    const soaked = await deploy(config, 'production', 'v1.4.0');
    assert.equal(soaked.code, 0, soaked.out + soaked.err);
    assert.match(soaked.out, /note: staging has no health checks: its health is its deployment status/);
    assert.deepEqual(dispatched(), ['staging:1.4.0', 'production:1.4.0']);
  });

  it('blocks production while the health checks of staging fail', async () => {
    const config = configFor({ stagingChecks: true });
    const staged = await deploy(config, 'staging', 'v1.4.0');
    assert.equal(staged.code, 0, staged.out + staged.err);
    probeStatus = 503;
    const r = await deploy(config, 'production', 'v1.4.0');
    assert.equal(r.code, 1);
    assert.match(r.err, /error: staging is unhealthy with 1\.4\.0: up: status 503 \(expected 200\)\.\nfix: /);
    assert.deepEqual(dispatched(), ['staging:1.4.0']);
    probeStatus = 200;
    const ok = await deploy(config, 'production', 'v1.4.0');
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /staging's health checks pass now/);
  });

  it('blocks production inside a code freeze unless the release is a hotfix', async () => {
    const config = configFor({ freeze: true });
    assert.equal((await deploy(config, 'staging', 'v1.4.0')).code, 0);
    const frozen = await deploy(config, 'production', 'v1.4.0');
    assert.equal(frozen.code, 1);
    assert.match(frozen.err, /error: production is in the code freeze "Holiday freeze" until the end of 2024-01-20 \(UTC\): only hotfixes may be deployed\.\nfix: /);
    assert.deepEqual(dispatched(), ['staging:1.4.0']);
    const hotfix = await deploy(config, 'production', 'v1.4.0', { hotfix: true });
    assert.equal(hotfix.code, 0, hotfix.out + hotfix.err);
    assert.match(hotfix.out, /allowed because 1\.4\.0 is a hotfix/);
    assert.deepEqual(dispatched(), ['staging:1.4.0', 'production:1.4.0']);
    // The decision log says the freeze was crossed, and why.
    const entry = entries().find((e) => e.startsWith('DEPLOY — 1.4.0 to production'));
    assert.match(entry ?? '', /^- Allowed: production is in the code freeze "Holiday freeze" until the end of 2024-01-20 \\\(UTC\\\); allowed because 1\.4\.0 is a hotfix\.$/m, entry);
  });

  it('blocks on a failing gate, and on a command gate that may not run; passes when the gates do', async () => {
    test.write('dirty.txt', 'x\n');
    const dirty = await deploy(configFor(), 'staging', 'v1.4.0');
    assert.equal(dirty.code, 1);
    assert.match(dirty.err, /error: NO-GO: 1 required gate failing: .*\nfix: Fix the blocking gates/);
    assert.deepEqual(dispatched(), []);

    const command = configFor({ gates: [{ id: 'tests', kind: 'command', argv: ['node', '-e', 'process.exit(0)'] }] });
    const notAllowed = await deploy(command, 'staging', 'v1.4.0');
    assert.equal(notAllowed.code, 1);
    assert.match(notAllowed.err, /error: NO-GO: 1 required gate unknown: Command \(requires --allow-commands\)/);
    assert.deepEqual(dispatched(), []);
    const allowed = await deploy(command, 'staging', 'v1.4.0', { allowCommands: true });
    assert.equal(allowed.code, 0, allowed.out + allowed.err);

    rmSync(join(test.dir, 'dirty.txt'));
    const clean = await deploy(configFor(), 'staging', 'v1.3.0');
    assert.equal(clean.code, 0, clean.out + clean.err);
    assert.deepEqual(dispatched(), ['staging:1.4.0', 'staging:1.3.0']);
  });

  it('rolls back without the gates (still confirmed)', async () => {
    const config = configFor();
    assert.equal((await deploy(config, 'staging', 'v1.3.0')).code, 0);
    now += 10 * MIN;
    assert.equal((await deploy(config, 'staging', 'v1.4.0')).code, 0);
    now += 10 * MIN;
    test.write('dirty.txt', 'x\n');
    assert.equal((await deploy(config, 'staging', 'v1.3.0')).code, 1, 'a deploy is gated');
    const r = await rollback(config, 'staging');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Roll back staging to 1\.3\.0\?/);
    assert.deepEqual(dispatched(), ['staging:1.3.0', 'staging:1.4.0', 'staging:1.3.0']);
  });

  it('appends exactly one decision-log entry per finished deploy or rollback, none for a repeat, none when off', async () => {
    const config = configFor();
    const d = await deploy(config, 'staging', 'v1.3.0');
    assert.equal(d.code, 0, d.out + d.err);
    assert.match(d.err, /Recorded in the decision log/);
    assert.equal(entries().length, 1);
    assert.match(log(), /^# Release decisions\n/);
    const [deployEntry] = entries();
    assert.match(deployEntry!, /^DEPLOY — 1\.3\.0 to staging — 2024-01-15T12:00:00\.000Z\n/);
    assert.match(deployEntry!, new RegExp(`- By: ${ALICE.name} &lt;${ALICE.email}&gt;`));
    assert.match(deployEntry!, /- Commit: [0-9a-f]{12} \(v1\.3\.0\)/);
    assert.match(deployEntry!, /- Outcome: healthy/);
    assert.match(deployEntry!, /- Duration: /);

    assert.equal((await deploy(config, 'staging', 'v1.3.0')).code, 0);
    assert.equal(entries().length, 1, 'a repeat is not recorded again');

    now += 10 * MIN;
    assert.equal((await deploy(config, 'staging', 'v1.4.0', { decisionLog: false })).code, 0);
    assert.equal(entries().length, 1, 'off: nothing recorded');

    now += 10 * MIN;
    const r = await rollback(config, 'staging');
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(entries().length, 2);
    const rollbackEntry = entries()[1]!;
    assert.match(rollbackEntry, /^ROLLBACK — staging to 1\.3\.0 — /);
    assert.match(rollbackEntry, /- Outcome: rolled-back/);
    assert.match(rollbackEntry, /- Rollback duration: .* \(target 5 min(, exceeded)?\)\n/);

    now += 10 * MIN;
    server.scriptRuns(OWNER, REPO, 'deploy.yml', [{ after: 20_000, status: 'completed', conclusion: 'failure' }]);
    const failed = await deploy(config, 'staging', 'v1.4.0');
    assert.equal(failed.code, 1);
    assert.equal(entries().length, 3);
    assert.match(entries()[2]!, /^DEPLOY — 1\.4\.0 to staging — [\s\S]*- Outcome: aborted — .*failure at step "Roll out"/);
  });

  it('inside a freeze, a patch release of what runs in production counts as a hotfix without --hotfix; a minor release does not', async () => {
    const config = configFor({ freeze: true });
    assert.equal((await deploy(config, 'staging', 'v1.3.0')).code, 0);
    const first = await deploy(config, 'production', 'v1.3.0');
    assert.equal(first.code, 1, 'nothing runs in production yet: not a hotfix');
    assert.match(first.out, /note: Not a hotfix: nothing runs there yet/);
    assert.equal((await deploy(config, 'production', 'v1.3.0', { hotfix: true })).code, 0);
    test.write('fix.txt', 'fixed\n');
    test.git('add', 'fix.txt');
    test.git('commit', '-q', '-m', 'fix: the fix');
    test.tag('v1.3.1');
    assert.equal((await deploy(config, 'staging', 'v1.3.1')).code, 0);
    const patch = await deploy(config, 'production', 'v1.3.1');
    assert.equal(patch.code, 0, patch.out + patch.err);
    assert.match(patch.out, /note: Treated as a hotfix: 1\.3\.1 is a patch release of 1\.3\.0, which runs there/);
    assert.equal((await deploy(config, 'staging', 'v1.4.0')).code, 0);
    const minor = await deploy(config, 'production', 'v1.4.0');
    assert.equal(minor.code, 1);
    assert.match(minor.out, /note: Not a hotfix: 1\.4\.0 is not a patch release of 1\.3\.1/);
    assert.match(minor.err, /only hotfixes may be deployed/);
    assert.deepEqual(dispatched(), ['staging:1.3.0', 'production:1.3.0', 'staging:1.3.1', 'production:1.3.1', 'staging:1.4.0']);
  });

  it('reads the previous environment through its own provider: local history before GitHub, GitHub before a local command', async () => {
    const cmd = { kind: 'command', argv: [process.execPath, '-e', 'console.log(process.argv.slice(1).join(" "))', '{environment}', '{version}'] };
    const ladder = (first: unknown, second: unknown) =>
      parseConfig(JSON.stringify({ gates: [], deploy: { environments: [{ name: 'staging', provider: first }, { name: 'production', provider: second }] } }));
    const localFirst = ladder(cmd, provider);
    const early = await deploy(localFirst, 'production', 'v1.4.0');
    assert.equal(early.code, 1);
    assert.match(early.err, /must be deployed to staging before production; staging has no successful deployment/);
    const staged = await deploy(localFirst, 'staging', 'v1.4.0', { allowCommands: true });
    assert.equal(staged.code, 0, staged.out + staged.err);
    const promoted = await deploy(localFirst, 'production', 'v1.4.0');
    assert.equal(promoted.code, 0, promoted.out + promoted.err);
    assert.deepEqual(dispatched(), ['production:1.4.0'], 'staging ran locally; production on GitHub');

    const githubFirst = ladder(provider, cmd);
    const blocked = await deploy(githubFirst, 'production', 'v1.3.0', { allowCommands: true });
    assert.equal(blocked.code, 1);
    assert.match(blocked.err, /1\.3\.0 \([0-9a-f]{7}\) must be deployed to staging before production/);
    assert.equal((await deploy(githubFirst, 'staging', 'v1.3.0')).code, 0);
    const local = await deploy(githubFirst, 'production', 'v1.3.0', { allowCommands: true });
    assert.equal(local.code, 0, local.out + local.err);
    assert.deepEqual(dispatched(), ['production:1.4.0', 'staging:1.3.0']);
  });

  it('judges the release being deployed, not the next one: its commits, and its files as committed at its tag', async () => {
    const head = test.git('rev-parse', 'HEAD').trim();
    try {
      const gates = [
        { id: 'no-fixups', kind: 'noFixups' },
        { id: 'version', kind: 'versionBumped', files: [{ path: 'VERSION', regex: '^(\\S+)$' }] },
      ];
      const config = configFor({ gates });
      // After v1.4.0: a fixup commit and a VERSION file that moved on; neither is part of 1.4.0.
      test.write('VERSION', '1.5.0-dev\n');
      test.git('add', 'VERSION');
      test.git('commit', '-q', '-m', 'fixup! feat: two');
      const missing = await deploy(config, 'staging', 'v1.4.0');
      assert.equal(missing.code, 1, 'VERSION does not exist at v1.4.0: ' + missing.out + missing.err);
      assert.match(missing.err, /gate .*Version.*VERSION/i);
      assert.doesNotMatch(missing.err, /fixup/, 'the fixup after the tag is not judged');
      assert.deepEqual(dispatched(), []);
      // A release whose own range has a fixup, and whose VERSION says its version, at its tag.
      test.git('reset', '-q', '--hard', head);
      test.write('VERSION', '1.5.0\n');
      test.git('add', 'VERSION');
      test.git('commit', '-q', '-m', 'fixup! feat: two');
      test.tag('v1.5.0');
      test.write('VERSION', '1.6.0-dev\n');
      test.git('add', 'VERSION');
      test.git('commit', '-q', '-m', 'chore: next');
      const fixup = await deploy(config, 'staging', 'v1.5.0');
      assert.equal(fixup.code, 1, fixup.out + fixup.err);
      assert.match(fixup.err, /gate No fixup or WIP commits: fail: 1 commit to squash or reword/);
      assert.doesNotMatch(fixup.err, /gate .*Version/, 'VERSION at v1.5.0 says 1.5.0 (the working tree says 1.6.0-dev)');
      const without = await deploy(configFor({ gates: [gates[1]] }), 'staging', 'v1.5.0');
      assert.equal(without.code, 0, without.out + without.err);
      assert.deepEqual(dispatched(), ['staging:1.5.0']);
    } finally {
      test.git('reset', '-q', '--hard', head);
      test.git('tag', '-d', 'v1.5.0');
    }
  });
});
