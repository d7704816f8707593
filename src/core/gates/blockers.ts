import { once } from '../lazy';
import * as z from 'zod';
import type { GhIssue } from '../githubApi';
import { milestoneTitle } from '../plan/milestone';
import { clip, gateBase, listSome, plural, type GateKind } from './kind';
import type { GateOutcome } from './types';

/** Config of the blockers gate: no open issue or pull request with the blocker label or in the release milestone. */
export const blockersGateSchema = once(() => z.strictObject({
  kind: z.literal('blockers'),
  ...gateBase('No open release blockers', 30_000),
  label: z
    .string()
    .min(1)
    .max(100)
    // GitHub's issues query reads a comma as "and another label": a label with one would match nothing and let every blocker through.
    .refine((l) => !l.includes(','), 'must not contain "," (GitHub would read it as several labels, all required, and find no blockers)')
    .nullable()
    .default('release-blocker')
    .describe('Label that marks a blocker; null to not check labels.'),
  milestone: z
    .string()
    .min(1)
    .max(200)
    .nullable()
    .default('v{version}')
    .describe('Title of the release milestone ({version} is the next version); open items in it block. null to not check milestones; a milestone that does not exist blocks nothing.'),
}));
export type BlockersGate = z.infer<ReturnType<typeof blockersGateSchema>>;

/** Open blockers by label and by milestone. A query that fails throws: the engine makes it unknown, and unknown blocks. */
export const blockersKind: GateKind<BlockersGate> = {
  kind: 'blockers',
  async check(gate, ctx, signal): Promise<GateOutcome> {
    const api = await ctx.github();
    const { next, current } = (await ctx.release()).version;
    const version = next ?? current ?? '0.0.0';
    // A prerelease (1.3.0-rc.1) belongs to the milestone of its release (v1.3.0), as in the Plan and the milestone gate.
    const title = gate.milestone === null ? null : milestoneTitle(gate.milestone, version);
    const [labelled, inMilestone] = await Promise.all([
      gate.label !== null ? api.openWithLabel(gate.label, signal) : Promise.resolve([]),
      title !== null ? api.openInMilestone(title, signal) : Promise.resolve(null),
    ]);
    const blocking = new Map<number, GhIssue>();
    for (const i of [...labelled, ...(inMilestone ?? [])]) blocking.set(i.number, i);
    const checked = [gate.label !== null ? `label "${clip(gate.label, 40)}"` : '', title !== null ? `milestone "${clip(title, 40)}"${inMilestone === null ? ' (no such milestone)' : ''}` : '']
      .filter(Boolean)
      .join(' and ');
    if (blocking.size === 0) return { status: 'pass', reason: checked ? `nothing open with ${checked}` : 'no label or milestone configured' };
    const items = [...blocking.values()].sort((a, b) => a.number - b.number);
    return {
      status: 'fail',
      reason: `${plural(items.length, 'open blocker')}: ${listSome(items.map((i) => `#${i.number} ${clip(i.title, 40)}`))}`,
      fix: { label: 'Close or move them out of the release (remove the label or milestone), then check again' },
      details: items.map((i) => `#${i.number} ${i.isPull ? '(pull request) ' : ''}${clip(i.title, 200)}  ${i.url}`).join('\n'),
    };
  },
};
