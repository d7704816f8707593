/**
 * "Bump version files and commit first": writes the next version into the version files, commits
 * them as `chore(release): X` (excluded from the notes) and pushes the branch, so the tag can be
 * created on GitHub at that commit. Idempotent: files already at the version are not committed
 * again, and a push of an up-to-date branch changes nothing. A failed commit restores the files.
 * The commit and the push run no hook and no program named by the repository's own config.
 */
import { join } from 'node:path';
import { writeFileAtomic as writeAtomic } from './atomicFile';
import type { ReleaseConfig } from '../core/config';
import { GitError, UsageError } from '../core/errors';
import { setVersionText, versionFilesOf } from '../core/versionFiles';
import type { LocalGitRepo } from '../git/gitRepo';
import { execGit, pushEnv } from '../git/gitProcess';
import { safeWriteConfigArgs } from '../git/safeConfig';
import { readRepoFile, MAX_GATE_FILE_BYTES } from './gateContext';
import { resolveInside } from './runner';

export interface BumpResult {
  /** The commit to release (the new commit, or HEAD when nothing needed a change). */
  sha: string;
  /** Files whose version changed (empty: they already held it). */
  changed: string[];
  committed: boolean;
}

/** Which files would change: [] when every version file already holds the version. Throws UsageError for a missing or unreadable file. */
export async function filesToBump(root: string, config: ReleaseConfig, version: string): Promise<{ path: string; before: string; after: string }[]> {
  const out: { path: string; before: string; after: string }[] = [];
  for (const file of versionFilesOf(config)) {
    const before = await readRepoFile(root, file.path, MAX_GATE_FILE_BYTES);
    if (before === null) throw new UsageError(`Version file ${file.path} does not exist.`, 'Create it, or list the right files in the versionBumped gate of the config.');
    const after = setVersionText(before, file, version);
    if (after !== before) out.push({ path: file.path, before, after });
  }
  return out;
}

/** Bumps, commits and pushes `HEAD:<branch>` to `remote`; resolves to the commit to release. */
export async function bumpCommitPush(
  repo: LocalGitRepo,
  config: ReleaseConfig,
  version: string,
  options: { remote: string; gitPath?: string; signal?: AbortSignal },
): Promise<BumpResult> {
  const gitPath = options.gitPath ?? 'git';
  // Nothing the repository's own config names is run: no hooks, no ssh/askpass/credential/gpg/filter program of its .git/config.
  const safe = await safeWriteConfigArgs(gitPath, repo.root, options.signal);
  const git = (args: string[], env?: NodeJS.ProcessEnv) => execGit(gitPath, repo.root, [...safe, ...args], { signal: options.signal, env });
  const head = await repo.head();
  if (!head.branch) throw new UsageError('HEAD is detached: there is no branch to commit the version bump to.', 'Check out the release branch, then publish again.');
  const changes = await filesToBump(repo.root, config, version);
  let committed = false;
  if (changes.length > 0) {
    const paths = changes.map((c) => c.path);
    const dirty = (await git(['status', '--porcelain', '--', ...paths])).trim();
    if (dirty !== '') throw new UsageError(`Uncommitted changes in ${paths.join(', ')}: the version bump would mix them in.`, 'Commit or stash them first, then publish again.');
    const written: { path: string; before: string }[] = [];
    try {
      for (const c of changes) {
        const target = (await resolveInside(repo.root, c.path, 'The version file')) ?? join(repo.root, c.path);
        await writeAtomic(target, c.after);
        written.push({ path: target, before: c.before });
      }
      await git(['add', '--', ...paths]);
      await git(['commit', '-q', '--no-verify', '-m', `chore(release): ${version}`, '--', ...paths]);
      committed = true;
    } catch (e) {
      // Loses nothing: the files go back to what they were, the index too.
      for (const w of written.reverse()) await writeAtomic(w.path, w.before).catch(() => undefined);
      await git(['reset', '-q', '--', ...paths]).catch(() => undefined);
      throw e instanceof GitError ? new GitError(e.code, `The version bump was not committed: ${e.message}`, e.fix) : e;
    }
  }
  const sha = (await git(['rev-parse', 'HEAD'])).trim();
  try {
    await git(['push', '--porcelain', '--no-verify', '--receive-pack=git-receive-pack', '--', options.remote, `HEAD:refs/heads/${head.branch}`], pushEnv());
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new GitError(
      'failed',
      `${committed ? `The version bump is committed locally (${sha.slice(0, 12)}) but` : 'The release commit'} could not be pushed to ${options.remote}/${head.branch}: ${why}`,
      `Push it yourself (git push ${options.remote} ${head.branch}), then publish again: the files already hold ${version}, so nothing is committed twice.`,
    );
  }
  return { sha, changed: changes.map((c) => c.path), committed };
}
