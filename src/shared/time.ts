/** How a time is shown to a person (tree, checklist, messages): pure, no 'vscode', usable by the webview too. */

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "14:02" in local time, with the local date ("2026-11-26 14:02") when it is not the day of `now`. */
export function localClock(t: Date, now: Date): string {
  const clock = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  const sameDay = t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  return sameDay ? clock : `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${clock}`;
}

/** "3 min ago (14:02)": relative to `now`, then the local clock time; anything unparsable is returned clipped, as text. */
export function whenText(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso.slice(0, 40);
  const s = Math.round((now.getTime() - t.getTime()) / 1000);
  const a = Math.abs(s);
  const unit = (n: number, one: string): string => `${n} ${one}${n === 1 || one === 'min' ? '' : 's'}`;
  const span = a < 45 ? '' : a < 3600 ? unit(Math.max(1, Math.round(a / 60)), 'min') : a < 86400 ? unit(Math.round(a / 3600), 'hour') : unit(Math.round(a / 86400), 'day');
  const rel = span === '' ? 'just now' : s >= 0 ? `${span} ago` : `in ${span}`;
  return `${rel} (${localClock(t, now)})`;
}
