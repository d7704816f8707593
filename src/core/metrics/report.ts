/**
 * The release-metrics report: the JSON contract of `release-manager metrics --format json` (issue 15),
 * also what the editor's Release Metrics view and the tree's Metrics node show. Keep the field names
 * and units exactly; add fields freely. Ratios are 0–1 numbers, durations are in the unit their name
 * says, and `null` means "no data" (shown as "n/a"), never a silent zero.
 */

/** DORA deployment-frequency bands. */
export type FrequencyBand = 'daily' | 'weekly' | 'monthly' | 'fewer';

/** One target verdict (e.g. `{ id: 'changeFailureRate', target: '< 15%', actual: 0.049, met: true }`). */
export interface TargetVerdict {
  id: string;
  /** The target as people read it: "< 15%", "> 99.5%", "< 1 week". */
  target: string;
  /** The measured value in the metric's own unit (ratio, hours, minutes), or null without data. */
  actual: number | null;
  /** null when there is no data to judge. */
  met: boolean | null;
}

/** The full report for one environment over one window. */
export interface MetricsReport {
  environment: string;
  window: { since: string; until: string };
  deployments: { total: number; succeeded: number; failed: number; rolledBack: number; inProgress: number };
  frequency: { perWeek: number | null; band: FrequencyBand | null };
  leadTime: { medianHours: number | null; p90Hours: number | null; commits: number };
  changeFailureRate: { ratio: number | null; failed: number; total: number };
  recovery: { medianMinutes: number | null; count: number };
  successRate: number | null;
  rollbackRate: { ratio: number | null; rolledBack: number; releases: number };
  deployTime: { medianMinutes: number | null };
  rollbackTime: { medianMinutes: number | null };
  incidents: { total: number; p1: number; mttrMinutes: number | null; p1PerTenReleases: number | null };
  cadence: { expected: number; actual: number; met: boolean } | null;
  targets: TargetVerdict[];
  warnings: string[];
  /**
   * Series for the charts (additions to the contract): deployments per ISO week, lead time per
   * deployment, recovery times. Weeks are `YYYY-Www` labels in the window's order.
   */
  series?: {
    weekly: Array<{ week: string; succeeded: number; failed: number; rolledBack: number }>;
    leadTimes: Array<{ at: string; medianHours: number }>;
    recoveries: Array<{ at: string; minutes: number }>;
  };
}
