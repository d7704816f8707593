import { mergePrNumber, toChanges, type Change, type RawCommit } from './commits';
import type { NotesConfig } from './config';

/** The effective changes of a range: merges folded, squashes split, skips removed, reverts cancelled. */
export interface RangeChanges {
  /** Changes that remain, newest first. */
  changes: Change[];
  /** Every non-merge commit of the range (for contributors), newest first. */
  commits: Change[];
}

/**
 * Attributes commits brought in by a `Merge pull request #N` merge to PR N.
 * Commits on the first-parent line of the range tip are never claimed; each commit is claimed once.
 */
export function attributeMerges(commits: readonly RawCommit[]): Map<string, number> {
  const byHash = new Map<string, RawCommit>();
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
    const pr = mergePrNumber(merge.message.split('\n', 1)[0] ?? '');
    if (pr === null) continue;
    const stack = merge.parents.slice(1);
    while (stack.length > 0) {
      const h = stack.pop()!;
      if (mainline.has(h) || claimed.has(h)) continue;
      const c = byHash.get(h);
      if (!c) continue;
      claimed.set(h, pr);
      stack.push(...c.parents);
    }
  }
  return claimed;
}

/** True when the change must not appear in notes nor count for the version (skip marker, release commit). */
export function isSkipped(change: Change, config: NotesConfig): boolean {
  const lower = change.message.toLowerCase();
  if (config.skipMarkers.some((m) => lower.includes(m.toLowerCase()))) return true;
  if (change.type !== null && change.scope !== null) {
    const key = `${change.type}(${change.scope})`.toLowerCase();
    if (config.excludeScopes.some((e) => e.toLowerCase() === key)) return true;
  }
  return false;
}

/** Turns the raw commits of a range (newest first) into its effective changes. */
export function collectChanges(raw: readonly RawCommit[], config: NotesConfig): RangeChanges {
  const prOf = attributeMerges(raw);
  const all: Change[] = [];
  for (const commit of raw) {
    if (commit.parents.length >= 2) continue; // a merge never repeats the commits it brings in
    for (const change of toChanges(commit)) {
      if (change.pr === null) change.pr = prOf.get(commit.hash) ?? null;
      all.push(change);
    }
  }
  const kept = all.filter((c) => !isSkipped(c, config));
  return { changes: cancelReverts(kept), commits: all };
}

/**
 * Cancels a revert and its target when both are in the range (a revert of a revert restores the
 * original). Reverts of commits outside the range stay, to be listed under Reverts.
 */
export function cancelReverts(changes: readonly Change[]): Change[] {
  const active = new Set<Change>(changes);
  const byHash = new Map<string, Change[]>();
  for (const c of changes) byHash.set(c.hash, [...(byHash.get(c.hash) ?? []), c]);
  const hashes = [...byHash.keys()];
  const cancelledBy = new Map<Change, Change[]>(); // revert -> the changes it cancelled
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
      const live = targets.filter((t) => active.has(t));
      if (live.length > 0) {
        live.forEach((t) => active.delete(t));
        active.delete(revert);
        cancelledBy.set(revert, live);
      } else {
        // The target was itself a revert that cancelled something: reapply the original.
        for (const t of targets) for (const original of cancelledBy.get(t) ?? []) active.add(original);
        active.delete(revert);
      }
    }
  }
  return changes.filter((c) => active.has(c));
}
