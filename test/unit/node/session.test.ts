import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describeSession, newSession, processAlive, sessionAlive } from '../../../src/node/session';

// Sessions name their process and machine, so a live driver of a deploy is told from a dead one.

describe('node/session', () => {
  it('names this process and machine, and is alive while its process runs', () => {
    const s = newSession('cli');
    assert.match(s, new RegExp(`^cli:${process.pid}:[0-9a-f]{8}@`));
    assert.ok(s.endsWith(`@${hostname()}`));
    assert.notEqual(newSession('cli'), s, 'random per session');
    assert.equal(sessionAlive(s), null, 'another session of this very process is an earlier drive');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      assert.equal(sessionAlive(`cli:${other.pid}:abcd1234@${hostname()}`), true);
    } finally {
      other.kill();
    }
    assert.equal(describeSession(newSession('editor')), `an editor window (pid ${process.pid} on ${hostname()})`);
  });

  it('is dead once its process has exited, unknown on another machine or in an older format', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    assert.equal(processAlive(gone), false);
    assert.equal(sessionAlive(`cli:${gone}:abcd1234@${hostname()}`), false);
    assert.equal(sessionAlive(`cli:${process.pid}:abcd1234@elsewhere.example`), null);
    assert.equal(sessionAlive('cli-4242-dead'), null);
    assert.equal(describeSession('cli-4242-dead'), 'another window or process');
  });
});
