/**
 * Two probes of `release-manager publish` against the local GitHub server: two `publish --yes` at
 * once (real processes of the built CLI: `npm run build` first), and `publish --bump` in a repository
 * whose `.git/config` tries to make the commit and the push run its programs.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');
const TOKEN = 'ghp_' + 'ProbeCanary0123456789abcdefghijklmnopq'.slice(0, 36);
const servers: FakeGitHub[] = [];
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A released repository (package.json at 1.0.0, v1.0.0) with a feature since, pushed to a bare "GitHub" copy behind the server. */
async function world(): Promise<{ repo: TestRepo; remote: string; server: FakeGitHub; env: Record<string, string> }> {
  const repo = TestRepo.create();
  repo.write('package.json', '{\n  "name": "widgets",\n  "version": "1.0.0"\n}\n');
  repo.git('add', 'package.json');
  repo.commit('chore: init');
  repo.tag('v1.0.0');
  repo.commit('feat: second thing');
  const remote = tempDir('rm-probe-remote-');
  execFileSync('git', ['init', '-q', '--bare', remote]);
  repo.git('remote', 'add', 'origin', remote);
  repo.git('push', '-q', 'origin', 'main', 'v1.0.0');
  const server = await startFakeGitHub({ token: TOKEN });
  servers.push(server);
  server.addRepo('acme', 'widgets', { gitDir: remote });
  return { repo, remote, server, env: { GITHUB_API_URL: server.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/widgets' } };
}

interface Exit {
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCliProcess(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ pid: child.pid!, code, stdout, stderr }));
  });
}

describe('release-manager publish probes', function () {
  this.timeout(60_000);

  after(async () => {
    for (const s of servers.splice(0)) await s.close();
    TestRepo.cleanup();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('two publish --yes at once: exactly one release; the other exits 1 naming the holder (pid, host, since)', async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    const w = await world();
    const args = ['publish', '--repo', w.repo.dir, '--yes'];
    const [a, b] = await Promise.all([runCliProcess(args, w.env), runCliProcess(args, w.env)]);
    const runs = [a, b];
    const won = runs.filter((r) => r.code === 0);
    const lost = runs.filter((r) => r.code !== 0);
    assert.equal(won.length, 1, runs.map((r) => `exit ${r.code}: ${r.stderr}`).join('\n---\n'));
    assert.equal(lost.length, 1);
    assert.equal(lost[0]!.code, 1, lost[0]!.stderr);
    const m = /^error: Another publish of v1\.1\.0 to acme\/widgets is running \(pid (\d+) on (.+) since (\S+)\)\. Nothing was changed\.$/m.exec(lost[0]!.stderr);
    assert.ok(m, lost[0]!.stderr);
    assert.equal(Number(m[1]), won[0]!.pid, 'the holder named is the process that published');
    assert.equal(m[2], hostname());
    assert.ok(!Number.isNaN(Date.parse(m[3]!)), m[3]);
    assert.match(lost[0]!.stderr, /^fix: Wait for it to finish, then run publish again/m);
    const releases = w.server.state('acme', 'widgets').releases.filter((r) => r.tag_name === 'v1.1.0');
    assert.equal(releases.length, 1, 'exactly one release');
    assert.equal(releases[0]!.draft, false);
    assert.equal(w.server.requests.filter((r) => r.method === 'POST' && r.operationId === 'repos/create-release').length, 1);
    // The lock is gone once the winner is done: a third run finds the release done.
    const journal = join(w.repo.dir, '.git', 'release-manager', 'journal');
    assert.deepEqual(readdirSync(journal).filter((f) => !f.endsWith('.json')), []);
    const again = await runCliProcess(args, w.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to change: GitHub already has this release/);
  });

  describe('publish --bump in a repository whose .git/config is hostile', () => {
    /** Makes the repository's config name marker-writing programs for everything a commit and a push could run. */
    function hostile(repoDir: string): string {
      const markers = tempDir('rm-probe-markers-');
      const bin = tempDir('rm-probe-bin-');
      const script = (name: string, tail = '') => {
        const path = join(bin, name);
        writeFileSync(path, `#!/bin/sh\ntouch "${join(markers, name)}"\n${tail}`);
        chmodSync(path, 0o755);
        return path;
      };
      const hooks = join(bin, 'hooks');
      mkdirSync(hooks);
      for (const hook of ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-push', 'reference-transaction', 'post-index-change']) {
        writeFileSync(join(hooks, hook), `#!/bin/sh\ntouch "${join(markers, `hook-${hook}`)}"\nexit 0\n`);
        chmodSync(join(hooks, hook), 0o755);
      }
      const set = (key: string, value: string) => execFileSync('git', ['config', key, value], { cwd: repoDir });
      set('core.hooksPath', hooks);
      set('core.fsmonitor', script('fsmonitor'));
      set('core.sshCommand', script('ssh', 'exit 1\n'));
      set('core.askPass', script('askpass'));
      set('credential.helper', `!${script('credential')}`);
      set('gpg.program', script('gpg', 'exit 1\n'));
      set('filter.probe.clean', `sh -c '${script('clean')}; cat'`);
      set('filter.probe.smudge', `sh -c '${script('smudge')}; cat'`);
      set('remote.origin.receivepack', script('receivepack', 'exec git-receive-pack "$@"\n'));
      writeFileSync(join(repoDir, '.git', 'info', 'attributes'), 'package.json filter=probe\n');
      return markers;
    }

    async function publishBump(dir: string, env: Record<string, string>) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['publish', '--repo', dir, '--bump', '--yes'], { out: (t) => void (stdout += t), err: (t) => void (stderr += t), cwd: dir, env });
      return { code, stdout, stderr };
    }

    it('bumps, commits, pushes and publishes without running any hook or program the repository names', async () => {
      const w = await world();
      const markers = hostile(w.repo.dir);
      const run = await publishBump(w.repo.dir, w.env);
      assert.deepEqual(readdirSync(markers), [], `ran: ${readdirSync(markers).join(', ')}\n${run.stderr}`);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(w.repo.git('log', '-1', '--format=%s'), 'chore(release): 1.1.0');
      const sha = w.repo.git('rev-parse', 'HEAD');
      assert.equal(execFileSync('git', ['rev-parse', 'refs/heads/main'], { cwd: w.remote, encoding: 'utf8' }).trim(), sha, 'the bump is pushed');
      assert.equal(execFileSync('git', ['rev-parse', 'refs/tags/v1.1.0^{commit}'], { cwd: w.remote, encoding: 'utf8' }).trim(), sha, 'the tag is on the bump commit');
      assert.equal(w.server.state('acme', 'widgets').releases.filter((r) => r.tag_name === 'v1.1.0').length, 1);
    });

    it('a push over ssh uses the user\'s ssh, not the repository\'s core.sshCommand: a clear error, nothing run', async () => {
      const w = await world();
      const markers = hostile(w.repo.dir);
      execFileSync('git', ['config', 'remote.origin.pushurl', 'ssh://git@127.0.0.1:9/acme/widgets.git'], { cwd: w.repo.dir });
      const run = await publishBump(w.repo.dir, w.env);
      assert.deepEqual(readdirSync(markers), [], `ran: ${readdirSync(markers).join(', ')}\n${run.stderr}`);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /error: The version bump is committed locally \([0-9a-f]{12}\) but could not be pushed to origin\/main: /);
      assert.match(run.stderr, /fix: Push it yourself \(git push origin main\), then publish again/);
      assert.equal(w.server.state('acme', 'widgets').releases.length, 0, 'nothing published');
    });
  });
});
