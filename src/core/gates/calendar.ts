import { once } from '../lazy';
import * as z from 'zod';
import { clip, gateBase, plural, type GateKind } from './kind';
import type { GateOutcome, GateStatus } from './types';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an ISO date or date-time. A date alone is a whole UTC day (so the editor and CI
 * agree whatever their time zones): its start, or with `end` the start of the next day (an
 * inclusive last day). A date-time must carry `Z` or an offset. Null when invalid.
 */
export function parseInstant(text: string, end = false): number | null {
  const d = DATE.exec(text);
  if (d) {
    const t = validDay(Number(d[1]), Number(d[2]), Number(d[3]));
    return t === null ? null : t + (end ? DAY : 0);
  }
  const dt = DATE_TIME.exec(text);
  if (!dt || validDay(Number(dt[1]), Number(dt[2]), Number(dt[3])) === null) return null;
  if (Number(dt[4]) > 23 || Number(dt[5]) > 59 || Number(dt[6] ?? 0) > 59) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

function validDay(y: number, m: number, d: number): number | null {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? t : null;
}

const instant = once(() => z.string().max(40).refine((s) => parseInstant(s) !== null, 'must be an ISO date (2026-12-20, a whole UTC day) or date-time with Z or an offset (2026-12-20T18:00:00+01:00)'));
const isoDate = once(() => z.string().refine((s) => DATE.test(s) && parseInstant(s) !== null, 'must be an ISO date such as 2026-01-06'));

/** A code-freeze window: no releases from `from` until `to` (a date alone: through the end of that UTC day). */
export const freezeSchema = once(() => z
  .strictObject({
    from: instant().describe('Start of the freeze (ISO date or date-time).'),
    to: instant().describe('End of the freeze; a date alone includes that whole day (UTC).'),
    reason: z.string().min(1).max(200).describe('Why, shown in the checklist (e.g. "Holiday freeze").'),
  })
  .superRefine((f, ctx) => {
    const from = parseInstant(f.from);
    const to = parseInstant(f.to, true);
    if (from !== null && to !== null && to <= from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  }));

/** Config of a release-calendar gate. */
export const calendarGateSchema = once(() => z.strictObject({
  kind: z.literal('calendar'),
  ...gateBase('Release calendar', 30_000),
  freezes: z.array(freezeSchema()).max(500).default(() => []).describe('Code-freeze windows: inside one only hotfixes may be released.'),
  cadence: z
    .strictObject({
      anchor: isoDate().describe('A release day (UTC date); release days repeat from it.'),
      everyWeeks: z.number().int().min(1).max(52).describe('Weeks between release days (2 = every second week, on the anchor\'s weekday).'),
      offCadence: z.enum(['warn', 'fail']).default('warn').describe('Result on a day that is not a release day (hotfixes always pass).'),
    })
    .optional()
    .describe('Release days, e.g. every second Tuesday from an anchor date.'),
  warnDays: z.number().int().min(0).max(90).default(3).describe('Warn this many days before a freeze starts.'),
}));
/** A parsed release-calendar gate. */
export type CalendarGate = z.infer<ReturnType<typeof calendarGateSchema>>;
/** A release cadence as configured (an anchor day, repeated every N weeks). */
export type Cadence = Pick<NonNullable<CalendarGate['cadence']>, 'anchor' | 'everyWeeks'>;
/** A configured code freeze with its bounds in milliseconds (`end` exclusive). */
export type FreezeWindow = z.infer<ReturnType<typeof freezeSchema>> & { start: number; end: number };

/** The freezes of a gate with their bounds (the gate's own reading: a date alone is a whole UTC day). */
export function freezeWindows(freezes: readonly z.infer<ReturnType<typeof freezeSchema>>[]): FreezeWindow[] {
  return freezes.map((f) => ({ ...f, start: parseInstant(f.from)!, end: parseInstant(f.to, true)! }));
}

/** The first release day (start of its UTC day, ms) at or after the UTC day of `at`. */
export function nextReleaseDay(cadence: Cadence, at: number): number {
  const period = cadence.everyWeeks * 7;
  const anchorDay = Math.floor(parseInstant(cadence.anchor)! / DAY);
  const day = Math.floor(at / DAY);
  const offset = (((day - anchorDay) % period) + period) % period;
  return (offset === 0 ? day : day + period - offset) * DAY;
}

/** Every release day (start of its UTC day, ms) from the UTC day of `from` up to `to` (exclusive), at most `max`. */
export function releaseDays(cadence: Cadence, from: number, to: number, max = 1000): number[] {
  const days: number[] = [];
  for (let d = nextReleaseDay(cadence, from); d < to && days.length < max; d += cadence.everyWeeks * 7 * DAY) days.push(d);
  return days;
}

/** "every Tuesday", "every 2 weeks on Tuesday". */
export function cadenceText(cadence: Cadence): string {
  const weekday = WEEKDAYS[new Date(parseInstant(cadence.anchor)!).getUTCDay()];
  return cadence.everyWeeks === 1 ? `every ${weekday}` : `every ${cadence.everyWeeks} weeks on ${weekday}`;
}

const RANK: Record<GateStatus, number> = { pass: 0, skipped: 0, warn: 1, pending: 2, unknown: 3, fail: 4 };

/** Code-freeze windows and release cadence: inside a freeze fails unless the release is a hotfix; a coming freeze warns. */
export const calendarKind: GateKind<CalendarGate> = {
  kind: 'calendar',
  async check(gate, ctx): Promise<GateOutcome> {
    const now = ctx.now().getTime();
    const parts: { status: GateStatus; text: string }[] = [];
    let hotfix: boolean | undefined;
    const isHotfix = async () => (hotfix ??= (await ctx.release()).version.hotfix);
    const freezes = freezeWindows(gate.freezes);
    const active = freezes.filter((f) => f.start <= now && now < f.end).sort((a, b) => b.end - a.end)[0];
    if (active) {
      const what = `inside the code freeze "${clip(active.reason)}" until ${untilText(active.to)}`;
      if (await isHotfix()) parts.push({ status: 'warn', text: `${what}; allowed because this release is a hotfix` });
      else parts.push({ status: 'fail', text: `${what}: only hotfixes may be released` });
    }
    const coming = freezes.filter((f) => f.start > now && f.start - now <= gate.warnDays * DAY && f !== active).sort((a, b) => a.start - b.start)[0];
    if (coming) parts.push({ status: 'warn', text: `code freeze "${clip(coming.reason)}" starts ${inText(now, coming.start)} (${coming.from})` });
    if (gate.cadence) {
      const every = cadenceText(gate.cadence);
      const nextDay = nextReleaseDay(gate.cadence, now);
      if (nextDay === Math.floor(now / DAY) * DAY) parts.push({ status: 'pass', text: `today is a release day (${every})` });
      else {
        const when = `${WEEKDAYS[new Date(nextDay).getUTCDay()]!.slice(0, 3)} ${new Date(nextDay).toISOString().slice(0, 10)}, ${inText(now, nextDay)}`;
        if (await isHotfix()) parts.push({ status: 'pass', text: `not a release day (next: ${when}), allowed for a hotfix` });
        else parts.push({ status: gate.cadence.offCadence, text: `not a release day (${every}); the next one is ${when}` });
      }
    }
    if (parts.length === 0) {
      return { status: 'pass', reason: gate.freezes.length === 0 ? 'no code freeze configured' : `no code freeze now or in the next ${plural(gate.warnDays, 'day')}` };
    }
    const status = parts.reduce<GateStatus>((s, p) => (RANK[p.status] > RANK[s] ? p.status : s), 'pass');
    const fix = status === 'fail' ? { label: 'Release after the freeze, or cut a hotfix from a maintenance branch' } : undefined;
    return { status, reason: parts.map((p) => p.text).join('; '), ...(fix ? { fix } : {}) };
  },
};

/** "2026-01-03" for a date (the end of that day), the text itself for a date-time. */
function untilText(to: string): string {
  return DATE.test(to) ? `the end of ${to} (UTC)` : to;
}

/** "in 2 days" (calendar days, UTC), "in 5 hours", "in 10 minutes". */
export function inText(now: number, at: number): string {
  const days = Math.floor(at / DAY) - Math.floor(now / DAY);
  if (days >= 1 && at - now >= 12 * HOUR) return `in ${plural(days, 'day')}`;
  if (at - now >= HOUR) return `in ${plural(Math.floor((at - now) / HOUR), 'hour')}`;
  return `in ${plural(Math.max(1, Math.ceil((at - now) / 60_000)), 'minute')}`;
}
