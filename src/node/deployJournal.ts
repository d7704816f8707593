/**
 * The deploy journals on disk, next to the publish journals (`<git common dir>/release-manager/journal/`),
 * so the CLI and every editor window see the same operations. A write is a compare-and-swap on
 * `revision`: under a short exclusive lock file the stored revision is checked, the new entry is
 * written to a temporary file and renamed over the old one (a reader sees the old or the new entry,
 * never half of one).
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { journalDir, journalFile, readTextOrNull, withLockFile, writeFileAtomic } from './atomicFile';
import type { DeployJournal } from '../core/deploy/journalTypes';
import type { DeployJournalStore } from '../core/deploy/ports';

export { STALE_LOCK_MS } from './atomicFile';

/** The DeployJournalStore over files in the repository's git directory. */
export class FileDeployJournalStore implements DeployJournalStore {
  readonly dir: string;
  constructor(
    gitCommonDir: string,
    private readonly lockWaitMs = 2_000,
  ) {
    this.dir = journalDir(gitCommonDir);
  }

  /** The file of a key (the same naming as the publish journal). */
  file(key: string): string {
    return journalFile(this.dir, key);
  }

  /** The driver lease of a key, beside its journal (see driverLease.ts). */
  driverLeaseFile(key: string): string {
    return `${this.file(key)}.driver`;
  }

  async read(key: string): Promise<DeployJournal | null> {
    const text = await readTextOrNull(this.file(key));
    return text === null ? null : parseDeployEntry(text);
  }

  async write(key: string, entry: DeployJournal, expectedRevision: number | null): Promise<'written' | 'conflict'> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    // Compare-and-swap under the lock: two writers never both see the revision they expect.
    const done = await withLockFile(`${target}.lock`, this.lockWaitMs, async () => {
      const current = await this.read(key);
      if ((current?.revision ?? null) !== expectedRevision) return 'conflict' as const;
      await writeFileAtomic(target, JSON.stringify(entry, null, 2) + '\n', 0o600);
      return 'written' as const;
    });
    return done?.value ?? 'conflict';
  }

  async list(): Promise<DeployJournal[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const entries: DeployJournal[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const entry = parseDeployEntry(await readFile(join(this.dir, name), 'utf8').catch(() => ''));
      if (entry) entries.push(entry);
    }
    return entries;
  }
}

/** A deploy journal entry, or null for a file that is not one (a publish journal, hand-edited, truncated). */
export function parseDeployEntry(text: string): DeployJournal | null {
  try {
    const v = JSON.parse(text) as Partial<DeployJournal> | null;
    if (v && v.kind === 'deploy' && v.version === 1 && typeof v.revision === 'number' && typeof v.plan === 'object' && v.plan !== null && Array.isArray(v.steps) && typeof v.env === 'object') {
      return v as DeployJournal;
    }
  } catch {
    // fall through
  }
  return null;
}
