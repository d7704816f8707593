/**
 * The publish journal on disk: one small JSON file per release under the repository's git
 * directory (`.git/release-manager/journal/`), so the CLI and the editor see the same unfinished
 * work and nothing is committed by accident. Each write replaces the file in one rename.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { journalDir, journalFile, readTextOrNull, writeFileAtomic } from './atomicFile';
import type { JournalStore, PublishHolder, PublishJournal, PublishLock } from '../core/publish';
import { processAlive } from './session';

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

  /**
   * The lock of one publish: a file beside its journal entry, created exclusively, naming the holder
   * (pid, host, since). A lock left by a process of this machine that no longer runs is broken; one
   * from another machine is reported, never broken (this machine cannot tell whether it still runs).
   */
  async lock(key: string): Promise<PublishLock> {
    await mkdir(this.dir, { recursive: true });
    const path = journalFile(this.dir, key).replace(/\.json$/, '.lock');
    const token = randomBytes(8).toString('hex');
    const me = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token };
    let holder: (PublishHolder & { token: string }) | null = null;
    for (let attempt = 0; attempt < 5; attempt++) {
      // Written aside, then linked into place: the lock appears whole, with its holder, or not at all.
      const tmp = `${path}.${token}.tmp`;
      await writeFile(tmp, JSON.stringify(me) + '\n', { mode: 0o600 });
      let linked = false;
      try {
        await link(tmp, path);
        linked = true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
          // A file system without hard links: create it exclusively (a reader may see it empty for a moment).
          linked = await writeFile(path, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o600 }).then(() => true, (w: NodeJS.ErrnoException) => {
            if (w.code !== 'EEXIST') throw w;
            return false;
          });
        } else if (code !== 'EEXIST') throw e;
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
      if (linked) {
        return {
          acquired: true,
          release: async () => {
            const now = parseHolder(await readTextOrNull(path).catch(() => null));
            if (now?.token === token) await unlink(path).catch(() => undefined);
          },
        };
      }
      const text = await readTextOrNull(path);
      if (text === null) continue; // released meanwhile
      holder = parseHolder(text);
      const dead = holder !== null && holder.host === hostname() && holder.pid !== process.pid && !processAlive(holder.pid);
      if (!dead) break;
      // Break it without removing a lock someone else took meanwhile: move it aside, check it is the dead one.
      const aside = `${path}.${randomBytes(4).toString('hex')}.stale`;
      try {
        await rename(path, aside);
      } catch {
        continue;
      }
      const moved = await readTextOrNull(aside);
      if (moved !== text) await link(aside, path).catch(() => undefined); // a live lock: put it back (unless yet another was taken)
      await unlink(aside).catch(() => undefined);
    }
    return { acquired: false, holder: holder ? { pid: holder.pid, host: holder.host, since: holder.since } : null, where: path };
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

function parseHolder(text: string | null): (PublishHolder & { token: string }) | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<PublishHolder & { token: string }> | null;
    if (v && typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.since === 'string' && typeof v.token === 'string') return v as PublishHolder & { token: string };
  } catch {
    // a lock being written, or not ours
  }
  return null;
}
