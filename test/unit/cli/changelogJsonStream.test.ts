import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { buildChangelog } from '../../../src/core/changelog';
import { publicNotes } from '../../../src/core/changelogJson';
import { defaultConfig } from '../../../src/core/config';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { linearChangelogRepo, TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');
const BOB = { name: 'Bob Roe', email: 'bob@example.com' };
const CAROL = { name: 'Carol Poe', email: 'carol@example.com' };

/** The JSON changelog as the built CLI streams it (a real process, stdout a pipe). */
function streamed(r: TestRepo): string {
  const res = spawnSync(process.execPath, [CLI, 'changelog', '--repo', r.dir, '--format', 'json'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout;
}

/** The same changelog rendered whole, as the CLI printed it before streaming: one JSON.stringify of every release. */
async function rendered(r: TestRepo): Promise<string> {
  const releases = await buildChangelog(await LocalGitRepo.open(r.dir), defaultConfig());
  return JSON.stringify(releases.map(publicNotes), null, 2) + '\n';
}

const linearRepo = linearChangelogRepo;

describe('release-manager changelog --format json, streamed', function () {
  this.timeout(60_000);
  after(() => TestRepo.cleanup());

  it('writes the same bytes as one JSON.stringify of every release on a linear history', async () => {
    const r = linearRepo();
    const out = streamed(r);
    assert.equal(out, await rendered(r));
    const parsed = JSON.parse(out) as { range: { to: string }; firstTimeContributors: { email: string }[] }[];
    assert.deepEqual(parsed.map((n) => n.range.to), ['HEAD', 'v1.1.0', 'v1.0.1', 'v1.0.0', 'v1.0.0-rc.0', 'v0.1.0']);
    assert.deepEqual(parsed[1]!.firstTimeContributors.map((c) => c.email), ['dana@example.com']);
  });

  it('writes the same bytes on a history with merges and a release tag off the branch', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    r.checkout('side', true);
    r.commit('fix: side only');
    r.tag('v1.5.0'); // a stable release the main history never reaches: the version below v2.0.0 is v1.0.0
    r.checkout('main');
    r.checkout('topic', true);
    r.commit('feat: t', { author: BOB });
    r.checkout('main');
    r.commit('fix: m');
    r.merge('topic', 'Merge pull request #7 from x/topic');
    r.tag('v2.0.0');
    r.commit('fix: after', { author: CAROL });
    const out = streamed(r);
    assert.equal(out, await rendered(r));
    const parsed = JSON.parse(out) as { range: { to: string }; version: { current: string | null } }[];
    assert.deepEqual(parsed.map((n) => [n.range.to, n.version.current]), [['HEAD', '2.0.0'], ['v2.0.0', '1.0.0'], ['v1.0.0', null]]);
  });

  it('writes the same bytes on a linear history whose next stable tag is off the branch', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    r.checkout('side', true);
    r.commit('fix: side only');
    r.tag('v1.5.0');
    r.checkout('main');
    r.commit('feat: b');
    r.tag('v2.0.0');
    const out = streamed(r);
    assert.equal(out, await rendered(r));
    assert.equal((JSON.parse(out) as { version: { current: string } }[])[0]!.version.current, '1.0.0');
  });

  it('writes the same bytes for a history without any release tag', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.commit('fix: b', { author: BOB });
    const out = streamed(r);
    assert.equal(out, await rendered(r));
    assert.equal((JSON.parse(out) as unknown[]).length, 1);
  });

  it('stops quietly when the reader goes away (EPIPE), having waited for the pipe rather than buffering', async () => {
    const r = linearRepo();
    // Enough releases that the output outgrows the pipe's buffer (one update-ref for all of them).
    const at = r.head('HEAD~1');
    const refs = Array.from({ length: 2000 }, (_, i) => `create refs/tags/v1.1.${i + 1} ${at}\n`).join('');
    assert.equal(spawnSync('git', ['update-ref', '--stdin'], { cwd: r.dir, input: refs }).status, 0);
    const child = spawn(process.execPath, [CLI, 'changelog', '--repo', r.dir, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const first = await new Promise<Buffer>((done) => child.stdout.once('data', done));
    assert.equal(first.subarray(0, 4).toString(), '[\n  ');
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 0);
    assert.doesNotMatch(stderr, /EPIPE|Error|\n\s+at /);
  });
});
