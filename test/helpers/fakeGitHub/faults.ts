// The faults a test can make the fake GitHub inject (see FakeGitHub.inject): statuses, rate limits, hangs, resets,
// slow or tampered answers, each matched by method, path or operationId.

/** One fault: how the fake answers instead of (or after) the real handler. */
export type Fault =
  | { kind: 'status'; status: 401 | 403 | 404 | 409 | 422 | 500 | 502 | 503; body?: unknown; headers?: Record<string, string> }
  /** 403 "Resource not accessible by personal access token" naming the permission (default: the route's). */
  | { kind: 'permission'; permission?: string }
  /** Primary rate limit: 403 (or 429) with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`. */
  | { kind: 'rateLimit'; resetInSec: number; status?: 403 | 429 }
  /** Secondary rate limit: 403 with `retry-after`. */
  | { kind: 'secondaryRateLimit'; retryAfterSec: number }
  /** 429 with `retry-after` (GitHub's secondary-limit body). */
  | { kind: 'tooMany'; retryAfterSec: number }
  /** Never answers (until `close()`). */
  | { kind: 'hang' }
  /** Destroys the connection without an answer. */
  | { kind: 'reset' }
  /** Runs the real handler (state changes, tags are created) and then answers with the 5xx. */
  | { kind: 'afterApply'; status: 500 | 502 | 503 }
  /** Waits, then answers normally. */
  | { kind: 'delay'; ms: number }
  /** Runs the handler, then lets the test edit the body before validation (to prove validation). */
  | { kind: 'tamper'; edit: (body: unknown) => unknown }
  /**
   * Answers with this status and body instead of running the handler (nothing changes), validated
   * like any response: e.g. a deployments 202 `{ message }` for a SHA, or an undocumented answer.
   */
  | { kind: 'reply'; status: number; body?: unknown; headers?: Record<string, string> };

/** Which requests a fault applies to, and how many times. */
export interface FaultRule {
  /** HTTP method, any case; any method when absent. */
  method?: string;
  /** Path without the prefix and the query (e.g. `/repos/o/r/releases`): exact string or RegExp. */
  path?: string | RegExp;
  /** GitHub operationId, e.g. `repos/create-release`. */
  operationId?: string;
  /** How many matching requests it applies to (default 1; `Infinity` for all). */
  times?: number;
  fault: Fault;
}

/** A fault the fake applied, as recorded for the test. */
export interface FiredFault {
  kind: Fault['kind'];
  method: string;
  path: string;
  operationId: string | null;
}
