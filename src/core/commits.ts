import { oneLine, stripUnsafe } from './sanitize';

/** A commit as read from git, before interpretation. Text fields are untrusted. */
export interface RawCommit {
  hash: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** ISO-8601 author date. */
  date: string;
  /** The full message: subject, blank line, body. */
  message: string;
  /** Tag names pointing at this commit (only when the reader asked for decorations). */
  tags?: string[];
  /** What was odd about its text and what was done about it (a NUL byte, bytes that are not UTF-8), for the notes' warnings. */
  textWarnings?: string[];
}

/** A person credited for a change. */
export interface Person {
  name: string;
  email: string;
}

/** A `key: value` or `key #value` footer (git trailer). */
export interface Footer {
  key: string;
  value: string;
}

/** The parsed header of a Conventional Commit. */
export interface ConventionalHeader {
  type: string;
  scope: string | null;
  bang: boolean;
  subject: string;
}

/** A commit message split into its Conventional Commits parts. */
export interface ParsedMessage {
  header: ConventionalHeader | null;
  /** First line, safe for display. */
  subject: string;
  body: string;
  footers: Footer[];
  /** Texts of `BREAKING CHANGE:` / `BREAKING-CHANGE:` footers (a `!` header alone adds none here). */
  breakingNotes: string[];
  /** The whole message, sanitized (control, ANSI and bidi characters removed; CRLF folded). */
  text: string;
}

/** One change in the notes: a commit, or one entry of a squash merge's body. */
export interface Change {
  hash: string;
  /** Conventional type, lowercased; `revert` for a git-style revert; null when the commit does not follow the convention. */
  type: string | null;
  scope: string | null;
  subject: string;
  breaking: boolean;
  breakingNotes: string[];
  pr: number | null;
  author: Person;
  coAuthors: Person[];
  date: string;
  /** Hashes (possibly abbreviated) this change reverts. */
  reverts: string[];
  /** True for a revert commit (by header or by body). */
  isRevert: boolean;
  /** The full, sanitized message (for skip markers and display). */
  message: string;
  /** True when the entry came from splitting a squash merge's body. */
  fromSquash: boolean;
}

/** Shared, frozen empty lists: most commits have no footer, co-author, breaking note or revert target. */
const NONE: never[] = Object.freeze([]) as unknown as never[];

const HEADER = /^([A-Za-z][A-Za-z0-9_-]*)(?:\(([^()\n]*)\))?(!)?: (\S.*)$/;
const FOOTER = /^(BREAKING CHANGE|BREAKING-CHANGE|[A-Za-z][A-Za-z0-9-]*)(: | #)(.*)$/;
const BREAKING_KEY = /^BREAKING[ -]CHANGE$/;
const PR_SUFFIX = /\s*\(#(\d{1,9})\)\s*$/;
const MERGE_PR = /^Merge pull request #(\d{1,9}) from \S+/;
const REVERT_BODY = /This reverts commit ([0-9a-f]{7,40})/gi;
const SQUASH_ITEM = /^[*-] +(.+)$/;
const SQUASH_HINT = /^[*-] +\S/m;
const REVERT_HINT = /reverts commit/i;
const PERSON = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/;

/** Parses a Conventional Commits header line; null when the line does not follow the convention. */
export function parseHeader(line: string): ConventionalHeader | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  const scope = m[2]?.trim();
  return { type: m[1]!.toLowerCase(), scope: scope ? scope : null, bang: m[3] === '!', subject: m[4]!.trim() };
}

/** Splits a full commit message into header, body, footers and breaking notes (Conventional Commits 1.0.0). */
export function parseMessage(message: string): ParsedMessage {
  const text = stripUnsafe(message).trimEnd();
  if (!text.includes('\n')) {
    // A subject alone (most commits): no body, no footers, nothing to split.
    return { header: parseHeader(text.trim()), subject: oneLine(text), body: '', footers: NONE, breakingNotes: NONE, text };
  }
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  const header = parseHeader(first.trim());
  const rest = lines.slice(1);
  while (rest.length > 0 && rest[0]!.trim() === '') rest.shift();

  const paragraphs = splitParagraphs(rest);
  // The footer section is the trailing run of paragraphs that each start with a footer token.
  let footerStart = paragraphs.length;
  while (footerStart > 0 && FOOTER.test(paragraphs[footerStart - 1]![0]!)) footerStart--;
  const footers: Footer[] = [];
  for (const para of paragraphs.slice(footerStart)) {
    for (const line of para) {
      const m = FOOTER.exec(line);
      if (m) footers.push({ key: m[1]!, value: m[2] === ' #' ? `#${m[3]!}` : m[3]! });
      else if (footers.length > 0) footers[footers.length - 1]!.value += `\n${line}`;
    }
    if (footers.length > 0 && para !== paragraphs[paragraphs.length - 1]) footers[footers.length - 1]!.value += '\n';
  }
  for (const f of footers) f.value = f.value.trim();
  const bodyParas = paragraphs.slice(0, footerStart);
  const breakingNotes = footers.filter((f) => BREAKING_KEY.test(f.key)).map((f) => f.value);
  // Tolerate a BREAKING CHANGE paragraph inside the body too: it is unambiguous.
  for (const para of bodyParas) {
    const m = /^BREAKING[ -]CHANGE: (.*)$/.exec(para[0]!);
    if (m) breakingNotes.push([m[1]!, ...para.slice(1)].join('\n').trim());
  }
  return {
    header,
    subject: oneLine(first),
    body: bodyParas.map((p) => p.join('\n')).join('\n\n'),
    footers,
    breakingNotes,
    text,
  };
}

function splitParagraphs(lines: string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(line);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Parses `Name <email>`; null when it is not a person. */
export function parsePerson(value: string): Person | null {
  const m = PERSON.exec(oneLine(value));
  if (!m) return null;
  return { name: m[1]!.trim() || m[2]!, email: m[2]!.toLowerCase() };
}

/** The PR number of a merge commit (`Merge pull request #123 from …`), or null. */
export function mergePrNumber(subject: string): number | null {
  const m = MERGE_PR.exec(subject);
  return m ? Number(m[1]) : null;
}

/** Strings that repeat across a history (types, scopes, names, emails), kept once. */
const INTERNED = new Map<string, string>();
function intern(s: string): string {
  if (s.length > 100) return s;
  const known = INTERNED.get(s);
  if (known !== undefined) return known;
  if (INTERNED.size > 50_000) INTERNED.clear();
  INTERNED.set(s, s);
  return s;
}
const PEOPLE = new Map<string, Map<string, Person>>();
/** One Person object per (name, email) across a run: 100k commits by ten people keep ten objects. */
function person(name: string, email: string): Person {
  let byName = PEOPLE.get(email);
  if (!byName) {
    if (PEOPLE.size > 50_000) PEOPLE.clear();
    byName = new Map();
    PEOPLE.set(email, byName);
  }
  let p = byName.get(name);
  if (!p) {
    p = { name, email };
    byName.set(name, p);
  }
  return p;
}

/** Raw author fields (as git printed them) -> the person, so a repeated author is cleaned up and looked up once. */
const AUTHORS = new Map<string, Map<string, Person>>();
function authorOf(rawName: string, rawEmail: string): Person {
  let byName = AUTHORS.get(rawEmail);
  if (!byName) {
    if (AUTHORS.size > 50_000) AUTHORS.clear();
    byName = new Map();
    AUTHORS.set(rawEmail, byName);
  }
  let p = byName.get(rawName);
  if (!p) {
    p = person(oneLine(rawName) || rawEmail, rawEmail.toLowerCase());
    byName.set(rawName, p);
  }
  return p;
}

/** Turns one raw commit into its changes: one, or one per conventional entry of a squash merge body. */
export function toChanges(raw: RawCommit): Change[] {
  const parsed = parseMessage(raw.message);
  const header = parsed.header;
  const author = authorOf(raw.authorName, raw.authorEmail);
  let coAuthors: Person[] = NONE;
  for (const f of parsed.footers) {
    if (f.key.toLowerCase() !== 'co-authored-by') continue;
    const p = parsePerson(f.value);
    if (!p || p.email === author.email || coAuthors.some((c) => c.email === p.email)) continue;
    if (coAuthors === NONE) coAuthors = [];
    coAuthors.push(person(p.name, p.email));
  }
  const message = parsed.text;
  const prMatch = PR_SUFFIX.exec(parsed.subject);
  const pr = prMatch ? Number(prMatch[1]) : mergePrNumber(parsed.subject);
  const reverts = revertTargets(message, header?.type === 'revert' ? parsed.footers : NONE);

  const squashed = parsed.body !== '' && SQUASH_HINT.test(parsed.body) ? squashEntries(parsed.body) : NONE;
  if (squashed.length >= 2) {
    // A breaking outer header (`feat!:`) or a trailing BREAKING CHANGE footer belongs to the PR as a whole:
    // it stays with the entries (on the first one) so the release is still breaking.
    const loose = parsed.breakingNotes.filter((n) => !squashed.some((e) => e.breakingNotes.includes(n)));
    if (header?.bang && loose.length === 0 && !squashed.some((e) => e.header.bang || e.breakingNotes.length > 0)) loose.push(stripPr(header.subject));
    if (loose.length > 0) squashed[0]!.breakingNotes.push(...loose);
    return squashed.map((e) => ({
      hash: raw.hash,
      type: e.header.type,
      scope: e.header.scope,
      subject: stripPr(e.header.subject),
      breaking: e.header.bang || e.breakingNotes.length > 0,
      breakingNotes: e.breakingNotes.length > 0 ? e.breakingNotes : e.header.bang ? [stripPr(e.header.subject)] : [],
      pr,
      author,
      coAuthors,
      date: raw.date,
      reverts: e.header.type === 'revert' ? reverts : [],
      isRevert: e.header.type === 'revert',
      message,
      fromSquash: true,
    }));
  }
  // No PR suffix on the whole subject line means none on the header's subject (its end) either.
  const subject = prMatch ? stripPr(header ? header.subject : parsed.subject) : header ? header.subject : parsed.subject;
  const breakingNotes = parsed.breakingNotes.length > 0 ? parsed.breakingNotes : header?.bang ? [subject] : NONE;
  const isRevert = header?.type === 'revert' || /^Revert "/.test(parsed.subject) || reverts.length > 0;
  return [
    {
      hash: raw.hash,
      // A git-style revert (`Revert "…"`) has no conventional header but is a revert: typed so, for tools filtering by type.
      type: header ? intern(header.type) : isRevert ? 'revert' : null,
      scope: header?.scope ? intern(header.scope) : null,
      subject,
      breaking: header !== null && (header.bang || parsed.breakingNotes.length > 0),
      breakingNotes: header !== null ? breakingNotes : NONE,
      pr,
      author,
      coAuthors,
      date: raw.date,
      reverts: reverts.length > 0 ? reverts : NONE,
      isRevert,
      message,
      fromSquash: false,
    },
  ];
}

function stripPr(subject: string): string {
  return subject.replace(PR_SUFFIX, '');
}

function revertTargets(message: string, footers: readonly Footer[]): string[] {
  if (footers.length === 0 && !REVERT_HINT.test(message)) return NONE;
  const out = new Set<string>();
  if (REVERT_HINT.test(message)) for (const m of message.matchAll(REVERT_BODY)) out.add(m[1]!.toLowerCase());
  for (const f of footers) {
    if (!/^(refs|reverts)$/i.test(f.key)) continue;
    for (const h of f.value.split(/[\s,]+/)) if (/^[0-9a-f]{7,40}$/i.test(h)) out.add(h.toLowerCase());
  }
  return [...out];
}

// A version as release tools write it in a subject: 1.2.3, v1.2.3, 1.2.3-rc.1, 1.2.3+build.5.
const VERSION_TEXT = String.raw`v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`;
// `release 1.2.3`, `version v1.2.3`, `bump version to 1.2.3`, or the version alone.
const RELEASE_SUBJECT = new RegExp(String.raw`^(?:(?:release[ds]?|version|bump(?:ed)? version(?: to)?)\s+)?${VERSION_TEXT}\.?$`, 'i');

/**
 * True for a commit that cuts a release rather than changes the code: `chore(release): …`, `release: …`,
 * `chore: release 1.2.3`, or a subject that is only the version (`1.2.3`, `v1.2.3`, `Release 1.2.3`).
 */
export function isReleaseCommit(change: Pick<Change, 'type' | 'scope' | 'subject'>): boolean {
  if (change.type === 'release') return true;
  if (change.type === 'chore' && change.scope?.toLowerCase() === 'release') return true;
  // `chore(deps): release 4.17.21` names another project's release: only an unscoped chore or a plain subject counts.
  if (change.type !== null && (change.type !== 'chore' || change.scope !== null)) return false;
  return RELEASE_SUBJECT.test(change.subject.trim());
}

interface SquashEntry {
  header: ConventionalHeader;
  breakingNotes: string[];
}

/** Conventional entries listed as bullets in a squash merge's body (`* feat: …`). */
export function squashEntries(body: string): SquashEntry[] {
  const out: SquashEntry[] = [];
  for (const line of body.split('\n')) {
    const item = SQUASH_ITEM.exec(line);
    const header = item ? parseHeader(item[1]!.trim()) : null;
    if (header) {
      out.push({ header, breakingNotes: [] });
      continue;
    }
    const br = /^\s*BREAKING[ -]CHANGE: (.*)$/.exec(line);
    const last = out[out.length - 1];
    if (br && last) last.breakingNotes.push(br[1]!.trim());
  }
  return out;
}
