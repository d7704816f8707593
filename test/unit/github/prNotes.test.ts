import assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { draftNotes } from '../../../src/core/draft';
import { ConfigError, GitHubError } from '../../../src/core/errors';
import type { ReleaseNotes } from '../../../src/core/notes';
import type { GitHubRepoRef } from '../../../src/core/remote';
import { renderMarkdown } from '../../../src/core/render';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { OctokitGitHubApi } from '../../../src/github/api';
import { fetchPullData, unlinkedWarning, withPullRequests } from '../../../src/github/prNotes';
import { readReleaseYml } from '../../../src/node/releaseYml';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { ALICE, BOB, CAROL, TestRepo } from '../../helpers/testRepo';

const OWNER = 'acme';
const REPO = 'rocket';
const RELEASE_YML = `# https://docs.github.com/en/repositories/releasing-projects-on-github/automatically-generated-release-notes
changelog:
  exclude:
    labels:
      - ignore-for-release
  categories:
    - title: New Features 🎉
      labels: [enhancement]
    - title: Fixes 🐛
      labels:
        - bug
    - title: Other Changes
      labels: ["*"]
`;

interface World {
  repo: TestRepo;
  squash: string;
  prFix: string;
  prDocs: string;
  merge: string;
  rebased: string;
  directFix: string;
  ignored: string;
}

/**
 * v1.0.0, then: a squash merge `(#12)`, a true merge of PR #13's branch (two commits), a rebase
 * merge of PR #14 (no reference in the message), a direct fix, and a squash of an excluded PR #15.
 */
function buildRepo(): World {
  const repo = TestRepo.create('rm-prnotes-');
  repo.write('.github/release.yml', RELEASE_YML);
  repo.git('add', '.github/release.yml');
  repo.commit('feat: first');
  repo.tag('v1.0.0', { message: 'release 1.0.0' });
  const squash = repo.commit('feat(api): add search (#12)', { author: BOB });
  repo.checkout('carol/empty', true);
  const prFix = repo.commit('fix: handle empty input', { author: CAROL });
  const prDocs = repo.commit('docs: explain empty input', { author: CAROL });
  repo.checkout('main');
  const merge = repo.merge('carol/empty', 'Merge pull request #13 from carol/empty\n\nHandle empty input');
  const rebased = repo.commit('feat: export csv');
  const directFix = repo.commit('fix: direct fix');
  const ignored = repo.commit('feat: internal toggle (#15)', { author: BOB });
  return { repo, squash, prFix, prDocs, merge, rebased, directFix, ignored };
}

function seed(server: FakeGitHub, w: World): void {
  server.addRepo(OWNER, REPO, { gitDir: w.repo.dir });
  server.setUserLogin(ALICE.email, 'alice-gh');
  server.setUserLogin(BOB.email, 'bob-gh');
  server.setUserLogin(CAROL.email, 'carol-gh');
  const merged = '2024-01-02T00:00:00Z';
  server.addPull(OWNER, REPO, { number: 12, title: 'feat(api): add search', labels: ['enhancement'], user: 'bob-gh', merged_at: merged, merge_commit_sha: w.squash });
  server.addPull(OWNER, REPO, {
    number: 13,
    title: 'Handle empty input',
    labels: ['bug'],
    user: 'carol-gh',
    head: { ref: 'carol/empty' },
    commits: [w.prFix, w.prDocs],
    merged_at: merged,
    merge_commit_sha: w.merge,
  });
  server.addPull(OWNER, REPO, { number: 14, title: 'feat: export csv', labels: ['tooling'], user: 'alice-gh', commits: [w.rebased], merged_at: merged, merge_commit_sha: w.rebased });
  server.addPull(OWNER, REPO, { number: 15, title: 'feat: internal toggle', labels: ['ignore-for-release'], user: 'bob-gh', merged_at: merged, merge_commit_sha: w.ignored });
  // An open pull request that happens to contain the direct fix: not the one that brought it in.
  server.addPull(OWNER, REPO, { number: 16, title: 'wip: experiments', labels: ['enhancement'], commits: [w.directFix] });
}

function refOf(server: FakeGitHub): GitHubRepoRef {
  return { owner: OWNER, repo: REPO, host: 'github.com', apiUrl: server.url, provider: 'github' };
}

function apiFor(server: FakeGitHub, token = 'test-token'): OctokitGitHubApi {
  return new OctokitGitHubApi(refOf(server), { token, apiUrl: server.url, writeSpacingMs: 0, retryBaseMs: 1, timeoutMs: 5000 });
}

const outline = (n: ReleaseNotes) => n.sections.map((s) => [s.title, s.entries.map((e) => e.subject)]);

describe('github/prNotes against the fake GitHub', () => {
  let server: FakeGitHub;
  let w: World;
  let gitOnly: ReleaseNotes;

  before(async () => {
    w = buildRepo();
    gitOnly = await draftNotes(await LocalGitRepo.open(w.repo.dir), defaultConfig());
  });
  beforeEach(async () => {
    server = await startFakeGitHub();
    seed(server, w);
  });
  afterEach(async () => {
    await server.close();
    server.assertValid();
  });
  after(() => TestRepo.cleanup());

  it('reads .github/release.yml from the repository root', async () => {
    const yml = await readReleaseYml(w.repo.dir);
    assert.ok(yml);
    assert.equal(yml.file, '.github/release.yml');
    assert.deepEqual(yml.exclude.labels, ['ignore-for-release']);
    assert.deepEqual(
      yml.categories.map((c) => [c.title, c.labels]),
      [
        ['New Features 🎉', ['enhancement']],
        ['Fixes 🐛', ['bug']],
        ['Other Changes', ['*']],
      ],
    );
  });

  it('links squash, merge and rebase pull requests, categorises them by release.yml and keeps direct commits', async () => {
    const config = defaultConfig();
    const notes = await withPullRequests(apiFor(server), gitOnly, config, await readReleaseYml(w.repo.dir));
    assert.deepEqual(outline(notes), [
      ['New Features 🎉', ['add search']],
      ['Fixes 🐛', ['Handle empty input']],
      ['Other Changes', ['export csv']],
      ['Bug Fixes', ['direct fix']],
    ]);
    const [search, empty, csv, direct] = notes.sections.map((s) => s.entries[0]!);
    assert.deepEqual([search!.pr, search!.hash, search!.login, search!.labels], [12, w.squash, 'bob-gh', ['enhancement']]);
    assert.equal(search!.scope, 'api');
    assert.deepEqual([empty!.pr, empty!.type, empty!.login], [13, 'fix', 'carol-gh']);
    assert.deepEqual(empty!.hashes, [w.prDocs, w.prFix], 'both commits of the merged branch, newest first');
    assert.deepEqual([csv!.pr, csv!.hash, csv!.prTitle], [14, w.rebased, 'feat: export csv']);
    assert.deepEqual([direct!.pr, direct!.hash, direct!.login, direct!.labels], [null, w.directFix, 'alice-gh', undefined], 'the open PR #16 does not claim it');
    assert.ok(!notes.sections.some((s) => s.entries.some((e) => e.hash === w.ignored)), 'PR #15 is excluded by its label');
    assert.deepEqual(notes.warnings, gitOnly.warnings);

    assert.deepEqual(
      notes.contributors.map((c) => [c.name, c.login]),
      gitOnly.contributors.map((c) => [c.name, { [ALICE.name]: 'alice-gh', [BOB.name]: 'bob-gh', [CAROL.name]: 'carol-gh' }[c.name]]),
    );
    assert.deepEqual(notes.firstTimeContributors.map((c) => c.login).sort(), ['bob-gh', 'carol-gh']);

    const md = renderMarkdown(notes, config);
    assert.match(md, /- \*\*api:\*\* add search by `@bob-gh` \(#12\)/);
    assert.match(md, /- Carol Poe \(`@carol-gh`\) \(first contribution\)/);

    const asked = server.requests.filter((r) => r.operationId !== null).map((r) => r.operationId!);
    assert.equal(asked.filter((o) => o === 'pulls/get').length, 3, 'one read per referenced PR (#12, #13, #15)');
    assert.equal(asked.filter((o) => o === 'repos/list-pull-requests-associated-with-commit').length, 2, 'only the commits without a reference');
    assert.ok(server.requests.every((r) => r.authorized));
  });

  it('groups by commit type when the repository has no release.yml', async () => {
    const notes = await withPullRequests(apiFor(server), gitOnly, defaultConfig(), null);
    assert.deepEqual(outline(notes), [
      ['Features', ['internal toggle', 'export csv', 'add search']],
      ['Bug Fixes', ['direct fix', 'Handle empty input']],
    ]);
  });

  it('stops looking up beyond maxCommits and says so', async () => {
    const data = await fetchPullData(apiFor(server), gitOnly, { maxCommits: 2, concurrency: 1 });
    assert.equal(data.pulls.size, 2);
    assert.equal(data.logins.size, 0, 'the range is too large for the logins too');
    assert.equal(data.warnings.length, 1);
    assert.match(data.warnings[0]!, /newest 2 of 6 commits/);
    const lookups = server.requests.filter((r) => r.operationId === 'pulls/get' || r.operationId === 'repos/list-pull-requests-associated-with-commit');
    assert.equal(lookups.length, 2);
  });

  it('signed out (no API): git-only notes and a warning with the fix', async () => {
    const notes = await withPullRequests(null, gitOnly, defaultConfig(), await readReleaseYml(w.repo.dir));
    assert.deepEqual(notes.sections, gitOnly.sections);
    assert.deepEqual(notes.contributors, gitOnly.contributors);
    assert.equal(notes.warnings.length, gitOnly.warnings.length + 1);
    assert.match(notes.warnings.at(-1)!, /not signed in to GitHub.*git only.*Sign in to GitHub to link pull requests/);
  });

  it('a refused token (401): git-only notes and a warning to sign in again', async () => {
    const notes = await withPullRequests(apiFor(server, 'expired-token'), gitOnly, defaultConfig(), await readReleaseYml(w.repo.dir));
    assert.deepEqual(notes.sections, gitOnly.sections);
    assert.deepEqual(notes.contributors, gitOnly.contributors);
    assert.match(notes.warnings.at(-1)!, /GitHub refused the sign-in.*Sign in to GitHub again to link pull requests/);
  });

  it('offline (server gone): git-only notes and a warning, never an error', async () => {
    const api = apiFor(server);
    await server.close();
    const notes = await withPullRequests(api, gitOnly, defaultConfig(), await readReleaseYml(w.repo.dir));
    assert.deepEqual(notes.sections, gitOnly.sections);
    assert.match(notes.warnings.at(-1)!, /GitHub could not be reached.*git only/);
  });

  it('a failure half-way drops the partial answers instead of mixing them in', async () => {
    server.inject({ operationId: 'repos/list-pull-requests-associated-with-commit', fault: { kind: 'status', status: 503 }, times: Infinity });
    const data = await fetchPullData(apiFor(server), gitOnly);
    assert.equal(data.pulls.size, 0);
    assert.equal(data.logins.size, 0);
    assert.match(data.warnings[0]!, /Pull requests are not linked/);
  });

  it('throws when the caller cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(fetchPullData(apiFor(server), gitOnly, { signal: controller.signal }), (e: unknown) => e instanceof GitHubError && e.code === 'cancelled');
  });
});

describe('readReleaseYml', () => {
  after(() => TestRepo.cleanup());

  it('is null without the file and reads .github/release.yaml too', async () => {
    const repo = TestRepo.create('rm-releaseyml-');
    assert.equal(await readReleaseYml(repo.dir), null);
    repo.write('.github/release.yaml', 'changelog:\n  categories:\n    - title: All\n      labels: ["*"]\n');
    const yml = await readReleaseYml(repo.dir);
    assert.equal(yml?.file, '.github/release.yaml');
    assert.deepEqual(yml?.categories.map((c) => c.title), ['All']);
  });

  it('names the problem of an invalid file by path', async () => {
    const repo = TestRepo.create('rm-releaseyml-');
    repo.write('.github/release.yml', 'changelog:\n  categories:\n    - title: Fixes\n      labels: bug\n');
    await assert.rejects(readReleaseYml(repo.dir), (e: unknown) => e instanceof ConfigError && e.problems[0]!.startsWith('changelog.categories[0].labels:'));
    repo.write('.github/release.yml', 'changelog: [unclosed\n');
    await assert.rejects(readReleaseYml(repo.dir), (e: unknown) => e instanceof ConfigError && /not valid YAML/.test(e.message));
  });

  it('refuses a file that is too large and an alias bomb', async () => {
    const repo = TestRepo.create('rm-releaseyml-');
    repo.write('.github/release.yml', `# ${'x'.repeat(70 * 1024)}\n`);
    await assert.rejects(readReleaseYml(repo.dir), ConfigError);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n');
    repo.write('.github/release.yml', bomb + '\n');
    await assert.rejects(readReleaseYml(repo.dir), ConfigError);
  });

  it('words the unlinked warnings for each cause', () => {
    assert.match(unlinkedWarning(new GitHubError('rate-limited', 'limited', 'Wait.', { retryAfterSec: 30 })), /rate limit was reached \(retry in 30 s\).*Wait\./);
    assert.match(unlinkedWarning(new GitHubError('forbidden', 'GitHub refused reading pull requests.', 'Grant pull requests: read.')), /refused reading pull requests.*Grant pull requests: read\./);
  });
});
