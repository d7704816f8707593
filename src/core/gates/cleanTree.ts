import { once } from '../lazy';
import * as z from 'zod';
import type { InProgressOperation } from './context';
import { clip, gateBase, plural, type GateKind } from './kind';

/** Config of a clean-working-tree gate. */
export const cleanTreeGateSchema = once(() => z.strictObject({
  kind: z.literal('cleanTree'),
  ...gateBase('Clean working tree', 30_000),
  allowUntracked: z.boolean().default(false).describe('Let untracked files through (they are still listed).'),
}));
/** A parsed clean-working-tree gate. */
export type CleanTreeGate = z.infer<ReturnType<typeof cleanTreeGateSchema>>;

const FINISH: Record<InProgressOperation, string> = {
  merge: 'git merge --continue or git merge --abort',
  rebase: 'git rebase --continue or git rebase --abort',
  'cherry-pick': 'git cherry-pick --continue or git cherry-pick --abort',
  revert: 'git revert --continue or git revert --abort',
  bisect: 'git bisect reset',
};

/** Nothing staged, modified, conflicted or (unless allowed) untracked; no merge or rebase in progress; no leftover index.lock. */
export const cleanTreeKind: GateKind<CleanTreeGate> = {
  kind: 'cleanTree',
  async check(gate, ctx) {
    const t = await ctx.workingTree();
    const problems: string[] = [];
    const fixes: string[] = [];
    if (t.indexLock !== null) {
      problems.push(`a leftover ${clip(t.indexLock, 200)} exists (another git process is running, or one crashed)`);
      fixes.push(`If no git process is running, delete ${clip(t.indexLock, 200)} yourself (Release Manager never deletes it)`);
    }
    for (const op of t.inProgress) {
      problems.push(`${op} in progress`);
      fixes.push(`Finish or abort it: ${FINISH[op]}`);
    }
    if (t.conflicted > 0) problems.push(`${plural(t.conflicted, 'conflicted file')}`);
    if (t.staged > 0) problems.push(`${plural(t.staged, 'staged file')}`);
    if (t.modified > 0) problems.push(`${plural(t.modified, 'modified file')}`);
    if (t.untracked > 0 && !gate.allowUntracked) problems.push(`${plural(t.untracked, 'untracked file')}`);
    const details = describeFiles(t.samples, { staged: t.staged, modified: t.modified, untracked: t.untracked, conflicted: t.conflicted });
    if (problems.length === 0) {
      const note = t.untracked > 0 ? ` (${plural(t.untracked, 'untracked file')} allowed)` : '';
      return { status: 'pass', reason: `working tree clean${note}`, ...(details ? { details } : {}) };
    }
    if (t.conflicted + t.staged + t.modified + t.untracked > 0) fixes.push('Commit or stash the changes (untracked files: add, ignore or delete them)');
    // Said where the files are listed: changes to the decision log and the sign-off file are never counted (Release Manager writes them).
    const notCounted = t.notCounted?.length ? `not counted (the decision log and the sign-off file, which Release Manager writes): ${t.notCounted.map((p) => clip(p, 300)).join(', ')}` : undefined;
    const all = [details, notCounted].filter((x) => x !== undefined).join('\n') || undefined;
    return { status: 'fail', reason: problems.join(', '), fix: { label: fixes.join('. ') }, ...(all ? { details: all } : {}) };
  },
};

function describeFiles(samples: Record<'staged' | 'modified' | 'untracked' | 'conflicted', string[]>, counts: Record<keyof typeof samples, number>): string | undefined {
  const lines: string[] = [];
  for (const key of ['conflicted', 'staged', 'modified', 'untracked'] as const) {
    if (counts[key] === 0) continue;
    lines.push(`${key} (${counts[key]}):`);
    for (const p of samples[key]) lines.push(`  ${clip(p, 300)}`);
    if (counts[key] > samples[key].length) lines.push(`  … ${counts[key] - samples[key].length} more`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}
