import * as vscode from 'vscode';
import type { CommandContext } from '../commandContext';
import { VIEWS } from '../ids';

/** Refresh: reads every repository again (and the announcement journals), with progress on the Release view. */
export function refreshCommand({ model, announcements }: Pick<CommandContext, 'model'> & Partial<Pick<CommandContext, 'announcements'>>) {
  return (): Thenable<void> =>
    vscode.window.withProgress({ location: { viewId: VIEWS.tree } }, () => {
      announcements?.refresh();
      return model.refresh();
    });
}
