import { once } from '../lazy';
import * as z from 'zod';
import { clip, gateBase, plural, type GateKind } from './kind';
import type { GateOutcome } from './types';

/** Config of an up-to-date-with-upstream gate. */
export const upToDateGateSchema = once(() => z.strictObject({
  kind: z.literal('upToDate'),
  ...gateBase('Up to date with upstream', 30_000),
  noUpstream: z.enum(['warn', 'fail']).default('warn').describe('Result when the branch has no upstream (or it is gone, or HEAD is detached).'),
  ahead: z.enum(['pass', 'warn', 'fail']).default('warn').describe('Result when there are local commits not pushed yet.'),
}));
/** A parsed up-to-date gate. */
export type UpToDateGate = z.infer<ReturnType<typeof upToDateGateSchema>>;

const STALE = 'as of the last fetch';

/** The branch is not behind or diverged from its upstream. Never fetches: the answer is as fresh as the last fetch. */
export const upToDateKind: GateKind<UpToDateGate> = {
  kind: 'upToDate',
  async check(gate, ctx): Promise<GateOutcome> {
    const t = await ctx.workingTree();
    const noUpstream = (reason: string, fix: string): GateOutcome => ({ status: gate.noUpstream, reason, fix: { label: fix } });
    if (t.branch === null) return noUpstream('HEAD is detached: there is no upstream to compare with', 'Check out the release branch');
    const branch = clip(t.branch, 120);
    if (t.upstream === null) return noUpstream(`${branch} has no upstream: cannot tell whether it is behind`, `Push it with an upstream: git push -u origin ${branch}`);
    const upstream = clip(t.upstream, 120);
    if (t.upstreamGone || t.ahead === null || t.behind === null) {
      return noUpstream(`the upstream ${upstream} of ${branch} is gone (${STALE})`, 'Push the branch again, or set another upstream (git branch -u)');
    }
    const fetch = { label: `Pull (git pull --ff-only), or fetch first to be sure: the counts are ${STALE}` };
    if (t.behind > 0 && t.ahead > 0) {
      return { status: 'fail', reason: `${branch} and ${upstream} have diverged: ${t.ahead} ahead, ${t.behind} behind (${STALE})`, fix: { label: 'Rebase or merge the upstream, then push' } };
    }
    if (t.behind > 0) return { status: 'fail', reason: `${branch} is ${plural(t.behind, 'commit')} behind ${upstream} (${STALE})`, fix: fetch };
    if (t.ahead > 0 && gate.ahead !== 'pass') {
      return { status: gate.ahead, reason: `${plural(t.ahead, 'local commit')} not pushed to ${upstream} (${STALE})`, fix: { label: 'Push them (git push) so the release commit exists upstream' } };
    }
    const ahead = t.ahead > 0 ? `, ${t.ahead} ahead` : '';
    return { status: 'pass', reason: `up to date with ${upstream}${ahead} (${STALE}; nothing was fetched)` };
  },
};
