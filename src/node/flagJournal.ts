/**
 * The flag rollout journals on disk, beside the deploy journals (`<git common dir>/release-manager/journal/`),
 * so the CLI and every editor window see the same rollout. A write is a compare-and-swap on
 * `revision` under a short lock file; the entry is replaced in one rename.
 */
import { mkdir } from 'node:fs/promises';
import { journalDir, journalFile, readTextOrNull, withLockFile, writeFileAtomic } from './atomicFile';
import { parseFlagJournal, type FlagJournal, type FlagJournalStore } from '../core/flags/journal';

/** The FlagJournalStore over files in the repository's git directory. */
export class FileFlagJournalStore implements FlagJournalStore {
  readonly dir: string;
  constructor(
    gitCommonDir: string,
    private readonly lockWaitMs = 2_000,
  ) {
    this.dir = journalDir(gitCommonDir);
  }

  /** The file of a key. */
  file(key: string): string {
    return journalFile(this.dir, key);
  }

  async read(key: string): Promise<FlagJournal | null> {
    const text = await readTextOrNull(this.file(key));
    return text === null ? null : parseFlagJournal(text);
  }

  async write(key: string, entry: FlagJournal, expectedRevision: number | null): Promise<'written' | 'conflict'> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const done = await withLockFile(`${target}.lock`, this.lockWaitMs, async () => {
      const current = await this.read(key);
      if ((current?.revision ?? null) !== expectedRevision) return 'conflict' as const;
      await writeFileAtomic(target, JSON.stringify(entry, null, 2) + '\n', 0o600);
      return 'written' as const;
    });
    return done?.value ?? 'conflict';
  }
}

/** A FlagJournalStore in memory (tests, and a window without a repository). */
export class MemoryFlagJournalStore implements FlagJournalStore {
  private readonly entries = new Map<string, string>();
  async read(key: string): Promise<FlagJournal | null> {
    const t = this.entries.get(key);
    return t === undefined ? null : parseFlagJournal(t);
  }
  async write(key: string, entry: FlagJournal, expectedRevision: number | null): Promise<'written' | 'conflict'> {
    const current = await this.read(key);
    if ((current?.revision ?? null) !== expectedRevision) return 'conflict';
    this.entries.set(key, JSON.stringify(entry));
    return 'written';
  }
}
