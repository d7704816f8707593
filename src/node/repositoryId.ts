/**
 * The identity of a repository that survives moving or renaming its folder: a random id stored once
 * in its git common directory (`<git common dir>/release-manager/id`), so every worktree of the
 * repository has the same one. Created atomically (a complete temporary file hard-linked into place,
 * which fails when another process was first) and never overwritten: a process that loses the race
 * reads the winner's id.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../core/errors';
import { readTextOrNull } from './atomicFile';

const ID = /^[0-9a-f]{16,64}$/;

/** The file holding the repository id. */
export function repositoryIdFile(gitCommonDir: string): string {
  return join(gitCommonDir, 'release-manager', 'id');
}

/** The repository id stored in the git common dir, or null when none was made yet (a damaged file is an error naming it). */
export async function readRepositoryId(gitCommonDir: string): Promise<string | null> {
  const file = repositoryIdFile(gitCommonDir);
  const text = await readTextOrNull(file);
  if (text === null) return null;
  const id = text.trim();
  if (!ID.test(id)) throw new UsageError(`The repository id file ${file} is damaged.`, 'Delete it: a new id is made, and the deploy journals are found again under it.');
  return id;
}

/** The repository's id: the stored one, else a new random one stored once (concurrent callers all get the same). */
export async function repositoryId(gitCommonDir: string): Promise<string> {
  const existing = await readRepositoryId(gitCommonDir);
  if (existing !== null) return existing;
  const file = repositoryIdFile(gitCommonDir);
  await mkdir(join(gitCommonDir, 'release-manager'), { recursive: true });
  const candidate = randomBytes(8).toString('hex');
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${candidate}\n`, { flag: 'wx', mode: 0o644 });
    try {
      // link() creates the name only if it does not exist, and with the whole content at once.
      await link(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // A file system without hard links: create with O_EXCL (a reader may see it empty for a moment: retried below).
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
        await writeFile(file, `${candidate}\n`, { flag: 'wx', mode: 0o644 }).catch((w: NodeJS.ErrnoException) => {
          if (w.code !== 'EEXIST') throw w;
        });
      }
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  // Whoever created the file first decided the id: read it back.
  for (let attempt = 0; ; attempt++) {
    const text = await readTextOrNull(file);
    if (text !== null && text.trim() !== '') break;
    if (attempt >= 50) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const id = await readRepositoryId(gitCommonDir);
  if (id === null) throw new UsageError(`The repository id file ${file} could not be created.`, 'Check that the git directory is writable.');
  return id;
}
