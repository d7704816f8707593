import { once } from '../lazy';
import * as z from 'zod';
import { clip, gateBase, type GateKind } from './kind';
import type { GateOutcome } from './types';

/** Config of the pushed gate: the release commit exists on the remote branch on GitHub. */
export const pushedGateSchema = once(() => z.strictObject({
  kind: z.literal('pushed'),
  ...gateBase('Release commit pushed to GitHub', 30_000),
  branch: z.string().min(1).max(250).optional().describe('Remote branch that must contain the release commit; default: the current branch.'),
}));
export type PushedGate = z.infer<ReturnType<typeof pushedGateSchema>>;

/** Asks GitHub (not the local remote-tracking ref) whether the branch contains the release commit. */
export const pushedKind: GateKind<PushedGate> = {
  kind: 'pushed',
  async check(gate, ctx, signal): Promise<GateOutcome> {
    const [release, tree] = await Promise.all([ctx.release(), ctx.workingTree()]);
    const branch = gate.branch ?? tree.branch;
    if (!branch) return { status: 'fail', reason: 'HEAD is detached and the gate names no branch', fix: { label: 'Check out the release branch, or set branch in the gate config', action: { kind: 'openConfig' } } };
    const api = await ctx.github();
    const sha = release.range.toHash;
    const relation = await api.branchContains(branch, sha, signal);
    const where = `${clip(branch, 80)} on ${api.repo.owner}/${api.repo.repo}`;
    if (relation === 'contained') return { status: 'pass', reason: `${sha.slice(0, 12)} is on ${where}` };
    if (relation === 'unknown-commit') return { status: 'fail', reason: `GitHub does not have ${sha.slice(0, 12)} or branch ${clip(branch, 80)}: it is not pushed`, fix: { label: `Push it: git push origin ${clip(branch, 80)}` } };
    return { status: 'fail', reason: `${sha.slice(0, 12)} is not on ${where}`, fix: { label: `Push it (git push origin ${clip(branch, 80)}), or release from a commit on that branch` } };
  },
};
