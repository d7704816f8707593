/**
 * What the tree shows of GitHub for each repository: releases (drafts included), the CI state of
 * HEAD, and unfinished publishes from the journal (local, shown even offline and signed out).
 * Read silently (never a sign-in prompt), on demand, and cached until a refresh or a publish.
 */
import * as vscode from 'vscode';
import { GitHubError, ReleaseError } from '../core/errors';
import type { GhCheck, GhRelease } from '../core/githubApi';
import type { PublishJournal } from '../core/publish';
import type { Logger } from '../core/ports';
import { redactSecrets } from '../core/secrets';
import { FileJournalStore } from '../node/journal';
import type { GitHubConnector } from './github';
import type { ReleaseModel } from './releaseModel';

/** The GitHub part of one repository, or why it is missing. */
export type GitHubSnapshot =
  | { kind: 'ok'; repo: string; releases: GhRelease[]; head: string | null; checks: GhCheck[] | null }
  | { kind: 'signed-out'; message: string }
  | { kind: 'not-github'; message: string }
  | { kind: 'error'; message: string };

export class GitHubView implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, Promise<GitHubSnapshot>>();
  private readonly journals = new Map<string, PublishJournal[]>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly connector: GitHubConnector,
    private readonly log: Logger,
  ) {
    this.subs = [
      connector.onDidChange(() => this.invalidate()),
      model.onDidChange(() => {
        this.cache.clear();
        void this.loadJournals();
      }),
    ];
  }

  /** Drops what was read; the tree reads again on its next look. */
  invalidate(): void {
    this.cache.clear();
    void this.loadJournals();
  }

  /** The snapshot of a repository (read once, then cached). */
  snapshot(root: string): Promise<GitHubSnapshot> {
    let s = this.cache.get(root);
    if (!s) {
      s = this.read(root);
      this.cache.set(root, s);
    }
    return s;
  }

  /** Unfinished publishes of a repository (from the last journal read). */
  unfinished(root: string): PublishJournal[] {
    return this.journals.get(root) ?? [];
  }

  /** Reads every repository's journal again and tells the views. */
  async loadJournals(): Promise<void> {
    const next = new Map<string, PublishJournal[]>();
    for (const state of this.model.repositories) {
      const repo = this.model.repo(state.root);
      if (!repo) continue;
      try {
        const entries = await new FileJournalStore(repo.gitCommonDir).list();
        next.set(state.root, entries.filter((e) => e.step !== 'done'));
      } catch (e) {
        this.log.warn(`publish journal of ${state.root} unreadable: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const before = JSON.stringify([...this.journals]);
    this.journals.clear();
    for (const [k, v] of next) this.journals.set(k, v);
    if (JSON.stringify([...this.journals]) !== before) this.changed.fire();
  }

  private async read(root: string): Promise<GitHubSnapshot> {
    try {
      const api = await this.connector.connect(root, { interactive: false });
      const head = this.model.find(root)?.notes?.range.toHash ?? null;
      const [releases, checks] = await Promise.all([api.listReleases(), head ? api.checksFor(head).catch((e: unknown) => (this.logFailure(e), null)) : Promise.resolve(null)]);
      return { kind: 'ok', repo: `${api.repo.owner}/${api.repo.repo}`, releases, head, checks };
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'no-token') return { kind: 'signed-out', message: e.message };
      if (e instanceof GitHubError && e.code === 'not-github') return { kind: 'not-github', message: e.message };
      this.logFailure(e);
      return { kind: 'error', message: e instanceof ReleaseError ? e.message : 'Could not read GitHub (see the log)' };
    }
  }

  private logFailure(e: unknown): void {
    this.log.warn(`GitHub view: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
