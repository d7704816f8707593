/**
 * The planned deploy time typed into Release: Announce… (notice stage): an ISO date-time with a zone
 * (`2026-12-08T14:00Z`, `…+01:00`) or a local `YYYY-MM-DD HH:MM` (the editor's time zone), read to an
 * exact instant and shown back in UTC and in local time so nobody announces the wrong hour.
 */

/** A planned time read from text: the instant (ISO, UTC) and how it reads in UTC and locally. */
export interface PlannedTime {
  iso: string;
  utc: string;
  local: string;
}

const ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The instant of `text`, or why it is not one (a message that never repeats more than the first 40 characters). */
export function readPlannedTime(text: string, now: Date, timeZone?: string): { ok: true; time: PlannedTime } | { ok: false; problem: string } {
  const t = text.trim();
  let ms = NaN;
  const zoned = ZONED.exec(t);
  if (zoned) ms = Date.parse(t.replace(' ', 'T').replace(/z$/, 'Z'));
  else {
    const local = LOCAL.exec(t);
    if (local) {
      const [, y, mo, d, h, mi, s] = local;
      const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
      // Reject rolled-over dates (2026-02-31 → March).
      if (date.getFullYear() === Number(y) && date.getMonth() === Number(mo) - 1 && date.getDate() === Number(d) && date.getHours() === Number(h)) ms = date.getTime();
    }
  }
  if (Number.isNaN(ms)) return { ok: false, problem: 'Write the deploy time as 2026-12-08 14:00 (local), or 2026-12-08T14:00Z / 2026-12-08T15:00+01:00.' };
  if (ms <= now.getTime()) return { ok: false, problem: 'The planned deploy time is in the past: a notice announces a future deploy.' };
  if (ms - now.getTime() > 366 * 24 * 3_600_000) return { ok: false, problem: 'The planned deploy time is more than a year ahead.' };
  const instant = new Date(ms);
  return { ok: true, time: { iso: instant.toISOString(), utc: formatIn(instant, 'UTC'), local: formatIn(instant, timeZone) } };
}

/** `YYYY-MM-DD HH:MM <zone>` of an instant in a time zone (the runtime's own when none is given). */
export function formatIn(instant: Date, timeZone?: string): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local';
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${zone}`;
}

/** A default planned time: the next full hour at least `leadHours` ahead (what a notice should give). */
export function suggestedPlannedTime(now: Date, leadHours: number): Date {
  const t = new Date(now.getTime() + leadHours * 3_600_000);
  t.setUTCMinutes(0, 0, 0);
  return new Date(t.getTime() + 3_600_000);
}

/** The local `YYYY-MM-DD HH:MM` of an instant (the value an input box offers). */
export function localInputValue(instant: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${instant.getFullYear()}-${p(instant.getMonth() + 1)}-${p(instant.getDate())} ${p(instant.getHours())}:${p(instant.getMinutes())}`;
}
