/**
 * Publishing a GitHub release so that it cannot half-fail: tag at the exact SHA, then a draft
 * release with the notes, then publish (or leave the draft). Every step reads GitHub back before it
 * writes and is recorded in a journal; running again after a crash, a closed window or a network
 * cut continues from what GitHub actually has. Writes are never retried blindly, tags are never
 * moved or deleted, and anything that differs from what we meant to create stops with an explanation.
 */
import type { ReleaseConfig } from './config';
import { packageFor, validatePath } from './draft';
import { GitHubError, UsageError } from './errors';
import type { GhRelease, GitHubApi } from './githubApi';
import type { ReleaseNotes } from './notes';
import { renderMarkdown } from './render';
import { refNameProblem, TagFormat } from './tags';

/** What the user confirmed. */
export interface PublishPlan {
  /** owner/repo on GitHub. */
  repo: string;
  tag: string;
  version: string;
  /** Full 40-hex SHA the tag must point at. */
  sha: string;
  name: string;
  body: string;
  /** Leave the release as a draft instead of publishing it. */
  draft: boolean;
  prerelease: boolean;
}

export type PublishStep = 'started' | 'tagged' | 'drafted' | 'done';

/** The journal entry of one publish; contains no secrets. */
export interface PublishJournal {
  kind: 'publish';
  version: 1;
  plan: PublishPlan;
  step: PublishStep;
  releaseId: number | null;
  releaseUrl: string | null;
  startedAt: string;
  updatedAt: string;
  /** The last failure, for "inspect". */
  lastError: string | null;
  /** Origin of the GitHub API it publishes to (`https://api.github.com`); absent in entries written before journals named their server, which count as api.github.com's. */
  apiOrigin?: string;
}

/** Who holds a publish: the process, its machine, and since when. */
export interface PublishHolder {
  pid: number;
  host: string;
  /** ISO-8601 time the lock was taken. */
  since: string;
}

/** Taking the lock of one publish: held (release it when done), or held by someone else. */
export type PublishLock = { acquired: true; release: () => Promise<void> } | { acquired: false; holder: PublishHolder | null; where: string };

/** Where journals live (the git directory, so the CLI and the editor share them). Writes are atomic. */
export interface JournalStore {
  read(key: string): Promise<PublishJournal | null>;
  write(key: string, entry: PublishJournal): Promise<void>;
  list(): Promise<PublishJournal[]>;
  /** Takes the lock of one publish across processes (absent: no other process shares this store). */
  lock?(key: string): Promise<PublishLock>;
}

export interface PublishDeps {
  api: GitHubApi;
  journal: JournalStore;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before each step starts and after it is recorded; a throw here stops the flow (that is how tests crash it). */
  onStep?: (event: { step: 'tag' | 'draft' | 'publish'; phase: 'start' | 'recorded'; message: string }) => void | Promise<void>;
  signal?: AbortSignal;
  /** How often to look again for a release GitHub has not listed yet (eventual consistency); default 3. */
  readBackAttempts?: number;
}

export interface PublishResult {
  release: GhRelease;
  /** True when this run continued an earlier, unfinished one. */
  resumed: boolean;
  /** What this run changed on GitHub ("created tag v1.2.0", …); empty when it was all done already. */
  actions: string[];
}

const SHA = /^[0-9a-f]{40}$/;
/** GitHub's limit on a release body. */
export const MAX_RELEASE_BODY = 125_000;

/**
 * The plan of publishing the drafted release: its version, the tag of the configured format (or the
 * one given), the exact commit, and the notes (given, or rendered from the draft).
 */
export function planRelease(
  notes: ReleaseNotes,
  config: ReleaseConfig,
  options: { repo: string; path?: string; tag?: string; body?: string; draft?: boolean },
): PublishPlan {
  const version = notes.version.next;
  if (version === null) {
    throw new UsageError(`Nothing to release: no change since ${notes.range.from ?? 'the first commit'} calls for a new version.`, 'Commit a fix or feature first, or draft the notes to see what is there.');
  }
  const pkg = packageFor(config, options.path !== undefined ? validatePath(options.path) : undefined);
  const tag = options.tag ?? (pkg ? new TagFormat(pkg.tagFormat, pkg.name) : new TagFormat(config.tagFormat)).tagFor(version);
  const problem = refNameProblem(tag);
  if (problem !== null || tag.startsWith('-')) {
    throw new UsageError(`Tag ${JSON.stringify(tag.slice(0, 80))} is not a valid tag name${problem ? `: it ${problem}` : ''}.`, 'Give a tag such as v1.2.0 (or fix tagFormat in the config).');
  }
  const body = options.body ?? renderMarkdown(notes, config, { forRelease: true });
  if (body.length > MAX_RELEASE_BODY) {
    throw new UsageError(`The release notes are ${body.length} characters; GitHub accepts at most ${MAX_RELEASE_BODY}.`, 'Shorten them (or link to CHANGELOG.md) and publish again.');
  }
  return { repo: options.repo, tag, version, sha: notes.range.toHash, name: tag, body, draft: options.draft === true, prerelease: /-/.test(version.split('+')[0] ?? '') };
}

/** The API every publish went to before the journal named its server. */
export const DEFAULT_API_ORIGIN = 'https://api.github.com';

/** The origin (`https://ghe.example.com`) of an API URL (`https://ghe.example.com/api/v3`). */
export function apiOriginOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).origin;
  } catch {
    return apiUrl.replace(/\/+$/, '');
  }
}

/**
 * The journal key of a publish: stable per API server, repository and tag, so that a journal made
 * against one server is never picked up against another. api.github.com keeps the key journals had
 * before they named their server, so an unfinished publish recorded then is still found there.
 */
export function journalKey(repo: string, tag: string, apiUrl: string): string {
  const origin = apiOriginOf(apiUrl);
  return origin === DEFAULT_API_ORIGIN ? `publish:${repo}@${tag}` : `publish:${origin}/${repo}@${tag}`;
}

/** The origin of the API a journal entry was made against (entries without one are api.github.com's). */
export function entryOrigin(entry: PublishJournal): string {
  return entry.apiOrigin ?? DEFAULT_API_ORIGIN;
}

/** "pid 123 on build-7 since 2026-12-06T23:10:00.000Z" */
export function describeHolder(holder: PublishHolder | null): string {
  return holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : 'a process that left no readable record';
}

/** The same plan, as far as GitHub's state is concerned (CRLF and trailing blanks in the notes do not count). */
export function samePlan(a: PublishPlan, b: PublishPlan): boolean {
  return a.repo === b.repo && a.tag === b.tag && a.sha === b.sha && a.name === b.name && sameBody(a.body, b.body) && a.prerelease === b.prerelease && a.draft === b.draft;
}

function sameBody(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trimEnd();
  return norm(a) === norm(b);
}

/** Publishes (or resumes publishing) a release. Throws GitHubError/UsageError with cause and fix; the journal says how far it got. */
export async function publishRelease(plan: PublishPlan, deps: PublishDeps): Promise<PublishResult> {
  if (!SHA.test(plan.sha)) throw new UsageError(`"${plan.sha}" is not a full commit SHA.`, 'Publish resolves the release commit to its 40-hex SHA; pass one.');
  const origin = apiOriginOf(deps.api.repo.apiUrl);
  const key = journalKey(plan.repo, plan.tag, origin);
  // One publish of a release at a time, across processes (a second CLI, an editor window): GitHub
  // accepts several draft releases for one tag, so two runs at once could each create one.
  const lock = deps.journal.lock ? await deps.journal.lock(key) : null;
  if (lock && !lock.acquired) {
    throw new GitHubError(
      'conflict',
      `Another publish of ${plan.tag} to ${plan.repo} is running (${describeHolder(lock.holder)}). Nothing was changed.`,
      `Wait for it to finish, then run publish again: it finds the release done or resumes it. If that process is gone for good, delete ${lock.where}.`,
    );
  }
  try {
    return await publishLocked(plan, deps, key, origin);
  } finally {
    if (lock?.acquired) await lock.release();
  }
}

async function publishLocked(plan: PublishPlan, deps: PublishDeps, key: string, origin: string): Promise<PublishResult> {
  const previous = await deps.journal.read(key);
  if (previous && entryOrigin(previous) !== origin) {
    throw new UsageError(
      `The journal of ${plan.tag} records a publish to ${entryOrigin(previous)}, not to ${origin}.`,
      'Publish against the API it was started with (GITHUB_API_URL / releaseManager.github.apiUrl), or inspect the journal entry.',
    );
  }
  if (previous && !samePlan(previous.plan, plan) && previous.step !== 'done') {
    throw new UsageError(
      `An unfinished publish of ${plan.tag} with different content is recorded (started ${previous.startedAt}, at ${previous.plan.sha.slice(0, 12)}, last step: ${previous.step}).`,
      'Resume that publish (Release: Resume Publish, or the CLI with the same notes and SHA), or inspect it on GitHub first.',
    );
  }
  const resumed = previous !== null && previous.step !== 'done';
  const entry: PublishJournal =
    previous && resumed
      ? { ...previous, lastError: null, apiOrigin: origin }
      : { kind: 'publish', version: 1, plan, step: 'started', releaseId: null, releaseUrl: null, startedAt: deps.now().toISOString(), updatedAt: deps.now().toISOString(), lastError: null, apiOrigin: origin };
  const save = async (patch: Partial<PublishJournal>) => {
    Object.assign(entry, patch, { updatedAt: deps.now().toISOString() });
    await deps.journal.write(key, entry);
  };
  const actions: string[] = [];
  const { api, signal } = deps;
  try {
    await save({});
    // Sign-in and permission problems surface here, before anything is written.
    await api.whoami(signal);

    await deps.onStep?.({ step: 'tag', phase: 'start', message: `Tag ${plan.tag} at ${plan.sha.slice(0, 12)}` });
    if (await ensureTag(plan, api, signal)) actions.push(`created tag ${plan.tag} at ${plan.sha.slice(0, 12)}`);
    await save({ step: entry.step === 'started' ? 'tagged' : entry.step });
    await deps.onStep?.({ step: 'tag', phase: 'recorded', message: `Tag ${plan.tag} is on GitHub` });

    await deps.onStep?.({ step: 'draft', phase: 'start', message: `Draft release ${plan.name}` });
    const drafted = await ensureRelease(plan, entry.releaseId, deps);
    if (drafted.created) actions.push(`created draft release ${plan.name}`);
    if (drafted.updated) actions.push(`updated the notes of draft release ${plan.name}`);
    await save({ step: entry.step === 'done' ? 'done' : 'drafted', releaseId: drafted.release.id, releaseUrl: drafted.release.htmlUrl || null });
    await deps.onStep?.({ step: 'draft', phase: 'recorded', message: `Draft release ${plan.name} is on GitHub` });

    let release = drafted.release;
    if (!plan.draft) {
      await deps.onStep?.({ step: 'publish', phase: 'start', message: `Publish ${plan.name}` });
      const published = await ensurePublished(plan, release, api, signal);
      release = published.release;
      if (published.changed) actions.push(`published release ${plan.name}`);
    }
    await save({ step: 'done', releaseId: release.id, releaseUrl: release.htmlUrl || null });
    if (!plan.draft) await deps.onStep?.({ step: 'publish', phase: 'recorded', message: `Release ${plan.name} is published` });
    return { release, resumed, actions };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    try {
      await save({ lastError: message });
    } catch {
      // The original failure matters more than a journal that could not be updated.
    }
    throw e;
  }
}

/** Makes sure the tag exists at the SHA; true when this call created it. */
async function ensureTag(plan: PublishPlan, api: GitHubApi, signal?: AbortSignal): Promise<boolean> {
  const existing = await api.tagCommit(plan.tag, signal);
  if (existing === plan.sha) return false;
  if (existing !== null) throw tagConflict(plan, existing);
  try {
    await api.createTag(plan.tag, plan.sha, signal);
    return true;
  } catch (e) {
    if (!(e instanceof GitHubError) || e.code === 'cancelled' || e.code === 'unauthorized' || e.code === 'forbidden') throw e;
    // Whatever went wrong, GitHub may have created it (a 422 from a concurrent run, a 5xx or a cut after it applied): look.
    const after = await api.tagCommit(plan.tag, signal);
    if (after === plan.sha) return false;
    if (after !== null) throw tagConflict(plan, after);
    if (e.code === 'invalid') {
      throw new GitHubError(
        'invalid',
        `GitHub could not create tag ${plan.tag} at ${plan.sha.slice(0, 12)}: ${e.message}`,
        'Push the release commit first (git push), then publish again.',
        { status: e.status },
      );
    }
    throw rewrap(e, 'The tag was not created; nothing else was changed.');
  }
}

/** The same fault, saying what state GitHub is left in and that running again resumes. */
function rewrap(e: GitHubError, state: string): GitHubError {
  const fix = e.code === 'rate-limited' && e.retryAfterSec !== undefined ? `Wait ${e.retryAfterSec} s, then run Publish again: it resumes where it stopped.` : 'Run Publish again: it resumes where it stopped.';
  return new GitHubError(e.code, `${e.message} ${state}`, fix, { status: e.status, permission: e.permission, retryAfterSec: e.retryAfterSec });
}

function tagConflict(plan: PublishPlan, existing: string): GitHubError {
  return new GitHubError(
    'conflict',
    `Tag ${plan.tag} already exists on GitHub at ${existing.slice(0, 12)}, not at the release commit ${plan.sha.slice(0, 12)}. Tags are never moved.`,
    'Release a new version instead, or publish from the commit the tag points at.',
  );
}

/** The releases for the tag, found by id (ours) or by tag name among all releases, drafts included. */
async function findReleases(plan: PublishPlan, knownId: number | null, api: GitHubApi, signal?: AbortSignal): Promise<GhRelease[]> {
  if (knownId !== null) {
    const mine = await api.getRelease(knownId, signal);
    if (mine && mine.tagName === plan.tag) return [mine];
  }
  return (await api.listReleases(signal)).filter((r) => r.tagName === plan.tag);
}

function matches(plan: PublishPlan, release: GhRelease): boolean {
  const target = release.targetCommitish;
  return release.name === plan.name && sameBody(release.body, plan.body) && release.prerelease === plan.prerelease && (target === plan.sha || !SHA.test(target));
}

async function ensureRelease(plan: PublishPlan, knownId: number | null, deps: PublishDeps): Promise<{ release: GhRelease; created: boolean; updated: boolean }> {
  const { api, signal } = deps;
  const found = await findReleases(plan, knownId, api, signal);
  const adopted = await adopt(plan, found, knownId, api, signal);
  if (adopted) return { ...adopted, created: false };
  try {
    const release = await api.createRelease({ tagName: plan.tag, targetSha: plan.sha, name: plan.name, body: plan.body, draft: true, prerelease: plan.prerelease, makeLatest: false }, signal);
    return { release, created: true, updated: false };
  } catch (e) {
    if (!(e instanceof GitHubError) || e.code === 'cancelled' || e.code === 'unauthorized' || e.code === 'forbidden') throw e;
    // It may exist all the same (applied before the connection dropped, or a concurrent run); a new
    // release is not always listed at once, so look a few times before concluding it is not there.
    const attempts = deps.readBackAttempts ?? 3;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await deps.sleep(1000 * attempt, signal);
      const again = await findReleases(plan, null, api, signal);
      const later = await adopt(plan, again, null, api, signal);
      if (later) return { ...later, created: true };
    }
    throw rewrap(e, `No release was created for ${plan.tag}; the tag stays.`);
  }
}

/** Picks the release to continue with among those found for the tag, or null when there is none; throws when one differs from the plan and is not ours. */
async function adopt(plan: PublishPlan, found: GhRelease[], knownId: number | null, api: GitHubApi, signal?: AbortSignal): Promise<{ release: GhRelease; updated: boolean } | null> {
  if (found.length === 0) return null;
  const same = found.find((r) => matches(plan, r));
  if (same) return { release: same, updated: false };
  const ours = knownId !== null ? found.find((r) => r.id === knownId) : undefined;
  if (ours && ours.draft) {
    // Our own draft with other notes (edited since): bring it in line with what the user confirmed now.
    const release = await api.updateRelease(ours.id, { body: plan.body, name: plan.name }, signal);
    return { release, updated: true };
  }
  const other = found[0]!;
  throw new GitHubError(
    'conflict',
    `A ${other.draft ? 'draft' : 'published'} release for ${plan.tag} already exists on GitHub (${other.htmlUrl || `id ${other.id}`}) with a different name or notes. Nothing was changed.`,
    other.draft ? 'Open it on GitHub and delete it or publish it yourself, then run Publish again.' : 'That version is already released; release a new version instead.',
  );
}

async function ensurePublished(plan: PublishPlan, release: GhRelease, api: GitHubApi, signal?: AbortSignal): Promise<{ release: GhRelease; changed: boolean }> {
  const current = (await api.getRelease(release.id, signal)) ?? release;
  if (!current.draft) return { release: current, changed: false };
  try {
    return { release: await api.updateRelease(current.id, { draft: false, makeLatest: !plan.prerelease }, signal), changed: true };
  } catch (e) {
    if (!(e instanceof GitHubError) || e.code === 'cancelled' || e.code === 'unauthorized' || e.code === 'forbidden') throw e;
    const after = await api.getRelease(current.id, signal);
    if (after && !after.draft) return { release: after, changed: true };
    throw rewrap(e, 'The release is still a draft.');
  }
}
