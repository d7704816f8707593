/**
 * The delivery journal of announcements: one file per version in the repository's git directory
 * (`<git common dir>/release-manager/announcements/<version>.json`, shared by the CLI and every editor
 * window), records oldest first. Writes happen under a short exclusive lock and replace the file atomically.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deliveryKey } from '../core/announce/journal';
import { AUDIENCES, STAGES, type DeliveryRecord } from '../core/announce/types';
import { UsageError } from '../core/errors';
import { readTextOrNull, withLockFile, writeFileAtomic } from './atomicFile';

/** Records kept per version (the oldest are dropped). */
export const DELIVERY_LIMIT = 1000;

interface JournalFile {
  kind: 'announcement-deliveries';
  version: 1;
  release: string;
  records: DeliveryRecord[];
}

/** Checks a version used as a file name (and in paths under release-announcements/). */
export function checkVersionName(version: string): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,99}$/.test(version) || version.includes('..')) {
    throw new UsageError(`${JSON.stringify(version.slice(0, 64))} is not a version.`, 'Use a version such as 1.4.0 (letters, digits, ".", "+", "_", "-").');
  }
  return version;
}

/** The announcement journal of one repository. */
export class AnnounceJournal {
  readonly dir: string;

  constructor(
    gitCommonDir: string,
    private readonly lockWaitMs = 5_000,
  ) {
    this.dir = join(gitCommonDir, 'release-manager', 'announcements');
  }

  /** The file of a version. */
  file(version: string): string {
    return join(this.dir, `${checkVersionName(version)}.json`);
  }

  /** Every record of a version, oldest first; a missing file is none, an unreadable one an error. */
  async list(version: string): Promise<DeliveryRecord[]> {
    const text = await readTextOrNull(this.file(version));
    return text === null ? [] : parseJournal(text, this.file(version)).records;
  }

  /** Appends a record (an attempt, before anything is sent). */
  async append(record: DeliveryRecord): Promise<void> {
    await this.update(record.version, (records) => [...records, record].slice(-DELIVERY_LIMIT));
  }

  /**
   * Appends an attempt only if the newest record of its key is still `expected` (what the decision to
   * send was based on): two processes deciding at once never both send. False when another got there first.
   */
  async appendIf(record: DeliveryRecord, expected: DeliveryRecord | undefined): Promise<boolean> {
    const key = deliveryKey(record);
    let appended = false;
    await this.update(record.version, (records) => {
      let latest: DeliveryRecord | undefined;
      for (const r of records) if (deliveryKey(r) === key) latest = r;
      const same = latest === undefined ? expected === undefined : expected !== undefined && latest.attemptedAt === expected.attemptedAt && latest.state === expected.state && latest.pid === expected.pid;
      if (!same) return records;
      appended = true;
      return [...records, record].slice(-DELIVERY_LIMIT);
    });
    return appended;
  }

  /** Replaces the newest record of the same key and attempt time (the attempt's answer). */
  async settle(record: DeliveryRecord): Promise<void> {
    const key = deliveryKey(record);
    await this.update(record.version, (records) => {
      let i = records.length - 1;
      while (i >= 0 && !(deliveryKey(records[i]!) === key && records[i]!.attemptedAt === record.attemptedAt)) i--;
      return i < 0 ? [...records, record] : records.map((r, j) => (j === i ? record : r));
    });
  }

  private async update(version: string, change: (records: DeliveryRecord[]) => DeliveryRecord[]): Promise<void> {
    const target = this.file(version);
    await mkdir(this.dir, { recursive: true });
    const done = await withLockFile(`${target}.lock`, this.lockWaitMs, async () => {
      const text = await readTextOrNull(target);
      const current = text === null ? [] : parseJournal(text, target).records;
      const file: JournalFile = { kind: 'announcement-deliveries', version: 1, release: version, records: change(current) };
      await writeFileAtomic(target, JSON.stringify(file, null, 2) + '\n', 0o600);
    });
    if (!done) throw new UsageError(`The announcement journal ${target} stays locked by another process.`, 'Wait for the other send to finish; if none runs, delete the .lock file.');
  }
}

/** Every journaled delivery of a version (what the tree and the notice gate read), oldest first. */
export function listDeliveries(gitCommonDir: string, version: string): Promise<DeliveryRecord[]> {
  return new AnnounceJournal(gitCommonDir).list(version);
}

/** The sha256 (hex) of an announcement's markdown: what the journal and the gate compare. */
export function contentHash(markdown: string): string {
  return createHash('sha256').update(markdown, 'utf8').digest('hex');
}

function parseJournal(text: string, file: string): JournalFile {
  let v: Partial<JournalFile> | null = null;
  try {
    v = JSON.parse(text) as Partial<JournalFile> | null;
  } catch {
    // fall through
  }
  if (!v || v.kind !== 'announcement-deliveries' || v.version !== 1 || !Array.isArray(v.records)) {
    throw new UsageError(`The announcement journal ${file} is not readable.`, 'Restore it or delete it (sent announcements are then unknown and may be sent again).');
  }
  const records = v.records.filter(
    (r): r is DeliveryRecord =>
      typeof r === 'object' && r !== null && typeof r.version === 'string' && STAGES.includes(r.stage) && AUDIENCES.includes(r.audience) && typeof r.channel === 'string' && typeof r.contentHash === 'string' && typeof r.attemptedAt === 'string' && ['attempted', 'sent', 'failed'].includes(r.state),
  );
  return { kind: 'announcement-deliveries', version: 1, release: String(v.release ?? ''), records };
}
