import { strict as assert } from 'node:assert';
import { parseConfig } from '../../../src/core/config';
import { computeMetrics } from '../../../src/core/metrics/compute';
import { verdictLine } from '../../../src/core/metrics/format';
import { CommitGraph } from '../../../src/core/metrics/graph';
import { DEFAULT_TARGETS } from '../../../src/core/metrics/inputs';
import { metricsMarkdown } from '../../../src/core/metrics/markdown';
import { metricsText } from '../../../src/core/metrics/text';
import { metricsWindow } from '../../../src/core/metrics/window';
import { UsageError } from '../../../src/core/errors';

const NOW = new Date('2026-12-06T12:00:00Z');

function sample() {
  const sha = (i: number) => i.toString(16).padStart(8, '0') + 'a'.repeat(32);
  const graph = new Map([
    [sha(1), { parents: [], committedAt: Date.parse('2026-11-01T00:00:00Z') / 1000 }],
    [sha(2), { parents: [sha(1)], committedAt: Date.parse('2026-11-02T00:00:00Z') / 1000 }],
  ]);
  const d = (id: number, s: string, at: string, state: 'success' | 'failure') => ({ source: 'local' as const, id, sha: s, ref: `v1.${id}.0`, version: `1.${id}.0`, createdAt: at, statuses: [{ state, createdAt: new Date(Date.parse(at) + 5 * 60_000).toISOString() }], correlationId: null, operation: null, weight: null });
  return computeMetrics({
    environment: 'production',
    ...metricsWindow({ since: '30d' }, NOW),
    deployments: [d(1, sha(1), '2026-11-10T10:00:00Z', 'success'), d(2, sha(2), '2026-11-12T10:00:00Z', 'failure')],
    releases: [],
    incidents: null,
    severityLabel: 'P1',
    unattributedIncidents: true,
    commits: CommitGraph.from(graph),
    targets: { ...DEFAULT_TARGETS },
    cadence: null,
    warnings: ['No GitHub token | `x`'],
  });
}

describe('metrics: reports', () => {
  it('markdown has a table of the targets met and missed, the counts and the warnings, escaped', () => {
    const md = metricsMarkdown(sample());
    assert.match(md, /^## Release metrics: production/);
    assert.match(md, /\| Target \| Actual \| Goal \| Met \|/);
    assert.match(md, /\| Change failure rate \| 50% \(1 of 2 deployments\) \| < 15% \| ✗ \|/);
    assert.match(md, /\| Deployment success rate \| 50% \(1 of 2 deployments\) \| > 99\.5% \| ✗ \|/);
    assert.match(md, /\| Lead time for changes \(median\) \| n\/a \(0 commits\) \| < 1 week \| – \|/);
    assert.match(md, /- No GitHub token \\\| \\`x\\`/);
    const hostile = metricsMarkdown({ ...sample(), environment: 'prod<script>|x' });
    assert.match(hostile, /prod&lt;script>\\\|x/);
  });

  it('text lists the figures and the verdicts', () => {
    const text = metricsText(sample());
    assert.match(text, /Deployments {10}2 \(1 succeeded, 1 failed, 0 rolled back, 0 in progress\)/);
    assert.match(text, /Targets: 2 met, 2 missed, 4 without data\n {2}Lead time for changes \(median\) n\/a – < 1 week\n {2}Change failure rate 50% ✗ < 15%/);
    assert.match(text, /Recovery time {8}n\/a \(0 recovered, 1 not yet\)/);
    assert.match(text, /warning: No GitHub token/);
  });

  it('a verdict reads as the tree shows it', () => {
    assert.equal(verdictLine({ id: 'changeFailureRate', target: '< 15%', actual: 0.049, met: true }), 'Change failure rate 4.9% ✓ < 15%');
  });
});

describe('metrics: window', () => {
  it('defaults to the last 90 days', () => {
    assert.deepEqual(metricsWindow({}, NOW), { since: '2026-09-07T12:00:00.000Z', until: '2026-12-06T12:00:00.000Z' });
  });
  it('takes spans and ISO dates; an until date includes its day', () => {
    assert.equal(metricsWindow({ since: '12w' }, NOW).since, '2026-09-13T12:00:00.000Z');
    assert.deepEqual(metricsWindow({ since: '2026-11-01', until: '2026-11-30' }, NOW), { since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' });
    assert.equal(metricsWindow({ since: '2026-11-01T08:00:00+02:00' }, NOW).since, '2026-11-01T06:00:00.000Z');
  });
  it('refuses what is not a date or a span, and an empty window', () => {
    for (const bad of ['yesterday', '2026-02-30', '30m', '-3d', '2026-11-01T08:00']) assert.throws(() => metricsWindow({ since: bad }, NOW), UsageError, bad);
    assert.throws(() => metricsWindow({ since: '2026-12-01', until: '2026-11-01' }, NOW), /window is empty/);
  });
});

describe('metrics: config', () => {
  it('takes the metrics key with defaults, and refuses unknown keys, bad ratios and control characters by path', () => {
    const c = parseConfig(JSON.stringify({ metrics: { targets: { deployTime: 45 } } }));
    assert.equal(c.metrics!.incidentLabel, 'incident');
    assert.equal(c.metrics!.severityLabel, 'P1');
    assert.equal(c.metrics!.targets.deployTime, 45);
    assert.equal(c.metrics!.targets.changeFailureRate, 0.15);
    assert.throws(() => parseConfig(JSON.stringify({ metrics: { targets: { successRate: 99.5 } } })), /metrics\.targets\.successRate/);
    assert.throws(() => parseConfig(JSON.stringify({ metrics: { targets: { mttr: 5 } } })), /metrics\.targets.*mttr/);
    assert.throws(() => parseConfig(JSON.stringify({ metrics: { incidentLabel: 'sev\u001b[31m' } })), /metrics\.incidentLabel: must not contain control characters/);
  });
});
