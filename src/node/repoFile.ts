/** Reading a repository file safely: inside the repository (after realpath), a regular file, bounded. */
import { open } from 'node:fs/promises';
import { UsageError } from '../core/errors';
import { resolveInside } from './runner';

/** Largest repository file a gate may read. */
export const MAX_GATE_FILE_BYTES = 4 * 1024 * 1024;

/** Reads a repository-relative file (refusing escapes and links outside); null when missing. */
export async function readRepoFile(root: string, path: string, maxBytes = MAX_GATE_FILE_BYTES): Promise<string | null> {
  const real = await resolveInside(root, path, 'The file');
  if (real === null) return null;
  const handle = await open(real, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`${path} is not a regular file.`, 'Point the gate at a file.');
    if (info.size > maxBytes) throw new UsageError(`${path} is too large to check (${info.size} bytes, limit ${maxBytes}).`, 'Point the gate at a smaller file.');
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}
