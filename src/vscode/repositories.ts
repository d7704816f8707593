import * as vscode from 'vscode';
import type { Logger } from '../core/ports';

/** The part of the built-in Git extension's API we use (`vscode.git`, API version 1). */
interface GitExtensionApi {
  repositories: { rootUri: vscode.Uri; state: { onDidChange: vscode.Event<void> } }[];
  onDidOpenRepository: vscode.Event<{ rootUri: vscode.Uri; state: { onDidChange: vscode.Event<void> } }>;
  onDidCloseRepository: vscode.Event<{ rootUri: vscode.Uri }>;
}
interface GitExtension {
  enabled: boolean;
  getAPI(version: 1): GitExtensionApi;
}

/** Finds the repositories of the workspace and tells when they change (state or set). */
export class RepositoryDiscovery implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with a repository root when its state changed, or undefined when the set of repositories changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private api: GitExtensionApi | undefined;
  private readonly watched = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Roots of candidate repositories: from the Git extension when it is there, plus every workspace folder. */
  async roots(): Promise<string[]> {
    const roots = new Set<string>();
    const api = await this.gitApi();
    for (const r of api?.repositories ?? []) {
      roots.add(r.rootUri.fsPath);
      this.watch(r);
    }
    for (const f of vscode.workspace.workspaceFolders ?? []) if (f.uri.scheme === 'file') roots.add(f.uri.fsPath);
    return [...roots];
  }

  private watch(repo: { rootUri: vscode.Uri; state: { onDidChange: vscode.Event<void> } }): void {
    const root = repo.rootUri.fsPath;
    if (this.watched.has(root)) return;
    this.watched.add(root);
    this.disposables.push(repo.state.onDidChange(() => this.changed.fire(root)));
  }

  private async gitApi(): Promise<GitExtensionApi | undefined> {
    if (this.api) return this.api;
    try {
      const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
      if (!ext) return undefined;
      const exports = ext.isActive ? ext.exports : await ext.activate();
      if (!exports?.enabled) return undefined;
      this.api = exports.getAPI(1);
      this.disposables.push(
        this.api.onDidOpenRepository((r) => {
          this.watch(r);
          this.changed.fire(undefined);
        }),
        this.api.onDidCloseRepository(() => this.changed.fire(undefined)),
      );
      return this.api;
    } catch (e) {
      this.log.warn(`Git extension API unavailable, using workspace folders: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
