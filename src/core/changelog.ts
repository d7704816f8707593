import type * as semver from 'semver';
import { cancelReverts, collectPrepared, prepareCommit, type PreparedCommit, type RangeChanges } from './changes';
import type { Change, RawCommit } from './commits';
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
  const pkg = packageFor(config, path);
  // The tags (with dates) and HEAD's branch are read beside the log, each by its own git process.
  const inventory = inventoryTags(repo, config, pkg, { dates: true });
  const headRead = to === 'HEAD' ? repo.head() : null;
  inventory.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  headRead?.catch(() => undefined);
  const toHash = await repo.resolveCommit(to);

  const touchingRead = path !== undefined ? repo.commitsTouching(toHash, [path], options.signal) : null;
  touchingRead?.catch(() => undefined);

  // Each commit is parsed as it arrives and only what the notes need is kept (not the raw text).
  const log = new PreparedLog(config);
  await repo.log({ from: null, to: toHash, paths: [], signal: options.signal }, (c) => log.add(c));
  log.end();
  const touching = touchingRead ? await touchingRead : null;
  const inv = await inventory;

  // Releases reachable from the target, oldest version first; several tags on one commit: lowest wins.
  const tagged = new Set(inv.releases.map((t) => t.commit));
  const seenTagged = new Set<string>();
  for (const c of log.entries) if (tagged.has(c.hash)) seenTagged.add(c.hash);
  const reachable = inv.releases.filter((t) => seenTagged.has(t.commit)).reverse();
  const owner = log.linear ? ownersOfLinear(log, reachable) : ownersByWalk(log, reachable);
  const buckets: number[][] = reachable.map(() => []);
  const unreleased: number[] = [];
  owner.forEach((o, i) => (o === -1 ? unreleased : buckets[o]!).push(i));

  const known = new Set<string>();
  const out: ReleaseNotes[] = [];
  let previous: LocatedTag | null = null;
  let previousStable: semver.SemVer | null = null;
  const scoped = (indices: number[]) => {
    const { changes, commits } = log.collect(indices);
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
    const head = headRead ? await headRead : null;
    const version = decideVersion({
      current: previousStable,
      changes,
      config,
      initialVersion: inv.initialVersion,
      allVersions: inv.releases.map((t) => t.version),
      branch: head ? head.branch : null,
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

/**
 * The prepared history, newest first, kept small for 100k-commit logs: a commit with one kept change whose only
 * parent is the next commit of the log (or none, for the last one) is stored as that change alone; any other
 * commit as its PreparedCommit. A linear history is then one object per commit (plus its strings).
 */
class PreparedLog {
  readonly entries: (Change | PreparedCommit)[] = [];
  /** True while every commit's only parent is the next one (no merges, one root). */
  linear = true;
  /** Parents of the last entry, until the next commit (or the end) tells whether it can stay a bare change. */
  private lastParents: readonly string[] = [];
  private readonly config: NotesConfig;

  constructor(config: NotesConfig) {
    this.config = config;
  }

  add(raw: RawCommit): void {
    this.settle(raw.hash);
    const p = prepareCommit(raw, this.config);
    this.entries.push(p.changes.length === 1 && !p.skipped[0] && p.parents.length === 1 ? p.changes[0]! : p);
    this.lastParents = p.parents;
  }

  /** Call once the log is complete. */
  end(): void {
    this.settle(null);
  }

  /** The last entry meets its successor (null: the end of the log); a bare change whose parent is not it is expanded. */
  private settle(next: string | null): void {
    const last = this.entries.length - 1;
    if (last < 0) return;
    const parents = this.lastParents;
    const linked = next === null ? parents.length === 0 : parents.length === 1 && parents[0] === next;
    if (!linked) this.linear = false;
    const e = this.entries[last]!;
    if (!linked && !isPrepared(e)) this.entries[last] = { hash: e.hash, parents, mergePr: null, changes: [e], skipped: [false] };
  }

  /** Parents of the commit at index i. */
  parentsAt(i: number): readonly string[] {
    const e = this.entries[i]!;
    if (isPrepared(e)) return e.parents;
    return i + 1 < this.entries.length ? [this.entries[i + 1]!.hash] : [];
  }

  /** The effective changes of the commits at these indices (newest first). */
  collect(indices: readonly number[]): RangeChanges {
    if (!this.linear) {
      return collectPrepared(
        indices.map((i) => {
          const e = this.entries[i]!;
          return isPrepared(e) ? e : { hash: e.hash, parents: this.parentsAt(i), mergePr: null, changes: [e], skipped: [false] };
        }),
      );
    }
    // A linear range has no merge to attribute PRs from: keep the changes, drop the skipped, cancel reverts.
    const all: Change[] = [];
    const kept: Change[] = [];
    for (const i of indices) {
      const e = this.entries[i]!;
      if (!isPrepared(e)) {
        all.push(e);
        kept.push(e);
        continue;
      }
      e.changes.forEach((c, k) => {
        all.push(c);
        if (!e.skipped[k]) kept.push(c);
      });
    }
    return { changes: cancelReverts(kept), commits: all };
  }
}

function isPrepared(e: Change | PreparedCommit): e is PreparedCommit {
  return 'skipped' in e;
}

/**
 * Owners on a linear history, newest first: a commit is reached by every tag at or above it, so its
 * release is the lowest version among the tags seen so far. One pass, no hash index.
 */
function ownersOfLinear(log: PreparedLog, reachable: readonly LocatedTag[]): Int32Array {
  const lowestAt = new Map<string, number>();
  reachable.forEach((t, r) => {
    if (!lowestAt.has(t.commit)) lowestAt.set(t.commit, r);
  });
  const owner = new Int32Array(log.entries.length);
  let best = -1;
  for (let i = 0; i < log.entries.length; i++) {
    const r = lowestAt.get(log.entries[i]!.hash);
    if (r !== undefined && (best === -1 || r < best)) best = r;
    owner[i] = best;
  }
  return owner;
}

/** Owners on any history: each release, lowest version first, claims the commits its tag reaches that no lower one did. */
function ownersByWalk(log: PreparedLog, reachable: readonly LocatedTag[]): Int32Array {
  const index = new Map<string, number>();
  log.entries.forEach((c, i) => index.set(c.hash, i));
  const owner = new Int32Array(log.entries.length).fill(-1);
  reachable.forEach((tag, r) => {
    const stack = [index.get(tag.commit)!];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (owner[i] !== -1) continue;
      owner[i] = r;
      for (const p of log.parentsAt(i)) {
        const j = index.get(p);
        if (j !== undefined && owner[j] === -1) stack.push(j);
      }
    }
  });
  return owner;
}
