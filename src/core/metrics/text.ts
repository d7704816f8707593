/**
 * The terminal report of `release-manager metrics` (the default text format): one line per figure
 * with its counts, the target verdicts, then the warnings.
 */
import { countOf, hours, minutes, percent, round, targetTally, verdictLine, windowText } from './format';
import type { MetricsReport } from './report';

/** The plain-text report of one environment over one window. */
export function metricsText(report: MetricsReport): string {
  const d = report.deployments;
  const f = report.frequency;
  const lt = report.leadTime;
  const cfr = report.changeFailureRate;
  const rr = report.rollbackRate;
  const inc = report.incidents;
  const c = report.cadence;
  const med = (v: number | null) => (v === null ? 'n/a' : `median ${minutes(v)}`);
  const out: string[] = [
    `Release metrics for ${report.environment}, ${windowText(report.window)}`,
    `  Deployments          ${d.total} (${d.succeeded} succeeded, ${d.failed} failed, ${d.rolledBack} rolled back, ${d.inProgress} in progress)`,
    `  Frequency            ${f.perWeek === null ? 'n/a' : `${round(f.perWeek, 2)} per week${f.band ? ` (${f.band})` : ''}`}`,
    `  Lead time            ${lt.medianHours === null ? 'n/a' : `median ${hours(lt.medianHours)}, p90 ${hours(lt.p90Hours)}`} (${lt.commits} commits)`,
    `  Change failure rate  ${percent(cfr.ratio)} (${countOf(cfr.failed, cfr.total, 'deployments')})`,
    `  Recovery time        ${med(report.recovery.medianMinutes)} (${report.recovery.count} recovered${report.recovery.unrecovered ? `, ${report.recovery.unrecovered} not yet` : ''})`,
    `  Success rate         ${percent(report.successRate)} (${countOf(d.succeeded, d.succeeded + d.failed, 'finished deployments')})`,
    `  Rollback rate        ${percent(rr.ratio)} (${countOf(rr.rolledBack, rr.releases, 'releases')})`,
    `  Deployment time      ${med(report.deployTime.medianMinutes)}`,
    `  Rollback time        ${med(report.rollbackTime.medianMinutes)}`,
    `  Incidents            ${inc.total} (${inc.p1} P1), MTTR ${minutes(inc.mttrMinutes)}, P1 per 10 releases ${inc.p1PerTenReleases === null ? 'n/a' : round(inc.p1PerTenReleases, 2)}`,
    ...(report.interventions ? [`  Interventions        ${report.interventions.flagKills} kill switch ${report.interventions.flagKills === 1 ? 'use' : 'uses'} (flags turned off in an emergency)`] : []),
    `  Cadence              ${c === null ? 'n/a' : `${c.actual} of ${c.expected} expected releases${c.met ? '' : ' (behind)'}`}`,
  ];
  const tally = targetTally(report);
  out.push(`Targets: ${tally.met} met, ${tally.missed} missed${tally.noData > 0 ? `, ${tally.noData} without data` : ''}`);
  for (const t of report.targets) out.push(`  ${verdictLine(t)}`);
  for (const w of report.warnings) out.push(`warning: ${w}`);
  return out.join('\n') + '\n';
}
