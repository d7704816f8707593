import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { describeError } from './errorReport';
import { COMMANDS } from './ids';
import { InvocationJoiner, invocationKey } from './invocationKey';

/** VS Code's own command that opens the Workspace Trust editor. */
export const MANAGE_TRUST = 'workbench.trust.manage';

/** A command body: may throw; the funnel turns errors into short messages with actions. */
export type CommandBody = (...args: unknown[]) => unknown;

/** Shows an error of `source` (a command id, a checklist message) the short way; the checklist's host uses it too. */
export type ErrorReporter = (source: string, e: unknown) => Promise<void>;

/** Registers a command behind the one error funnel: logs, maps known errors to a short message with actions, never shows a stack. */
export function registerCommand(id: string, body: CommandBody, log: Logger): vscode.Disposable {
  const joiner = new InvocationJoiner();
  return vscode.commands.registerCommand(id, (...args: unknown[]) => {
    // A double click is one operation: a second invocation with the same arguments joins the running one;
    // one with other arguments (another environment, another node) runs.
    const key = invocationKey(args);
    if (joiner.has(key)) log.info(`${id}: already running with the same arguments: joined`);
    return joiner.run(key, async () => {
      try {
        return await body(...args);
      } catch (e) {
        void reportError(id, e, log);
        return undefined;
      }
    });
  });
}

/** Shows an error to the user the short way, with the actions that fix it; logs refusals without a stack, faults with one. */
export async function reportError(source: string, e: unknown, log: Logger): Promise<void> {
  const report = describeError(source, e);
  log[report.logLevel](report.logText);
  if (report.severity === 'none') return;
  const show = report.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const pick = await show(report.message, ...report.actions);
  if (pick === 'Show Log') await vscode.commands.executeCommand(COMMANDS.showLog);
  if (pick === 'Open Config') await vscode.commands.executeCommand(COMMANDS.openConfig);
  if (pick === 'Sign in to GitHub') await vscode.commands.executeCommand(COMMANDS.signIn);
  if (pick === 'Manage Workspace Trust') await vscode.commands.executeCommand(MANAGE_TRUST);
}
