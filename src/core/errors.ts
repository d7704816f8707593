/** Where an error records the kinds it is (its class and its ancestors), shared by every bundle. */
const KINDS = Symbol.for('release-manager.error-kinds');

/**
 * Base of every expected, user-facing fault: carries the cause and the fix, never a stack for users.
 * `instanceof` works by kind, not by class identity: the GitHub code is a separate bundle
 * (dist/github.js) with its own copy of these classes, and its errors must still be recognised.
 */
export abstract class ReleaseError extends Error {
  /** The stable kind name of the class (class names do not survive minification). */
  static readonly kind: string = 'ReleaseError';
  /** What the user can do about it. */
  readonly fix: string;
  declare readonly [KINDS]: readonly string[];
  protected constructor(message: string, fix: string) {
    super(message);
    this.fix = fix;
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      const kind = (c as { kind?: unknown }).kind;
      if (typeof kind === 'string' && !kinds.includes(kind)) kinds.push(kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    this.name = kinds[0] ?? 'ReleaseError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    const kinds = typeof value === 'object' && value !== null ? (value as { [KINDS]?: unknown })[KINDS] : undefined;
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** The release configuration is unreadable or invalid; `problems` name each path. */
export class ConfigError extends ReleaseError {
  static override readonly kind: string = 'ConfigError';
  readonly problems: readonly string[];
  readonly file: string | undefined;
  /** The same problems with their JSON paths (for diagnostics placed in the file); empty path = the whole file. */
  readonly issues: readonly ConfigIssue[];
  constructor(message: string, problems: readonly string[], fix: string, file?: string, issues?: readonly ConfigIssue[]) {
    super(message, fix);
    this.problems = problems;
    this.file = file;
    this.issues = issues ?? problems.map((p) => ({ path: [], message: p }));
  }
}

/** One config problem at a JSON path. */
export interface ConfigIssue {
  path: readonly (string | number)[];
  message: string;
}

/** Git could not answer, or the repository is in a state that makes the answer wrong. */
export class GitError extends ReleaseError {
  static override readonly kind: string = 'GitError';
  /** A stable code callers can branch on, e.g. `shallow`, `bad-ref`, `not-a-repo`. */
  readonly code: GitErrorCode;
  constructor(code: GitErrorCode, message: string, fix: string) {
    super(message, fix);
    this.code = code;
  }
}

/** Stable identifiers of git faults. */
export type GitErrorCode =
  | 'git-missing'
  | 'git-too-old'
  | 'not-a-repo'
  | 'dubious-ownership'
  | 'shallow'
  | 'bad-ref'
  | 'unknown-ref'
  | 'no-commits'
  | 'bad-path'
  | 'cancelled'
  | 'failed';

/** The caller asked for something malformed (bad flag, bad ref syntax, bad option value). */
export class UsageError extends ReleaseError {
  static override readonly kind: string = 'UsageError';
  constructor(message: string, fix: string) {
    super(message, fix);
  }
}

/** Refused because the workspace is not trusted (Restricted Mode): the fix is to trust it (Manage Workspace Trust). */
export class TrustError extends UsageError {
  static override readonly kind: string = 'TrustError';
  constructor(message: string, fix: string) {
    super(message, fix);
  }
}

/** GitHub could not answer or refused; mapped once at the adapter boundary from HTTP statuses and network faults. */
export class GitHubError extends ReleaseError {
  static override readonly kind: string = 'GitHubError';
  readonly code: GitHubErrorCode;
  /** HTTP status when there was a response. */
  readonly status: number | undefined;
  /** For `forbidden`: the permission GitHub says is missing (from `x-accepted-github-permissions`), when it says. */
  readonly permission: string | undefined;
  /** For `rate-limited`: seconds until a retry may succeed. */
  readonly retryAfterSec: number | undefined;
  constructor(
    code: GitHubErrorCode,
    message: string,
    fix: string,
    details: { status?: number; permission?: string; retryAfterSec?: number } = {},
  ) {
    super(message, fix);
    this.code = code;
    this.status = details.status;
    this.permission = details.permission;
    this.retryAfterSec = details.retryAfterSec;
  }
}

/** Stable identifiers of GitHub faults. */
export type GitHubErrorCode =
  | 'no-token'
  | 'not-github'
  | 'host-blocked'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'not-found'
  | 'invalid'
  | 'conflict'
  | 'server'
  | 'timeout'
  | 'network'
  | 'cancelled'
  | 'unknown-outcome';

/** Formats a zod issue path as `gates[2].timeout`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}
