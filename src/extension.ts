import * as vscode from 'vscode';

/** Composition root (work in progress: the real services land in the next commit). */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Release Manager', { log: true });
  context.subscriptions.push(log);
  for (const id of ['releaseManager.draftNotes', 'releaseManager.copyNextVersion', 'releaseManager.refresh', 'releaseManager.showLog', 'releaseManager.openConfig', 'releaseManager.openCommit', 'releaseManager.fixWarning', 'releaseManager.draftReleaseNotesFor']) {
    context.subscriptions.push(vscode.commands.registerCommand(id, () => log.info(`${id} (stub)`)));
  }
}

/** Nothing to tear down beyond the subscriptions. */
export function deactivate(): void {}
