import { once } from '../lazy';
import * as z from 'zod';
import { clip, gateBase, plural, type GateKind } from './kind';
import type { SignOff } from './context';
import type { GateOutcome } from './types';

/** Repository-relative file that holds the team's sign-offs (tracked by git: a pull brings them to every clone and to CI). */
export const SIGNOFF_FILE = '.release-manager/signoffs.json';

/** Config of a manual sign-off gate ("Rollback plan documented", "QA sign-off"). */
export const manualGateSchema = once(() => z.strictObject({
  kind: z.literal('manual'),
  ...gateBase('Manual sign-off', 10_000),
  description: z.string().min(1).max(1000).describe('What the person signing off confirms.'),
  approvals: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('How many different people must sign this gate off for the version (default 1). Two sign-offs by the same person count once.'),
  from: z
    .array(z.string().min(1).max(320))
    .min(1)
    .max(100)
    .optional()
    .describe('Only sign-offs by these people count: git e-mail addresses (alice@example.com) or full git identities ("Alice <alice@example.com>"), case-insensitive. Default: anyone.'),
}));
/** A parsed manual gate. */
export type ManualGate = z.infer<ReturnType<typeof manualGateSchema>>;

/** Who a sign-off is by, as compared: the e-mail of a git identity (`Name <email>`), else the whole text; lower case. */
export function signerKey(who: string): string {
  const email = /<([^<>]+)>\s*$/.exec(who)?.[1];
  return (email ?? who).trim().toLowerCase();
}

/** Whether `who` is one of the `from` entries (an e-mail or a whole identity). */
function allowed(who: string, from: readonly string[] | undefined): boolean {
  if (!from) return true;
  const key = signerKey(who);
  const whole = who.trim().toLowerCase();
  return from.some((f) => {
    const entry = f.trim().toLowerCase();
    return entry === key || entry === whole || signerKey(f) === key;
  });
}

/** How far a manual gate's sign-offs go: the latest sign-off of each allowed person, and those that do not count. */
export interface SignOffTally {
  needed: number;
  /** One per allowed person (their latest), newest first. */
  counted: SignOff[];
  /** Sign-offs by people not in `from`, latest per person. */
  notAllowed: SignOff[];
  satisfied: boolean;
}

/** Counts the sign-offs of one gate: distinct people (by e-mail), only those `from` allows, `approvals` of them needed. */
export function tallySignOffs(gate: Pick<ManualGate, 'id' | 'approvals' | 'from'>, signOffs: readonly SignOff[]): SignOffTally {
  const latest = new Map<string, SignOff>();
  for (const s of signOffs) {
    if (s.gateId !== gate.id) continue;
    const key = signerKey(s.who);
    const seen = latest.get(key);
    if (!seen || s.when.localeCompare(seen.when) > 0) latest.set(key, s);
  }
  const people = [...latest.values()].sort((a, b) => b.when.localeCompare(a.when));
  const counted = people.filter((s) => allowed(s.who, gate.from));
  const notAllowed = people.filter((s) => !allowed(s.who, gate.from));
  const needed = gate.approvals ?? 1;
  return { needed, counted, notAllowed, satisfied: counted.length >= needed };
}

/** Passes when enough people (see `approvals`, `from`) signed this gate off for the release's next version; pending until then. */
export const manualKind: GateKind<ManualGate> = {
  kind: 'manual',
  async check(gate, ctx): Promise<GateOutcome> {
    const { next } = (await ctx.release()).version;
    const howTo = `Sign off: ${clip(gate.description, 120)} (editor: the checklist's sign-off box; CLI: release-manager signoff --gate ${gate.id}; then commit ${SIGNOFF_FILE})`;
    const signOff = { label: howTo, action: { kind: 'signOff' as const, gateId: gate.id } };
    if (next === null) return { status: 'pending', reason: 'nothing to release yet: sign-offs are recorded per release version' };
    const tally = tallySignOffs(gate, await ctx.signOffs(next));
    const line = (s: SignOff) => `${clip(s.who, 80)} on ${clip(s.when, 40)}${s.note ? `: ${clip(s.note, 120)}` : ''}`;
    const ignored = tally.notAllowed.length > 0 ? `not counted (not among the gate's "from"): ${tally.notAllowed.map((s) => clip(s.who, 80)).join(', ')}` : undefined;
    const details = [...tally.counted.map((s) => `signed off by ${line(s)}`), ...(ignored ? [ignored] : [])].join('\n') || undefined;
    if (!tally.satisfied) {
      const progress = tally.needed > 1 || tally.counted.length > 0 ? ` (${tally.counted.length} of ${plural(tally.needed, 'approval')})` : '';
      return { status: 'pending', reason: `awaiting sign-off for ${next}${progress}: ${clip(gate.description, 120)}`, fix: signOff, ...(details ? { details } : {}) };
    }
    if (tally.needed === 1) return { status: 'pass', reason: `signed off for ${next} by ${line(tally.counted[0]!)}`, ...(details ? { details } : {}) };
    return { status: 'pass', reason: `signed off for ${next} by ${plural(tally.counted.length, 'person', 'people')}: ${tally.counted.map((s) => clip(s.who, 80)).join(', ')}`, ...(details ? { details } : {}) };
  },
};
