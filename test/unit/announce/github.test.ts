/**
 * The GitHub channel through the real Octokit adapter against the local GitHub server: a comment on a
 * tracking issue (once, also after a 5xx that applied the write), and a Discussion on the release.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { OctokitGitHubApi } from '../../../src/github/api';
import { noticeFacts, previewAnnouncements, sendAnnouncements, type AnnounceInput } from '../../../src/node/announce';
import { githubAnnouncer } from '../../../src/node/githubAnnouncer';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

const TOKEN = 'ghp_' + 'AnnounceCanary0123456789abcdefghijklm'.slice(0, 36);

describe('announcements on GitHub', function () {
  this.timeout(60_000);
  let server: FakeGitHub;
  after(() => TestRepo.cleanup());
  afterEach(async () => server?.close());

  async function world(channel: Record<string, unknown>) {
    const r = TestRepo.create();
    r.commit('feat: first');
    r.tag('v1.0.0');
    r.commit('feat(ui): dark mode <script>x</script> @everyone');
    r.tag('v1.1.0');
    const remote = mkdtempSync(join(tmpdir(), 'rm-remote-'));
    execFileSync('git', ['clone', '-q', '--bare', r.dir, remote]);
    server = await startFakeGitHub({ token: TOKEN });
    server.addRepo('acme', 'widgets', { gitDir: remote });
    const api = new OctokitGitHubApi({ owner: 'acme', repo: 'widgets', host: 'github.com', apiUrl: server.url, provider: 'github' }, { token: TOKEN, writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 1500 });
    const input: AnnounceInput = { repo: await LocalGitRepo.open(r.dir), config: parseConfig(JSON.stringify({ announce: { channels: [{ kind: 'github', audiences: ['external'], ...channel }] } })), stage: 'completed', version: '1.1.0', github: githubAnnouncer(api) };
    return { r, api, input };
  }

  it('comments on the tracking issue once, with hostile text inert, and reads an unanswered comment back', async () => {
    const { api, input } = await world({ issue: 7 });
    server.addIssue('acme', 'widgets', { number: 7, title: 'Release tracking' });
    // GitHub applies the comment, then answers 502: the outcome is unknown, and the next run reads it back.
    server.inject({ method: 'POST', path: '/repos/acme/widgets/issues/7/comments', fault: { kind: 'afterApply', status: 502 } });
    const first = await sendAnnouncements(input);
    assert.equal(first[0]!.status, 'unconfirmed', first[0]!.message);
    const second = await sendAnnouncements(input);
    assert.equal(second[0]!.status, 'already-sent', second[0]!.message);
    const comments = await api.issueComments(7);
    assert.equal(comments.length, 1);
    assert.doesNotMatch(comments[0]!.body, /<script>|(^|[^`])@everyone/);
    assert.match(comments[0]!.body, /dark mode/);
  });

  it('sends a comment again when the channel says it never arrived', async () => {
    const { api, input } = await world({ issue: 7 });
    server.addIssue('acme', 'widgets', { number: 7, title: 'Release tracking' });
    server.inject({ method: 'POST', path: '/repos/acme/widgets/issues/7/comments', fault: { kind: 'reset' } });
    const first = await sendAnnouncements(input);
    assert.notEqual(first[0]!.status, 'sent');
    const second = await sendAnnouncements(input);
    assert.equal(second[0]!.status, 'sent', second[0]!.message);
    assert.equal((await api.issueComments(7)).length, 1);
  });

  it('opens a Discussion on the published release through discussion_category_name', async () => {
    const { api, input } = await world({ discussionCategory: 'Announcements' });
    const refused = await sendAnnouncements(input);
    assert.equal(refused[0]!.status, 'failed');
    assert.match(refused[0]!.message, /no published GitHub release for v1\.1\.0/);
    server.addRelease('acme', 'widgets', { tag_name: 'v1.1.0', name: 'v1.1.0', body: 'notes' });
    const sent = await sendAnnouncements(input);
    assert.equal(sent[0]!.status, 'sent', sent[0]!.message);
    assert.match(sent[0]!.message, /\/discussions\/\d+$/);
    const release = (await api.listReleases()).find((x) => x.tagName === 'v1.1.0');
    assert.ok(release?.discussionUrl);
    assert.equal((await sendAnnouncements(input))[0]!.status, 'already-sent');
  });

  it('lists open issues labelled known-issue in the support announcement, and the gate renders the same', async () => {
    const { api, input } = await world({ issue: 7 });
    server.addIssue('acme', 'widgets', { number: 7, title: 'Release tracking' });
    server.addIssue('acme', 'widgets', { title: 'Exports time out over 10k rows <img src=x onerror=alert(1)>', labels: ['known-issue'] });
    const [p] = await previewAnnouncements({ ...input, github: undefined, githubApi: async () => api, audiences: ['support'], stage: 'notice' });
    assert.match(p!.markdown, /## Known issues\n\n- Exports time out over 10k rows &lt;img src=x onerror=alert\\\(1\\\)&gt;/);
    const facts = await noticeFacts({ repo: input.repo, config: input.config, githubApi: async () => api })();
    assert.equal(await facts.currentHash('support', null), p!.contentHash);
  });
});
