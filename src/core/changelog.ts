import type * as semver from 'semver';
import { collectPrepared, prepareCommit, type PreparedCommit } from './changes';
import type { NotesConfig } from './config';
import { checkRepository, describeReleased, inventoryTags, packageFor, validatePath, validateRef, type LocatedTag } from './draft';
import { contributorsOf, groupSections, type ReleaseNotes } from './notes';
import type { GitRepo } from './ports';
import { decideVersion } from './version';

/** What the changelog covers. */
export interface ChangelogOptions {
  to?: string;
  path?: string;
  signal?: AbortSignal;
}

/**
 * Notes for every release in the history, newest first (unreleased changes on top when there are any).
 * One streamed pass over the history: each commit belongs to the lowest release whose tag reaches it.
 */
export async function buildChangelog(repo: GitRepo, config: NotesConfig, options: ChangelogOptions = {}): Promise<ReleaseNotes[]> {
  const to = validateRef(options.to ?? 'HEAD', '--to');
  const path = options.path !== undefined ? validatePath(options.path) : undefined;
  await checkRepository(repo);
  const toHash = await repo.resolveCommit(to);
  const pkg = packageFor(config, path);
  const inv = await inventoryTags(repo, config, pkg, { dates: true });

  // Each commit is parsed as it arrives and only what the notes need is kept (not the raw text).
  const log: PreparedCommit[] = [];
  const tagged = new Set(inv.releases.map((t) => t.commit));
  const seenTagged = new Set<string>();
  await repo.log({ from: null, to: toHash, paths: [], signal: options.signal }, (c) => {
    if (tagged.has(c.hash)) seenTagged.add(c.hash);
    log.push(prepareCommit(c, config));
  });
  const touching = path !== undefined ? await repo.commitsTouching(toHash, [path], options.signal) : null;

  // Releases reachable from the target, oldest version first; several tags on one commit: lowest wins.
  const reachable = inv.releases.filter((t) => seenTagged.has(t.commit)).reverse();
  const owner = isLinear(log) ? ownersOfLinear(log, reachable) : ownersByWalk(log, reachable);
  const buckets: PreparedCommit[][] = reachable.map(() => []);
  const unreleased: PreparedCommit[] = [];
  log.forEach((c, i) => (owner[i] === -1 ? unreleased : buckets[owner[i]!]!).push(c));

  const known = new Set<string>();
  const out: ReleaseNotes[] = [];
  let previous: LocatedTag | null = null;
  let previousStable: semver.SemVer | null = null;
  const scoped = (prepared: PreparedCommit[]) => {
    const { changes, commits } = collectPrepared(prepared);
    if (touching === null) return { changes, commits };
    return { changes: changes.filter((c) => touching.has(c.hash)), commits: commits.filter((c) => touching.has(c.hash)) };
  };
  const credit = (commits: ReturnType<typeof scoped>['commits']) => {
    const contributors = contributorsOf(commits);
    const first = contributors.filter((c) => !known.has(c.email));
    contributors.forEach((c) => known.add(c.email));
    return { contributors, first };
  };
  reachable.forEach((tag, r) => {
    const { changes, commits } = scoped(buckets[r]!);
    const { contributors, first } = credit(commits);
    out.push({
      range: { from: previous?.name ?? null, to: tag.name, fromHash: previous?.commit ?? null, toHash: tag.commit },
      version: describeReleased(previousStable, tag, changes, config, tag.commit),
      date: tag.date.slice(0, 10),
      sections: groupSections(changes, config),
      contributors,
      firstTimeContributors: first,
      warnings: [],
    });
    previous = tag;
    if (tag.version.prerelease.length === 0) previousStable = tag.version;
  });
  const { changes, commits } = scoped(unreleased);
  if (changes.length > 0) {
    const { contributors, first } = credit(commits);
    const head = await repo.head();
    const version = decideVersion({
      current: previousStable,
      changes,
      config,
      initialVersion: inv.initialVersion,
      allVersions: inv.releases.map((t) => t.version),
      branch: to === 'HEAD' ? head.branch : null,
      prerelease: null,
      targetHash: toHash,
    });
    out.push({
      range: { from: previous ? (previous as LocatedTag).name : null, to, fromHash: previous ? (previous as LocatedTag).commit : null, toHash },
      version,
      date: null,
      sections: groupSections(changes, config),
      contributors,
      firstTimeContributors: first,
      warnings: version.warnings,
    });
  }
  out.reverse();
  if (out.length > 0) out[0]!.warnings.unshift(...inv.warnings);
  return out;
}

/** True when the log is one chain: every commit's only parent is the next record (no merges, one root). */
function isLinear(log: readonly PreparedCommit[]): boolean {
  for (let i = 0; i < log.length; i++) {
    const parents = log[i]!.parents;
    if (i === log.length - 1 ? parents.length !== 0 : parents.length !== 1 || parents[0] !== log[i + 1]!.hash) return false;
  }
  return true;
}

/**
 * Owners on a linear history, newest first: a commit is reached by every tag at or above it, so its
 * release is the lowest version among the tags seen so far. One pass, no hash index.
 */
function ownersOfLinear(log: readonly PreparedCommit[], reachable: readonly LocatedTag[]): Int32Array {
  const lowestAt = new Map<string, number>();
  reachable.forEach((t, r) => {
    if (!lowestAt.has(t.commit)) lowestAt.set(t.commit, r);
  });
  const owner = new Int32Array(log.length);
  let best = -1;
  for (let i = 0; i < log.length; i++) {
    const r = lowestAt.get(log[i]!.hash);
    if (r !== undefined && (best === -1 || r < best)) best = r;
    owner[i] = best;
  }
  return owner;
}

/** Owners on any history: each release, lowest version first, claims the commits its tag reaches that no lower one did. */
function ownersByWalk(log: readonly PreparedCommit[], reachable: readonly LocatedTag[]): Int32Array {
  const index = new Map<string, number>();
  log.forEach((c, i) => index.set(c.hash, i));
  const owner = new Int32Array(log.length).fill(-1);
  reachable.forEach((tag, r) => {
    const stack = [index.get(tag.commit)!];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (owner[i] !== -1) continue;
      owner[i] = r;
      for (const p of log[i]!.parents) {
        const j = index.get(p);
        if (j !== undefined && owner[j] === -1) stack.push(j);
      }
    }
  });
  return owner;
}
