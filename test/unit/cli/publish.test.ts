/**
 * `release-manager publish` in-process (`runCli` with `io.env` and `io.confirm`) against the local
 * GitHub server: the plan, the confirmation, the exit codes, resuming, and the token staying secret.
 * The CLI's Octokit spaces writes as on github.com (1 s, 3 s for releases): a full publish takes a
 * few seconds, so only five tests publish in full.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

/** Token-shaped canary (`ghp_` + 36): it must appear in no output, journal or server record. */
const TOKEN = 'ghp_' + 'CliCanary0123456789abcdefghijklmnopqrs'.slice(0, 36);

interface World {
  server: FakeGitHub;
  repo: TestRepo;
  /** The bare repository playing GitHub's copy. */
  remote: string;
  /** The release commit (HEAD). */
  sha: string;
  /** The environment the CLI gets: the local server, the token, the repository. */
  env: Record<string, string | undefined>;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Questions asked through io.confirm. */
  asked: string[];
}

const servers: FakeGitHub[] = [];
const dirs: string[] = [];
const repos: TestRepo[] = [];
/** Everything the CLI printed in the current test (the canary sweep reads it). */
const printed: string[] = [];

/** Every URL fetched in this process while the suite runs (the CLI's Octokit uses the global fetch). */
const fetched: string[] = [];
const realFetch = globalThis.fetch;

/** A released repository with a feature since (next: 1.1.0), pushed to the fake GitHub's copy. */
async function world(): Promise<World> {
  const repo = TestRepo.create();
  repos.push(repo);
  repo.commit('feat: first');
  repo.tag('v1.0.0');
  const sha = repo.commit('feat: second thing');
  const remote = mkdtempSync(join(tmpdir(), 'rm-remote-'));
  dirs.push(remote);
  execFileSync('git', ['clone', '-q', '--bare', repo.dir, remote]);
  const server = await startFakeGitHub({ token: TOKEN });
  servers.push(server);
  server.addRepo('acme', 'widgets', { gitDir: remote });
  return { server, repo, remote, sha, env: { GITHUB_API_URL: server.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/widgets' } };
}

/** `release-manager publish --repo <repo> …args` in-process; `confirm` present = a terminal to ask on. */
async function publish(w: World, args: string[], options: { env?: Record<string, string | undefined>; confirm?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const asked: string[] = [];
  const code = await runCli(['publish', '--repo', w.repo.dir, ...args], {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    cwd: w.repo.dir,
    env: options.env ?? w.env,
    ...(options.confirm !== undefined
      ? {
          confirm: async (question: string) => {
            asked.push(question);
            return options.confirm!;
          },
        }
      : {}),
  });
  printed.push(stdout, stderr);
  return { code, stdout, stderr, asked };
}

function writes(w: World): string[] {
  return w.server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.operationId}`);
}

function journalDir(w: World): string {
  return join(w.repo.dir, '.git', 'release-manager', 'journal');
}

function journalFiles(w: World): string[] {
  const dir = journalDir(w);
  return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
}

/** GitHub's end state: one release for the tag (draft or not), with this body; the tag at the release commit. */
function assertReleased(w: World, tag: string, expected: { draft: boolean; body?: string | RegExp }): void {
  const releases = w.server.state('acme', 'widgets').releases.filter((r) => r.tag_name === tag);
  assert.equal(releases.length, 1, `exactly one release for ${tag}`);
  assert.equal(releases[0]!.draft, expected.draft);
  if (typeof expected.body === 'string') assert.equal(releases[0]!.body, expected.body);
  else if (expected.body) assert.match(releases[0]!.body ?? '', expected.body);
  assert.equal(execFileSync('git', ['rev-parse', `refs/tags/${tag}^{commit}`], { cwd: w.remote, encoding: 'utf8' }).trim(), w.sha, 'the tag is at the release commit');
}

function assertNothingWritten(w: World): void {
  assert.deepEqual(writes(w), [], 'nothing was written on GitHub');
  assert.equal(w.server.state('acme', 'widgets').releases.length, 0);
  assert.equal(w.server.state('acme', 'widgets').apiRefs.length, 0);
}

describe('release-manager publish (CLI) against the local GitHub server', function () {
  // A full publish waits for the CLI's write spacing (about 2-5 s).
  this.timeout(30_000);

  // Decoys in the process environment: the CLI must read only io.env (a decoy used would show as an
  // unauthorized request, a request to example.com, or the wrong repository).
  const DECOYS: Record<string, string> = { GITHUB_TOKEN: 'ghp_' + 'D'.repeat(36), GH_TOKEN: 'ghp_' + 'E'.repeat(36), GITHUB_API_URL: 'https://example.com/api/v3', GITHUB_REPOSITORY: 'decoy/decoy' };
  const saved: Record<string, string | undefined> = {};

  before(() => {
    for (const [k, v] of Object.entries(DECOYS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      fetched.push(input instanceof Request ? input.url : String(input));
      return realFetch(input, init);
    }) as typeof fetch;
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    globalThis.fetch = realFetch;
    TestRepo.cleanup();
  });

  beforeEach(() => {
    fetched.length = 0;
    printed.length = 0;
  });

  afterEach(async function () {
    const all = servers.splice(0);
    const worlds = repos.splice(0);
    try {
      // The canary sweep: no output, journal or server record holds the token (raw or URL-encoded).
      const journals = worlds.flatMap((r) => {
        const dir = join(r.dir, '.git', 'release-manager', 'journal');
        return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
      });
      const haystack = [...printed, ...journals, ...all.map((s) => JSON.stringify({ requests: s.requests, state: s.state('acme', 'widgets').releases }))].join('\n');
      for (const needle of [TOKEN, encodeURIComponent(TOKEN), TOKEN.slice(4)]) assert.ok(!haystack.includes(needle), `the token leaked in ${this.currentTest?.title}`);
      for (const s of all) assert.ok(s.requests.every((r) => r.authorized), 'a request without the token from io.env');
      assert.ok(fetched.every((u) => !u.startsWith('https://example.com')), 'a decoy from process.env was used');
      for (const s of all) s.assertValid();
    } finally {
      for (const s of all) await s.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    }
  });

  it('--yes: prints the plan (version, tag, SHA, notes), never prompts, tags and publishes, exit 0; a rerun changes nothing', async () => {
    const w = await world();
    const run = await publish(w, ['--yes'], { confirm: true });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.asked, [], 'never prompts with --yes');
    const plan = run.stdout.split('\n');
    assert.equal(plan[0], 'Publish v1.1.0 to acme/widgets');
    assert.equal(plan[1], '  version  1.1.0 (last release v1.0.0)');
    assert.equal(plan[2], `  tag      v1.1.0 at ${w.sha}`);
    assert.equal(plan[3], '  as       a published release');
    assert.equal(plan[4], '  notes:');
    assert.match(plan[5]!, /^ {2}\| ## 1\.1\.0/);
    assert.match(run.stdout, /^ {2}\| - second thing/m);
    assert.match(run.stdout, new RegExp(`^- created tag v1\\.1\\.0 at ${w.sha.slice(0, 12)}\\n- created draft release v1\\.1\\.0\\n- published release v1\\.1\\.0\\nPublished: https://github\\.com/acme/widgets/releases/tag/v1\\.1\\.0\\n$`, 'm'));
    assert.match(run.stderr, /Tag v1\.1\.0 at [0-9a-f]{12}\.\.\.\n/);
    assertReleased(w, 'v1.1.0', { draft: false, body: /- second thing/ });
    assert.deepEqual(writes(w), ['POST git/create-ref', 'POST repos/create-release', 'PATCH repos/update-release']);
    assert.ok(w.server.requests.every((r) => r.authorized), 'every request carried the token');
    assert.ok(fetched.length > 0 && fetched.every((u) => u.startsWith(`${w.server.url}/`)), 'requests went only to GITHUB_API_URL');
    const journal = journalFiles(w);
    assert.equal(journal.length, 1);
    assert.equal(JSON.parse(journal[0]!).step, 'done');

    const again = await publish(w, ['--yes']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Nothing to change: GitHub already has this release\.$/m);
    assert.doesNotMatch(again.stdout, /^- /m);
    assert.equal(writes(w).length, 3, 'the rerun wrote nothing');
    assertReleased(w, 'v1.1.0', { draft: false });
  });

  it('without --yes and without a terminal: exit 2 after showing the plan, nothing written', async () => {
    const w = await world();
    const run = await publish(w, []);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /^Publish v1\.1\.0 to acme\/widgets$/m);
    assert.match(run.stderr, /^error: Publishing needs a confirmation and there is no terminal to ask on\.\nfix: Review the plan above and run again with --yes\.\n$/m);
    assertNothingWritten(w);
    assert.deepEqual(journalFiles(w), [], 'no journal: nothing was started');
  });

  it('answered no: exit 1, nothing written', async () => {
    const w = await world();
    const run = await publish(w, [], { confirm: false });
    assert.equal(run.code, 1);
    assert.deepEqual(run.asked, ['Publish v1.1.0 to acme/widgets? [y/N] ']);
    assert.match(run.stderr, /^Not published: nothing was changed\.$/m);
    assertNothingWritten(w);
    assert.deepEqual(journalFiles(w), []);
  });

  it('answered yes, with the repository from a github.com origin and GITHUB_API_URL pointing at the server', async () => {
    const w = await world();
    w.repo.git('remote', 'add', 'origin', 'https://github.com/acme/widgets.git');
    const env = { GITHUB_API_URL: `${w.server.url}/`, GITHUB_TOKEN: TOKEN };
    const run = await publish(w, [], { env, confirm: true });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.asked, ['Publish v1.1.0 to acme/widgets? [y/N] ']);
    assertReleased(w, 'v1.1.0', { draft: false });
    assert.ok(w.server.requests.every((r) => r.path === '/user' || r.path.startsWith('/repos/acme/widgets/')), 'every request is about acme/widgets');
    assert.ok(fetched.every((u) => u.startsWith(`${w.server.url}/`)), 'nothing went to api.github.com');
  });

  it('--draft --notes-file --tag with GH_TOKEN: a draft with the file\'s text, under that tag', async () => {
    const w = await world();
    const notes = '# Widgets 1.1.0\r\n\r\nHand-written notes: see https://example.com/changes.\n';
    writeFileSync(join(w.repo.dir, 'NOTES.md'), '\uFEFF' + notes);
    const env = { GITHUB_API_URL: w.server.url, GH_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/widgets' };
    const run = await publish(w, ['--draft', '--notes-file', 'NOTES.md', '--tag', 'widgets-1.1.0', '--yes'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ {2}tag {6}widgets-1\.1\.0 at [0-9a-f]{40}$/m);
    assert.match(run.stdout, /^ {2}as {7}a draft release \(not published\)$/m);
    assert.match(run.stdout, /^ {2}\| Hand-written notes: see https:\/\/example\.com\/changes\.$/m);
    assert.match(run.stdout, /^Draft: /m);
    assertReleased(w, 'widgets-1.1.0', { draft: true, body: notes });
    assert.deepEqual(writes(w), ['POST git/create-ref', 'POST repos/create-release'], 'a draft is never published');
  });

  it('a 502 after GitHub created the release: read back and continued in the same run, one release', async () => {
    const w = await world();
    w.server.inject({ method: 'POST', operationId: 'repos/create-release', fault: { kind: 'afterApply', status: 502 } });
    const run = await publish(w, ['--yes']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(w.server.faultsFired.length, 1);
    assert.deepEqual(writes(w), ['POST git/create-ref', 'POST repos/create-release', 'PATCH repos/update-release'], 'the create was not retried blindly');
    assert.match(run.stdout, /^- created draft release v1\.1\.0$/m);
    assertReleased(w, 'v1.1.0', { draft: false });
  });

  it('a 502 that did not apply: exit 1 with the resume fix and the journal at "tagged"; the next run resumes', async () => {
    const w = await world();
    w.server.inject({ method: 'POST', operationId: 'repos/create-release', fault: { kind: 'status', status: 502 } });
    const failed = await publish(w, ['--yes']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^error: GitHub failed while creating release v1\.1\.0 on acme\/widgets \(502\)\. No release was created for v1\.1\.0; the tag stays\.\nfix: Run Publish again: it resumes where it stopped\.$/m);
    assert.equal(JSON.parse(journalFiles(w)[0]!).step, 'tagged');
    const resumed = await publish(w, ['--yes']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^Resumed an unfinished publish of this release\.\n- created draft release v1\.1\.0\n- published release v1\.1\.0\n/m);
    assert.equal(writes(w).filter((x) => x === 'POST git/create-ref').length, 1, 'the tag was created once');
    assertReleased(w, 'v1.1.0', { draft: false });
  });

  it('no token: exit 2 naming GITHUB_TOKEN, before any request', async () => {
    const w = await world();
    for (const env of [
      { GITHUB_API_URL: w.server.url, GITHUB_REPOSITORY: 'acme/widgets' },
      { GITHUB_API_URL: w.server.url, GITHUB_REPOSITORY: 'acme/widgets', GITHUB_TOKEN: '  ', GH_TOKEN: '' },
    ]) {
      const run = await publish(w, ['--yes'], { env });
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^error: No GitHub token: GITHUB_TOKEN and GH_TOKEN are not set\.\nfix: Set GITHUB_TOKEN/);
    }
    assert.equal(w.server.requests.length, 0);
    assert.deepEqual(fetched, []);
  });

  it('a non-loopback http GITHUB_API_URL: exit 2, never asks, no request sent (the token goes nowhere)', async () => {
    const w = await world();
    for (const apiUrl of ['http://example.com', 'http://example.com/api/v3', 'http://127.0.0.1.example.com', `http://user:pw@127.0.0.1:${new URL(w.server.url).port}`]) {
      for (const args of [['--yes'], ['--notes-file', 'NOTES.md']]) {
        writeFileSync(join(w.repo.dir, 'NOTES.md'), 'notes\n');
        const run = await publish(w, args, { env: { GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/widgets' }, confirm: true });
        const label = `${apiUrl} ${args.join(' ')}`;
        assert.equal(run.code, 2, `${label}: ${run.stderr}`);
        assert.match(run.stderr, /^error: Refusing to send the GitHub token: the API URL must (use https \(got http\)|not contain credentials)\.\nfix: Use https:\/\/api\.github\.com or your GitHub Enterprise Server URL/, label);
        assert.deepEqual(run.asked, [], `${label}: asked to confirm a publish that cannot happen`);
      }
    }
    assert.deepEqual(fetched, [], 'no request was sent anywhere');
    assert.equal(w.server.requests.length, 0);
    assert.deepEqual(journalFiles(w), []);
  });

  it('a remote that only looks like GitHub is not GitHub: exit 2, the token is never sent, credentials in it never shown', async () => {
    const w = await world();
    for (const url of ['https://github.com.attacker.example/acme/widgets.git', `https://x-access-token:${TOKEN}@attacker.example/github.com/widgets.git`]) {
      if (w.repo.git('remote') !== '') w.repo.git('remote', 'remove', 'origin');
      w.repo.git('remote', 'add', 'origin', url);
      const run = await publish(w, ['--yes'], { env: { GITHUB_TOKEN: TOKEN } });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^error: This repository has no GitHub remote \(remotes: origin https:\/\/[^\s@]+\)\./);
    }
    assert.deepEqual(fetched, []);
  });

  it('a revoked token (401): exit 1 with the sign-in fix, nothing written', async () => {
    const w = await world();
    w.server.inject({ method: 'GET', operationId: 'users/get-authenticated', fault: { kind: 'status', status: 401 } });
    const run = await publish(w, ['--yes']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: GitHub rejected the token \(401 Bad credentials\) while reading the signed-in account\.\nfix: Sign in to GitHub again \(or set a valid GITHUB_TOKEN for the CLI\)\.$/m);
    assertNothingWritten(w);
  });

  it('usage errors: exit 2 with cause and fix, nothing written', async () => {
    const w = await world();
    for (const args of [
      ['--yes', '--from', 'v1.0.0'],
      ['--yes', '--format', 'json'],
      ['--yes', '--tag', 'bad..tag'],
      ['--yes', '--tag=-c'],
      ['--yes', '--notes-file', 'missing.md'],
      ['--yes', 'extra'],
      ['--yes', '--bogus'],
    ]) {
      const run = await publish(w, args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^error: .+\nfix: .+/m, args.join(' '));
    }
    // Nothing to release: HEAD is the last release.
    w.repo.tag('v1.1.0');
    const nothing = await publish(w, ['--yes']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /^error: Nothing to release/m);
    assertNothingWritten(w);
  });
});
