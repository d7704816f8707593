import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';

describe('the announce key', () => {
  it('accepts the shape of the issue and fills the defaults', () => {
    const c = parseConfig(JSON.stringify({
      announce: {
        channels: [
          { kind: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL', audiences: ['internal', 'support'] },
          { kind: 'email', host: '127.0.0.1', port: 2525, from: 'release@example.com', to: ['team@example.com'], audiences: ['internal'] },
          { kind: 'file', audiences: ['external'] },
        ],
        noticeHours: 48,
      },
    }));
    assert.equal(c.announce?.channels.length, 3);
    assert.equal(c.announce?.timeZone, 'UTC');
    assert.deepEqual(c.announce?.internalLabels, ['internal']);
  });

  it('turns the notice gate on once a channel is configured, and not before', () => {
    assert.ok(!parseConfig('{}').gates.some((g) => g.kind === 'notice'));
    assert.ok(!parseConfig(JSON.stringify({ announce: { noticeHours: 24 } })).gates.some((g) => g.kind === 'notice'));
    const on = parseConfig(JSON.stringify({ announce: { channels: [{ kind: 'file' }] } })).gates.find((g) => g.kind === 'notice');
    assert.ok(on && on.kind === 'notice');
    assert.deepEqual(on.environments, ['production']);
    const own = parseConfig(JSON.stringify({ gates: [{ id: 'tell', kind: 'notice', leadHours: 24, audiences: ['internal'] }], announce: { channels: [{ kind: 'file' }] } }));
    assert.equal(own.gates.filter((g) => g.kind === 'notice').length, 1);
  });

  it('names the path of every problem and never takes a secret in the file', () => {
    const bad = (announce: unknown, pattern: RegExp) =>
      assert.throws(() => parseConfig(JSON.stringify({ announce })), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), JSON.stringify(announce));
    bad({ channels: [{ kind: 'slack', webhookUrl: 'https://hooks.slack.com/x' }] }, /announce\.channels\[0\]/);
    bad({ channels: [{ kind: 'slack', webhookEnv: 'https://hooks.slack.com/x' }] }, /announce\.channels\[0\]\.webhookEnv: must be an environment variable name/);
    bad({ channels: [{ kind: 'email', host: 'smtp', from: 'not-an-address', to: ['a@example.com'] }] }, /announce\.channels\[0\]\.from/);
    bad({ channels: [{ kind: 'file' }, { kind: 'file' }] }, /announce\.channels\[1\]\.id: channel id "file" is also channels\[0\]/);
    bad({ channels: [{ kind: 'github' }] }, /set exactly one of discussionCategory and issue/);
    bad({ channels: [{ kind: 'file', audiences: ['board'] }] }, /announce\.channels\[0\]\.audiences\[0\]/);
    bad({ timeZone: 'Mars/Olympus' }, /announce\.timeZone: must be an IANA time zone/);
    bad({ channels: [{ kind: 'pager' }] }, /announce\.channels\[0\]/);
  });
});
