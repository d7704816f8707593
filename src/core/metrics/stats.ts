/** Small statistics and calendar helpers of the metrics (pure). */

/** The median (mean of the two middle values for an even count), null for no values. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/** The p-th percentile with linear interpolation between closest ranks, null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** The p-th percentile of values sorted ascending (linear interpolation between closest ranks), null for none. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

/** The ISO week of an instant, as `YYYY-Www` (weeks start on Monday, UTC). */
export function isoWeek(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const firstThursday = Date.UTC(year, 0, 4);
  const fd = (new Date(firstThursday).getUTCDay() + 6) % 7;
  const week1Monday = firstThursday - fd * DAY;
  const week = Math.floor((thursday - 3 * DAY - week1Monday) / WEEK) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday (UTC midnight) of the week of an instant. */
export function weekStart(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
}

/** The ISO weeks touched by [since, until), in order. */
export function weeksOf(since: number, until: number): string[] {
  const out: string[] = [];
  for (let w = weekStart(since); w < until; w += WEEK) out.push(isoWeek(w));
  return out;
}
