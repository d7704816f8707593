/**
 * The JSON changelog as text written release by release: the bytes of `JSON.stringify(releases, null, 2)`
 * (each release as publicNotes shows it), produced one release object at a time.
 */
import type { CachedText } from './changelogCache';
import type { ReleaseNotes, Section } from './notes';

/** Keeps text that must wait for the end of the log (a temporary file in the CLI); returns a handle to write it later. */
export interface TextSpill {
  put(text: string): number;
  /** The bytes of a handle put() returned. */
  read(handle: number): Uint8Array;
}

/** One release's JSON text, as pieces written in order: text, the handle of spilled text, or text kept by the cache (several releases). */
export type JsonPieces = (string | { spilled: number } | { cached: CachedText })[];

/** The JSON changelog: each release's pieces, newest first (produced one at a time), and the newest release's warnings. */
export interface JsonChangelog {
  releases: Iterable<JsonPieces>;
  warnings: string[];
  /** True when the releases up to the newest one came from the cache. */
  cached?: boolean;
}

/** A release as the JSON changelog shows it: its version without the warnings (those are the release's own). */
export function publicNotes(notes: ReleaseNotes) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { warnings: _w, ...version } = notes.version;
  return { ...notes, version };
}

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep (JSON strings never hold a raw newline). */
export function nestedJson(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 2);
  return depth === 0 ? text : text.replace(/\n/g, '\n' + '  '.repeat(depth));
}

/** The sections of a release as they read inside the changelog's array (the value of its `sections` key). */
export function sectionsJson(sections: readonly Section[]): string {
  return nestedJson(sections, 2);
}

/** A release's JSON pieces inside the changelog's array, its sections given as pieces of their own (already nested). */
export function releasePieces(notes: Omit<ReturnType<typeof publicNotes>, 'sections'>, sections: JsonPieces): JsonPieces {
  // Key order as ReleaseNotes builds it: range, version, date, sections, contributors, firstTimeContributors, warnings.
  const member = (key: string, value: unknown) => `\n    ${JSON.stringify(key)}: ${nestedJson(value, 2)}`;
  return [
    `{${member('range', notes.range)},${member('version', notes.version)},${member('date', notes.date)},\n    "sections": `,
    ...sections,
    `,${member('contributors', notes.contributors)},${member('firstTimeContributors', notes.firstTimeContributors)},${member('warnings', notes.warnings)}\n  }`,
  ];
}

/** The pieces of a whole release (sections included), nested in the changelog's array. */
export function wholeReleasePieces(notes: ReleaseNotes): JsonPieces {
  return [nestedJson(publicNotes(notes), 1)];
}

/** The pieces of several releases as they stand in the changelog's array, one after the other (without the brackets). */
export function* joinedReleases(releases: Iterable<JsonPieces>): Iterable<JsonPieces[number]> {
  let first = true;
  for (const pieces of releases) {
    if (!first) yield ',\n  ';
    first = false;
    yield* pieces;
  }
}

/** Writes a changelog's releases as one JSON array (`[]` when there is none), with a final newline. */
export async function writeJsonChangelog(releases: Iterable<JsonPieces>, write: (piece: string | { spilled: number } | { cached: CachedText }) => Promise<void> | void): Promise<void> {
  let any = false;
  for (const piece of joinedReleases(releases)) {
    if (!any) await write('[\n  ');
    any = true;
    await write(piece);
  }
  await write(any ? '\n]\n' : '[]\n');
}
