/**
 * The deploy journals on disk, next to the publish journals (`<git common dir>/release-manager/journal/`),
 * so the CLI and every editor window see the same operations. A write is a compare-and-swap on
 * `revision`: under a short exclusive lock file the stored revision is checked, the new entry is
 * written to a temporary file and renamed over the old one (a reader sees the old or the new entry,
 * never half of one).
 */
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { journalDir, journalFile, readTextOrNull, writeFileAtomic } from './atomicFile';
import type { DeployJournal } from '../core/deploy/journal';
import type { DeployJournalStore } from '../core/deploy/ports';

/** A lock older than this is left over from a crashed writer and is broken. */
export const STALE_LOCK_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  async read(key: string): Promise<DeployJournal | null> {
    const text = await readTextOrNull(this.file(key));
    return text === null ? null : parseDeployEntry(text);
  }

  async write(key: string, entry: DeployJournal, expectedRevision: number | null): Promise<'written' | 'conflict'> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const lock = `${target}.lock`;
    if (!(await this.lock(lock))) return 'conflict';
    try {
      const current = await this.read(key);
      if ((current?.revision ?? null) !== expectedRevision) return 'conflict';
      await writeFileAtomic(target, JSON.stringify(entry, null, 2) + '\n', 0o600);
      return 'written';
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }

  /** Takes the lock (O_EXCL), waiting a little for another writer; breaks a stale one. False when it stays taken. */
  private async lock(lock: string): Promise<boolean> {
    const until = Date.now() + this.lockWaitMs;
    for (;;) {
      try {
        await writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) {
        await unlink(lock).catch(() => undefined);
        continue;
      }
      if (Date.now() >= until) return false;
      await sleep(5 + Math.random() * 20);
    }
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
