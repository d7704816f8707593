/**
 * The window of a metrics report: `--since`/`--until` as ISO dates (or date-times) or a span back
 * from now (`30d`, `12w`); default the last 90 days. Dates without a time are UTC midnights; an
 * `until` date includes its whole day. Pure (now is passed in).
 */
import { UsageError } from '../errors';

/** The default window, in days. */
export const DEFAULT_WINDOW_DAYS = 90;

const DAY = 86_400_000;

function parseWhen(text: string, now: Date, option: string, endOfDay: boolean): number {
  const t = text.trim();
  const span = /^(\d{1,4})([dw])$/.exec(t);
  if (span) return now.getTime() - Number(span[1]) * (span[2] === 'w' ? 7 : 1) * DAY;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const at = Date.parse(`${t}T00:00:00Z`);
    if (!Number.isNaN(at) && new Date(at).toISOString().startsWith(t)) return endOfDay ? at + DAY : at;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const at = Date.parse(t);
    if (!Number.isNaN(at)) return at;
  }
  throw new UsageError(`${option} ${JSON.stringify(t.slice(0, 60))} is not a date or a span.`, `Give an ISO date (2026-09-01), a date-time with a zone (2026-09-01T12:00:00Z), or a span back from now such as 30d or 12w.`);
}

/** The window [since, until) as ISO-8601 strings; throws a UsageError naming the option. */
export function metricsWindow(options: { since?: string; until?: string }, now: Date): { since: string; until: string } {
  const until = options.until === undefined ? now.getTime() : parseWhen(options.until, now, '--until', true);
  const since = options.since === undefined ? until - DEFAULT_WINDOW_DAYS * DAY : parseWhen(options.since, now, '--since', false);
  if (since >= until) throw new UsageError(`The window is empty: --since (${new Date(since).toISOString()}) is not before --until (${new Date(until).toISOString()}).`, 'Give a --since earlier than --until.');
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
}
