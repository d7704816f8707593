/**
 * What the one error funnel shows and logs for an error, decided without 'vscode' (unit-tested in
 * plain Node): expected refusals are short warnings logged without a stack; faults are errors
 * logged with their stack; secrets are redacted from both.
 */
import { ConfigError, GitError, GitHubError, ReleaseError, TrustError, UsageError } from '../core/errors';
import { redactSecrets } from '../core/secrets';

/** An action button the funnel offers (each runs a command of the extension). */
export type ErrorAction = 'Open Config' | 'Sign in to GitHub' | 'Manage Workspace Trust' | 'Show Log';

/** What to show and log for one error of a command or a webview message. */
export interface ErrorReport {
  /** `none` for a cancellation (nothing is shown). */
  severity: 'none' | 'warning' | 'error';
  /** One line, redacted, at most 500 characters. */
  message: string;
  /** The buttons, most useful first. */
  actions: ErrorAction[];
  /** Expected refusals at info/warn, faults at error. */
  logLevel: 'info' | 'warn' | 'error';
  /** The log line (redacted); the stack only for faults. */
  logText: string;
}

/** Situations a user causes or can fix (not faults): logged without a stack. */
const EXPECTED_GIT = new Set<string>(['git-missing', 'git-too-old', 'not-a-repo', 'dubious-ownership', 'shallow', 'bad-ref', 'unknown-ref', 'no-commits', 'bad-path']);
const EXPECTED_GITHUB = new Set<string>(['no-token', 'not-github', 'host-blocked', 'unauthorized', 'forbidden', 'rate-limited', 'not-found']);

/** Whether an error is an expected situation (a refusal with a fix) rather than a fault. */
export function isExpected(e: unknown): boolean {
  if (e instanceof UsageError || e instanceof ConfigError) return true;
  if (e instanceof GitError) return EXPECTED_GIT.has(e.code);
  if (e instanceof GitHubError) return EXPECTED_GITHUB.has(e.code);
  return false;
}

/** Decides what the funnel shows and logs for `e`, thrown by `source` (a command id or `checklist.<message>`). */
export function describeError(source: string, e: unknown): ErrorReport {
  if ((e instanceof GitError || e instanceof GitHubError) && e.code === 'cancelled') {
    return { severity: 'none', message: '', actions: [], logLevel: 'info', logText: `${source}: cancelled` };
  }
  const text = e instanceof ReleaseError ? `${e.message} ${e.fix}` : `Unexpected error: ${e instanceof Error ? e.message : String(e)}`;
  const message = redactSecrets(text.split('\n')[0]!.slice(0, 500));
  const signIn = e instanceof GitHubError && (e.code === 'no-token' || e.code === 'unauthorized');
  const actions: ErrorAction[] = e instanceof ConfigError ? ['Open Config', 'Show Log'] : signIn ? ['Sign in to GitHub', 'Show Log'] : e instanceof TrustError ? ['Manage Workspace Trust', 'Show Log'] : ['Show Log'];
  const severity = e instanceof UsageError ? 'warning' : 'error';
  if (isExpected(e)) {
    const problems = e instanceof ConfigError && e.problems.length > 0 ? ` (${e.problems.join('; ')})` : '';
    return { severity, message, actions, logLevel: 'warn', logText: redactSecrets(`${source}: ${text}${problems}`) };
  }
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return { severity, message, actions, logLevel: 'error', logText: redactSecrets(`${source}: ${detail}`) };
}
