/**
 * The `FlagProvider` over Unleash's Admin API (tested against unleash-server 7.5.1): a flag's
 * environment on/off (`…/environments/:env/on|off`), its gradual rollout as a `flexibleRollout`
 * strategy (`rollout`, `stickiness`, `groupId`; created when missing, patched otherwise), and its
 * events (`/api/admin/events/:flag`) as the audit trail. Faults become one FlagProviderError at this
 * boundary: a 401 says the token is not accepted, a 403 names the permission the token lacks, a server
 * that does not answer is "unreachable" (the state is unknown). The token goes in the Authorization
 * header to the configured origin only (no redirects followed) and never into a message.
 */
import { FlagProviderError, type FlagCallOptions, type FlagEvent, type FlagProvider, type FlagState, type RolloutOptions } from '../core/flags/ports';
import { apiUrlProblem } from '../core/remote';
import { oneLine } from '../core/sanitize';
import { redactSecrets } from '../core/secrets';

/** How to reach an Unleash server. */
export interface UnleashProviderOptions {
  /** Base URL (https, or http on loopback). */
  url: string;
  project: string;
  token: string;
  /** What the token is called in messages (the environment variable or secret name). */
  tokenName?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

/** A strategy of a feature environment, as the Admin API returns it. */
interface UnleashStrategy {
  id: string;
  name: string;
  disabled?: boolean | null;
  constraints?: unknown[];
  segments?: unknown[];
  parameters?: Record<string, unknown>;
}

interface UnleashEnvironment {
  name: string;
  enabled: boolean;
  strategies?: UnleashStrategy[];
}

/** What each call needs of the token (the permission Unleash names in a 403). */
const PERMISSIONS = {
  read: 'READ (an admin token or a personal access token: client and frontend tokens cannot use the Admin API)',
  strategyUpdate: 'UPDATE_FEATURE_STRATEGY',
  strategyCreate: 'CREATE_FEATURE_STRATEGY',
  environment: 'UPDATE_FEATURE_ENVIRONMENT',
} as const;

const MAX_BODY = 4 * 1024 * 1024;
const MAX_LIST = 500;

/** Unleash, through its Admin API. */
export class UnleashProvider implements FlagProvider {
  readonly kind = 'unleash';
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly tokenName: string;

  constructor(private readonly options: UnleashProviderOptions) {
    const problem = apiUrlProblem(options.url);
    if (problem !== null) throw new FlagProviderError('invalid-response', `The Unleash URL is refused: ${problem.replace('the API URL', 'the URL')}.`, 'Use https (http only on 127.0.0.1, [::1] or localhost) and no credentials in flags.provider.url.');
    this.base = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.tokenName = options.tokenName ?? 'the Unleash token';
  }

  flagUrl(flag: string, environment: string): string {
    return `${this.base}/projects/${encodeURIComponent(this.options.project)}/features/${encodeURIComponent(flag)}?environment=${encodeURIComponent(environment)}`;
  }

  async getState(flag: string, environment: string, options: FlagCallOptions = {}): Promise<FlagState> {
    const feature = (await this.call('GET', this.featurePath(flag), { permission: PERMISSIONS.read, what: `read ${flag}`, flag, ...options })) as { name?: unknown; environments?: unknown } | null;
    const envs = Array.isArray(feature?.environments) ? (feature.environments as UnleashEnvironment[]) : null;
    if (envs === null) throw new FlagProviderError('invalid-response', `Unleash answered the read of ${flag} without its environments.`, 'Check that flags.provider.url points at the Unleash server (not its frontend or a proxy).');
    const env = envs.find((e) => e?.name === environment);
    if (!env) {
      throw new FlagProviderError('not-found', `${flag} has no environment "${environment}" in Unleash project ${this.options.project} (it has: ${envs.map((e) => String(e?.name)).join(', ') || 'none'}).`, 'Use an Unleash environment name (flags.rollouts[].environment or --env), or enable the environment for the project in Unleash.');
    }
    return { flag, environment, enabled: env.enabled === true, rollout: rolloutOf(env) };
  }

  async list(environment: string, options: FlagCallOptions = {}): Promise<FlagState[]> {
    const body = (await this.call('GET', `/api/admin/projects/${encodeURIComponent(this.options.project)}/features`, { permission: PERMISSIONS.read, what: `list the flags of project ${this.options.project}`, ...options })) as { features?: unknown } | null;
    if (!Array.isArray(body?.features)) throw new FlagProviderError('invalid-response', 'Unleash answered the list of flags without "features".', 'Check that flags.provider.url points at the Unleash server.');
    const names = (body.features as { name?: unknown }[]).map((f) => f?.name).filter((n): n is string => typeof n === 'string').slice(0, MAX_LIST);
    const out: FlagState[] = [];
    for (const name of names) {
      try {
        out.push(await this.getState(name, environment, options));
      } catch (e) {
        if (!(e instanceof FlagProviderError) || e.code !== 'not-found') throw e;
      }
    }
    return out;
  }

  async setRollout(flag: string, environment: string, percent: number, options: RolloutOptions = {}): Promise<void> {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`rollout must be an integer 0-100, got ${percent}`);
    const path = `${this.featurePath(flag)}/environments/${encodeURIComponent(environment)}/strategies`;
    const list = await this.call('GET', path, { permission: PERMISSIONS.read, what: `read the strategies of ${flag} in ${environment}`, flag, ...options });
    if (!Array.isArray(list)) throw new FlagProviderError('invalid-response', `Unleash answered the strategies of ${flag} in ${environment} with something else than a list.`, 'Check that flags.provider.url points at the Unleash server.');
    const existing = (list as UnleashStrategy[]).find((s) => s?.name === 'flexibleRollout');
    const stickiness = options.stickiness ?? 'default';
    const groupId = options.groupId ?? flag;
    if (existing) {
      const patch = [
        { op: existing.parameters && 'rollout' in existing.parameters ? 'replace' : 'add', path: '/parameters/rollout', value: String(percent) },
        { op: existing.parameters && 'stickiness' in existing.parameters ? 'replace' : 'add', path: '/parameters/stickiness', value: stickiness },
        { op: existing.parameters && 'groupId' in existing.parameters ? 'replace' : 'add', path: '/parameters/groupId', value: groupId },
      ];
      if (existing.disabled === true) patch.push({ op: 'replace', path: '/disabled', value: false as unknown as string });
      await this.call('PATCH', `${path}/${encodeURIComponent(existing.id)}`, { permission: PERMISSIONS.strategyUpdate, what: `set the rollout of ${flag} in ${environment}`, flag, body: patch, ...options });
      return;
    }
    await this.call('POST', path, {
      permission: PERMISSIONS.strategyCreate,
      what: `add a gradual rollout to ${flag} in ${environment}`,
      flag,
      body: { name: 'flexibleRollout', constraints: [], parameters: { rollout: String(percent), stickiness, groupId } },
      ...options,
    });
  }

  async enable(flag: string, environment: string, options: FlagCallOptions = {}): Promise<void> {
    await this.call('POST', `${this.featurePath(flag)}/environments/${encodeURIComponent(environment)}/on`, { permission: PERMISSIONS.environment, what: `switch ${flag} on in ${environment}`, flag, ...options });
  }

  async disable(flag: string, environment: string, options: FlagCallOptions = {}): Promise<void> {
    await this.call('POST', `${this.featurePath(flag)}/environments/${encodeURIComponent(environment)}/off`, { permission: PERMISSIONS.environment, what: `switch ${flag} off in ${environment}`, flag, ...options });
  }

  async events(flag: string, options: FlagCallOptions & { limit?: number } = {}): Promise<FlagEvent[]> {
    const body = (await this.call('GET', `/api/admin/events/${encodeURIComponent(flag)}`, { permission: PERMISSIONS.read, what: `read the events of ${flag}`, ...options })) as { events?: unknown } | null;
    if (!Array.isArray(body?.events)) throw new FlagProviderError('invalid-response', `Unleash answered the events of ${flag} without "events".`, 'Check that flags.provider.url points at the Unleash server.');
    const events = (body.events as Record<string, unknown>[]).map((e) => eventOf(flag, e)).filter((e): e is FlagEvent => e !== null);
    events.sort((a, b) => b.id - a.id);
    return events.slice(0, options.limit ?? 200);
  }

  private featurePath(flag: string): string {
    return `/api/admin/projects/${encodeURIComponent(this.options.project)}/features/${encodeURIComponent(flag)}`;
  }

  /** One Admin API request; the JSON answer (null for an empty body), or a FlagProviderError. */
  private async call(method: string, path: string, c: { permission: string; what: string; flag?: string; body?: unknown; signal?: AbortSignal }): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = c.signal ? AbortSignal.any([c.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.options.token,
          accept: 'application/json',
          'user-agent': this.options.userAgent ?? 'release-manager',
          ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (e) {
      if (c.signal?.aborted) throw e;
      const cause = (e as { cause?: { code?: unknown } }).cause;
      const detail = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : typeof cause?.code === 'string' ? cause.code : e instanceof Error ? e.message : String(e);
      throw new FlagProviderError('unreachable', `Unleash at ${this.base} did not answer (${this.safe(detail)}) when trying to ${c.what}; the flag's state is unknown.`, `Check that Unleash runs and that ${this.base} is reachable from here, then run the command again.`);
    }
    const text = await readBounded(res);
    if (res.status >= 200 && res.status < 300) {
      if (text.trim() === '') return null;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new FlagProviderError('invalid-response', `Unleash answered ${res.status} without JSON when trying to ${c.what}.`, 'Check that flags.provider.url points at the Unleash server (not its frontend or a proxy login page).', { status: res.status });
      }
    }
    const message = this.safe(messageOf(text));
    if (res.status === 401) {
      throw new FlagProviderError('unauthorized', `Unleash refused ${this.tokenName} (401${message ? `: ${message}` : ''}) when trying to ${c.what}: the token is invalid, expired or not an Admin API token.`, `Create an admin token or a personal access token in Unleash (Admin → API access) and put it in ${this.tokenName}.`, { status: 401 });
    }
    if (res.status === 403) {
      const named = /permission[=:\s]+([A-Z_]+)/.exec(message)?.[1];
      const permission = named ?? c.permission;
      throw new FlagProviderError('forbidden', `${this.tokenName} lacks the Unleash permission ${permission} in project ${this.options.project} (403${message ? `: ${message}` : ''}), needed to ${c.what}.`, `Give the token's user or role ${permission} in project ${this.options.project}, or use an admin token.`, { status: 403, permission });
    }
    if (res.status === 404) {
      throw new FlagProviderError('not-found', `Unleash does not know ${c.flag !== undefined ? `the flag ${c.flag} in project ${this.options.project}` : 'this'} (404${message ? `: ${message}` : ''}) when trying to ${c.what}.`, c.flag !== undefined ? `Create ${c.flag} in Unleash project ${this.options.project}, or fix the flag name or flags.provider.project.` : 'Check flags.provider.url and flags.provider.project.', { status: 404 });
    }
    if (res.status === 409) throw new FlagProviderError('conflict', `Unleash refused to ${c.what} (409${message ? `: ${message}` : ''}).`, 'Look at the flag in Unleash (a change request may be required).', { status: 409 });
    if (res.status >= 300 && res.status < 400) throw new FlagProviderError('invalid-response', `Unleash answered ${res.status} (a redirect, not followed with the token) when trying to ${c.what}.`, 'Set flags.provider.url to the final Unleash URL (https, without a trailing redirect).', { status: res.status });
    if (res.status >= 500) throw new FlagProviderError('server', `Unleash failed (${res.status}${message ? `: ${message}` : ''}) when trying to ${c.what}; the flag's state is unknown.`, 'Look at the Unleash server\'s log, then run the command again.', { status: res.status });
    throw new FlagProviderError('invalid-response', `Unleash refused to ${c.what} (${res.status}${message ? `: ${message}` : ''}).`, 'Check the flag, the environment and the token.', { status: res.status });
  }

  /** One safe line: no token, no control characters, bounded. */
  private safe(text: string): string {
    const line = redactSecrets(oneLine(text)).split(this.options.token).join('***');
    return line.length > 300 ? `${line.slice(0, 299)}…` : line;
  }
}

/** The rollout percent a feature environment exposes: its flexibleRollout's, 100 for an unconstrained default strategy (or none), else 0. */
export function rolloutOf(env: UnleashEnvironment): number {
  const active = (env.strategies ?? []).filter((s) => s && s.disabled !== true);
  if (active.length === 0) return env.enabled ? 100 : 0;
  const flexible = active.find((s) => s.name === 'flexibleRollout');
  const all = active.some((s) => s.name === 'default' && (s.constraints ?? []).length === 0 && (s.segments ?? []).length === 0);
  if (all) return 100;
  if (!flexible) return 0;
  const n = Number(flexible.parameters?.rollout);
  return Number.isFinite(n) ? Math.max(0, Math.min(100, Math.round(n))) : 0;
}

function eventOf(flag: string, e: Record<string, unknown>): FlagEvent | null {
  if (typeof e.id !== 'number' || typeof e.type !== 'string') return null;
  const data = (e.data ?? null) as { name?: unknown; parameters?: { rollout?: unknown } } | null;
  const rollout = data?.name === 'flexibleRollout' ? Number(data.parameters?.rollout) : NaN;
  return {
    id: e.id,
    type: e.type,
    flag: typeof e.featureName === 'string' ? e.featureName : flag,
    environment: typeof e.environment === 'string' ? e.environment : null,
    who: typeof e.createdBy === 'string' ? e.createdBy : 'unknown',
    when: typeof e.createdAt === 'string' ? e.createdAt : '',
    ...(Number.isFinite(rollout) ? { rollout } : {}),
  };
}

function messageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown; details?: { message?: unknown }[] } | null;
    if (typeof j?.message === 'string') return j.message;
    if (typeof j?.details?.[0]?.message === 'string') return j.details[0].message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
