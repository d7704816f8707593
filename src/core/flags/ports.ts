/**
 * The ports of feature-flag rollouts: what a flag provider (Unleash first) must answer and do, the
 * state of one flag in one environment, its audit trail, where a token comes from, and the typed
 * fault an adapter raises once at its boundary. Vendor-neutral: no provider's names leak past here.
 */
import { ReleaseError } from '../errors';

/** Who last changed a flag, and when (ISO-8601). */
export interface FlagChange {
  who: string;
  when: string;
}

/** The state of one flag in one environment, as read back from the provider. */
export interface FlagState {
  flag: string;
  /** The provider's environment name (Unleash: its environment). */
  environment: string;
  /** Whether the flag is on in that environment. */
  enabled: boolean;
  /** Percent of users (0–100) the flag's gradual rollout exposes it to. */
  rollout: number;
  lastChange?: FlagChange;
}

/** One entry of a flag's audit trail (the provider's event log), newest first when listed. */
export interface FlagEvent {
  id: number;
  /** The provider's event type (Unleash: `feature-environment-enabled`, `feature-strategy-update`…). */
  type: string;
  flag: string;
  environment: string | null;
  who: string;
  when: string;
  /** The rollout after the change, when the event changed one. */
  rollout?: number;
}

/** Cancellation of one provider call. */
export interface FlagCallOptions {
  signal?: AbortSignal;
}

/** How a gradual rollout is set: the percentage's stickiness and group (Unleash `flexibleRollout`). */
export interface RolloutOptions extends FlagCallOptions {
  /** The context field users are bucketed by (default "default"). */
  stickiness?: string;
  /** The bucketing group (default: the flag name). */
  groupId?: string;
}

/** A feature-flag service: read a flag's state, set its gradual rollout, switch it on or off, read its audit trail. */
export interface FlagProvider {
  /** The provider kind (`unleash`). */
  readonly kind: string;
  /** Where a person looks at the flag in the provider's own UI (never carries a token). */
  flagUrl(flag: string, environment: string): string;
  /** The flag's state in the environment, read from the server (throws FlagProviderError; never guesses). */
  getState(flag: string, environment: string, options?: FlagCallOptions): Promise<FlagState>;
  /** Every flag of the project in the environment (for status without a flag name). */
  list(environment: string, options?: FlagCallOptions): Promise<FlagState[]>;
  /** Sets the percentage of the flag's gradual rollout in the environment (creates the rollout strategy when missing). */
  setRollout(flag: string, environment: string, percent: number, options?: RolloutOptions): Promise<void>;
  /** Switches the flag on in the environment. */
  enable(flag: string, environment: string, options?: FlagCallOptions): Promise<void>;
  /** Switches the flag off in the environment (the kill switch). */
  disable(flag: string, environment: string, options?: FlagCallOptions): Promise<void>;
  /** The flag's audit trail, newest first (bounded). */
  events(flag: string, options?: FlagCallOptions & { limit?: number }): Promise<FlagEvent[]>;
}

/** Where a token is looked up by name: environment variables in the CLI, SecretStorage in the editor. */
export interface SecretSource {
  /** The secret's value, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
}

/** Why a provider call failed: the token (missing permission, invalid), the flag, or the server (down, answering nonsense). */
export type FlagFaultCode = 'unauthorized' | 'forbidden' | 'not-found' | 'unreachable' | 'server' | 'invalid-response' | 'conflict';

/**
 * A provider call failed. Raised once at the adapter boundary; messages name the cause (and, for a
 * 403, the permission the token lacks) and never carry the token. `unreachable`, `server` and
 * `invalid-response` mean the state is unknown: a stage treats them as "unknown", never as passed.
 */
export class FlagProviderError extends ReleaseError {
  static override readonly kind: string = 'FlagProviderError';
  readonly code: FlagFaultCode;
  /** The permission the token lacks (403), as the provider names it. */
  readonly permission: string | undefined;
  /** The HTTP status, when there was an answer. */
  readonly status: number | undefined;
  constructor(code: FlagFaultCode, message: string, fix: string, extra: { permission?: string; status?: number } = {}) {
    super(message, fix);
    this.code = code;
    this.permission = extra.permission;
    this.status = extra.status;
  }
}

/** True when a fault leaves the flag's state unknown (the server down or answering nonsense), as opposed to a refusal. */
export function stateUnknown(e: unknown): boolean {
  return e instanceof FlagProviderError ? e.code === 'unreachable' || e.code === 'server' || e.code === 'invalid-response' : true;
}
