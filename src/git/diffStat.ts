/** What a range changes, file by file (`git diff --numstat`), and which changed files match pathspec globs. */
import { GitError } from '../core/errors';
import { execGit } from './gitProcess';

/** One changed file: lines added and removed (null for a binary file). */
export interface FileChange {
  path: string;
  added: number | null;
  deleted: number | null;
}

/** The empty tree of each object format: the base of a first release's diff. */
const EMPTY_TREE: Record<string, string> = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

const HASH = /^[0-9a-f]{40,64}$/;
/** Diff options that never run a program from the repository's config and see renames as renames. */
const DIFF_ARGS = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '-z'];

async function baseOf(gitPath: string, root: string, from: string | null, signal?: AbortSignal): Promise<string> {
  if (from !== null) return from;
  const format = (await execGit(gitPath, root, ['rev-parse', '--show-object-format'], { signal })).trim();
  const tree = EMPTY_TREE[format];
  if (!tree) throw new GitError('failed', `Unknown git object format ${JSON.stringify(format.slice(0, 20))}.`, 'Use a git repository with sha1 or sha256 objects.');
  return tree;
}

function checkHashes(...hashes: (string | null)[]): void {
  for (const h of hashes) if (h !== null && !HASH.test(h)) throw new GitError('bad-ref', `Not a commit hash: ${JSON.stringify(h.slice(0, 80))}.`, 'Resolve the range to commits first.');
}

/** Every file changed between two commits (from null: since the empty tree) with its line counts. */
export async function diffNumstat(gitPath: string, root: string, from: string | null, to: string, signal?: AbortSignal): Promise<FileChange[]> {
  checkHashes(from, to);
  const base = await baseOf(gitPath, root, from, signal);
  const out = await execGit(gitPath, root, [...DIFF_ARGS, '--numstat', base, to, '--'], { signal });
  // -z: "added\tdeleted\tpath\0" per file ("-\t-\t" for binary files).
  const files: FileChange[] = [];
  for (const rec of out.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(rec.replace(/^\n/, ''));
    if (!m) continue;
    files.push({ path: m[3]!, added: m[1] === '-' ? null : Number(m[1]), deleted: m[2] === '-' ? null : Number(m[2]) });
  }
  return files;
}

/** The files changed between two commits that match any of the globs (git's `:(glob)` pathspec magic). */
export async function diffNamesMatching(gitPath: string, root: string, from: string | null, to: string, globs: readonly string[], signal?: AbortSignal): Promise<string[]> {
  checkHashes(from, to);
  if (globs.length === 0) return [];
  const base = await baseOf(gitPath, root, from, signal);
  const specs = globs.map((g) => `:(glob)${g}`);
  const out = await execGit(gitPath, root, [...DIFF_ARGS, '--name-only', base, to, '--', ...specs], { signal });
  return out.split('\0').filter((p) => p !== '');
}

/** Every commit of the range (merges included), full hashes, newest first. */
export async function rangeHashes(gitPath: string, root: string, from: string | null, to: string, signal?: AbortSignal): Promise<string[]> {
  checkHashes(from, to);
  const out = await execGit(gitPath, root, ['rev-list', to, ...(from !== null ? [`^${from}`] : []), '--'], { signal });
  return out.split('\n').filter((h) => HASH.test(h));
}
