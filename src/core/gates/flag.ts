import { once } from '../lazy';
import * as z from 'zod';
import type { GateFlagState } from './context';
import { clip, gateBase, type GateKind } from './kind';
import type { GateOutcome } from './types';

const percent = once(() => z.number().min(0).max(100));

/** What a flag gate requires of the flag: on or off, and/or its exposure within bounds. */
export const flagExpectSchema = once(() => z
  .strictObject({
    enabled: z.boolean().optional().describe('The flag must be on (true) or off (false) in the environment.'),
    rollout: z
      .strictObject({
        min: percent().optional().describe('At least this percent of users get the flag (0 when the flag is off).'),
        max: percent().optional().describe('At most this percent of users get the flag (0 when the flag is off).'),
      })
      .refine((r) => r.min !== undefined || r.max !== undefined, 'give min, max or both')
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not be greater than max')
      .optional()
      .describe('Bounds of the exposure: the rollout percent while the flag is on, 0 while it is off.'),
  })
  .refine((e) => e.enabled !== undefined || e.rollout !== undefined, 'give enabled, rollout or both'));

/** Config of a flag gate: "new-checkout is off in production before the release". */
export const flagGateSchema = once(() => z.strictObject({
  kind: z.literal('flag'),
  ...gateBase('Feature flag state', 15_000),
  flag: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/, 'must be a feature flag name: 1-100 letters, digits, ".", "_", "~" or "-"')
    .describe('The feature flag (its name in the flag provider, e.g. Unleash).'),
  environment: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be an environment name: 1-100 letters, digits, ".", "_" or "-"')
    .describe("The flag provider's environment (Unleash's environment name, e.g. production)."),
  expect: flagExpectSchema().describe('What the flag must be: { "enabled": false }, { "rollout": { "max": 10 } }, or both.'),
}));
/** A parsed flag gate. */
export type FlagGate = z.infer<ReturnType<typeof flagGateSchema>>;

/** The share of users that get the flag: its rollout while on, 0 while off. */
export function exposure(state: GateFlagState): number {
  return state.enabled ? state.rollout : 0;
}

/** "off", "on at 10%". */
export function flagStateText(state: GateFlagState): string {
  return state.enabled ? `on at ${state.rollout}%` : state.rollout > 0 ? `off, rollout ${state.rollout}% when on` : 'off';
}

/** "off", "on", "on at 10–50% of users", "at most 10% of users". */
export function expectationText(expect: FlagGate['expect']): string {
  const parts: string[] = [];
  if (expect.enabled !== undefined) parts.push(expect.enabled ? 'on' : 'off');
  const r = expect.rollout;
  if (r) {
    if (r.min !== undefined && r.max !== undefined) parts.push(r.min === r.max ? `exposed to exactly ${r.min}% of users` : `exposed to ${r.min}–${r.max}% of users`);
    else if (r.min !== undefined) parts.push(`exposed to at least ${r.min}% of users`);
    else parts.push(`exposed to at most ${r.max}% of users`);
  }
  return parts.join(', ');
}

/** Judges a flag's state against a gate's expectation (pure): pass, or fail naming what differs and how to fix it. */
export function judgeFlag(gate: Pick<FlagGate, 'flag' | 'environment' | 'expect'>, state: GateFlagState): GateOutcome {
  const name = `${clip(gate.flag, 60)} in ${clip(gate.environment, 40)}`;
  const wanted = expectationText(gate.expect);
  const misses: string[] = [];
  if (gate.expect.enabled !== undefined && state.enabled !== gate.expect.enabled) misses.push(`it is ${state.enabled ? 'on' : 'off'}`);
  const r = gate.expect.rollout;
  const exposed = exposure(state);
  if (r?.min !== undefined && exposed < r.min) misses.push(`${exposed}% of users get it`);
  else if (r?.max !== undefined && exposed > r.max) misses.push(`${exposed}% of users get it`);
  if (misses.length === 0) return { status: 'pass', reason: `${name} is ${flagStateText(state)} (expected ${wanted})` };
  const fix =
    gate.expect.enabled === false
      ? `Turn ${clip(gate.flag, 60)} off in ${clip(gate.environment, 40)} (Kill Switch in the Flags view, or release-manager flag kill), then check again`
      : `Set ${clip(gate.flag, 60)} in ${clip(gate.environment, 40)} to ${wanted} (Ramp Up in the Flags view, or release-manager flag rollout --to), then check again`;
  return { status: 'fail', reason: `${name} should be ${wanted}, but ${misses.join(' and ')} (${flagStateText(state)})`, fix: { label: fix } };
}

/** Reads the flag's state from the provider and judges it. No provider: unknown; a provider that cannot tell throws (unknown, with its cause and fix). */
export const flagKind: GateKind<FlagGate> = {
  kind: 'flag',
  async check(gate, ctx, signal): Promise<GateOutcome> {
    if (ctx.flagsBlockedReason !== undefined) {
      return { status: 'unknown', reason: `flag state not read: ${ctx.flagsBlockedReason}`, fix: { label: 'Trust this workspace (Manage Workspace Trust), then check again' } };
    }
    if (!ctx.flagState) {
      return {
        status: 'unknown',
        reason: 'no flag provider is configured, so the flag state cannot be read',
        fix: { label: 'Add a "flags" section with the provider (e.g. Unleash) to .release-manager.json', action: { kind: 'openConfig' } },
      };
    }
    const state = await ctx.flagState(gate.flag, gate.environment, signal);
    if (state === null || typeof state !== 'object' || typeof state.enabled !== 'boolean' || typeof state.rollout !== 'number' || !Number.isFinite(state.rollout)) {
      return { status: 'unknown', reason: `the flag provider returned no valid state for ${clip(gate.flag, 60)} in ${clip(gate.environment, 40)}` };
    }
    return judgeFlag(gate, state);
  },
};
