/**
 * Collects the release calendar of a repository (issue 19): the release tags (git), the calendar gates'
 * freezes and cadence (the config), the local deploy history of every environment, and — with a GitHub
 * client — GitHub's releases, milestones and deployments. Shared by `release-manager calendar` and the
 * editor's Release Calendar. Offline or signed out, the local events are still returned, with a note
 * saying what is missing; only a cancellation (the AbortSignal) or a broken config/history throws.
 */
import type { ReleaseConfig } from '../core/config';
import { buildCalendar, calendarWindow, type CalendarDeployment, type CalendarReport } from '../core/calendar/model';
import { githubEnvironment, isLocalProvider } from '../core/deploy/schema';
import { versionFromRef } from '../core/deploy/rollback';
import { ReleaseError, UsageError } from '../core/errors';
import type { GhMilestone, GhRelease, GitHubApi } from '../core/githubApi';
import type { GitHubRepoRef } from '../core/remote';
import { redactSecrets } from '../core/secrets';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from './configFile';

/** The iCalendar writer travels with the collection in dist/calendar.js (ical.js is needed by nothing else). */
export { calendarIcs } from '../core/calendar/ics';
import { HISTORY_LIMIT, LocalDeployHistory, localSlugOf } from './localDeployHistory';

/** What a calendar is collected from. */
export interface CollectCalendarInput {
  /** The repository (any folder inside it). */
  repoRoot: string;
  /** The window: UTC dates (inclusive); default 90 days back and 90 ahead of today. */
  from?: string;
  to?: string;
  /** A GitHub client of the repository, or null (no token, not on GitHub): GitHub's events are then skipped with a note. */
  github: GitHubApi | null;
  /** The GitHub repository when known without a client (links, ids and the note). */
  repo?: GitHubRepoRef | null;
  /** The parsed config; read from `repoRoot` when absent. */
  config?: ReleaseConfig;
  now?: Date;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** Why a GitHub read failed, in a note (never a secret). */
function why(e: unknown): string {
  return redactSecrets(e instanceof ReleaseError ? e.message : e instanceof Error ? e.message : String(e)).slice(0, 300);
}

/** Collects the calendar; throws UsageError for a bad window, and faults of git, the config or a damaged history. */
export async function collectCalendar(input: CollectCalendarInput): Promise<CalendarReport> {
  const now = input.now ?? new Date();
  const signal = input.signal;
  const progress = input.onProgress ?? (() => undefined);
  const w = calendarWindow({ from: input.from, to: input.to }, now);
  if ('problem' in w) throw new UsageError(w.problem, w.fix);
  const repo = await LocalGitRepo.open(input.repoRoot);
  const config = input.config ?? (await loadConfig(repo.root));
  const ref = input.github?.repo ?? input.repo ?? null;
  const notes: string[] = [];
  const github = input.github;
  if (github === null) {
    notes.push(
      ref
        ? `No GitHub token: the GitHub releases, milestones and deployments of ${ref.owner}/${ref.repo} are not shown (set GITHUB_TOKEN, or sign in to GitHub).`
        : 'No GitHub repository: milestones and GitHub deployments are not shown; releases come from the tags, deploys from the local history.',
    );
  }

  progress('Reading the release tags…');
  signal?.throwIfAborted();
  const tags = (await repo.tags({ dates: true })).filter((t) => t.date !== '');
  if (tags.length === 0) notes.push('No tags in this repository: past releases are not shown (they come from the release tags).');

  progress('Reading the deploy history…');
  const deployments: CalendarDeployment[] = [];
  const history = new LocalDeployHistory(repo.gitCommonDir);
  const envs = config.deploy?.environments ?? [];
  for (const env of envs) {
    signal?.throwIfAborted();
    const local = await history.list(env.name);
    if (local.length >= HISTORY_LIMIT) notes.push(`The local deploy history of ${env.name} keeps the last ${HISTORY_LIMIT} steps only: older deploys are not shown.`);
    for (const e of local) deployments.push({ ...e, source: 'local', operation: e.operation });
  }

  let releases: GhRelease[] | null = null;
  let milestones: GhMilestone[] | null = null;
  if (github !== null) {
    const where = `${github.repo.owner}/${github.repo.repo}`;
    const read = async <T>(what: string, f: () => Promise<T>): Promise<T | null> => {
      signal?.throwIfAborted();
      progress(`Reading ${what} on GitHub…`);
      try {
        return await f();
      } catch (e) {
        if (signal?.aborted) throw e;
        notes.push(`GitHub ${what} of ${where} not read: ${why(e)}`);
        return null;
      }
    };
    releases = await read('releases', () => github.listReleases(signal));
    milestones = await read('milestones', () => github.listMilestones(signal));
    const since = `${w.window.from}T00:00:00Z`;
    for (const env of envs.filter((e) => !isLocalProvider(e))) {
      const records = await read(`deployments to ${env.name}`, () => github.deploymentHistory(githubEnvironment(env), { since, before: 1 }, signal));
      for (const d of records ?? []) {
        deployments.push({
          id: d.id,
          environment: env.name,
          sha: d.sha,
          ref: d.ours?.ref ?? d.ref,
          version: d.ours?.version ?? versionFromRef(d.ours?.ref ?? d.ref),
          createdAt: d.createdAt,
          statuses: d.statuses,
          weight: d.ours?.weight ?? null,
          source: 'github',
          operation: d.ours?.operation ?? null,
        });
      }
    }
  }
  if (envs.length === 0) notes.push('No deploy environments configured: deploys are not shown (add deploy.environments to .release-manager.json).');

  const repository = ref ? `${ref.owner}/${ref.repo}` : localSlugOf(repo.root);
  const uidDomain = (ref ? `${ref.repo}.${ref.owner}.${ref.host === 'api.github.com' ? 'github.com' : ref.host}` : `${repository.replace('/', '.')}.release-manager`).toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  progress('Building the calendar…');
  return buildCalendar({ repository, github: ref, uidDomain, window: w.window, now, config, tags, releases, milestones, deployments, notes });
}
