import { once } from '../core/lazy';
import * as z from 'zod';
import type { MetricsReport } from '../core/metrics/report';

/**
 * The Release Metrics webview protocol (issue 15): both directions are zod discriminated unions, parsed
 * on receipt, as the checklist's (src/shared/protocol.ts). The webview names *what* the user chose (an
 * environment, a window) and never a command, a path or a repository: the host computes everything.
 */

const MAX_TEXT = 2000;
const text = (max = MAX_TEXT) => z.string().max(max);
const count = once(() => z.number().int().min(0));
const maybe = once(() => z.number().finite().nullable());

/** An environment name as the release config allows it (also a file name of the local history). */
export const environmentName = once(() => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/));

/** The windows the view offers (passed to the core as `since`, as the CLI's `--since` takes them). */
export const METRICS_WINDOWS = ['30d', '90d', '12w'] as const;
/** One of the view's windows. */
export type MetricsWindow = (typeof METRICS_WINDOWS)[number];
/** The window a view opens with (the core's default: the last 90 days). */
export const DEFAULT_WINDOW: MetricsWindow = '90d';

/** Most points a chart series carries across the boundary (the newest are kept). */
export const MAX_SERIES_POINTS = 2000;

/**
 * The report as the webview receives it: the contract of src/core/metrics/report.ts, bounded. Objects
 * are not strict on purpose: the contract lets the core add fields, which are dropped here, not refused.
 */
export const metricsReportSchema = once(() => z.object({
  environment: text(64),
  window: z.object({ since: text(40), until: text(40) }),
  deployments: z.object({ total: count(), succeeded: count(), failed: count(), rolledBack: count(), inProgress: count() }),
  frequency: z.object({ perWeek: maybe(), band: z.enum(['daily', 'weekly', 'monthly', 'fewer']).nullable(), succeeded: count().optional(), weeks: z.number().finite().optional() }),
  leadTime: z.object({ medianHours: maybe(), p90Hours: maybe(), commits: count(), deployments: count().optional() }),
  changeFailureRate: z.object({ ratio: maybe(), failed: count(), total: count() }),
  recovery: z.object({ medianMinutes: maybe(), count: count(), unrecovered: count().optional() }),
  successRate: maybe(),
  rollbackRate: z.object({ ratio: maybe(), rolledBack: count(), releases: count() }),
  deployTime: z.object({ medianMinutes: maybe(), count: count().optional() }),
  rollbackTime: z.object({ medianMinutes: maybe(), count: count().optional() }),
  incidents: z.object({ total: count(), p1: count(), mttrMinutes: maybe(), p1PerTenReleases: maybe(), closed: count().optional(), releases: count().optional() }),
  cadence: z.object({ expected: z.number().finite(), actual: z.number().finite(), met: z.boolean(), everyWeeks: z.number().finite().optional() }).nullable(),
  targets: z
    .array(
      z.object({
        id: text(64),
        target: text(64),
        actual: maybe(),
        met: z.boolean().nullable(),
        label: text(200).optional(),
        unit: z.enum(['ratio', 'hours', 'minutes', 'perTen', 'perWeek', 'count']).optional(),
        threshold: z.number().finite().optional(),
        counts: text(200).optional(),
      }),
    )
    .max(50),
  warnings: z.array(text()).max(50),
  interventions: z.object({ flagKills: count() }).optional(),
  list: z
    .array(
      z.object({
        id: text(100),
        version: text(100).nullable(),
        ref: text(300),
        sha: text(64),
        createdAt: text(40),
        finishedAt: text(40).nullable(),
        outcome: z.enum(['succeeded', 'failed', 'inProgress']),
        rollback: z.boolean(),
        rolledBack: z.boolean(),
        failureReasons: z.array(text(300)).max(20),
        steps: count(),
      }),
    )
    .max(MAX_SERIES_POINTS)
    .optional(),
  series: z
    .object({
      weekly: z.array(z.object({ week: text(16), succeeded: count(), failed: count(), rolledBack: count() })).max(MAX_SERIES_POINTS),
      leadTimes: z.array(z.object({ at: text(40), medianHours: z.number().finite() })).max(MAX_SERIES_POINTS),
      recoveries: z.array(z.object({ at: text(40), minutes: z.number().finite() })).max(MAX_SERIES_POINTS),
    })
    .optional(),
}));

// The schema and the contract agree both ways, optional fields included (a compile error here means report.ts changed: follow it).
type Parsed = z.infer<ReturnType<typeof metricsReportSchema>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<T> = T extends object ? { [K in keyof T]-?: Keys<NonNullable<T[K]>> } : T;
const agree: Same<Keys<Parsed>, Keys<MetricsReport>> = true;
void agree;

/** What the view shows: the host owns it and resends it whole. */
export const metricsViewState = once(() => z.strictObject({
  /** The repository's display name (not its path). */
  repo: text(200).nullable(),
  /** Environments to pick from (the release config's ladder, then any the report names). */
  environments: z.array(environmentName()).max(100),
  /** The environment asked for; null = the default (production, else the last of the ladder). */
  environment: environmentName().nullable(),
  window: z.enum(METRICS_WINDOWS),
  /** Computing now (the last report, if any, stays on screen). */
  loading: z.boolean(),
  report: metricsReportSchema().nullable(),
  /** Why there is no report: a short message and its fix. */
  error: z.strictObject({ message: text(), fix: text().nullable() }).nullable(),
  /** No GitHub sign-in: the view offers "Sign in to GitHub". */
  signedOut: z.boolean(),
  /** Read-only in Restricted Mode (nothing is run either way): said, not refused. */
  trusted: z.boolean(),
}));
/** The view's state. */
export type MetricsViewState = z.infer<ReturnType<typeof metricsViewState>>;

/** Messages the host may send. */
export const toMetricsWebview = once(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('state'), state: metricsViewState() }),
  /** The markdown report is on the clipboard (the webview says so briefly). */
  z.strictObject({ type: z.literal('copied') }),
]));
/** A message from the host, validated. */
export type ToMetricsWebview = z.infer<ReturnType<typeof toMetricsWebview>>;

/** Messages the webview may send. */
export const fromMetricsWebview = once(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** The user picked an environment (null: the default) and a window; the host computes again. */
  z.strictObject({ type: z.literal('select'), environment: environmentName().nullable(), window: z.enum(METRICS_WINDOWS) }),
  z.strictObject({ type: z.literal('refresh') }),
  z.strictObject({ type: z.literal('cancel') }),
  z.strictObject({ type: z.literal('copyMarkdown') }),
  z.strictObject({ type: z.literal('signIn') }),
]));
/** A message from the webview, validated. */
export type FromMetricsWebview = z.infer<ReturnType<typeof fromMetricsWebview>>;

/** Largest message (serialized) the host accepts from the webview. */
export const MAX_METRICS_MESSAGE_CHARS = 4 * 1024;

/** Parses a message from the webview; the reason when it is not exactly one of ours. */
export function parseFromMetricsWebview(raw: unknown): { ok: true; message: FromMetricsWebview } | { ok: false; error: string } {
  let size = 0;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, error: 'unserializable message' };
  }
  if (size > MAX_METRICS_MESSAGE_CHARS) return { ok: false, error: `message too large (${size} chars)` };
  const r = fromMetricsWebview().safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** The report bounded for the webview: series trimmed to their newest points, warnings and texts capped. */
export function boundedReport(report: MetricsReport): MetricsReport {
  const tail = <T>(xs: T[]) => (xs.length > MAX_SERIES_POINTS ? xs.slice(xs.length - MAX_SERIES_POINTS) : xs);
  const trimmed = report.series && (report.series.weekly.length > MAX_SERIES_POINTS || report.series.leadTimes.length > MAX_SERIES_POINTS || report.series.recoveries.length > MAX_SERIES_POINTS);
  const warnings = [...report.warnings, ...(trimmed ? [`The charts show the newest ${MAX_SERIES_POINTS} points of each series.`] : [])];
  return {
    ...report,
    warnings: (warnings.length > 50 ? [...warnings.slice(0, 49), `…and ${warnings.length - 49} more warnings (see the CLI's report).`] : warnings).map((w) => w.slice(0, MAX_TEXT)),
    ...(report.list ? { list: tail(report.list) } : {}),
    series: report.series && { weekly: tail(report.series.weekly), leadTimes: tail(report.series.leadTimes), recoveries: tail(report.series.recoveries) },
  };
}
