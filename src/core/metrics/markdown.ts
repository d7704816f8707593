/**
 * The retrospective report of `release-manager metrics --format markdown` (and the editor's
 * *Copy as Markdown*): the targets met and missed as a table, then the figures with their counts and
 * the warnings. Text from GitHub never reaches it (only numbers, versions checked as such, and our
 * own labels), and every cell is escaped for tables anyway.
 */
import { countOf, formatValue, hours, minutes, percent, round, targetInfo, targetTally, verdictMark, windowText } from './format';
import type { MetricsReport } from './report';

/** A table cell: pipes, backslashes, markup characters and line breaks cannot break the table or inject markup. */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .slice(0, 300);
}

/** The markdown retrospective report of one environment over one window. */
export function metricsMarkdown(report: MetricsReport): string {
  const d = report.deployments;
  const tally = targetTally(report);
  const lines: string[] = [];
  lines.push(`## Release metrics: ${cell(report.environment)}`, '');
  lines.push(`${windowText(report.window)} · ${d.total} deployment${d.total === 1 ? '' : 's'} · targets: ${tally.met} met, ${tally.missed} missed${tally.noData > 0 ? `, ${tally.noData} without data` : ''}`, '');
  lines.push('| Target | Actual | Goal | Met |', '| --- | --- | --- | --- |');
  for (const t of report.targets) {
    const { label, unit } = targetInfo(t);
    const counts = t.counts ? ` (${t.counts})` : '';
    lines.push(`| ${cell(label)} | ${cell(formatValue(t.actual, unit) + counts)} | ${cell(t.target)} | ${verdictMark(t.met)} |`);
  }
  lines.push('');
  lines.push('| Figure | Value |', '| --- | --- |');
  const med = (v: number | null) => (v === null ? 'n/a' : `median ${minutes(v)}`);
  const row = (name: string, value: string) => lines.push(`| ${cell(name)} | ${cell(value)} |`);
  row('Deployments', `${d.total}: ${d.succeeded} succeeded, ${d.failed} failed, ${d.rolledBack} rolled back, ${d.inProgress} in progress`);
  const f = report.frequency;
  row('Deployment frequency', f.perWeek === null ? 'n/a' : `${round(f.perWeek, 2)} per week${f.band ? ` (${f.band})` : ''}${f.succeeded !== undefined && f.weeks !== undefined ? `: ${f.succeeded} succeeded in ${round(f.weeks)} weeks` : ''}`);
  const lt = report.leadTime;
  row('Lead time for changes', lt.medianHours === null ? `n/a (${lt.commits} commits)` : `median ${hours(lt.medianHours)}, p90 ${hours(lt.p90Hours)} (${lt.commits} commits)`);
  const cfr = report.changeFailureRate;
  row('Change failure rate', `${percent(cfr.ratio)} (${countOf(cfr.failed, cfr.total, 'deployments')})`);
  row('Recovery time', `${med(report.recovery.medianMinutes)} (${report.recovery.count} recovered${report.recovery.unrecovered ? `, ${report.recovery.unrecovered} not yet` : ''})`);
  row('Success rate', `${percent(report.successRate)} (${countOf(d.succeeded, d.succeeded + d.failed, 'finished deployments')})`);
  const rr = report.rollbackRate;
  row('Rollback rate', `${percent(rr.ratio)} (${countOf(rr.rolledBack, rr.releases, 'releases')})`);
  row('Deployment time', `${med(report.deployTime.medianMinutes)}${report.deployTime.count !== undefined ? ` (${report.deployTime.count} deployments)` : ''}`);
  row('Rollback time', `${med(report.rollbackTime.medianMinutes)}${report.rollbackTime.count !== undefined ? ` (${report.rollbackTime.count} rollbacks)` : ''}`);
  const inc = report.incidents;
  row('Incidents', `${inc.total} (${inc.p1} P1), MTTR ${minutes(inc.mttrMinutes)}, P1 per 10 releases ${inc.p1PerTenReleases === null ? 'n/a' : round(inc.p1PerTenReleases, 2)}`);
  if (report.interventions) row('Interventions', `${report.interventions.flagKills} kill switch ${report.interventions.flagKills === 1 ? 'use' : 'uses'}`);
  const c = report.cadence;
  row('Cadence', c === null ? 'n/a (no calendar cadence configured)' : `${c.actual} of ${c.expected} expected releases ${verdictMark(c.met)}`);
  if (report.warnings.length > 0) {
    lines.push('', '**Warnings**', '');
    for (const w of report.warnings) lines.push(`- ${cell(w)}`);
  }
  return lines.join('\n') + '\n';
}
