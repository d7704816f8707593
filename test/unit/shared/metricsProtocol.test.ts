import * as assert from 'node:assert/strict';
import { boundedReport, MAX_SERIES_POINTS, metricsViewState, parseFromMetricsWebview, toMetricsWebview, type MetricsViewState } from '../../../src/shared/metricsProtocol';
import { busyReport, emptyReport } from '../../helpers/metricsReports';

const state = (over: Partial<MetricsViewState> = {}): MetricsViewState => ({ repo: 'demo', environments: ['staging', 'production'], environment: null, window: '90d', loading: false, report: busyReport(), error: null, signedOut: false, trusted: true, ...over });

describe('the metrics webview protocol', () => {
  it('accepts exactly the messages of the view', () => {
    for (const m of [{ type: 'ready' }, { type: 'select', environment: 'staging', window: '30d' }, { type: 'select', environment: null, window: '12w' }, { type: 'refresh' }, { type: 'cancel' }, { type: 'copyMarkdown' }, { type: 'signIn' }]) {
      const r = parseFromMetricsWebview(m);
      assert.ok(r.ok, JSON.stringify(m));
    }
  });

  it('rejects anything else: unknown types, commands, extra or missing fields, bad names, prototype keys, huge payloads', () => {
    const hostile: unknown[] = [
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'select', environment: '../../etc/passwd', window: '90d' },
      { type: 'select', environment: '-rf', window: '90d' },
      { type: 'select', environment: 'production', window: '1000d' },
      { type: 'select', environment: 'production' },
      { type: 'refresh', extra: true },
      { type: 'copyMarkdown', text: 'x' },
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
      { type: 'select', environment: 'x'.repeat(10_000), window: '90d' },
      null,
      'ready',
      42,
      [],
    ];
    for (const m of hostile) assert.equal(parseFromMetricsWebview(m).ok, false, JSON.stringify(m)?.slice(0, 80));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('carries a full report and an empty one, and drops fields the core adds later instead of refusing the state', () => {
    assert.ok(toMetricsWebview().safeParse({ type: 'state', state: state() }).success);
    assert.ok(toMetricsWebview().safeParse({ type: 'state', state: state({ report: emptyReport(), signedOut: true }) }).success);
    const extended = { ...busyReport(), futureField: { x: 1 } };
    const parsed = metricsViewState().parse(state({ report: extended }));
    assert.equal((parsed.report as Record<string, unknown>).futureField, undefined);
    assert.equal(parsed.report?.deployments.total, 41);
  });

  it('refuses a state whose numbers are not numbers or whose view fields are unknown', () => {
    assert.equal(metricsViewState().safeParse(state({ report: { ...busyReport(), successRate: 'high' as unknown as number } })).success, false);
    assert.equal(metricsViewState().safeParse({ ...state(), script: '<script>' }).success, false);
    assert.equal(metricsViewState().safeParse(state({ environment: 'a b' })).success, false);
  });

  it('bounds a long history for the webview: the newest points, and a warning saying so', () => {
    const many = Array.from({ length: MAX_SERIES_POINTS + 500 }, (_, i) => ({ at: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(), medianHours: i }));
    const big = busyReport({ series: { weekly: [], leadTimes: many, recoveries: [] } });
    const b = boundedReport(big);
    assert.equal(b.series!.leadTimes.length, MAX_SERIES_POINTS);
    assert.equal(b.series!.leadTimes.at(-1)!.medianHours, MAX_SERIES_POINTS + 499);
    assert.match(b.warnings.at(-1)!, /newest 2000 points/);
    assert.ok(toMetricsWebview().safeParse({ type: 'state', state: state({ report: b }) }).success);
    assert.deepEqual(boundedReport(busyReport()).warnings, busyReport().warnings, 'a short history is sent as is');
  });
});
