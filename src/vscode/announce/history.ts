/**
 * What the release tree shows of announcements: per repository, the versions the delivery journal
 * (`<git common dir>/release-manager/announcements/<version>.json`, shared with the CLI) has records of,
 * newest first, each with its latest delivery per stage, audience and channel. Read on demand, cached
 * until a send or a refresh of the model.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import type { ReleaseModel } from '../releaseModel';
import { announcedVersions, type AnnouncedVersion } from './announcedVersions';

/** What a repository's announcements read: the versions, or why they could not be read. */
export type AnnounceSnapshot = { kind: 'ok'; versions: AnnouncedVersion[] } | { kind: 'error'; message: string };

/** Reads and caches the announcement journals of the model's repositories for the tree. */
export class AnnounceHistory implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a repository's announcements may have changed. */
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, Promise<AnnounceSnapshot>>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly log: Logger,
  ) {
    this.subs = [model.onDidChange(() => this.cache.clear())];
  }

  /** The announcements of the repository at `root`. */
  snapshot(root: string): Promise<AnnounceSnapshot> {
    let s = this.cache.get(root);
    if (!s) {
      s = this.read(root);
      this.cache.set(root, s);
    }
    return s;
  }

  /** Reads the journals again (after a send) and tells the tree. */
  refresh(root?: string): void {
    if (root) this.cache.delete(root);
    else this.cache.clear();
    this.changed.fire();
  }

  private async read(root: string): Promise<AnnounceSnapshot> {
    const repo = this.model.repo(root);
    if (!repo) return { kind: 'ok', versions: [] };
    try {
      return { kind: 'ok', versions: await announcedVersions(repo.gitCommonDir) };
    } catch (e) {
      const message = e instanceof Error ? e.message.split('\n')[0]!.slice(0, 300) : String(e);
      this.log.warn(`announcements of ${root} not read: ${message}`);
      return { kind: 'error', message: `Announcements could not be read: ${message}` };
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
