import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../../src/cli/main';
import { parseConfig } from '../../../src/core/config';
import type { MetricsReport } from '../../../src/core/metrics/report';
import { defaultMetricsEnvironment } from '../../../src/node/metrics';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

// `release-manager metrics` on a real local deploy history made by real `deploy` and `rollback` runs
// of a command provider (a tiny node script plays the deploy tool and fails for 1.2.0), on a
// repository whose commits are backdated so the lead times mean something. No GitHub.

const TOOL = `
if (process.argv[3] === '1.2.0' && process.argv[4] === 'deploy') { console.error('1.2.0 does not start'); process.exit(1); }
console.log('rolled out ' + process.argv.slice(2).join(' '));
`;

describe('release-manager metrics on a local deploy history', function () {
  this.timeout(60_000);
  let test: TestRepo;
  let report: MetricsReport;
  const H = 3_600_000;

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: test.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } };
    const code = await runCli(argv, io);
    return { code, out: out.join(''), err: err.join('') };
  }

  function commitAt(message: string, hoursAgo: number): void {
    const date = `${Math.floor((Date.now() - hoursAgo * H) / 1000)} +0000`;
    test.write(`src/${message.replace(/\W+/g, '-')}.txt`, message);
    test.git('add', '-A');
    test.gitWith({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, 'commit', '-q', '-m', message);
  }

  before(async () => {
    test = TestRepo.create('rm-cli-metrics-');
    test.write('tools/deploy.js', TOOL);
    test.write('.release-manager.json', JSON.stringify({ gates: [], deploy: { environments: [{ name: 'production', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{operation}'] } }] } }));
    test.write('.gitignore', 'RELEASE-DECISIONS.md\n');
    commitAt('ci: deploy tool', 30);
    test.tag('v1.0.0');
    commitAt('feat: export', 3);
    test.tag('v1.1.0');
    commitAt('feat: import', 2);
    test.tag('v1.2.0');
    commitAt('fix: import of empty files', 1);
    test.tag('v1.2.1');
    const deploy = async (...argv: string[]) => {
      const r = await cli(...argv, '--allow-commands', '--yes');
      return r.code;
    };
    assert.equal(await deploy('deploy', '--env', 'production', '--ref', 'v1.0.0'), 0);
    assert.equal(await deploy('deploy', '--env', 'production', '--ref', 'v1.1.0'), 0);
    assert.equal(await deploy('rollback', '--env', 'production'), 0);
    assert.equal(await deploy('deploy', '--env', 'production', '--ref', 'v1.2.0'), 1);
    assert.equal(await deploy('deploy', '--env', 'production', '--ref', 'v1.2.1'), 0);
    const r = await cli('metrics', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    report = JSON.parse(r.out) as MetricsReport;
  });

  after(() => TestRepo.cleanup());

  it('counts the deployments the deploys and the rollback recorded', async () => {
    const history = JSON.parse(readFileSync(join((await LocalGitRepo.open(test.dir)).gitCommonDir, 'release-manager', 'deployments', 'production.json'), 'utf8')) as { entries: unknown[] };
    assert.equal(history.entries.length, 5);
    assert.equal(report.environment, 'production');
    assert.deepEqual(report.deployments, { total: 5, succeeded: 3, failed: 2, rolledBack: 1, inProgress: 0 });
    assert.deepEqual(report.list!.map((l) => `${l.version} ${l.outcome}${l.rollback ? ' rollback' : ''}${l.rolledBack ? ' rolled-back' : ''}`), [
      '1.0.0 succeeded',
      '1.1.0 failed rolled-back',
      '1.0.0 succeeded rollback',
      '1.2.0 failed',
      '1.2.1 succeeded',
    ]);
    assert.equal(report.successRate, 0.6);
    assert.deepEqual(report.changeFailureRate, { ratio: 0.5, failed: 2, total: 4 });
    assert.deepEqual(report.rollbackRate, { ratio: 0.25, rolledBack: 1, releases: 4 });
    assert.equal(report.rollbackTime.count, 1);
    assert.equal(report.recovery.count, 2);
    assert.ok(report.recovery.medianMinutes! < 5, String(report.recovery.medianMinutes));
  });

  it('measures lead time from the backdated commits to the deploy that shipped them', () => {
    // 1.2.1 shipped the three commits since 1.0.0 (1.1.0 was rolled back): made 3, 2 and 1 hours ago.
    assert.equal(report.leadTime.commits, 3);
    assert.ok(Math.abs(report.leadTime.medianHours! - 2) < 0.2, String(report.leadTime.medianHours));
    assert.equal(report.targets.find((t) => t.id === 'leadTime')!.met, true);
    assert.ok(report.warnings.some((w) => /first known deployment/.test(w)));
    assert.ok(report.warnings.some((w) => /No GitHub repository or token/.test(w)));
  });

  it('prints text with the warnings on stderr, and a markdown report; exit 0 although targets are missed', async () => {
    const text = await cli('metrics', '--env', 'production', '--since', '30d');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^Release metrics for production, /);
    assert.match(text.out, /Deployments {10}5 \(3 succeeded, 2 failed, 1 rolled back, 0 in progress\)/);
    assert.match(text.out, /Change failure rate 50% ✗ < 15%/);
    assert.match(text.err, /^warning: No GitHub repository or token/m);
    const md = await cli('metrics', '--format', 'markdown');
    assert.equal(md.code, 0);
    assert.match(md.out, /\| Deployment success rate \| 60% \(3 of 5 deployments\) \| > 99\.5% \| ✗ \|/);
  });

  it('an empty window is computed (n/a, with a warning), not an error', async () => {
    const r = await cli('metrics', '--format', 'json', '--since', '2020-01-01', '--until', '2020-02-01');
    assert.equal(r.code, 0, r.err);
    const empty = JSON.parse(r.out) as MetricsReport;
    assert.equal(empty.deployments.total, 0);
    assert.equal(empty.successRate, null);
    assert.ok(empty.warnings.some((w) => /No deployment of production in the window/.test(w)));
  });

  it('usage and config errors exit 2 with the fix', async () => {
    for (const [argv, message] of [
      [['metrics', '--format', 'xml'], /--format "xml" is not supported by metrics/],
      [['metrics', '--since', 'yesterday'], /--since "yesterday" is not a date or a span/],
      [['metrics', '--since', '2026-12-01', '--until', '2026-11-01'], /window is empty/],
      [['metrics', '--env', 'staging'], /Unknown environment "staging"/],
      [['metrics', '--ref', 'v1.0.0'], /--ref does not apply to metrics/],
      [['notes', '--since', '30d'], /--since applies to metrics only/],
      [['metrics', '--repo', join(test.dir, 'nope')], /does not exist/],
    ] as const) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, message);
      assert.match(r.err, /^fix: /m);
    }
  });
});

describe('release-manager metrics: the default environment', () => {
  it('is metrics.environment, else production, else the last environment of the ladder', () => {
    const ladder = (names: string[], extra: Record<string, unknown> = {}) =>
      parseConfig(JSON.stringify({ ...extra, deploy: { environments: names.map((name) => ({ name, provider: { kind: 'command', argv: ['true'] } })) } }));
    assert.equal(defaultMetricsEnvironment(parseConfig('{}')), 'production');
    assert.equal(defaultMetricsEnvironment(ladder(['staging', 'production', 'dr'])), 'production');
    assert.equal(defaultMetricsEnvironment(ladder(['dev', 'live'])), 'live');
    assert.equal(defaultMetricsEnvironment(ladder(['dev', 'qa'])), 'qa');
    assert.equal(defaultMetricsEnvironment(ladder(['dev', 'qa'], { metrics: { environment: 'dev' } })), 'dev');
  });
});
