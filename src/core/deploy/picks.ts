/**
 * What the deploy pickers list, in which order and with which words (pure: the CLI and the editor
 * can both show it). Releases: newest version first, a stable release before its own prereleases,
 * the repository's own tags (`v0.2.0`) before a package's (`web@0.2.0`). Environments: the version
 * each runs and how its last deployment went.
 */
import * as semver from '../semver';
import { deploymentOutcome, versionFromRef, type DeploymentRecord } from './rollback';

/** A version tag as the release picker lists it. */
export interface ReleasePick {
  /** The tag name (the ref deployed). */
  tag: string;
  version: string;
  /** Shown next to it: the tag's date and the environments that run it, e.g. "2026-11-30 · staging · production". */
  description: string;
}

/** What an environment runs now, as far as known. */
export interface EnvironmentRun {
  name: string;
  last: DeploymentRecord | null;
}

/** Whether a version tag is the repository's own (`v1.2.3`, `1.2.3`) rather than a package's (`web@1.2.3`, `pkg/v1.2.3`). */
export function isOwnTag(tag: string): boolean {
  return !tag.includes('@') && !tag.includes('/');
}

/** Orders version tags for a picker: by version, newest first; at one version, the repository's own tag first, then by name. */
export function compareReleaseTags(a: string, b: string): number {
  const va = versionFromRef(a);
  const vb = versionFromRef(b);
  if (va === null || vb === null) return va === null ? (vb === null ? a.localeCompare(b) : 1) : -1;
  const byVersion = semver.rcompare(va, vb);
  if (byVersion !== 0) return byVersion;
  const own = Number(isOwnTag(b)) - Number(isOwnTag(a));
  return own !== 0 ? own : a.localeCompare(b);
}

/** The environments whose live deployment is this tag (by ref, else by version for the repository's own tag). */
export function environmentsRunning(tag: string, envs: readonly EnvironmentRun[]): string[] {
  const version = versionFromRef(tag);
  return envs
    .filter(({ last }) => last !== null && deploymentOutcome(last) === 'succeeded' && (last.ref === tag || (isOwnTag(tag) && last.version !== null && last.version === version && !isPackageRef(last.ref))))
    .map((e) => e.name);
}

function isPackageRef(ref: string): boolean {
  return versionFromRef(ref) !== null && !isOwnTag(ref);
}

/** The release picker's items: version tags only, ordered, each with its date and where it runs. */
export function releasePicks(tags: readonly { name: string; date?: string }[], envs: readonly EnvironmentRun[], max = 30): ReleasePick[] {
  return tags
    .filter((t) => versionFromRef(t.name) !== null)
    .sort((a, b) => compareReleaseTags(a.name, b.name))
    .slice(0, max)
    .map((t) => {
      const date = t.date ? t.date.slice(0, 10) : '';
      const parts = [date, ...environmentsRunning(t.name, envs)].filter((p) => p !== '');
      return { tag: t.name, version: versionFromRef(t.name)!, description: parts.join(' · ') };
    });
}

const HEALTH: Record<ReturnType<typeof deploymentOutcome>, string> = {
  succeeded: 'healthy',
  failed: 'failing',
  running: 'deploying',
  abandoned: 'abandoned',
  unknown: 'status unknown',
};

/** The environment picker's description: the version it runs and its health ("0.2.0, healthy"), or "never deployed". */
export function environmentDescription(last: DeploymentRecord | null): string {
  if (!last) return 'never deployed';
  const version = last.version ?? versionFromRef(last.ref) ?? last.sha.slice(0, 12);
  return `${version}, ${HEALTH[deploymentOutcome(last)]}`;
}
