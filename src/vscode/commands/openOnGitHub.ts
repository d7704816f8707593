import * as vscode from 'vscode';

/** Open on GitHub: opens a tree item's http(s) link in the browser (anything else is ignored). */
export function openOnGitHubCommand() {
  return async (url?: unknown): Promise<boolean | undefined> => (typeof url === 'string' && /^https?:\/\//.test(url) ? vscode.env.openExternal(vscode.Uri.parse(url)) : undefined);
}
