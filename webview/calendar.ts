// The Release Calendar webview. The host reads the calendar; this script shows one month at a time (a grid
// of days, Monday first, in UTC as the CLI's file) and an agenda of that month, coloured by kind with a
// legend, and reports what the user picks (reveal an event, export, refresh). Keyboard: PageUp/PageDown
// or Alt+Left/Right change the month, T goes to today's, the arrow keys move between days in the grid.
// Every text is set with textContent (never as HTML).
import './zodJitless';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { KIND_LABELS, toCalendarWebview, type CalendarViewEvent, type CalendarViewState, type FromCalendarWebview } from '../src/shared/calendarProtocol';

interface VsCodeApi {
  postMessage(message: FromCalendarWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const DAY = 86_400_000;
const KINDS = Object.keys(KIND_LABELS) as CalendarViewEvent['kind'][];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
let state: CalendarViewState | null = null;
const saved = vscode.getState() as { month?: string; focus?: string } | null;
/** The month shown, `YYYY-MM` (UTC). */
let month: string | null = typeof saved?.month === 'string' && /^\d{4}-\d{2}$/.test(saved.month) ? saved.month : null;
/** The day that has the grid's focus stop, `YYYY-MM-DD`. */
let focusDay: string | null = null;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, cls?: string, text?: string): HTMLElement;
function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: string; key: string; title?: string }): HTMLElement {
  const b = el('vscode-button');
  b.textContent = label;
  if (opts.secondary) b.setAttribute('secondary', '');
  if (opts.icon) b.setAttribute('icon', opts.icon);
  if (opts.title) b.title = opts.title;
  b.dataset.focusKey = opts.key;
  b.addEventListener('click', onClick);
  return b;
}

const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthOf = (d: string) => d.slice(0, 7);
function shiftMonth(m: string, by: number): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  const t = new Date(Date.UTC(y, mo - 1 + by, 1));
  return t.toISOString().slice(0, 7);
}

/** The UTC days an event covers (an all-day end and a timed end at midnight are exclusive). */
function daysOf(e: CalendarViewEvent): [number, number] {
  const start = e.allDay ? dayMs(e.start) : Math.floor(Date.parse(e.start) / DAY) * DAY;
  if (!e.end) return [start, start];
  const endMs = e.allDay ? dayMs(e.end) - DAY : Math.floor((Date.parse(e.end) - 1) / DAY) * DAY;
  return [start, Math.max(start, endMs)];
}

function timeText(e: CalendarViewEvent): string {
  if (e.allDay) {
    const [a, b] = daysOf(e);
    return a === b ? isoDay(a) : `${isoDay(a)} → ${isoDay(b)}`;
  }
  const t = (s: string) => new Date(Date.parse(s)).toISOString().slice(0, 16).replace('T', ' ');
  return e.end ? `${t(e.start)} → ${t(e.end).slice(isoDay(Date.parse(e.start)) === isoDay(Date.parse(e.end)) ? 11 : 0)} UTC` : `${t(e.start)} UTC`;
}

function eventButton(e: CalendarViewEvent, compact: boolean): HTMLElement {
  const b = el('button', `ev kind-${e.kind}${e.status ? ` status-${e.status}` : ''}`);
  b.type = 'button';
  b.dataset.id = e.id;
  b.dataset.kind = e.kind;
  b.title = [e.title, timeText(e), e.description ?? ''].filter(Boolean).join('\n');
  b.append(el('span', 'swatch'), el('span', 'label', compact ? e.title : `${e.title}`));
  b.setAttribute('aria-label', `${KIND_LABELS[e.kind]}: ${e.title}, ${timeText(e)}`);
  b.addEventListener('click', () => vscode.postMessage({ type: 'reveal', id: e.id }));
  return b;
}

function setMonth(m: string, focus?: string): void {
  month = m;
  focusDay = focus ?? (state && monthOf(state.today) === m ? state.today : `${m}-01`);
  vscode.setState({ month });
  if (state) render(state, true);
}

function render(next: CalendarViewState, focusGrid = false): void {
  state = next;
  const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  month ??= monthOf(next.today);
  if (!focusDay || monthOf(focusDay) !== month) focusDay = monthOf(next.today) === month ? next.today : `${month}-01`;
  root.replaceChildren();
  root.setAttribute('aria-busy', String(next.loading));

  const header = el('header');
  header.append(el('h1', undefined, 'Release Calendar'));
  if (next.repo) header.append(el('span', 'repo', next.repo));
  if (next.calendar) header.append(el('span', 'window', `${next.calendar.window.from} → ${next.calendar.window.to} (UTC)`));
  root.append(header);

  const bar = el('div', 'controls');
  const [y, mo] = month.split('-').map(Number) as [number, number];
  const title = el('h2', 'month', `${MONTHS[mo - 1]} ${y}`);
  title.id = 'month-title';
  title.setAttribute('aria-live', 'polite');
  bar.append(
    button('', () => setMonth(shiftMonth(month!, -1)), { icon: 'chevron-left', key: 'prev', secondary: true, title: 'Previous month (Page Up)' }),
    title,
    button('', () => setMonth(shiftMonth(month!, 1)), { icon: 'chevron-right', key: 'next', secondary: true, title: 'Next month (Page Down)' }),
    button('Today', () => setMonth(monthOf(next.today), next.today), { key: 'today', secondary: true, title: 'This month (T)' }),
  );
  const actions = el('div', 'buttons');
  if (next.loading) actions.append(button('Cancel', () => vscode.postMessage({ type: 'cancel' }), { secondary: true, key: 'cancel' }));
  else actions.append(button('Refresh', () => vscode.postMessage({ type: 'refresh' }), { secondary: true, icon: 'refresh', key: 'refresh' }));
  if (next.calendar) actions.append(button('Export .ics…', () => vscode.postMessage({ type: 'export' }), { icon: 'export', key: 'export' }));
  if (next.signedOut) actions.append(button('Sign in to GitHub', () => vscode.postMessage({ type: 'signIn' }), { secondary: true, icon: 'github', key: 'signin' }));
  bar.append(actions);
  root.append(bar);

  const status = el('div', 'status');
  status.setAttribute('role', 'status');
  if (next.loading) {
    const ring = el('vscode-progress-ring');
    ring.setAttribute('aria-label', 'Reading');
    status.append(ring, el('span', undefined, 'Reading the release calendar…'));
  }
  root.append(status);

  if (next.error) {
    const err = el('section', 'error');
    err.setAttribute('role', 'alert');
    err.append(el('strong', undefined, next.error.message));
    if (next.error.fix) err.append(el('p', 'fix', `Fix: ${next.error.fix}`));
    root.append(err);
  }

  const legend = el('ul', 'legend');
  legend.setAttribute('aria-label', 'Legend');
  for (const k of KINDS) {
    const li = el('li', `kind-${k}`);
    li.append(el('span', 'swatch'), el('span', undefined, KIND_LABELS[k]));
    legend.append(li);
  }
  root.append(legend);

  const cal = next.calendar;
  if (cal) {
    if (cal.events.length === 0 || !cal.events.some((e) => e.kind === 'release') || !next.hasCadence) root.append(guidance(next));
    if (cal.notes.length > 0) {
      const notes = el('ul', 'notes');
      notes.setAttribute('aria-label', 'What is missing');
      for (const n of cal.notes) notes.append(el('li', undefined, n));
      root.append(notes);
    }
    root.append(grid(cal.events, month, next.today));
    root.append(agenda(cal.events, month));
  } else if (!next.loading && !next.error) root.append(el('p', 'guidance', 'No calendar read yet.'));

  if (focusGrid) (root.querySelector('.day[tabindex="0"]') as HTMLElement | null)?.focus();
  else if (focusedKey) (root.querySelector(`[data-focus-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus();
}

function guidance(s: CalendarViewState): HTMLElement {
  const g = el('section', 'guidance empty');
  const events = s.calendar?.events ?? [];
  g.append(el('h3', undefined, events.length === 0 ? 'Nothing in this window yet' : 'Some of the calendar is missing'));
  const list = el('ul');
  if (!events.some((e) => e.kind === 'release')) list.append(el('li', undefined, 'No release tags in the window: past releases come from version tags (git tag v1.2.0, or Release: Publish Release).'));
  if (!s.hasCadence) {
    const li = el('li', undefined, 'No release cadence: add a calendar gate with a cadence (e.g. every 2 weeks from an anchor day) and freezes to the release config. ');
    const open = el('a', undefined, 'Open the config');
    open.href = '#';
    open.addEventListener('click', (ev) => {
      ev.preventDefault();
      vscode.postMessage({ type: 'openConfig' });
    });
    li.append(open);
    list.append(li);
  }
  g.append(list);
  return g;
}

function grid(events: CalendarViewEvent[], m: string, today: string): HTMLElement {
  const first = dayMs(`${m}-01`);
  const start = first - ((new Date(first).getUTCDay() + 6) % 7) * DAY;
  const next = dayMs(`${shiftMonth(m, 1)}-01`);
  const table = el('table', 'grid');
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-labelledby', 'month-title');
  const head = el('tr');
  for (const w of WEEKDAYS) {
    const th = el('th', undefined, w);
    th.scope = 'col';
    head.append(th);
  }
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (let week = start; week < next; week += 7 * DAY) {
    const tr = el('tr');
    for (let d = week; d < week + 7 * DAY; d += DAY) {
      const iso = isoDay(d);
      const td = el('td', `day${monthOf(iso) !== m ? ' outside' : ''}${iso === today ? ' today' : ''}`);
      td.setAttribute('role', 'gridcell');
      td.dataset.day = iso;
      td.tabIndex = iso === focusDay ? 0 : -1;
      const on = events.filter((e) => {
        const [a, b] = daysOf(e);
        return a <= d && d <= b;
      });
      td.setAttribute('aria-label', `${iso}${iso === today ? ' (today)' : ''}: ${on.length === 0 ? 'no events' : on.map((e) => e.title).join('; ')}`);
      td.append(el('span', 'date', String(new Date(d).getUTCDate())));
      const list = el('div', 'events');
      for (const e of on.slice(0, 4)) list.append(eventButton(e, true));
      if (on.length > 4) list.append(el('span', 'more', `+${on.length - 4} more`));
      td.append(list);
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  table.addEventListener('keydown', (ev) => {
    const cell = (ev.target as HTMLElement).closest('td.day') as HTMLElement | null;
    if (!cell || ev.target !== cell) return;
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    if (ev.key in step && !ev.altKey) {
      ev.preventDefault();
      const target = isoDay(dayMs(cell.dataset.day!) + step[ev.key]! * DAY);
      if (monthOf(target) !== m) setMonth(monthOf(target), target);
      else {
        focusDay = target;
        for (const c of table.querySelectorAll<HTMLElement>('td.day')) c.tabIndex = c.dataset.day === target ? 0 : -1;
        table.querySelector<HTMLElement>(`td.day[data-day="${target}"]`)?.focus();
      }
    } else if (ev.key === 'Enter') {
      (cell.querySelector('button.ev') as HTMLElement | null)?.focus();
    }
  });
  return table;
}

function agenda(events: CalendarViewEvent[], m: string): HTMLElement {
  const section = el('section', 'agenda');
  section.append(el('h3', undefined, `Agenda of ${MONTHS[Number(m.slice(5)) - 1]}`));
  const from = dayMs(`${m}-01`);
  const to = dayMs(`${shiftMonth(m, 1)}-01`) - DAY;
  const on = events.filter((e) => {
    const [a, b] = daysOf(e);
    return a <= to && b >= from;
  });
  if (on.length === 0) {
    section.append(el('p', 'none', 'No events this month.'));
    return section;
  }
  const list = el('ol', 'items');
  for (const e of on) {
    const li = el('li', `kind-${e.kind}`);
    li.append(el('span', 'when', timeText(e)), el('span', 'kind', KIND_LABELS[e.kind]), eventButton(e, false));
    list.append(li);
  }
  section.append(list);
  return section;
}

window.addEventListener('keydown', (ev) => {
  if (!state || !month) return;
  const inField = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement;
  if (ev.key === 'PageUp' || (ev.altKey && ev.key === 'ArrowLeft')) {
    ev.preventDefault();
    setMonth(shiftMonth(month, -1));
  } else if (ev.key === 'PageDown' || (ev.altKey && ev.key === 'ArrowRight')) {
    ev.preventDefault();
    setMonth(shiftMonth(month, 1));
  } else if ((ev.key === 't' || ev.key === 'T') && !inField && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    setMonth(monthOf(state.today), state.today);
  }
});

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = toCalendarWebview().safeParse(event.data);
  if (!parsed.success) return;
  render(parsed.data.state);
});

vscode.postMessage({ type: 'ready' });
