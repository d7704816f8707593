import * as vscode from 'vscode';
import { ConfigError, GitError, GitHubError, ReleaseError, UsageError } from '../core/errors';
import { COMMANDS } from './ids';
import { redactSecrets } from '../core/secrets';
import type { Logger } from '../core/ports';

/** A command body: may throw; the funnel turns errors into short messages with actions. */
export type CommandBody = (...args: unknown[]) => unknown;

/** Registers a command behind the one error funnel: logs, maps known errors to a short message with actions, never shows a stack. */
export function registerCommand(id: string, body: CommandBody, log: Logger): vscode.Disposable {
  let running: Promise<unknown> | undefined;
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    // A double click is one operation: a second invocation while the first runs joins it.
    if (running) return running;
    running = (async () => {
      try {
        return await body(...args);
      } catch (e) {
        void reportError(id, e, log);
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  });
}

/** Shows an error to the user the short way, with the actions that fix it. */
export async function reportError(id: string, e: unknown, log: Logger): Promise<void> {
  if ((e instanceof GitError || e instanceof GitHubError) && e.code === 'cancelled') {
    log.info(`${id}: cancelled`);
    return;
  }
  const message = e instanceof ReleaseError ? `${e.message} ${e.fix}` : `Unexpected error: ${e instanceof Error ? e.message : String(e)}`;
  log.error(`${id}: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
  const signIn = e instanceof GitHubError && (e.code === 'no-token' || e.code === 'unauthorized');
  const actions = e instanceof ConfigError ? ['Open Config', 'Show Log'] : signIn ? ['Sign in to GitHub', 'Show Log'] : ['Show Log'];
  const severity = e instanceof UsageError ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const pick = await severity(redactSecrets(message.split('\n')[0]!.slice(0, 500)), ...actions);
  if (pick === 'Show Log') await vscode.commands.executeCommand(COMMANDS.showLog);
  if (pick === 'Open Config') await vscode.commands.executeCommand(COMMANDS.openConfig);
  if (pick === 'Sign in to GitHub') await vscode.commands.executeCommand(COMMANDS.signIn);
}
