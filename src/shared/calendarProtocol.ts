import { once } from '../core/lazy';
import * as z from 'zod';

/**
 * The Release Calendar webview protocol (issue 19): both directions are zod discriminated unions, parsed
 * on receipt, as the other views'. The webview names an event by its id, never a URL, a command or a
 * path: the host looks the event up in the calendar it computed and decides what revealing it means.
 */

const text = (max = 2000) => z.string().max(max);
const day = once(() => z.string().regex(/^\d{4}-\d{2}-\d{2}$/));
const instant = once(() => z.string().max(40));

/** Most events a view shows (the calendar's window is bounded; this bounds the message). */
export const MAX_VIEW_EVENTS = 5000;

/** One event as the view receives it (the contract of src/core/calendar/model.ts, bounded). */
export const calendarEventSchema = once(() => z.object({
  id: text(300),
  kind: z.enum(['release', 'planned', 'freeze', 'milestone', 'deploy']),
  title: text(300),
  start: instant(),
  end: instant().optional(),
  allDay: z.boolean(),
  environment: text(64).optional(),
  version: text(100).optional(),
  url: text(1000).optional(),
  status: text(20).optional(),
  description: text(4000).optional(),
  ref: text(300).optional(),
  sha: text(64).optional(),
  number: z.number().int().optional(),
}));
/** An event of the view. */
export type CalendarViewEvent = z.infer<ReturnType<typeof calendarEventSchema>>;

/** What the view shows: the host owns it and resends it whole. */
export const calendarViewState = once(() => z.strictObject({
  /** The repository's display name (not its path). */
  repo: text(200).nullable(),
  /** Today as a UTC date: the month the view opens on. */
  today: day(),
  loading: z.boolean(),
  calendar: z
    .strictObject({
      window: z.strictObject({ from: day(), to: day() }),
      generatedAt: instant(),
      events: z.array(calendarEventSchema()).max(MAX_VIEW_EVENTS),
      notes: z.array(text()).max(50),
    })
    .nullable(),
  /** Why there is no calendar: a short message and its fix. */
  error: z.strictObject({ message: text(), fix: text().nullable() }).nullable(),
  /** No GitHub sign-in: the view offers "Sign in to GitHub". */
  signedOut: z.boolean(),
  /** Whether a cadence is configured (the empty state says how to add one). */
  hasCadence: z.boolean(),
}));
/** The view's state. */
export type CalendarViewState = z.infer<ReturnType<typeof calendarViewState>>;

/** Messages the host may send. */
export const toCalendarWebview = once(() => z.discriminatedUnion('type', [z.strictObject({ type: z.literal('state'), state: calendarViewState() })]));
/** A message from the host, validated. */
export type ToCalendarWebview = z.infer<ReturnType<typeof toCalendarWebview>>;

/** Messages the webview may send. */
export const fromCalendarWebview = once(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('refresh') }),
  z.strictObject({ type: z.literal('cancel') }),
  /** Reveal an event (open the release, the commit, the milestone, the deploy). */
  z.strictObject({ type: z.literal('reveal'), id: text(300) }),
  /** Export the calendar as .ics (the host asks where). */
  z.strictObject({ type: z.literal('export') }),
  z.strictObject({ type: z.literal('signIn') }),
  /** Open the release config (the empty state's "configure a cadence"). */
  z.strictObject({ type: z.literal('openConfig') }),
]));
/** A message from the webview, validated. */
export type FromCalendarWebview = z.infer<ReturnType<typeof fromCalendarWebview>>;

/** Largest message (serialized) the host accepts from the webview. */
export const MAX_CALENDAR_MESSAGE_CHARS = 2 * 1024;

/** Parses a message from the webview; the reason when it is not exactly one of ours. */
export function parseFromCalendarWebview(raw: unknown): { ok: true; message: FromCalendarWebview } | { ok: false; error: string } {
  let size = 0;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, error: 'unserializable message' };
  }
  if (size > MAX_CALENDAR_MESSAGE_CHARS) return { ok: false, error: `message of ${size} characters is too large` };
  const parsed = fromCalendarWebview().safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  return { ok: true, message: parsed.data };
}

/** Colour class and legend label of each kind (the view and the legend agree). */
export const KIND_LABELS: Record<CalendarViewEvent['kind'], string> = { release: 'Release', planned: 'Planned release day', freeze: 'Code freeze', milestone: 'Milestone due', deploy: 'Deploy' };
