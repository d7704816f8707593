import { once } from '../lazy';
import * as z from 'zod';
import { clip, gateBase, listSome, plural, type GateKind } from './kind';
import type { GateOutcome } from './types';

/** Config of a no-fixup-commits gate. */
export const noFixupsGateSchema = once(() => z.strictObject({
  kind: z.literal('noFixups'),
  ...gateBase('No fixup or WIP commits', 30_000),
  prefixes: z
    .array(z.string().min(1).max(50))
    .min(1)
    .default(() => ['fixup!', 'squash!', 'amend!', 'WIP', '[WIP]'])
    .describe('Subject prefixes (case-insensitive, followed by a non-letter or the end) that must not be released.'),
}));
/** A parsed no-fixups gate. */
export type NoFixupsGate = z.infer<ReturnType<typeof noFixupsGateSchema>>;

/** True when the subject starts with the prefix as a whole word (`WIP: x`, `wip`, not `wipe`). */
export function hasPrefix(subject: string, prefix: string): boolean {
  const s = subject.trimStart();
  if (s.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return false;
  const after = s.charAt(prefix.length);
  return after === '' || !/[\p{L}\p{N}]/u.test(after) || !/[\p{L}\p{N}]/u.test(prefix.charAt(prefix.length - 1));
}

/** No fixup!/squash!/amend!/WIP commit in the release range (merge commits aside), each one named. */
export const noFixupsKind: GateKind<NoFixupsGate> = {
  kind: 'noFixups',
  async check(gate, ctx): Promise<GateOutcome> {
    const commits = await ctx.rangeCommits();
    const bad = commits.filter((c) => !c.merge && gate.prefixes.some((p) => hasPrefix(c.subject, p)));
    if (bad.length === 0) return { status: 'pass', reason: `none in ${plural(commits.length, 'commit')} of the release range` };
    const named = bad.map((c) => `${c.hash.slice(0, 7)} ${clip(c.subject, 60)}`);
    return {
      status: 'fail',
      reason: `${plural(bad.length, 'commit')} to squash or reword before the release: ${listSome(named, 3)}`,
      fix: { label: 'Squash them (git rebase -i --autosquash) or reword them, then push' },
      details: bad.map((c) => `${c.hash} ${clip(c.subject, 200)}`).join('\n'),
    };
  },
};
