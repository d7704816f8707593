import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, type CliIo } from '../../../src/cli/main';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { listDeliveries } from '../../../src/node/announce';
import { SlackReceiver, SmtpReceiver } from '../../helpers/announceServers';
import { TestRepo } from '../../helpers/testRepo';

// `release-manager announce` through the CLI's own argument parsing, in-process, against a local Slack
// webhook receiver and a local SMTP server on 127.0.0.1, with real git repositories.

describe('release-manager announce', function () {
  this.timeout(60_000);
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

  function repo(extra: Record<string, unknown> = {}, announce: Record<string, unknown> = {}): TestRepo {
    const r = TestRepo.create('rm-cli-announce-');
    r.commit('feat: first');
    r.tag('v1.0.0');
    r.commit('feat(search): find orders by <b>customer</b> <!channel>');
    r.write(
      '.release-manager.json',
      JSON.stringify({
        announce: {
          channels: [
            { kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal', 'support'] },
            { kind: 'email', host: '127.0.0.1', port: smtp.port, from: 'release@example.com', to: ['team@example.com'], audiences: ['internal'] },
            { kind: 'file', audiences: ['external'] },
          ],
          noticeHours: 48,
          ...announce,
        },
        ...extra,
      }),
    );
    r.write('.gitignore', 'release-announcements/\nRELEASE-DECISIONS.md\ntools/calls.jsonl\n');
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'chore: config');
    return r;
  }

  async function cli(r: TestRepo, argv: string[], over: Partial<CliIo> = {}): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: r.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, SLACK_WEBHOOK_URL: webhook, RELEASE_MANAGER_ANNOUNCE_TIMEOUT_MS: '1500' }, ...over };
    const code = await runCli(argv, io);
    return { code, out: out.join(''), err: err.join('') };
  }

  it('sends exactly one message per audience and channel over two --send runs', async () => {
    const r = repo();
    const first = await cli(r, ['announce', '--send', '--yes', '--at', '2026-12-10T14:00:00Z']);
    assert.equal(first.code, 0, first.err + first.out);
    assert.match(first.out, /4 sent/);
    const second = await cli(r, ['announce', '--send', '--yes', '--at', '2026-12-10T14:00:00Z']);
    assert.equal(second.code, 0, second.err + second.out);
    assert.match(second.out, /4 already-sent/);
    assert.equal(slack.messages.length, 2);
    assert.equal(smtp.messages.length, 1);
    assert.ok(existsSync(join(r.dir, 'release-announcements/1.1.0/external.md')));
    assert.ok(!(first.out + first.err + second.out + second.err).includes(webhook), 'the webhook URL is never shown');
    const journal = await listDeliveries((await LocalGitRepo.open(r.dir)).gitCommonDir, '1.1.0');
    assert.equal(journal.filter((d) => d.state === 'sent').length, 4);
    assert.ok(!readFileSync(join((await LocalGitRepo.open(r.dir)).gitCommonDir, 'release-manager/announcements/1.1.0.json'), 'utf8').includes('secret-token'));
  });

  it('previews without sending, as text or JSON', async () => {
    const r = repo();
    const text = await cli(r, ['announce', '--audience', 'external', '--at', '2026-12-10T15:00:00+01:00']);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /== external · notice · 1\.1\.0 · planned 2026-12-10T14:00:00\.000Z/);
    assert.match(text.out, /Preview only: nothing was sent/);
    const json = await cli(r, ['announce', '--format', 'json', '--stage', 'completed', '--version', '1.1.0']);
    assert.equal(json.code, 0, json.err);
    const previews = JSON.parse(json.out) as { audience: string; stage: string; version: string; markdown: string; slack: { text: string; blocks: unknown[] }; email: { subject: string; text: string; html: string }; channels: { kind: string }[] }[];
    assert.deepEqual(previews.map((p) => p.audience), ['internal', 'external', 'support']);
    assert.ok(previews.every((p) => p.stage === 'completed' && p.version === '1.1.0' && p.slack.blocks.length > 0 && p.email.html.includes('&lt;b&gt;')));
    assert.deepEqual(previews[0]!.channels.map((c) => c.kind), ['slack', 'email']);
    assert.equal(slack.requests + smtp.messages.length, 0);
  });

  it('refuses to prompt without a terminal and asks with one', async () => {
    const r = repo();
    const none = await cli(r, ['announce', '--send']);
    assert.equal(none.code, 2);
    assert.match(none.err, /no terminal to ask on/);
    assert.match(none.err, /--yes/);
    const no = await cli(r, ['announce', '--send'], { confirm: async () => false });
    assert.equal(no.code, 1);
    assert.match(no.err, /Nothing was sent/);
    assert.equal(slack.requests + smtp.messages.length, 0);
    const questions: string[] = [];
    const yes = await cli(r, ['announce', '--send', '--audience', 'internal'], { confirm: async (q) => (questions.push(q), true) });
    assert.equal(yes.code, 0, yes.err);
    assert.match(questions[0]!, /Send 2 announcements\?/);
  });

  it('exits 1 with a clear message when Slack says the channel is archived, and sends once on the next run', async () => {
    const r = repo();
    slack.faults.push({ status: 410, body: 'channel_is_archived' });
    const first = await cli(r, ['announce', '--send', '--yes', '--audience', 'internal']);
    assert.equal(first.code, 1);
    assert.match(first.out, /failed\s+internal → slack \(slack\): Slack answered 410 channel_is_archived: the Slack channel is archived; nothing was sent, a rerun tries again/);
    const second = await cli(r, ['announce', '--send', '--yes', '--audience', 'internal']);
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /sent\s+internal → slack/);
    assert.match(second.out, /already-sent internal → email/);
    assert.equal(slack.messages.length, 1);
    assert.equal(smtp.messages.length, 1);
  });

  it('rejects bad options with exit 2', async () => {
    const r = repo();
    for (const [args, pattern] of [
      [['--stage', 'later'], /--stage "later" is not a stage/],
      [['--audience', 'board'], /--audience "board" is not an audience/],
      [['--at', '2026-12-10 14:00'], /not an ISO date-time with a time zone/],
      [['--at', '2026-12-10T14:00:00Z', '--stage', 'started'], /--at is the planned time of a notice/],
      [['--yes'], /--yes applies to --send only/],
      [['--env', 'production'], /--env does not apply to announce/],
      [['--version', '9.9.9'], /neither a release tag \(v9\.9\.9\) nor the next release \(1\.1\.0\)/],
      [['--format', 'markdown'], /--format "markdown" is not supported/],
    ] as const) {
      const res = await cli(r, ['announce', ...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.err}`);
      assert.match(res.err, pattern);
    }
  });

  it('announces started and completed when a production deploy runs, and a failed send only warns', async () => {
    const tool = `require('node:fs').appendFileSync(require('node:path').join(__dirname, 'calls.jsonl'), process.argv.slice(2).join(' ') + '\\n');`;
    const r = repo(
      { deploy: { environments: [{ name: 'production', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{version}'] } }] }, gates: [] },
      { onDeploy: { environments: ['production'], audiences: ['internal', 'external'] } },
    );
    r.write('tools/deploy.js', tool);
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'ci: deploy tool');
    r.tag('v1.1.0');
    // The notice gate is on by default for production: without a notice, nothing is deployed.
    const blocked = await cli(r, ['deploy', '--env', 'production', '--allow-commands', '--yes']);
    assert.equal(blocked.code, 1);
    assert.match(blocked.err, /Stakeholder notice \(missing notice for internal, external, support/);
    assert.ok(!existsSync(join(r.dir, 'tools/calls.jsonl')));
    r.write('.release-manager.json', JSON.stringify({ ...JSON.parse(readFileSync(join(r.dir, '.release-manager.json'), 'utf8')), gates: [{ id: 'notice', kind: 'notice', required: false }] }));
    r.git('commit', '-q', '-am', 'chore: notice advisory');
    r.git('tag', '-f', 'v1.1.0');
    slack.faults.push({ status: 500, body: 'rollup_error' });
    const d = await cli(r, ['deploy', '--env', 'production', '--allow-commands', '--yes']);
    assert.equal(d.code, 0, d.err + d.out);
    assert.match(d.err + d.out, /warning: the started announcement to internal via slack was not confirmed: Slack answered 500 rollup_error/);
    const journal = await listDeliveries((await LocalGitRepo.open(r.dir)).gitCommonDir, '1.1.0');
    const sent = journal.filter((x) => x.state === 'sent').map((x) => `${x.stage}/${x.audience}/${x.channel}`).sort();
    assert.deepEqual(sent, ['completed/external/file', 'completed/internal/email', 'completed/internal/slack', 'started/external/file', 'started/internal/email']);
    assert.equal(slack.messages.length, 1);
    assert.equal(readFileSync(join(r.dir, 'tools/calls.jsonl'), 'utf8').trim(), '1.1.0');
  });

  it('announces that the replaced release was rolled back after a rollback', async () => {
    const tool = `require('node:fs').appendFileSync(require('node:path').join(__dirname, 'calls.jsonl'), process.argv.slice(2).join(' ') + '\\n');`;
    const r = repo(
      { deploy: { environments: [{ name: 'production', provider: { kind: 'command', argv: [process.execPath, 'tools/deploy.js', '{version}', '{operation}'] } }] }, gates: [{ id: 'notice', kind: 'notice', required: false }] },
      { channels: [{ kind: 'file', audiences: ['internal'] }], onDeploy: { environments: ['production'] } },
    );
    r.write('tools/deploy.js', tool);
    r.git('add', '-A');
    r.git('commit', '-q', '-m', 'ci: deploy tool');
    r.tag('v1.1.0');
    r.commit('fix: later');
    r.tag('v1.1.1');
    assert.equal((await cli(r, ['deploy', '--env', 'production', '--ref', 'v1.1.0', '--allow-commands', '--yes'])).code, 0);
    assert.equal((await cli(r, ['deploy', '--env', 'production', '--ref', 'v1.1.1', '--allow-commands', '--yes'])).code, 0);
    const back = await cli(r, ['rollback', '--env', 'production', '--allow-commands', '--yes']);
    assert.equal(back.code, 0, back.err + back.out);
    const common = (await LocalGitRepo.open(r.dir)).gitCommonDir;
    const stages = (await listDeliveries(common, '1.1.1')).filter((x) => x.state === 'sent').map((x) => x.stage);
    assert.deepEqual(stages, ['started', 'completed', 'rolled-back']);
    assert.match(readFileSync(join(r.dir, 'release-announcements/1.1.1/internal-rolled-back.md'), 'utf8'), /1\.1\.1 was rolled back/);
  });

  it('works from the built bundle (dist/cli.js) with the real process, its stdin not a terminal', async () => {
    const r = TestRepo.create('rm-cli-announce-bare-');
    r.commit('feat: first');
    r.commit('fix: <b>second</b>');
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((done) => {
        const child = spawn(process.execPath, [resolve(__dirname, '../../../dist/cli.js'), ...args], { cwd: r.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => done({ code: code ?? -1, out, err }));
      });
    const help = await run(['announce', '--help']);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /--retry-unconfirmed/);
    const refused = await run(['announce', '--send']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /no terminal to ask on/);
    const sent = await run(['announce', '--send', '--yes', '--stage', 'completed']);
    assert.equal(sent.code, 0, sent.err);
    assert.match(sent.out, /3 sent/);
    assert.match(readFileSync(join(r.dir, 'release-announcements/0.1.0/external-completed.md'), 'utf8'), /&lt;b&gt;second&lt;\/b&gt;/);
    const again = await run(['announce', '--send', '--yes', '--stage', 'completed']);
    assert.match(again.out, /3 already-sent/);
  });
});
