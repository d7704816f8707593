import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config';
import type { FlagsConfig } from '../../../src/core/flags/schema';
import { MemoryFlagJournalStore } from '../../../src/node/flagJournal';
import { flagKeyOf, flagStatus, killFlag, runFlagRollout } from '../../../src/node/flags';
import type { Prompter } from '../../../src/node/prompter';
import { FakeFlagProvider } from '../../helpers/fakeFlags';

// The shared flows of src/node/flags.ts over the fake provider: the confirmation, one driver per
// flag, the kill switch's record, and status that never guesses.

const FLAG = 'new-checkout';
const ENV = 'production';

function flagsConfig(): FlagsConfig {
  return parseConfig(JSON.stringify({ flags: { provider: { kind: 'unleash', url: 'http://127.0.0.1:4242' }, rollouts: [{ flag: FLAG, environment: ENV, steps: [10, 100], hold: '1s' }] } })).flags!;
}

function prompter(answer: boolean, said: string[] = []): Prompter {
  return {
    pick: async () => undefined,
    ask: async () => undefined,
    confirm: async (c) => (said.push(`${c.title} | ${c.confirmLabel}`), answer),
    progress: (_t, work) => work({ report: () => undefined }),
    info: (t) => void said.push(t),
  };
}

describe('the flag flows (fake provider)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rm-flag-flows-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const base = (provider: FakeFlagProvider, store = new MemoryFlagJournalStore()) => ({ flags: flagsConfig(), provider, flag: FLAG, environment: ENV, store, session: 'cli:1:aa@here', sleep: async () => undefined });

  it('asks first and changes nothing when the answer is no', async () => {
    const provider = new FakeFlagProvider({ [`${FLAG}@${ENV}`]: { enabled: false, rollout: 0 } });
    const said: string[] = [];
    const out = await runFlagRollout(base(provider), prompter(false, said));
    assert.equal(out.kind, 'declined');
    assert.deepEqual(said, ['Ramp up new-checkout in production? | Ramp Up']);
    assert.deepEqual(provider.writes(), []);
  });

  it('does not take over a rollout another live process drives', async () => {
    const provider = new FakeFlagProvider({ [`${FLAG}@${ENV}`]: { enabled: false, rollout: 0 } });
    const store = new MemoryFlagJournalStore();
    await assert.rejects(runFlagRollout({ ...base(provider, store), yes: true, session: 'cli:4242:bb@here', onEvent: (_j, e) => {
      if (e.type === 'set') throw new Error('crash');
    } }, prompter(true)));
    const out = await runFlagRollout({ ...base(provider, store), yes: true, sessionAlive: (s) => s === 'cli:4242:bb@here' }, prompter(true));
    assert.equal(out.kind, 'stopped');
    assert.match(out.outcome, /a release-manager CLI \(pid 4242 on here\) is running this rollout/);
    assert.deepEqual(provider.writes(), ['set 10', 'on']);
    // Once that process is gone, running it again resumes (without sending 10% again).
    const resumed = await runFlagRollout({ ...base(provider, store), yes: true, sessionAlive: () => false }, prompter(true));
    assert.equal(resumed.kind, 'done');
    assert.deepEqual(provider.writes(), ['set 10', 'on', 'set 100']);
    assert.equal((await store.read(flagKeyOf(flagsConfig(), FLAG, ENV)))!.session, 'cli:1:aa@here');
  });

  it('the kill switch needs no configured rollout, records who and why, and works while the read before fails', async () => {
    const provider = new FakeFlagProvider({ [`other@${ENV}`]: { enabled: true, rollout: 40 } });
    let reads = 0;
    provider.before = (c) => {
      if (c.op === 'get' && ++reads === 1) throw new Error('slow read');
    };
    const res = await killFlag({ flags: flagsConfig(), provider, flag: 'other', environment: ENV, why: 'pager', decisionLog: { root: dir, file: 'LOG.md', who: async () => 'Ada' } }, prompter(true));
    assert.equal(res.kind, 'killed');
    assert.deepEqual(provider.writes(), ['off']);
    const log = readFileSync(join(dir, 'LOG.md'), 'utf8');
    assert.match(log, /## FLAG KILL — other in production — .*\n\n- By: Ada\n- Before: unknown\n- After: off \(rollout 40%\)\n- Why: pager/);
  });

  it('status says unknown (null) for a flag it cannot read, and never guesses', async () => {
    const provider = new FakeFlagProvider({ [`${FLAG}@${ENV}`]: { enabled: true, rollout: 10 } });
    assert.deepEqual(await flagStatus(provider, flagsConfig()), [{ flag: FLAG, environment: ENV, enabled: true, rollout: 10 }]);
    provider.down = true;
    const [row] = await flagStatus(provider, flagsConfig());
    assert.equal(row?.enabled, null);
    assert.equal(row?.rollout, null);
    assert.match(row?.error ?? '', /ECONNREFUSED/);
  });
});
