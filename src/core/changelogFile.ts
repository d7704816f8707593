/**
 * Inserting a drafted release section at the top of a CHANGELOG.md, in the file's own style
 * (release heading level, line endings), refusing a release the file already has. Pure: the
 * caller reads and writes the file.
 */

/** What inserting a section into a changelog came to. */
export type ChangelogInsert =
  | { kind: 'inserted'; text: string; title: string; created: boolean }
  | { kind: 'duplicate'; title: string; line: number }
  | { kind: 'empty' };

const HEADING = /^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const FENCE = /^\s{0,3}(```|~~~)/;
/** A release heading's title: a version (`1.2.0`, `v1.2.0`, `[1.2.0]`) or Unreleased. */
const RELEASE_TITLE = /^\[?(v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?|unreleased)\]?(?=$|[\s(\-–—:])/i;

interface Heading {
  line: number;
  level: number;
  title: string;
}

/** The headings of markdown lines, skipping fenced code blocks. */
function headingsOf(lines: readonly string[]): Heading[] {
  const out: Heading[] = [];
  let fence: string | null = null;
  lines.forEach((l, i) => {
    const f = FENCE.exec(l);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (f[1] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const h = HEADING.exec(l);
    if (h) out.push({ line: i, level: h[1]!.length, title: h[2]! });
  });
  return out;
}

/** The release a heading title names (`1.2.0` for `[v1.2.0] - 2024-01-01`), lower case; null when it names none. */
export function releaseKeyOf(title: string): string | null {
  const m = RELEASE_TITLE.exec(title.replace(/\\/g, '').trim());
  if (!m) return null;
  return m[1]!.toLowerCase().replace(/^v(?=\d)/, '');
}

/** Shifts every heading of a markdown text (outside code fences) by `delta` levels, within 1..6. */
function shiftHeadings(lines: readonly string[], delta: number): string[] {
  if (delta === 0) return [...lines];
  const heads = new Set(headingsOf(lines).map((h) => h.line));
  return lines.map((l, i) => {
    if (!heads.has(i)) return l;
    const hashes = /^#+/.exec(l)![0].length;
    const level = Math.min(6, Math.max(1, hashes + delta));
    return '#'.repeat(level) + l.slice(hashes);
  });
}

/**
 * Inserts `section` (a release's markdown, heading first) into the changelog `existing` (null when
 * the file does not exist): above the newest release, below a leading `# Changelog` heading and its
 * intro; headings shifted to the file's release level; blank lines around it; the file's line
 * endings (and byte-order mark) kept. A release already in the file is refused, not duplicated.
 */
export function insertChangelogSection(existing: string | null, section: string): ChangelogInsert {
  const sectionLines = trimBlank(section.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n'));
  const sectionHeads = headingsOf(sectionLines);
  if (sectionLines.length === 0 || sectionHeads.length === 0) return { kind: 'empty' };
  const top = sectionHeads.reduce((a, b) => (b.level < a.level ? b : a));
  const key = releaseKeyOf(top.title);
  if (existing === null || existing.replace(/^\uFEFF/, '').trim() === '') {
    const body = shiftHeadings(sectionLines, 2 - top.level);
    const bom = existing?.startsWith('\uFEFF') ? '\uFEFF' : '';
    const eol = existing?.includes('\r\n') ? '\r\n' : '\n';
    return { kind: 'inserted', text: bom + ['# Changelog', '', ...body, ''].join(eol), title: top.title, created: existing === null };
  }
  const bom = existing.startsWith('\uFEFF') ? '\uFEFF' : '';
  const crlf = /\r\n/.test(existing) && !/(^|[^\r])\n/.test(existing);
  const eol = crlf ? '\r\n' : '\n';
  const lines = existing.slice(bom.length).split(/\r?\n/);
  const heads = headingsOf(lines);
  const releases = heads.filter((h) => releaseKeyOf(h.title) !== null);
  if (key !== null) {
    const dup = releases.find((h) => releaseKeyOf(h.title) === key);
    if (dup) return { kind: 'duplicate', title: top.title, line: dup.line + 1 };
  }
  // The file's release level: that of its newest release, else one below its title, else 2.
  const first = heads[0];
  const titled = first !== undefined && first.level === 1 && lines.slice(0, first.line).every((l) => l.trim() === '');
  const level = releases[0]?.level ?? (titled ? 2 : (heads[0]?.level ?? 2));
  const body = shiftHeadings(sectionLines, level - top.level);
  // Where: above the newest release; else below the title and its intro (up to the next heading); else at the top.
  let at: number;
  if (releases[0]) at = releases[0].line;
  else if (titled) at = heads[1]?.line ?? lines.length;
  else at = 0;
  const before = trimBlankEnd(lines.slice(0, at));
  const after = trimBlankStart(lines.slice(at));
  const out = [...before, ...(before.length > 0 ? [''] : []), ...body, ...(after.length > 0 ? ['', ...after] : [''])];
  return { kind: 'inserted', text: bom + out.join(eol), title: top.title, created: false };
}

function trimBlankStart(lines: string[]): string[] {
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return lines.slice(i);
}

function trimBlankEnd(lines: string[]): string[] {
  let j = lines.length;
  while (j > 0 && lines[j - 1]!.trim() === '') j--;
  return lines.slice(0, j);
}

function trimBlank(lines: string[]): string[] {
  return trimBlankEnd(trimBlankStart(lines));
}
