/** Which GitHub repository a local repository publishes to, from its remotes (credentials never shown). */
import { GitHubError, UsageError } from '../core/errors';
import { displayRemote, githubRepoOf, type GitHubRepoRef } from '../core/remote';
import type { LocalGitRepo } from '../git/gitRepo';

/** A remote that names a GitHub repository. */
export interface GitHubRemote {
  name: string;
  ref: GitHubRepoRef;
}

/** The remotes of the repository that point at GitHub (github.com or the configured Enterprise host). */
export async function githubRemotes(repo: LocalGitRepo, enterpriseUrl?: string, known?: { name: string; url: string }[]): Promise<GitHubRemote[]> {
  const out: GitHubRemote[] = [];
  for (const r of known ?? (await repo.remotes())) {
    const ref = githubRepoOf(r.url, enterpriseUrl);
    if (ref) out.push({ name: r.name, ref });
  }
  return out;
}

/**
 * The one GitHub repository to use: the named remote, else the only GitHub repository among the
 * remotes; several distinct ones need a choice (`pick`, or a UsageError naming them).
 */
export async function chooseGitHubRepo(
  repo: LocalGitRepo,
  options: { remote?: string; enterpriseUrl?: string; pick?: (choices: GitHubRemote[]) => Promise<GitHubRemote | undefined> },
): Promise<GitHubRepoRef> {
  const all = await repo.remotes();
  const remotes = await githubRemotes(repo, options.enterpriseUrl, all);
  if (options.remote !== undefined) {
    const named = remotes.find((r) => r.name === options.remote);
    if (named) return named.ref;
    const exists = all.find((r) => r.name === options.remote);
    throw new UsageError(
      exists ? `Remote ${options.remote} (${displayRemote(exists.url)}) is not a GitHub repository.` : `There is no remote named ${JSON.stringify(options.remote)}.`,
      remotes.length > 0 ? `Use one of: ${remotes.map((r) => r.name).join(', ')}.` : 'Add a GitHub remote (git remote add origin https://github.com/OWNER/REPO.git).',
    );
  }
  const distinct = new Map<string, GitHubRemote>();
  for (const r of remotes) if (!distinct.has(`${r.ref.host}/${r.ref.owner}/${r.ref.repo}`)) distinct.set(`${r.ref.host}/${r.ref.owner}/${r.ref.repo}`, r);
  if (distinct.size === 0) {
    const listed = all.length > 0 ? ` (remotes: ${all.map((r) => `${r.name} ${displayRemote(r.url)}`).join(', ')})` : ' (no remotes)';
    throw new GitHubError('not-github', `This repository has no GitHub remote${listed}.`, 'Add one (git remote add origin https://github.com/OWNER/REPO.git); for GitHub Enterprise Server set its URL.');
  }
  const choices = [...distinct.values()];
  if (choices.length === 1) return choices[0]!.ref;
  const picked = options.pick ? await options.pick(choices) : undefined;
  if (picked) return picked.ref;
  throw new UsageError(
    `Several remotes point at different GitHub repositories: ${choices.map((c) => `${c.name} (${c.ref.owner}/${c.ref.repo})`).join(', ')}.`,
    options.pick ? 'Pick one to continue.' : 'Choose one with --remote NAME.',
  );
}

/** The git remote to push to for a GitHub repository: the one named, else the remote pointing at it, else `origin`. */
export async function remoteNameFor(repo: LocalGitRepo, ref: GitHubRepoRef, options: { remote?: string; enterpriseUrl?: string } = {}): Promise<string> {
  const all = await repo.remotes();
  if (options.remote !== undefined) {
    if (!all.some((r) => r.name === options.remote)) throw new UsageError(`There is no remote named ${JSON.stringify(options.remote)}.`, `Use one of: ${all.map((r) => r.name).join(', ') || '(none)'}.`);
    return options.remote;
  }
  const match = (await githubRemotes(repo, options.enterpriseUrl, all)).find((r) => r.ref.owner.toLowerCase() === ref.owner.toLowerCase() && r.ref.repo.toLowerCase() === ref.repo.toLowerCase());
  if (match) return match.name;
  if (all.some((r) => r.name === 'origin')) return 'origin';
  throw new UsageError(`No git remote points at ${ref.owner}/${ref.repo} to push the version bump to.`, 'Name one with --remote NAME (in the editor: the releaseManager.github.remote setting).');
}
