import * as semver from './semver';
import { isReleaseCommit, type Change } from './commits';
import type { NotesRules } from './notesRules';

/** How much a release increments the version. */
export type BumpLevel = 'major' | 'minor' | 'patch' | 'none';
/** The bump of a release, `initial` for a first release. */
export type Bump = BumpLevel | 'initial';

/** A commit that decided the bump, and why. */
export interface BumpReason {
  hash: string;
  why: string;
}

/** The next version and the reason for it. */
export interface VersionDecision {
  current: string | null;
  next: string | null;
  bump: Bump;
  prerelease: string | null;
  hotfix: boolean;
  firstRelease: boolean;
  reasons: BumpReason[];
  warnings: string[];
}

/** What the version decision needs to know about the repository. */
export interface VersionInput {
  /** The last release (highest stable release tag reachable from the target), or null for a first release. */
  current: semver.SemVer | null;
  /** Changes of the range after dedup and revert cancellation (skipped commits already removed). */
  changes: Change[];
  config: NotesRules;
  /** Initial version of a first release (package override or config). */
  initialVersion: string;
  /** Every release version with this tag format in the repository, reachable or not. */
  allVersions: semver.SemVer[];
  /** Current branch, null when detached. */
  branch: string | null;
  /** Prerelease channel (`rc`, `beta`), or null. */
  prerelease: string | null;
  /** Hash the release would be cut at (for first-release reasons). */
  targetHash: string;
  /**
   * Newer releases that are in the target's own history (an explicit --from older than them): the range
   * is historical, not a branch behind them, so they make no hotfix.
   */
  inHistory?: readonly semver.SemVer[];
}

const RANK: Record<BumpLevel, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/** The bump one change asks for, with a human reason. */
export function changeBump(change: Change, config: NotesRules, current: semver.SemVer | null): { level: BumpLevel; why: string } {
  const label = describe(change);
  return { level: bumpLevelOf(change, config, current), why: whyOf(change, config, current, label) };
}

/** The bump level alone (cheap: no text built), for filtering many changes before explaining a few. */
export function bumpLevelOf(change: Change, config: NotesRules, current: semver.SemVer | null): BumpLevel {
  if (isReleaseCommit(change)) return 'none'; // cutting a release changes nothing (listed or not: releaseCommits)
  if (change.breaking) return current !== null && current.major === 0 && config.breakingBelow1 === 'minor' ? 'minor' : 'major';
  if (change.type === null) return config.otherBump;
  return Object.hasOwn(config.bump, change.type) ? config.bump[change.type]! : 'none';
}

function whyOf(change: Change, config: NotesRules, current: semver.SemVer | null, label: string): string {
  if (isReleaseCommit(change)) return `${label} → none (a release commit)`;
  if (change.breaking) {
    if (current !== null && current.major === 0 && config.breakingBelow1 === 'minor') return `${label} → minor (breaking change below 1.0.0, breakingBelow1)`;
    return `${label} → major (breaking change)`;
  }
  if (change.type === null) return `${label} → ${config.otherBump} (not a Conventional Commit, otherBump)`;
  return `${label} → ${bumpLevelOf(change, config, current)}`;
}

function describe(change: Change): string {
  const note = change.breaking && change.breakingNotes[0] ? ` (${change.breakingNotes[0].split('\n')[0]})` : '';
  const head = change.type ? `${change.type}${change.scope ? `(${change.scope})` : ''}${change.breaking ? '!' : ''}: ` : '';
  return `${head}${change.subject}${note}`;
}

/** True when the branch matches one of the maintenance patterns (`*` matches within one path segment). */
export function isMaintenanceBranch(branch: string | null, patterns: readonly string[]): boolean {
  if (branch === null) return false;
  return patterns.some((p) => {
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    return re.test(branch);
  });
}

/** Decides the next version from the changes, with the commits that decided it. */
export function decideVersion(input: VersionInput): VersionDecision {
  const { current, config, prerelease } = input;
  const warnings: string[] = [];
  if (current === null) {
    const base = input.initialVersion;
    return {
      current: null,
      next: prerelease ? nextPrerelease(base, prerelease, input.allVersions) : base,
      bump: 'initial',
      prerelease,
      hotfix: false,
      firstRelease: true,
      reasons: [{ hash: input.targetHash, why: `first release: no release tag in the history, so the version starts at ${base}` }],
      warnings,
    };
  }
  let level: BumpLevel = 'none';
  const decided: { hash: string; why: string; level: BumpLevel }[] = [];
  for (const change of input.changes) {
    const b = changeBump(change, config, current);
    decided.push({ hash: change.hash, why: b.why, level: b.level });
    if (RANK[b.level] > RANK[level]) level = b.level;
  }
  const maintenance = isMaintenanceBranch(input.branch, config.maintenanceBranches);
  const inHistory = new Set((input.inHistory ?? []).map((v) => v.version));
  const newerElsewhere = input.allVersions.some((v) => v.prerelease.length === 0 && semver.gt(v, current) && !inHistory.has(v.version));
  const hotfix = level !== 'none' && (maintenance || newerElsewhere);
  let reasons = decided.filter((d) => d.level === level && level !== 'none').map(({ hash, why }) => ({ hash, why }));
  if (hotfix && level !== 'patch') {
    const where = maintenance ? `maintenance branch ${input.branch}` : `a branch behind a newer release`;
    warnings.push(`Changes ask for a ${level} release, but this is a hotfix from ${where}: releasing a patch. Release features from the main line.`);
    reasons = [{ hash: input.targetHash, why: `hotfix from ${where}: patch only (changes asked for ${level})` }, ...reasons];
    level = 'patch';
  }
  if (level === 'none') {
    return { current: current.version, next: null, bump: 'none', prerelease, hotfix: false, firstRelease: false, reasons: [], warnings };
  }
  let base = semver.inc(current, level);
  if (base === null) throw new Error(`cannot increment ${current.version}`);
  const taken = new Set(input.allVersions.filter((v) => v.prerelease.length === 0).map((v) => v.version));
  if (taken.has(base)) {
    const wanted = base;
    while (taken.has(base)) base = semver.inc(base, 'patch')!;
    warnings.push(
      inHistory.has(wanted)
        ? `${wanted} is already released in this history; proposing ${base} for the range. Without --from, the next release is decided from the last release.`
        : `${wanted} is already tagged outside this history; proposing ${base} instead. Check that the branch is the one you mean to release.`,
    );
  }
  return {
    current: current.version,
    next: prerelease ? nextPrerelease(base, prerelease, input.allVersions) : base,
    bump: level,
    prerelease,
    hotfix,
    firstRelease: false,
    reasons,
    warnings,
  };
}

/** `base-id.N` with N one past the highest existing prerelease of that base and channel (rc.9 < rc.10). */
export function nextPrerelease(base: string, id: string, existing: readonly semver.SemVer[]): string {
  let n = -1;
  for (const v of existing) {
    if (`${v.major}.${v.minor}.${v.patch}` !== base) continue;
    const [pid, num] = v.prerelease;
    if (pid === id && typeof num === 'number' && v.prerelease.length === 2 && num > n) n = num;
  }
  return `${base}-${id}.${n + 1}`;
}

/** Why a version value is not a plain semver version (an optional leading v), or null. */
export function versionProblem(value: string): string | null {
  if (!/^v?\d/.test(value) || /\s/.test(value) || semver.valid(value) === null) return 'is not a semver version such as 1.4.0 or 1.4.0-rc.1';
  return null;
}
