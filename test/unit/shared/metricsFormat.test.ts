import * as assert from 'node:assert/strict';
import { countOf, figureRows, formatActual, formatHours, formatMinutes, formatPercent, isEmptyReport, targetLabel, targetUnit, verdictLine } from '../../../src/shared/metricsFormat';
import { busyReport, emptyReport } from '../../helpers/metricsReports';

describe('how metrics read (tree, webview, tables)', () => {
  it('writes the verdict line of the issue: "Change failure rate 4.9% ✓ < 15%"', () => {
    assert.equal(verdictLine({ id: 'changeFailureRate', target: '< 15%', actual: 0.049, met: true }), 'Change failure rate 4.9% ✓ < 15%');
    assert.equal(verdictLine({ id: 'successRate', target: '> 99.5%', actual: 0.9946, met: false }), 'Deployment success rate 99.46% ✗ > 99.5%');
    assert.equal(verdictLine({ id: 'recoveryTime', target: '< 15 min', actual: 12, met: true }), 'Recovery time 12 min ✓ < 15 min');
    assert.equal(verdictLine({ id: 'leadTime', target: '< 1 week', actual: 20.5, met: true }), 'Lead time 20.5 h ✓ < 1 week');
  });

  it('says n/a with the target when there is no data, never a zero', () => {
    assert.equal(verdictLine({ id: 'leadTime', target: '< 1 week', actual: null, met: null }), 'Lead time n/a (target < 1 week)');
    assert.equal(formatPercent(null), 'n/a');
    assert.equal(formatMinutes(null), 'n/a');
    assert.equal(formatHours(Number.NaN), 'n/a');
    for (const row of figureRows(emptyReport())) {
      if (['Deployments', 'Incidents'].includes(row.figure)) continue;
      assert.match(row.value, /n\/a/, `${row.figure}: ${row.value}`);
    }
  });

  it('reads the unit of a target from how it is written, then formats the actual in it', () => {
    assert.equal(targetUnit({ id: 'x', target: '< 2%' }), 'ratio');
    assert.equal(targetUnit({ id: 'x', target: '< 5 min' }), 'minutes');
    assert.equal(targetUnit({ id: 'x', target: '< 1 week' }), 'hours');
    assert.equal(targetUnit({ id: 'p1PerTenReleases', target: '< 1' }), 'number');
    assert.equal(formatActual({ id: 'x', target: '< 30 min', actual: 95 }), '1.6 h');
    assert.equal(formatActual({ id: 'x', target: '< 1 week', actual: 100 }), '4.2 days');
    assert.equal(formatActual({ id: 'x', target: '< 1 week', actual: 0.5 }), '30 min');
  });

  it('formats percentages with two decimals just under 100% so a miss never rounds into a pass', () => {
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatPercent(0.995), '99.5%');
    assert.equal(formatPercent(0.99949), '99.95%');
    assert.equal(formatPercent(2 / 41), '4.9%');
    assert.equal(formatPercent(0), '0%');
  });

  it('names known targets and reads unknown ids as words', () => {
    assert.equal(targetLabel('changeFailureRate'), 'Change failure rate');
    assert.equal(targetLabel('someNewTarget'), 'Some new target');
  });

  it('puts the counts behind every figure ("2 of 41 deployments")', () => {
    const rows = figureRows(busyReport());
    const cfr = rows.find((r) => r.figure === 'Change failure rate')!;
    assert.deepEqual([cfr.value, cfr.basis], ['4.9%', '2 of 41 deployments']);
    assert.equal(rows.find((r) => r.figure === 'Deployment success rate')!.basis, '39 of 41 finished deployments');
    assert.equal(countOf(1, 1, 'release'), '1 of 1 release');
    assert.equal(rows.find((r) => r.figure === 'Release cadence')!.value, '6 of 6 expected');
  });

  it('calls a window without deployments empty, and one with only a deploy in progress not', () => {
    assert.equal(isEmptyReport(emptyReport()), true);
    assert.equal(isEmptyReport(busyReport()), false);
    assert.equal(isEmptyReport(emptyReport({ deployments: { total: 0, succeeded: 0, failed: 0, rolledBack: 0, inProgress: 1 } })), false);
  });
});
