import { isReleaseCommit, mergePrNumber, toChanges, type Change, type RawCommit } from './commits';
import type { NotesRules } from './notesRules';

/** The effective changes of a range: merges folded, squashes split, skips removed, reverts cancelled. */
export interface RangeChanges {
  /** Changes that remain, newest first. */
  changes: Change[];
  /** Every non-merge commit of the range (for contributors), newest first. */
  commits: Change[];
}

/** What merge attribution needs of a commit: its parents and, for a merge, its PR (or its message to find it in). */
export interface MergeInfo {
  hash: string;
  parents: readonly string[];
  mergePr?: number | null;
  message?: string;
}

/** A commit parsed once as it streams in: its changes, which of them are skipped, and what merges need (the raw text is dropped). */
export interface PreparedCommit extends MergeInfo {
  mergePr: number | null;
  changes: Change[];
  skipped: boolean[];
}

/** Shared `skipped` lists of single-change commits (most commits): one list each, not one per commit. */
const KEPT: boolean[] = Object.freeze([false]) as unknown as boolean[];
const SKIPPED: boolean[] = Object.freeze([true]) as unknown as boolean[];

/** Parses one raw commit for a range; merges give no changes, only their PR number. */
export function prepareCommit(raw: RawCommit, config: NotesRules): PreparedCommit {
  if (raw.parents.length >= 2) {
    const nl = raw.message.indexOf('\n');
    return { hash: raw.hash, parents: raw.parents, mergePr: mergePrNumber(nl === -1 ? raw.message : raw.message.slice(0, nl)), changes: [], skipped: [] };
  }
  const changes = toChanges(raw);
  const skipped = changes.length === 1 ? (isSkipped(changes[0]!, config) ? SKIPPED : KEPT) : changes.map((c) => isSkipped(c, config));
  for (const c of changes) c.message = ''; // decided: the full text is not kept (100k commits stay small)
  return { hash: raw.hash, parents: raw.parents, mergePr: null, changes, skipped };
}

/** The effective changes of prepared commits (newest first): PR numbers from merges, skips removed, reverts cancelled. */
export function collectPrepared(prepared: readonly PreparedCommit[]): RangeChanges {
  const prOf = attributeMerges(prepared);
  const all: Change[] = [];
  const kept: Change[] = [];
  for (const p of prepared) {
    p.changes.forEach((change, i) => {
      if (change.pr === null) change.pr = prOf.get(p.hash) ?? null;
      all.push(change);
      if (!p.skipped[i]) kept.push(change);
    });
  }
  return { changes: cancelReverts(kept), commits: all };
}

/**
 * Attributes commits brought in by a `Merge pull request #N` merge to PR N.
 * Commits on the first-parent line of the range tip are never claimed; each commit is claimed once.
 */
export function attributeMerges(commits: readonly MergeInfo[]): Map<string, number> {
  if (!commits.some((c) => c.parents.length >= 2)) return new Map(); // a linear range has nothing to attribute
  const byHash = new Map<string, MergeInfo>();
  for (const c of commits) byHash.set(c.hash, c);
  const mainline = new Set<string>();
  let cur = commits[0];
  while (cur && !mainline.has(cur.hash)) {
    mainline.add(cur.hash);
    cur = cur.parents[0] !== undefined ? byHash.get(cur.parents[0]) : undefined;
  }
  const claimed = new Map<string, number>();
  // Oldest merge first, so an inner merge claims its own commits before an outer one.
  for (let i = commits.length - 1; i >= 0; i--) {
    const merge = commits[i]!;
    if (merge.parents.length < 2) continue;
    const pr = merge.mergePr !== undefined ? merge.mergePr : mergePrNumber(merge.message?.split('\n', 1)[0] ?? '');
    if (pr === null) continue;
    // What the merge brings in is what its other parents reach and its first parent does not.
    // The first parent's history is walked only down to the mainline (never claimed anyway), so
    // a PR merged straight into the mainline costs nothing here.
    const base = reachOffMainline([merge.parents[0]!], byHash, mainline, new Set());
    reachOffMainline(merge.parents.slice(1), byHash, mainline, base, (h) => {
      if (claimed.has(h)) return false;
      claimed.set(h, pr);
      return true;
    });
  }
  return claimed;
}

/** Commits reachable from `start` within the range, stopping at the mainline and at `stop`; `visit` may prune. */
function reachOffMainline(
  start: readonly string[],
  byHash: ReadonlyMap<string, MergeInfo>,
  mainline: ReadonlySet<string>,
  stop: ReadonlySet<string>,
  visit: (hash: string) => boolean = () => true,
): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const h = stack.pop()!;
    if (seen.has(h) || mainline.has(h) || stop.has(h)) continue;
    const c = byHash.get(h);
    if (!c) continue;
    seen.add(h);
    if (!visit(h)) continue;
    stack.push(...c.parents);
  }
  return seen;
}

/** True when the change must not appear in notes nor count for the version (skip marker, release commit). */
export function isSkipped(change: Change, config: NotesRules): boolean {
  const lower = change.message.toLowerCase();
  if (config.skipMarkers.some((m) => lower.includes(m.toLowerCase()))) return true;
  if (config.releaseCommits !== 'show' && isReleaseCommit(change)) return true;
  if (change.type !== null && change.scope !== null) {
    const key = `${change.type}(${change.scope})`.toLowerCase();
    if (config.excludeScopes.some((e) => e.toLowerCase() === key)) return true;
  }
  return false;
}

/** Turns the raw commits of a range (newest first) into its effective changes. */
export function collectChanges(raw: readonly RawCommit[], config: NotesRules): RangeChanges {
  return collectPrepared(raw.map((r) => prepareCommit(r, config)));
}

/**
 * Cancels a revert and its target when both are in the range (a revert of a revert restores the
 * original). Reverts of commits outside the range stay, to be listed under Reverts.
 */
export function cancelReverts(changes: readonly Change[]): Change[] {
  if (!changes.some((c) => c.isRevert && c.reverts.length > 0)) return [...changes];
  const active = new Set<Change>(changes);
  const byHash = new Map<string, Change[]>();
  for (const c of changes) byHash.set(c.hash, [...(byHash.get(c.hash) ?? []), c]);
  const hashes = [...byHash.keys()];
  // A consumed revert -> the original changes whose presence it flipped.
  const flipped = new Map<Change, Change[]>();
  const resolve = (target: string): Change[] | undefined => {
    const exact = byHash.get(target);
    if (exact) return exact;
    const found = hashes.filter((h) => h.startsWith(target));
    return found.length === 1 ? byHash.get(found[0]!) : undefined;
  };
  for (let i = changes.length - 1; i >= 0; i--) {
    const revert = changes[i]!;
    if (!revert.isRevert || revert.reverts.length === 0) continue;
    for (const target of revert.reverts) {
      const targets = resolve(target)?.filter((t) => t !== revert);
      if (!targets || targets.length === 0) continue;
      // Reverting a consumed revert flips what that revert flipped (reapply, revert again, ...).
      const originals = targets.flatMap((t) => flipped.get(t) ?? (active.has(t) ? [t] : []));
      if (originals.length === 0) continue;
      for (const o of originals) {
        if (active.has(o)) active.delete(o);
        else active.add(o);
      }
      flipped.set(revert, originals);
      active.delete(revert);
    }
  }
  return changes.filter((c) => active.has(c));
}
