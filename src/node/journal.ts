/**
 * The publish journal on disk: one small JSON file per release under the repository's git
 * directory (`.git/release-manager/journal/`), so the CLI and the editor see the same unfinished
 * work and nothing is committed by accident. Each write replaces the file in one rename.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { journalDir, journalFile, readTextOrNull, writeFileAtomic } from './atomicFile';
import type { JournalStore, PublishJournal } from '../core/publish';

export class FileJournalStore implements JournalStore {
  readonly dir: string;
  constructor(gitCommonDir: string) {
    this.dir = journalDir(gitCommonDir);
  }

  async read(key: string): Promise<PublishJournal | null> {
    const text = await readTextOrNull(journalFile(this.dir, key));
    return text === null ? null : parseEntry(text);
  }

  async write(key: string, entry: PublishJournal): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(journalFile(this.dir, key), JSON.stringify(entry, null, 2) + '\n', 0o600);
  }

  async list(): Promise<PublishJournal[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const entries: PublishJournal[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const entry = parseEntry(await readFile(join(this.dir, name), 'utf8').catch(() => ''));
      if (entry) entries.push(entry);
    }
    return entries;
  }
}

/** A journal entry, or null for a file that is not one (hand-edited, truncated by a crash of another tool). */
function parseEntry(text: string): PublishJournal | null {
  try {
    const value = JSON.parse(text) as Partial<PublishJournal> | null;
    if (value && value.kind === 'publish' && value.version === 1 && typeof value.plan === 'object' && value.plan !== null && typeof value.step === 'string') {
      return value as PublishJournal;
    }
  } catch {
    // fall through
  }
  return null;
}
