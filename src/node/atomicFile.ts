/** Small files written so that a reader sees the old or the new content, never half of one. */
import { createHash, randomBytes } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where the journals live: the repository's git directory, shared by the CLI and every editor window. */
export function journalDir(gitCommonDir: string): string {
  return join(gitCommonDir, 'release-manager', 'journal');
}

/** The file of a journal key: a readable prefix plus a digest (keys contain ":" and "/"). */
export function journalFile(dir: string, key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return join(dir, `${readable}-${digest}.json`);
}

/** A file's text, or null when it does not exist. */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes `text` to a temporary file beside `path`, then renames it over `path` in one step. */
export async function writeFileAtomic(path: string, text: string, mode?: number): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Creates `path` with `text` only when it does not exist, in one step (a temporary file beside it, then a
 * hard link that fails when `path` exists): resolves to false, writing nothing, when it exists already.
 */
export async function createFileExclusive(path: string, text: string): Promise<boolean> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    return await link(tmp, path).then(
      () => true,
      async (e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return false;
        // A file system without hard links: an exclusive create (still never overwrites).
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
        return writeFile(path, text, { flag: 'wx' }).then(
          () => true,
          (e2: unknown) => {
            if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
            throw e2;
          },
        );
      },
    );
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** A lock file older than this was left by a process that died: it is broken. */
export const STALE_LOCK_MS = 10_000;

/**
 * Runs `work` while holding the lock file `lock` (created with O_EXCL, holding our pid; removed after).
 * Waits up to `waitMs` for another holder, breaking a lock older than STALE_LOCK_MS. Returns null
 * (nothing run) when the lock stays taken.
 */
export async function withLockFile<T>(lock: string, waitMs: number, work: () => Promise<T>): Promise<{ value: T } | null> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_LOCK_MS) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() >= until) return null;
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  try {
    return { value: await work() };
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
