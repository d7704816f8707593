import type { Change, Person } from './commits';
import type { NotesRules } from './notesRules';
import type { VersionDecision } from './version';

/** One line of the notes, as published in the JSON contract: a change's fields, with its people as names. */
export type NoteEntry = Pick<Change, 'hash' | 'type' | 'scope' | 'subject' | 'breaking' | 'breakingNotes' | 'pr' | 'date'> & {
  /** Author and co-authors, by name. */
  authors: string[];
  /** Title of the linked pull request as GitHub has it (only when linked through GitHub). */
  prTitle?: string;
  /** Labels of the linked pull request (only when linked through GitHub). */
  labels?: string[];
  /** GitHub login of the pull request's author, or of the commit's author for a direct commit (when known). */
  login?: string;
  /** Every commit of a pull request's entry, newest first (only when linked through GitHub). */
  hashes?: string[];
};

/** A titled group of entries. */
export interface Section {
  title: string;
  entries: NoteEntry[];
}

/** A contributor to a release. */
export interface Contributor {
  name: string;
  email: string;
  /** GitHub login (only when known from GitHub). */
  login?: string;
}

/** The release notes of one range: the JSON contract of `release-manager notes`. */
export interface ReleaseNotes {
  range: { from: string | null; to: string; fromHash: string | null; toHash: string };
  version: VersionDecision;
  /** Release date (ISO date) for released ranges, null for unreleased drafts. */
  date: string | null;
  sections: Section[];
  contributors: Contributor[];
  firstTimeContributors: Contributor[];
  warnings: string[];
}

/** Author-only name lists, one per person: most entries have no co-author and share it (frozen: read-only). */
const SOLE_AUTHOR = new WeakMap<Person, string[]>();

function authorsOf(c: Change): string[] {
  if (c.coAuthors.length > 0) return [c.author.name, ...c.coAuthors.map((p) => p.name)];
  let names = SOLE_AUTHOR.get(c.author);
  if (!names) {
    names = Object.freeze([c.author.name]) as string[];
    SOLE_AUTHOR.set(c.author, names);
  }
  return names;
}

function toEntry(c: Change): NoteEntry {
  return {
    hash: c.hash,
    type: c.type,
    scope: c.scope,
    subject: c.subject,
    breaking: c.breaking,
    breakingNotes: c.breakingNotes,
    pr: c.pr,
    authors: authorsOf(c),
    date: c.date,
  };
}

/** Groups changes into the configured sections: breaking first, then configured order, then Other. */
export function groupSections(changes: readonly Change[], config: NotesRules): Section[] {
  const sectionOfType = new Map<string, number>();
  config.sections.forEach((s, i) => s.types.forEach((t) => sectionOfType.set(t.toLowerCase(), i)));
  const hidden = new Set(config.hiddenTypes.map((t) => t.toLowerCase()));
  const revertSection = sectionOfType.get('revert');
  const breaking: NoteEntry[] = [];
  const buckets: NoteEntry[][] = config.sections.map(() => []);
  const other: NoteEntry[] = [];
  for (const c of changes) {
    if (c.breaking) {
      breaking.push(toEntry(c));
      continue;
    }
    if (c.isRevert && revertSection !== undefined) {
      buckets[revertSection]!.push(toEntry(c));
      continue;
    }
    if (c.type === null) {
      if (!config.other.hidden) other.push(toEntry(c));
      continue;
    }
    if (hidden.has(c.type)) continue;
    const idx = sectionOfType.get(c.type);
    if (idx !== undefined) buckets[idx]!.push(toEntry(c));
    else if (!config.other.hidden) other.push(toEntry(c));
  }
  const out: Section[] = [];
  if (breaking.length > 0) out.push({ title: config.breakingTitle, entries: breaking });
  config.sections.forEach((s, i) => {
    if (buckets[i]!.length > 0) out.push({ title: s.title, entries: buckets[i]! });
  });
  if (other.length > 0) out.push({ title: config.other.title, entries: other });
  return out;
}

/** Authors and co-authors of the commits, by email, in order of first appearance (oldest first). */
export function contributorsOf(commits: readonly Change[]): Contributor[] {
  const seen = new Map<string, Contributor>();
  const add = (p: Person) => {
    if (!seen.has(p.email)) seen.set(p.email, { name: p.name, email: p.email });
  };
  for (let i = commits.length - 1; i >= 0; i--) {
    const c = commits[i]!;
    add(c.author);
    for (const p of c.coAuthors) add(p);
  }
  return [...seen.values()];
}
