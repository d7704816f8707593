import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../../src/cli/main';
import { TestRepo } from '../../helpers/testRepo';
import { createFlag, sharedUnleash, unleashRequired, type TestUnleash } from '../../helpers/unleash';

// `release-manager flag status|rollout|kill` in-process against the real Unleash of this mocha run:
// the token from the variable the config names, the JSON contract of status, exit codes.

describe('release-manager flag (real Unleash)', function () {
  this.timeout(120_000);
  let u: TestUnleash;
  let test: TestRepo;
  let flag: string;

  async function cli(env: Record<string, string | undefined>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: test.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } };
    const code = await runCli(argv, io);
    return { code, out: out.join(''), err: err.join('') };
  }
  const token = () => ({ MY_UNLEASH: u.adminToken });

  before(async function () {
    this.timeout(15 * 60_000);
    const server = await sharedUnleash();
    if (!server) {
      assert.ok(!unleashRequired());
      this.skip();
    }
    u = server;
    flag = await createFlag(u, `rm-cli-${process.pid}`);
    test = TestRepo.create('rm-cli-flags-');
    test.write('.release-manager.json', JSON.stringify({ gates: [], flags: { provider: { kind: 'unleash', url: u.url, tokenEnv: 'MY_UNLEASH' }, rollouts: [{ flag, environment: 'production', steps: [5, 100], hold: '1s' }] } }));
    test.write('.gitignore', 'RELEASE-DECISIONS.md\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'chore: config');
  });
  after(() => TestRepo.cleanup());

  it('status --format json prints {flag, environment, enabled, rollout} for the configured flags', async () => {
    const r = await cli(token(), 'flag', 'status', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as { flag: string; environment: string; enabled: boolean; rollout: number }[];
    assert.deepEqual(rows.map(({ flag: f, environment, enabled, rollout }) => ({ flag: f, environment, enabled, rollout })), [{ flag, environment: 'production', enabled: false, rollout: 0 }]);
  });

  it('rollout --to sets the percentage now and reads it back; rollout ramps; kill switches it off and records it', async () => {
    const to = await cli(token(), 'flag', 'rollout', '--flag', flag, '--env', 'production', '--to', '5', '--yes');
    assert.equal(to.code, 0, to.err);
    assert.match(to.err, /\[1\/1\] 5%: set and read back: on at 5%/);
    const ramp = await cli(token(), 'flag', 'rollout', '--flag', flag, '--env', 'production', '--yes');
    assert.equal(ramp.code, 0, ramp.err);
    assert.match(ramp.err, /steps: 100%/, 'a ramp of a flag already at 5% goes on from there');
    assert.match(ramp.out, /is on at 100% in production/);
    const status = await cli(token(), 'flag', 'status', '--flag', flag, '--env', 'production');
    assert.match(status.out, new RegExp(`^${flag} production: on, rollout 100% \\(last change: admin, `));
    const kill = await cli(token(), 'flag', 'kill', '--flag', flag, '--env', 'production', '--yes', '--note', 'errors up');
    assert.equal(kill.code, 0, kill.err);
    assert.match(kill.out, /is off in production \(was on at 100%\)/);
    assert.match(readFileSync(join(test.dir, 'RELEASE-DECISIONS.md'), 'utf8'), /## FLAG KILL — .*\n\n- By: .*\n- Before: on at 100%\n- After: off \(rollout 100%\)\n- Why: errors up/);
  });

  it('without the token, or with a wrong one, the error names the variable and the exit code says so', async () => {
    const none = await cli({}, 'flag', 'status');
    assert.equal(none.code, 2);
    assert.match(none.err, /error: No Unleash token: MY_UNLEASH is not set/);
    const wrong = await cli({ MY_UNLEASH: '*:*.wrong-secret-value' }, 'flag', 'status');
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /Unleash refused MY_UNLEASH \(401/);
    assert.doesNotMatch(wrong.err, /wrong-secret-value/);
  });

  it('refuses options and values that do not apply (usage errors, exit 2)', async () => {
    for (const argv of [
      ['flag', 'rollout', '--flag', flag, '--env', 'production', '--to', '101', '--yes'],
      ['flag', 'rollout', '--flag', flag, '--yes'],
      ['flag', 'kill', '--flag', flag, '--env', 'production', '--format', 'json'],
      ['flag', 'status', '--format', 'markdown'],
      ['flag', 'launch'],
      ['notes', '--flag', flag],
    ]) {
      const r = await cli(token(), ...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, /^error: /);
    }
  });

  it('a deploy runs the flag stages of its environment after the code is deployed, and not when the deploy fails', async () => {
    const stage = await createFlag(u, `rm-stage-${process.pid}`);
    const repo = TestRepo.create('rm-cli-flag-stage-');
    repo.write('tools/deploy.js', "if (process.argv[2] === '0.2.0') { console.error('0.2.0 does not start'); process.exit(1); }\nconsole.log('deployed ' + process.argv[2]);\n");
    repo.write('.release-manager.json', JSON.stringify({
      gates: [],
      deploy: { environments: [{ name: 'staging', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{version}'] } }] },
      flags: { provider: { kind: 'unleash', url: u.url, tokenEnv: 'MY_UNLEASH' }, rollouts: [{ flag: stage, environment: 'development', steps: [20, 100], hold: '1s', afterDeploy: 'staging' }] },
    }));
    repo.write('.gitignore', 'RELEASE-DECISIONS.md\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'feat: first');
    repo.tag('v0.2.0');
    const saved = test;
    test = repo;
    try {
      const failed = await cli(token(), 'deploy', '--env', 'staging', '--allow-commands', '--yes');
      assert.equal(failed.code, 1, failed.err);
      assert.doesNotMatch(failed.err, /flag stage/);
      repo.commit('fix: start');
      repo.tag('v0.2.1');
      const ok = await cli(token(), 'deploy', '--env', 'staging', '--allow-commands', '--yes');
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.err, new RegExp(`flag stage after the deploy to staging: ${stage} in development`));
      assert.match(ok.err, /\[1\/2\] 20%: set and read back: on at 20%/);
      const status = await cli(token(), 'flag', 'status', '--flag', stage, '--env', 'development', '--format', 'json');
      assert.deepEqual((JSON.parse(status.out) as { enabled: boolean; rollout: number }[]).map((r) => [r.enabled, r.rollout]), [[true, 100]]);
    } finally {
      test = saved;
    }
  });

  it('without a terminal and without --yes a rollout changes nothing', async () => {
    const r = await cli(token(), 'flag', 'rollout', '--flag', flag, '--env', 'production', '--to', '50');
    assert.equal(r.code, 2);
    assert.match(r.err, /no terminal to ask on/);
  });
});
