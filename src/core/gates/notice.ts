import { once } from '../lazy';
import * as z from 'zod';
import { sentNotices } from '../announce/journal';
import { AUDIENCES, type Audience, type DeliveryRecord } from '../announce/types';
import { gateBase, plural, type GateKind } from './kind';
import type { GateOutcome } from './types';

const HOUR = 3_600_000;

/** Config of a stakeholder-notice gate: every required audience told at least `leadHours` before the deploy. */
export const noticeGateSchema = once(() => z.strictObject({
  kind: z.literal('notice'),
  ...gateBase('Stakeholder notice', 30_000),
  audiences: z
    .array(z.enum(['internal', 'external', 'support']))
    .min(1)
    .max(3)
    .optional()
    .describe('Audiences that must have had a notice (default: every audience with a channel in "announce").'),
  leadHours: z.number().min(0).max(24 * 60).optional().describe('Hours the notice must precede the deploy (default: announce.noticeHours, 48).'),
  environments: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be an environment name'))
    .min(1)
    .max(20)
    .default(() => ['production'])
    .describe('Deploys to these environments need the notice; other environments pass this gate.'),
}));
/** A parsed notice gate. */
export type NoticeGate = z.infer<ReturnType<typeof noticeGateSchema>>;

/** Why one notice does or does not count. */
type Judged = { ok: true; record: DeliveryRecord } | { ok: false; why: string; missingHours?: number };

/**
 * GO only when every required audience got a notice for this version at least `leadHours` before the
 * deploy (now); a notice whose content changed since, or that announced a later time than now (the
 * deploy moved earlier), does not count.
 */
export const noticeKind: GateKind<NoticeGate> = {
  kind: 'notice',
  async check(gate, ctx): Promise<GateOutcome> {
    if (ctx.environment !== undefined && !gate.environments.some((e) => e.toLowerCase() === ctx.environment!.toLowerCase())) {
      return { status: 'pass', reason: `no notice needed for ${ctx.environment} (only ${gate.environments.join(', ')})` };
    }
    if (!ctx.notices) return { status: 'unknown', reason: 'the announcement journal cannot be read here' };
    const facts = await ctx.notices();
    if (facts.version === null) return { status: 'pending', reason: 'nothing to release yet: notices are sent per release version' };
    const version = facts.version;
    const required = gate.audiences ?? (facts.served.length > 0 ? facts.served : [...AUDIENCES]);
    const lead = gate.leadHours ?? facts.noticeHours;
    const now = ctx.now().getTime();
    const notices = sentNotices(facts.records, version);
    const hashes = new Map<string, Promise<string>>();
    const hashFor = (a: Audience, p: string | null) => {
      const k = `${a}|${p ?? ''}`;
      let h = hashes.get(k);
      if (!h) hashes.set(k, (h = facts.currentHash(a, p)));
      return h;
    };
    const judge = async (r: DeliveryRecord): Promise<Judged> => {
      if (r.contentHash !== (await hashFor(r.audience, r.plannedAt))) return { ok: false, why: `the notice of ${day(r.sentAt!)} was for other content (the release changed since)` };
      const ahead = now - Date.parse(r.sentAt!);
      if (ahead < lead * HOUR) {
        const missing = Math.ceil((lead * HOUR - ahead) / HOUR);
        return { ok: false, why: `notice sent ${Math.floor(ahead / HOUR)} h ago; ${plural(missing, 'hour')} missing (${lead} h required)`, missingHours: missing };
      }
      if (r.plannedAt !== null && Date.parse(r.plannedAt) > now) return { ok: false, why: `the notice announced ${day(r.plannedAt)}: deploying now is earlier than announced` };
      return { ok: true, record: r };
    };
    const problems: string[] = [];
    const missingAudiences: Audience[] = [];
    const okLines: string[] = [];
    for (const audience of required) {
      const mine = notices.filter((r) => r.audience === audience);
      if (mine.length === 0) {
        missingAudiences.push(audience);
        problems.push(`${audience}: no notice sent for ${version}`);
        continue;
      }
      const judged = await Promise.all(mine.map(judge));
      const ok = judged.find((j): j is Extract<Judged, { ok: true }> => j.ok);
      if (ok) okLines.push(`${audience} on ${day(ok.record.sentAt!)} via ${ok.record.channel}`);
      else problems.push(`${audience}: ${(judged[0] as Extract<Judged, { ok: false }>).why}`);
    }
    if (problems.length === 0) {
      return { status: 'pass', reason: `notice of ${version} sent at least ${lead} h ahead to ${required.join(', ')}`, details: okLines.join('\n') };
    }
    const needed = required.filter((a) => !okLines.some((l) => l.startsWith(`${a} `)));
    const fix = {
      label: `Send notice now: release-manager announce --version ${version} --stage notice --at <deploy time> ${needed.map((a) => `--audience ${a}`).join(' ')} --send (then deploy ${lead} h later)`,
      action: { kind: 'sendNotice' as const, version, audiences: needed },
    };
    const lead0 = missingAudiences.length > 0 ? `missing notice for ${missingAudiences.join(', ')}` : 'notice not in time';
    return { status: 'fail', reason: `${lead0}: ${problems.join('; ')}`, fix, ...(okLines.length > 0 ? { details: okLines.join('\n') } : {}) };
  },
};

function day(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
