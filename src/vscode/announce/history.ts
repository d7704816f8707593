/**
 * What the release tree shows of announcements: per repository, the versions the delivery journal
 * (`<git common dir>/release-manager/announcements/<version>.json`, shared with the CLI) has records of,
 * newest first, each with its latest delivery per stage, audience and channel. Read on demand, cached
 * until a send or a refresh of the model.
 */
import { readdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import { latestByKey } from '../../core/announce/journal';
import type { DeliveryRecord } from '../../core/announce/types';
import type { Logger } from '../../core/ports';
import { AnnounceJournal, listDeliveries } from '../../node/announceJournal';
import type { ReleaseModel } from '../releaseModel';

/** One version's announcements: its latest record per delivery, newest first. */
export interface AnnouncedVersion {
  version: string;
  deliveries: DeliveryRecord[];
  /** The newest confirmed send (for sorting and the row's description). */
  lastSentAt: string | null;
}

/** What a repository's announcements read: the versions, or why they could not be read. */
export type AnnounceSnapshot = { kind: 'ok'; versions: AnnouncedVersion[] } | { kind: 'error'; message: string };

/** Versions listed in the tree (the newest). */
const MAX_VERSIONS = 20;

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

/** Every version with journaled announcements, newest send first, each with its latest record per delivery. */
export async function announcedVersions(gitCommonDir: string): Promise<AnnouncedVersion[]> {
  const dir = new AnnounceJournal(gitCommonDir).dir;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const versions = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
  const out: AnnouncedVersion[] = [];
  for (const version of versions) {
    let records: DeliveryRecord[];
    try {
      records = await listDeliveries(gitCommonDir, version);
    } catch {
      continue; // a file named like no version (or unreadable) is not ours to show
    }
    const deliveries = [...latestByKey(records).values()].sort((a, b) => (b.sentAt ?? b.attemptedAt).localeCompare(a.sentAt ?? a.attemptedAt));
    if (deliveries.length === 0) continue;
    const sent = deliveries.filter((d) => d.state === 'sent' && d.sentAt !== null).map((d) => d.sentAt!);
    out.push({ version, deliveries, lastSentAt: sent.length > 0 ? sent.sort().at(-1)! : null });
  }
  out.sort((a, b) => (b.lastSentAt ?? b.deliveries[0]!.attemptedAt).localeCompare(a.lastSentAt ?? a.deliveries[0]!.attemptedAt));
  return out.slice(0, MAX_VERSIONS);
}
