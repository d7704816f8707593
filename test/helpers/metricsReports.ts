// Metrics reports as the core returns them (src/core/metrics/report.ts), built by code for the editor's
// tests: a busy environment with failures and rollbacks, and an empty one. Plain data, no 'vscode'.
import type { MetricsReport } from '../../src/core/metrics/report';

/** A report of `weeks` weeks ending 2026-12-06: 41 deployments, 2 failed, 1 rolled back, targets mostly met. */
export function busyReport(over: Partial<MetricsReport> = {}): MetricsReport {
  const weekly = Array.from({ length: 12 }, (_, i) => ({ week: `2026-W${String(38 + i).padStart(2, '0')}`, succeeded: 3 + (i % 3), failed: i === 4 ? 1 : i === 9 ? 1 : 0, rolledBack: i === 9 ? 1 : 0 }));
  const day = (i: number) => new Date(Date.UTC(2026, 8, 14) + i * 2 * 86_400_000).toISOString();
  return {
    environment: 'production',
    window: { since: '2026-09-07T00:00:00.000Z', until: '2026-12-06T00:00:00.000Z' },
    deployments: { total: 41, succeeded: 39, failed: 2, rolledBack: 1, inProgress: 0 },
    frequency: { perWeek: 3.25, band: 'weekly' },
    leadTime: { medianHours: 20.5, p90Hours: 96, commits: 187 },
    changeFailureRate: { ratio: 2 / 41, failed: 2, total: 41 },
    recovery: { medianMinutes: 12, count: 2 },
    successRate: 39 / 41,
    rollbackRate: { ratio: 1 / 12, rolledBack: 1, releases: 12 },
    deployTime: { medianMinutes: 6.5 },
    rollbackTime: { medianMinutes: 3 },
    incidents: { total: 1, p1: 0, mttrMinutes: 95, p1PerTenReleases: 0 },
    cadence: { expected: 6, actual: 6, met: true },
    targets: [
      { id: 'leadTime', target: '< 1 week', actual: 20.5, met: true },
      { id: 'changeFailureRate', target: '< 15%', actual: 2 / 41, met: true },
      { id: 'recoveryTime', target: '< 15 min', actual: 12, met: true },
      { id: 'successRate', target: '> 99.5%', actual: 39 / 41, met: false },
      { id: 'rollbackRate', target: '< 2%', actual: 1 / 12, met: false },
      { id: 'rollbackTime', target: '< 5 min', actual: 3, met: true },
      { id: 'deployTime', target: '< 30 min', actual: 6.5, met: true },
    ],
    warnings: ['No issues labelled "incident" in acme/demo: incidents counted as 0 from no data.'],
    list: [
      { id: 'local:7', version: '1.4.0', ref: 'v1.4.0', sha: 'a'.repeat(40), createdAt: '2026-11-18T16:20:00.000Z', finishedAt: '2026-11-18T16:25:00.000Z', outcome: 'failed', rollback: false, rolledBack: false, failureReasons: ['failed'], steps: 2 },
      { id: 'local:8', version: '1.4.1', ref: 'v1.4.1', sha: 'b'.repeat(40), createdAt: '2026-11-18T16:40:00.000Z', finishedAt: '2026-11-18T16:46:00.000Z', outcome: 'succeeded', rollback: false, rolledBack: false, failureReasons: [], steps: 1 },
      { id: 'local:9', version: '1.5.0', ref: 'v1.5.0', sha: 'c'.repeat(40), createdAt: '2026-12-05T09:00:00.000Z', finishedAt: null, outcome: 'inProgress', rollback: false, rolledBack: false, failureReasons: [], steps: 1 },
    ],
    series: {
      weekly,
      leadTimes: Array.from({ length: 30 }, (_, i) => ({ at: day(i), medianHours: 4 + ((i * 7) % 40) })),
      recoveries: [
        { at: '2026-10-14T10:12:00.000Z', minutes: 9 },
        { at: '2026-11-18T16:40:00.000Z', minutes: 15 },
      ],
    },
    ...over,
  };
}

/** A report with no deployment in its window: every figure null ("n/a") and the warnings that say why. */
export function emptyReport(over: Partial<MetricsReport> = {}): MetricsReport {
  return {
    environment: 'production',
    window: { since: '2026-09-07T00:00:00.000Z', until: '2026-12-06T00:00:00.000Z' },
    deployments: { total: 0, succeeded: 0, failed: 0, rolledBack: 0, inProgress: 0 },
    frequency: { perWeek: null, band: null },
    leadTime: { medianHours: null, p90Hours: null, commits: 0 },
    changeFailureRate: { ratio: null, failed: 0, total: 0 },
    recovery: { medianMinutes: null, count: 0 },
    successRate: null,
    rollbackRate: { ratio: null, rolledBack: 0, releases: 0 },
    deployTime: { medianMinutes: null },
    rollbackTime: { medianMinutes: null },
    incidents: { total: 0, p1: 0, mttrMinutes: null, p1PerTenReleases: null },
    cadence: null,
    targets: [
      { id: 'leadTime', target: '< 1 week', actual: null, met: null },
      { id: 'changeFailureRate', target: '< 15%', actual: null, met: null },
    ],
    warnings: ['Sign in to GitHub to include GitHub deployments.'],
    series: { weekly: [], leadTimes: [], recoveries: [] },
    ...over,
  };
}
