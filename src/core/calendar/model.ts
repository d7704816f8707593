/**
 * The release calendar (issue 19) as plain data: past releases (tags, GitHub releases), planned release
 * days (the calendar gate's cadence), code freezes, milestones' due dates and deploys per environment,
 * in a window of days. Pure: the adapter (src/node/calendar.ts) reads git, the local deploy history and
 * GitHub; the iCalendar writer (ics.ts) and the views render this. Event ids are stable across runs
 * (they become iCalendar UIDs), so a subscribed calendar app updates an event instead of duplicating it.
 */
import type { ReleaseConfig } from '../config';
import { deploymentOutcome, type DeploymentRecord } from '../deploy/rollback';
import { cadenceText, freezeWindows, parseInstant, releaseDays, type Cadence, type FreezeWindow } from '../gates/calendar';
import type { GhMilestone, GhRelease } from '../githubApi';
import type { GitHubRepoRef } from '../remote';
import { oneLine, stripUnsafe } from '../sanitize';
import { TagFormat } from '../tags';

const DAY = 86_400_000;

/** What an event is. */
export type CalendarEventKind = 'release' | 'planned' | 'freeze' | 'milestone' | 'deploy';
/** Every kind, in the order legends list them. */
export const CALENDAR_KINDS: readonly CalendarEventKind[] = ['release', 'planned', 'freeze', 'milestone', 'deploy'];

/**
 * One event. All-day events have `start` (and `end`, exclusive, as iCalendar's DTEND) as UTC dates
 * `YYYY-MM-DD`; timed ones as ISO-8601 UTC date-times. Titles and descriptions are plain text.
 */
export interface CalendarEvent {
  /** Stable id (the iCalendar UID): the same release, freeze or deploy keeps it on every export. */
  id: string;
  kind: CalendarEventKind;
  title: string;
  start: string;
  /** Exclusive end; absent for an instant (a tag, a deploy still running). */
  end?: string;
  allDay: boolean;
  /** Deploys: the environment. */
  environment?: string;
  /** Releases and deploys: the version (semver, no prefix) when known. */
  version?: string;
  /** Where it is on GitHub (release, milestone, deployments of the environment), when known. */
  url?: string;
  /**
   * release: `released` | `prerelease`; planned: `planned` | `frozen` (inside a freeze); freeze: `active` |
   * `upcoming` | `past`; milestone: `open` | `closed`; deploy: `succeeded` | `failed` | `running` | `abandoned` | `unknown`.
   */
  status?: string;
  /** More text (plain; the .ics DESCRIPTION). */
  description?: string;
  /** Releases: the tag; deploys: the ref deployed. */
  ref?: string;
  /** Releases and deploys: the commit. */
  sha?: string;
  /** Milestones: the number. */
  number?: number;
}

/** The window of days shown: UTC dates, both inclusive. */
export interface CalendarWindow {
  from: string;
  to: string;
}

/** The calendar of one repository: the contract of `release-manager calendar --format json` (docs/cli.md). */
export interface CalendarReport {
  kind: 'release-calendar';
  version: 1;
  /** `owner/repo` on GitHub, else `local/<folder>`. */
  repository: string;
  window: CalendarWindow;
  /** When it was made (ISO-8601 UTC; the iCalendar DTSTAMP). */
  generatedAt: string;
  /** Sorted by start, then kind, then id. */
  events: CalendarEvent[];
  /** What is missing and why (no GitHub token, offline, no cadence configured…): the events shown are still right. */
  notes: string[];
}

/** A tag with its date (`git for-each-ref` creatordate). */
export interface DatedTag {
  name: string;
  commit: string;
  date: string;
}

/** A deployment of an environment, from the local history or GitHub. */
export interface CalendarDeployment extends DeploymentRecord {
  source: 'local' | 'github';
  operation?: string | null;
}

/** What the calendar is made of (the adapter reads it). */
export interface CalendarInputs {
  repository: string;
  /** The GitHub repository (for links), null when not on GitHub. */
  github: GitHubRepoRef | null;
  /** Makes ids unique to this repository (an id is `<kind>-<key>@<domain>`). */
  uidDomain: string;
  window: CalendarWindow;
  now: Date;
  config: ReleaseConfig;
  tags: DatedTag[];
  /** GitHub releases, or null when not read. */
  releases: GhRelease[] | null;
  /** Milestones, or null when not read. */
  milestones: GhMilestone[] | null;
  deployments: CalendarDeployment[];
  notes: string[];
}

/** Most days a window may span (about three years). */
export const MAX_WINDOW_DAYS = 1100;
/** Days back and ahead of today a window spans by default. */
export const DEFAULT_DAYS_BACK = 90;
export const DEFAULT_DAYS_AHEAD = 90;

/** The window of `from`/`to` (UTC dates, inclusive), each defaulting to 90 days back / ahead of `now`; the problem when invalid. */
export function calendarWindow(options: { from?: string; to?: string }, now: Date): { window: CalendarWindow } | { problem: string; fix: string } {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const read = (text: string | undefined, name: string, fallback: number): number | string => {
    if (text === undefined) return fallback;
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseInstant(text) : null;
    return ms === null ? `--${name} ${JSON.stringify(text.slice(0, 40))} is not a date` : ms;
  };
  const from = read(options.from, 'from', today - DEFAULT_DAYS_BACK * DAY);
  const to = read(options.to, 'to', today + DEFAULT_DAYS_AHEAD * DAY);
  if (typeof from === 'string') return { problem: `${from}.`, fix: 'Write dates like 2026-12-01 (a whole UTC day).' };
  if (typeof to === 'string') return { problem: `${to}.`, fix: 'Write dates like 2026-12-01 (a whole UTC day).' };
  if (to < from) return { problem: `The window ends (${isoDay(to)}) before it starts (${isoDay(from)}).`, fix: 'Give --from a date before --to.' };
  if ((to - from) / DAY + 1 > MAX_WINDOW_DAYS) return { problem: `The window spans ${(to - from) / DAY + 1} days.`, fix: `Keep it to ${MAX_WINDOW_DAYS} days or fewer.` };
  return { window: { from: isoDay(from), to: isoDay(to) } };
}

/** `YYYY-MM-DD` of a UTC instant. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Plain, one-line, bounded text of a repository or a person (a tag name, a milestone title). */
function text(s: string, max = 200): string {
  const line = oneLine(stripUnsafe(s));
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A key part of an id: characters iCalendar apps accept in a UID, never empty. */
function uidPart(s: string): string {
  return s.replace(/[^A-Za-z0-9._+-]+/g, '_').slice(0, 120) || '_';
}

/** The calendar of the inputs (pure). */
export function buildCalendar(input: CalendarInputs): CalendarReport {
  const from = parseInstant(input.window.from)!;
  const to = parseInstant(input.window.to, true)!;
  const inWindow = (start: number, end = start) => end >= from && start < to;
  const id = (kind: CalendarEventKind, key: string) => `${kind}-${uidPart(key)}@${input.uidDomain}`;
  const gh = input.github;
  const web = gh ? `https://${gh.host === 'api.github.com' ? 'github.com' : gh.host}/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}` : null;
  const events: CalendarEvent[] = [];
  const notes = [...input.notes];

  // Releases: version tags of the root format and each package's; GitHub's releases add their page (and releases whose tag is not fetched).
  const formats = [new TagFormat(input.config.tagFormat), ...input.config.packages.map((p) => new TagFormat(p.tagFormat, p.name))];
  const byTag = new Map((input.releases ?? []).filter((r) => !r.draft).map((r) => [r.tagName, r]));
  const seen = new Set<string>();
  const release = (tag: string, at: string, sha: string | null) => {
    const parsed = formats.map((f) => f.parse(tag)).find((p) => p !== null);
    const ms = Date.parse(at);
    if (!parsed || Number.isNaN(ms) || !inWindow(ms) || seen.has(tag)) return;
    seen.add(tag);
    const gr = byTag.get(tag);
    const prerelease = gr ? gr.prerelease : parsed.version.prerelease.length > 0;
    const url = gr?.htmlUrl ?? (web && sha ? `${web}/commit/${sha}` : undefined);
    const lines = [`Tag ${text(tag)}${sha ? ` at commit ${sha.slice(0, 12)}` : ''}.`, ...(gr && gr.name && gr.name !== tag ? [`GitHub release: ${text(gr.name)}`] : [])];
    events.push({
      id: id('release', tag),
      kind: 'release',
      title: `${prerelease ? 'Prerelease' : 'Release'} ${text(tag, 120)}`,
      start: new Date(ms).toISOString(),
      allDay: false,
      version: parsed.version.version,
      status: prerelease ? 'prerelease' : 'released',
      ref: tag,
      ...(sha ? { sha } : {}),
      ...(url ? { url } : {}),
      description: lines.join('\n'),
    });
  };
  for (const t of input.tags) release(t.name, t.date, t.commit);
  for (const r of byTag.values()) if (r.publishedAt) release(r.tagName, r.publishedAt, null);

  // Freezes and planned release days: every calendar gate's.
  const gates = input.config.gates.flatMap((g) => (g.kind === 'calendar' ? [g] : []));
  const freezes: FreezeWindow[] = [];
  const freezeKeys = new Map<string, number>();
  for (const g of gates) {
    for (const f of freezeWindows(g.freezes)) {
      const base = `${f.from}_${f.to}`;
      if (freezes.some((x) => x.from === f.from && x.to === f.to && x.reason === f.reason)) continue;
      // Two freezes over the same span: the second keeps a suffix (ids stay stable while the config's order does).
      const n = freezeKeys.get(base) ?? 0;
      freezeKeys.set(base, n + 1);
      freezes.push(f);
      if (!inWindow(f.start, f.end - 1)) continue;
      const dates = /^\d{4}-\d{2}-\d{2}$/.test(f.from) && /^\d{4}-\d{2}-\d{2}$/.test(f.to);
      const now = input.now.getTime();
      events.push({
        id: id('freeze', n === 0 ? base : `${base}_${n + 1}`),
        kind: 'freeze',
        title: `Code freeze: ${text(f.reason, 150)}`,
        start: dates ? f.from : new Date(f.start).toISOString(),
        end: dates ? isoDay(f.end) : new Date(f.end).toISOString(),
        allDay: dates,
        status: now >= f.end ? 'past' : now >= f.start ? 'active' : 'upcoming',
        description: `No releases from ${f.from} to ${f.to}${dates ? ' (whole UTC days)' : ''}, except hotfixes.\nReason: ${text(f.reason)}\nGate: ${text(g.id)}`,
      });
    }
  }
  const cadences: { cadence: Cadence; gate: string }[] = [];
  for (const g of gates) if (g.cadence && !cadences.some((c) => c.cadence.anchor === g.cadence!.anchor && c.cadence.everyWeeks === g.cadence!.everyWeeks)) cadences.push({ cadence: g.cadence, gate: g.id });
  const today = Math.floor(input.now.getTime() / DAY) * DAY;
  const planned = new Set<number>();
  for (const { cadence, gate } of cadences) {
    // Planned: release days from today on (past ones are what the tags say).
    for (const day of releaseDays(cadence, Math.max(from, today), to)) {
      if (planned.has(day)) continue;
      planned.add(day);
      const frozen = freezes.find((f) => f.start < day + DAY && f.end > day);
      events.push({
        id: id('planned', isoDay(day)),
        kind: 'planned',
        title: frozen ? `Release day (in freeze: ${text(frozen.reason, 100)})` : 'Release day',
        start: isoDay(day),
        end: isoDay(day + DAY),
        allDay: true,
        status: frozen ? 'frozen' : 'planned',
        description: `Planned release day (${cadenceText(cadence)} from ${cadence.anchor}; gate ${text(gate)}).${frozen ? `\nInside the code freeze "${text(frozen.reason)}": only hotfixes.` : ''}`,
      });
    }
  }
  if (cadences.length === 0) notes.push('No release cadence configured: planned release days are not shown (add a calendar gate with a cadence to .release-manager.json).');

  // Milestones with a due date: an all-day event on that UTC day.
  for (const m of input.milestones ?? []) {
    if (!m.dueOn) continue;
    const due = Date.parse(m.dueOn);
    if (Number.isNaN(due) || !inWindow(due)) continue;
    const day = isoDay(due);
    const total = m.openItems + m.closedItems;
    events.push({
      id: id('milestone', String(m.number)),
      kind: 'milestone',
      title: `Milestone due: ${text(m.title, 150)}`,
      start: day,
      end: isoDay(parseInstant(day)! + DAY),
      allDay: true,
      status: m.state,
      number: m.number,
      url: m.url,
      description: [`${m.closedItems} of ${total} closed (${m.state}).`, ...(m.description ? [text(m.description, 1000)] : [])].join('\n'),
    });
  }

  // Deploys: one event per deployment, from its creation to its last status when it ended.
  for (const d of input.deployments) {
    const start = Date.parse(d.createdAt);
    if (Number.isNaN(start)) continue;
    const outcome = deploymentOutcome(d);
    const status = outcome === 'running' ? 'running' : outcome;
    const last = d.statuses.reduce((m, s) => Math.max(m, Date.parse(s.createdAt) || 0), 0);
    const end = outcome !== 'running' && last > start ? last : null;
    if (!inWindow(start, end ?? start)) continue;
    const what = d.version ?? text(d.ref, 80);
    const rollback = d.operation === 'rollback';
    const verb = rollback ? 'Rollback' : 'Deploy';
    const env = text(d.environment, 64);
    events.push({
      id: id('deploy', `${env}-${d.source}-${d.id}`),
      kind: 'deploy',
      title: `${verb} ${what} → ${env}${status === 'succeeded' ? '' : ` (${status})`}`,
      start: new Date(start).toISOString(),
      ...(end !== null ? { end: new Date(end).toISOString() } : {}),
      allDay: false,
      environment: env,
      ...(d.version ? { version: d.version } : {}),
      status,
      ref: text(d.ref, 200),
      sha: d.sha,
      ...(web && d.source === 'github' ? { url: `${web}/deployments/${encodeURIComponent(env)}` } : {}),
      description: `${verb} of ${text(d.ref, 200)} (commit ${d.sha.slice(0, 12)}) to ${env}: ${status}.\nSource: ${d.source === 'local' ? 'the local deploy history' : 'GitHub Deployments'} (#${d.id}).`,
    });
  }

  const order: Record<CalendarEventKind, number> = { freeze: 0, milestone: 1, planned: 2, release: 3, deploy: 4 };
  events.sort((a, b) => startMs(a) - startMs(b) || order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { kind: 'release-calendar', version: 1, repository: input.repository, window: input.window, generatedAt: input.now.toISOString(), events, notes };
}

/** Milliseconds of an event's start (an all-day event: the start of its UTC day). */
export function startMs(e: Pick<CalendarEvent, 'start'>): number {
  return parseInstant(e.start) ?? Date.parse(e.start);
}
