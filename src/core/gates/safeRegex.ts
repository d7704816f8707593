/**
 * Regular expressions from a repository's config run in the editor, so they are held to a subset
 * that rules out the classic catastrophic-backtracking shapes: no backreferences or lookarounds,
 * no repeated groups (only `?` after a group), a bounded number of unbounded quantifiers. The
 * Node adapter also runs them under a hard time limit (GateContext.searchLines); this module's
 * matcher is the pure fallback, with line-length and time limits of its own.
 */
export const MAX_REGEX_LENGTH = 200;
const MAX_UNBOUNDED = 6;
/** Lines longer than this are not searched (version lines are short). */
export const MAX_MATCH_LINE = 400;
/** Time budget of one search (checked between lines). */
const BUDGET_MS = 250;

/** Why the pattern is refused, or null when it is a valid, safe pattern with exactly one capture group. */
export function safeRegexProblem(source: string): string | null {
  if (source.length > MAX_REGEX_LENGTH) return `must be at most ${MAX_REGEX_LENGTH} characters`;
  let groups: number;
  try {
    groups = new RegExp(`${source}|`).exec('')!.length - 1;
  } catch (e) {
    return `is not a valid regular expression (${e instanceof Error ? e.message : String(e)})`;
  }
  if (groups !== 1) return `must have exactly one capture group (the version), found ${groups}; use (?:…) for other groups`;
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(n) || n === 'k')) return 'must not use backreferences';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && source[i + 1] === '?' && /^[=!]|^<[=!]/.test(source.slice(i + 2, i + 4))) return 'must not use lookahead or lookbehind';
    else if (c === ')' && /^[*+{]/.test(source.slice(i + 1))) return 'must not repeat a group with *, + or {…} (only ? is allowed after a group)';
    else if (c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(source.slice(i)))) unbounded++;
  }
  if (unbounded > MAX_UNBOUNDED) return `must have at most ${MAX_UNBOUNDED} unbounded quantifiers (*, +, {n,})`;
  return null;
}

/** The first line that matches (1-based) and its capture; lines over MAX_MATCH_LINE are skipped. Throws past the time budget. */
export function matchFirstLine(source: string, text: string): { value: string; line: number } | null {
  const re = new RegExp(source);
  const started = Date.now();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.length > MAX_MATCH_LINE) continue;
    const m = re.exec(line);
    if (m && m[1] !== undefined) return { value: m[1], line: i + 1 };
    if (Date.now() - started > BUDGET_MS) throw new Error(`the pattern took longer than ${BUDGET_MS} ms to search the file`);
  }
  return null;
}
