/**
 * `release-manager publish`: the same journaled, resumable publish as the editor's command. The
 * token comes from GITHUB_TOKEN / GH_TOKEN only and goes only to GITHUB_API_URL (default
 * api.github.com); it never prompts with --yes or without a terminal.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ReleaseConfig } from '../core/config';
import { draftNotes } from '../core/draft';
import { GitHubError, UsageError } from '../core/errors';
import type { GitHubApi } from '../core/githubApi';
import { MAX_RELEASE_BODY, planRelease, publishRelease, type PublishPlan } from '../core/publish';
import { enterpriseOrigin, ownerRepoOf, type GitHubRepoRef } from '../core/remote';
import type { LocalGitRepo } from '../git/gitRepo';
import { loadGitHub } from '../github/load';
import { bumpCommitPush, filesToBump } from '../node/bump';
import { chooseGitHubRepo, remoteNameFor } from '../node/githubRemote';
import { FileJournalStore } from '../node/journal';
import type { ReleaseNotes } from '../core/notes';
import { githubLinks, type RenderOptions } from '../core/render';

/** What the publish command needs from its host (the terminal, or a test). */
export interface PublishIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  signal?: AbortSignal;
  env: Record<string, string | undefined>;
  /** Asks a yes/no question on the terminal; absent without a terminal. */
  confirm?: (question: string) => Promise<boolean>;
}

export interface PublishFlags {
  tag?: string;
  draft: boolean;
  /** Write the version into the version files, commit and push first. */
  bump?: boolean;
  notesFile?: string;
  yes: boolean;
  remote?: string;
  path?: string;
  prerelease?: string;
}

const DEFAULT_API = 'https://api.github.com';

/** The GitHub repository and API for the CLI: GITHUB_REPOSITORY (as in GitHub Actions) or the remotes; GITHUB_API_URL or github.com. */
export async function cliGitHubRepo(repo: LocalGitRepo, env: Record<string, string | undefined>, remote?: string): Promise<GitHubRepoRef> {
  const apiUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API).replace(/\/+$/, '');
  const named = env.GITHUB_REPOSITORY?.trim();
  if (named && remote === undefined) {
    const names = ownerRepoOf(named);
    if (!names) throw new UsageError(`GITHUB_REPOSITORY=${JSON.stringify(named.slice(0, 100))} is not OWNER/REPO.`, 'Set it to OWNER/REPO, or unset it to use the git remote.');
    return { ...names, host: new URL(apiUrl).hostname, apiUrl, provider: apiUrl === DEFAULT_API ? 'github' : 'github-enterprise' };
  }
  const enterprise = apiUrl === DEFAULT_API ? undefined : (enterpriseOrigin(apiUrl.replace(/\/api\/v3$/, ''))?.origin ?? undefined);
  const ref = await chooseGitHubRepo(repo, { remote, enterpriseUrl: enterprise });
  return { ...ref, apiUrl: apiUrl === DEFAULT_API ? ref.apiUrl : apiUrl };
}

/** The token for the CLI, from the environment only. */
export function cliToken(env: Record<string, string | undefined>): string {
  const token = env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
  if (!token) throw new GitHubError('no-token', 'No GitHub token: GITHUB_TOKEN and GH_TOKEN are not set.', 'Set GITHUB_TOKEN (in GitHub Actions: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}).');
  return token;
}

/** A GitHubApi for the CLI: rate limits are waited out with a message on stderr, cancellable with Ctrl-C. */
export function cliGitHubApi(ref: GitHubRepoRef, io: Pick<PublishIo, 'err' | 'env'>): GitHubApi {
  const { OctokitGitHubApi } = loadGitHub();
  return new OctokitGitHubApi(ref, {
    token: cliToken(io.env),
    waitForRateLimit: async (seconds, signal) => {
      io.err(`GitHub rate limit: waiting ${seconds} s before retrying (Ctrl-C to stop)...\n`);
      try {
        await sleep(seconds * 1000, signal);
        return true;
      } catch {
        return false;
      }
    },
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readNotesFile(cwd: string, file: string): Promise<string> {
  const path = resolve(cwd, file);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new UsageError(`--notes-file ${JSON.stringify(file)} does not exist.`, 'Give the path of a markdown file with the release notes.');
  }
  if (size > MAX_RELEASE_BODY * 4) throw new UsageError(`--notes-file ${JSON.stringify(file)} is too large (${size} bytes).`, `GitHub accepts at most ${MAX_RELEASE_BODY} characters of notes.`);
  return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
}

/** What the user confirms: version, tag, exact commit, and the notes. */
export function describePlan(plan: PublishPlan, from: string | null): string {
  const preview = plan.body.split('\n');
  const shown = preview.slice(0, 40).map((l) => `  | ${l}`);
  if (preview.length > 40) shown.push(`  | … (${preview.length - 40} more lines)`);
  return [
    `Publish ${plan.name} to ${plan.repo}`,
    `  version  ${plan.version}${from ? ` (last release ${from})` : ' (first release)'}${plan.prerelease ? ', prerelease' : ''}`,
    `  tag      ${plan.tag} at ${plan.sha}`,
    `  as       ${plan.draft ? 'a draft release (not published)' : 'a published release'}`,
    '  notes:',
    ...shown,
    '',
  ].join('\n');
}

/**
 * Links drafted notes to pull requests when the repository is on GitHub: with the token when set,
 * else the notes say what is missing. A repository with no GitHub remote is left as it is.
 */
export async function cliLinkNotes(repo: LocalGitRepo, notes: ReleaseNotes, config: ReleaseConfig, io: Pick<PublishIo, 'err' | 'env' | 'signal'>, remote?: string): Promise<ReleaseNotes> {
  let ref: GitHubRepoRef;
  try {
    ref = await cliGitHubRepo(repo, io.env, remote);
  } catch (e) {
    if (e instanceof GitHubError && e.code === 'not-github') return notes;
    throw e;
  }
  const hasToken = Boolean(io.env.GITHUB_TOKEN?.trim() || io.env.GH_TOKEN?.trim());
  const { linkNotes, readReleaseYml } = loadGitHub();
  return linkNotes(hasToken ? cliGitHubApi(ref, io) : null, notes, config, () => readReleaseYml(repo.root), { signal: io.signal });
}

/**
 * How the CLI's markdown notes link commits and pull requests: to the GitHub repository of the remote
 * (or GITHUB_REPOSITORY), else not at all. A repository with no GitHub remote gets plain text.
 */
export async function cliNotesLinks(repo: LocalGitRepo, env: Record<string, string | undefined>, remote?: string): Promise<RenderOptions> {
  try {
    const ref = await cliGitHubRepo(repo, env, remote);
    // The web host, not the API's (GITHUB_REPOSITORY with the default API names api.github.com).
    return githubLinks({ ...ref, host: ref.host === 'api.github.com' ? 'github.com' : ref.host });
  } catch (e) {
    if (e instanceof GitHubError && e.code === 'not-github') return {};
    throw e;
  }
}

export async function runPublishCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: PublishFlags, io: PublishIo): Promise<number> {
  const token = cliToken(io.env); // before anything else: no token, no work
  void token;
  const ref = await cliGitHubRepo(repo, io.env, flags.remote);
  // Refuses an API URL that may not receive the token (plain http off loopback) before the plan is shown and confirmed.
  const api = cliGitHubApi(ref, io);
  const drafted = await draftNotes(repo, config, { path: flags.path, prerelease: flags.prerelease, signal: io.signal });
  const notes = flags.notesFile !== undefined ? drafted : await cliLinkNotes(repo, drafted, config, io, flags.remote);
  for (const w of notes.warnings) io.err(`warning: ${w}\n`);
  const body = flags.notesFile !== undefined ? await readNotesFile(io.cwd, flags.notesFile) : undefined;
  let plan = planRelease(notes, config, { repo: `${ref.owner}/${ref.repo}`, path: flags.path, tag: flags.tag, body, draft: flags.draft });
  const bump = flags.bump ? await filesToBump(repo.root, config, plan.version) : [];
  const remote = flags.bump ? await remoteNameFor(repo, ref, { remote: flags.remote }) : undefined;
  io.out(describePlan(plan, notes.range.from));
  if (flags.bump) {
    io.out(
      bump.length > 0
        ? `  bump     ${bump.map((b) => b.path).join(', ')} → ${plan.version}, committed as "chore(release): ${plan.version}" on top of ${plan.sha.slice(0, 12)} and pushed to ${remote}; the tag goes on that commit\n`
        : `  bump     the version files already hold ${plan.version}: nothing to commit (the branch is pushed to ${remote})\n`,
    );
  }
  if (!flags.yes) {
    if (!io.confirm) throw new UsageError('Publishing needs a confirmation and there is no terminal to ask on.', 'Review the plan above and run again with --yes.');
    if (!(await io.confirm(`Publish ${plan.name} to ${plan.repo}? [y/N] `))) {
      io.err('Not published: nothing was changed.\n');
      return 1;
    }
  }
  if (flags.bump) {
    const bumped = await bumpCommitPush(repo, config, plan.version, { remote: remote!, signal: io.signal });
    if (bumped.committed) io.out(`- committed chore(release): ${plan.version} (${bumped.sha.slice(0, 12)}) and pushed it to ${remote}\n`);
    plan = { ...plan, sha: bumped.sha };
  }
  const result = await publishRelease(plan, {
    api,
    journal: new FileJournalStore(repo.gitCommonDir),
    now: () => new Date(),
    sleep,
    signal: io.signal,
    onStep: (e) => {
      if (e.phase === 'start') io.err(`${e.message}...\n`);
    },
  });
  if (result.resumed) io.out('Resumed an unfinished publish of this release.\n');
  for (const a of result.actions) io.out(`- ${a}\n`);
  if (result.actions.length === 0) io.out('Nothing to change: GitHub already has this release.\n');
  io.out(`${result.release.draft ? 'Draft' : 'Published'}: ${result.release.htmlUrl || `release ${result.release.id}`}\n`);
  return 0;
}
