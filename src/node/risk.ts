/**
 * Measures the inputs of a release's risk score and computes it (src/core/risk): the range's size,
 * critical-path and lockfile changes (git diff), breaking changes, reverts and first-time contributors
 * (the notes engine's parsed commits), failed CI attempts (GitHub Actions), the last release's date,
 * the planned deploy time against the calendar gates' freezes, the environment's change failure rate
 * (the metrics) and the business-risk answers (sign-offs). Shared by the CLI, the risk gate and the
 * checklist. What cannot be measured is an unknown factor that says how to measure it.
 */
import type { ReleaseConfig } from '../core/config';
import { findEnvironment } from '../core/deploy/schema';
import type { RangeChanges } from '../core/changes';
import { draftNotes, type DraftOptions } from '../core/draft';
import { ReleaseError } from '../core/errors';
import type { SignOff } from '../core/gates/context';
import type { GitHubApi } from '../core/githubApi';
import { answersFrom, assessRisk, type RiskAssessment, type RiskGateFacts } from '../core/risk/assess';
import type { Measured, RiskFreeze, RiskInputs } from '../core/risk/inputs';
import { riskConfigOf } from '../core/risk/schema';
import type { LocalGitRepo } from '../git/gitRepo';
import { loadMetrics } from './loadMetrics';
import { signOffsFor } from './signOffFile';

/** What a risk assessment is computed from. */
export interface CollectRiskOptions {
  repo: LocalGitRepo;
  config: ReleaseConfig;
  /** The environment deployed to (change failure rate, canary); default the metrics' environment (production). */
  environment?: string;
  /** When the deploy is planned; default now. */
  at?: Date;
  now?: Date;
  /** Connects to the repository's GitHub; absent or throwing: the CI factor is unknown and the metrics read local history only. */
  github?: () => Promise<GitHubApi>;
  /** Sign-offs of a version; default the repository's sign-off file. */
  signOffs?: (version: string) => Promise<SignOff[]>;
  /** Which release (monorepo path, prerelease channel). */
  draft?: Pick<DraftOptions, 'path' | 'prerelease'>;
  /** The metrics window of the change failure rate (default 30d). */
  cfrSince?: string;
  signal?: AbortSignal;
  /** Told what is being read, for a progress line. */
  onProgress?: (message: string) => void;
}

/** Conclusions of a run that count as a failed CI attempt. */
const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

const why = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
const fixOf = (e: unknown, fallback: string) => (e instanceof ReleaseError ? e.fix : fallback);

/** Runs a measurement; a fault (not a cancellation) becomes an unknown that says why and how to fix it. */
async function measure<T>(signal: AbortSignal | undefined, run: () => Promise<T>, howTo: string): Promise<Measured<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    if (signal?.aborted) throw e;
    return { ok: false, why: why(e), howTo: fixOf(e, howTo) };
  }
}

/** A lockfile name alone matches at any depth. */
function lockfileGlob(name: string): string {
  return name.includes('/') ? name : `**/${name}`;
}

/** The code freezes of the calendar gates and of the environment's protection. */
function freezesOf(config: ReleaseConfig, environment: string | undefined): RiskFreeze[] {
  const out: RiskFreeze[] = [];
  for (const g of config.gates) if (g.kind === 'calendar') for (const f of g.freezes) out.push({ from: f.from, to: f.to, reason: f.reason, warnDays: g.warnDays });
  const env = environment !== undefined ? findEnvironment(config.deploy, environment)?.env : undefined;
  for (const f of env?.protection.freezes ?? []) out.push({ from: f.from, to: f.to, reason: f.reason, warnDays: 3 });
  return out;
}

/** The risk config in force (the defaults when the file has none). */
export { riskConfigOf };

/** Measures every input and scores the release; also what the risk gate needs. */
export async function collectRisk(o: CollectRiskOptions): Promise<RiskGateFacts & { inputs: RiskInputs }> {
  const { repo, config, signal } = o;
  const risk = riskConfigOf(config);
  const progress = o.onProgress ?? (() => undefined);
  const now = o.now ?? new Date();
  const deployAt = (o.at ?? now).toISOString();
  const envName = o.environment ?? loadMetrics().defaultMetricsEnvironment(config);
  const env = findEnvironment(config.deploy, envName)?.env ?? null;

  // GitHub, once: failed CI attempts and the deployments of the change failure rate.
  let gh: GitHubApi | null = null;
  let ghProblem: { why: string; howTo: string } | null = null;
  if (o.github) {
    try {
      gh = await o.github();
    } catch (e) {
      if (signal?.aborted) throw e;
      ghProblem = { why: `GitHub is not connected: ${why(e)}`, howTo: fixOf(e, 'Sign in to GitHub (CLI: set GITHUB_TOKEN).') };
    }
  } else ghProblem = { why: 'GitHub is not connected', howTo: 'Sign in to GitHub (CLI: set GITHUB_TOKEN) in a repository with a GitHub remote.' };

  // The change failure rate reads the deployments on its own: it runs beside the range's reads.
  progress(`Reading the change failure rate of ${envName}…`);
  const cfrSince = o.cfrSince ?? '30d';
  const cfr = measure(
    signal,
    async () => {
      const report = await loadMetrics().collectMetrics({ repoRoot: repo.root, environment: envName, since: cfrSince, github: gh, config, now, ...(signal ? { signal } : {}) });
      return { environment: report.environment, ratio: report.changeFailureRate.ratio, failed: report.changeFailureRate.failed, total: report.changeFailureRate.total, since: report.window.since };
    },
    `Run release-manager metrics --env ${envName} to see why.`,
  );

  progress('Reading the release range…');
  let range: RangeChanges | null = null;
  const notes = await draftNotes(repo, config, { ...o.draft, signal, firstTimeContributors: true, onChanges: (r) => (range = r) });
  const changes = (range as RangeChanges | null) ?? { changes: [], commits: [] };
  const from = notes.range.fromHash;
  const to = notes.range.toHash;
  const empty = from === to;
  const version = notes.version.next;
  const gitHowTo = 'Run the same in a terminal: git diff --numstat <last release>..HEAD';

  progress('Measuring the changes…');
  const diff = measure(signal, async () => (empty ? [] : repo.diffFiles(from, to, signal)), gitHowTo);
  const critical = measure(
    signal,
    async () => Promise.all(risk.criticalPaths.map(async (pattern) => ({ pattern, files: empty ? [] : await repo.diffFilesMatching(from, to, [pattern], signal) }))).then((byPattern) => ({ byPattern })),
    gitHowTo,
  );
  const lockfiles = measure(signal, async () => ({ files: empty || risk.lockfiles.length === 0 ? [] : await repo.diffFilesMatching(from, to, risk.lockfiles.map(lockfileGlob), signal) }), gitHowTo);
  const lastDate = measure(signal, async () => ({ tag: notes.range.from, date: notes.range.from === null ? null : (await repo.tagDate(notes.range.from)) || null }), 'Fetch the release tags (git fetch --tags).');
  const signOffs = version === null ? Promise.resolve([]) : (o.signOffs ?? ((v: string) => signOffsFor(repo.root, v)))(version);

  progress('Reading CI runs…');
  const failedCi: Promise<RiskInputs['failedCi']> = (async () => {
    if (gh === null) return { ok: false as const, why: ghProblem!.why, howTo: ghProblem!.howTo };
    if (empty) return { ok: true as const, value: { failed: 0, reruns: 0, runs: [] } };
    const api = gh;
    return measure(signal, async () => {
      const hashes = new Set(await repo.rangeHashes(from, to, signal));
      const dates = changes.commits.map((c) => Date.parse(c.date)).filter((t) => !Number.isNaN(t));
      const since = new Date(Math.min(now.getTime(), ...dates) - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const runs = (await api.workflowRunsSince(since, signal)).filter((r) => hashes.has(r.headSha));
      const bad = runs.filter((r) => FAILED.has(r.conclusion ?? '') || r.attempt > 1);
      return {
        failed: runs.filter((r) => FAILED.has(r.conclusion ?? '')).length,
        reruns: runs.reduce((n, r) => n + Math.max(0, r.attempt - 1), 0),
        runs: bad.slice(0, 20).map((r) => ({ name: r.name, sha: r.headSha, conclusion: r.conclusion, attempt: r.attempt, url: r.url })),
      };
    }, 'Check that the token may read Actions (actions: read).');
  })();

  const firstTime: RiskInputs['firstTime'] = { ok: true, value: { names: from === null ? [] : notes.firstTimeContributors.map((c) => c.name) } };
  const breakingSubjects = notes.sections.flatMap((s) => s.entries).filter((e) => e.breaking).map((e) => e.subject);
  const revertList = changes.commits.filter((c) => c.isRevert);
  const sized = await diff;
  const inputs: RiskInputs = {
    version,
    range: { from: notes.range.from, to: notes.range.to },
    size: sized.ok
      ? {
          ok: true,
          value: {
            commits: new Set(changes.commits.map((c) => c.hash)).size,
            files: sized.value.length,
            insertions: sized.value.reduce((n, f) => n + (f.added ?? 0), 0),
            deletions: sized.value.reduce((n, f) => n + (f.deleted ?? 0), 0),
            binaryFiles: sized.value.filter((f) => f.added === null).length,
          },
        }
      : sized,
    breaking: { ok: true, value: { count: breakingSubjects.length, subjects: breakingSubjects } },
    critical: await critical,
    lockfiles: await lockfiles,
    firstTime,
    failedCi: await failedCi,
    lastRelease: await lastDate,
    reverts: { ok: true, value: { count: revertList.length, subjects: revertList.map((c) => c.subject) } },
    deployAt,
    freezes: freezesOf(config, envName),
    changeFailureRate: await cfr,
    answers: answersFrom(await signOffs),
  };
  const assessment: RiskAssessment = assessRisk(inputs, risk);
  return { assessment, requireCanary: risk.requireCanary, environment: env ? { name: env.name, strategy: env.strategy.kind } : null, inputs };
}
