import { once } from '../lazy';
import * as z from 'zod';
import type { GhMilestoneItem } from '../githubApi';
import { findMilestone, milestonePatternsSchema, milestoneTitles, patternList, releaseLine } from '../plan/milestone';
import { dueText, planMilestone } from '../plan/plan';
import { clip, gateBase, listSome, plural, type GateKind } from './kind';
import type { GateOutcome, GateStatus } from './types';

/**
 * Config of the milestone gate: the release's scope (its GitHub milestone, found as the Plan finds it)
 * is done. Different from `blockers`: blockers are items marked as blocking (a label, one milestone
 * title); here every open item of the release milestone blocks, except those allowed to slip.
 */
export const milestoneGateSchema = once(() => z.strictObject({
  kind: z.literal('milestone'),
  ...gateBase('Release milestone done', 30_000),
  milestone: milestonePatternsSchema()
    .optional()
    .describe('Milestone title pattern(s) with {version}; omitted: plan.milestone of the config (default ["v{version}", "{version}"]).'),
  allowLabels: z
    .array(z.string().min(1).max(100))
    .max(50)
    .default([])
    .describe('Labels of open items that may slip to a later release: they do not block (the gate warns about them). Case-insensitive.'),
  noMilestone: z.enum(['warn', 'fail', 'pass']).default('warn').describe('Result when no milestone matches the patterns.'),
}));
export type MilestoneGate = z.infer<ReturnType<typeof milestoneGateSchema>>;

/** Open items of the release milestone block, except those with an allowed label; the fix opens the milestone. */
export const milestoneKind: GateKind<MilestoneGate> = {
  kind: 'milestone',
  async check(gate, ctx, signal): Promise<GateOutcome> {
    const { next, current } = (await ctx.release()).version;
    const version = next ?? current;
    const patterns = gate.milestone !== undefined ? patternList(gate.milestone) : patternList(ctx.milestonePatterns);
    if (version === null) return { status: 'skipped', reason: 'no release version (the repository has nothing to release)' };
    const api = await ctx.github();
    const found = findMilestone(await api.listMilestones(signal), patterns, version);
    if (found === null) {
      const tried = milestoneTitles(patterns, version).map((t) => `"${clip(t, 40)}"`).join(' or ');
      return {
        status: gate.noMilestone,
        reason: `no milestone for ${releaseLine(version)} (tried ${tried})`,
        fix: { label: `Create the milestone ${tried.split(' or ')[0]} on GitHub, or set plan.milestone (or this gate's milestone) to your titles`, action: { kind: 'openConfig' } },
      };
    }
    const m = planMilestone(found, ctx.now());
    const items = await api.milestoneItems(found.number, signal);
    const allowed = new Set(gate.allowLabels.map((l) => l.toLowerCase()));
    const open = items.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number);
    const slipping = open.filter((i) => i.labels.some((l) => allowed.has(l.toLowerCase())));
    const blocking = open.filter((i) => !slipping.includes(i));
    const title = clip(m.title, 40);
    const due = dueText(m, ctx.now());
    // The link is GitHub's answer: offered as an action only when it is a web address (the host opens http(s) only, too).
    const link = (label: string) => ({ label: `${label}: ${m.url}`, ...(/^https?:\/\//.test(m.url) ? { action: { kind: 'openUrl' as const, url: m.url } } : {}) });
    const fix = link('Close, merge or move them out of the milestone');
    const line = (i: GhMilestoneItem) => `#${i.number} ${i.isPull ? '(pull request) ' : ''}${clip(i.title, 200)}${i.labels.length ? ` [${i.labels.map((l) => clip(l, 40)).join(', ')}]` : ''}  ${i.url}`;
    const details = [...blocking.map(line), ...(slipping.length ? ['may slip:', ...slipping.map(line)] : [])].join('\n') || undefined;
    const mayslip = slipping.length ? `; ${plural(slipping.length, 'open item')} may slip (${listSome(slipping.map((i) => `#${i.number}`))})` : '';
    if (blocking.length > 0) {
      return {
        status: 'fail',
        reason: `${plural(blocking.length, 'open item')} in milestone ${title}, ${due}: ${listSome(blocking.map((i) => `#${i.number} ${clip(i.title, 40)}`))}${mayslip}`,
        fix,
        ...(details ? { details } : {}),
      };
    }
    const status: GateStatus = slipping.length > 0 ? 'warn' : 'pass';
    const closed = items.length - open.length;
    return {
      status,
      reason: slipping.length > 0 ? `nothing blocks milestone ${title}${mayslip}` : `milestone ${title}: all ${plural(closed, 'item')} closed`,
      ...(slipping.length > 0 ? { fix: link('Move the items that slip to a later milestone') } : {}),
      ...(details ? { details } : {}),
    };
  },
};
