/**
 * The publish journal on disk: one small JSON file per release under the repository's git
 * directory (`.git/release-manager/journal/`), so the CLI and the editor see the same unfinished
 * work and nothing is committed by accident. Each write replaces the file in one rename.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalStore, PublishJournal } from '../core/publish';

export class FileJournalStore implements JournalStore {
  readonly dir: string;
  constructor(gitCommonDir: string) {
    this.dir = join(gitCommonDir, 'release-manager', 'journal');
  }

  private file(key: string): string {
    const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    const digest = createHash('sha256').update(key).digest('hex').slice(0, 12);
    return join(this.dir, `${readable}-${digest}.json`);
  }

  async read(key: string): Promise<PublishJournal | null> {
    let text: string;
    try {
      text = await readFile(this.file(key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return parseEntry(text);
  }

  async write(key: string, entry: PublishJournal): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const tmp = join(this.dir, `.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, JSON.stringify(entry, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
      await rename(tmp, target);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
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
