/**
 * The one place an Octokit is built: throttling (requests queued, writes spaced, rate limits waited
 * out through the caller's countdown) and retry (reads only, on 5xx and network faults), a fetch
 * that refuses any URL outside the API the token belongs to and bounds every attempt with a
 * timeout, and the single mapping of HTTP and network faults to `GitHubError`.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck/light.js';
import { GitHubError } from '../core/errors';
import { apiUrlProblem, isSameApi } from '../core/remote';
import type { Logger } from '../core/ports';
import { redactSecrets } from '../core/secrets';

const RmOctokit = Octokit.plugin(throttling, retry);
export type RmOctokitInstance = InstanceType<typeof RmOctokit>;

export interface GitHubClientOptions {
  apiUrl: string;
  token: string;
  logger?: Logger;
  /**
   * Waits out a rate limit of `seconds` (a visible countdown in the editor, a message in the CLI);
   * resolves true to retry, false when the user cancelled. Without it a rate limit is an error.
   */
  waitForRateLimit?: (seconds: number, signal?: AbortSignal) => Promise<boolean>;
  /** Per attempt, default 30 s. */
  timeoutMs?: number;
  /** Base of the retry back-off of reads in ms (attempt n waits n² × base × jitter), default 1000. */
  retryBaseMs?: number;
  /** Minimum spacing of write requests (GitHub asks for ≥ 1 s to avoid secondary limits; 3 s for ones that notify), default 1000 / 3000. */
  writeSpacingMs?: number;
  userAgent?: string;
}

/** Thrown by our fetch for a URL outside the API: named AbortError so Octokit passes it through unretried. */
class BlockedRequest extends Error {
  constructor(readonly url: string) {
    super('blocked request outside the GitHub API');
    this.name = 'AbortError';
  }
}

/** OS errors that mean the host cannot be reached at all (offline, no DNS, no route): retrying in seconds does not help. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN']);

/**
 * Thrown by our fetch when the API host cannot be reached at all. Named AbortError so that Octokit
 * passes it through unwrapped and its retry plugin does not retry it: offline is said at once.
 */
class Unreachable extends Error {
  constructor(
    readonly host: string,
    readonly code: string,
  ) {
    super(`${host} cannot be reached (${code})`);
    this.name = 'AbortError';
  }
}

/** Thrown by our fetch when an attempt times out: a plain error, so Octokit reports it as a retryable network fault. */
class AttemptTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${Math.round(ms / 1000)} s`);
    this.name = 'AttemptTimeout';
  }
}

/** An Octokit bound to one API origin and token. Throws GitHubError('host-blocked') for an API URL that may not receive a token. */
export function createOctokit(options: GitHubClientOptions): RmOctokitInstance {
  const problem = apiUrlProblem(options.apiUrl);
  if (problem) {
    throw new GitHubError('host-blocked', `Refusing to send the GitHub token: ${problem}.`, 'Use https://api.github.com or your GitHub Enterprise Server URL (https://HOST/api/v3).');
  }
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const log = options.logger;
  const guardedFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const target = String(url);
    if (!isSameApi(target, apiUrl)) {
      log?.warn(`GitHub: refused a request outside ${apiUrl}`);
      throw new BlockedRequest(target);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await fetch(url, { ...init, signal });
    } catch (e) {
      if (timeout.aborted && !init?.signal?.aborted) throw new AttemptTimeout(timeoutMs);
      const code = (e as { cause?: { code?: unknown } }).cause?.code;
      if (typeof code === 'string' && UNREACHABLE.has(code)) throw new Unreachable(new URL(target).host, code);
      throw e;
    }
  };
  const onLimit = async (retryAfter: number, requestOptions: { method?: string; url?: string; request?: { signal?: AbortSignal } }, _octokit: unknown, retryCount: number): Promise<boolean> => {
    log?.warn(`GitHub: rate limited on ${requestOptions.method ?? ''} ${requestOptions.url ?? ''}; retry in ${retryAfter} s`);
    if (!options.waitForRateLimit || retryCount >= 2) return false;
    return options.waitForRateLimit(retryAfter, requestOptions.request?.signal);
  };
  const jitter = 0.5 + Math.random();
  const octokit = new RmOctokit({
    auth: options.token,
    baseUrl: apiUrl,
    userAgent: options.userAgent ?? 'release-manager',
    request: { fetch: guardedFetch },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => log?.warn(`GitHub: ${redactSecrets(m)}`),
      error: (m: string) => log?.warn(`GitHub: ${redactSecrets(m)}`),
    },
    throttle: {
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
      // The waiting is done by waitForRateLimit (visible, cancellable): the plugin itself waits 0.
      retryAfterBaseValue: 0,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs ?? 1000 }),
      // Writes that notify people (creating a release does) are spaced more: GitHub's guidance, 3 s.
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs ?? 3000 }),
    },
    retry: { retryAfterBaseValue: Math.round((options.retryBaseMs ?? 1000) * jitter), retries: 3 },
  });
  // Writes are never retried blindly: the caller reads back what happened and decides.
  octokit.hook.before('request', (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      request.request = { ...request.request, retries: 0 };
    }
  });
  octokit.hook.after('request', (response, request) => {
    log?.debug(`GitHub: ${request.method} ${pathOf(request.url)} → ${response.status}`);
  });
  return octokit;
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return '';
  }
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers: Record<string, string | undefined>; data?: unknown };
  cause?: unknown;
  request?: { method?: string; url?: string };
}

function isRequestError(e: unknown): e is RequestErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number' && 'request' in e;
}

/**
 * Maps any fault from an Octokit call to a GitHubError naming the cause and the fix. `what` names the
 * operation ("reading the releases of o/r"); `signal` tells a user's cancel apart from a timeout.
 */
export function toGitHubError(e: unknown, what: string, signal?: AbortSignal, now: () => number = Date.now): GitHubError {
  if (e instanceof GitHubError) return e;
  if (signal?.aborted) return new GitHubError('cancelled', `Cancelled while ${what}.`, 'Run the command again to continue.');
  if (e instanceof BlockedRequest) {
    return new GitHubError('host-blocked', `Refused a request outside the GitHub API while ${what}; the token was not sent.`, 'Check the GitHub API URL setting (or GITHUB_API_URL).');
  }
  if (e instanceof Unreachable) {
    const why = e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'its name does not resolve' : 'there is no route to it';
    return new GitHubError('network', `GitHub cannot be reached while ${what}: ${why} (${e.host}, ${e.code}). Is this machine offline?`, 'Connect to the network (check the proxy, VPN or GITHUB_API_URL), then run the command again.');
  }
  if (e instanceof Error && (e.name === 'TimeoutError' || e instanceof AttemptTimeout)) {
    return new GitHubError('timeout', `GitHub did not answer in time while ${what}.`, 'Check the network and GitHub status, then try again.');
  }
  if (!isRequestError(e)) {
    const message = e instanceof Error ? e.message : String(e);
    return new GitHubError('network', `Could not reach GitHub while ${what}: ${redactSecrets(message)}.`, 'Check the network (proxy, VPN) and try again.');
  }
  const headers = e.response?.headers ?? {};
  const status = e.status;
  const apiMessage = messageOf(e.response?.data) ?? '';
  if (!e.response) {
    if (e.cause instanceof AttemptTimeout) {
      return new GitHubError('timeout', `GitHub did not answer in time while ${what} (${e.cause.message}).`, 'Check the network and GitHub status, then try again.');
    }
    return new GitHubError('network', `Could not reach GitHub while ${what}: ${redactSecrets(e.message)}.`, 'Check the network (proxy, VPN) and try again.');
  }
  if (status === 401) {
    return new GitHubError('unauthorized', `GitHub rejected the token (401${apiMessage ? ` ${apiMessage}` : ''}) while ${what}.`, 'Sign in to GitHub again (or set a valid GITHUB_TOKEN for the CLI).', { status });
  }
  if (status === 403 || status === 429) {
    const retryAfterSec = rateLimitWait(headers, apiMessage, status, now);
    if (retryAfterSec !== undefined) {
      return new GitHubError('rate-limited', `GitHub's rate limit was hit while ${what}; it resets in ${retryAfterSec} s.`, `Wait ${retryAfterSec} s and try again.`, { status, retryAfterSec });
    }
    const permission = headers['x-accepted-github-permissions'];
    const needs = permission ? permissionLabel(permission) : undefined;
    return new GitHubError(
      'forbidden',
      `GitHub refused ${what} (403${apiMessage ? `: ${apiMessage}` : ''})${needs ? `; it needs ${needs}` : ''}.`,
      needs ? `Use a token or sign-in with ${needs} on this repository.` : 'Use an account with write access to the repository, or ask an admin.',
      { status, permission },
    );
  }
  if (status === 404) {
    return new GitHubError('not-found', `GitHub has no such resource while ${what} (404), or the token cannot see it.`, 'Check the repository, tag or ref, and that the account can access it.', { status });
  }
  if (status === 409 || status === 422) {
    const details = validationDetails(e.response.data);
    return new GitHubError(status === 409 ? 'conflict' : 'invalid', `GitHub rejected ${what} (${status}${apiMessage ? ` ${apiMessage}` : ''}${details ? `: ${details}` : ''}).`, 'Check the values sent; nothing was changed by this request.', { status });
  }
  if (status >= 500) {
    return new GitHubError('server', `GitHub failed while ${what} (${status}).`, 'GitHub may be having problems; try again in a minute (https://www.githubstatus.com).', { status });
  }
  return new GitHubError('server', `GitHub answered ${status} while ${what}${apiMessage ? `: ${apiMessage}` : ''}.`, 'Try again; if it persists, check the log.', { status });
}

/** Seconds to wait when a 403/429 is a rate limit (primary: remaining 0 + reset; secondary: retry-after or the message), else undefined. */
function rateLimitWait(headers: Record<string, string | undefined>, message: string, status: number, now: () => number): number | undefined {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) return Math.max(0, Math.ceil(retryAfter));
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - now() / 1000) + 1) : 60;
  }
  if (status === 429 || /rate limit/i.test(message)) return 60;
  return undefined;
}

function permissionLabel(header: string): string {
  // "contents=write; pull_requests=read" or "contents=write, issues=write" (alternatives)
  return header
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const [scope = p, level = 'read'] = p.split('=');
      return `${scope.replace(/_/g, ' ')}: ${level}`;
    })
    .join(' or ');
}

function messageOf(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    return redactSecrets((data as { message: string }).message).slice(0, 300);
  }
  return undefined;
}

function validationDetails(data: unknown): string {
  const errors = (data as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return '';
  return errors
    .map((x: unknown) => {
      if (typeof x === 'string') return x;
      const err = x as { resource?: string; field?: string; code?: string; message?: string };
      return err.message ?? [err.resource, err.field, err.code].filter(Boolean).join(' ');
    })
    .join('; ')
    .slice(0, 300);
}

/** True for a 422 whose errors say the resource already exists (a tag ref or a release for the tag). */
export function isAlreadyExists(e: unknown): boolean {
  if (!isRequestError(e) || e.status !== 422) return false;
  const data = e.response?.data as { message?: string; errors?: unknown } | undefined;
  if (data?.message && /already exists/i.test(data.message)) return true;
  return Array.isArray(data?.errors) && data.errors.some((x: unknown) => typeof x === 'object' && x !== null && (x as { code?: string }).code === 'already_exists');
}
