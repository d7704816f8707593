import * as assert from 'node:assert/strict';
import { channelSecretKey, channelSecretNames, secretProblem } from '../../../src/shared/channelSecrets';

describe('channel secrets (Release: Set Channel Secret)', () => {
  it('lists every secret the channels name, once, with what it is for', () => {
    const names = channelSecretNames([
      { kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL' },
      { kind: 'email', id: 'ops-mail', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' },
      { kind: 'slack', id: 'support-slack', webhookEnv: 'SLACK_WEBHOOK_URL' },
      { kind: 'file' },
    ]);
    assert.deepEqual(
      names.map((n) => [n.name, n.webhook]),
      [
        ['SLACK_WEBHOOK_URL', true],
        ['SMTP_USER', false],
        ['SMTP_PASSWORD', false],
      ],
    );
    assert.match(names[0]!.purpose, /slack.*support-slack/);
    assert.match(names[2]!.purpose, /SMTP password \(ops-mail\)/);
  });

  it('namespaces the storage key and refuses names that are not environment variable names', () => {
    assert.equal(channelSecretKey('SLACK_WEBHOOK_URL'), 'releaseManager.channelSecret.SLACK_WEBHOOK_URL');
    assert.throws(() => channelSecretKey('../x'));
    assert.throws(() => channelSecretKey(''));
  });

  it('accepts an https webhook or http on loopback, and never repeats the value in its message', () => {
    assert.equal(secretProblem('https://hooks.slack.com/services/T/B/secret', true), null);
    assert.equal(secretProblem('http://127.0.0.1:4555/hook', true), null);
    for (const bad of ['http://hooks.example.com/canary-secret', 'ftp://x/canary-secret', 'canary-secret', '', 'https://x/\ncanary-secret']) {
      const problem = secretProblem(bad, true);
      assert.ok(problem, bad);
      assert.doesNotMatch(problem, /canary-secret/);
    }
    assert.equal(secretProblem('p@ss word', false), null);
  });
});
