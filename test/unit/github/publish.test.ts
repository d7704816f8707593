import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubError } from '../../../src/core/errors';
import { journalKey, publishRelease, type PublishDeps, type PublishPlan } from '../../../src/core/publish';
import type { GitHubRepoRef } from '../../../src/core/remote';
import { OctokitGitHubApi } from '../../../src/github/api';
import { journalFile } from '../../../src/node/atomicFile';
import { FileJournalStore } from '../../../src/node/journal';
import { startFakeGitHub, type Fault, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

/** Token-shaped canary: it must never appear in a journal, an error or a request record. */
const TOKEN = 'ghp_CanaryToken0123456789abcdefghijklmnopq';

interface World {
  server: FakeGitHub;
  repo: TestRepo;
  remote: string;
  sha: string;
  plan: PublishPlan;
  journal: FileJournalStore;
  api: OctokitGitHubApi;
  waits: number[];
}

const cleanups: (() => void | Promise<void>)[] = [];

/** A real repository, its bare "GitHub" copy behind the local server, and a signed-in client. */
async function world(options: { immutable?: boolean; listLag?: number; wait?: (s: number) => Promise<boolean> } = {}): Promise<World> {
  const repo = TestRepo.create();
  repo.commit('feat: first');
  repo.tag('v1.0.0');
  const sha = repo.commit('feat: second');
  const remote = mkdtempSync(join(tmpdir(), 'rm-remote-'));
  execFileSync('git', ['clone', '-q', '--bare', repo.dir, remote]);
  const server = await startFakeGitHub({ token: TOKEN });
  cleanups.push(() => server.close(), () => rmSync(remote, { recursive: true, force: true }));
  server.addRepo('acme', 'widgets', { gitDir: remote, immutableReleases: options.immutable, listLag: options.listLag });
  const waits: number[] = [];
  const ref: GitHubRepoRef = { owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: server.url, provider: 'github' };
  const api = new OctokitGitHubApi(ref, {
    token: TOKEN,
    writeSpacingMs: 0,
    retryBaseMs: 5,
    timeoutMs: 1500,
    waitForRateLimit: async (s) => {
      waits.push(s);
      return options.wait ? options.wait(s) : true;
    },
  });
  const plan: PublishPlan = { repo: 'acme/widgets', tag: 'v1.1.0', version: '1.1.0', sha, name: 'v1.1.0', body: '## 1.1.0\n\n### Features\n\n- second\n', draft: false, prerelease: false };
  return { server, repo, remote, sha, plan, journal: new FileJournalStore(join(repo.dir, '.git')), api, waits };
}

function deps(w: World, over: Partial<PublishDeps> = {}): PublishDeps {
  return { api: w.api, journal: w.journal, now: () => new Date('2026-11-26T12:00:00Z'), sleep: async () => undefined, ...over };
}

function count(w: World, method: string, operationId: string): number {
  return w.server.requests.filter((r) => r.method === method && r.operationId === operationId).length;
}

/** GitHub's end state: exactly one tag at the SHA and one release for it, as expected. */
function assertPublishedOnce(w: World, draft = false): void {
  const state = w.server.state('acme', 'widgets');
  const releases = state.releases.filter((r) => r.tag_name === 'v1.1.0');
  assert.equal(releases.length, 1, 'exactly one release for the tag');
  assert.equal(releases[0]!.draft, draft);
  assert.equal(releases[0]!.body, w.plan.body);
  assert.equal(execFileSync('git', ['rev-parse', 'refs/tags/v1.1.0^{commit}'], { cwd: w.remote, encoding: 'utf8' }).trim(), w.sha, 'the tag is at the release commit');
}

function inject(w: World, method: string, operationId: string, fault: Fault, times = 1): void {
  w.server.inject({ method, operationId, fault, times });
}

describe('publishing a GitHub release (journaled, against the local GitHub server)', function () {
  this.timeout(20_000);

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  after(() => TestRepo.cleanup());

  it('tags the exact commit, drafts the release with the notes, then publishes it', async () => {
    const w = await world();
    const result = await publishRelease(w.plan, deps(w));
    assert.equal(result.release.draft, false);
    assert.equal(result.release.tagName, 'v1.1.0');
    assert.deepEqual(result.actions, ['created tag v1.1.0 at ' + w.sha.slice(0, 12), 'created draft release v1.1.0', 'published release v1.1.0']);
    assertPublishedOnce(w);
    const entry = await w.journal.read(journalKey('acme/widgets', 'v1.1.0', w.server.url));
    assert.equal(entry?.step, 'done');
    assert.equal(entry?.releaseId, result.release.id);
    // The draft came before the publish: the release was created as a draft.
    const create = w.server.requests.find((r) => r.operationId === 'repos/create-release');
    assert.equal((create?.body as { draft?: boolean }).draft, true);
    assert.equal((create?.body as { target_commitish?: string }).target_commitish, w.sha);
    w.server.assertValid();
  });

  it('a second run changes nothing and says so', async () => {
    const w = await world();
    await publishRelease(w.plan, deps(w));
    const writes = w.server.requests.filter((r) => r.method !== 'GET').length;
    const again = await publishRelease(w.plan, deps(w));
    assert.deepEqual(again.actions, []);
    assert.equal(w.server.requests.filter((r) => r.method !== 'GET').length, writes, 'no write the second time');
    assertPublishedOnce(w);
    w.server.assertValid();
  });

  it('leaves the release as a draft when asked', async () => {
    const w = await world();
    const result = await publishRelease({ ...w.plan, draft: true }, deps(w));
    assert.equal(result.release.draft, true);
    assert.equal(count(w, 'PATCH', 'repos/update-release'), 0);
    assertPublishedOnce(w, true);
    w.server.assertValid();
  });

  it('publishes in a repository with immutable releases (draft first, then publish)', async () => {
    const w = await world({ immutable: true });
    const result = await publishRelease(w.plan, deps(w));
    assert.equal(result.release.immutable, true);
    assertPublishedOnce(w);
    w.server.assertValid();
  });

  describe('a crash between any two steps, then a run again: continues, never duplicates', () => {
    for (let at = 0; at < 6; at++) {
      it(`crash at step event ${at}`, async () => {
        const w = await world();
        let seen = 0;
        const crash = () => {
          if (seen++ === at) throw new Error('simulated crash');
        };
        await assert.rejects(publishRelease(w.plan, deps(w, { onStep: crash })), /simulated crash/);
        const entry = await w.journal.read(journalKey('acme/widgets', 'v1.1.0', w.server.url));
        assert.ok(entry, 'the journal recorded the unfinished publish');
        assert.match(entry.lastError ?? '', /simulated crash/);
        const resumed = await publishRelease(w.plan, deps(w));
        assert.equal(resumed.release.draft, false);
        assertPublishedOnce(w);
        assert.ok(count(w, 'POST', 'git/create-ref') <= 1, 'the tag was created at most once');
        assert.ok(count(w, 'POST', 'repos/create-release') <= 1, 'the release was created at most once');
        assert.equal((await w.journal.read(journalKey('acme/widgets', 'v1.1.0', w.server.url)))?.step, 'done');
        w.server.assertValid();
      });
    }
  });

  describe('a connection cut after GitHub applied a write: read back, continue in the same run', () => {
    for (const [method, op] of [
      ['POST', 'git/create-ref'],
      ['POST', 'repos/create-release'],
      ['PATCH', 'repos/update-release'],
    ] as const) {
      it(`${method} ${op} answered 502 after applying`, async () => {
        const w = await world();
        inject(w, method, op, { kind: 'afterApply', status: 502 });
        const result = await publishRelease(w.plan, deps(w));
        assert.equal(result.release.draft, false);
        assert.equal(count(w, method, op), 1, 'the write was not retried blindly');
        assert.equal(w.server.faultsFired.length, 1);
        assertPublishedOnce(w);
        w.server.assertValid();
      });
    }

    it('a new release not listed yet is found by polling the list (bounded)', async () => {
      const w = await world({ listLag: 2 });
      inject(w, 'POST', 'repos/create-release', { kind: 'afterApply', status: 502 });
      const slept: number[] = [];
      const result = await publishRelease(w.plan, deps(w, { sleep: async (ms) => void slept.push(ms) }));
      assert.equal(result.release.draft, false);
      assert.ok(slept.length >= 1, 'it waited before looking again');
      assert.equal(count(w, 'POST', 'repos/create-release'), 1);
      assertPublishedOnce(w);
      w.server.assertValid();
    });
  });

  it('a 5xx on a write that did not apply stops after reading back, and the next run finishes', async () => {
    const w = await world();
    inject(w, 'POST', 'repos/create-release', { kind: 'status', status: 502 });
    const error = await publishRelease(w.plan, deps(w)).then(
      () => assert.fail('should stop'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GitHubError);
    assert.equal(error.code, 'server');
    assert.match(error.message, /No release was created for v1\.1\.0; the tag stays/);
    assert.match(error.fix, /Run Publish again/);
    assert.equal(count(w, 'POST', 'repos/create-release'), 1, 'never retried blindly');
    assert.equal((await w.journal.read(journalKey('acme/widgets', 'v1.1.0', w.server.url)))?.step, 'tagged');
    const result = await publishRelease(w.plan, deps(w));
    assert.equal(result.resumed, true);
    assert.deepEqual(result.actions, ['created draft release v1.1.0', 'published release v1.1.0']);
    assertPublishedOnce(w);
    w.server.assertValid();
  });

  it('a reset connection on the tag write: read back, nothing created, stop; then resume', async () => {
    const w = await world();
    inject(w, 'POST', 'git/create-ref', { kind: 'reset' });
    await assert.rejects(publishRelease(w.plan, deps(w)), (e: unknown) => e instanceof GitHubError && e.code === 'network' && /The tag was not created/.test(e.message));
    assert.equal(w.server.state('acme', 'widgets').releases.length, 0);
    await publishRelease(w.plan, deps(w));
    assertPublishedOnce(w);
  });

  it('a revoked token (401) stops before any write', async () => {
    const w = await world();
    inject(w, 'GET', 'users/get-authenticated', { kind: 'status', status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
    await assert.rejects(publishRelease(w.plan, deps(w)), (e: unknown) => e instanceof GitHubError && e.code === 'unauthorized' && /Sign in to GitHub again/.test(e.fix));
    assert.equal(w.server.requests.filter((r) => r.method !== 'GET').length, 0);
  });

  it('a missing permission (403) is named, and nothing else is written', async () => {
    const w = await world();
    inject(w, 'POST', 'git/create-ref', { kind: 'permission', permission: 'contents=write' });
    const error = await publishRelease(w.plan, deps(w)).then(
      () => assert.fail('should stop'),
      (e: unknown) => e as GitHubError,
    );
    assert.equal(error.code, 'forbidden');
    assert.match(error.message, /contents: write/);
    assert.equal(w.server.requests.filter((r) => r.method !== 'GET').length, 1);
    assert.deepEqual(w.waits, [], 'a permission error is not waited out as a rate limit');
  });

  for (const fault of [
    { kind: 'tooMany', retryAfterSec: 3 },
    { kind: 'secondaryRateLimit', retryAfterSec: 2 },
    { kind: 'rateLimit', resetInSec: 4 },
  ] as const) {
    it(`waits out a rate limit (${fault.kind}) through the countdown, then continues`, async () => {
      const w = await world();
      inject(w, 'POST', 'repos/create-release', fault);
      const result = await publishRelease(w.plan, deps(w));
      assert.equal(result.release.draft, false);
      assert.equal(w.waits.length, 1, 'one countdown');
      assert.ok(w.waits[0]! >= 2 && w.waits[0]! <= 6, `waited ${w.waits[0]} s`);
      assertPublishedOnce(w);
      w.server.assertValid();
    });
  }

  it('a cancelled rate-limit countdown stops with a rate-limit error and the journal says where', async () => {
    const w = await world({ wait: async () => false });
    inject(w, 'PATCH', 'repos/update-release', { kind: 'tooMany', retryAfterSec: 30 });
    await assert.rejects(publishRelease(w.plan, deps(w)), (e: unknown) => e instanceof GitHubError && e.code === 'rate-limited' && e.retryAfterSec === 30);
    const entry = await w.journal.read(journalKey('acme/widgets', 'v1.1.0', w.server.url));
    assert.equal(entry?.step, 'drafted');
    assert.equal(w.server.state('acme', 'widgets').releases[0]?.draft, true, 'the release stays a draft');
  });

  it('reads survive a hung connection (timeout, then retry)', async () => {
    const w = await world();
    inject(w, 'GET', 'repos/list-releases', { kind: 'hang' });
    const result = await publishRelease(w.plan, deps(w));
    assert.equal(result.release.draft, false);
    assert.equal(w.server.faultsFired.length, 1);
    assertPublishedOnce(w);
  });

  it('never moves a tag that exists elsewhere: stops before writing anything', async () => {
    const w = await world();
    const other = w.repo.head('v1.0.0');
    execFileSync('git', ['update-ref', 'refs/tags/v1.1.0', other], { cwd: w.remote });
    await assert.rejects(publishRelease(w.plan, deps(w)), (e: unknown) => e instanceof GitHubError && e.code === 'conflict' && /never moved/.test(e.message));
    assert.equal(w.server.requests.filter((r) => r.method !== 'GET').length, 0);
  });

  it('adopts a release that already matches (a concurrent run), and refuses one that differs', async () => {
    const same = await world();
    same.server.addRelease('acme', 'widgets', { tag_name: 'v1.1.0', target_commitish: same.sha, name: 'v1.1.0', body: same.plan.body });
    const adopted = await publishRelease(same.plan, deps(same));
    assert.equal(count(same, 'POST', 'repos/create-release'), 0);
    assert.equal(adopted.release.draft, false);

    const differs = await world();
    differs.server.addRelease('acme', 'widgets', { tag_name: 'v1.1.0', target_commitish: differs.sha, name: 'v1.1.0', body: 'someone else wrote this' });
    await assert.rejects(publishRelease(differs.plan, deps(differs)), (e: unknown) => e instanceof GitHubError && e.code === 'conflict' && /different name or notes/.test(e.message));
    assert.equal(count(differs, 'POST', 'repos/create-release'), 0);
    assert.equal(count(differs, 'PATCH', 'repos/update-release'), 0);
  });

  it('an unfinished publish of other content is not overwritten by a new plan', async () => {
    const w = await world();
    await assert.rejects(
      publishRelease(w.plan, deps(w, { onStep: (e) => (e.step === 'draft' && e.phase === 'start' ? Promise.reject(new Error('closed window')) : undefined) })),
      /closed window/,
    );
    await assert.rejects(publishRelease({ ...w.plan, body: 'edited later' }, deps(w)), /unfinished publish of v1\.1\.0 with different content/);
  });

  describe('the journal is keyed by the API server too', () => {
    it('a publish left unfinished against one server is not picked up against another', async () => {
      const a = await world();
      await assert.rejects(
        publishRelease(a.plan, deps(a, { onStep: (e) => (e.step === 'publish' && e.phase === 'start' ? Promise.reject(new Error('closed window')) : undefined) })),
        /closed window/,
      );
      const left = await a.journal.read(journalKey('acme/widgets', 'v1.1.0', a.server.url));
      assert.equal(left?.step, 'drafted');
      // The same repository and tag on another server, with the same journal (same clone).
      const b = await world();
      const onB = new OctokitGitHubApi({ owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: b.server.url, provider: 'github' }, { token: TOKEN, writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 1500 });
      execFileSync('git', ['push', '-q', b.remote, `${a.sha}:refs/heads/from-a`], { cwd: a.repo.dir });
      const result = await publishRelease(a.plan, deps(a, { api: onB }));
      assert.equal(result.resumed, false, 'a fresh publish on the other server');
      assert.deepEqual(result.actions, ['created tag v1.1.0 at ' + a.sha.slice(0, 12), 'created draft release v1.1.0', 'published release v1.1.0']);
      assert.equal(b.server.state('acme', 'widgets').releases.length, 1);
      assert.equal(count(b, 'GET', 'repos/get-release'), 1, 'no release id of the other server was looked up');
      const stillLeft = await a.journal.read(journalKey('acme/widgets', 'v1.1.0', a.server.url));
      assert.equal(stillLeft?.step, 'drafted', 'the first server\'s unfinished publish stays for a resume there');
      assert.equal(stillLeft?.apiOrigin, new URL(a.server.url).origin);
      const done = await a.journal.read(journalKey('acme/widgets', 'v1.1.0', b.server.url));
      assert.equal(done?.step, 'done');
      assert.equal(done?.apiOrigin, new URL(b.server.url).origin);
      // And the first server's publish still resumes there.
      const resumed = await publishRelease(a.plan, deps(a));
      assert.equal(resumed.resumed, true);
      assertPublishedOnce(a);
    });

    it('journals written before they named their server are still found for api.github.com, and only there', () => {
      assert.equal(journalKey('acme/widgets', 'v1.1.0', 'https://api.github.com'), 'publish:acme/widgets@v1.1.0');
      assert.equal(journalKey('acme/widgets', 'v1.1.0', 'https://api.github.com/'), 'publish:acme/widgets@v1.1.0');
      assert.equal(journalKey('acme/widgets', 'v1.1.0', 'https://ghe.example.com/api/v3'), 'publish:https://ghe.example.com/acme/widgets@v1.1.0');
      assert.notEqual(journalKey('acme/widgets', 'v1.1.0', 'http://127.0.0.1:1234'), journalKey('acme/widgets', 'v1.1.0', 'http://127.0.0.1:1235'));
    });
  });

  describe('one publish of a release at a time', () => {
    function plantLock(w: World, holder: { pid: number; host: string; since: string }): string {
      const path = journalFile(w.journal.dir, journalKey('acme/widgets', 'v1.1.0', w.server.url)).replace(/\.json$/, '.lock');
      mkdirSync(w.journal.dir, { recursive: true });
      writeFileSync(path, JSON.stringify({ ...holder, token: 'abc' }));
      return path;
    }

    it('a publish held by a live process is refused, naming the holder, and nothing is written', async () => {
      const w = await world();
      const other = spawn('sleep', ['30'], { stdio: 'ignore' });
      cleanups.push(() => void other.kill('SIGKILL'));
      const lock = plantLock(w, { pid: other.pid!, host: hostname(), since: '2026-12-06T23:00:00.000Z' });
      const error = await publishRelease(w.plan, deps(w)).then(
        () => assert.fail('should be refused'),
        (e: unknown) => e as GitHubError,
      );
      assert.ok(error instanceof GitHubError);
      assert.equal(error.code, 'conflict');
      assert.equal(error.message, `Another publish of v1.1.0 to acme/widgets is running (pid ${other.pid} on ${hostname()} since 2026-12-06T23:00:00.000Z). Nothing was changed.`);
      assert.ok(error.fix.includes(lock), error.fix);
      assert.equal(w.server.requests.length, 0, 'GitHub was not even asked');
      assert.equal(await w.journal.read(journalKey('acme/widgets', 'v1.1.0', w.server.url)), null, 'no journal entry was written');
      assert.ok(readFileSync(lock, 'utf8').includes(String(other.pid)), 'the holder\'s lock is left alone');
    });

    it('a lock left by a dead process of this machine is broken; the lock is released after the publish', async () => {
      const w = await world();
      const dead = spawn('true', [], { stdio: 'ignore' });
      await new Promise((r) => dead.on('exit', r));
      const lock = plantLock(w, { pid: dead.pid!, host: hostname(), since: '2026-12-06T23:00:00.000Z' });
      await publishRelease(w.plan, deps(w));
      assertPublishedOnce(w);
      assert.deepEqual(readdirSync(w.journal.dir).filter((f) => !f.endsWith('.json')), [], `no lock left (${lock})`);
    });

    it('a lock from another machine is reported, never broken', async () => {
      const w = await world();
      plantLock(w, { pid: 1, host: 'build-agent-7.example', since: '2026-12-06T23:00:00.000Z' });
      await assert.rejects(publishRelease(w.plan, deps(w)), (e: unknown) => e instanceof GitHubError && /pid 1 on build-agent-7\.example since 2026-12-06T23:00:00\.000Z/.test(e.message));
    });
  });

  it('cancellation stops the flow and is reported as cancelled', async () => {
    const w = await world();
    const ctl = new AbortController();
    await assert.rejects(
      publishRelease(w.plan, deps(w, { signal: ctl.signal, onStep: (e) => (e.step === 'draft' && e.phase === 'start' ? ctl.abort() : undefined) })),
      (e: unknown) => e instanceof GitHubError && e.code === 'cancelled',
    );
    assert.equal(count(w, 'POST', 'repos/create-release'), 0);
  });

  it('never writes the token: not in the journal, not in errors, not in the request log', async () => {
    const w = await world();
    inject(w, 'POST', 'repos/create-release', { kind: 'status', status: 500 });
    const error = await publishRelease(w.plan, deps(w)).catch((e: unknown) => e as Error);
    const files = readdirSync(w.journal.dir).map((f) => readFileSync(join(w.journal.dir, f), 'utf8'));
    const haystack = [JSON.stringify(files), String(error), (error as Error).stack ?? '', JSON.stringify(w.server.requests)].join('\n');
    for (const needle of [TOKEN, encodeURIComponent(TOKEN)]) assert.ok(!haystack.includes(needle), 'the token leaked');
    assert.ok(w.server.requests.every((r) => r.authorized), 'every request carried the token');
  });
});
