/**
 * What an announcement says, before any channel's escaping: the template variables for one audience
 * and stage, from the drafted notes and the config. Values are raw single lines (the renderer escapes
 * them for each channel); nothing here is trusted text.
 */
import type { ReleaseConfig } from '../config';
import type { NoteEntry, ReleaseNotes } from '../notes';
import { oneLine } from '../sanitize';
import { type AnnounceConfig } from './schema';
import type { Audience, Stage } from './types';

/** Keep a Changelog section titles, in their order. */
export const KEEP_A_CHANGELOG = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'] as const;
/** One Keep a Changelog section. */
export type KacSection = (typeof KEEP_A_CHANGELOG)[number];

/** Facts the adapters gather besides the notes (all optional). */
export interface AnnouncementFacts {
  version: string;
  previousVersion: string | null;
  tag: string;
  repository: string;
  stage: Stage;
  audience: Audience;
  /** Planned deploy time, ms since the epoch; null when unknown. */
  plannedAt: number | null;
  /** The version a rollback returns to; default the previous version. */
  rollbackVersion?: string | null;
  /** Open GitHub issues labelled as known issues. */
  knownIssues?: { title: string; url: string }[];
  notesUrl?: string | null;
}

/** The template variables (see variables.ts for what each is). */
export type TemplateView = Record<string, unknown>;

const MAX_LINE = 300;

/** Builds the template variables of one audience and stage. */
export function announcementView(notes: ReleaseNotes, config: ReleaseConfig, announce: AnnounceConfig, f: AnnouncementFacts): TemplateView {
  const entries = uniqueEntries(notes);
  const internal = new Set(announce.internalLabels.map((l) => l.toLowerCase()));
  const visible = f.audience === 'internal' ? entries : entries.filter((e) => !(e.labels ?? []).some((l) => internal.has(l.toLowerCase())));
  const breaking = visible.filter((e) => e.breaking).map((e) => ({ ...entryView(e, f.audience), migration: migrationOf(e).map((text) => ({ text })) }));
  const sections = f.audience === 'internal' ? internalSections(notes, visible) : kacSections(visible.filter((e) => !e.breaking));
  const planned = f.plannedAt;
  const headline = headlineOf(f, announce.timeZone);
  return {
    version: f.version,
    previousVersion: f.previousVersion ?? '',
    tag: f.tag,
    repository: f.repository,
    audience: f.audience,
    stage: f.stage,
    headline,
    isNotice: f.stage === 'notice',
    isStarted: f.stage === 'started',
    isCompleted: f.stage === 'completed',
    isRolledBack: f.stage === 'rolled-back',
    hasPlanned: planned !== null,
    plannedAt: planned !== null ? new Date(planned).toISOString() : '',
    plannedUtc: planned !== null ? formatUtc(planned) : '',
    plannedLocal: planned !== null ? formatZoned(planned, announce.timeZone) : '',
    timeZone: announce.timeZone,
    environments: (config.deploy?.environments ?? []).map((e) => ({ name: e.name, strategy: e.strategy.kind })),
    rollbackVersion: f.rollbackVersion ?? f.previousVersion ?? '',
    flags: announce.flags.map((name) => ({ name: line(name) })),
    owners: announce.owners.map((name) => ({ name: line(name) })),
    hasBreaking: breaking.length > 0,
    breaking,
    sections,
    hasChanges: breaking.length > 0 || sections.length > 0,
    knownIssues: knownIssuesOf(announce, f),
    hasKnownIssues: knownIssuesOf(announce, f).length > 0,
    escalation: line(announce.escalation ?? ''),
    onCall: line(announce.onCall ?? ''),
    notesUrl: f.notesUrl ?? '',
  };
}

/** The one-line headline of a stage (plain text; the renderer escapes it). */
export function headlineOf(f: Pick<AnnouncementFacts, 'stage' | 'version' | 'plannedAt' | 'repository'>, timeZone = 'UTC'): string {
  const what = `${f.repository} ${f.version}`;
  switch (f.stage) {
    case 'notice':
      return f.plannedAt !== null ? `Scheduled: ${what} on ${formatUtc(f.plannedAt)}${timeZone !== 'UTC' ? ` (${formatZoned(f.plannedAt, timeZone)})` : ''}` : `Scheduled: ${what}`;
    case 'started':
      return `Deploying ${what} now`;
    case 'completed':
      return `${what} is live`;
    case 'rolled-back':
      return `${what} was rolled back`;
  }
}

/** Which Keep a Changelog section an entry belongs in (null: not for customers). Labels win over the commit type. */
export function kacSectionOf(e: Pick<NoteEntry, 'type' | 'scope' | 'subject' | 'labels'>): KacSection | null {
  const labels = (e.labels ?? []).map((l) => l.toLowerCase());
  if (labels.some((l) => l === 'security' || l.startsWith('security:')) || e.type === 'security' || e.scope?.toLowerCase() === 'security') return 'Security';
  if (labels.some((l) => l.startsWith('deprecat'))) return 'Deprecated';
  if (labels.some((l) => l === 'removal' || l === 'removed' || l === 'remove')) return 'Removed';
  if (labels.includes('bug') || labels.includes('fix')) return 'Fixed';
  if (labels.includes('enhancement') || labels.includes('feature')) return 'Added';
  const subject = e.subject.toLowerCase();
  switch (e.type) {
    case 'feat':
      if (/^(deprecate)/.test(subject)) return 'Deprecated';
      if (/^(remove|drop)\b/.test(subject)) return 'Removed';
      return 'Added';
    case 'fix':
      return 'Fixed';
    case 'perf':
    case 'refactor':
    case 'revert':
      return 'Changed';
    case null:
      return 'Changed';
    default:
      return null;
  }
}

function kacSections(entries: readonly NoteEntry[]): { title: string; entries: unknown[] }[] {
  const by = new Map<KacSection, NoteEntry[]>();
  for (const e of entries) {
    const s = kacSectionOf(e);
    if (s === null) continue;
    by.set(s, [...(by.get(s) ?? []), e]);
  }
  return KEEP_A_CHANGELOG.filter((s) => by.has(s)).map((title) => ({ title, entries: by.get(title)!.map((e) => entryView(e, 'external')) }));
}

function internalSections(notes: ReleaseNotes, visible: readonly NoteEntry[]): { title: string; entries: unknown[] }[] {
  const keep = new Set(visible.filter((e) => !e.breaking).map((e) => e.hash));
  const seen = new Set<string>();
  return notes.sections
    .map((s) => ({
      title: line(s.title),
      entries: s.entries.filter((e) => keep.has(e.hash) && !seen.has(e.hash) && seen.add(e.hash) !== undefined).map((e) => entryView(e, 'internal')),
    }))
    .filter((s) => s.entries.length > 0);
}

function uniqueEntries(notes: ReleaseNotes): NoteEntry[] {
  const seen = new Set<string>();
  const out: NoteEntry[] = [];
  for (const s of notes.sections) {
    for (const e of s.entries) {
      if (seen.has(e.hash)) continue;
      seen.add(e.hash);
      out.push(e);
    }
  }
  return out;
}

function entryView(e: NoteEntry, audience: Audience): { text: string; hash: string; breaking: boolean } {
  const subject = e.prTitle !== undefined && e.prTitle !== '' ? e.prTitle : e.subject;
  const scope = e.scope ? `${e.scope}: ` : '';
  const pr = audience === 'internal' && e.pr !== null ? ` (#${e.pr})` : '';
  return { text: line(`${scope}${subject}${pr}`), hash: e.hash.slice(0, 7), breaking: e.breaking };
}

function migrationOf(e: NoteEntry): string[] {
  return e.breakingNotes.filter((n) => n !== e.subject).flatMap((n) => n.split('\n')).map(line).filter((l) => l !== '');
}

function knownIssuesOf(announce: AnnounceConfig, f: AnnouncementFacts): { title: string; workaround: string; url: string }[] {
  return [
    ...announce.knownIssues.map((k) => ({ title: line(k.title), workaround: line(k.workaround ?? ''), url: '' })),
    ...(f.knownIssues ?? []).map((k) => ({ title: line(k.title), workaround: '', url: /^https:\/\//i.test(k.url) ? k.url : '' })),
  ];
}

function line(text: string): string {
  const l = oneLine(text);
  return l.length > MAX_LINE ? `${l.slice(0, MAX_LINE - 1)}…` : l;
}

/** "2026-12-08 14:00 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-12-08 15:00 Europe/Berlin" (the zone's own clock). */
export function formatZoned(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${timeZone}`;
}
