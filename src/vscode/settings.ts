import * as vscode from 'vscode';

/** The extension's settings, read through the trust-aware configuration API. */
export interface Settings {
  /** The git executable; a workspace value is ignored by VS Code until the workspace is trusted (restricted setting). */
  gitPath: string;
  statusBarEnabled: boolean;
  debounceMs: number;
}

/** Reads the current settings. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('releaseManager');
  // Restricted setting: in Restricted Mode take only the user's own value, whatever VS Code version we run in.
  const git = vscode.workspace.isTrusted ? c.get<string | null>('git.path') : c.inspect<string | null>('git.path')?.globalValue;
  return {
    gitPath: typeof git === 'string' && git.trim() !== '' ? git.trim() : 'git',
    statusBarEnabled: c.get<boolean>('statusBar.enabled', true),
    debounceMs: Math.min(10_000, Math.max(50, c.get<number>('refresh.debounceMs', 400))),
  };
}
