/**
 * The release-metrics report: the JSON contract of `release-manager metrics --format json` (issue 15),
 * also what the editor's Release Metrics view and the tree's Metrics node show. Keep the field names
 * and units exactly; add fields freely. Ratios are 0–1 numbers, durations are in the unit their name
 * says, and `null` means "no data" (shown as "n/a"), never a silent zero.
 */

/** DORA deployment-frequency bands. */
export type FrequencyBand = 'daily' | 'weekly' | 'monthly' | 'fewer';

/** The unit of a target's `actual` (ratio 0–1, hours, minutes, P1 incidents per 10 releases, a count). */
export type MetricUnit = 'ratio' | 'hours' | 'minutes' | 'perTen' | 'perWeek' | 'count';

/** One target verdict (e.g. `{ id: 'changeFailureRate', target: '< 15%', actual: 0.049, met: true }`). */
export interface TargetVerdict {
  id: string;
  /** The target as people read it: "< 15%", "> 99.5%", "< 1 week". */
  target: string;
  /** The measured value in the metric's own unit (ratio, hours, minutes), or null without data. */
  actual: number | null;
  /** null when there is no data to judge. */
  met: boolean | null;
  /** What is measured, for people ("Change failure rate"). Addition to the contract. */
  label?: string;
  /** The unit of `actual`. Addition to the contract. */
  unit?: MetricUnit;
  /** The threshold in the unit of `actual` (e.g. 0.15). Addition to the contract. */
  threshold?: number;
  /** The counts behind the figure ("3 of 41 deployments"). Addition to the contract. */
  counts?: string;
}

/** The full report for one environment over one window. */
export interface MetricsReport {
  environment: string;
  window: { since: string; until: string };
  deployments: { total: number; succeeded: number; failed: number; rolledBack: number; inProgress: number };
  /** `succeeded` and `weeks` (the counts behind perWeek) are additions to the contract. */
  frequency: { perWeek: number | null; band: FrequencyBand | null; succeeded?: number; weeks?: number };
  /** `deployments`: the succeeded deployments whose new commits were measured (addition). */
  leadTime: { medianHours: number | null; p90Hours: number | null; commits: number; deployments?: number };
  changeFailureRate: { ratio: number | null; failed: number; total: number };
  /** `unrecovered`: failures with no succeeded deployment after them yet (addition). */
  recovery: { medianMinutes: number | null; count: number; unrecovered?: number };
  successRate: number | null;
  rollbackRate: { ratio: number | null; rolledBack: number; releases: number };
  /** `count`: the deployments measured (addition). */
  deployTime: { medianMinutes: number | null; count?: number };
  /** `count`: the rollbacks measured (addition). */
  rollbackTime: { medianMinutes: number | null; count?: number };
  /** `closed` (incidents with an MTTR) and `releases` (the denominator of p1PerTenReleases) are additions. */
  incidents: { total: number; p1: number; mttrMinutes: number | null; p1PerTenReleases: number | null; closed?: number; releases?: number };
  /** `everyWeeks` (the calendar gate's cadence) is an addition. */
  cadence: { expected: number; actual: number; met: boolean; everyWeeks?: number } | null;
  targets: TargetVerdict[];
  warnings: string[];
  /**
   * Interventions in the environment within the window (addition to the contract): `flagKills`, the kill
   * switches used (from the decision log). Absent when the decision log was not read.
   */
  interventions?: { flagKills: number };
  /**
   * The deployments of the window, oldest first, as counted (one per strategy run; addition to the
   * contract): for the editor's table and to list those still in progress.
   */
  list?: MetricsDeploymentRow[];
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

/** One counted deployment (a strategy run) in the report's list. */
export interface MetricsDeploymentRow {
  /** Stable id: `github:<first deployment id>` or `local:<first entry id>`. */
  id: string;
  version: string | null;
  ref: string;
  sha: string;
  /** ISO-8601: when it was created, and when it succeeded or failed (null while in progress). */
  createdAt: string;
  finishedAt: string | null;
  outcome: 'succeeded' | 'failed' | 'inProgress';
  /** A rollback (our operation, or found by ancestry). */
  rollback: boolean;
  /** Replaced by a rollback. */
  rolledBack: boolean;
  /** Why it counts in the change failure rate (failed, rolled back, hotfix v1.2.4, incident #12); empty when it does not. */
  failureReasons: string[];
  /** How many GitHub deployments or local entries it groups (canary steps). */
  steps: number;
}
