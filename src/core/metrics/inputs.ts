/**
 * What the metric functions read, gathered by the adapter (src/node/metrics.ts): deployments with
 * their statuses (GitHub and the local deploy history), releases, incident issues, the commit graph
 * of the deployed commits with committer times, and the targets. Plain data, no I/O.
 */
import type { DeploymentStatusRecord } from '../deploy/rollback';
import type { CommitGraph } from './graph';

/** One deployment as recorded by GitHub or the local deploy history. */
export interface MetricDeployment {
  source: 'github' | 'local';
  id: number;
  sha: string;
  ref: string;
  /** The version deployed (our payload or the local history), null when unknown. */
  version: string | null;
  /** ISO-8601. */
  createdAt: string;
  /** Every status (any order); `inactive` ones are ignored for the outcome. */
  statuses: DeploymentStatusRecord[];
  /** Ours: the step's correlation id (`<operation id>-<phase letter><step index>`); null for deployments others made. */
  correlationId: string | null;
  /** Ours: the operation (`deploy` or `rollback`); null for others. */
  operation: string | null;
  /** Percent of traffic of the step, null when unknown. */
  weight: number | null;
}

/** A published release (GitHub release, or a version tag when GitHub is not read). */
export interface MetricRelease {
  tag: string;
  /** The semantic version of the tag, null when it is none. */
  version: string | null;
  /** ISO-8601: when it was published. */
  publishedAt: string;
  prerelease: boolean;
}

/** An issue with the incident label. */
export interface MetricIncident {
  number: number;
  title: string;
  /** The first part of the body (to find the release or commit it names). */
  body: string;
  labels: string[];
  createdAt: string;
  closedAt: string | null;
}

/** The thresholds of the targets, in each metric's unit. */
export interface MetricTargets {
  /** Lead time median, hours (default 168: one week). */
  leadTime: number;
  /** Change failure rate, ratio (default 0.15). */
  changeFailureRate: number;
  /** Recovery time median, minutes (default 15). */
  recoveryTime: number;
  /** Success rate, ratio, at least (default 0.995). */
  successRate: number;
  /** Rollback rate, ratio (default 0.02). */
  rollbackRate: number;
  /** Rollback time median, minutes (default 5). */
  rollbackTime: number;
  /** Deployment time median, minutes (default 30). */
  deployTime: number;
  /** P1 incidents per 10 releases (default 1). */
  p1PerTenReleases: number;
}

/** The defaults of the issue: lead time < 1 week, CFR < 15%, MTTR < 15 min, success > 99.5%, rollback rate < 2%, rollback < 5 min, deploy < 30 min, P1 < 1 per 10 releases. */
export const DEFAULT_TARGETS: Readonly<MetricTargets> = {
  leadTime: 168,
  changeFailureRate: 0.15,
  recoveryTime: 15,
  successRate: 0.995,
  rollbackRate: 0.02,
  rollbackTime: 5,
  deployTime: 30,
  p1PerTenReleases: 1,
};

/** Everything one report is computed from. */
export interface MetricsInput {
  environment: string;
  /** ISO-8601 bounds; `since` inclusive, `until` exclusive. */
  since: string;
  until: string;
  /** Every known deployment of the environment (before the window too: they decide rollbacks and lead-time ranges). */
  deployments: MetricDeployment[];
  /** Releases published (all known; the window is applied here). Null when not read (no source). */
  releases: MetricRelease[] | null;
  /** Incident issues (all known). Null when not read (no token). */
  incidents: MetricIncident[] | null;
  /** Label that marks a P1 incident. */
  severityLabel: string;
  /** Whether incidents that name no deployment count for this environment (it is the production one). */
  unattributedIncidents: boolean;
  /** The commit graph reachable from the deployed commits (one walk); commits missing from it are reported. */
  commits: CommitGraph;
  targets: MetricTargets;
  /** The calendar gate's cadence, when one is configured. */
  cadence: { anchor: string; everyWeeks: number } | null;
  /** Warnings of the adapter (sources missing), reported first. */
  warnings: string[];
}
