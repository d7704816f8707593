import { once } from '../lazy';
import * as z from 'zod';
import { topFactors } from '../risk/assess';
import { clip, gateBase, type GateKind } from './kind';
import { tallySignOffs } from './manual';
import type { GateOutcome } from './types';

/** Config of a release-risk gate: high risk needs a named sign-off (and, with `risk.requireCanary`, a canary deploy). */
export const riskGateSchema = once(() => z.strictObject({
  kind: z.literal('risk'),
  ...gateBase('Release risk', 120_000),
  from: z
    .array(z.string().min(1).max(320))
    .min(1)
    .max(100)
    .optional()
    .describe('Only sign-offs of a high risk by these people count: git e-mail addresses or full git identities. Default: anyone.'),
}));
/** A parsed risk gate. */
export type RiskGate = z.infer<ReturnType<typeof riskGateSchema>>;

/** Low passes, medium warns, high fails until someone signs the risk off (and, when required, the deploy is a canary). */
export const riskKind: GateKind<RiskGate> = {
  kind: 'risk',
  async check(gate, ctx, signal): Promise<GateOutcome> {
    if (!ctx.risk) return { status: 'unknown', reason: 'the risk score cannot be computed here', fix: { label: 'Run release-manager risk in the repository' } };
    const facts = await ctx.risk(signal);
    const a = facts.assessment;
    const top = topFactors(a, 3).map((f) => `${f.label} ${f.points}`);
    const summary = `risk ${a.level} (score ${a.score}; medium from ${a.thresholds.medium}, high from ${a.thresholds.high})${top.length > 0 ? `: ${top.join(', ')}` : ''}`;
    const unknownNote = a.unknown.length > 0 ? `; not measured: ${a.unknown.join(', ')} (worst case ${a.worstCase.score}, ${a.worstCase.level})` : '';
    const details = a.factors.map((f) => `${f.points === null ? '   ?' : String(f.points).padStart(4)} / ${f.weight}  ${f.label}: ${f.value}${f.howTo && f.status === 'unknown' ? ` — ${f.howTo}` : ''}`).join('\n');
    if (a.level === 'low') return { status: a.unknown.length > 0 ? 'warn' : 'pass', reason: summary + unknownNote, details };
    if (a.level === 'medium') return { status: 'warn', reason: summary + unknownNote, details };
    if (a.release === null) return { status: 'pending', reason: `${summary}: nothing to release yet (sign-offs are per version)`, details };
    const tally = tallySignOffs({ id: gate.id, ...(gate.from ? { from: gate.from } : {}) }, await ctx.signOffs(a.release));
    const howTo = `A named sign-off of the high risk for ${a.release} (who, when, why): editor: the checklist's sign-off box; CLI: release-manager signoff --gate ${gate.id} --note "why it is acceptable"; then commit .release-manager/signoffs.json`;
    const missingCanary = facts.requireCanary && (facts.environment === null || facts.environment.strategy !== 'canary');
    const canaryText = facts.environment === null ? 'no target environment is configured' : `${facts.environment.name} deploys with the ${facts.environment.strategy} strategy`;
    if (!tally.satisfied) {
      return {
        status: 'fail',
        reason: `${summary}: needs a named sign-off${missingCanary ? ` and a canary deploy (${canaryText})` : ''}`,
        fix: { label: howTo + (missingCanary ? `; and set "strategy": { "kind": "canary", … } on ${facts.environment?.name ?? 'the production environment'} in .release-manager.json` : ''), action: { kind: 'signOff', gateId: gate.id } },
        details,
      };
    }
    const s = tally.counted[0]!;
    const by = `signed off by ${clip(s.who, 80)} on ${clip(s.when, 40)}${s.note ? `: ${clip(s.note, 120)}` : ''}`;
    if (missingCanary) {
      return {
        status: 'fail',
        reason: `${summary}; ${by}; but a high-risk release must deploy with a canary and ${canaryText}`,
        fix: { label: `Set "strategy": { "kind": "canary", … } on ${facts.environment?.name ?? 'the production environment'} in .release-manager.json (risk.requireCanary)`, action: { kind: 'openConfig' } },
        details,
      };
    }
    return { status: 'warn', reason: `${summary}; ${by}${facts.requireCanary ? `; ${canaryText}` : ''}`, details };
  },
};
