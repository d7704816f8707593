/**
 * A FlagProvider in memory for the stage's unit tests: flags per environment, every call recorded,
 * faults injectable (the server down, a 403), and a hook to change a flag "behind the run's back".
 */
import { FlagProviderError, type FlagEvent, type FlagProvider, type FlagState } from '../../src/core/flags/ports';

/** A recorded provider call. */
export type FakeCall = { op: 'get' | 'list' | 'events'; flag: string; env: string } | { op: 'set'; flag: string; env: string; percent: number } | { op: 'on' | 'off'; flag: string; env: string };

/** The in-memory provider. */
export class FakeFlagProvider implements FlagProvider {
  readonly kind = 'fake';
  readonly flags = new Map<string, { enabled: boolean; rollout: number }>();
  readonly calls: FakeCall[] = [];
  readonly log: FlagEvent[] = [];
  /** When set, every call fails like a server that does not answer. */
  down = false;
  /** When set, writes fail with a 403 naming this permission. */
  forbidden: string | null = null;
  /** Called before each call (throw to inject a fault). */
  before?: (call: FakeCall) => void;

  constructor(initial: Record<string, { enabled: boolean; rollout: number }> = {}) {
    for (const [k, v] of Object.entries(initial)) this.flags.set(k, { ...v });
  }

  private key(flag: string, env: string): string {
    return `${flag}@${env}`;
  }

  /** The state a flag has now (test side, not recorded). */
  peek(flag: string, env: string): { enabled: boolean; rollout: number } {
    return { ...(this.flags.get(this.key(flag, env)) ?? { enabled: false, rollout: 0 }) };
  }

  /** Changes a flag as somebody else would (not recorded as a call of the run). */
  poke(flag: string, env: string, s: { enabled: boolean; rollout: number }): void {
    this.flags.set(this.key(flag, env), { ...s });
  }

  private enter(call: FakeCall, write: boolean): void {
    this.before?.(call);
    if (this.down) throw new FlagProviderError('unreachable', 'fake server down (ECONNREFUSED)', 'start it');
    if (write && this.forbidden) throw new FlagProviderError('forbidden', `token lacks ${this.forbidden}`, 'grant it', { permission: this.forbidden, status: 403 });
    this.calls.push(call);
  }

  flagUrl(flag: string, environment: string): string {
    return `http://fake/${flag}?environment=${environment}`;
  }

  async getState(flag: string, env: string): Promise<FlagState> {
    this.enter({ op: 'get', flag, env }, false);
    const s = this.flags.get(this.key(flag, env));
    if (!s) throw new FlagProviderError('not-found', `no flag ${flag}`, 'create it', { status: 404 });
    return { flag, environment: env, ...s };
  }

  async list(env: string): Promise<FlagState[]> {
    this.enter({ op: 'list', flag: '*', env }, false);
    return [...this.flags.entries()].filter(([k]) => k.endsWith(`@${env}`)).map(([k, s]) => ({ flag: k.split('@')[0]!, environment: env, ...s }));
  }

  async setRollout(flag: string, env: string, percent: number): Promise<void> {
    this.enter({ op: 'set', flag, env, percent }, true);
    const s = this.peek(flag, env);
    this.flags.set(this.key(flag, env), { ...s, rollout: percent });
    this.log.push({ id: this.log.length + 1, type: 'feature-strategy-update', flag, environment: env, who: 'fake', when: new Date(0).toISOString(), rollout: percent });
  }

  async enable(flag: string, env: string): Promise<void> {
    this.enter({ op: 'on', flag, env }, true);
    this.flags.set(this.key(flag, env), { ...this.peek(flag, env), enabled: true });
    this.log.push({ id: this.log.length + 1, type: 'feature-environment-enabled', flag, environment: env, who: 'fake', when: new Date(0).toISOString() });
  }

  async disable(flag: string, env: string): Promise<void> {
    this.enter({ op: 'off', flag, env }, true);
    this.flags.set(this.key(flag, env), { ...this.peek(flag, env), enabled: false });
    this.log.push({ id: this.log.length + 1, type: 'feature-environment-disabled', flag, environment: env, who: 'fake', when: new Date(0).toISOString() });
  }

  async events(flag: string): Promise<FlagEvent[]> {
    this.enter({ op: 'events', flag, env: '*' }, false);
    return this.log.filter((e) => e.flag === flag).reverse();
  }

  /** Only the writes, as short strings ("set 10", "on", "off"). */
  writes(): string[] {
    return this.calls.flatMap((c) => (c.op === 'set' ? [`set ${c.percent}`] : c.op === 'on' || c.op === 'off' ? [c.op] : []));
  }
}
