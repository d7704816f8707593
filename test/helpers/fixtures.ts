// Builders for hand-made commits, changes and configs used by the core unit tests.
import { createHash } from 'node:crypto';
import * as semver from 'semver';
import type { Change, RawCommit } from '../../src/core/commits';
import { defaultConfig, type ReleaseConfig } from '../../src/core/config';

/** A realistic, deterministic 40-hex object name for a label ("A", "M1", ...). */
export function sha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/** One row of a hand-built history: label, parent labels, message (and optional author). */
export type Row = [label: string, parents: string[], message: string, author?: { name: string; email: string }];

/** A hand-built history, newest first, with a way back from hash to label for readable assertions. */
export interface History {
  commits: RawCommit[];
  label: (hash: string) => string;
}

/** Builds RawCommits (newest first, as `git log` streams them) from rows. */
export function history(rows: Row[]): History {
  const labels = new Map<string, string>();
  const commits = rows.map(([label, parents, message, author], i): RawCommit => {
    labels.set(sha(label), label);
    return {
      hash: sha(label),
      parents: parents.map(sha),
      authorName: author?.name ?? 'Ann Author',
      authorEmail: author?.email ?? 'ann@example.com',
      // Newest first: later rows are older.
      date: new Date(Date.UTC(2024, 0, 1) - i * 60_000).toISOString(),
      message,
    };
  });
  return { commits, label: (hash) => labels.get(hash) ?? `?${hash.slice(0, 7)}` };
}

/** A Change with neutral defaults, for tests of version, notes and render. */
export function change(over: Partial<Change> = {}): Change {
  const hash = over.hash ?? sha(`${over.type ?? 'none'}:${over.subject ?? 'subject'}:${over.scope ?? ''}`);
  return {
    hash,
    type: 'fix',
    scope: null,
    subject: 'subject',
    breaking: false,
    breakingNotes: [],
    pr: null,
    author: { name: 'Ann Author', email: 'ann@example.com' },
    coAuthors: [],
    date: '2024-01-01T00:00:00.000Z',
    reverts: [],
    isRevert: false,
    message: `${over.type ?? 'fix'}: ${over.subject ?? 'subject'}`,
    fromSquash: false,
    ...over,
  };
}

/** The default config with some fields replaced. */
export function config(over: Partial<ReleaseConfig> = {}): ReleaseConfig {
  return { ...defaultConfig(), ...over };
}

/** A SemVer from text; throws on a typo in a test. */
export function v(text: string): semver.SemVer {
  const parsed = semver.parse(text);
  if (parsed === null) throw new Error(`bad version in test: ${text}`);
  return parsed;
}
