import assert from 'node:assert/strict';
import { ConfigError, GitError, GitHubError, TrustError, UsageError } from '../../../src/core/errors';
import { describeError, isExpected } from '../../../src/vscode/errorReport';

const TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

describe('the error funnel (what a failed command shows and logs)', () => {
  it('shows an expected refusal as a warning with its fix and logs it at warn without a stack', () => {
    const r = describeError('releaseManager.recordDecision', new UsageError('Recording a decision is disabled in Restricted Mode.', 'Trust this workspace.'));
    assert.equal(r.severity, 'warning');
    assert.equal(r.message, 'Recording a decision is disabled in Restricted Mode. Trust this workspace.');
    assert.deepEqual(r.actions, ['Show Log']);
    assert.equal(r.logLevel, 'warn');
    assert.doesNotMatch(r.logText, /\n\s+at /);
    assert.match(r.logText, /^releaseManager\.recordDecision: Recording/);
  });

  it('offers Manage Workspace Trust for a refusal because of Restricted Mode', () => {
    const r = describeError('releaseManager.recordDecision', new TrustError('Recording a decision is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust).'));
    assert.equal(r.severity, 'warning');
    assert.deepEqual(r.actions, ['Manage Workspace Trust', 'Show Log']);
    assert.equal(r.logLevel, 'warn');
    assert.equal(isExpected(new TrustError('x', 'y')), true);
  });

  it('logs a fault at error with its stack and shows it as "Unexpected error" on one line', () => {
    const e = new TypeError('x is undefined\nsecond line');
    const r = describeError('checklist.fix', e);
    assert.equal(r.severity, 'error');
    assert.equal(r.message, 'Unexpected error: x is undefined');
    assert.equal(r.logLevel, 'error');
    assert.match(r.logText, /\n\s+at /);
    assert.equal(isExpected(e), false);
  });

  it('offers Open Config for a config error and names its problems in the log', () => {
    const r = describeError('releaseManager.draftNotes', new ConfigError('.release-manager.json is invalid.', ['gates[2].timeout: expected number'], 'Fix the file.'));
    assert.deepEqual(r.actions, ['Open Config', 'Show Log']);
    assert.equal(r.logLevel, 'warn');
    assert.match(r.logText, /gates\[2\]\.timeout/);
  });

  it('offers Sign in for a missing or revoked token, and treats a server error as a fault', () => {
    assert.deepEqual(describeError('x', new GitHubError('no-token', 'Not signed in.', 'Sign in.')).actions, ['Sign in to GitHub', 'Show Log']);
    assert.deepEqual(describeError('x', new GitHubError('unauthorized', 'Token revoked.', 'Sign in again.')).actions, ['Sign in to GitHub', 'Show Log']);
    assert.equal(describeError('x', new GitHubError('no-token', 'Not signed in.', 'Sign in.')).logLevel, 'warn');
    assert.equal(describeError('x', new GitHubError('server', 'GitHub answered 502.', 'Try again later.')).logLevel, 'error');
    assert.equal(describeError('x', new GitError('not-a-repo', 'No git repository.', 'Open one.')).logLevel, 'warn');
    assert.equal(describeError('x', new GitError('failed', 'git crashed.', 'See the log.')).logLevel, 'error');
  });

  it('shows nothing for a cancellation and logs it at info', () => {
    const r = describeError('releaseManager.publishRelease', new GitHubError('cancelled', 'Cancelled.', ''));
    assert.equal(r.severity, 'none');
    assert.equal(r.logLevel, 'info');
  });

  it('redacts a token from the message and from the log line, stack included', () => {
    for (const e of [new Error(`request failed with ${TOKEN}`), new UsageError(`bad remote https://x:${TOKEN}@github.com/o/r`, 'Fix it.')]) {
      const r = describeError('checklist.fix', e);
      assert.ok(!r.message.includes(TOKEN), r.message);
      assert.ok(!r.logText.includes(TOKEN), r.logText);
    }
  });

  it('caps the message at 500 characters', () => {
    assert.ok(describeError('x', new UsageError('y'.repeat(2000), 'z')).message.length <= 500);
  });
});
