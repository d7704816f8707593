/**
 * Collects the release metrics of one environment: reads the config, the deployments (GitHub
 * Deployments with their statuses, and the local deploy history of command and task environments),
 * the releases, the incident issues and — in one `git rev-list` walk — the commit graph of the
 * deployed commits, then computes the report with the pure functions of src/core/metrics. Shared by
 * the CLI (`release-manager metrics`) and the editor (Release Metrics view).
 */
import type { ReleaseConfig } from '../core/config';
import { findEnvironment, githubEnvironment, isLocalProvider, isProduction, type EnvironmentConfig } from '../core/deploy/schema';
import { versionFromRef } from '../core/deploy/rollback';
import { UsageError } from '../core/errors';
import type { GitHubApi } from '../core/githubApi';
import { computeMetrics } from '../core/metrics/compute';
import { DEFAULT_TARGETS, type MetricDeployment, type MetricIncident, type MetricRelease } from '../core/metrics/inputs';
import type { MetricsReport } from '../core/metrics/report';
import { countInterventions } from '../core/metrics/interventions';
import { metricsWindow } from '../core/metrics/window';
import type { GitHubRepoRef } from '../core/remote';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from './configFile';
import { readRepoFile } from './repoFile';
import { HISTORY_LIMIT, LocalDeployHistory } from './localDeployHistory';

/** What a metrics report is collected from. */
export interface CollectMetricsInput {
  /** The repository (any folder inside it). */
  repoRoot: string;
  /** The environment (default: `metrics.environment`, else the one named production, else the last of the ladder). */
  environment?: string;
  /** Window bounds: ISO dates or date-times, or spans back from now (`30d`, `12w`); default the last 90 days. */
  since?: string;
  until?: string;
  /** A GitHub client of the repository (its `repo` names it), or null without a token: GitHub sources are then skipped with a warning. */
  github: GitHubApi | null;
  /** The GitHub repository when it is known but there is no client (no token): only for the warning. */
  repo?: GitHubRepoRef | null;
  /** The parsed config; read from `repoRoot` when absent. */
  config?: ReleaseConfig;
  /** The clock (default: now). */
  now?: Date;
  signal?: AbortSignal;
  /** Told what is being read, for a progress line. */
  onProgress?: (message: string) => void;
}

/** The environment the metrics are about when none is named. */
export function defaultMetricsEnvironment(config: ReleaseConfig): string {
  if (config.metrics?.environment) return config.metrics.environment;
  const ladder = config.deploy?.environments ?? [];
  const production = ladder.find((e) => e.name.toLowerCase() === 'production') ?? ladder.find((e) => isProduction(e));
  return production?.name ?? ladder[ladder.length - 1]?.name ?? 'production';
}

function resolveEnvironment(config: ReleaseConfig, name: string): EnvironmentConfig {
  const found = findEnvironment(config.deploy, name);
  if (found) return found.env;
  if (config.deploy === undefined) throw new UsageError(`${JSON.stringify(name.slice(0, 64))} is not a valid environment name.`, 'Use letters, digits, ".", "_" or "-".');
  const known = config.deploy.environments.map((e) => e.name);
  throw new UsageError(`Unknown environment ${JSON.stringify(name.slice(0, 64))}.`, `Use --env with one of: ${known.join(', ')}.`);
}

/** Collects and computes the metrics report (see docs/metrics.md). Throws for faults (git, GitHub, config); missing sources are warnings. */
export async function collectMetrics(input: CollectMetricsInput): Promise<MetricsReport> {
  const now = input.now ?? new Date();
  const progress = input.onProgress ?? (() => undefined);
  const repo = await LocalGitRepo.open(input.repoRoot);
  const config = input.config ?? (await loadConfig(repo.root));
  const window = metricsWindow({ since: input.since, until: input.until }, now);
  const envName = input.environment ?? defaultMetricsEnvironment(config);
  const env = resolveEnvironment(config, envName);
  const metricsConfig = config.metrics;
  const warnings: string[] = [];
  const github = input.github;
  if (github === null) {
    const where = input.repo ? `${input.repo.owner}/${input.repo.repo}` : null;
    warnings.push(
      where
        ? `No GitHub token: GitHub deployments, releases and incident issues of ${where} are not read (set GITHUB_TOKEN, or sign in to GitHub).`
        : 'No GitHub repository or token: only the local deploy history and git are read; incidents are not counted.',
    );
  }

  // Deployments: the local history (command and task providers), and GitHub's.
  progress(`Reading the deployments of ${env.name}…`);
  const deployments: MetricDeployment[] = [];
  const history = new LocalDeployHistory(repo.gitCommonDir);
  const local = await history.list(env.name);
  for (const e of local) {
    deployments.push({
      source: 'local',
      id: e.id,
      sha: e.sha,
      ref: e.ref,
      version: e.version,
      createdAt: e.createdAt,
      statuses: e.statuses,
      correlationId: e.correlationId,
      operation: e.operation,
      weight: e.weight,
    });
  }
  if (local.length >= HISTORY_LIMIT) warnings.push(`The local deploy history of ${env.name} keeps the last ${HISTORY_LIMIT} steps only: older deployments are not counted.`);
  if (github !== null && !isLocalProvider(env)) {
    const records = await github.deploymentHistory(githubEnvironment(env), { since: window.since }, input.signal);
    for (const d of records) {
      deployments.push({
        source: 'github',
        id: d.id,
        sha: d.sha,
        ref: d.ours?.ref ?? d.ref,
        version: d.ours?.version ?? versionFromRef(d.ours?.ref ?? d.ref),
        createdAt: d.createdAt,
        statuses: d.statuses,
        correlationId: d.ours?.correlationId ?? null,
        operation: d.ours?.operation ?? null,
        weight: d.ours?.weight ?? null,
      });
    }
  }

  // Releases: GitHub's published releases, else the version tags of the repository.
  progress('Reading the releases…');
  let releases: MetricRelease[] | null;
  if (github !== null) {
    releases = (await github.listReleases(input.signal))
      .filter((r) => !r.draft && r.publishedAt !== null)
      .map((r) => ({ tag: r.tagName, version: versionFromRef(r.tagName), publishedAt: r.publishedAt!, prerelease: r.prerelease }));
  } else {
    releases = (await repo.tags({ dates: true }))
      .filter((t) => versionFromRef(t.name) !== null && t.date !== '')
      .map((t) => ({ tag: t.name, version: versionFromRef(t.name), publishedAt: t.date, prerelease: versionFromRef(t.name)!.includes('-') }));
    warnings.push('Releases are read from the version tags (no GitHub releases without a token).');
  }

  // Incidents: issues with the incident label.
  const incidentLabel = metricsConfig?.incidentLabel ?? 'incident';
  let incidents: MetricIncident[] | null = null;
  if (github !== null) {
    progress(`Reading the issues labelled ${incidentLabel}…`);
    // Updated since the window's start: a superset of the incidents created in it.
    incidents = (await github.issuesWithLabel(incidentLabel, window.since, input.signal)).map((i) => ({ number: i.number, title: i.title, body: i.body, labels: i.labels, createdAt: i.createdAt, closedAt: i.closedAt }));
    if (incidents.length === 0) warnings.push(`No issue has the label ${JSON.stringify(incidentLabel)}: incidents are not counted (label incident issues, or set metrics.incidentLabel).`);
  }

  // One walk of the history reachable from every deployed commit.
  progress('Reading the history of the deployed commits…');
  const commits = await repo.commitGraph(deployments.map((d) => d.sha), input.signal);

  const calendar = config.gates.find((g) => g.kind === 'calendar' && g.cadence !== undefined);
  const cadence = calendar && calendar.kind === 'calendar' && calendar.cadence ? { anchor: calendar.cadence.anchor, everyWeeks: calendar.cadence.everyWeeks } : null;
  progress('Computing the metrics…');
  // Kill switches used (recorded in the decision log): interventions. An unreadable log is a warning, never a silent zero.
  let decisionLog: string | null = null;
  let logRead = true;
  try {
    decisionLog = await readRepoFile(repo.root, config.decisionLog);
  } catch (e) {
    logRead = false;
    warnings.push(`The decision log ${config.decisionLog} could not be read: kill switch uses are not counted (${e instanceof Error ? e.message : String(e)}).`);
  }
  const report = computeMetrics({
    environment: env.name,
    since: window.since,
    until: window.until,
    deployments,
    releases,
    incidents,
    severityLabel: metricsConfig?.severityLabel ?? 'P1',
    unattributedIncidents: isProduction(env) || envName === defaultMetricsEnvironment(config),
    commits,
    targets: metricsConfig?.targets ?? { ...DEFAULT_TARGETS },
    cadence,
    warnings,
  });
  return logRead ? { ...report, interventions: countInterventions(decisionLog, env.name, window) } : report;
}
