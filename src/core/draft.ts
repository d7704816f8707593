import * as semver from './semver';
import { collectChanges, type RangeChanges } from './changes';
import type { RawCommit } from './commits';
import type { ReleaseConfig, PackageConfig } from './config';
import { GitError, UsageError } from './errors';
import { contributorsOf, groupSections, type ReleaseNotes } from './notes';
import type { GitRepo } from './ports';
import { TagFormat, refNameProblem, sortDescending, type ReleaseTag } from './tags';
import { bumpLevelOf, changeBump, decideVersion, type BumpLevel, type VersionDecision } from './version';

/** What to draft: the CLI flags and the extension's picks map onto this. */
export interface DraftOptions {
  from?: string;
  to?: string;
  /** Repository-relative folder of a monorepo package. */
  path?: string;
  prerelease?: string;
  signal?: AbortSignal;
  /** Look up first-time contributors (walks the history before the range); default true. */
  firstTimeContributors?: boolean;
  /** Given the range's parsed changes (every commit's, reverts included): for the risk score, which must not parse again. */
  onChanges?: (range: RangeChanges) => void;
}

/** A release tag located in the repository. */
export interface LocatedTag extends ReleaseTag {
  commit: string;
  date: string;
}

/** The tags of one tag format, and the warnings about tags that were ignored. */
export interface TagInventory {
  format: TagFormat;
  releases: LocatedTag[];
  warnings: string[];
  initialVersion: string;
  pkg: PackageConfig | null;
}

const MAX_LISTED = 5;

/** Checks a user-given ref before it goes anywhere near git. */
export function validateRef(ref: string, flag: string): string {
  const problem = refNameProblem(ref);
  if (problem !== null) {
    throw new UsageError(
      `${flag} ${JSON.stringify(ref.slice(0, 80))} is not a valid ref: it ${problem}.`,
      `Give a tag, branch or commit hash, e.g. ${flag} v1.2.0.`,
    );
  }
  return ref;
}

/** Normalises and checks a monorepo path (repository-relative, inside the repository). */
export function validatePath(path: string): string {
  const norm = path.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  // eslint-disable-next-line no-control-regex
  if (norm === '' || norm.startsWith('/') || /^[A-Za-z]:/.test(norm) || norm.split('/').includes('..') || /[\u0000-\u001f]/.test(norm) || norm.startsWith('-') || norm.startsWith(':')) {
    throw new UsageError(`--path ${JSON.stringify(path)} must be a folder inside the repository.`, 'Give a relative path such as --path packages/api.');
  }
  return norm;
}

/** The package config whose folder is the path, if any. */
export function packageFor(config: ReleaseConfig, path: string | undefined): PackageConfig | null {
  if (path === undefined) return null;
  return config.packages.find((p) => validatePath(p.path) === path) ?? null;
}

/** Reads every tag and keeps the release tags of the format in force (root or package). */
export async function inventoryTags(repo: GitRepo, config: ReleaseConfig, pkg: PackageConfig | null, options: { dates?: boolean } = {}): Promise<TagInventory> {
  const format = pkg ? new TagFormat(pkg.tagFormat, pkg.name) : new TagFormat(config.tagFormat);
  const others = config.packages.filter((p) => p !== pkg).map((p) => new TagFormat(p.tagFormat, p.name));
  if (pkg) others.push(new TagFormat(config.tagFormat));
  const tags = await repo.tags(options);
  // The same tag list (an adapter may return its cached array) with the same formats parses the same way.
  const key = [format.format, ...others.map((o) => o.format)].join('\u0000') + `\u0000${pkg?.initialVersion ?? config.initialVersion}`;
  const memo = INVENTORY_MEMO.get(tags)?.get(key);
  if (memo) return { ...memo, pkg };
  const releases: LocatedTag[] = [];
  const ignored: string[] = [];
  for (const t of tags) {
    const parsed = format.parse(t.name);
    if (parsed) releases.push({ ...parsed, commit: t.commit, date: t.date });
    else if (format.matchesShape(t.name) || !others.some((o) => o.matchesShape(t.name))) ignored.push(t.name);
  }
  const warnings: string[] = [];
  if (ignored.length > 0) {
    const list = ignored.slice(0, MAX_LISTED).join(', ') + (ignored.length > MAX_LISTED ? `, … (${ignored.length - MAX_LISTED} more)` : '');
    warnings.push(`Ignored ${ignored.length} ${ignored.length === 1 ? 'tag that is not a release' : 'tags that are not releases'} of the form ${format.format} with a semver version: ${list}.`);
  }
  const inventory: TagInventory = { format, releases: sortDescending(releases), warnings, initialVersion: pkg?.initialVersion ?? config.initialVersion, pkg };
  const byKey = INVENTORY_MEMO.get(tags) ?? new Map<string, TagInventory>();
  byKey.set(key, inventory);
  INVENTORY_MEMO.set(tags, byKey);
  return inventory;
}

/** Whether a warning is the one about tags that are not releases (its fix may propose packages for them). */
export function isIgnoredTagsWarning(warning: string): boolean {
  return /^Ignored \d+ tags? that (?:is|are) not/.test(warning);
}

/** Parsed inventories by tag list (weakly held: a new list from the adapter drops the old entries). */
const INVENTORY_MEMO = new WeakMap<readonly unknown[], Map<string, TagInventory>>();

/**
 * The highest stable release reachable from `target`, skipping `exclude`d tag names.
 * Fast path: check the highest candidates one by one; after a few misses ask git for the merged set.
 */
export async function lastRelease(repo: GitRepo, inv: TagInventory, target: string, exclude: ReadonlySet<string> = new Set()): Promise<{ tag: LocatedTag | null; warnings: string[] }> {
  const candidates = inv.releases.filter((t) => t.version.prerelease.length === 0 && !exclude.has(t.name));
  const warnings: string[] = [];
  const missed: LocatedTag[] = [];
  let found: LocatedTag | null = null;
  for (const t of candidates.slice(0, 4)) {
    if (await repo.isAncestor(t.commit, target)) {
      found = t;
      break;
    }
    missed.push(t);
  }
  if (found === null && candidates.length > 4) {
    const merged = await repo.tagsMergedInto(target);
    found = candidates.find((t) => merged.has(t.name)) ?? null;
    if (found) missed.push(...candidates.filter((t) => semver.gt(t.version, found!.version)).slice(missed.length));
  }
  if (missed.length > 0) {
    warnings.push(
      `Release tag ${missed[0]!.name} is not in the history of the target` +
        (found ? `; the last release here is ${found.name}.` : '.') +
        ' This happens on a maintenance branch or after a force-push.',
    );
  }
  return { tag: found, warnings };
}

/** Stable releases newer than `current` that the target already contains (highest first): an explicit --from below them names a historical range. */
async function newerInHistory(repo: GitRepo, inv: TagInventory, current: semver.SemVer | null, target: string): Promise<semver.SemVer[]> {
  if (current === null) return [];
  const newer = inv.releases.filter((t) => t.version.prerelease.length === 0 && semver.gt(t.version, current));
  if (newer.length === 0) return [];
  const merged = await repo.tagsMergedInto(target);
  return newer.filter((t) => merged.has(t.name)).map((t) => t.version);
}

/** Refuses repositories whose history would make the notes wrong (shallow clones). */
export async function checkRepository(repo: GitRepo): Promise<void> {
  if (await repo.isShallow()) {
    throw new GitError(
      'shallow',
      'This is a shallow clone: its history and tags are incomplete, so the notes would be silently partial.',
      'Run `git fetch --unshallow --tags` (in GitHub Actions: actions/checkout with fetch-depth: 0).',
    );
  }
}

async function readRange(repo: GitRepo, from: string | null, to: string, paths: readonly string[], signal?: AbortSignal): Promise<RawCommit[]> {
  const out: RawCommit[] = [];
  await repo.log({ from, to, paths, signal }, (c) => out.push(c));
  return out;
}

/** Drafts the notes and next version of one range (default: last release to HEAD). */
export async function draftNotes(repo: GitRepo, config: ReleaseConfig, options: DraftOptions = {}): Promise<ReleaseNotes> {
  const to = validateRef(options.to ?? 'HEAD', '--to');
  const from = options.from !== undefined ? validateRef(options.from, '--from') : undefined;
  const path = options.path !== undefined ? validatePath(options.path) : undefined;
  if (options.prerelease !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(options.prerelease)) {
    throw new UsageError(`--prerelease ${JSON.stringify(options.prerelease.slice(0, 40))} is not a prerelease id.`, 'Use letters, digits and -, e.g. --prerelease rc.');
  }
  const pkg = packageFor(config, path);
  // Independent reads run together: each is a git process.
  // HEAD's commit comes with its branch from one git call; other refs are resolved on their own.
  const headRead = repo.head();
  headRead.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const [, inv] = await Promise.all([checkRepository(repo), inventoryTags(repo, config, pkg)]);
  const releasedTag = inv.releases.find((t) => t.name === to) ?? null;
  // Fast path for the everyday case (unreleased changes of the whole repository): one git process checks
  // that the highest release is in the history and reads the range since it, while HEAD is read beside it.
  const first = from === undefined && path === undefined && !releasedTag ? (inv.releases.find((t) => t.version.prerelease.length === 0) ?? null) : null;
  const fastRaw: RawCommit[] = [];
  const fastHit = first !== null && (await repo.logWithBoundary({ exclude: first.commit, to, signal: options.signal }, (c) => fastRaw.push(c))).has(first.commit);
  const head = await headRead;
  const toHash = to === 'HEAD' && head.hash ? head.hash : await repo.resolveCommit(to);
  const warnings = [...inv.warnings];
  if (path !== undefined && pkg === null) {
    warnings.push(`No package is configured for ${path}; using the tag format ${inv.format.format}. Add it to "packages" in .release-manager.json.`);
  }
  // A `to` that is itself a release tag drafts that release: its own tag is not its base.
  const exclude = new Set(releasedTag ? inv.releases.filter((t) => t.commit === releasedTag.commit).map((t) => t.name) : []);

  let fromHash: string | null;
  let current: semver.SemVer | null;
  let fromLabel: string | null;
  let inHistory: semver.SemVer[] = [];
  if (from !== undefined) {
    fromHash = await repo.resolveCommit(from);
    fromLabel = from;
    const asTag = inv.releases.find((t) => t.name === from);
    current = asTag ? asTag.version : ((await lastRelease(repo, inv, fromHash)).tag?.version ?? null);
    inHistory = await newerInHistory(repo, inv, current, toHash);
    if (inHistory.length > 0 && !releasedTag) {
      warnings.push(`--from ${from} is older than ${inv.releases.find((t) => t.version === inHistory[0])?.name ?? inHistory[0]!.version}, a release in this history: these are the notes of a historical range, not of the next release.`);
    }
  } else if (fastHit && first) {
    fromHash = first.commit;
    fromLabel = first.name;
    current = first.version;
  } else {
    const last = await lastRelease(repo, inv, toHash, exclude);
    warnings.push(...last.warnings);
    fromHash = last.tag?.commit ?? null;
    fromLabel = last.tag?.name ?? null;
    current = last.tag?.version ?? null;
  }
  const raw = fastHit ? fastRaw : fromHash === toHash ? [] : await readRange(repo, fromHash, toHash, path ? [path] : [], options.signal);
  const collected = collectChanges(raw, config);
  options.onChanges?.(collected);
  const { changes, commits } = collected;
  let version = decideVersion({
    current,
    changes,
    config,
    initialVersion: inv.initialVersion,
    allVersions: inv.releases.map((t) => t.version),
    branch: to === 'HEAD' ? head.branch : null,
    prerelease: options.prerelease ?? null,
    targetHash: toHash,
    inHistory,
  });
  if (releasedTag) version = describeReleased(current, releasedTag, changes, config, toHash);
  warnings.push(...version.warnings);
  if (raw.length === 0 && fromHash !== null) warnings.push(`No commits between ${fromLabel} and ${to}${path ? ` touching ${path}` : ''}.`);
  for (const c of raw) if (c.textWarnings) warnings.push(...c.textWarnings);
  const contributors = contributorsOf(commits);
  const wantFirst = options.firstTimeContributors !== false;
  const known =
    fromHash === null || !wantFirst ? new Set<string>() : await repo.knownContributors(fromHash, contributors.map((c) => c.email), options.signal);
  return {
    range: { from: fromLabel, to, fromHash, toHash },
    version,
    date: releasedTag ? (await repo.tagDate(releasedTag.name)).slice(0, 10) || null : null,
    sections: groupSections(changes, config),
    contributors,
    firstTimeContributors: wantFirst ? contributors.filter((c) => !known.has(c.email)) : [],
    warnings,
  };
}

/** The version decision of a release that already exists (its tag fixes the version). */
export function describeReleased(
  previous: semver.SemVer | null,
  tag: ReleaseTag,
  changes: Parameters<typeof decideVersion>[0]['changes'],
  config: ReleaseConfig,
  tagHash: string,
): VersionDecision {
  const diff = previous ? semver.diff(previous, tag.version) : null;
  const bump: BumpLevel = diff === null ? 'none' : diff.startsWith('pre') || diff === 'prerelease' ? (diff === 'prerelease' ? 'patch' : (diff.slice(3) as BumpLevel)) : (diff as BumpLevel);
  const reasons = previous
    ? changes.filter((c) => bumpLevelOf(c, config, previous) === bump).map((c) => ({ hash: c.hash, why: changeBump(c, config, previous).why }))
    : [{ hash: tagHash, why: `first release: ${tag.name} is the first release tag in the history` }];
  return {
    current: previous?.version ?? null,
    next: tag.version.version,
    bump: previous ? bump : 'initial',
    prerelease: tag.version.prerelease.length > 0 ? String(tag.version.prerelease[0]) : null,
    hotfix: false,
    firstRelease: previous === null,
    reasons,
    warnings: [],
  };
}
