/**
 * Pull-request-aware notes: links the git-drafted entries to their GitHub pull requests, merges a
 * pull request's entries into one, and groups them by `.github/release.yml` categories with the
 * commit-type sections as the fallback. Pure: the GitHub data is fetched by src/github/prNotes.ts.
 *
 * Rules (decided):
 * - Merging: every entry whose commit belongs to one pull request becomes one entry: the PR title
 *   is the subject (parsed as a Conventional Commits header when it is one: type, scope and `!`
 *   come from it; otherwise type and scope come from the commits), breaking when the title or any
 *   commit is, breaking notes of all commits kept, `hashes` lists every commit (newest first) and
 *   `hash` is the PR's merge commit when it is one of them (a squash), else the newest commit.
 *   Entries not linked to a pull request (direct commits, or not looked up) stay as they are.
 * - Placement of a pull request's entry, first rule that applies:
 *   1. release.yml `changelog.exclude` (labels, authors) drops it (a warning names dropped breaking ones);
 *   2. breaking goes to the breaking section (always first, as in git-only notes);
 *   3. a labelled PR goes to the first release.yml category with one of its labels (or `*`) whose own
 *      `exclude` does not match; `*` catches labelled PRs only, so unlabelled ones keep their type;
 *   4. otherwise the configured section of the title's type, else the most prominent section its
 *      commits were in (so linking never hides an entry the git-only notes showed).
 * - Sections: breaking, then the release.yml categories in file order, then the commit-type sections
 *   in config order, then Other; sections with the same title (case-insensitive) are one section.
 *   Within a section entries keep their git order, interleaved by date across sources.
 * - Logins: a commit author's login is attached to the contributor of the same name when that name
 *   is unambiguous; logins not shaped like GitHub logins are ignored.
 */
import { parseHeader } from './commits';
import type { ReleaseConfig } from './config';
import type { GhPull } from './githubApi';
import type { Contributor, NoteEntry, ReleaseNotes, Section } from './notes';
import { authorListed, CATCH_ALL, labelListed, type ReleaseYml } from './releaseYml';
import { oneLine } from './sanitize';

/** What GitHub told about the commits of the notes. */
export interface PullData {
  /** The pull request of each looked-up commit, by full hash; null when it has none (a direct commit); absent when not looked up. */
  pulls: ReadonlyMap<string, GhPull | null>;
  /** GitHub login of each commit's author, by full hash. */
  logins: ReadonlyMap<string, string>;
  /** The repository's release.yml, or null when it has none. */
  releaseYml: ReleaseYml | null;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const PR_SUFFIX = /\s*\(#\d{1,9}\)\s*$/;
const MAX_TITLE = 500;
const MAX_LABELS = 100;

/** A login fit to show, or undefined. */
export function safeLogin(login: string | null | undefined): string | undefined {
  return login && LOGIN.test(login) ? login : undefined;
}

interface Item {
  entry: NoteEntry;
  /** Index of the section it was in. */
  source: number;
  /** Position in the original notes (section by section). */
  rank: number;
}

interface Placed {
  entry: NoteEntry;
  source: number;
  rank: number;
  title: string;
}

/** Links the notes' entries to their pull requests, merges them per pull request and regroups them (see the rules above). */
export function linkPullRequests(notes: ReleaseNotes, data: PullData, config: ReleaseConfig): ReleaseNotes {
  const items: Item[] = [];
  notes.sections.forEach((s, source) => s.entries.forEach((entry) => items.push({ entry, source, rank: items.length })));
  const warnings = [...notes.warnings];

  // Group the entries of each pull request, in order of first appearance.
  const groups = new Map<number, { pull: GhPull; items: Item[] }>();
  const placed: Placed[] = [];
  const direct: Item[] = [];
  for (const item of items) {
    const pull = data.pulls.get(item.entry.hash);
    if (!pull) {
      direct.push(item);
      continue;
    }
    const g = groups.get(pull.number);
    if (g) g.items.push(item);
    else groups.set(pull.number, { pull, items: [item] });
  }
  for (const item of direct) {
    const login = safeLogin(data.logins.get(item.entry.hash));
    placed.push({ entry: login ? { ...item.entry, login } : item.entry, source: item.source, rank: item.rank, title: notes.sections[item.source]!.title });
  }
  const yml = data.releaseYml;
  for (const { pull, items: group } of groups.values()) {
    const entry = mergeEntries(pull, group);
    const labels = entry.labels ?? [];
    if (yml && (labelListed(labels, yml.exclude.labels) || authorListed(entry.login, yml.exclude.authors))) {
      if (entry.breaking) warnings.push(`Breaking pull request #${pull.number} is left out of the notes by ${yml.file} (changelog.exclude); the version still counts it.`);
      continue;
    }
    const lead = group[0]!;
    placed.push({ entry, source: lead.source, rank: lead.rank, title: sectionOf(entry, group, notes.sections, yml, config) });
  }

  return {
    ...notes,
    sections: assemble(placed, notes.sections, yml, config),
    ...withLogins(notes, items, data.logins),
    warnings,
  };
}

/** One entry for a pull request and the entries of its commits (the group in notes order: most prominent section first). */
function mergeEntries(pull: GhPull, group: readonly Item[]): NoteEntry {
  const entries = group.map((i) => i.entry);
  const newestFirst = [...entries].sort((a, b) => time(b.date) - time(a.date));
  const title = oneLine(pull.title).slice(0, MAX_TITLE);
  const header = parseHeader(title);
  const first = entries[0]!;
  const newest = newestFirst[0]!;
  const subject = (header ? header.subject : title).replace(PR_SUFFIX, '') || first.subject;
  const hashes = unique(newestFirst.map((e) => e.hash));
  const breakingNotes = unique(entries.flatMap((e) => e.breakingNotes));
  const breaking = (header?.bang ?? false) || entries.some((e) => e.breaking);
  if (breaking && breakingNotes.length === 0) breakingNotes.push(subject);
  const scopes = unique(entries.map((e) => e.scope));
  const login = safeLogin(pull.author);
  return {
    hash: pull.mergeCommitSha && hashes.includes(pull.mergeCommitSha) ? pull.mergeCommitSha : newest.hash,
    type: header ? header.type : (entries.find((e) => e.type !== null)?.type ?? null),
    scope: header ? header.scope : scopes.length === 1 ? scopes[0]! : null,
    subject,
    breaking,
    breakingNotes,
    pr: pull.number,
    authors: unique(entries.flatMap((e) => e.authors)),
    date: newest.date,
    prTitle: title,
    labels: unique(pull.labels.map((l) => oneLine(l)).filter((l) => l !== '')).slice(0, MAX_LABELS),
    ...(login ? { login } : {}),
    hashes,
  };
}

/** The section title a pull request's entry goes to (rules 2–4). */
function sectionOf(entry: NoteEntry, group: readonly Item[], sections: readonly Section[], yml: ReleaseYml | null, config: ReleaseConfig): string {
  if (entry.breaking) return config.breakingTitle;
  const labels = entry.labels ?? [];
  if (yml && labels.length > 0) {
    for (const c of yml.categories) {
      if (!c.labels.includes(CATCH_ALL) && !labelListed(labels, c.labels)) continue;
      if (labelListed(labels, c.exclude.labels) || authorListed(entry.login, c.exclude.authors)) continue;
      return c.title;
    }
  }
  const type = entry.type?.toLowerCase();
  const byType = type === undefined ? undefined : config.sections.find((s) => s.types.some((t) => t.toLowerCase() === type));
  if (byType) return byType.title;
  return sections[Math.min(...group.map((i) => i.source))]!.title;
}

function key(title: string): string {
  return title.trim().toLowerCase();
}

/** Sections in their order (breaking, release.yml categories, type sections, Other, any other original), empty ones left out. */
function assemble(placed: readonly Placed[], original: readonly Section[], yml: ReleaseYml | null, config: ReleaseConfig): Section[] {
  const order = new Map<string, string>();
  const add = (title: string) => {
    if (!order.has(key(title))) order.set(key(title), title);
  };
  add(config.breakingTitle);
  for (const c of yml?.categories ?? []) add(c.title);
  for (const s of config.sections) add(s.title);
  add(config.other.title);
  for (const s of original) add(s.title);
  for (const p of placed) add(p.title);
  const bySection = new Map<string, Placed[]>();
  for (const p of placed) {
    const k = key(p.title);
    bySection.set(k, [...(bySection.get(k) ?? []), p]);
  }
  const out: Section[] = [];
  for (const [k, title] of order) {
    const entries = bySection.get(k);
    if (entries && entries.length > 0) out.push({ title, entries: interleave(entries) });
  }
  return out;
}

/** Keeps each source section's order and interleaves the sources newest first (a stable k-way merge). */
function interleave(placed: readonly Placed[]): NoteEntry[] {
  const lanes = new Map<number, Placed[]>();
  for (const p of [...placed].sort((a, b) => a.rank - b.rank)) lanes.set(p.source, [...(lanes.get(p.source) ?? []), p]);
  if (lanes.size === 1) return [...lanes.values()][0]!.map((p) => p.entry);
  const queues = [...lanes.entries()].sort((a, b) => a[0] - b[0]).map(([, q]) => q);
  const out: NoteEntry[] = [];
  const heads = queues.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < queues.length; i++) {
      const head = queues[i]![heads[i]!];
      if (!head) continue;
      if (best === -1 || time(head.entry.date) > time(queues[best]![heads[best]!]!.entry.date)) best = i;
    }
    if (best === -1) return out;
    out.push(queues[best]![heads[best]!]!.entry);
    heads[best]!++;
  }
}

/** Contributors with their GitHub logins where the commit author's name identifies them. */
function withLogins(notes: ReleaseNotes, items: readonly Item[], logins: ReadonlyMap<string, string>): Pick<ReleaseNotes, 'contributors' | 'firstTimeContributors'> {
  const byName = new Map<string, Set<string>>();
  for (const { entry } of items) {
    const login = safeLogin(logins.get(entry.hash));
    const author = entry.authors[0];
    if (!login || author === undefined) continue;
    byName.set(author, (byName.get(author) ?? new Set()).add(login));
  }
  const nameCount = new Map<string, number>();
  for (const c of notes.contributors) nameCount.set(c.name, (nameCount.get(c.name) ?? 0) + 1);
  const loginOf = new Map<string, string>();
  for (const c of notes.contributors) {
    const found = byName.get(c.name);
    if (found && found.size === 1 && nameCount.get(c.name) === 1) loginOf.set(c.email, [...found][0]!);
  }
  const attach = (c: Contributor): Contributor => {
    const login = loginOf.get(c.email) ?? safeLogin(c.login);
    return login ? { ...c, login } : c;
  };
  return { contributors: notes.contributors.map(attach), firstTimeContributors: notes.firstTimeContributors.map(attach) };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function time(date: string): number {
  const t = Date.parse(date);
  return Number.isNaN(t) ? -Infinity : t;
}
