/**
 * How metrics read, the same in the tree, the webview and its tables: percentages, durations, counts,
 * "n/a" for no data (never a silent zero) and the target verdict lines ("Change failure rate 4.9% ✓ < 15%").
 * Pure (no DOM, no 'vscode'): unit tested, imported by the host and the webview bundle.
 */
import type { FrequencyBand, MetricsReport, TargetVerdict } from '../core/metrics/report';

/** What a figure without data shows. */
export const NA = 'n/a';

/** Names of the targets the core judges; an id not listed reads as its words ("fooBar" → "Foo bar"). */
const TARGET_LABELS: Record<string, string> = {
  deploymentFrequency: 'Deployment frequency',
  frequency: 'Deployment frequency',
  leadTime: 'Lead time',
  changeFailureRate: 'Change failure rate',
  recovery: 'Recovery time',
  recoveryTime: 'Recovery time',
  mttr: 'Recovery time',
  successRate: 'Deployment success rate',
  deploymentSuccessRate: 'Deployment success rate',
  rollbackRate: 'Rollback rate',
  rollbackTime: 'Rollback time',
  deployTime: 'Deployment time',
  deploymentTime: 'Deployment time',
  incidents: 'P1 incidents per 10 releases',
  p1PerTenReleases: 'P1 incidents per 10 releases',
  incidentMttr: 'Incident MTTR',
  cadence: 'Release cadence',
};

/** The name of a target id as people read it. */
export function targetLabel(id: string): string {
  if (Object.prototype.hasOwnProperty.call(TARGET_LABELS, id)) return TARGET_LABELS[id]!;
  const words = id.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A ratio (0–1) as a percentage: "4.9%", "100%"; two decimals near 100% so 99.46% never reads as 99.5%. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return NA;
  const p = ratio * 100;
  const digits = p > 99 && p < 100 ? 2 : 1;
  return `${trim(p.toFixed(digits))}%`;
}

/** A duration in minutes as people read it: "45 s", "12 min", "3.5 h", "2.1 days". */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes)) return NA;
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 60) return `${trim(minutes.toFixed(minutes < 10 ? 1 : 0))} min`;
  return formatHours(minutes / 60);
}

/** A duration in hours as people read it: "40 min", "5.2 h", "3.4 days". */
export function formatHours(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return NA;
  if (hours < 1) return formatMinutes(hours * 60);
  if (hours < 48) return `${trim(hours.toFixed(1))} h`;
  return `${trim((hours / 24).toFixed(1))} days`;
}

/** A plain number with at most one decimal ("2.3"), or n/a. */
export function formatNumber(n: number | null): string {
  return n === null || !Number.isFinite(n) ? NA : trim(n.toFixed(1));
}

/** "3 of 41 deployments": a part, its whole and what is counted (singular when the whole is 1). */
export function countOf(part: number, whole: number, noun: string): string {
  return `${part} of ${whole} ${whole === 1 ? noun : plural(noun)}`;
}

/** "1 deployment", "2 deployments". */
export function counted(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : plural(noun)}`;
}

function plural(noun: string): string {
  return noun.endsWith('y') && !/[aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : `${noun}s`;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** The unit a target's actual value is in, read from how the target is written ("< 15%", "< 1 week", "< 15 min"). */
export function targetUnit(verdict: Pick<TargetVerdict, 'id' | 'target'>): 'ratio' | 'hours' | 'minutes' | 'number' {
  const t = verdict.target.toLowerCase();
  if (t.includes('%')) return 'ratio';
  if (/\bmin(ute)?s?\b/.test(t)) return 'minutes';
  if (/\b(weeks?|days?|h|hours?)\b/.test(t)) return 'hours';
  if (/rate$/i.test(verdict.id)) return 'ratio';
  return 'number';
}

/** A target's measured value in its unit ("4.9%", "3.5 h", "12 min"), or n/a. */
export function formatActual(verdict: Pick<TargetVerdict, 'id' | 'target' | 'actual'>): string {
  switch (targetUnit(verdict)) {
    case 'ratio':
      return formatPercent(verdict.actual);
    case 'hours':
      return formatHours(verdict.actual);
    case 'minutes':
      return formatMinutes(verdict.actual);
    default:
      return formatNumber(verdict.actual);
  }
}

/** The mark of a verdict: ✓ met, ✗ missed, – no data. */
export function verdictMark(met: boolean | null): string {
  return met === true ? '✓' : met === false ? '✗' : '–';
}

/** The words of a verdict for screen readers and tooltips. */
export function verdictWords(met: boolean | null): string {
  return met === true ? 'met' : met === false ? 'missed' : 'no data';
}

/** One verdict as a line: "Change failure rate 4.9% ✓ < 15%", or "Lead time n/a (target < 1 week)". */
export function verdictLine(verdict: TargetVerdict): string {
  const label = targetLabel(verdict.id);
  if (verdict.actual === null || verdict.met === null) return `${label} ${NA} (target ${verdict.target})`;
  return `${label} ${formatActual(verdict)} ${verdictMark(verdict.met)} ${verdict.target}`;
}

/** A verdict without its mark, for beside a coloured mark: "Change failure rate 4.9% · target < 15%". */
export function verdictText(verdict: TargetVerdict): string {
  const value = verdict.actual === null || verdict.met === null ? NA : formatActual(verdict);
  return `${targetLabel(verdict.id)} ${value} · target ${verdict.target}`;
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
    { figure: 'Deployment frequency', value: r.frequency.perWeek === null ? NA : `${formatNumber(r.frequency.perWeek)} per week`, basis: `DORA band: ${bandLabel(r.frequency.band)}` },
    { figure: 'Lead time for changes (median)', value: formatHours(r.leadTime.medianHours), basis: `p90 ${formatHours(r.leadTime.p90Hours)} · ${counted(r.leadTime.commits, 'commit')}` },
    { figure: 'Change failure rate', value: formatPercent(r.changeFailureRate.ratio), basis: countOf(r.changeFailureRate.failed, r.changeFailureRate.total, 'deployment') },
    { figure: 'Failed deployment recovery time (median)', value: formatMinutes(r.recovery.medianMinutes), basis: counted(r.recovery.count, 'recovery') },
    { figure: 'Deployment success rate', value: formatPercent(r.successRate), basis: countOf(d.succeeded, d.succeeded + d.failed, 'finished deployment') },
    { figure: 'Rollback rate', value: formatPercent(r.rollbackRate.ratio), basis: countOf(r.rollbackRate.rolledBack, r.rollbackRate.releases, 'release') },
    { figure: 'Rollback time (median)', value: formatMinutes(r.rollbackTime.medianMinutes), basis: 'rollback started → succeeded' },
    { figure: 'Deployment time (median)', value: formatMinutes(r.deployTime.medianMinutes), basis: 'created → succeeded' },
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
  return `${r.window.since.slice(0, 10)} → ${r.window.until.slice(0, 10)}`;
}

/** The view's windows in words. */
export const WINDOW_LABELS: Record<'30d' | '90d' | '12w', string> = { '30d': 'Last 30 days', '90d': 'Last 90 days', '12w': 'Last 12 weeks' };
