/**
 * Who contributed to the history up to a release commit, cached in the git directory
 * (`<git common dir>/release-manager/cache/contributors/<sha>.json`): the first-time-contributor lookup
 * walks a release's whole history once, not once per call. Keyed by the commit, so a force-push or a
 * moved tag is a different key; a file that is corrupt or not ours is ignored and written again.
 */
import { createHash } from 'node:crypto';
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomicFile';

const KIND = 'release-manager-contributors';
const VERSION = 1;

/** The cache file of a commit, or null when the key is not a full object name. */
export function contributorCacheFile(gitCommonDir: string, commit: string): string | null {
  if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(commit)) return null;
  return join(gitCommonDir, 'release-manager', 'cache', 'contributors', `${commit}.json`);
}

/** The emails are as `.mailmap` maps them (`%aE`): the working tree's `.mailmap` is part of the key. */
export async function mailmapDigest(root: string): Promise<string> {
  const text = await readFile(join(root, '.mailmap')).catch(() => Buffer.alloc(0));
  return createHash('sha256').update(text).digest('hex');
}

/** Every author and co-author email (lower case) of the history up to `commit`, or null when not cached (or unreadable). */
export async function readContributorCache(gitCommonDir: string, commit: string, root: string): Promise<Set<string> | null> {
  const file = contributorCacheFile(gitCommonDir, commit);
  if (file === null) return null;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== 'object' || data === null) return null;
    const d = data as { kind?: unknown; version?: unknown; commit?: unknown; mailmap?: unknown; emails?: unknown };
    if (d.kind !== KIND || d.version !== VERSION || d.commit !== commit || !Array.isArray(d.emails)) return null;
    if (d.mailmap !== (await mailmapDigest(root))) return null;
    if (!d.emails.every((e): e is string => typeof e === 'string' && e.length <= 1024)) return null;
    return new Set(d.emails);
  } catch {
    return null;
  }
}

/** Writes the contributors of the history up to `commit` (atomically: a reader sees the old file or the new one); never fails the caller. */
export async function writeContributorCache(gitCommonDir: string, commit: string, root: string, emails: ReadonlySet<string>): Promise<void> {
  const file = contributorCacheFile(gitCommonDir, commit);
  if (file === null) return;
  try {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ kind: KIND, version: VERSION, commit, mailmap: await mailmapDigest(root), emails: [...emails].sort() }) + '\n');
  } catch {
    // A read-only repository: the lookup just walks again next time.
  }
}
