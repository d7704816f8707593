/**
 * How metrics read in the editor (tree, webview, its tables). The words and numbers are the core's
 * (src/core/metrics/format.ts: the CLI's text and markdown reports read the same); this adds what only
 * the editor shows: the figures table, the verdict beside a coloured mark, the empty state.
 * Pure (no DOM, no 'vscode'): unit tested, imported by the host and the webview bundle.
 */
import { countOf, formatValue, hours, minutes, percent, round, targetInfo, verdictLine as coreVerdictLine, verdictMark, windowText } from '../core/metrics/format';
import type { FrequencyBand, MetricUnit, MetricsReport, TargetVerdict } from '../core/metrics/report';

export { countOf, verdictMark };

/** What a figure without data shows. */
export const NA = 'n/a';

/** A ratio (0–1) as a percentage ("4.9%", two decimals just under 100%), or n/a. */
export function formatPercent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? NA : percent(ratio);
}

/** A duration in minutes as people read it ("45 s", "12 min", "3.5 h", "2.1 days"), or n/a. */
export function formatMinutes(value: number | null): string {
  return value === null || !Number.isFinite(value) ? NA : minutes(value);
}

/** A duration in hours as people read it, or n/a. */
export function formatHours(value: number | null): string {
  return value === null || !Number.isFinite(value) ? NA : hours(value);
}

/** A plain number with at most one decimal ("2.3"), or n/a. */
export function formatNumber(n: number | null): string {
  return n === null || !Number.isFinite(n) ? NA : round(n);
}

/** "1 deployment", "2 deployments". */
export function counted(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`}`;
}

/** The unit of a verdict's actual: its own, the known target's, else read from how the target is written ("< 15%", "< 15 min"). */
export function targetUnit(verdict: TargetVerdict): MetricUnit {
  const info = targetInfo(verdict);
  if (verdict.unit !== undefined || info.label !== verdict.id) return info.unit;
  const t = verdict.target.toLowerCase();
  if (t.includes('%')) return 'ratio';
  if (/\bmin(ute)?s?\b/.test(t)) return 'minutes';
  if (/\b(weeks?|days?|h|hours?)\b/.test(t)) return 'hours';
  return 'count';
}

/** The name of a target as people read it (the core's, else the id's words: "someNewTarget" → "Some new target"). */
export function targetLabel(verdict: TargetVerdict): string {
  const info = targetInfo(verdict);
  if (verdict.label !== undefined || info.label !== verdict.id) return info.label;
  const words = verdict.id.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A target's measured value in its unit ("4.9%", "3.5 h"), or n/a. */
export function formatActual(verdict: TargetVerdict): string {
  return verdict.actual === null || !Number.isFinite(verdict.actual) ? NA : formatValue(verdict.actual, targetUnit(verdict));
}

/** One verdict as a line, as the CLI prints it: "Change failure rate 4.9% ✓ < 15%" ("… n/a – < 1 week" without data). */
export function verdictLine(verdict: TargetVerdict): string {
  const known = verdict.label !== undefined || targetInfo(verdict).label !== verdict.id;
  return known ? coreVerdictLine(verdict) : `${targetLabel(verdict)} ${formatActual(verdict)} ${verdictMark(verdict.met)} ${verdict.target}`;
}

/** A verdict without its mark, for beside a coloured one: "Change failure rate 4.9% · target < 15%". */
export function verdictText(verdict: TargetVerdict): string {
  return `${targetLabel(verdict)} ${formatActual(verdict)} · target ${verdict.target}${verdict.counts ? ` (${verdict.counts})` : ''}`;
}

/** The words of a verdict for screen readers and tooltips. */
export function verdictWords(met: boolean | null): string {
  return met === true ? 'met' : met === false ? 'missed' : 'no data';
}

/** DORA band names as people read them. */
export function bandLabel(band: FrequencyBand | null): string {
  switch (band) {
    case 'daily':
      return 'elite (daily)';
    case 'weekly':
      return 'high (weekly)';
    case 'monthly':
      return 'medium (monthly)';
    case 'fewer':
      return 'low (less than monthly)';
    default:
      return NA;
  }
}

/** One row of the figures table: what, the value, and the counts behind it. */
export interface FigureRow {
  figure: string;
  value: string;
  basis: string;
}

/** Every figure of a report as table rows (the table beside the charts; n/a where there is no data). */
export function figureRows(r: MetricsReport): FigureRow[] {
  const d = r.deployments;
  const rows: FigureRow[] = [
    { figure: 'Deployments', value: String(d.total), basis: `${d.succeeded} succeeded, ${d.failed} failed, ${d.rolledBack} rolled back, ${d.inProgress} in progress` },
    {
      figure: 'Deployment frequency',
      value: r.frequency.perWeek === null ? NA : `${formatNumber(r.frequency.perWeek)} per week`,
      basis: `DORA band: ${bandLabel(r.frequency.band)}${r.frequency.succeeded !== undefined && r.frequency.weeks !== undefined ? ` · ${counted(r.frequency.succeeded, 'succeeded deployment')} in ${round(r.frequency.weeks)} weeks` : ''}`,
    },
    { figure: 'Lead time for changes (median)', value: formatHours(r.leadTime.medianHours), basis: `p90 ${formatHours(r.leadTime.p90Hours)} · ${counted(r.leadTime.commits, 'commit')}` },
    { figure: 'Change failure rate', value: formatPercent(r.changeFailureRate.ratio), basis: countOf(r.changeFailureRate.failed, r.changeFailureRate.total, 'deployments') },
    { figure: 'Failed deployment recovery time (median)', value: formatMinutes(r.recovery.medianMinutes), basis: `${r.recovery.count} recovered${r.recovery.unrecovered ? `, ${r.recovery.unrecovered} not yet` : ''}` },
    { figure: 'Deployment success rate', value: formatPercent(r.successRate), basis: countOf(d.succeeded, d.succeeded + d.failed, 'finished deployments') },
    { figure: 'Rollback rate', value: formatPercent(r.rollbackRate.ratio), basis: countOf(r.rollbackRate.rolledBack, r.rollbackRate.releases, 'releases') },
    { figure: 'Rollback time (median)', value: formatMinutes(r.rollbackTime.medianMinutes), basis: r.rollbackTime.count !== undefined ? counted(r.rollbackTime.count, 'rollback') : 'rollback started → succeeded' },
    { figure: 'Deployment time (median)', value: formatMinutes(r.deployTime.medianMinutes), basis: r.deployTime.count !== undefined ? counted(r.deployTime.count, 'deployment') : 'created → succeeded' },
    { figure: 'Incidents', value: String(r.incidents.total), basis: `${r.incidents.p1} P1 · MTTR ${formatMinutes(r.incidents.mttrMinutes)} · ${formatNumber(r.incidents.p1PerTenReleases)} P1 per 10 releases` },
  ];
  rows.push(r.cadence ? { figure: 'Release cadence', value: `${r.cadence.actual} of ${r.cadence.expected} expected`, basis: r.cadence.met ? 'met' : 'missed' } : { figure: 'Release cadence', value: NA, basis: 'no calendar gate cadence set' });
  return rows;
}

/** Whether a report has nothing to show (no deployment at all in its window). */
export function isEmptyReport(r: MetricsReport): boolean {
  return r.deployments.total === 0 && r.deployments.inProgress === 0;
}

/** The window of a report as people read it: "2026-09-07 → 2026-12-06". */
export function windowLabel(r: Pick<MetricsReport, 'window'>): string {
  return windowText(r.window);
}

/** The view's windows in words. */
export const WINDOW_LABELS: Record<'30d' | '90d' | '12w', string> = { '30d': 'Last 30 days', '90d': 'Last 90 days', '12w': 'Last 12 weeks' };
