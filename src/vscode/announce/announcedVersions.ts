/** The announced versions of a repository as the tree lists them, read from the delivery journals (no 'vscode': unit-tested). */
import { readdir } from 'node:fs/promises';
import { latestByKey } from '../../core/announce/journal';
import type { DeliveryRecord } from '../../core/announce/types';
import { AnnounceJournal, listDeliveries } from '../../node/announceJournal';

/** One version's announcements: its latest record per delivery, newest first. */
export interface AnnouncedVersion {
  version: string;
  deliveries: DeliveryRecord[];
  /** The newest confirmed send (for sorting and the row's description). */
  lastSentAt: string | null;
}

/** Versions listed in the tree (the newest). */
export const MAX_VERSIONS = 20;

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
