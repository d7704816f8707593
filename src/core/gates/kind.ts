import { once } from '../lazy';
import * as z from 'zod';
import { oneLine } from '../sanitize';
import type { GateContext } from './context';
import type { GateOutcome } from './types';

/** Gate ids: short, stable, safe in files, URLs and messages. */
export const gateIdSchema = once(() => z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .describe('Unique id of the gate (used for re-runs, sign-offs and the decision log).'));

/** The fields every gate has; each kind gives its own default title and timeout. */
export function gateBase(title: string, timeoutMs: number) {
  return {
    id: gateIdSchema(),
    title: z.string().min(1).max(200).default(title).describe('Name shown in the checklist and the verdict.'),
    required: z.boolean().default(true).describe('A required gate that does not pass makes the verdict NO-GO; an advisory one only warns.'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(timeoutMs)
      .describe('How long the gate may take (milliseconds); past it the gate is "unknown" (a command gate: killed and failed).'),
  };
}

/** A repository-relative path (no absolute paths, no `..`); the adapter checks symlinks after realpath. */
export const repoPathSchema = once(() => z
  .string()
  .min(1)
  .max(500)
  .refine((p) => !p.startsWith('/') && !p.startsWith('\\') && !/^[A-Za-z]:/.test(p), 'must be relative to the repository root')
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'must not leave the repository (no "..")')
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'must not contain control characters'));

/** A gate kind: how to check one configured gate of that kind. */
export interface GateKind<G extends { kind: string }> {
  readonly kind: G['kind'];
  /**
   * Extra time the engine waits past `timeoutMs` for a gate that enforces its own timeout
   * (a command gate kills its process tree and reports `fail` itself; the engine's deadline is the backstop).
   */
  readonly graceMs?: number;
  check(gate: G, ctx: GateContext, signal: AbortSignal): Promise<GateOutcome>;
}

/** "1 file", "2 files". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Untrusted text (commit subjects, file values) made a short, safe single line. */
export function clip(text: string, max = 80): string {
  const line = oneLine(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "a, b, c, … (4 more)". */
export function listSome(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

/** Matches a branch against a pattern: `*` within one path segment, `**` across segments. */
export function branchMatches(branch: string, pattern: string): boolean {
  const re = pattern
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${re}$`).test(branch);
}
