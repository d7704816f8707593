import * as assert from 'node:assert/strict';
import { poll } from '../../helpers/poll';

describe('poll (the one poller of every test tier)', () => {
  it("resolves to the probe's first truthy answer", async () => {
    let calls = 0;
    const value = await poll('the third call', () => (++calls >= 3 ? { calls } : null), { intervalMs: 1 });
    assert.deepEqual(value, { calls: 3 });
  });

  it('names what it waited for and the last answer when the time is up', async () => {
    let n = 0;
    await assert.rejects(
      poll('a number above ten', () => (++n > 1000 ? n : ''), { timeoutMs: 50, intervalMs: 5 }),
      /^Error: timed out after 50 ms waiting for a number above ten; last value: ""$/,
    );
  });

  it('stops at once when the probe throws', async () => {
    let calls = 0;
    await assert.rejects(
      poll('never', () => {
        calls++;
        throw new Error('the probe broke');
      }),
      /the probe broke/,
    );
    assert.equal(calls, 1);
  });
});
