import assert from 'node:assert/strict';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { controlState } from '../../../src/vscode/deployControls';

/** A journal with one pending step at 100 % traffic (a canary's last step, or a direct deploy's only one). */
function journal(id: string, state: string, strategy: string): DeployJournal {
  const plan = { strategy, steps: [{ index: 0, kind: 'dispatch', weight: 100, label: 'Deploy' }] };
  return { id, state, plan, steps: [{ phase: 'main', plan: plan.steps[0], state: { status: 'pending' } }] } as unknown as DeployJournal;
}

describe('control commands in the palette (context keys)', () => {
  it('offers nothing when nothing runs, waits or is unfinished', () => {
    const s = controlState([journal('a', 'healthy', 'canary'), journal('b', 'rolled-back', 'direct')], () => false, 0, 0);
    assert.deepEqual(s, { promote: false, abort: false, review: false, resume: false, resumePublish: false });
  });

  it('offers Promote only for a canary this window drives, Resume only for one it does not, Abort for both', () => {
    assert.deepEqual(controlState([journal('a', 'running', 'canary')], (id) => id === 'a', 0, 0), { promote: true, abort: true, review: false, resume: false, resumePublish: false });
    assert.deepEqual(controlState([journal('a', 'running', 'canary')], () => false, 0, 0), { promote: false, abort: true, review: false, resume: true, resumePublish: false });
    assert.equal(controlState([journal('a', 'running', 'direct')], () => true, 0, 0).promote, false, 'a direct deploy has nothing to promote');
  });

  it('offers Approve/Reject while a review waits and Resume Publish for an unfinished publish', () => {
    assert.equal(controlState([], () => false, 1, 0).review, true);
    assert.equal(controlState([], () => false, 0, 2).resumePublish, true);
  });
});
