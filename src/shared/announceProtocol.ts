import { once } from '../core/lazy';
import * as z from 'zod';

/**
 * The announce preview's webview protocol: both directions are zod discriminated unions, parsed on
 * receipt. The webview names an audience and sends edited template text; the host renders, confirms
 * natively and sends. No message names a command, a path, a channel secret or a shell string.
 */

const audience = once(() => z.enum(['internal', 'external', 'support']));
const stage = once(() => z.enum(['notice', 'started', 'completed', 'rolled-back']));
const text = (max = 2000) => z.string().max(max);
/** Largest template or rendered text the preview carries. */
export const MAX_TEMPLATE_CHARS = 64 * 1024;

/** Messages the preview may send. */
export const announceFromWebview = once(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** The template of an audience as edited in the preview: rendered again, and what a send uses. */
  z.strictObject({ type: z.literal('edit'), audience: audience(), template: text(MAX_TEMPLATE_CHARS) }),
  /** Back to the repository's (or the built-in) template. */
  z.strictObject({ type: z.literal('reset'), audience: audience() }),
  /** Send what the preview shows (the host asks a native confirmation first). */
  z.strictObject({ type: z.literal('send') }),
]));
/** A message from the preview, validated. */
export type AnnounceFromWebview = z.infer<ReturnType<typeof announceFromWebview>>;

const slackBlock = once(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), text: text(3000) }),
  z.strictObject({ type: z.literal('section'), text: text(3100) }),
  z.strictObject({ type: z.literal('context'), text: text(3000) }),
]));

/** One channel an audience's announcement goes to (never a secret). */
export const channelView = once(() => z.strictObject({ id: text(64), kind: z.enum(['slack', 'email', 'github', 'file']), label: text(300) }));

/** One audience's announcement as the preview shows it (all text is shown as text). */
export const audienceView = once(() => z.strictObject({
  audience: audience(),
  /** The template text being used (editable). */
  template: text(MAX_TEMPLATE_CHARS),
  /** Where it comes from: built-in, the repository's override, or edited here. */
  templateSource: text(300),
  edited: z.boolean(),
  /** The rendered markdown (the host rendered it; the preview draws it as text blocks). */
  markdown: text(MAX_TEMPLATE_CHARS * 2),
  slack: z.strictObject({ text: text(4000), blocks: z.array(slackBlock()).max(50) }),
  email: z.strictObject({ subject: text(500), text: text(MAX_TEMPLATE_CHARS * 2) }),
  channels: z.array(channelView()).max(20),
  /** A template error (unknown variable, syntax) naming file, line and variable; nothing renders then. */
  error: text().nullable(),
}));
/** One audience's view. */
export type AudienceView = z.infer<ReturnType<typeof audienceView>>;

/** What a send did for one audience and channel. */
export const resultView = once(() => z.strictObject({
  audience: audience(),
  channel: text(64),
  channelKind: z.enum(['slack', 'email', 'github', 'file']),
  status: z.enum(['sent', 'already-sent', 'failed', 'unconfirmed']),
  message: text(),
}));
/** One result row. */
export type ResultView = z.infer<ReturnType<typeof resultView>>;

/** The whole preview state; the host owns it and resends it whole. */
export const announceState = once(() => z.strictObject({
  repo: text(200),
  version: text(100),
  stage: stage(),
  /** The planned deploy time, in UTC and in the config's named time zone, when one was given. */
  planned: z.strictObject({ utc: text(100), zoned: text(100) }).nullable(),
  trusted: z.boolean(),
  busy: z.boolean(),
  audiences: z.array(audienceView()).max(3),
  results: z.array(resultView()).max(200).nullable(),
  /** A note for the person (why Send is disabled, what the last send did). */
  notice: text().nullable(),
}));
/** The preview state. */
export type AnnounceState = z.infer<ReturnType<typeof announceState>>;

/** Messages the host may send. */
export const announceToWebview = once(() => z.discriminatedUnion('type', [z.strictObject({ type: z.literal('state'), state: announceState() })]));
/** A message from the host, validated. */
export type AnnounceToWebview = z.infer<ReturnType<typeof announceToWebview>>;

/** Largest message (serialized) the host accepts from the preview. */
export const MAX_ANNOUNCE_MESSAGE_CHARS = 256 * 1024;

/** Parses a message from the preview; anything that is not exactly one of ours is rejected with the reason. */
export function parseAnnounceFromWebview(raw: unknown): { ok: true; message: AnnounceFromWebview } | { ok: false; error: string } {
  let size = 0;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, error: 'unserializable message' };
  }
  if (size > MAX_ANNOUNCE_MESSAGE_CHARS) return { ok: false, error: `message too large (${size} chars)` };
  const r = announceFromWebview().safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** Whether Send can be used now, and if not, why (shown beside the disabled button). */
export function sendState(state: AnnounceState): { enabled: boolean; reason: string | null } {
  if (!state.trusted) return { enabled: false, reason: 'Restricted Mode: sending announcements needs a trusted workspace.' };
  if (state.busy) return { enabled: false, reason: 'Working…' };
  if (state.audiences.length === 0) return { enabled: false, reason: 'No audience picked.' };
  const broken = state.audiences.find((a) => a.error !== null);
  if (broken) return { enabled: false, reason: `The ${broken.audience} template has an error.` };
  if (state.audiences.every((a) => a.channels.length === 0)) return { enabled: false, reason: 'No channel receives these audiences.' };
  return { enabled: true, reason: null };
}
