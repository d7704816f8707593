/**
 * Rollback: the target is the last *successful* deployment of that environment before the current
 * one (not the previous tag), checked against what its ref points at now. Rollbacks skip the
 * pre-release gates but always confirm, and are timed against a five-minute target. Tags are never
 * deleted or moved: a target whose ref is gone or now points elsewhere blocks.
 */
import * as semver from '../semver';
import { clip } from '../gates/kind';
import { refNameProblem } from '../tags';
import type { DeployRelease } from './plan';
import { duration } from './plan';

/** A deployment status as GitHub reports it. */
export type DeploymentState = 'success' | 'inactive' | 'failure' | 'error' | 'in_progress' | 'queued' | 'pending';

/** One status of a deployment. */
export interface DeploymentStatusRecord {
  state: DeploymentState;
  /** ISO-8601. */
  createdAt: string;
  description?: string;
}

/** A deployment of an environment, as the Deployer lists it. */
export interface DeploymentRecord {
  id: number;
  environment: string;
  /** Full commit SHA deployed. */
  sha: string;
  /** The ref it was created from (tag, branch or SHA). */
  ref: string;
  /** The version deployed (from our payload), null when unknown. */
  version: string | null;
  /** ISO-8601. */
  createdAt: string;
  /** Every status, newest first (as GitHub lists them); empty when none was posted yet. */
  statuses: DeploymentStatusRecord[];
  /** Percent of traffic or capacity it carried (a canary step is partial), null when unknown (treated as full). */
  weight: number | null;
}

/** What became of a deployment, from its status history. */
export type DeploymentOutcome = 'succeeded' | 'failed' | 'running' | 'abandoned' | 'unknown';

const RUNNING = new Set<DeploymentState>(['in_progress', 'queued', 'pending']);

/**
 * The outcome of a deployment. A deployment that succeeded and was later superseded (GitHub marks it
 * `inactive` when a newer one succeeds) still `succeeded`; one marked failure or error after its
 * success did not; `inactive` without an earlier success is `abandoned`.
 */
export function deploymentOutcome(d: DeploymentRecord): DeploymentOutcome {
  const statuses = [...d.statuses].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const latest = statuses[0];
  if (!latest) return 'unknown';
  if (RUNNING.has(latest.state)) return 'running';
  const success = statuses.findIndex((s) => s.state === 'success');
  if (success < 0) return latest.state === 'inactive' ? 'abandoned' : 'failed';
  const failedLater = statuses.slice(0, success).some((s) => s.state === 'failure' || s.state === 'error');
  return failedLater ? 'failed' : 'succeeded';
}

/** Whether the deployment is what the environment runs now (its latest status is success). */
export function isLive(d: DeploymentRecord): boolean {
  return [...d.statuses].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0]?.state === 'success';
}

/** Why a deployment newer than the target was passed over. */
export interface SkippedDeployment {
  deployment: DeploymentRecord;
  reason: string;
}

/** The rollback target of an environment, or why there is none. */
export type RollbackTarget =
  | {
      kind: 'target';
      target: DeploymentRecord;
      /** The newest deployment (what is being rolled back). */
      current: DeploymentRecord;
      /** A deployment still running in the environment: the user is asked before rolling back over it. */
      running: DeploymentRecord | null;
      skipped: SkippedDeployment[];
    }
  | { kind: 'none'; reason: string; current: DeploymentRecord | null; skipped: SkippedDeployment[] };

function label(d: DeploymentRecord): string {
  return `${d.version ?? clip(d.ref, 40)} (${d.sha.slice(0, 7)}, deployment ${d.id})`;
}

/**
 * The last successful, full deployment of the environment before the current one, with a commit
 * other than the current one's. Failed, abandoned, running, partial (canary step) deployments and
 * redeploys of the current commit are passed over, each with its reason. `from`: the commit being
 * rolled back when it is known (an automatic rollback of a failed deploy, whose deployment may not
 * be listed): every deployment of that commit is passed over.
 */
export function findRollbackTarget(history: readonly DeploymentRecord[], environment: string, options: { from?: string } = {}): RollbackTarget {
  const mine = history
    .filter((d) => d.environment.toLowerCase() === environment.toLowerCase())
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
  const newest = mine[0];
  if (!newest) return { kind: 'none', reason: `${environment} has no deployments, so there is nothing to roll back to.`, current: null, skipped: [] };
  const from = options.from ?? newest.sha;
  const current = mine.find((d) => d.sha === from) ?? newest;
  const running = mine.find((d) => deploymentOutcome(d) === 'running') ?? null;
  const skipped: SkippedDeployment[] = [];
  for (const d of options.from !== undefined ? mine : mine.slice(1)) {
    const outcome = deploymentOutcome(d);
    if (d.sha === from) skipped.push({ deployment: d, reason: d === current ? 'the deployment being rolled back' : 'same commit as the one being rolled back' });
    else if (outcome !== 'succeeded') {
      skipped.push({ deployment: d, reason: outcome === 'running' ? 'still running' : outcome === 'abandoned' ? 'inactive without ever succeeding' : outcome === 'unknown' ? 'no status reported' : 'failed' });
    } else if (d.weight !== null && d.weight < 100) skipped.push({ deployment: d, reason: `partial (${d.weight}% canary or batch step)` });
    else return { kind: 'target', target: d, current, running, skipped };
  }
  return {
    kind: 'none',
    reason: `No successful deployment of ${environment} other than ${current.sha === from ? label(current) : from.slice(0, 7)} among ${mine.length} deployment${mine.length === 1 ? '' : 's'}; nothing to roll back to.`,
    current,
    skipped,
  };
}

/** Whether a rollback to the target may go ahead, with the exact release to deploy. */
export type RollbackCheck =
  | { ok: true; release: DeployRelease }
  | { ok: false; code: 'ref-missing' | 'ref-moved' | 'commit-missing' | 'unknown-version'; reason: string; fix: string };

/** The version a ref names: `v1.4.0`, `1.4.0`, `pkg@1.4.0`, `release/v1.4.0`; null otherwise. */
export function versionFromRef(ref: string): string | null {
  const tail = ref.split('/').pop() ?? ref;
  const m = /^(?:.*@)?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(tail);
  return m && semver.valid(m[1]!) !== null ? m[1]! : null;
}

/**
 * Checks a rollback target against the repository as it is now: its commit must still exist and its
 * ref must still point at the deployed commit (`refCommit`: what the ref resolves to now, null when
 * it no longer exists). A moved or deleted tag blocks; tags are never recreated or moved.
 */
export function checkRollbackTarget(target: DeploymentRecord, now: { refCommit: string | null; commitExists: boolean }): RollbackCheck {
  const name = `${target.version ?? clip(target.ref, 60)} (${target.sha.slice(0, 12)})`;
  if (!now.commitExists) {
    return { ok: false, code: 'commit-missing', reason: `The commit of the rollback target ${name} no longer exists (history rewritten?).`, fix: 'Deploy a known-good version explicitly with Deploy instead.' };
  }
  if (refNameProblem(target.ref) !== null || now.refCommit === null) {
    return { ok: false, code: 'ref-missing', reason: `The ref ${JSON.stringify(clip(target.ref, 60))} of the rollback target ${name} no longer exists.`, fix: 'Tags are never recreated by a rollback: restore the tag at that commit yourself, or deploy another version.' };
  }
  if (now.refCommit !== target.sha) {
    return {
      ok: false,
      code: 'ref-moved',
      reason: `The ref ${JSON.stringify(clip(target.ref, 60))} now points at ${now.refCommit.slice(0, 12)}, not at the deployed commit ${target.sha.slice(0, 12)}.`,
      fix: 'Tags are never moved by a rollback: find out why the tag moved, or deploy another version.',
    };
  }
  const version = target.version ?? versionFromRef(target.ref);
  if (version === null || semver.valid(version) === null) {
    return { ok: false, code: 'unknown-version', reason: `The rollback target ${name} has no recognizable version.`, fix: 'Deploy a known-good version explicitly with Deploy instead.' };
  }
  return { ok: true, release: { version, sha: target.sha, ref: target.ref } };
}

/** A confirmation to show before acting (a modal in the editor, a question or --yes in the CLI). */
export interface Confirmation {
  title: string;
  detail: string;
  /** The label of the button that goes ahead; it names the version. */
  confirmLabel: string;
}

/** The confirmation of a rollback: always asked (gates are skipped, the question is not). */
export function rollbackConfirmation(environment: string, current: DeploymentRecord, target: DeployRelease, running: DeploymentRecord | null): Confirmation {
  const lines = [`${environment} now runs ${label(current)}.`, `Roll back to ${target.version} (${target.sha.slice(0, 12)}), its last successful deployment before that.`, 'Pre-release gates are skipped for a rollback.'];
  if (running) lines.push(`A deployment of ${label(running)} is still running: it will be overtaken.`);
  return { title: `Roll back ${environment} to ${target.version}?`, detail: lines.join('\n'), confirmLabel: `Roll back to ${target.version}` };
}

/** Recovery-time objective of a rollback. */
export const ROLLBACK_TARGET_MS = 5 * 60_000;

/** How long a rollback took against its target. */
export interface RollbackDuration {
  ms: number;
  withinTarget: boolean;
  /** "3 min 12 s (target 5 min)". */
  text: string;
}

/** The duration of a rollback (from the start of the operation to its last step done) against the target. */
export function rollbackDuration(startedAt: string, finishedAt: string, targetMs = ROLLBACK_TARGET_MS): RollbackDuration {
  const ms = Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt));
  const within = ms <= targetMs;
  return { ms, withinTarget: within, text: `${duration(ms)} (target ${duration(targetMs)}${within ? '' : ', exceeded'})` };
}
