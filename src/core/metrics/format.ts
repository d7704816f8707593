/**
 * How the metric figures read as text (the CLI's text and markdown reports, the editor's tree and
 * table): "4.9%", "2.5 h", "n/a" for no data. Pure.
 */
import type { MetricUnit, MetricsReport, TargetVerdict } from './report';

/** What each known target measures and in which unit (for verdicts made without `label`/`unit`). */
export const TARGET_INFO: Readonly<Record<string, { label: string; unit: MetricUnit }>> = {
  leadTime: { label: 'Lead time for changes (median)', unit: 'hours' },
  changeFailureRate: { label: 'Change failure rate', unit: 'ratio' },
  recoveryTime: { label: 'Failed deployment recovery time (median)', unit: 'minutes' },
  successRate: { label: 'Deployment success rate', unit: 'ratio' },
  rollbackRate: { label: 'Rollback rate', unit: 'ratio' },
  rollbackTime: { label: 'Rollback time (median)', unit: 'minutes' },
  deployTime: { label: 'Deployment time (median)', unit: 'minutes' },
  p1PerTenReleases: { label: 'P1 incidents per 10 releases', unit: 'perTen' },
  cadence: { label: 'Release cadence', unit: 'count' },
};

/** A number with at most `digits` decimals, trailing zeros dropped. */
export function round(value: number, digits = 1): string {
  const f = 10 ** digits;
  return String(Math.round(value * f) / f);
}

/** A ratio as a percentage ("4.9%", "99.52%" near 100). */
export function percent(ratio: number | null): string {
  if (ratio === null) return 'n/a';
  const p = ratio * 100;
  return `${round(p, p > 99 && p < 100 ? 2 : 1)}%`;
}

/** Minutes as people read them ("45 s", "12 min", "3.5 h", "2.1 days"). */
export function minutes(value: number | null): string {
  if (value === null) return 'n/a';
  if (value < 1) return `${Math.round(value * 60)} s`;
  if (value < 120) return `${round(value)} min`;
  if (value < 48 * 60) return `${round(value / 60)} h`;
  return `${round(value / 1440)} days`;
}

/** Hours as people read them. */
export function hours(value: number | null): string {
  return value === null ? 'n/a' : minutes(value * 60);
}

/** A figure in its unit. */
export function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return 'n/a';
  switch (unit) {
    case 'ratio':
      return percent(value);
    case 'hours':
      return hours(value);
    case 'minutes':
      return minutes(value);
    case 'perTen':
      return round(value, 2);
    case 'perWeek':
      return `${round(value, 2)} per week`;
    case 'count':
      return String(value);
  }
}

/** "3 of 41 deployments". */
export function countOf(part: number, whole: number, noun: string): string {
  return `${part} of ${whole} ${noun}`;
}

/** The label and unit of a verdict (its own, else the known target's, else its id). */
export function targetInfo(t: TargetVerdict): { label: string; unit: MetricUnit } {
  const known = TARGET_INFO[t.id];
  return { label: t.label ?? known?.label ?? t.id, unit: t.unit ?? known?.unit ?? 'count' };
}

/** ✓, ✗ or – (no data). */
export function verdictMark(met: boolean | null): string {
  return met === null ? '–' : met ? '✓' : '✗';
}

/** One verdict as a line: "Change failure rate 4.9% ✓ < 15%". */
export function verdictLine(t: TargetVerdict): string {
  const { label, unit } = targetInfo(t);
  return `${label} ${formatValue(t.actual, unit)} ${verdictMark(t.met)} ${t.target}`;
}

/** How many targets are met, missed and without data. */
export function targetTally(report: Pick<MetricsReport, 'targets'>): { met: number; missed: number; noData: number } {
  let met = 0;
  let missed = 0;
  let noData = 0;
  for (const t of report.targets) {
    if (t.met === null) noData++;
    else if (t.met) met++;
    else missed++;
  }
  return { met, missed, noData };
}

/** The window as dates ("2026-09-07 → 2026-12-06"). */
export function windowText(window: MetricsReport['window']): string {
  return `${window.since.slice(0, 10)} → ${window.until.slice(0, 10)}`;
}
