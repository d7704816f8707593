/**
 * Release planning from milestones (issue 19) on one fixture: a real repository released as v1.2.0 with
 * squash, merge, hidden-type and direct commits since, pushed to the local GitHub server, whose v1.3.0
 * milestone holds more items than one page and is on the second page of the milestones. The plan (core +
 * node adapter), the `milestone` gate through the real engine, and `release-manager plan` (JSON and text)
 * are checked against what was seeded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../../src/cli/main';
import { parseConfig, releaseConfigSchema, type ReleaseConfig } from '../../../src/core/config';
import { runGates, verdict } from '../../../src/core/gates/engine';
import type { GateResult } from '../../../src/core/gates/types';
import type { GhMilestone } from '../../../src/core/githubApi';
import { findMilestone, patternList } from '../../../src/core/plan/milestone';
import { computePlan, dueText, type ReleasePlan } from '../../../src/core/plan/plan';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { fixOf } from '../../../src/shared/checklistRows';
import { OctokitGitHubApi } from '../../../src/github/api';
import { createGateContext } from '../../../src/node/gateContext';
import { collectPlan } from '../../../src/node/plan';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { gate } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

const TOKEN = 'ghp_' + 'PlanCanary0123456789abcdefghijklmnopq'.slice(0, 36);
const NOW = new Date('2026-12-07T10:00:00Z');
const OWNER = 'acme';
const NAME = 'widgets';

describe('release plan from the milestone', function () {
  this.timeout(60_000);
  let server: FakeGitHub;
  let repo: TestRepo;
  let remote: string;
  let milestoneUrl: string;
  let plan: ReleasePlan;
  const sha: Record<string, string> = {};

  const api = () => new OctokitGitHubApi({ owner: OWNER, repo: NAME, host: 'github.com', apiUrl: server.url, provider: 'github' }, { token: TOKEN, writeSpacingMs: 0, retryBaseMs: 1, timeoutMs: 5000 });

  before(async () => {
    repo = TestRepo.create('rm-plan-');
    sha.first = repo.commit('feat: first');
    repo.tag('v1.2.0');
    sha.search = repo.commit('feat: search (#101)');
    sha.crash = repo.commit('fix: crash on save (#102)');
    repo.checkout('export', true);
    sha.export = repo.commit('feat: export');
    repo.checkout('main');
    sha.merge = repo.merge('export', 'Merge pull request #103 from acme/export\n\nExport');
    sha.chore = repo.commit('chore: bump deps (#104)');
    sha.docs = repo.commit('docs: readme');
    remote = mkdtempSync(join(tmpdir(), 'rm-plan-remote-'));
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, remote]);
    server = await startFakeGitHub({ token: TOKEN });
    server.addRepo(OWNER, NAME, { gitDir: remote });

    const ms = server.addMilestone(OWNER, NAME, { title: 'v1.3.0', due_on: '2026-12-18T08:00:00Z' });
    server.addMilestone(OWNER, NAME, { title: 'v1.2.0', state: 'closed' });
    const slip = server.addMilestone(OWNER, NAME, { title: 'slip-1.3.0' });
    // 105 older milestones, due before v1.3.0: GitHub lists milestones by due date, so v1.3.0 is on the second page.
    for (let n = 0; n < 105; n++) server.addMilestone(OWNER, NAME, { title: `sprint ${n}`, state: 'closed', due_on: new Date(Date.UTC(2025, 0, 1 + n, 8)).toISOString().replace('.000Z', 'Z') });
    const merged = '2026-12-01T10:00:00Z';
    const pull = (number: number, title: string, extra: Record<string, unknown>) => server.addPull(OWNER, NAME, { number, title, ...extra });
    pull(101, 'feat: search', { milestone: ms, merged_at: merged, merge_commit_sha: sha.search, commits: [sha.search] });
    pull(102, 'fix: crash on save', { merged_at: merged, merge_commit_sha: sha.crash });
    pull(103, 'feat: export', { milestone: ms, merged_at: merged, merge_commit_sha: sha.merge, commits: [sha.export] });
    pull(104, 'chore: bump deps', { merged_at: merged, merge_commit_sha: sha.chore });
    pull(105, 'docs: readme', { merged_at: merged, merge_commit_sha: sha.docs, labels: ['docs'] });
    pull(106, 'feat: import', { milestone: ms, labels: ['may-slip'] });
    pull(107, 'feat: abandoned idea', { milestone: ms, state: 'closed' });
    pull(108, 'feat: shipped in 1.2.0', { milestone: ms, merged_at: merged, merge_commit_sha: sha.first });
    // 120 issues in the milestone (two pages with the pull requests): every third closed, two open ones may slip.
    for (let n = 0; n < 120; n++) server.addIssue(OWNER, NAME, { number: 200 + n, title: `issue ${n}`, milestone: ms, state: n % 3 === 0 ? 'closed' : 'open', labels: n === 1 || n === 2 ? ['May-Slip'] : [] });
    server.addIssue(OWNER, NAME, { number: 400, title: 'slips', milestone: slip, labels: ['may-slip'] });
    server.addIssue(OWNER, NAME, { number: 401, title: 'done', milestone: slip, state: 'closed' });
    milestoneUrl = `https://github.com/${OWNER}/${NAME}/milestone/${ms}`;

    plan = await collectPlan({ repo: await LocalGitRepo.open(repo.dir), config: releaseConfigSchema().parse({}), github: api(), now: NOW });
  });

  after(async () => {
    server?.assertValid();
    await server?.close();
    if (remote) rmSync(remote, { recursive: true, force: true });
    TestRepo.cleanup();
  });

  describe('the plan', () => {
    it('finds the next version\'s milestone and counts its items across pages', () => {
      assert.equal(plan.version, '1.3.0');
      assert.deepEqual(plan.titles, ['v1.3.0', '1.3.0']);
      assert.deepEqual(plan.milestone, { number: plan.milestone!.number, title: 'v1.3.0', state: 'open', dueOn: '2026-12-18T08:00:00Z', daysLeft: 11, url: milestoneUrl });
      assert.deepEqual(plan.counts, { issues: { open: 80, closed: 40 }, pulls: { open: 1, merged: 3, closedUnmerged: 1 } });
      const pages = server.requests.filter((r) => r.operationId === 'issues/list-for-repo' && r.query.milestone === String(plan.milestone!.number));
      assert.ok(pages.some((r) => r.query.page === '2'), 'the second page was read');
      // The milestone itself was found on the second page of the milestones list (105 are due before it).
      const lists = server.requests.filter((r) => r.operationId === 'issues/list-milestones');
      assert.ok(lists.some((r) => r.query.page === '2'), `the milestones' second page was read: ${lists.map((r) => r.query.page ?? '1').join(', ')}`);
      assert.ok(lists.every((r) => r.query.per_page === '100'), 'read 100 at a time');
      assert.equal(plan.verdict, 'in-progress');
      assert.equal(plan.summary, 'v1.3.0: 80 issues and 1 pull request open, due Dec 18 (in 11 days); 3 merged pull requests not in the milestone');
    });

    it('the gap: open items first, then a pull request closed unmerged and one merged outside the range', () => {
      assert.equal(plan.gap.length, 83);
      assert.deepEqual(plan.gap[0], { number: 106, title: 'feat: import', url: `https://github.com/${OWNER}/${NAME}/pull/106`, kind: 'pull', labels: ['may-slip'], why: 'open' });
      assert.deepEqual(plan.gap.slice(1, 81).map((g) => [g.kind, g.why]), Array.from({ length: 80 }, () => ['issue', 'open']));
      assert.deepEqual(plan.gap.slice(81).map((g) => [g.number, g.why]), [[107, 'closed-unmerged'], [108, 'not-in-range']]);
    });

    it('the drift: merged pull requests of the range not in the milestone (squash, hidden type, found by commit)', () => {
      assert.deepEqual(plan.drift.map((d) => d.number), [102, 104, 105]);
      assert.deepEqual(plan.drift[2], { number: 105, title: 'docs: readme', url: `https://github.com/${OWNER}/${NAME}/pull/105`, labels: ['docs'], author: 'octocat', mergedAt: '2026-12-01T10:00:00Z' });
      assert.deepEqual(plan.range, { from: 'v1.2.0', to: 'HEAD', commits: 6, pulls: 5, read: 'complete' });
      assert.deepEqual(plan.warnings, []);
    });

    it('a partial lookup of the range says so and does not call merged items "not in range"', async () => {
      const partial = await collectPlan({ repo: await LocalGitRepo.open(repo.dir), config: releaseConfigSchema().parse({}), github: api(), now: NOW, maxCommits: 2 });
      assert.equal(partial.range.read, 'partial');
      assert.ok(!partial.gap.some((g) => g.why === 'not-in-range'));
      assert.ok(partial.warnings.some((w) => /drift may miss some/.test(w)), partial.warnings.join('\n'));
    });

    it('a range GitHub refuses to link is "unavailable" with the cause; the milestone is still read', async () => {
      server.inject({ method: 'GET', operationId: 'pulls/get', fault: { kind: 'status', status: 403 }, times: Infinity });
      server.inject({ method: 'GET', operationId: 'repos/list-pull-requests-associated-with-commit', fault: { kind: 'status', status: 403 }, times: Infinity });
      try {
        const cut = await collectPlan({ repo: await LocalGitRepo.open(repo.dir), config: releaseConfigSchema().parse({}), github: api(), now: NOW });
        assert.equal(cut.range.read, 'unavailable');
        assert.equal(cut.range.pulls, 0);
        assert.deepEqual(cut.drift, []);
        assert.equal(cut.counts?.issues.open, 80);
        assert.ok(cut.warnings.some((w) => /^The pull requests of the range were not read/.test(w)), cut.warnings.join('\n'));
      } finally {
        server.clearFaults();
      }
    });

    it('cancelled while reading: rejects, and the milestone\'s items are never asked for', async () => {
      const abort = new AbortController();
      const real = api();
      const github = Object.assign(Object.create(real) as OctokitGitHubApi, {
        listMilestones: async (signal?: AbortSignal) => {
          const list = await real.listMilestones(signal);
          abort.abort();
          return list;
        },
      });
      const asked = server.requests.length;
      const progress: string[] = [];
      await assert.rejects(collectPlan({ repo: await LocalGitRepo.open(repo.dir), config: releaseConfigSchema().parse({}), github, now: NOW, signal: abort.signal, onProgress: (m) => progress.push(m) }), { name: 'GitHubError', code: 'cancelled' });
      assert.ok(!server.requests.slice(asked).some((r) => r.operationId === 'issues/list-for-repo'), 'no item was read after the cancel');
      assert.deepEqual(progress.slice(0, 2), ['reading the unreleased range', 'reading the milestones']);
    });

    it('--version and plan.milestone choose the milestone; none found says which titles were tried', async () => {
      const open = await LocalGitRepo.open(repo.dir);
      const none = await collectPlan({ repo: open, config: releaseConfigSchema().parse({}), github: api(), now: NOW, version: '1.4.0-rc.1' });
      assert.equal(none.verdict, 'no-milestone');
      assert.equal(none.milestone, null);
      assert.deepEqual(none.drift, []);
      assert.equal(none.range.read, 'not-read');
      assert.match(none.summary, /^No milestone for 1\.4\.0: none is titled "v1\.4\.0" or "1\.4\.0"\. Create the milestone on GitHub, or set plan\.milestone/);
      const slip = await collectPlan({ repo: open, config: parseConfig(JSON.stringify({ plan: { milestone: 'slip-{version}' } })), github: api(), now: NOW });
      assert.equal(slip.milestone?.title, 'slip-1.3.0');
      assert.equal(slip.verdict, 'in-progress');
      assert.equal(slip.milestone?.daysLeft, null);
      assert.match(slip.summary, /1 issue open, no due date/);
    });
  });

  describe('the milestone gate', () => {
    async function gates(raws: Record<string, unknown>[], options: { config?: ReleaseConfig; github?: null } = {}): Promise<{ by: Record<string, GateResult>; decision: string }> {
      const ctx = createGateContext({ repo: await LocalGitRepo.open(repo.dir), config: options.config ?? releaseConfigSchema().parse({}), commandsAllowed: false, now: () => NOW, ...(options.github === null ? {} : { github: async () => api() }) });
      const results = await runGates(raws.map(gate), ctx);
      assert.ok(!JSON.stringify(results).includes(TOKEN));
      return { by: Object.fromEntries(results.map((r) => [r.id, r])), decision: verdict(results).decision };
    }

    it('open items block, allow-listed labels may slip, and the fix opens the milestone', async () => {
      const r = await gates([
        { id: 'ms', kind: 'milestone' },
        { id: 'ms-slip', kind: 'milestone', allowLabels: ['may-slip'] },
      ]);
      const ms = r.by.ms!;
      assert.equal(ms.status, 'fail');
      assert.match(ms.reason, /^81 open items in milestone v1\.3\.0, due Dec 18 \(in 11 days\): #106 feat: import, #201 issue 1, #202 issue 2, … \(78 more\)$/);
      assert.deepEqual(ms.fix, { label: `Close, merge or move them out of the milestone: ${milestoneUrl}`, action: { kind: 'openUrl', url: milestoneUrl } });
      assert.equal(ms.details?.split('\n').length, 81);
      // The checklist offers it as a button (the host opens http(s) links only).
      assert.deepEqual(fixOf({ id: 'ms', title: ms.title, kind: 'milestone', required: true, status: 'fail', reason: ms.reason, fixLabel: ms.fix!.label, canFix: true, fixAction: 'openUrl', manual: false }), { text: ms.fix!.label, button: 'Open on GitHub' });
      const slip = r.by['ms-slip']!;
      assert.equal(slip.status, 'fail');
      assert.match(slip.reason, /^78 open items in milestone v1\.3\.0, due Dec 18 \(in 11 days\): #204 issue 4, #205 issue 5, #207 issue 7, … \(75 more\); 3 open items may slip \(#106, #201, #202\)$/);
      assert.match(slip.details ?? '', /\nmay slip:\n#106 \(pull request\) feat: import \[may-slip\]/);
      assert.equal(r.decision, 'NO-GO');
    });

    it('only allowed items open: a warning (GO); the milestone from plan.milestone', async () => {
      const config = parseConfig(JSON.stringify({ plan: { milestone: ['none-{version}', 'slip-{version}'] } }));
      const r = await gates([{ id: 'ms', kind: 'milestone', allowLabels: ['MAY-SLIP'] }], { config });
      assert.equal(r.by.ms!.status, 'warn');
      assert.equal(r.by.ms!.reason, 'nothing blocks milestone slip-1.3.0; 1 open item may slip (#400)');
      assert.equal(r.decision, 'GO');
    });

    it('no milestone: warns by default naming the titles tried and the fix, or fails when told', async () => {
      const r = await gates([
        { id: 'w', kind: 'milestone', milestone: ['release-{version}', 'r{version}'] },
        { id: 'f', kind: 'milestone', milestone: 'release-{version}', noMilestone: 'fail' },
      ]);
      assert.equal(r.by.w!.status, 'warn');
      assert.equal(r.by.w!.reason, 'no milestone for 1.3.0 (tried "release-1.3.0" or "r1.3.0")');
      assert.match(r.by.w!.fix?.label ?? '', /^Create the milestone "release-1\.3\.0" on GitHub, or set plan\.milestone/);
      assert.equal(r.by.f!.status, 'fail');
      assert.equal(r.decision, 'NO-GO');
    });

    it('signed out or GitHub failing: unknown (which blocks), like the other GitHub gates', async () => {
      const out = await gates([{ id: 'ms', kind: 'milestone' }], { github: null });
      assert.equal(out.by.ms!.status, 'unknown');
      assert.match(out.by.ms!.fix?.label ?? '', /^Sign in to GitHub/);
      server.inject({ method: 'GET', operationId: 'issues/list-milestones', fault: { kind: 'status', status: 500 }, times: Infinity });
      try {
        const down = await gates([{ id: 'ms', kind: 'milestone' }]);
        assert.equal(down.by.ms!.status, 'unknown');
        assert.equal(down.decision, 'NO-GO');
      } finally {
        server.clearFaults();
      }
    });
  });

  describe('release-manager plan', () => {
    async function cli(argv: string[], env: Record<string, string | undefined> = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: server.url, GITHUB_REPOSITORY: `${OWNER}/${NAME}` }): Promise<{ code: number; out: string; err: string }> {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: repo.dir, env, now: NOW };
      const code = await runCli(argv, io);
      return { code, out: out.join(''), err: err.join('') };
    }

    it('--format json is the plan, exactly', async () => {
      const r = await cli(['plan', '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), JSON.parse(JSON.stringify(plan)));
    });

    it('text: the headline, counts, gap and drift (bounded), the summary', async () => {
      const r = await cli(['plan', '--repo', repo.dir]);
      assert.equal(r.code, 0, r.err);
      const lines = r.out.split('\n');
      assert.equal(lines[0], 'Plan: v1.3.0 — due Dec 18 (in 11 days) [in progress]');
      assert.ok(lines.includes('  Issues:        80 open, 40 closed'));
      assert.ok(lines.includes('  Pull requests: 1 open, 3 merged, 1 closed unmerged'));
      assert.ok(lines.includes('  Range:         v1.2.0..HEAD, 6 commits, 5 merged pull requests'));
      assert.ok(lines.includes('Gap (83): in the milestone, not merged or closed'));
      assert.ok(lines.includes('  … and 33 more (--format json has them all)'));
      assert.ok(lines.includes('Drift (3): merged in the range, not in the milestone'));
      assert.ok(lines.includes(`  #102 fix: crash on save  https://github.com/${OWNER}/${NAME}/pull/102`));
      assert.equal(lines.at(-2), plan.summary);
    });

    it('a milestone that is not there is a plan too (exit 0); bad input and no token are usage errors (exit 2)', async () => {
      const none = await cli(['plan', '--version', 'v1.4.0']);
      assert.equal(none.code, 0, none.err);
      assert.equal(none.out, 'Plan: 1.4.0 [no milestone]\nNo milestone for 1.4.0: none is titled "v1.4.0" or "1.4.0". Create the milestone on GitHub, or set plan.milestone in .release-manager.json.\n');
      const bad = await cli(['plan', '--version', 'next']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /^error: --version "next" is not a version\.\nfix: Give a version such as 1\.3\.0/);
      const format = await cli(['plan', '--format', 'markdown']);
      assert.equal(format.code, 2);
      const stray = await cli(['plan', '--env', 'x']);
      assert.equal(stray.code, 2);
      assert.match(stray.err, /--env does not apply to plan/);
      const noToken = await cli(['plan'], { GITHUB_API_URL: server.url, GITHUB_REPOSITORY: `${OWNER}/${NAME}` });
      assert.equal(noToken.code, 2);
      assert.match(noToken.err, /No GitHub token/);
    });
  });
});

describe('plan core', () => {
  const m = (title: string, extra: Partial<GhMilestone> = {}): GhMilestone => ({ number: 1, title, state: 'open', description: null, dueOn: null, openItems: 0, closedItems: 0, url: 'https://github.com/a/b/milestone/1', ...extra });

  it('first pattern wins; an open milestone before a closed one of the same title; prereleases belong to their release', () => {
    const list = [m('1.6.0', { number: 2 }), m('v1.6.0', { number: 3, state: 'closed' }), m('v1.6.0', { number: 4 })];
    assert.equal(findMilestone(list, patternList(undefined), '1.6.0-rc.2')?.number, 4);
    assert.equal(findMilestone(list, ['{version}', 'v{version}'], '1.6.0')?.number, 2);
    assert.equal(findMilestone(list, patternList('next-{version}'), '1.6.0'), null);
  });

  it('verdicts by due date, and the due text', () => {
    const open = { number: 9, title: 't', url: 'u', isPull: false, labels: [], state: 'open' as const, mergedAt: null };
    const at = (dueOn: string | null, items = [open]) =>
      computePlan({ version: '2.0.0', patterns: ['v{version}'], milestones: [m('v2.0.0', { dueOn })], items, range: { from: null, to: 'HEAD', commits: 0 }, rangePulls: [], rangeRead: 'complete', now: new Date('2026-12-31T23:30:00Z') });
    assert.equal(at('2026-12-28T08:00:00Z').verdict, 'overdue');
    assert.equal(dueText(at('2026-12-28T08:00:00Z').milestone!, new Date('2026-12-31T23:30:00Z')), 'was due Dec 28 (3 days overdue)');
    assert.equal(at('2026-12-31T08:00:00Z').verdict, 'at-risk');
    assert.equal(dueText(at('2026-12-31T08:00:00Z').milestone!, new Date('2026-12-31T23:30:00Z')), 'due Dec 31 (today)');
    assert.equal(dueText(at('2027-01-01T08:00:00Z').milestone!, new Date('2026-12-31T23:30:00Z')), 'due Jan 1, 2027 (tomorrow)');
    assert.equal(at('2027-01-03T08:00:00Z').verdict, 'in-progress');
    assert.equal(at(null).verdict, 'in-progress');
    assert.equal(at('2026-12-28T08:00:00Z', []).verdict, 'ready');
    assert.equal(at(null, []).summary, 'v2.0.0: nothing open, no due date');
    assert.equal(computePlan({ version: null, patterns: ['v{version}'], milestones: [], items: [], range: { from: null, to: 'HEAD', commits: 0 }, rangePulls: [], rangeRead: 'not-read', now: new Date() }).verdict, 'no-version');
  });

  it('the config: one pattern or a list, each with {version}', () => {
    assert.deepEqual(releaseConfigSchema().parse({}).plan.milestone, ['v{version}', '{version}']);
    assert.equal(parseConfig('{"plan":{"milestone":"Release {version}"}}').plan.milestone, 'Release {version}');
    assert.throws(() => parseConfig('{"plan":{"milestone":"v1"}}'), /plan\.milestone/);
    assert.throws(() => parseConfig('{"plan":{"milestone":[]}}'), /plan\.milestone/);
    assert.throws(() => parseConfig('{"gates":[{"id":"m","kind":"milestone","allowLabels":"x"}]}'), /gates\[0\]\.allowLabels/);
  });
});
