import assert from 'node:assert/strict';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { load, operation } from '../../helpers/fakeGitHub/openapi';
import { ROUTES } from '../../helpers/fakeGitHub/routes';
import { ALICE, BOB, TestRepo } from '../../helpers/testRepo';

// @octokit/rest is ESM-only: loaded with a dynamic import from this CommonJS test.
type OctokitModule = typeof import('@octokit/rest');
type Octokit = InstanceType<OctokitModule['Octokit']>;
let OctokitClass: OctokitModule['Octokit'];

const OWNER = 'acme';
const REPO = 'app';
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

/** An Octokit error's status, headers and body. */
interface HttpFailure {
  status: number;
  response?: { headers: Record<string, string>; data: { message?: string; errors?: Array<Record<string, unknown>> } };
}

/** A request Octokit's types would not let us send (malformed bodies). */
async function raw(server: FakeGitHub, method: string, path: string, body: unknown): Promise<{ status: number; data: { message?: string } }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: 'token test-token', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, data: (await res.json()) as { message?: string } };
}

/** Octokit without its console logging of failed requests. */
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

/**
 * The remote: main = c1 - c2 - c3 (c1, c3 by Alice, c2 by Bob); feature branches off c2 with f1, f2;
 * annotated tag `v0.1.0` at c1.
 */
interface Remote {
  repo: TestRepo;
  c1: string;
  c2: string;
  c3: string;
  f1: string;
  f2: string;
}

function buildRemote(): Remote {
  const repo = TestRepo.create('rm-fakegh-');
  const c1 = repo.commit('feat: first');
  repo.tag('v0.1.0', { message: 'release 0.1.0' });
  const c2 = repo.commit('fix: second\n\nbody line', { author: BOB });
  repo.checkout('feature', true);
  const f1 = repo.commit('feat: on feature 1');
  const f2 = repo.commit('feat: on feature 2');
  repo.checkout('main');
  const c3 = repo.commit('docs: third', { author: ALICE });
  return { repo, c1, c2, c3, f1, f2 };
}

describe('fake GitHub server', function () {
  let remote: Remote;
  let server: FakeGitHub;
  let gh: Octokit;
  let tagCounter = 0;
  /** A tag name no other test uses (the remote repository is shared). */
  const freshTag = () => `v9.${++tagCounter}.0`;

  before(async () => {
    ({ Octokit: OctokitClass } = await import('@octokit/rest'));
    remote = buildRemote();
    load('api.github.com');
  });

  beforeEach(async () => {
    server = await startFakeGitHub({ clock: () => NOW });
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

  describe('routing, auth and validation', () => {
    it('has every route in both OpenAPI descriptions (github.com and GHES 3.19)', () => {
      for (const r of ROUTES) {
        assert.ok(operation('api.github.com', r.method, r.template), `${r.method} ${r.template} on github.com`);
        assert.ok(operation('ghes-3.19', r.method, r.template), `${r.method} ${r.template} on GHES`);
      }
    });

    it('answers 401 without the right token and records requests without the token', async () => {
      const anonymous = await fetch(`${server.url}/user`);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { message: string }).message, 'Requires authentication');
      const wrong = await failure(octokit(server.url, 'nope').request('GET /user'));
      assert.equal(wrong.status, 401);
      assert.equal(wrong.response?.data.message, 'Bad credentials');
      const bearer = await fetch(`${server.url}/user`, { headers: { authorization: 'Bearer test-token' } });
      assert.equal(bearer.status, 200);
      assert.equal(((await bearer.json()) as { login: string }).login, 'octocat');
      assert.deepEqual(
        server.requests.map((r) => [r.path, r.authorized, r.status]),
        [
          ['/user', false, 401],
          ['/user', false, 401],
          ['/user', true, 200],
        ],
      );
      const recorded = JSON.stringify(server.requests);
      assert.ok(!recorded.includes('test-token') && !recorded.includes('nope'), 'no token in the request log');
    });

    it('answers unknown routes and repositories with GitHub 404 bodies', async () => {
      const unknownRoute = await fetch(`${server.url}/repos/${OWNER}/${REPO}/no-such-thing`, { headers: { authorization: 'token test-token' } });
      assert.equal(unknownRoute.status, 404);
      assert.equal(((await unknownRoute.json()) as { message: string }).message, 'Not Found');
      const unknownRepo = await failure(gh.rest.repos.get({ owner: OWNER, repo: 'other' }));
      assert.equal(unknownRepo.status, 404);
      const repo = await gh.rest.repos.get({ owner: OWNER, repo: REPO });
      assert.equal(repo.data.default_branch, 'main');
      assert.equal(repo.data.full_name, `${OWNER}/${REPO}`);
    });

    it('sends rate-limit headers on normal responses, counting requests', async () => {
      const first = await gh.rest.users.getAuthenticated();
      const second = await gh.rest.users.getAuthenticated();
      assert.equal(first.headers['x-ratelimit-limit'], '5000');
      assert.equal(first.headers['x-ratelimit-remaining'], '4999');
      assert.equal(second.headers['x-ratelimit-remaining'], '4998');
      assert.equal(second.headers['x-ratelimit-used'], '2');
      assert.equal(second.headers['x-ratelimit-resource'], 'core');
      assert.equal(Number(second.headers['x-ratelimit-reset']), NOW / 1000 + 3600);
    });

    it('catches a response that does not match the OpenAPI description and answers 500', async () => {
      const rel = server.addRelease(OWNER, REPO, { tag_name: 'draft-x', draft: true });
      server.inject({ operationId: 'repos/get-release', fault: { kind: 'tamper', edit: (b) => ({ ...(b as object), id: 'not-a-number', author: null }) } });
      const err = await failure(gh.rest.repos.getRelease({ owner: OWNER, repo: REPO, release_id: rel.id }));
      assert.equal(err.status, 500);
      assert.equal(server.validationErrors.length, 1);
      const v = server.validationErrors[0]!;
      assert.equal(v.operationId, 'repos/get-release');
      assert.equal(v.status, 200);
      assert.ok(v.errors.some((e) => e.instancePath === '/id'));
      assert.ok(v.errors.some((e) => e.instancePath === '/author'));
      assert.throws(() => server.assertValid(), /repos\/get-release/);
      server.validationErrors.length = 0;
    });

    it('validates nested objects, enums and required fields, and accepts the "stale" conclusion GitHub sends', async () => {
      const n = server.addPull(OWNER, REPO, { title: 'x', commits: [remote.f1] });
      server.addCheckRun(OWNER, REPO, { head_sha: remote.c1, name: 'old', conclusion: 'stale' });
      server.addRelease(OWNER, REPO, { tag_name: 'nested-draft', draft: true });
      const cases: Array<{ operationId: string; call: () => Promise<unknown>; edit: (b: unknown) => unknown; path: string }> = [
        {
          operationId: 'pulls/get',
          call: () => gh.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: n }),
          edit: (b) => {
            (b as { head: { repo: { owner: { login: unknown } } } }).head.repo.owner.login = 5;
            return b;
          },
          path: '/head/repo/owner/login',
        },
        {
          operationId: 'checks/list-for-ref',
          call: () => gh.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: remote.c1 }),
          edit: (b) => {
            (b as { check_runs: Array<{ conclusion: string }> }).check_runs[0]!.conclusion = 'bogus';
            return b;
          },
          path: '/check_runs/0/conclusion',
        },
        {
          operationId: 'repos/list-releases',
          call: () => gh.rest.repos.listReleases({ owner: OWNER, repo: REPO }),
          edit: (b) =>
            (b as Array<Record<string, unknown>>).map((release) => {
              delete release.node_id;
              return release;
            }),
          path: '/0',
        },
        {
          operationId: 'repos/compare-commits-with-basehead',
          call: () => gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: 'main...feature' }),
          edit: (b) => ({ ...(b as object), status: 'sideways' }),
          path: '/status',
        },
      ];
      for (const c of cases) {
        await c.call();
        server.inject({ operationId: c.operationId, fault: { kind: 'tamper', edit: c.edit } });
        assert.equal((await failure(c.call())).status, 500, c.operationId);
        const v = server.validationErrors.at(-1)!;
        assert.equal(v.operationId, c.operationId);
        assert.ok(v.errors.some((e) => e.instancePath === c.path), `${c.operationId}: ${JSON.stringify(v.errors)}`);
      }
      assert.equal(server.validationErrors.length, cases.length);
      server.validationErrors.length = 0;
    });

    it('validates against the GHES description under /api/v3', async () => {
      const ghes = await startFakeGitHub({ prefix: '/api/v3', token: 'ghes-token', clock: () => NOW });
      try {
        assert.match(ghes.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
        ghes.addRepo(OWNER, REPO, { gitDir: remote.repo.dir });
        const client = octokit(ghes.url, 'ghes-token');
        const created = await client.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: 'ghes-draft', draft: true });
        assert.ok(created.data.html_url.startsWith(ghes.origin));
        assert.equal((await client.rest.repos.get({ owner: OWNER, repo: REPO })).status, 200);
        const outside = await fetch(`${ghes.origin}/repos/${OWNER}/${REPO}`, { headers: { authorization: 'token ghes-token' } });
        assert.equal(outside.status, 404);
        ghes.assertValid();
      } finally {
        await ghes.close();
      }
    });
  });

  describe('git refs', () => {
    it('creates a tag ref in the real repository, reads it back, refuses duplicates and unknown objects', async () => {
      const tag = freshTag();
      const created = await gh.rest.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/tags/${tag}`, sha: remote.c2 });
      assert.equal(created.status, 201);
      assert.deepEqual(created.data.object, { type: 'commit', sha: remote.c2, url: `${server.url}/repos/${OWNER}/${REPO}/git/commits/${remote.c2}` });
      assert.equal(remote.repo.head(tag), remote.c2, 'the tag exists in git');
      const read = await gh.rest.git.getRef({ owner: OWNER, repo: REPO, ref: `tags/${tag}` });
      assert.equal(read.data.ref, `refs/tags/${tag}`);
      assert.equal(read.data.object.sha, remote.c2);
      const dup = await failure(gh.rest.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/tags/${tag}`, sha: remote.c3 }));
      assert.equal(dup.status, 422);
      assert.equal(dup.response?.data.message, 'Reference already exists');
      assert.equal(remote.repo.head(tag), remote.c2, 'the tag did not move');
      const unknown = await failure(gh.rest.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/tags/${freshTag()}`, sha: 'f'.repeat(40) }));
      assert.equal(unknown.status, 422);
      assert.equal(unknown.response?.data.message, 'Object does not exist');
      assert.deepEqual(server.state(OWNER, REPO).apiRefs.map((r) => r.ref), [`refs/tags/${tag}`]);
    });

    it('answers 404 for a missing ref, shows annotated tags as tag objects and refuses bad ref names', async () => {
      assert.equal((await failure(gh.rest.git.getRef({ owner: OWNER, repo: REPO, ref: 'tags/v404' }))).status, 404);
      const annotated = await gh.rest.git.getRef({ owner: OWNER, repo: REPO, ref: 'tags/v0.1.0' });
      assert.equal(annotated.data.object.type, 'tag');
      assert.notEqual(annotated.data.object.sha, remote.c1);
      const branch = await gh.rest.git.getRef({ owner: OWNER, repo: REPO, ref: 'heads/feature' });
      assert.equal(branch.data.object.sha, remote.f2);
      for (const ref of ['tags/x', 'refs/tags/a..b', 'refs/tags/--upload-pack=x y']) {
        const err = await failure(gh.rest.git.createRef({ owner: OWNER, repo: REPO, ref, sha: remote.c1 }));
        assert.equal(err.status, 422, ref);
      }
      const missing = await raw(server, 'POST', `/repos/${OWNER}/${REPO}/git/refs`, { ref: 'refs/tags/no-sha' });
      assert.equal(missing.status, 422);
      assert.match(missing.data.message ?? '', /"sha" wasn't supplied/);
    });
  });

  describe('releases', () => {
    it('keeps drafts out of /releases/tags but lists them, and publishing via PATCH creates the tag', async () => {
      const tag = freshTag();
      const draft = await gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag, target_commitish: remote.c2, name: tag, body: 'notes', draft: true });
      assert.equal(draft.status, 201);
      assert.equal(draft.data.draft, true);
      assert.equal(draft.data.published_at, null);
      assert.match(draft.data.html_url, /\/releases\/tag\/untagged-/);
      assert.equal((await failure(gh.rest.repos.getReleaseByTag({ owner: OWNER, repo: REPO, tag }))).status, 404);
      const listed = await gh.rest.repos.listReleases({ owner: OWNER, repo: REPO });
      assert.deepEqual(listed.data.map((r) => r.id), [draft.data.id]);
      assert.equal((await gh.rest.repos.getRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id })).data.tag_name, tag);
      assert.equal((await failure(gh.rest.git.getRef({ owner: OWNER, repo: REPO, ref: `tags/${tag}` }))).status, 404, 'a draft creates no tag');

      const published = await gh.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id, draft: false });
      assert.equal(published.data.draft, false);
      assert.equal(published.data.published_at, '2024-01-15T12:00:00Z');
      assert.equal(published.data.immutable, false);
      assert.equal(remote.repo.head(tag), remote.c2, 'tag created at target_commitish');
      assert.equal((await gh.rest.repos.getReleaseByTag({ owner: OWNER, repo: REPO, tag })).data.id, draft.data.id);
      assert.equal((await gh.rest.repos.getLatestRelease({ owner: OWNER, repo: REPO })).data.id, draft.data.id);
    });

    it('refuses a second published release of a tag with 422 already_exists', async () => {
      const tag = freshTag();
      const first = await gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag, target_commitish: 'main' });
      assert.equal(remote.repo.head(tag), remote.c3, 'publishing created the tag at main');
      const second = await failure(gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag }));
      assert.equal(second.status, 422);
      assert.equal(second.response?.data.message, 'Validation Failed');
      assert.deepEqual(second.response?.data.errors, [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
      // A draft of the same tag is accepted, but cannot be published.
      const draft = await gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag, draft: true });
      const publish = await failure(gh.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id, draft: false }));
      assert.equal(publish.status, 422);
      assert.equal(server.state(OWNER, REPO).releases.filter((r) => !r.draft).length, 1);
      assert.equal(first.data.tag_name, tag);
    });

    it('refuses an unknown target_commitish and wrongly typed fields', async () => {
      const bad = await failure(gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: freshTag(), target_commitish: 'no-such-branch' }));
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.response?.data.errors, [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
      const typed = await raw(server, 'POST', `/repos/${OWNER}/${REPO}/releases`, { tag_name: freshTag(), draft: 'yes' });
      assert.equal(typed.status, 422);
      assert.match(typed.data.message ?? '', /properties\/draft/);
      assert.equal(server.state(OWNER, REPO).releases.length, 0);
    });

    it('makes published releases immutable: notes stay editable, tag and state are locked', async () => {
      const immutable = await startFakeGitHub({ clock: () => NOW });
      try {
        immutable.addRepo(OWNER, REPO, { gitDir: remote.repo.dir, immutableReleases: true });
        const client = octokit(immutable.url);
        const tag = freshTag();
        const draft = await client.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag, draft: true });
        assert.equal(draft.data.immutable, false, 'a draft is not immutable');
        const published = await client.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id, draft: false });
        assert.equal(published.data.immutable, true);
        const edited = await client.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id, body: 'better notes', name: 'Better' });
        assert.equal(edited.data.body, 'better notes');
        assert.equal(edited.data.immutable, true);
        const unpublish = await failure(client.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id, draft: true }));
        assert.equal(unpublish.status, 422);
        assert.equal(unpublish.response?.data.errors?.[0]?.message, 'state cannot be changed when release is immutable');
        const retag = await failure(client.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id, tag_name: freshTag() }));
        assert.equal(retag.status, 422);
        assert.equal((await client.rest.repos.getRelease({ owner: OWNER, repo: REPO, release_id: draft.data.id })).data.tag_name, tag);
        immutable.assertValid();
      } finally {
        await immutable.close();
      }
    });

    it('paginates releases, newest first, with Link headers that Octokit follows', async () => {
      for (let i = 0; i < 45; i++) server.addRelease(OWNER, REPO, { tag_name: `d${i}`, draft: true, created_at: new Date(NOW + i * 1000).toISOString().replace(/\.000Z$/, 'Z') });
      const first = await gh.rest.repos.listReleases({ owner: OWNER, repo: REPO, per_page: 20 });
      assert.equal(first.data.length, 20);
      assert.equal(first.data[0]!.tag_name, 'd44');
      const link = first.headers.link ?? '';
      assert.match(link, /[?&]page=2[^>]*>; rel="next"/);
      assert.match(link, /[?&]page=3[^>]*>; rel="last"/);
      const all = await gh.paginate(gh.rest.repos.listReleases, { owner: OWNER, repo: REPO, per_page: 20 });
      assert.equal(all.length, 45);
      assert.equal(new Set(all.map((r) => r.id)).size, 45);
      assert.equal(server.requests.filter((r) => r.operationId === 'repos/list-releases').length, 4);
    });

    it('lists a release created through the API only after the configured lag', async () => {
      const lagging = await startFakeGitHub({ clock: () => NOW });
      try {
        lagging.addRepo(OWNER, REPO, { gitDir: remote.repo.dir, listLag: 2 });
        const client = octokit(lagging.url);
        await client.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: 'lag', draft: true });
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) counts.push((await client.rest.repos.listReleases({ owner: OWNER, repo: REPO })).data.length);
        assert.deepEqual(counts, [0, 0, 1]);
        lagging.assertValid();
      } finally {
        await lagging.close();
      }
    });
  });

  describe('checks and statuses', () => {
    it('paginates 250 check runs; Octokit reads every page', async () => {
      for (let i = 0; i < 250; i++) server.addCheckRun(OWNER, REPO, { head_sha: remote.c3, name: `job ${i}`, status: 'completed', conclusion: 'success' });
      const first = await gh.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: remote.c3, per_page: 100 });
      assert.equal(first.data.total_count, 250);
      assert.equal(first.data.check_runs.length, 100);
      assert.match(first.headers.link ?? '', /page=3[^>]*>; rel="last"/);
      const all = await gh.paginate(gh.rest.checks.listForRef, { owner: OWNER, repo: REPO, ref: 'main', per_page: 100 });
      assert.equal(all.length, 250);
      assert.equal(new Set(all.map((c) => c.name)).size, 250);
    });

    it('filters check runs to the latest per name by default, or all', async () => {
      const at = (min: number) => new Date(NOW + min * 60_000).toISOString().replace(/\.000Z$/, 'Z');
      server.addCheckRun(OWNER, REPO, { head_sha: remote.c2, name: 'build', status: 'completed', conclusion: 'failure', started_at: at(1) });
      server.addCheckRun(OWNER, REPO, { head_sha: remote.c2, name: 'build', status: 'completed', conclusion: 'success', started_at: at(5) });
      server.addCheckRun(OWNER, REPO, { head_sha: remote.c2, name: 'lint', status: 'in_progress', conclusion: null, started_at: at(2) });
      server.addCheckRun(OWNER, REPO, { head_sha: remote.c3, name: 'other commit', status: 'completed', conclusion: 'failure' });
      const latest = await gh.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: remote.c2 });
      assert.equal(latest.data.total_count, 2);
      const byName = Object.fromEntries(latest.data.check_runs.map((c) => [c.name, [c.status, c.conclusion]]));
      assert.deepEqual(byName, { build: ['completed', 'success'], lint: ['in_progress', null] });
      const all = await gh.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: remote.c2, filter: 'all' });
      assert.equal(all.data.total_count, 3);
      const unknown = await failure(gh.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: 'no-such-ref' }));
      assert.equal(unknown.status, 422);
      assert.equal(unknown.response?.data.message, 'No commit found for SHA: no-such-ref');
    });

    it('combines statuses: latest per context; failure beats pending beats success', async () => {
      server.addStatus(OWNER, REPO, remote.c2, { context: 'ci/a', state: 'pending' });
      server.addStatus(OWNER, REPO, remote.c2, { context: 'ci/a', state: 'success' });
      server.addStatus(OWNER, REPO, remote.c2, { context: 'ci/b', state: 'error', description: 'boom' });
      server.addStatus(OWNER, REPO, remote.c3, { context: 'ci/a', state: 'success' });
      server.addStatus(OWNER, REPO, remote.c3, { context: 'ci/c', state: 'pending' });
      server.addStatus(OWNER, REPO, remote.c1, { context: 'ci/a', state: 'failure' });
      server.addStatus(OWNER, REPO, remote.c1, { context: 'ci/a', state: 'success' });
      const c2 = await gh.rest.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: remote.c2 });
      assert.equal(c2.data.state, 'failure');
      assert.equal(c2.data.total_count, 2);
      assert.deepEqual(c2.data.statuses.map((s) => [s.context, s.state]).sort(), [['ci/a', 'success'], ['ci/b', 'error']]);
      assert.equal((await gh.rest.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: 'main' })).data.state, 'pending');
      assert.equal((await gh.rest.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: 'v0.1.0' })).data.state, 'success');
      const none = await gh.rest.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: 'feature' });
      assert.deepEqual([none.data.state, none.data.total_count], ['pending', 0]);
      const paged = await gh.rest.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: remote.c2, per_page: 1 });
      assert.equal(paged.data.statuses.length, 1);
      assert.match(paged.headers.link ?? '', /rel="next"/);
    });
  });

  describe('compare and commits', () => {
    it('compares ahead, behind, identical and diverged with commits from git, and 404 for unknown sides', async () => {
      server.setUserLogin(ALICE.email, 'alice');
      const ahead = await gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `${remote.c1}...main` });
      assert.deepEqual([ahead.data.status, ahead.data.ahead_by, ahead.data.behind_by, ahead.data.total_commits], ['ahead', 2, 0, 2]);
      assert.deepEqual(ahead.data.commits.map((c) => c.sha), [remote.c2, remote.c3], 'oldest first');
      assert.equal(ahead.data.commits[0]!.commit.message, 'fix: second\n\nbody line');
      assert.equal(ahead.data.commits[0]!.author, null, 'Bob has no known login');
      assert.equal(ahead.data.commits[1]!.author?.login, 'alice');
      assert.equal(ahead.data.commits[1]!.commit.author?.email, ALICE.email);
      assert.equal(ahead.data.merge_base_commit.sha, remote.c1);
      const behind = await gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `main...${remote.c1}` });
      assert.deepEqual([behind.data.status, behind.data.ahead_by, behind.data.behind_by, behind.data.commits.length], ['behind', 0, 2, 0]);
      const same = await gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `main...${remote.c3}` });
      assert.equal(same.data.status, 'identical');
      const diverged = await gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: 'main...feature' });
      assert.deepEqual([diverged.data.status, diverged.data.ahead_by, diverged.data.behind_by], ['diverged', 2, 1]);
      assert.equal((await failure(gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: 'main...nope' }))).status, 404);
      assert.equal((await failure(gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `${'a'.repeat(40)}...main` }))).status, 404);
    });

    it('pages compare commits with per_page/page', async () => {
      const page1 = await gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `${remote.c1}...main`, per_page: 1, page: 1 });
      const page2 = await gh.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `${remote.c1}...main`, per_page: 1, page: 2 });
      assert.deepEqual([...page1.data.commits, ...page2.data.commits].map((c) => c.sha), [remote.c2, remote.c3]);
      assert.equal(page1.data.total_commits, 2);
      assert.match(page1.headers.link ?? '', /rel="next"/);
    });

    it('gets and lists commits from git', async () => {
      const one = await gh.rest.repos.getCommit({ owner: OWNER, repo: REPO, ref: 'feature' });
      assert.equal(one.data.sha, remote.f2);
      assert.deepEqual(one.data.parents.map((p) => p.sha), [remote.f1]);
      assert.equal((await failure(gh.rest.repos.getCommit({ owner: OWNER, repo: REPO, ref: 'b'.repeat(40) }))).status, 422);
      const all = await gh.paginate(gh.rest.repos.listCommits, { owner: OWNER, repo: REPO, sha: 'feature', per_page: 2 });
      assert.deepEqual(all.map((c) => c.sha), [remote.f2, remote.f1, remote.c2, remote.c1]);
    });
  });

  describe('pulls, issues and milestones', () => {
    it('finds the pull requests of a commit and returns full pull requests', async () => {
      const n = server.addPull(OWNER, REPO, {
        title: 'feat: feature',
        labels: ['feature', 'release-notes'],
        user: 'bob-gh',
        head: { ref: 'feature' },
        commits: [remote.f1, remote.f2],
        merged_at: '2024-01-10T00:00:00Z',
        merge_commit_sha: remote.c3,
      });
      server.addPull(OWNER, REPO, { title: 'unrelated', commits: [remote.c1] });
      const forCommit = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner: OWNER, repo: REPO, commit_sha: remote.f1 });
      assert.deepEqual(forCommit.data.map((p) => p.number), [n]);
      assert.deepEqual(forCommit.data[0]!.labels.map((l) => l.name), ['feature', 'release-notes']);
      assert.equal(forCommit.data[0]!.user?.login, 'bob-gh');
      assert.equal(forCommit.data[0]!.merge_commit_sha, remote.c3);
      assert.deepEqual((await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner: OWNER, repo: REPO, commit_sha: remote.c3 })).data.map((p) => p.number), [n]);
      const pull = await gh.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: n });
      assert.equal(pull.data.merged, true);
      assert.equal(pull.data.state, 'closed');
      assert.equal(pull.data.head.sha, remote.f2);
      assert.equal((await failure(gh.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 999 }))).status, 404);
    });

    it('lists issues by state, labels and milestone with pull requests marked, and paginates', async () => {
      const m1 = server.addMilestone(OWNER, REPO, { title: '1.0', due_on: '2024-02-01T00:00:00Z' });
      const m2 = server.addMilestone(OWNER, REPO, { title: '0.9', state: 'closed' });
      const blocker = server.addIssue(OWNER, REPO, { title: 'crash', labels: ['blocker', 'bug'], milestone: m1 });
      server.addIssue(OWNER, REPO, { title: 'closed blocker', labels: ['blocker'], state: 'closed', milestone: m2 });
      const pr = server.addPull(OWNER, REPO, { title: 'wip', labels: ['blocker'], milestone: m1 });
      server.addIssue(OWNER, REPO, { title: 'pr-like', labels: ['Blocker'], pull_request: true });
      const blockers = await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO, labels: 'blocker' });
      assert.deepEqual(blockers.data.map((i) => [i.number, 'pull_request' in i && i.pull_request !== undefined]).sort(), [[blocker, false], [pr, true], [4, true]]);
      const inMilestone = await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO, milestone: String(m1), state: 'all' });
      assert.deepEqual(inMilestone.data.map((i) => i.number).sort(), [blocker, pr]);
      const none = await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO, milestone: 'none' });
      assert.deepEqual(none.data.map((i) => i.number), [4]);
      const bothLabels = await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO, labels: 'blocker,bug', state: 'all' });
      assert.deepEqual(bothLabels.data.map((i) => i.number), [blocker]);
      const milestones = await gh.rest.issues.listMilestones({ owner: OWNER, repo: REPO });
      assert.deepEqual(milestones.data.map((m) => [m.title, m.open_issues, m.closed_issues]), [['1.0', 2, 0]]);
      const allMilestones = await gh.rest.issues.listMilestones({ owner: OWNER, repo: REPO, state: 'all' });
      assert.equal(allMilestones.data.length, 2);

      for (let i = 0; i < 120; i++) server.addIssue(OWNER, REPO, { title: `bulk ${i}`, labels: ['bulk'] });
      const bulk = await gh.paginate(gh.rest.issues.listForRepo, { owner: OWNER, repo: REPO, labels: 'bulk', per_page: 50 });
      assert.equal(bulk.length, 120);
      assert.equal(server.requests.filter((r) => r.query.labels === 'bulk').length, 3);
    });
  });

  describe('fault injection', () => {
    const list = () => gh.rest.repos.listReleases({ owner: OWNER, repo: REPO });

    it('answers injected statuses once, in order, and records what fired', async () => {
      for (const status of [401, 403, 404, 422, 500, 502, 503] as const) server.inject({ path: `/repos/${OWNER}/${REPO}/releases`, fault: { kind: 'status', status } });
      for (const status of [401, 403, 404, 422, 500, 502, 503]) assert.equal((await failure(list())).status, status);
      assert.equal((await list()).status, 200, 'faults are used up');
      server.inject({ method: 'post', path: /\/releases$/, fault: { kind: 'status', status: 503, body: { message: 'custom' }, headers: { 'retry-after': '7' } } });
      assert.equal((await list()).status, 200, 'method must match');
      const custom = await failure(gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: freshTag(), draft: true }));
      assert.equal(custom.status, 503);
      assert.equal(custom.response?.data.message, 'custom');
      assert.equal(custom.response?.headers['retry-after'], '7');
      assert.equal(server.faultsFired.length, 8);
      assert.deepEqual(server.faultsFired[7], { kind: 'status', method: 'POST', path: `/repos/${OWNER}/${REPO}/releases`, operationId: 'repos/create-release' });
      assert.equal(server.state(OWNER, REPO).releases.length, 0, 'a faulted write changes nothing');
    });

    it('tells a permission 403 from rate-limit 403/429 by headers and body', async () => {
      server.inject({ operationId: 'repos/create-release', fault: { kind: 'permission' } });
      const permission = await failure(gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: freshTag() }));
      assert.equal(permission.status, 403);
      assert.equal(permission.response?.data.message, 'Resource not accessible by personal access token');
      assert.equal(permission.response?.headers['x-accepted-github-permissions'], 'contents=write');
      assert.ok(Number(permission.response?.headers['x-ratelimit-remaining']) > 0);

      server.inject({ fault: { kind: 'rateLimit', resetInSec: 90 } });
      const primary = await failure(list());
      assert.equal(primary.status, 403);
      assert.match(primary.response?.data.message ?? '', /^API rate limit exceeded for /);
      assert.equal(primary.response?.headers['x-ratelimit-remaining'], '0');
      assert.equal(primary.response?.headers['x-ratelimit-reset'], String(NOW / 1000 + 90));

      server.inject({ fault: { kind: 'secondaryRateLimit', retryAfterSec: 30 } });
      const secondary = await failure(list());
      assert.equal(secondary.status, 403);
      assert.match(secondary.response?.data.message ?? '', /secondary rate limit/);
      assert.equal(secondary.response?.headers['retry-after'], '30');
      assert.notEqual(secondary.response?.headers['x-ratelimit-remaining'], '0');

      server.inject({ fault: { kind: 'tooMany', retryAfterSec: 5 } });
      const tooMany = await failure(list());
      assert.equal(tooMany.status, 429);
      assert.equal(tooMany.response?.headers['retry-after'], '5');
      assert.deepEqual(server.faultsFired.map((f) => f.kind), ['permission', 'rateLimit', 'secondaryRateLimit', 'tooMany']);
    });

    it('hangs a request until the client gives up, and close() still returns', async () => {
      server.inject({ fault: { kind: 'hang' } });
      const hung = await failure(gh.rest.repos.listReleases({ owner: OWNER, repo: REPO, request: { signal: AbortSignal.timeout(100) } }));
      assert.ok(hung, 'aborted by the client');
      assert.equal(server.requests.at(-1)?.status, null);
      server.inject({ fault: { kind: 'hang' } });
      const pending = fetch(`${server.url}/user`, { headers: { authorization: 'token test-token' } }).then(
        () => 'answered',
        () => 'dropped',
      );
      await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      await server.close();
      assert.ok(Date.now() - started < 1000, 'close does not wait for hung requests');
      assert.equal(await pending, 'dropped');
    });

    it('resets the connection without an answer', async () => {
      server.inject({ path: '/user', fault: { kind: 'reset' } });
      await assert.rejects(fetch(`${server.url}/user`, { headers: { authorization: 'token test-token' } }), TypeError);
      assert.equal((await gh.rest.users.getAuthenticated()).status, 200);
    });

    it('applies a write and then answers 502 (network cut after the server processed it)', async () => {
      const tag = freshTag();
      server.inject({ operationId: 'git/create-ref', fault: { kind: 'afterApply', status: 502 } });
      const cut = await failure(gh.rest.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/tags/${tag}`, sha: remote.c3 }));
      assert.equal(cut.status, 502);
      assert.equal(remote.repo.head(tag), remote.c3, 'the tag was created anyway');
      assert.equal((await gh.rest.git.getRef({ owner: OWNER, repo: REPO, ref: `tags/${tag}` })).data.object.sha, remote.c3);
      const retry = await failure(gh.rest.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/tags/${tag}`, sha: remote.c3 }));
      assert.equal(retry.status, 422, 'a blind retry meets its own earlier success');

      server.inject({ operationId: 'repos/create-release', fault: { kind: 'afterApply', status: 500 } });
      assert.equal((await failure(gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag }))).status, 500);
      assert.equal((await gh.rest.repos.getReleaseByTag({ owner: OWNER, repo: REPO, tag })).status, 200, 'the release exists');
    });

    it('delays every matching page (slow pagination)', async () => {
      for (let i = 0; i < 5; i++) server.addRelease(OWNER, REPO, { tag_name: `slow${i}`, draft: true });
      server.inject({ operationId: 'repos/list-releases', times: Infinity, fault: { kind: 'delay', ms: 40 } });
      const started = Date.now();
      const all = await gh.paginate(gh.rest.repos.listReleases, { owner: OWNER, repo: REPO, per_page: 2 });
      assert.equal(all.length, 5);
      assert.ok(Date.now() - started >= 110, 'three delayed pages');
      assert.equal(server.faultsFired.length, 3);
      assert.equal(server.pendingFaults.length, 1);
    });

    it('serializes concurrent writes: one of two identical releases wins, the other gets already_exists', async () => {
      const tag = freshTag();
      const results = await Promise.allSettled([
        gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag }),
        gh.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: tag }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((rejected.reason as HttpFailure).status, 422);
      assert.equal(server.state(OWNER, REPO).releases.length, 1);
    });
  });
});
