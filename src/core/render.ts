import type { ReleaseConfig } from './config';
import type { NoteEntry, ReleaseNotes, Section } from './notes';

const MENTION = /(^|[^\w/])(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]+)?)/g;
const DANGEROUS_SCHEME = /\b(javascript|vbscript|data|command|file|vscode|vscode-insiders)(:)/gi;

const CODE_SPAN = /`[^`\n]+`/g;

/**
 * Escapes untrusted text for markdown: no HTML, no links, no emphasis; mentions neutralised unless allowed.
 * Balanced `code spans` are kept: markdown shows their content literally, so they are inert as they are.
 */
export function escapeMarkdown(text: string, mentions: ReleaseConfig['mentions'] = 'neutralize'): string {
  if (!NEEDS_ANY.test(text)) return text; // the common case: one scan, nothing to escape
  if (!text.includes('`')) return escapeText(text, mentions);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    out += escapeText(text.slice(last, m.index), mentions) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeText(text.slice(last), mentions);
}

function escapeText(text: string, mentions: ReleaseConfig['mentions']): string {
  if (mentions === 'allow' || !text.includes('@')) return escapePlain(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    const start = m.index! + m[1]!.length;
    out += escapePlain(text.slice(last, start)) + '`' + m[2]! + '`';
    last = start + m[2]!.length;
  }
  return out + escapePlain(text.slice(last));
}

// Any character escapePlain would change: most subjects have none, and are returned as they are.
const NEEDS_ESCAPE = /[&<>\\`*_{}[\]()#+!|~:]/;
// The same, or an @ (a possible mention): text with none of these is returned as it is.
const NEEDS_ANY = /[&<>\\`*_{}[\]()#+!|~:@]/;

function escapePlain(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(DANGEROUS_SCHEME, '$1&#58;');
}

function entryLine(e: NoteEntry, config: ReleaseConfig, opts: RenderOptions): string {
  const scope = e.scope ? `**${escapeMarkdown(e.scope, config.mentions)}:** ` : '';
  const prLink = e.pr !== null ? opts.prUrl?.(e.pr) : null;
  const pr = e.pr !== null ? ` (${prLink ? `[#${e.pr}](${prLink})` : `#${e.pr}`})` : '';
  const short = e.hash.slice(0, 7);
  const commitLink = opts.commitUrl?.(e.hash);
  const hash = commitLink ? ` ([${short}](${commitLink}))` : ` (${short})`;
  // A pull request's author, as GitHub's own notes credit it (escaped: a mention pings only when config allows).
  const by = e.prTitle !== undefined && e.login !== undefined ? ` by ${escapeMarkdown(`@${e.login}`, config.mentions)}` : '';
  let line = `- ${scope}${escapeMarkdown(e.subject, config.mentions)}${by}${pr}${hash}`;
  for (const note of e.breakingNotes) {
    if (note === e.subject) continue;
    line += '\n' + note.split('\n').map((l) => `  > ${escapeMarkdown(l, config.mentions)}`).join('\n');
  }
  return line;
}

/** Link builders for rendering (e.g. GitHub URLs); absent means plain `#123` and short hashes. */
export interface RenderOptions {
  /** A commit's web address (null: shown as plain text). */
  commitUrl?: (hash: string) => string | null;
  /** A pull request's web address (null: shown as plain text). */
  prUrl?: (pr: number) => string | null;
  /** Heading level of the release title (2 = `##`). */
  level?: number;
  /** The body of the release being published: the title says neither "unreleased" nor a date (GitHub shows the date; the body stays the same on a rerun). */
  forRelease?: boolean;
}

/** A repository's web address on GitHub, as a remote names it (owner and repo already checked by remote.ts). */
export interface WebRepo {
  host: string;
  owner: string;
  repo: string;
}

const FULL_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;

/**
 * Link builders for a GitHub repository: a commit's full hash to `https://<host>/<owner>/<repo>/commit/<sha>`,
 * a pull request number to `…/pull/<n>`. Only parsed values become links: a hash that is not a full
 * hex object id, or a PR number that is not a positive integer, stays plain text.
 */
export function githubLinks(web: WebRepo): RenderOptions {
  const base = `https://${web.host}/${encodeURIComponent(web.owner)}/${encodeURIComponent(web.repo)}`;
  return {
    commitUrl: (hash) => (FULL_SHA.test(hash) ? `${base}/commit/${hash.toLowerCase()}` : null),
    prUrl: (pr) => (Number.isSafeInteger(pr) && pr > 0 ? `${base}/pull/${pr}` : null),
  };
}

/** What the heading and the contributors of a release need: its notes without the sections. */
export type ReleaseFrame = Pick<ReleaseNotes, 'range' | 'date' | 'contributors' | 'firstTimeContributors'> & {
  version: Pick<ReleaseNotes['version'], 'next' | 'firstRelease'>;
};

/** Renders one release's notes as markdown (a heading, the sections, the contributors). */
export function renderMarkdown(notes: ReleaseNotes, config: ReleaseConfig, opts: RenderOptions = {}): string {
  return renderRelease(notes, renderSections(notes.sections, config, opts), config, opts);
}

/** The sections of a release as markdown (or the no-changes line): the middle of renderMarkdown's output. */
export function renderSections(sections: readonly Section[], config: ReleaseConfig, opts: RenderOptions = {}): string {
  const h = '#'.repeat(opts.level ?? 2);
  const lines: string[] = [];
  if (sections.length === 0) lines.push('_No notable changes._', '');
  for (const s of sections) {
    lines.push(`${h}# ${escapeMarkdown(s.title)}`, '');
    for (const e of s.entries) lines.push(entryLine(e, config, opts));
    lines.push('');
  }
  return lines.join('\n');
}

/** A release as markdown from its frame and its sections already rendered (renderSections), as renderMarkdown renders it. */
export function renderRelease(notes: ReleaseFrame, sections: string, config: ReleaseConfig, opts: RenderOptions = {}): string {
  const h = '#'.repeat(opts.level ?? 2);
  const title = notes.version.next ?? (notes.range.to === 'HEAD' ? 'Unreleased' : notes.range.to);
  const suffix = [
    opts.forRelease ? '' : notes.date ? notes.date : notes.version.next ? 'unreleased' : '',
    notes.version.firstRelease ? 'first release' : '',
  ].filter(Boolean);
  const lines = [`${h} ${escapeMarkdown(title)}${suffix.length ? ` (${suffix.join(', ')})` : ''}`, '', sections];
  if (notes.contributors.length > 0) {
    const first = new Set(notes.firstTimeContributors.map((c) => c.email));
    lines.push(`${h}# Contributors`, '');
    for (const c of notes.contributors) {
      const login = c.login !== undefined ? ` (${escapeMarkdown(`@${c.login}`, config.mentions)})` : '';
      lines.push(`- ${escapeMarkdown(c.name, config.mentions)}${login}${first.has(c.email) ? ' (first contribution)' : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
