import assert from 'node:assert/strict';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import '../../../src/core/config';
import { nextAction, POLL_MS, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy } from '../../../src/core/deploy/plan';
import type { RunObservation } from '../../../src/core/deploy/ports';
import { environmentSchema } from '../../../src/core/deploy/schema';
import { applyEvent } from '../../../src/core/deploy/transitions';

// The driver looks at a running step again after the poll interval, unless the observation says
// sooner: a local process's observe waits for its end itself, so the driver must not sleep 10 s on
// top (issue 14, item 8).

const T0 = Date.parse('2026-06-01T08:00:00Z');
const env = environmentSchema().parse({ name: 'staging', provider: { kind: 'command', argv: ['deploy'] } });

function sent(): DeployJournal {
  const d = startOperation(null, { repo: 'local/0123456789abcdef', id: 'op-look01', session: 's1', env, plan: planDeploy(env, { version: '1.0.0', sha: 'a'.repeat(40), ref: 'v1.0.0' }) }, new Date(T0));
  assert.equal(d.kind, 'start');
  let j = (d as { journal: DeployJournal }).journal;
  j = applyEvent(j, { type: 'dispatch-started', index: 0 }, new Date(T0));
  return applyEvent(j, { type: 'dispatched', index: 0, handle: { provider: 'command', executionId: 'cmd-1-aa' } }, new Date(T0));
}

function afterMsOf(observation: RunObservation, pollMs?: number): number {
  const a = nextAction(sent(), { now: T0 + 1_000, session: 's1', run: { index: 0, observation }, ...(pollMs !== undefined ? { pollMs } : {}) });
  assert.equal(a.kind, 'observe', JSON.stringify(a));
  return (a as { afterMs: number }).afterMs;
}

describe('when a running step is looked at again', () => {
  it('looks again at once when the observation says observe waited for the step itself', () => {
    assert.equal(afterMsOf({ status: 'running', lookAgainMs: 0 }), 0);
    assert.equal(afterMsOf({ status: 'running', lookAgainMs: 0 }, 30_000), 0);
  });

  it('otherwise waits the poll interval (GitHub runs and deployments)', () => {
    assert.equal(afterMsOf({ status: 'running' }), POLL_MS);
    assert.equal(afterMsOf({ status: 'queued' }, 3_000), 3_000);
  });
});
