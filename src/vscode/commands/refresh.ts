import * as vscode from 'vscode';
import type { CommandContext } from '../commandContext';
import { VIEWS } from '../ids';

/** Refresh: reads every repository again, with progress on the Release view. */
export function refreshCommand({ model }: Pick<CommandContext, 'model'>) {
  return (): Thenable<void> => vscode.window.withProgress({ location: { viewId: VIEWS.tree } }, () => model.refresh());
}
