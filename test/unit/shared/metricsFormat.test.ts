import * as assert from 'node:assert/strict';
import type { TargetVerdict } from '../../../src/core/metrics/report';
import { figureRows, formatActual, formatHours, formatMinutes, formatPercent, isEmptyReport, targetLabel, targetUnit, verdictLine, verdictText } from '../../../src/shared/metricsFormat';
import { busyReport, emptyReport } from '../../helpers/metricsReports';

const v = (over: Partial<TargetVerdict> & Pick<TargetVerdict, 'id' | 'target'>): TargetVerdict => ({ actual: null, met: null, ...over });

describe('how metrics read in the editor (tree, webview, tables)', () => {
  it('writes the verdict line of the issue, as the CLI does: "Change failure rate 4.9% ✓ < 15%"', () => {
    assert.equal(verdictLine(v({ id: 'changeFailureRate', target: '< 15%', actual: 0.049, met: true })), 'Change failure rate 4.9% ✓ < 15%');
    assert.equal(verdictLine(v({ id: 'successRate', target: '> 99.5%', actual: 0.9946, met: false })), 'Deployment success rate 99.46% ✗ > 99.5%');
    assert.equal(verdictLine(v({ id: 'recoveryTime', target: '< 15 min', actual: 12, met: true })), 'Failed deployment recovery time (median) 12 min ✓ < 15 min');
    assert.equal(verdictLine(v({ id: 'leadTime', target: '< 1 week', actual: 20.5, met: true })), 'Lead time for changes (median) 20.5 h ✓ < 1 week');
  });

  it('says n/a without data, never a zero', () => {
    assert.equal(verdictLine(v({ id: 'leadTime', target: '< 1 week' })), 'Lead time for changes (median) n/a – < 1 week');
    assert.equal(verdictText(v({ id: 'changeFailureRate', target: '< 15%' })), 'Change failure rate n/a · target < 15%');
    assert.equal(formatPercent(null), 'n/a');
    assert.equal(formatMinutes(null), 'n/a');
    assert.equal(formatHours(Number.NaN), 'n/a');
    for (const row of figureRows(emptyReport())) {
      if (['Deployments', 'Incidents', 'Failed deployment recovery time (median)'].includes(row.figure)) continue;
      assert.match(row.value, /n\/a/, `${row.figure}: ${row.value}`);
    }
  });

  it('takes a verdict\'s own label, unit and counts when the core gives them', () => {
    const t = v({ id: 'custom', target: '< 3', actual: 2, met: true, label: 'Hotfixes per release', unit: 'count', counts: '2 of 9 releases' });
    assert.equal(verdictLine(t), 'Hotfixes per release 2 ✓ < 3');
    assert.equal(verdictText(t), 'Hotfixes per release 2 · target < 3 (2 of 9 releases)');
  });

  it('reads an unknown target\'s unit from how its target is written, and its name from its id', () => {
    assert.equal(targetUnit(v({ id: 'x', target: '< 2%' })), 'ratio');
    assert.equal(targetUnit(v({ id: 'x', target: '< 5 min' })), 'minutes');
    assert.equal(targetUnit(v({ id: 'x', target: '< 1 week' })), 'hours');
    assert.equal(targetUnit(v({ id: 'x', target: '< 1' })), 'count');
    assert.equal(formatActual(v({ id: 'x', target: '< 1 week', actual: 100 })), '4.2 days');
    assert.equal(formatActual(v({ id: 'x', target: '< 5 min', actual: 0.5 })), '30 s');
    assert.equal(targetLabel(v({ id: 'someNewTarget', target: '< 1' })), 'Some new target');
    assert.equal(verdictLine(v({ id: 'someNewRate', target: '< 2%', actual: 0.01, met: true })), 'Some new rate 1% ✓ < 2%');
  });

  it('formats percentages with two decimals just under 100% so a miss never rounds into a pass', () => {
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatPercent(0.995), '99.5%');
    assert.equal(formatPercent(0.99949), '99.95%');
    assert.equal(formatPercent(2 / 41), '4.9%');
    assert.equal(formatPercent(0), '0%');
  });

  it('puts the counts behind every figure ("2 of 41 deployments")', () => {
    const rows = figureRows(busyReport());
    const cfr = rows.find((r) => r.figure === 'Change failure rate')!;
    assert.deepEqual([cfr.value, cfr.basis], ['4.9%', '2 of 41 deployments']);
    assert.equal(rows.find((r) => r.figure === 'Deployment success rate')!.basis, '39 of 41 finished deployments');
    assert.equal(rows.find((r) => r.figure === 'Release cadence')!.value, '6 of 6 expected');
    const freq = figureRows(busyReport({ frequency: { perWeek: 3.25, band: 'weekly', succeeded: 39, weeks: 12 } })).find((r) => r.figure === 'Deployment frequency')!;
    assert.deepEqual([freq.value, freq.basis], ['3.3 per week', 'DORA band: high (weekly) · 39 succeeded deployments in 12 weeks']);
  });

  it('calls a window without deployments empty, and one with only a deploy in progress not', () => {
    assert.equal(isEmptyReport(emptyReport()), true);
    assert.equal(isEmptyReport(busyReport()), false);
    assert.equal(isEmptyReport(emptyReport({ deployments: { total: 0, succeeded: 0, failed: 0, rolledBack: 0, inProgress: 1 } })), false);
  });
});
