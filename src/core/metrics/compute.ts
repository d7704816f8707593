/**
 * The release and DORA metrics of one environment over one window, from plain records (inputs.ts);
 * the definitions are those of docs/metrics.md. Pure: no I/O, no clock.
 */
import * as semver from '../semver';
import { hours, percent, minutes as minutesText, round } from './format';
import type { MetricIncident, MetricRelease, MetricTargets, MetricsInput } from './inputs';
import type { FrequencyBand, MetricsDeploymentRow, MetricsReport, TargetVerdict } from './report';
import { groupRuns, walkRuns, type DeploymentRun } from './runs';
import { DAY, HOUR, MINUTE, WEEK, isoWeek, median, percentileOfSorted, weeksOf } from './stats';

/** A release published within this long after a deployment, with a higher patch of its version, is its hotfix. */
export const HOTFIX_WINDOW_MS = 24 * HOUR;

/** Computes the report. */
export function computeMetrics(input: MetricsInput): MetricsReport {
  const since = Date.parse(input.since);
  const until = Date.parse(input.until);
  const warnings = [...input.warnings];
  const inWindow = (ms: number | null) => ms !== null && ms >= since && ms < until;

  const runs = groupRuns(input.deployments);
  const walk = walkRuns(runs, input.commits);
  const windowRuns = runs.filter((r) => inWindow(r.createdAt));
  const finished = windowRuns.filter((r) => r.outcome !== 'inProgress');
  const succeeded = windowRuns.filter((r) => r.outcome === 'succeeded');
  const failed = windowRuns.filter((r) => r.outcome === 'failed');
  const changes = finished.filter((r) => !r.rollback);

  // History coverage.
  if (runs.length === 0) warnings.push(`No deployments of ${input.environment} are recorded (GitHub deployments or the local deploy history): the deployment figures are n/a.`);
  else {
    const first = runs[0]!.createdAt;
    if (first > since) warnings.push(`The deployment history of ${input.environment} starts on ${new Date(first).toISOString().slice(0, 10)}, after the start of the window (${input.since.slice(0, 10)}): the figures cover a shorter period.`);
    if (windowRuns.length === 0) warnings.push(`No deployment of ${input.environment} in the window.`);
  }

  // Deployment frequency.
  const frequency = frequencyOf(succeeded, since, until, windowRuns.length > 0);

  // Lead time for changes.
  const leadHours: number[] = [];
  const leadSeries: Array<{ at: string; medianHours: number }> = [];
  let skewed = 0;
  let measured = 0;
  let unmeasuredFirst = false;
  for (const run of succeeded) {
    if (!walk.newCommits.has(run)) {
      if (!run.rollback) unmeasuredFirst = true;
      continue;
    }
    const commits = walk.newCommits.get(run);
    if (!commits || commits.length === 0) continue;
    const mine: number[] = [];
    for (const id of commits) {
      let h = (run.finishedAt! - input.commits.timeOf(id) * 1000) / HOUR;
      if (h < 0) {
        skewed++;
        h = 0;
      }
      mine.push(h);
    }
    leadHours.push(...mine);
    measured++;
    leadSeries.push({ at: new Date(run.finishedAt!).toISOString(), medianHours: median(mine)! });
  }
  if (unmeasuredFirst) warnings.push('The first known deployment has no earlier succeeded deployment to compare with: its commits are not in the lead time.');
  const missing = walk.missing.filter((r) => inWindow(r.createdAt));
  if (missing.length > 0) warnings.push(`${missing.length} deployed commit${missing.length === 1 ? ' is' : 's are'} not in this clone (${missing.slice(0, 3).map((r) => r.sha.slice(0, 7)).join(', ')}${missing.length > 3 ? ', …' : ''}): their lead times are not counted and rollbacks are found by equal commits only. Fetch the history (git fetch) for full figures.`);
  if (skewed > 0) warnings.push(`${skewed} commit${skewed === 1 ? ' is' : 's are'} dated after the deployment that shipped ${skewed === 1 ? 'it' : 'them'} (clock skew): counted with a lead time of 0.`);

  // Hotfixes and incidents that name a deployment.
  const releases = input.releases ?? [];
  const incidents = input.incidents ?? [];
  const named = incidentsByRun(incidents, runs);
  const hotfixes = hotfixIndex(releases);
  const reasons = new Map<DeploymentRun, string[]>();
  for (const run of changes) {
    const why: string[] = [];
    if (run.outcome === 'failed') why.push('failed');
    if (run.rolledBack) why.push('rolled back');
    const hotfix = run.outcome === 'succeeded' ? hotfixOf(run, hotfixes) : null;
    if (hotfix) why.push(`hotfix ${hotfix.tag} within 24 h`);
    for (const i of named.get(run) ?? []) why.push(`incident #${i.number}`);
    reasons.set(run, why);
  }
  const failedChanges = changes.filter((r) => (reasons.get(r)?.length ?? 0) > 0);

  // Failed deployment recovery time.
  const failures: number[] = [];
  for (const run of windowRuns) {
    if (run.outcome !== 'failed' && !run.rolledBack) continue;
    const candidates = [run.firstFailureAt, run.rolledBackBy?.createdAt ?? null].filter((t): t is number => t !== null && t >= run.createdAt);
    failures.push(candidates.length > 0 ? Math.min(...candidates) : (run.finishedAt ?? run.createdAt));
  }
  const attributed = new Set([...named.values()].flat());
  for (const i of incidents) {
    const at = Date.parse(i.createdAt);
    if (!inWindow(at)) continue;
    if (attributed.has(i) || (input.unattributedIncidents && !anyRunNamed(i, named))) failures.push(at);
  }
  const successTimes = runs.filter((r) => r.outcome === 'succeeded').map((r) => r.finishedAt!).sort((a, b) => a - b);
  const recoveryMinutes: number[] = [];
  const recoverySeries: Array<{ at: string; minutes: number }> = [];
  let unrecovered = 0;
  for (const at of failures.sort((a, b) => a - b)) {
    const next = firstAfter(successTimes, at);
    if (next === null) {
      unrecovered++;
      continue;
    }
    const m = (next - at) / MINUTE;
    recoveryMinutes.push(m);
    recoverySeries.push({ at: new Date(at).toISOString(), minutes: m });
  }

  // Rollbacks.
  const releaseKey = (r: DeploymentRun) => r.version ?? r.sha;
  const releasesDeployed = new Set(changes.map(releaseKey));
  const releasesRolledBack = new Set(changes.filter((r) => r.rolledBack).map(releaseKey));
  const rollbackMinutes = succeeded.filter((r) => r.rollback).map((r) => Math.max(0, r.finishedAt! - r.createdAt) / MINUTE);
  const deployMinutes = succeeded.filter((r) => !r.rollback).map((r) => Math.max(0, r.finishedAt! - r.createdAt) / MINUTE);

  // Incidents.
  const windowIncidents = incidents.filter((i) => inWindow(Date.parse(i.createdAt)));
  const severity = input.severityLabel.toLowerCase();
  const p1 = windowIncidents.filter((i) => i.labels.some((l) => l.toLowerCase() === severity)).length;
  const mttr = windowIncidents.filter((i) => i.closedAt !== null).map((i) => Math.max(0, Date.parse(i.closedAt!) - Date.parse(i.createdAt)) / MINUTE);
  const p1PerTen = input.incidents === null || releasesDeployed.size === 0 ? null : (p1 * 10) / releasesDeployed.size;

  // Cadence.
  const cadence = input.cadence === null ? null : cadenceOf(input.cadence, releases, since, until, input.releases !== null);

  const sortedLead = Float64Array.from(leadHours).sort();
  const successRate = succeeded.length + failed.length === 0 ? null : succeeded.length / (succeeded.length + failed.length);
  const report: MetricsReport = {
    environment: input.environment,
    window: { since: input.since, until: input.until },
    deployments: {
      total: windowRuns.length,
      succeeded: succeeded.length,
      failed: failed.length,
      rolledBack: windowRuns.filter((r) => r.rolledBack).length,
      inProgress: windowRuns.length - finished.length,
    },
    frequency,
    leadTime: { medianHours: percentileOfSorted(sortedLead, 50), p90Hours: percentileOfSorted(sortedLead, 90), commits: leadHours.length, deployments: measured },
    changeFailureRate: { ratio: changes.length === 0 ? null : failedChanges.length / changes.length, failed: failedChanges.length, total: changes.length },
    recovery: { medianMinutes: median(recoveryMinutes), count: recoveryMinutes.length, unrecovered },
    successRate,
    rollbackRate: { ratio: releasesDeployed.size === 0 ? null : releasesRolledBack.size / releasesDeployed.size, rolledBack: releasesRolledBack.size, releases: releasesDeployed.size },
    deployTime: { medianMinutes: median(deployMinutes), count: deployMinutes.length },
    rollbackTime: { medianMinutes: median(rollbackMinutes), count: rollbackMinutes.length },
    incidents: { total: windowIncidents.length, p1, mttrMinutes: median(mttr), p1PerTenReleases: p1PerTen, closed: mttr.length, releases: releasesDeployed.size },
    cadence,
    targets: [],
    warnings,
    series: {
      weekly: weeklySeries(windowRuns, since, until),
      leadTimes: leadSeries,
      recoveries: recoverySeries,
    },
    list: windowRuns.map((r) => row(r, reasons.get(r) ?? [])),
  };
  report.targets = targetVerdicts(report, input.targets);
  return report;
}

function row(r: DeploymentRun, failureReasons: string[]): MetricsDeploymentRow {
  return {
    id: `${r.source}:${r.members[0]!.id}`,
    version: r.version,
    ref: r.ref,
    sha: r.sha,
    createdAt: new Date(r.createdAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    outcome: r.outcome,
    rollback: r.rollback,
    rolledBack: r.rolledBack,
    failureReasons,
    steps: r.members.length,
  };
}

/** The first value of a sorted list after `at`, or null. */
function firstAfter(sorted: readonly number[], at: number): number | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > at) hi = mid;
    else lo = mid + 1;
  }
  return lo < sorted.length ? sorted[lo]! : null;
}

/** Succeeded deployments per week and the DORA band (daily: a median of ≥ 3 days with a deploy per week; weekly: ≥ 1 deploy in the median week; monthly: ≥ 1 in the median 30-day period; else fewer). */
export function frequencyOf(succeeded: readonly DeploymentRun[], since: number, until: number, anyData: boolean): MetricsReport['frequency'] {
  const weeks = (until - since) / WEEK;
  if (!anyData) return { perWeek: null, band: null, succeeded: 0, weeks };
  const days = new Map<string, Set<number>>();
  const perWeek = new Map<string, number>();
  /** 30-day periods from the window's start (calendar months would make partial months count). */
  const periods = Math.max(1, Math.ceil((until - since) / (30 * DAY)));
  const perPeriod = new Array<number>(periods).fill(0);
  for (const r of succeeded) {
    const at = r.finishedAt!;
    const w = isoWeek(at);
    if (!days.has(w)) days.set(w, new Set());
    days.get(w)!.add(Math.floor(at / DAY));
    perWeek.set(w, (perWeek.get(w) ?? 0) + 1);
    const p = Math.floor((at - since) / (30 * DAY));
    if (p >= 0 && p < periods) perPeriod[p]!++;
  }
  const weekList = weeksOf(since, until);
  const daysMedian = median(weekList.map((w) => days.get(w)?.size ?? 0)) ?? 0;
  const weekMedian = median(weekList.map((w) => perWeek.get(w) ?? 0)) ?? 0;
  const monthMedian = median(perPeriod) ?? 0;
  const band: FrequencyBand = daysMedian >= 3 ? 'daily' : weekMedian >= 1 ? 'weekly' : monthMedian >= 1 ? 'monthly' : 'fewer';
  return { perWeek: succeeded.length / weeks, band, succeeded: succeeded.length, weeks };
}

function weeklySeries(runs: readonly DeploymentRun[], since: number, until: number): NonNullable<MetricsReport['series']>['weekly'] {
  const rows = new Map(weeksOf(since, until).map((w) => [w, { week: w, succeeded: 0, failed: 0, rolledBack: 0 }]));
  for (const r of runs) {
    const row = rows.get(isoWeek(r.createdAt));
    if (!row) continue;
    if (r.rolledBack) row.rolledBack++;
    else if (r.outcome === 'succeeded') row.succeeded++;
    else if (r.outcome === 'failed') row.failed++;
  }
  return [...rows.values()];
}

/** Stable releases with their publication time and version, oldest first (for `hotfixOf`). */
export interface HotfixIndex {
  at: number[];
  releases: Array<{ release: MetricRelease; version: semver.SemVer }>;
}

/** Indexes the releases that can be hotfixes (published, stable, with a version), by publication time. */
export function hotfixIndex(releases: readonly MetricRelease[]): HotfixIndex {
  const list = releases
    .map((release) => ({ release, at: Date.parse(release.publishedAt), version: release.version === null ? null : semver.parse(release.version) }))
    .filter((r): r is { release: MetricRelease; at: number; version: semver.SemVer } => r.version !== null && r.version.prerelease.length === 0 && !Number.isNaN(r.at))
    .sort((a, b) => a.at - b.at);
  return { at: list.map((r) => r.at), releases: list };
}

/** A release published within 24 h after the run succeeded whose version is a later patch of the run's version (same major.minor). */
export function hotfixOf(run: DeploymentRun, index: HotfixIndex): MetricRelease | null {
  const v = run.version === null ? null : semver.parse(run.version);
  if (v === null || run.finishedAt === null) return null;
  // The first release published after the success, then on while within 24 h.
  let lo = 0;
  let hi = index.at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index.at[mid]! > run.finishedAt) hi = mid;
    else lo = mid + 1;
  }
  for (let i = lo; i < index.at.length && index.at[i]! <= run.finishedAt + HOTFIX_WINDOW_MS; i++) {
    const rv = index.releases[i]!.version;
    if (rv.major === v.major && rv.minor === v.minor && rv.patch > v.patch) return index.releases[i]!.release;
  }
  return null;
}

const VERSION_TOKEN = /(?<![\w.])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?!\w|\.\d)/g;
const HEX_TOKEN = /(?<![0-9a-zA-Z])[0-9a-f]{7,40}(?![0-9a-zA-Z])/g;

/** The runs each incident names (its title or body mentions the run's version, ref or a commit prefix of ≥ 7 characters). */
export function incidentsByRun(incidents: readonly MetricIncident[], runs: readonly DeploymentRun[]): Map<DeploymentRun, MetricIncident[]> {
  const out = new Map<DeploymentRun, MetricIncident[]>();
  if (incidents.length === 0) return out;
  const byVersion = new Map<string, DeploymentRun[]>();
  for (const r of runs) {
    for (const key of [r.version, r.ref]) {
      if (!key) continue;
      const k = key.toLowerCase();
      if (!byVersion.has(k)) byVersion.set(k, []);
      if (!byVersion.get(k)!.includes(r)) byVersion.get(k)!.push(r);
    }
  }
  for (const i of incidents) {
    const text = `${i.title}\n${i.body}`;
    const hits = new Set<DeploymentRun>();
    for (const m of text.matchAll(VERSION_TOKEN)) for (const r of byVersion.get(m[1]!.toLowerCase()) ?? []) hits.add(r);
    for (const token of text.split(/[\s,;:()[\]{}<>"'`!?*]+/)) for (const r of byVersion.get(token.replace(/\.+$/, '').toLowerCase()) ?? []) hits.add(r);
    const hex = [...text.matchAll(HEX_TOKEN)].map((m) => m[0]);
    if (hex.length > 0) for (const r of runs) if (hex.some((h) => r.sha.startsWith(h))) hits.add(r);
    for (const r of hits) {
      if (!out.has(r)) out.set(r, []);
      out.get(r)!.push(i);
    }
  }
  return out;
}

function anyRunNamed(incident: MetricIncident, named: ReadonlyMap<DeploymentRun, MetricIncident[]>): boolean {
  for (const list of named.values()) if (list.includes(incident)) return true;
  return false;
}

/** Releases published in the window against the release days of the calendar gate's cadence. */
export function cadenceOf(cadence: { anchor: string; everyWeeks: number }, releases: readonly MetricRelease[], since: number, until: number, known: boolean): MetricsReport['cadence'] {
  const anchor = Date.parse(`${cadence.anchor.slice(0, 10)}T00:00:00Z`);
  const period = cadence.everyWeeks * WEEK;
  // Release days are whole UTC days: one counts when any part of it is in the window.
  const firstDay = Math.floor(since / DAY) * DAY;
  let k = Math.ceil((firstDay - anchor) / period);
  let expected = 0;
  for (let day = anchor + k * period; day < until; k++, day = anchor + k * period) expected++;
  const actual = known ? releases.filter((r) => !r.prerelease && Date.parse(r.publishedAt) >= since && Date.parse(r.publishedAt) < until).length : 0;
  return { expected, actual, met: actual >= expected, everyWeeks: cadence.everyWeeks };
}

function lessThan(actual: number | null, threshold: number): boolean | null {
  return actual === null ? null : actual < threshold;
}

function hoursTarget(h: number): string {
  return h % 168 === 0 ? `< ${h / 168} week${h === 168 ? '' : 's'}` : `< ${hours(h)}`;
}

/** The verdict of each target (thresholds from the config, the defaults otherwise). */
export function targetVerdicts(report: MetricsReport, t: MetricTargets): TargetVerdict[] {
  const d = report.deployments;
  const out: TargetVerdict[] = [
    { id: 'leadTime', label: 'Lead time for changes (median)', unit: 'hours', threshold: t.leadTime, target: hoursTarget(t.leadTime), actual: report.leadTime.medianHours, met: lessThan(report.leadTime.medianHours, t.leadTime), counts: `${report.leadTime.commits} commits` },
    { id: 'changeFailureRate', label: 'Change failure rate', unit: 'ratio', threshold: t.changeFailureRate, target: `< ${percent(t.changeFailureRate)}`, actual: report.changeFailureRate.ratio, met: lessThan(report.changeFailureRate.ratio, t.changeFailureRate), counts: `${report.changeFailureRate.failed} of ${report.changeFailureRate.total} deployments` },
    { id: 'recoveryTime', label: 'Failed deployment recovery time (median)', unit: 'minutes', threshold: t.recoveryTime, target: `< ${minutesText(t.recoveryTime)}`, actual: report.recovery.medianMinutes, met: lessThan(report.recovery.medianMinutes, t.recoveryTime), counts: `${report.recovery.count} recoveries` },
    { id: 'successRate', label: 'Deployment success rate', unit: 'ratio', threshold: t.successRate, target: `> ${percent(t.successRate)}`, actual: report.successRate, met: report.successRate === null ? null : report.successRate > t.successRate, counts: `${d.succeeded} of ${d.succeeded + d.failed} deployments` },
    { id: 'rollbackRate', label: 'Rollback rate', unit: 'ratio', threshold: t.rollbackRate, target: `< ${percent(t.rollbackRate)}`, actual: report.rollbackRate.ratio, met: lessThan(report.rollbackRate.ratio, t.rollbackRate), counts: `${report.rollbackRate.rolledBack} of ${report.rollbackRate.releases} releases` },
    { id: 'rollbackTime', label: 'Rollback time (median)', unit: 'minutes', threshold: t.rollbackTime, target: `< ${minutesText(t.rollbackTime)}`, actual: report.rollbackTime.medianMinutes, met: lessThan(report.rollbackTime.medianMinutes, t.rollbackTime), counts: `${report.rollbackTime.count ?? 0} rollbacks` },
    { id: 'deployTime', label: 'Deployment time (median)', unit: 'minutes', threshold: t.deployTime, target: `< ${minutesText(t.deployTime)}`, actual: report.deployTime.medianMinutes, met: lessThan(report.deployTime.medianMinutes, t.deployTime), counts: `${report.deployTime.count ?? 0} deployments` },
    { id: 'p1PerTenReleases', label: 'P1 incidents per 10 releases', unit: 'perTen', threshold: t.p1PerTenReleases, target: `< ${round(t.p1PerTenReleases, 2)}`, actual: report.incidents.p1PerTenReleases, met: lessThan(report.incidents.p1PerTenReleases, t.p1PerTenReleases), counts: `${report.incidents.p1} P1 in ${report.incidents.releases ?? 0} releases` },
  ];
  const c = report.cadence;
  if (c !== null) out.push({ id: 'cadence', label: 'Releases on cadence', unit: 'count', threshold: c.expected, target: `≥ ${c.expected} releases`, actual: c.actual, met: c.met, counts: `${c.actual} of ${c.expected} release days` });
  return out;
}
