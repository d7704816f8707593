// The GitHub code ships as its own bundle (dist/github.js, loaded on first use), with its own copies of
// the error classes: faults it throws must still be recognised by the CLI and the extension bundles.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, GitError, GitHubError, ReleaseError, UsageError } from '../../../src/core/errors';
import { startFakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

const run = promisify(execFile);
const CLI = join(__dirname, '../../../dist/cli.js');

describe('errors across bundles', () => {
  after(() => TestRepo.cleanup());

  it('recognises an error by its kind, whichever copy of the class made it', () => {
    const foreign = Object.assign(new Error('from another bundle'), { fix: 'f', code: 'unauthorized' });
    Object.defineProperty(foreign, Symbol.for('release-manager.error-kinds'), { value: ['GitHubError', 'ReleaseError'] });
    assert.ok(foreign instanceof GitHubError);
    assert.ok(foreign instanceof ReleaseError);
    assert.ok(!(foreign instanceof GitError));
    const ours = new UsageError('m', 'f');
    assert.ok(ours instanceof UsageError && ours instanceof ReleaseError && ours instanceof Error);
    assert.ok(!(ours instanceof ConfigError));
    assert.equal(new GitHubError('server', 'm', 'f').name, 'GitHubError');
    assert.ok(!({} instanceof ReleaseError));
  });

  it('the built CLI reports a GitHub fault from dist/github.js with its cause and fix (exit 1), not as unexpected', async function () {
    this.timeout(30_000);
    const repo = TestRepo.create();
    repo.commit('feat: first');
    const remote = mkdtempSync(join(tmpdir(), 'rm-remote-'));
    const server = await startFakeGitHub({ token: 'right-token' });
    try {
      await run('git', ['clone', '-q', '--bare', repo.dir, remote]);
      server.addRepo('acme', 'widgets', { gitDir: remote });
      const env = { ...process.env, GITHUB_TOKEN: 'wrong-token', GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/widgets' };
      const result = await run(process.execPath, [CLI, 'publish', '--repo', repo.dir, '--yes'], { env }).then(
        () => assert.fail('publish with a refused token must fail'),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(result.code, 1);
      assert.match(result.stderr, /error: GitHub rejected the token \(401/);
      assert.match(result.stderr, /fix: Sign in to GitHub again/);
      assert.equal(server.requests.filter((r) => r.method !== 'GET').length, 0);
    } finally {
      await server.close();
      rmSync(remote, { recursive: true, force: true });
    }
  });
});
