/**
 * A small, safe reading of the markdown and Slack mrkdwn the host renders, for the announce preview:
 * blocks and inline spans of plain text. The webview draws them with textContent only, so nothing in
 * an announcement (hostile commit text included) is ever parsed as HTML; links are shown, not followed.
 */

/** An inline piece of text. */
export type Span = { kind: 'text' | 'strong' | 'em' | 'code'; text: string } | { kind: 'link'; text: string; href: string };

/** A block of the preview. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; spans: Span[] }
  | { kind: 'paragraph'; spans: Span[] }
  | { kind: 'list'; items: Span[][] }
  | { kind: 'quote'; spans: Span[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

const MARKDOWN_INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]*)\]\(([^)\s]*)\)|(?<![\w*])\*([^*\s][^*]*)\*(?!\w)|(?<!\w)_([^_\s][^_]*)_(?!\w)/g;

/** Inline markdown: **strong**, *em* / _em_, `code`, [text](href); backslash escapes are undone. */
export function markdownSpans(line: string): Span[] {
  const out: Span[] = [];
  let last = 0;
  for (const m of line.matchAll(MARKDOWN_INLINE)) {
    if (m.index > last) out.push({ kind: 'text', text: unescape(line.slice(last, m.index)) });
    if (m[1] !== undefined) out.push({ kind: 'strong', text: unescape(m[1]) });
    else if (m[2] !== undefined) out.push({ kind: 'code', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'link', text: unescape(m[3]), href: m[4] ?? '' });
    else out.push({ kind: 'em', text: unescape(m[5] ?? m[6] ?? '') });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ kind: 'text', text: unescape(line.slice(last)) });
  return out;
}

function unescape(s: string): string {
  return decodeEntities(s.replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1'));
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML character references as the characters a markdown renderer shows (drawn as text, so nothing is parsed). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/** Markdown as blocks: ATX headings, bullet and numbered lists, quotes, fenced code, rules, paragraphs. */
export function markdownBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let para: string[] = [];
  let list: Span[][] | null = null;
  const flush = () => {
    if (para.length > 0) out.push({ kind: 'paragraph', spans: markdownSpans(para.join(' ')) });
    para = [];
    if (list) out.push({ kind: 'list', items: list });
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i]!)) body.push(lines[i]!);
      out.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      out.push({ kind: 'heading', level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, spans: markdownSpans(heading[2]!) });
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push({ kind: 'rule' });
      continue;
    }
    const item = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
    if (item) {
      if (para.length > 0) {
        out.push({ kind: 'paragraph', spans: markdownSpans(para.join(' ')) });
        para = [];
      }
      (list ??= []).push(markdownSpans(item[1]!));
      continue;
    }
    const quote = /^\s*>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      out.push({ kind: 'quote', spans: markdownSpans(quote[1]!) });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // a continuation of the last item
      const items: Span[][] = list;
      items[items.length - 1]!.push({ kind: 'text', text: ' ' }, ...markdownSpans(line.trim()));
      continue;
    }
    if (list) flush();
    para.push(line.trim());
  }
  flush();
  return out;
}

const SLACK_INLINE = /<([^<>|]+)\|([^<>]*)>|<([^<>|]+)>|\*([^*\n]+)\*|_([^_\n]+)_|`([^`\n]+)`/g;

/** Slack's entities (&amp; &lt; &gt;) as the characters Slack shows. */
export function slackText(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Inline Slack mrkdwn: *strong*, _em_, `code`, <url|text> and <url> links (shown as text, never followed). */
export function slackSpans(line: string): Span[] {
  const out: Span[] = [];
  let last = 0;
  for (const m of line.matchAll(SLACK_INLINE)) {
    if (m.index > last) out.push({ kind: 'text', text: slackText(line.slice(last, m.index)) });
    if (m[1] !== undefined) out.push({ kind: 'link', text: slackText(m[2] ?? ''), href: slackText(m[1]) });
    else if (m[3] !== undefined) out.push({ kind: 'link', text: slackText(m[3]), href: slackText(m[3]) });
    else if (m[4] !== undefined) out.push({ kind: 'strong', text: slackText(m[4]) });
    else if (m[5] !== undefined) out.push({ kind: 'em', text: slackText(m[5]) });
    else out.push({ kind: 'code', text: slackText(m[6] ?? '') });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ kind: 'text', text: slackText(line.slice(last)) });
  return out;
}
