import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { resolveInside } from './runner';

/**
 * Appends text to a repository-relative file without ever leaving it half-written: the new content
 * goes to a temp file beside it, then replaces it in one rename. Refuses paths outside the repository.
 */
export async function appendInside(root: string, rel: string, text: string, header = ''): Promise<string> {
  const existing = await resolveInside(root, rel, 'The decision log');
  const target = existing ?? resolve(root, rel);
  if (existing === null) {
    // A new file: its folder must itself resolve inside the repository.
    await mkdir(dirname(target), { recursive: true });
    await resolveInside(root, dirname(rel) || '.', 'The decision log folder');
  }
  const before = existing ? await readFile(existing, 'utf8') : header;
  const tmp = join(dirname(target), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, before + (before.endsWith('\n') || before === '' ? '' : '\n') + text, { flag: 'wx' });
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return target;
}
