/**
 * Collects what GitHub knows about the commits of drafted notes (their pull requests, their
 * authors' logins) through the GitHubApi port, and links the notes with it. Offline or signed out,
 * the git-only notes come back with a warning naming what is missing and the fix; never an error.
 */
import type { ReleaseConfig } from '../core/config';
import { GitHubError, ReleaseError } from '../core/errors';
import type { GhPull, GitHubApi } from '../core/githubApi';
import type { ReleaseNotes } from '../core/notes';
import { linkPullRequests, type PullData } from '../core/prNotes';
import type { ReleaseYml } from '../core/releaseYml';

/** How much to ask GitHub. */
export interface FetchPullOptions {
  signal?: AbortSignal;
  /** Requests in flight at once (default 6). */
  concurrency?: number;
  /** Commits looked up at most, newest first; the rest stay unlinked with a warning (default 300). */
  maxCommits?: number;
}

/** GitHub's answers, and warnings about what it could not tell. */
export interface FetchedPullData {
  pulls: Map<string, GhPull | null>;
  logins: Map<string, string>;
  warnings: string[];
}

const DEFAULT_CONCURRENCY = 6;
const DEFAULT_MAX_COMMITS = 300;
const LOST = 'These notes come from git only: no pull request titles, labels or authors\u2019 logins, and no .github/release.yml categories.';

/** The warning for notes that could not be linked to pull requests; `cause` null means not signed in. */
export function unlinkedWarning(cause: GitHubError | null): string {
  const head = 'Pull requests are not linked';
  if (cause === null || cause.code === 'no-token') return `${head}: not signed in to GitHub. ${LOST} Sign in to GitHub to link pull requests (CLI: set GITHUB_TOKEN).`;
  switch (cause.code) {
    case 'unauthorized':
      return `${head}: GitHub refused the sign-in (${cause.message}). ${LOST} Sign in to GitHub again to link pull requests (CLI: check GITHUB_TOKEN).`;
    case 'network':
    case 'timeout':
    case 'server':
      return `${head}: GitHub could not be reached (${cause.message}). ${LOST} Draft again when GitHub is reachable to link pull requests.`;
    case 'rate-limited':
      return `${head}: GitHub's rate limit was reached${cause.retryAfterSec !== undefined ? ` (retry in ${cause.retryAfterSec} s)` : ''}. ${LOST} ${cause.fix}`;
    default:
      return `${head}: ${cause.message} ${LOST} ${cause.fix}`;
  }
}

/**
 * Asks GitHub for the pull request of each commit of the notes (the one the message names, else a
 * merged one containing it) and for the commits' authors' logins. A GitHubError (offline, signed
 * out, refused) gives empty data and a warning; only a cancellation by `signal` is thrown.
 */
export async function fetchPullData(api: GitHubApi, notes: ReleaseNotes, options: FetchPullOptions = {}): Promise<FetchedPullData> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const maxCommits = Math.max(0, Math.floor(options.maxCommits ?? DEFAULT_MAX_COMMITS));
  const entries = notes.sections.flatMap((s) => s.entries);
  // Each commit once, newest first, with the PR number its message gave (squash `(#12)`, merge attribution).
  const prOf = new Map<string, number | null>();
  const dated = new Map<string, number>();
  for (const e of entries) {
    if (!prOf.has(e.hash) || (prOf.get(e.hash) === null && e.pr !== null)) prOf.set(e.hash, e.pr);
    const t = Date.parse(e.date);
    dated.set(e.hash, Math.max(dated.get(e.hash) ?? -Infinity, Number.isNaN(t) ? -Infinity : t));
  }
  const hashes = [...prOf.keys()].sort((a, b) => dated.get(b)! - dated.get(a)!);
  const wanted = hashes.slice(0, maxCommits);
  const warnings: string[] = [];
  if (hashes.length > wanted.length) {
    warnings.push(
      `Linked pull requests for the newest ${wanted.length} of ${hashes.length} commits only; the older ones are listed as commits, without contributors' logins. Draft a smaller range (--from) to link them all.`,
    );
  }

  // One signal for every request: the caller's cancellation, or our own after the first failure.
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  if (options.signal?.aborted) inner.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = inner.signal;
  let failure: unknown = null;
  const fail = (e: unknown) => {
    failure ??= e;
    inner.abort();
  };
  const pullCache = new Map<number, Promise<GhPull | null>>();
  const getPull = (n: number) => {
    let p = pullCache.get(n);
    if (!p) pullCache.set(n, (p = api.getPull(n, signal)));
    return p;
  };
  const pulls = new Map<string, GhPull | null>();
  const lookUp = async (hash: string) => {
    const named = prOf.get(hash) ?? null;
    const pull = named !== null ? await getPull(named) : null;
    pulls.set(hash, pull ?? pickPull(hash, await api.pullsForCommit(hash, signal)));
  };
  let next = 0;
  const worker = async () => {
    while (failure === null && next < wanted.length) {
      const hash = wanted[next++]!;
      try {
        await lookUp(hash);
      } catch (e) {
        fail(e);
      }
    }
  };
  const { fromHash, toHash } = notes.range;
  const loginsRead =
    fromHash !== null && hashes.length <= maxCommits && wanted.length > 0
      ? api.commitLogins(fromHash, toHash, signal).catch((e: unknown) => {
          fail(e);
          return new Map<string, string>();
        })
      : Promise.resolve(new Map<string, string>());
  try {
    const [logins] = await Promise.all([loginsRead, ...Array.from({ length: Math.min(concurrency, wanted.length) }, worker)]);
    if (failure === null) return { pulls, logins, warnings };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) throw failure;
  if (!(failure instanceof GitHubError)) throw failure;
  return { pulls: new Map(), logins: new Map(), warnings: [unlinkedWarning(failure)] };
}

/** The merged pull request of a commit: the one it is the merge commit of, else the first merged one; null when none. */
export function pickPull(hash: string, candidates: readonly GhPull[]): GhPull | null {
  return candidates.find((p) => p.mergeCommitSha === hash) ?? candidates.find((p) => p.mergedAt !== null) ?? null;
}

/**
 * The notes linked to their pull requests (see src/core/prNotes.ts for the rules). `api` null means
 * signed out: the notes come back as they are, with a warning saying what is missing.
 */
export async function withPullRequests(
  api: GitHubApi | null,
  notes: ReleaseNotes,
  config: ReleaseConfig,
  releaseYml: ReleaseYml | null,
  options: FetchPullOptions = {},
): Promise<ReleaseNotes> {
  if (api === null) return { ...notes, warnings: [...notes.warnings, unlinkedWarning(null)] };
  const data = await fetchPullData(api, notes, options);
  const pullData: PullData = { pulls: data.pulls, logins: data.logins, releaseYml };
  const linked = data.pulls.size > 0 || data.logins.size > 0 ? linkPullRequests(notes, pullData, config) : notes;
  return { ...linked, warnings: [...linked.warnings, ...data.warnings] };
}

/**
 * The one linking step of the CLI and the editor: reads `.github/release.yml` (an invalid file is a
 * warning, not a failure: the notes fall back to commit types), then links with `api`, or says what
 * is missing when `api` is null (signed out) or `cause` tells why there is none.
 */
export async function linkNotes(
  api: GitHubApi | null,
  notes: ReleaseNotes,
  config: ReleaseConfig,
  readYml: () => Promise<ReleaseYml | null>,
  options: FetchPullOptions & { cause?: GitHubError | null } = {},
): Promise<ReleaseNotes> {
  let yml: ReleaseYml | null = null;
  const warnings: string[] = [];
  try {
    yml = await readYml();
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    warnings.push(`${e.message} ${e.fix}`);
  }
  const base = warnings.length > 0 ? { ...notes, warnings: [...notes.warnings, ...warnings] } : notes;
  if (api === null) return { ...base, warnings: [...base.warnings, unlinkedWarning(options.cause ?? null)] };
  return withPullRequests(api, base, config, yml, options);
}
