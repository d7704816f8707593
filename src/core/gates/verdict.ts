import type { GateResult, GateStatus, Verdict } from './types';

const PHRASE: Partial<Record<GateStatus, string>> = { fail: 'failing', unknown: 'unknown', pending: 'pending', skipped: 'not run' };
const MAX_REASON = 100;

/**
 * GO only when every required gate passes. A required gate that passes with a warning (`warn`)
 * lets the release go, listed as an advisory: a warning is by definition not a blocker (a freeze
 * starting in 2 days, no upstream to compare with). `fail`, `unknown` (could not check), `pending`
 * (awaiting sign-off) and `skipped` (not run: cancelled, untrusted) on a required gate block:
 * fail closed. Advisory gates never block.
 */
export function verdict(results: readonly GateResult[]): Verdict {
  const blocking = results.filter((r) => r.required && r.status !== 'pass' && r.status !== 'warn');
  const advisories = results.filter((r) => (r.required ? r.status === 'warn' : r.status !== 'pass'));
  const required = results.filter((r) => r.required).length;
  if (blocking.length > 0) {
    const statuses = new Set(blocking.map((r) => r.status));
    const mixed = statuses.size > 1;
    const phrase = mixed ? 'not passing' : PHRASE[blocking[0]!.status]!;
    const list = blocking.map((r) => `${r.title} (${mixed ? `${r.status}: ` : ''}${short(r.reason)})`).join(', ');
    const count = blocking.length === 1 ? '1 required gate' : `${blocking.length} required gates`;
    return { decision: 'NO-GO', summary: `NO-GO: ${count} ${phrase}: ${list}`, blocking, advisories };
  }
  const head = results.length === 0 ? 'GO: no gates configured' : required === 0 ? 'GO: no required gates' : `GO: ${required === 1 ? 'the required gate passes' : `all ${required} required gates pass`}`;
  const notes = advisories.length === 0 ? '' : `; ${advisories.length === 1 ? '1 advisory' : `${advisories.length} advisories`}: ${advisories.map((r) => `${r.title} (${r.status}: ${short(r.reason)})`).join(', ')}`;
  return { decision: 'GO', summary: head + notes, blocking, advisories };
}

function short(reason: string): string {
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
