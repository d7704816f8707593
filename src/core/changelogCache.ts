/**
 * The changelog of everything up to the last release, kept between runs (see docs/changelog-cache.md).
 *
 * A release's notes never change once the history below it and the tags are fixed: its commits are named by
 * their hashes. So a changelog run whose newest release C has unreleased commits above it keeps, beside its
 * output, what the notes of those commits need from below C (C's tag, the last stable version, every
 * contributor so far, the changes prereleases carry) and the text of every release up to C. The next run
 * whose history above C is a chain of untagged commits ending at C reads only those commits and writes the
 * kept text after their notes: byte for byte what a whole run writes (tests compare both on every change
 * that could make them differ). Anything else — a tag added, moved or removed anywhere, another
 * configuration, `.mailmap` or release of this tool, a merge above C, C no longer below the target — is a
 * whole run, which keeps the cache again.
 */
import * as z from 'zod';
import type { Change } from './commits';
import type { ReleaseConfig } from './config';
import type { LocatedTag, TagInventory } from './draft';
import { once } from './lazy';
import type { RenderOptions } from './render';

/** Bumped whenever what a release's text is made from, or this file's shape, changes. */
export const CHANGELOG_CACHE_FORMAT = 1;

/** The two outputs kept apart: markdown keeps each release's text, JSON one blob of the releases' objects. */
export type ChangelogCacheKind = 'markdown' | 'json';

/** What a changelog run keeps at its newest release. */
export interface ChangelogCacheState {
  /** The newest release the text covers (C): the unreleased range starts above its commit. */
  previous: { name: string; commit: string };
  /** The last stable version at or below C (the unreleased version's base), null when there is none. */
  previousStable: string | null;
  /** Every author and co-author email credited up to C (first-time contributors are those not in it). */
  known: string[];
  /** Changes of prereleases above the last stable release: they still count for the next version. */
  carried: Change[];
  /** Warnings about odd commit texts at or below C (a NUL, bytes that are not UTF-8), in log order. */
  odd: string[];
  /** Markdown: each release's text up to C, newest first. */
  releases?: string[];
  /** JSON: the byte length of the kept blob (the releases' objects up to C as they stand in the array). */
  blobBytes?: number;
}

/** The kept JSON text, read in pieces when written out (it can be tens of megabytes). */
export interface CachedText {
  /** The text in order; what holds it is let go once read through (or when the reader stops). */
  chunks(): Iterable<Uint8Array>;
  /** Lets go of the text unread (idempotent). */
  close(): void;
}

/** Where changelog state is kept between runs (the CLI: a folder in the repository's git directory). */
export interface ChangelogCacheStore {
  /**
   * The state kept for this key at the first of these commits that has one (the release tags, highest version first),
   * or null. A state that is unreadable, not ours, or kept for another key or `.mailmap` (the store adds the working
   * tree's `.mailmap` to the key) does not count.
   */
  latest(kind: ChangelogCacheKind, key: string, commits: readonly string[]): Promise<{ state: ChangelogCacheState; blob: CachedText | null } | null>;
  /** Keeps the state at this commit under this key (JSON: with the blob's pieces, written in order); never fails the caller. */
  write(commit: string, kind: ChangelogCacheKind, key: string, state: ChangelogCacheState, blob?: Iterable<string | Uint8Array>): Promise<void>;
}

/**
 * What the kept text depends on besides the commits, as text (the store keeps its digest): the format of this file,
 * the tool's version, the output kind and its render options, the configuration, and every release tag (name, commit,
 * date, version) with the initial version. The `.mailmap` is the store's part of the key (it is in the working tree).
 */
export function cacheKey(kind: ChangelogCacheKind, config: ReleaseConfig, render: RenderOptions, inv: TagInventory, tool: string): string {
  const tags = inv.releases.map((t) => [t.name, t.commit, t.date, t.version.version]);
  return JSON.stringify({ format: CHANGELOG_CACHE_FORMAT, tool, kind, level: render.level ?? null, forRelease: render.forRelease ?? false, config, initial: inv.initialVersion, tags });
}

/** True when render options can be kept in a key (links are functions: such runs are never cached). */
export function cacheableRender(render: RenderOptions): boolean {
  return render.commitUrl === undefined && render.prUrl === undefined;
}

const person = once(() => z.object({ name: z.string(), email: z.string() }).strict());

const change = once(() =>
  z
    .object({
      hash: z.string(),
      type: z.string().nullable(),
      scope: z.string().nullable(),
      subject: z.string(),
      breaking: z.boolean(),
      breakingNotes: z.array(z.string()),
      pr: z.number().int().nullable(),
      author: person(),
      coAuthors: z.array(person()),
      date: z.string(),
      reverts: z.array(z.string()),
      isRevert: z.boolean(),
      message: z.string(),
      fromSquash: z.boolean(),
    })
    .strict(),
);

/** The kept state's shape: a file that does not match is ignored (and written again by the next whole run). */
export const cacheStateSchema = once(() =>
  z
    .object({
      previous: z.object({ name: z.string(), commit: z.string().regex(/^[0-9a-f]{40}$|^[0-9a-f]{64}$/) }).strict(),
      previousStable: z.string().nullable(),
      known: z.array(z.string()),
      carried: z.array(change()),
      odd: z.array(z.string()),
      releases: z.array(z.string()).optional(),
      blobBytes: z.number().int().nonnegative().optional(),
    })
    .strict(),
);

/** The release tag a kept state continues from, when the tag list still has it exactly. */
export function keptTag(inv: TagInventory, state: ChangelogCacheState): LocatedTag | null {
  return inv.releases.find((t) => t.name === state.previous.name && t.commit === state.previous.commit) ?? null;
}
