// publish --bump: the version files are bumped, committed and pushed, and the tag goes on that commit.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { startFakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

describe('release-manager publish --bump (against the local GitHub server)', function () {
  this.timeout(60_000);
  after(() => TestRepo.cleanup());

  it('bumps, commits, pushes, then tags that commit and publishes; a rerun changes nothing', async () => {
    const repo = TestRepo.create();
    repo.write('package.json', '{\n  "name": "w",\n  "version": "1.0.0"\n}\n');
    repo.git('add', 'package.json');
    repo.commit('chore: init');
    repo.tag('v1.0.0');
    const featureSha = repo.commit('feat: thing');
    const remote = mkdtempSync(join(tmpdir(), 'rm-bump-gh-'));
    execFileSync('git', ['init', '-q', '--bare', remote]);
    repo.git('remote', 'add', 'origin', remote);
    repo.git('push', '-q', 'origin', 'main', 'v1.0.0');
    const server = await startFakeGitHub({ token: 'tok' });
    try {
      server.addRepo('acme', 'widgets', { gitDir: remote });
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), cwd: repo.dir, env: { GITHUB_TOKEN: 'tok', GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/widgets' } };
      const code = await runCli(['publish', '--bump', '--yes'], io);
      assert.equal(code, 0, err.join(''));
      const bumpSha = repo.head();
      assert.notEqual(bumpSha, featureSha);
      assert.equal(repo.git('log', '-1', '--format=%s'), 'chore(release): 1.1.0');
      assert.match(out.join(''), /bump {5}package\.json → 1\.1\.0/);
      assert.equal(execFileSync('git', ['rev-parse', 'refs/tags/v1.1.0^{commit}'], { cwd: remote, encoding: 'utf8' }).trim(), bumpSha, 'the tag is on the bump commit');
      const release = server.state('acme', 'widgets').releases.find((r) => r.tag_name === 'v1.1.0');
      assert.equal(release?.draft, false);
      assert.match(release?.body ?? '', /thing/);
      assert.doesNotMatch(release?.body ?? '', /chore\(release\)/);

      out.length = 0;
      assert.equal(await runCli(['publish', '--bump', '--yes'], io), 0, err.join(''));
      assert.equal(repo.head(), bumpSha, 'no second bump commit');
      assert.match(out.join(''), /Nothing to change/);
      server.assertValid();
    } finally {
      await server.close();
      rmSync(remote, { recursive: true, force: true });
    }
  });
});
