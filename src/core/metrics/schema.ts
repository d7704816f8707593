/**
 * The `metrics` key of `.release-manager.json`: which environment the report is about by default,
 * the labels of incident issues, and the targets (each metric's threshold, in its own unit).
 */
import { once } from '../lazy';
import * as z from 'zod';
import { environmentNameSchema } from '../deploy/schema';
import { DEFAULT_TARGETS } from './inputs';

const label = once(() => z
  .string()
  .min(1)
  .max(50)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'must not contain control characters'));

/** The thresholds of the release targets (each optional: the defaults apply). */
export const metricsTargetsSchema = once(() => z
  .strictObject({
    leadTime: z.number().positive().max(100_000).default(DEFAULT_TARGETS.leadTime).describe('Lead time for changes, median, in hours: met when below (default 168 = one week).'),
    changeFailureRate: z.number().min(0).max(1).default(DEFAULT_TARGETS.changeFailureRate).describe('Change failure rate as a ratio 0–1: met when below (default 0.15).'),
    recoveryTime: z.number().positive().max(1_000_000).default(DEFAULT_TARGETS.recoveryTime).describe('Failed deployment recovery time (MTTR), median, in minutes: met when below (default 15).'),
    successRate: z.number().min(0).max(1).default(DEFAULT_TARGETS.successRate).describe('Deployment success rate as a ratio 0–1: met when above (default 0.995).'),
    rollbackRate: z.number().min(0).max(1).default(DEFAULT_TARGETS.rollbackRate).describe('Rollback rate (releases rolled back / releases deployed) as a ratio 0–1: met when below (default 0.02).'),
    rollbackTime: z.number().positive().max(1_000_000).default(DEFAULT_TARGETS.rollbackTime).describe('Rollback time (started → succeeded), median, in minutes: met when below (default 5).'),
    deployTime: z.number().positive().max(1_000_000).default(DEFAULT_TARGETS.deployTime).describe('Deployment time (created → success), median, in minutes: met when below (default 30).'),
    p1PerTenReleases: z.number().min(0).max(1000).default(DEFAULT_TARGETS.p1PerTenReleases).describe('P1 incidents per 10 releases deployed: met when below (default 1).'),
  })
  .default(() => ({ ...DEFAULT_TARGETS })));

/** Config of the release metrics (`release-manager metrics`, the Release Metrics view). */
export const metricsConfigSchema = once(() => z.strictObject({
  environment: environmentNameSchema().optional().describe('Environment the metrics are about by default (default: the one named production, else the last of the deploy ladder).'),
  incidentLabel: label().default('incident').describe('Label of the GitHub issues that are incidents.'),
  severityLabel: label().default('P1').describe('Label of the incidents that are P1 (most severe).'),
  targets: metricsTargetsSchema().describe('Thresholds of the release targets, in each metric\'s unit.'),
}));

/** The parsed `metrics` key. */
export type MetricsConfig = z.infer<ReturnType<typeof metricsConfigSchema>>;
