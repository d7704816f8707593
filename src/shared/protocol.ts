import { once } from '../core/lazy';
import * as z from 'zod';

/**
 * The checklist webview protocol: both directions are zod discriminated unions, parsed on receipt.
 * There is deliberately no message that names a command, a path or a shell string: the webview says
 * *which gate*, the host decides what that means from its own state.
 */

const gateId = once(() => z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/));
const MAX_TEXT = 2000;
const text = (max = MAX_TEXT) => z.string().max(max);

/** Messages the webview may send. */
export const fromWebview = once(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('rerun'), gateId: gateId().optional() }),
  z.strictObject({ type: z.literal('cancel') }),
  z.strictObject({ type: z.literal('fix'), gateId: gateId() }),
  z.strictObject({ type: z.literal('signOff'), gateId: gateId(), note: text(500) }),
  z.strictObject({ type: z.literal('revokeSignOff'), gateId: gateId() }),
  z.strictObject({ type: z.literal('recordDecision') }),
  /** Answers a business-risk question of the risk panel (recorded by the host as the user's sign-off). */
  z.strictObject({ type: z.literal('answerRisk'), questionId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/), answer: z.enum(['yes', 'no']) }),
]));
/** A message from the webview, validated. */
export type FromWebview = z.infer<ReturnType<typeof fromWebview>>;

const status = once(() => z.enum(['pass', 'fail', 'warn', 'pending', 'unknown', 'skipped', 'running', 'notRun']));

/** One row of the checklist as the webview shows it (all text is plain text). */
export const gateView = once(() => z.strictObject({
  id: gateId(),
  title: text(200),
  kind: text(40),
  required: z.boolean(),
  status: status(),
  reason: text(),
  fixLabel: text(200).optional(),
  canFix: z.boolean(),
  /** What the fix button does, when there is one (the host decides what it means; no command id crosses). */
  fixAction: z.enum(['openFile', 'openConfig', 'showOutput', 'signOff', 'sendNotice', 'openUrl']).optional(),
  details: text(64 * 1024).optional(),
  manual: z.boolean(),
  signOff: z.strictObject({ who: text(200), when: text(40), note: text(500) }).optional(),
}));
/** One gate row. */
export type GateView = z.infer<ReturnType<typeof gateView>>;

const riskLevel = once(() => z.enum(['low', 'medium', 'high']));

/** The risk panel: score, level, every factor (plain text), the top ones, and the business-risk questions. */
export const riskView = once(() => z.strictObject({
  score: z.number(),
  level: riskLevel(),
  thresholds: z.strictObject({ medium: z.number(), high: z.number() }),
  worstCase: z.strictObject({ score: z.number(), level: riskLevel() }),
  factors: z
    .array(
      z.strictObject({
        id: text(60),
        label: text(200),
        value: text(300),
        points: z.number().nullable(),
        weight: z.number(),
        detail: text(),
        status: z.enum(['measured', 'unknown']),
        howTo: text(500).optional(),
      }),
    )
    .max(60),
  /** Ids of the factors with the most points, highest first. */
  top: z.array(text(60)).max(5),
  questions: z
    .array(z.strictObject({ id: text(40), text: text(200), weight: z.number(), answer: z.enum(['yes', 'no']).nullable(), who: text(200).optional(), when: text(40).optional() }))
    .max(20),
}));
/** The risk panel's state. */
export type RiskView = z.infer<ReturnType<typeof riskView>>;

/** The whole checklist state; the host is its owner and resends it whole. */
export const checklistState = once(() => z.strictObject({
  repo: text(200).nullable(),
  version: z.strictObject({ current: text(100).nullable(), next: text(100).nullable() }).nullable(),
  trusted: z.boolean(),
  running: z.boolean(),
  gates: z.array(gateView()).max(200),
  verdict: z.strictObject({ decision: z.enum(['GO', 'NO-GO']), summary: text() }).nullable(),
  notice: text().nullable(),
  /** Nothing to judge yet (no folder, no repository, no commits): the notice is guidance, and nothing can run. */
  empty: z.enum(['noFolder', 'noRepo', 'noCommits']).optional(),
  /** The release's risk (computed with every gate run); a string when it could not be computed; absent before the first run. */
  risk: z.union([riskView(), text()]).optional(),
}));
/** The checklist state. */
export type ChecklistState = z.infer<ReturnType<typeof checklistState>>;

/** Messages the host may send. */
export const toWebview = once(() => z.discriminatedUnion('type', [z.strictObject({ type: z.literal('state'), state: checklistState() })]));
/** A message from the host, validated. */
export type ToWebview = z.infer<ReturnType<typeof toWebview>>;

/** Largest message (serialized) either side accepts. */
export const MAX_MESSAGE_CHARS = 512 * 1024;

/** Parses a message from the webview; returns null (and the reason) for anything that is not exactly one of ours. */
export function parseFromWebview(raw: unknown): { ok: true; message: FromWebview } | { ok: false; error: string } {
  let size = 0;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, error: 'unserializable message' };
  }
  if (size > MAX_MESSAGE_CHARS) return { ok: false, error: `message too large (${size} chars)` };
  const r = fromWebview().safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}
