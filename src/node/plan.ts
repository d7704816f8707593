/**
 * Gathers a release plan (src/core/plan/plan.ts): the unreleased range from git, the milestones and
 * the release milestone's items from GitHub, and the range's merged pull requests (each commit's
 * `(#123)` or merge reference, else GitHub's pull requests of the commit: the notes engine's lookup).
 * The CLI and the editor share it; cancellable with a signal, with progress messages.
 */
import * as semver from '../core/semver';
import { toChanges } from '../core/commits';
import type { ReleaseConfig } from '../core/config';
import { draftNotes } from '../core/draft';
import { GitHubError, UsageError } from '../core/errors';
import type { GhPull, GitHubApi } from '../core/githubApi';
import type { NoteEntry, ReleaseNotes } from '../core/notes';
import { findMilestone, patternList } from '../core/plan/milestone';
import { computePlan, type RangePulls, type ReleasePlan } from '../core/plan/plan';
import type { GitRepo } from '../core/ports';
import { loadGitHub } from '../github/load';
import type { FetchedPullData, FetchPullOptions } from '../github/prNotes';

/** What a plan is gathered from. */
export interface CollectPlanInput {
  repo: GitRepo;
  config: ReleaseConfig;
  /** The release to plan (`--version`); default: the next version of HEAD, else the current one. */
  version?: string;
  github: GitHubApi;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  now?: Date;
  /** Commits of the range looked up on GitHub at most, newest first (default 300, as the notes). */
  maxCommits?: number;
  /** The notes engine's pull request lookup (injected by tests; default the GitHub bundle's). */
  fetchPulls?: (api: GitHubApi, notes: ReleaseNotes, options: FetchPullOptions) => Promise<FetchedPullData>;
}

/** A version given on the command line: a plain or prerelease semver (a leading v is accepted). */
export function parsePlanVersion(text: string): string {
  const v = semver.valid(text.trim().replace(/^v(?=\d)/, ''));
  if (v === null) throw new UsageError(`--version ${JSON.stringify(text.slice(0, 60))} is not a version.`, 'Give a version such as 1.3.0 (the milestone is found from it, e.g. v1.3.0).');
  return v;
}

/** Gathers and computes the plan; GitHub faults on the milestone reads are thrown (GitHubError), a failed pull request lookup is a warning. */
export async function collectPlan(input: CollectPlanInput): Promise<ReleasePlan> {
  const { repo, config, github: api, signal } = input;
  const now = input.now ?? new Date();
  const patterns = patternList(config.plan?.milestone);
  input.onProgress?.('reading the unreleased range');
  const notes = await draftNotes(repo, config, { signal, firstTimeContributors: false });
  const version = input.version ?? notes.version.next ?? notes.version.current;
  const range = { from: notes.range.from, to: notes.range.to, commits: 0 };
  if (version === null) return computePlan({ version: null, patterns, milestones: [], items: [], range, rangePulls: [], rangeRead: 'not-read', now });
  input.onProgress?.('reading the milestones');
  const [milestones, entries] = await Promise.all([api.listMilestones(signal), rangeEntries(input, notes)]);
  range.commits = entries.length;
  // Cancelled meanwhile: stop before asking for more (the CLI exits 130 on this error).
  if (signal?.aborted) throw new GitHubError('cancelled', 'Cancelled while reading the release plan.', 'Run the command again to continue.');
  const found = findMilestone(milestones, patterns, version);
  if (found === null) return computePlan({ version, patterns, milestones, items: [], range, rangePulls: [], rangeRead: 'not-read', now });
  input.onProgress?.(`reading milestone ${found.title} and the pull requests of ${entries.length} commit${entries.length === 1 ? '' : 's'}`);
  const [items, pulls] = await Promise.all([api.milestoneItems(found.number, signal), rangePulls(input, notes, entries)]);
  return computePlan({ version, patterns, milestones, items, range, rangePulls: pulls.pulls, rangeRead: pulls.read, now, warnings: pulls.warnings });
}

/** Every commit of the range as an entry the pull request lookup reads (hash, date, the PR its message names). */
async function rangeEntries(input: CollectPlanInput, notes: ReleaseNotes): Promise<NoteEntry[]> {
  const { fromHash, toHash } = notes.range;
  const entries: NoteEntry[] = [];
  if (fromHash !== toHash) {
    // Every commit of the range (hidden types, skip markers and release commits too: a merged pull request is one whatever its title).
    await input.repo.log({ from: fromHash, to: toHash, paths: [], signal: input.signal }, (raw) => {
      const change = toChanges(raw)[0];
      entries.push({ hash: raw.hash, type: change?.type ?? null, scope: change?.scope ?? null, subject: change?.subject ?? '', breaking: false, breakingNotes: [], pr: change?.pr ?? null, date: raw.date, authors: [] });
    });
  }
  return entries;
}

/** The merged pull requests of the range's commits, with how completely they could be read. */
async function rangePulls(input: CollectPlanInput, notes: ReleaseNotes, entries: NoteEntry[]): Promise<{ pulls: GhPull[]; read: RangePulls; warnings: string[] }> {
  if (entries.length === 0) return { pulls: [], read: 'complete', warnings: [] };
  const fetchPulls = input.fetchPulls ?? loadGitHub().fetchPullData;
  const all: ReleaseNotes = { ...notes, sections: [{ title: 'range', entries }], warnings: [] };
  const data = await fetchPulls(input.github, all, { signal: input.signal, ...(input.maxCommits !== undefined ? { maxCommits: input.maxCommits } : {}) });
  const pulls = [...data.pulls.values()].filter((p): p is GhPull => p !== null);
  const read: RangePulls = data.warnings.length === 0 ? 'complete' : data.pulls.size === 0 ? 'unavailable' : 'partial';
  // The lookup's words are about notes; keep its cause and fix.
  const warnings = data.warnings.map((w) => w.replace(/ These notes come from git only:[^.]*\./, '').replace('Pull requests are not linked', 'The pull requests of the range were not read'));
  return { pulls, read, warnings };
}
