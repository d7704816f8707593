import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { listDeliveries, previewAnnouncements, sendAnnouncements, envSecrets, type AnnounceInput } from '../../../src/node/announce';
import { AnnounceJournal } from '../../../src/node/announceJournal';
import { SlackReceiver, SmtpReceiver } from '../../helpers/announceServers';
import { TestRepo } from '../../helpers/testRepo';

const HOSTILE = 'feat(api): export <script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) [d](data:text/html,x) <!channel> <@U024BE7LH> <https://evil.example|login> @here @everyone';

async function setup(channels: unknown[]) {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.0.0');
  r.commit(HOSTILE);
  r.commit('fix: crash on save');
  const config: ReleaseConfig = parseConfig(JSON.stringify({ announce: { channels } }));
  const repo = await LocalGitRepo.open(r.dir);
  return { r, repo, config };
}

describe('announcements through real channels', function () {
  let slack: SlackReceiver;
  let smtp: SmtpReceiver;
  let webhook: string;
  beforeEach(async () => {
    slack = new SlackReceiver();
    smtp = new SmtpReceiver();
    webhook = await slack.start();
    await smtp.start();
  });
  afterEach(async () => {
    await slack.stop();
    await smtp.stop();
  });
  after(() => TestRepo.cleanup());

  const channels = () => [
    { kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal', 'support'] },
    { kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'release@example.com', to: ['team@example.com'], audiences: ['internal'] },
    { kind: 'file', audiences: ['external'] },
  ];
  const input = (s: Awaited<ReturnType<typeof setup>>, over: Partial<AnnounceInput> = {}): AnnounceInput => ({
    repo: s.repo,
    config: s.config,
    stage: 'notice',
    plannedAt: '2026-12-10T14:00:00Z',
    secrets: envSecrets({ SLACK_WEBHOOK_URL: webhook }),
    timeoutMs: 1500,
    ...over,
  });

  it('sends exactly one message per audience and channel over two runs', async () => {
    const s = await setup(channels());
    const first = await sendAnnouncements(input(s));
    assert.deepEqual(first.map((r) => `${r.audience}/${r.channel}/${r.status}`).sort(), ['external/file/sent', 'internal/email/sent', 'internal/slack/sent', 'support/slack/sent']);
    const second = await sendAnnouncements(input(s));
    assert.deepEqual(second.map((r) => r.status), ['already-sent', 'already-sent', 'already-sent', 'already-sent']);
    assert.equal(slack.messages.length, 2);
    assert.equal(smtp.messages.length, 1);
    assert.deepEqual(smtp.messages[0]!.to, ['team@example.com']);
    assert.ok(existsSync(join(s.r.dir, 'release-announcements/1.1.0/external.md')));
    const journal = await listDeliveries(s.repo.gitCommonDir, '1.1.0');
    assert.equal(journal.filter((d) => d.state === 'sent').length, 4);
    for (const d of journal) {
      assert.equal(d.version, '1.1.0');
      assert.equal(d.plannedAt, '2026-12-10T14:00:00.000Z');
      assert.match(d.contentHash, /^[0-9a-f]{64}$/);
      assert.ok(d.sentAt);
    }
    // The webhook URL is a secret: never in the journal or the results.
    const everything = JSON.stringify([first, second, journal]);
    assert.ok(!everything.includes('secret-token-xyz'), everything);
  });

  it('sends once when two sends run at the same moment (a double click)', async () => {
    const s = await setup([{ kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal'] }]);
    const [a, b] = await Promise.all([sendAnnouncements(input(s)), sendAnnouncements(input(s))]);
    const statuses = [a[0]!.status, b[0]!.status].sort();
    assert.ok(statuses.includes('sent'), statuses.join());
    assert.equal(statuses.filter((x) => x === 'sent').length, 1, statuses.join());
    assert.equal(slack.messages.length, 1);
    assert.equal((await sendAnnouncements(input(s)))[0]!.status, 'already-sent');
  });

  it('makes hostile commit text inert in Slack, e-mail, markdown and files', async () => {
    const s = await setup(channels());
    await sendAnnouncements(input(s));
    const mrkdwn = slack.messages.map((m) => [m.payload.text, ...m.payload.blocks.map((b) => b.text?.text ?? '')].join('\n')).join('\n');
    assert.ok(mrkdwn.includes('export'), mrkdwn);
    assert.doesNotMatch(mrkdwn, /<!channel>|<@U024BE7LH>|<https:\/\/evil\.example\|login>|<script|<img/);
    assert.doesNotMatch(mrkdwn, /(^|[^\u2060])@(here|everyone)\b/);
    assert.match(mrkdwn, /&lt;!channel&gt;/);
    const raw = smtp.messages[0]!.raw;
    const html = raw.slice(raw.indexOf('text/html'));
    assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>/i);
    assert.match(html, /&lt;script&gt;/);
    const md = readFileSync(join(s.r.dir, 'release-announcements/1.1.0/external.md'), 'utf8');
    assert.doesNotMatch(md, /\]\((javascript|data):/i);
    assert.doesNotMatch(md, /<script|<img/);
    assert.doesNotMatch(md, /(^|[^`])@everyone/);
  });

  it('says a Slack channel is archived (410) and does not duplicate on retry', async () => {
    const s = await setup([{ kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal'] }]);
    slack.faults.push({ status: 410, body: 'channel_is_archived' });
    const [r] = await sendAnnouncements(input(s));
    assert.equal(r!.status, 'failed');
    assert.match(r!.message, /410 channel_is_archived: the Slack channel is archived/);
    assert.equal(slack.messages.length, 0);
    const [again] = await sendAnnouncements(input(s));
    assert.equal(again!.status, 'sent');
    const [third] = await sendAnnouncements(input(s));
    assert.equal(third!.status, 'already-sent');
    assert.equal(slack.messages.length, 1);
  });

  it('retries after a 500 and ends with one message', async () => {
    const s = await setup([{ kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal'] }]);
    slack.faults.push({ status: 500, body: 'rollup_error' });
    const [r] = await sendAnnouncements(input(s));
    assert.equal(r!.status, 'failed');
    assert.match(r!.message, /500 rollup_error/);
    assert.equal((await sendAnnouncements(input(s)))[0]!.status, 'sent');
    assert.equal((await sendAnnouncements(input(s)))[0]!.status, 'already-sent');
    assert.equal(slack.messages.length, 1);
    assert.equal(slack.requests, 2);
  });

  for (const fault of ['hang', 'cut-after-accept'] as const) {
    it(`never posts twice when Slack ${fault === 'hang' ? 'times out' : 'cuts the connection'} after accepting`, async () => {
      const s = await setup([{ kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal'] }]);
      slack.faults.push(fault);
      const [r] = await sendAnnouncements(input(s));
      assert.equal(r!.status, 'unconfirmed');
      assert.match(r!.message, fault === 'hang' ? /timed out/ : /connection cut/);
      assert.match(r!.message, /may have been posted/);
      const [again] = await sendAnnouncements(input(s));
      assert.equal(again!.status, 'unconfirmed');
      assert.match(again!.message, /not sent again.*--retry-unconfirmed/);
      assert.equal(slack.messages.length, 1);
      assert.equal(slack.requests, 1);
      // The person checked the channel: it is there. Nothing more is sent unless they ask.
      const forced = await sendAnnouncements(input(s), { retryUnconfirmed: true });
      assert.equal(forced[0]!.status, 'sent');
      assert.equal(slack.requests, 2);
    });
  }

  it('never mails twice when the SMTP connection is cut after the server accepted', async () => {
    const s = await setup([{ kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'release@example.com', to: ['ops@example.com'], audiences: ['internal'] }]);
    smtp.faults.push('cut-after-accept');
    const [r] = await sendAnnouncements(input(s));
    assert.equal(r!.status, 'unconfirmed', r!.message);
    assert.equal(smtp.messages.length, 1);
    const [again] = await sendAnnouncements(input(s));
    assert.equal(again!.status, 'unconfirmed');
    assert.equal(smtp.messages.length, 1);
  });

  it('logs in to SMTP with credentials from the secret source, which never reach the journal or a message', async () => {
    const secure = new SmtpReceiver({ user: 'release-bot', pass: 'hunter2-smtp-secret' });
    const port = await secure.start();
    try {
      const s = await setup([{ kind: 'email', host: '127.0.0.1', port, from: 'release@example.com', to: ['ops@example.com'], userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD', audiences: ['internal'] }]);
      const wrong = await sendAnnouncements(input(s, { secrets: envSecrets({ SMTP_USER: 'release-bot', SMTP_PASSWORD: 'nope-wrong-secret' }) }));
      assert.equal(wrong[0]!.status, 'failed');
      assert.match(wrong[0]!.message, /535/);
      assert.ok(!wrong[0]!.message.includes('nope-wrong-secret'));
      const missing = await sendAnnouncements(input(s, { secrets: envSecrets({ SMTP_USER: 'release-bot' }) }));
      assert.match(missing[0]!.message, /SMTP_PASSWORD is not set/);
      const ok = await sendAnnouncements(input(s, { secrets: envSecrets({ SMTP_USER: 'release-bot', SMTP_PASSWORD: 'hunter2-smtp-secret' }) }));
      assert.equal(ok[0]!.status, 'sent', ok[0]!.message);
      assert.deepEqual(secure.logins, ['release-bot']);
      assert.equal(secure.messages.length, 1);
      const journal = JSON.stringify(await listDeliveries(s.repo.gitCommonDir, '1.1.0'));
      assert.ok(!journal.includes('hunter2-smtp-secret') && !journal.includes('nope-wrong-secret'));
    } finally {
      await secure.stop();
    }
  });

  it('says nothing was sent when the SMTP server is down, and sends on the next run', async () => {
    const down = new SmtpReceiver();
    const port = await down.start();
    await down.stop();
    const s = await setup([{ kind: 'email', host: '127.0.0.1', port, from: 'release@example.com', to: ['ops@example.com'], audiences: ['internal'] }]);
    const [r] = await sendAnnouncements(input(s));
    assert.equal(r!.status, 'failed');
    assert.match(r!.message, /not sent: .*ECONNREFUSED|not sent: ECONNECTION/);
    const [again] = await sendAnnouncements(input(s, { config: parseConfig(JSON.stringify({ announce: { channels: [{ kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'release@example.com', to: ['ops@example.com'], audiences: ['internal'] }] } })) }));
    assert.equal(again!.status, 'sent', again!.message);
    assert.equal(smtp.messages.length, 1);
  });

  it('reports an SMTP refusal and sends once on retry', async () => {
    const s = await setup([{ kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'release@example.com', to: ['ops@example.com'], audiences: ['internal'] }]);
    smtp.faults.push('reject');
    const [r] = await sendAnnouncements(input(s));
    assert.equal(r!.status, 'failed');
    assert.match(r!.message, /refused it .*550/);
    assert.equal((await sendAnnouncements(input(s)))[0]!.status, 'sent');
    assert.equal((await sendAnnouncements(input(s)))[0]!.status, 'already-sent');
    assert.equal(smtp.messages.length, 1);
  });

  it('resumes a crash between the attempt and the answer per channel: a file is read back, Slack is not re-posted', async () => {
    const s = await setup([{ kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal'] }, { kind: 'file', audiences: ['internal'] }]);
    // Simulate the crash: the journal has the attempts (by a process that is gone), the file was written, Slack got it.
    const [p] = await previewAnnouncements(input(s, { audiences: ['internal'] }));
    const journal = new AnnounceJournal(s.repo.gitCommonDir);
    for (const channel of ['slack', 'file'] as const) {
      await journal.append({ version: p!.version, stage: 'notice', audience: 'internal', channel, channelKind: channel, plannedAt: p!.plannedAt, contentHash: p!.contentHash, attemptedAt: '2026-12-01T10:00:00.000Z', sentAt: null, state: 'attempted', answer: null, pid: 999_999_999, host: 'elsewhere' });
    }
    mkdirSync(join(s.r.dir, 'release-announcements/1.1.0'), { recursive: true });
    writeFileSync(join(s.r.dir, 'release-announcements/1.1.0/internal.md'), p!.markdown);
    const results = await sendAnnouncements(input(s, { audiences: ['internal'] }));
    const by = Object.fromEntries(results.map((r) => [r.channel, r]));
    assert.equal(by.file!.status, 'already-sent');
    assert.equal(by.slack!.status, 'unconfirmed');
    assert.match(by.slack!.message, /cannot tell whether it arrived/);
    assert.equal(slack.requests, 0);
  });

  it('refuses a webhook URL that is not https off loopback, without showing it', async () => {
    const s = await setup([{ kind: 'slack', webhookEnv: 'HOOK', audiences: ['internal'] }]);
    const [r] = await sendAnnouncements(input(s, { secrets: envSecrets({ HOOK: 'http://hooks.example.com/services/T/B/very-secret' }) }));
    assert.equal(r!.status, 'failed');
    assert.match(r!.message, /not https: refused/);
    assert.ok(!r!.message.includes('very-secret'));
    const [missing] = await sendAnnouncements(input(s, { secrets: envSecrets({}) }));
    assert.match(missing!.message, /HOOK is not set/);
  });

  it('writes every audience to files on a bare repository without config', async () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    const repo = await LocalGitRepo.open(r.dir);
    const results = await sendAnnouncements({ repo, config: parseConfig('{}'), stage: 'completed' });
    assert.deepEqual(results.map((x) => `${x.audience}:${x.status}`), ['internal:sent', 'external:sent', 'support:sent']);
    assert.ok(existsSync(join(r.dir, 'release-announcements/0.1.0/support-completed.md')));
  });
});
