/**
 * The release and DORA metrics of one environment over one window, from plain records (see
 * inputs.ts and docs/metrics.md for the definitions). Pure: no I/O, no clock.
 */
import type { MetricsInput } from './inputs';
import type { MetricsReport } from './report';

/** Computes the report. */
export function computeMetrics(input: MetricsInput): MetricsReport {
  return {
    environment: input.environment,
    window: { since: input.since, until: input.until },
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
    targets: [],
    warnings: [...input.warnings, 'not computed yet'],
  };
}
