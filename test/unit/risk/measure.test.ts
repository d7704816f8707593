import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { parseConfig } from '../../../src/core/config';
import { OctokitGitHubApi } from '../../../src/github/api';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { collectRisk } from '../../../src/node/risk';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { BOB, TestRepo } from '../../helpers/testRepo';

// The risk inputs measured for real: one temporary repository (a release tag, then a breaking change, a
// migration, a lockfile bump by a first-time contributor, a change and its revert) and the local GitHub
// server (Actions runs of the range's commits: a failure and a re-run; deployments of production); then
// `release-manager risk` (the JSON contract), a business-risk answer and the risk gate's sign-off.

const TOKEN = 'ghp_' + 'r'.repeat(36);
const NOW = new Date('2023-11-20T12:00:00Z');
/** A Friday, 16:00 UTC. */
const AT = '2023-11-17T16:00:00Z';
const CONFIG = {
  risk: { criticalPaths: ['migrations/**', '**/auth/**'] },
  gates: [
    { id: 'risk', kind: 'risk' },
    { id: 'calendar', kind: 'calendar', freezes: [{ from: '2023-11-18', to: '2023-11-26', reason: 'Thanksgiving freeze' }] },
  ],
};

describe('risk: measured on a repository and the local GitHub server', function () {
  this.timeout(60_000);
  let repo: TestRepo;
  let server: FakeGitHub;
  let remote: string;
  const shas: Record<string, string> = {};

  before(async () => {
    repo = TestRepo.create('rm-risk-');
    repo.commit('feat: first version', { file: 'src/app.ts' });
    repo.write('.release-manager.json', JSON.stringify(CONFIG));
    repo.git('add', '.release-manager.json');
    repo.git('commit', '-q', '-m', 'chore: configure releases');
    shas.base = repo.head();
    repo.tag('v1.0.0', { message: 'v1.0.0' });
    shas.breaking = repo.commit('feat!: drop the v1 API', { file: 'src/api.ts' });
    shas.migration = repo.commit('feat: add the users table', { files: ['migrations/001_users.sql', 'migrations/002_index.sql'] });
    shas.deps = repo.commit('chore(deps): bump left-pad', { file: 'web/package-lock.json', author: BOB });
    shas.typo = repo.commit('fix: a typo in the docs', { file: 'docs/x.md' });
    repo.git('revert', '--no-edit', shas.typo);
    shas.revert = repo.head();
    remote = mkdtempSync(join(tmpdir(), 'rm-risk-remote-'));
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, remote]);
    server = await startFakeGitHub({ token: TOKEN, clock: () => NOW.getTime() });
    server.addRepo('acme', 'widgets', { gitDir: remote });
    // CI: a failure on the migration, a re-run on the lockfile bump, a success on HEAD, and a failure before the range (not counted).
    server.addRun('acme', 'widgets', { workflow: 'ci.yml', head_sha: shas.migration, conclusion: 'failure', created_at: '2023-11-15T10:00:00Z', jobs: ['test'] });
    const rerun = server.addRun('acme', 'widgets', { workflow: 'ci.yml', head_sha: shas.deps, conclusion: 'success', created_at: '2023-11-15T11:00:00Z', jobs: ['test'] });
    rerun.run_attempt = 2;
    server.addRun('acme', 'widgets', { workflow: 'ci.yml', head_sha: shas.revert, conclusion: 'success', created_at: '2023-11-15T12:00:00Z', jobs: ['test'] });
    server.addRun('acme', 'widgets', { workflow: 'ci.yml', head_sha: shas.base, conclusion: 'failure', created_at: '2023-11-15T09:00:00Z', jobs: ['test'] });
    // Production: four deployments in the last 30 days, the third failed.
    ['2023-11-16', '2023-11-17', '2023-11-18', '2023-11-19'].forEach((day, i) =>
      server.addDeployment('acme', 'widgets', { ref: shas.base!, sha: shas.base!, environment: 'production', created_at: `${day}T10:00:00Z`, statuses: [{ state: i === 2 ? 'failure' : 'success', created_at: `${day}T10:05:00Z` }] }),
    );
  });

  after(async () => {
    await server.close();
    rmSync(remote, { recursive: true, force: true });
    TestRepo.cleanup();
  });

  const api = () => new OctokitGitHubApi({ owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: server.url, provider: 'github' }, { token: TOKEN, writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 5000 });
  const byId = (factors: { id: string }[]) => Object.fromEntries(factors.map((f) => [f.id, f])) as unknown as Record<string, { value: string; points: number | null; status: string; detail: string; howTo?: string }>;

  it('measures every factor from git, the notes engine, GitHub Actions, the deployments and the calendar', async () => {
    const local = await LocalGitRepo.open(repo.dir);
    const config = parseConfig(JSON.stringify(CONFIG));
    const facts = await collectRisk({ repo: local, config, now: NOW, at: new Date(AT), github: async () => api() });
    const i = facts.inputs;
    assert.equal(i.version, '2.0.0');
    assert.deepEqual(i.size, { ok: true, value: { commits: 5, files: 4, insertions: 4, deletions: 0, binaryFiles: 0 } });
    assert.deepEqual(i.critical, { ok: true, value: { byPattern: [{ pattern: 'migrations/**', files: ['migrations/001_users.sql', 'migrations/002_index.sql'] }, { pattern: '**/auth/**', files: [] }] } });
    assert.deepEqual(i.lockfiles, { ok: true, value: { files: ['web/package-lock.json'] } });
    assert.deepEqual(i.breaking, { ok: true, value: { count: 1, subjects: ['drop the v1 API'] } });
    assert.deepEqual(i.firstTime, { ok: true, value: { names: [BOB.name] } });
    assert.equal(i.reverts.ok && i.reverts.value.count, 1);
    assert.ok(i.failedCi.ok);
    assert.equal(i.failedCi.value.failed, 1);
    assert.equal(i.failedCi.value.reruns, 1);
    assert.deepEqual(i.failedCi.value.runs.map((r) => r.sha).sort(), [shas.migration, shas.deps].sort());
    assert.ok(i.lastRelease.ok && i.lastRelease.value.tag === 'v1.0.0' && i.lastRelease.value.date !== null);
    assert.ok(i.changeFailureRate.ok);
    assert.equal(i.changeFailureRate.value.total, 4);
    assert.equal(i.changeFailureRate.value.failed, 1);
    const f = byId(facts.assessment.factors);
    assert.equal(f.criticalPaths!.points, 20);
    assert.equal(f.dependencies!.points, 10);
    assert.equal(f.breakingChanges!.points, 15);
    assert.equal(f.failedCi!.points, 6.7);
    assert.equal(f.changeFailureRate!.points, 12.5);
    assert.equal(f.reverts!.points, 5);
    assert.equal(f.firstTimeContributors!.points, 2.5);
    assert.equal(f.sinceLastRelease!.points, 0);
    // Friday 16:00 UTC, the day before the freeze: both said, the worse (Friday afternoon) counts.
    assert.equal(f.deployTiming!.points, 15);
    assert.match(f.deployTiming!.detail, /just before the code freeze "Thanksgiving freeze"/);
    assert.equal(facts.assessment.level, 'high');
    assert.deepEqual(facts.environment, { name: 'production', strategy: 'direct' });
    server.assertValid();
  });

  it('offline (no GitHub), CI attempts are unknown and say how to get them; the rest is still measured', async () => {
    const local = await LocalGitRepo.open(repo.dir);
    const facts = await collectRisk({ repo: local, config: parseConfig(JSON.stringify(CONFIG)), now: NOW, at: new Date(AT) });
    const f = byId(facts.assessment.factors);
    assert.equal(f.failedCi!.status, 'unknown');
    assert.equal(f.failedCi!.points, null);
    assert.match(f.failedCi!.howTo!, /GITHUB_TOKEN/);
    assert.equal(f.changeFailureRate!.status, 'unknown'); // no local deploy history either
    assert.equal(f.criticalPaths!.points, 20);
    assert.ok(facts.assessment.unknown.includes('failedCi'));
  });

  it('release-manager risk prints the JSON contract, records an answer, and the risk gate wants a sign-off', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/widgets' };
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: repo.dir, env, now: NOW });
      return { code, out: out.join(''), err: err.join('') };
    };
    const first = await cli('risk', '--format', 'json', '--at', AT);
    assert.equal(first.code, 0, first.err);
    const doc = JSON.parse(first.out) as Record<string, unknown> & { factors: { id: string }[]; signOff: unknown; level: string };
    assert.deepEqual(Object.keys(doc), ['version', 'release', 'range', 'environment', 'deployAt', 'score', 'level', 'thresholds', 'factors', 'explanation', 'unknown', 'worstCase', 'signOff', 'canary']);
    assert.equal(doc.version, 1);
    assert.equal(doc.release, '2.0.0');
    assert.equal(doc.level, 'high');
    assert.equal(doc.factors.length, 15);
    assert.deepEqual(Object.keys(doc.factors[0]!), ['id', 'label', 'value', 'points', 'weight', 'detail', 'status']);
    assert.equal(doc.signOff, null);
    assert.deepEqual(doc.unknown, ['question.customer-facing', 'question.data-migration', 'question.contractual-date']);

    const answered = await cli('risk', '--format', 'json', '--at', AT, '--answer', 'data-migration=yes', '--note', 'adds the users table');
    assert.equal(answered.code, 0, answered.err);
    const q = byId((JSON.parse(answered.out) as { factors: { id: string }[] }).factors)['question.data-migration']!;
    assert.equal(q.points, 15);
    assert.match(q.detail, /^answered yes by Alice Doe <alice@example.com> on 2023-11-20 12:00: adds the users table$/);
    const file = JSON.parse(readFileSync(join(repo.dir, '.release-manager', 'signoffs.json'), 'utf8')) as { signOffs: { gateId: string; note: string; version: string }[] };
    assert.deepEqual(file.signOffs.map((s) => [s.version, s.gateId, s.note]), [['2.0.0', 'risk:data-migration', 'yes: adds the users table']]);

    const bad = await cli('risk', '--answer', 'data-migrations=yes');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /No business-risk question "data-migrations"[\s\S]*customer-facing, data-migration, contractual-date/);
    assert.equal((await cli('risk', '--at', 'friday')).code, 2);

    const before = await cli('gates', '--only', 'risk', '--format', 'json');
    const gate = (JSON.parse(before.out) as { results: { status: string; reason: string }[] }).results[0]!;
    assert.equal(gate.status, 'fail', gate.reason);
    assert.equal(before.code, 1);
    assert.equal((await cli('signoff', '--gate', 'risk', '--note', 'migration rehearsed on staging')).code, 0);
    const after = await cli('gates', '--only', 'risk', '--format', 'json');
    const passed = (JSON.parse(after.out) as { results: { status: string; reason: string }[] }).results[0]!;
    assert.equal(passed.status, 'warn', passed.reason);
    assert.match(passed.reason, /signed off by Alice Doe <alice@example.com> .*: migration rehearsed on staging/);
    const text = await cli('risk', '--at', AT);
    assert.match(text.out, /^Risk: HIGH \(score [\d.]+; medium from 30, high from 60\) for 2\.0\.0 \(v1\.0\.0\.\.HEAD\)/);
    assert.match(text.out, /Sign-off: Alice Doe <alice@example.com> on .*: migration rehearsed on staging/);
    server.assertValid();
  });
});
