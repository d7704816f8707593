/**
 * Deploy journals of a repository deployed without GitHub are keyed by the repository's id
 * (`local/<id>`, repositoryId.ts), which survives moving or renaming its folder and is the same in
 * every worktree (they share the git common dir, hence one journal and one driver per environment).
 * Journals written under an older key — the folder's name (`local/<folder>`, before this id existed),
 * or an id since deleted — live in the same git directory: the operation such a journal records is
 * adopted under the current key once, so running the same deploy again resumes it (or asks) instead
 * of starting over and sending its first step again.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { deployJournalKey } from '../core/deploy/journal';
import type { DeployJournal } from '../core/deploy/journalTypes';
import { UsageError } from '../core/errors';
import type { LocalGitRepo } from '../git/gitRepo';
import { readTextOrNull, withLockFile } from './atomicFile';
import { localDeploySlug } from './commandDeployer';
import { FileDeployJournalStore, parseDeployEntry } from './deployJournal';
import { localSlugOf } from './localDeployHistory';

/** Whether a journal slug names a repository deployed without GitHub (`local/…`). */
export function isLocalSlug(slug: string): boolean {
  return slug.startsWith('local/');
}

/** How a journal's repository is named to a person: the current folder (`local/<folder>`) for this repository's local slug, else the slug itself. */
export function repositoryLabel(slug: string, localSlug: string | null, root: string): string {
  return slug === localSlug ? localSlugOf(root) : slug;
}

interface StoredEntry {
  file: string;
  journal: DeployJournal;
}

async function storedEntries(store: FileDeployJournalStore): Promise<StoredEntry[]> {
  const names = await readdir(store.dir).catch(() => [] as string[]);
  const out: StoredEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(store.dir, name);
    const journal = parseDeployEntry(await readFile(file, 'utf8').catch(() => ''));
    if (journal) out.push({ file, journal });
  }
  return out;
}

/** Removes `file` if it still holds the journal of operation `id` (under the same lock as the store's writes). */
async function removeIfSame(file: string, id: string): Promise<void> {
  await withLockFile(`${file}.lock`, 2_000, async () => {
    const now = parseDeployEntry((await readTextOrNull(file)) ?? '');
    if (now?.id === id) await unlink(file).catch(() => undefined);
  });
}

/**
 * Adopts, under `slug` (this repository's `local/<id>` slug), the operations this repository's
 * journals recorded under another local key, for `environment` or every environment: per
 * environment without a journal under the current key, the running one (else the newest) is moved
 * under it, its old file removed. A copy left by an adoption that was interrupted is removed. Returns
 * the adopted journals. Does nothing for a GitHub slug.
 */
export async function adoptMovedJournals(store: FileDeployJournalStore, slug: string, environment?: string): Promise<DeployJournal[]> {
  if (!isLocalSlug(slug)) return [];
  const env = environment?.toLowerCase();
  const candidates = (await storedEntries(store)).filter((e) => isLocalSlug(e.journal.repo) && e.journal.repo !== slug && (env === undefined || e.journal.plan.environment.toLowerCase() === env));
  const byEnv = new Map<string, StoredEntry[]>();
  for (const c of candidates) {
    const k = c.journal.plan.environment.toLowerCase();
    byEnv.set(k, [...(byEnv.get(k) ?? []), c]);
  }
  const adopted: DeployJournal[] = [];
  for (const [name, list] of byEnv) {
    const key = deployJournalKey(slug, name);
    const current = await store.read(key);
    if (current) {
      for (const c of list.filter((x) => x.journal.id === current.id)) await removeIfSame(c.file, c.journal.id);
      continue;
    }
    // Several old keys (the worktrees' folder names before the id): the operation still running, else the newest.
    const best = [...list].sort((a, b) => Number(b.journal.state === 'running') - Number(a.journal.state === 'running') || b.journal.updatedAt.localeCompare(a.journal.updatedAt))[0]!;
    const done = await withLockFile(`${best.file}.lock`, 2_000, async () => {
      // Read again under the lock: what a writer of the old key left last is what is adopted.
      const old = parseDeployEntry((await readTextOrNull(best.file)) ?? '');
      if (!old || old.id !== best.journal.id) return;
      const moved: DeployJournal = { ...old, repo: slug, revision: old.revision + 1 };
      if ((await store.write(key, moved, null)) !== 'written') return;
      await unlink(best.file).catch(() => undefined);
      adopted.push(moved);
    });
    // Never go on without it: an empty journal under the current key would start the operation over.
    if (!done) throw new UsageError(`The deploy journal ${best.file} of ${best.journal.plan.environment} stays locked by another process.`, 'Wait a moment and run the command again; if nothing else runs, delete the .lock file beside it.');
  }
  return adopted;
}

/**
 * Adopts the moved journals of a repository (every environment) when it has any journal under a
 * local key; returns its local slug (null when it has no local journal, or deploys as its GitHub repository).
 */
export async function adoptMovedJournalsOf(repo: LocalGitRepo, store: FileDeployJournalStore = new FileDeployJournalStore(repo.gitCommonDir)): Promise<string | null> {
  const local = (await store.list()).some((j) => isLocalSlug(j.repo));
  if (!local) return null;
  const slug = await localDeploySlug(repo);
  if (!isLocalSlug(slug)) return null;
  await adoptMovedJournals(store, slug);
  return slug;
}
