import { once } from '../lazy';
import * as z from 'zod';
import type { GhCheck } from '../githubApi';
import { clip, gateBase, listSome, plural, type GateKind } from './kind';
import type { GateOutcome, GateStatus } from './types';

/** Config of the CI gate: check runs and commit statuses on the exact release commit. */
export const githubChecksGateSchema = once(() => z.strictObject({
  kind: z.literal('githubChecks'),
  ...gateBase('CI passing on the release commit', 60_000),
  noChecks: z.enum(['fail', 'warn', 'pass']).default('fail').describe('Result when the release commit has no check runs or statuses at all.'),
  ignore: z.array(z.string().min(1).max(200)).max(100).default([]).describe('Check or status names that do not count (exact names).'),
  require: z.array(z.string().min(1).max(200)).max(100).default([]).describe('Check or status names that must be present (and pass); missing ones are pending.'),
}));
export type GitHubChecksGate = z.infer<ReturnType<typeof githubChecksGateSchema>>;

const PASSING = new Set(['success', 'neutral', 'skipped']);
const FAILING = new Set(['failure', 'cancelled', 'timed_out', 'action_required', 'stale', 'error', 'startup_failure']);

/** How one check counts: pass, fail or pending (queued, in progress, waiting). */
export function checkState(check: GhCheck): 'pass' | 'fail' | 'pending' {
  if (check.status !== 'completed') return 'pending';
  if (check.conclusion !== null && PASSING.has(check.conclusion)) return 'pass';
  if (check.conclusion !== null && FAILING.has(check.conclusion)) return 'fail';
  return check.conclusion === null ? 'pending' : 'fail';
}

/** CI state of the release commit: every check and status of exactly that SHA, all pages read. */
export const githubChecksKind: GateKind<GitHubChecksGate> = {
  kind: 'githubChecks',
  async check(gate, ctx, signal): Promise<GateOutcome> {
    const sha = (await ctx.release()).range.toHash;
    const api = await ctx.github();
    const ignored = new Set(gate.ignore);
    const checks = (await api.checksFor(sha, signal)).filter((c) => !ignored.has(c.name));
    const short = sha.slice(0, 12);
    const failed = checks.filter((c) => checkState(c) === 'fail');
    const pending = checks.filter((c) => checkState(c) === 'pending');
    const missing = gate.require.filter((name) => !checks.some((c) => c.name === name));
    const details = checks.map((c) => `${checkState(c).padEnd(7)} ${c.source === 'status' ? 'status' : 'check '} ${clip(c.name, 100)}${c.conclusion ? ` (${c.conclusion})` : ` (${c.status})`}${c.url ? `  ${c.url}` : ''}`).join('\n');
    const names = (list: GhCheck[]) => listSome(list.map((c) => clip(c.name, 40)));
    if (failed.length > 0) {
      return { status: 'fail', reason: `${plural(failed.length, 'check')} failing on ${short}: ${names(failed)}`, fix: { label: 'Fix the failures and push; re-run flaky checks on GitHub' }, details };
    }
    if (checks.length === 0 && missing.length === 0) {
      const status: GateStatus = gate.noChecks;
      return { status, reason: `no CI checks or statuses on ${short}`, fix: { label: 'Push the release commit and let CI run on it, or set noChecks in the gate config' }, details };
    }
    if (pending.length > 0 || missing.length > 0) {
      const waiting = [...pending.map((c) => clip(c.name, 40)), ...missing.map((m) => `${clip(m, 40)} (not reported yet)`)];
      return { status: 'pending', reason: `${plural(waiting.length, 'check')} still running on ${short}: ${listSome(waiting)}`, fix: { label: 'Wait for CI to finish, then check again' }, details };
    }
    return { status: 'pass', reason: `${plural(checks.length, 'check')} passed on ${short}`, details };
  },
};
