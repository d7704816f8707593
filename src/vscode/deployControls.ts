/**
 * Which control commands have something to act on (the context keys behind their palette `when`
 * clauses), decided without 'vscode' so that it is unit-tested in plain Node.
 */
import type { DeployJournal } from '../core/deploy/journalTypes';
import { promoteIndex } from '../core/deploy/plan';
import { cursorOf } from '../core/deploy/transitions';

/** What the palette may offer now. */
export interface ControlState {
  /** A canary or blue-green this window drives has a step to promote to (Promote Deploy). */
  promote: boolean;
  /** An operation is running, here or elsewhere (Abort Deploy). */
  abort: boolean;
  /** A run waits for a review (Approve / Reject Deploy). */
  review: boolean;
  /** An operation runs that this window does not drive (Resume Deploy). */
  resume: boolean;
  /** A publish stopped before it finished (Resume Publish). */
  resumePublish: boolean;
}

/** The control state of the journals of every repository, the operations this window drives, the waiting reviews and the unfinished publishes. */
export function controlState(journals: readonly DeployJournal[], driven: (id: string) => boolean, reviewsWaiting: number, unfinishedPublishes: number): ControlState {
  const running = journals.filter((j) => j.state === 'running');
  return {
    promote: running.some((j) => {
      const c = cursorOf(j);
      return driven(j.id) && c !== null && promoteIndex(j.plan, c) !== null;
    }),
    abort: running.length > 0,
    review: reviewsWaiting > 0,
    resume: running.some((j) => !driven(j.id)),
    resumePublish: unfinishedPublishes > 0,
  };
}
