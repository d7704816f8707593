import * as z from 'zod';
import { clip, gateBase, type GateKind } from './kind';
import type { GateOutcome } from './types';

/** Config of a manual sign-off gate ("Rollback plan documented", "QA sign-off"). */
export const manualGateSchema = z.strictObject({
  kind: z.literal('manual'),
  ...gateBase('Manual sign-off', 10_000),
  description: z.string().min(1).max(1000).describe('What the person signing off confirms.'),
});
/** A parsed manual gate. */
export type ManualGate = z.infer<typeof manualGateSchema>;

/** Passes when someone signed this gate off for the release's next version; pending until then. */
export const manualKind: GateKind<ManualGate> = {
  kind: 'manual',
  async check(gate, ctx): Promise<GateOutcome> {
    const { next } = (await ctx.release()).version;
    const signOff = { label: `Sign off: ${clip(gate.description, 120)}`, action: { kind: 'signOff' as const, gateId: gate.id } };
    if (next === null) return { status: 'pending', reason: 'nothing to release yet: sign-offs are recorded per release version' };
    const mine = (await ctx.signOffs(next)).filter((s) => s.gateId === gate.id).sort((a, b) => b.when.localeCompare(a.when));
    const latest = mine[0];
    if (!latest) return { status: 'pending', reason: `awaiting sign-off for ${next}: ${clip(gate.description, 120)}`, fix: signOff };
    const note = latest.note ? `: ${clip(latest.note, 120)}` : '';
    return { status: 'pass', reason: `signed off for ${next} by ${clip(latest.who, 80)} on ${clip(latest.when, 40)}${note}` };
  },
};
