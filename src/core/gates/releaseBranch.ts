import { once } from '../lazy';
import * as z from 'zod';
import { branchMatches, clip, gateBase, listSome, type GateKind } from './kind';

const branchPattern = once(() => z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\s~^:?[\\\u0000-\u001f\u007f]|\.\.|@\{/.test(p), 'must be a branch name or pattern (* within a segment, ** across segments)'));

/** Config of a release-branch gate. */
export const releaseBranchGateSchema = once(() => z.strictObject({
  kind: z.literal('releaseBranch'),
  ...gateBase('On a release branch', 30_000),
  patterns: z
    .array(branchPattern())
    .min(1)
    .default(() => ['main', 'master', 'release/*', 'hotfix/*', 'maint/*', '*.x'])
    .describe('Branches a release may be cut from: * matches within a segment, ** across segments (["**"] = any branch).'),
}));
/** A parsed release-branch gate. */
export type ReleaseBranchGate = z.infer<ReturnType<typeof releaseBranchGateSchema>>;

/** HEAD is on a branch matching one of the patterns; a detached HEAD fails. */
export const releaseBranchKind: GateKind<ReleaseBranchGate> = {
  kind: 'releaseBranch',
  async check(gate, ctx) {
    const t = await ctx.workingTree();
    if (t.branch === null) {
      const where = t.head ? `HEAD is detached at ${t.head.slice(0, 7)}` : 'HEAD is not on a branch';
      return { status: 'fail', reason: `${where}: releases are cut from a branch`, fix: { label: 'Check out the release branch (git switch main)' } };
    }
    const name = clip(t.branch, 120);
    if (gate.patterns.some((p) => branchMatches(t.branch!, p))) {
      const any = gate.patterns.length === 1 && gate.patterns[0] === '**';
      return { status: 'pass', reason: any ? `on branch ${name}` : `on ${name}, a release branch` };
    }
    return {
      status: 'fail',
      reason: `on ${name}, which is not a release branch (${listSome(gate.patterns, 6)})`,
      fix: { label: 'Switch to a release branch, or add this branch to the gate\'s patterns', action: { kind: 'openConfig' } },
    };
  },
};
