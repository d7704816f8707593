import assert from 'node:assert/strict';
import { GitHubError } from '../../../src/core/errors';
import { createOctokit, toGitHubError } from '../../../src/github/client';

/** The operating system's answer when there is no network (simulated: the tests send nothing off this machine). */
function offlineFetch(code: string, calls: { n: number }): typeof fetch {
  return (async () => {
    calls.n++;
    throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`getaddrinfo ${code} api.example.test`), { code }) });
  }) as typeof fetch;
}

describe('GitHub without a network', () => {
  const real = globalThis.fetch;
  afterEach(() => (globalThis.fetch = real));

  for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']) {
    it(`says "offline" at once on ${code}, without retrying a read`, async () => {
      const calls = { n: 0 };
      globalThis.fetch = offlineFetch(code, calls);
      const octokit = createOctokit({ apiUrl: 'https://api.example.test', token: 't', retryBaseMs: 1000 });
      const started = Date.now();
      const e = await octokit.rest.repos.get({ owner: 'o', repo: 'r' }).then(
        () => null,
        (err: unknown) => toGitHubError(err, 'reading o/r'),
      );
      assert.ok(e instanceof GitHubError);
      assert.equal(e.code, 'network');
      assert.match(e.message, /cannot be reached.*offline\?/);
      assert.match(e.message, new RegExp(code));
      assert.equal(calls.n, 1, 'one attempt: a read is not retried when the host cannot be reached');
      assert.ok(Date.now() - started < 1000, 'no back-off');
    });
  }

  it('still retries a reset connection (a passing fault)', async () => {
    const calls = { n: 0 };
    globalThis.fetch = offlineFetch('ECONNRESET', calls);
    const octokit = createOctokit({ apiUrl: 'https://api.example.test', token: 't', retryBaseMs: 1 });
    await assert.rejects(octokit.rest.repos.get({ owner: 'o', repo: 'r' }));
    assert.equal(calls.n, 4, 'the first attempt and three retries');
  });
});
