import { strict as assert } from 'node:assert';
import { computeMetrics } from '../../../src/core/metrics/compute';
import { DEFAULT_TARGETS, type MetricDeployment, type MetricIncident, type MetricRelease, type MetricsInput } from '../../../src/core/metrics/inputs';
import { CommitGraph, type MetricCommit } from '../../../src/core/metrics/graph';
import { statusOutcome } from '../../../src/core/metrics/runs';
import type { DeploymentStatusRecord } from '../../../src/core/deploy/rollback';

const T0 = Date.parse('2026-10-01T00:00:00Z');
const H = 3_600_000;
const M = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A linear history c0 ← c1 ← … with commit i at T0 + i hours (committer time). */
function linear(n: number, start = T0 - 10 * 24 * H): { shas: string[]; graph: Map<string, MetricCommit> } {
  const shas = Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(8, '0') + 'c'.repeat(32));
  const graph = new Map<string, MetricCommit>();
  shas.forEach((s, i) => graph.set(s, { parents: i === 0 ? [] : [shas[i - 1]!], committedAt: Math.floor((start + i * H) / 1000) }));
  return { shas, graph };
}

let nextId = 1;
function dep(sha: string, createdAt: number, statuses: Array<[DeploymentStatusRecord['state'], number]>, extra: Partial<MetricDeployment> = {}): MetricDeployment {
  return {
    source: 'github',
    id: nextId++,
    sha,
    ref: extra.version ? `v${extra.version}` : sha.slice(0, 7),
    version: null,
    createdAt: iso(createdAt),
    statuses: statuses.map(([state, at]) => ({ state, createdAt: iso(at) })),
    correlationId: null,
    operation: null,
    weight: null,
    ...extra,
  };
}

function input(over: Partial<Omit<MetricsInput, 'commits'>> & { commits?: Map<string, MetricCommit> }): MetricsInput {
  const { commits, ...rest } = over;
  return {
    environment: 'production',
    since: iso(T0),
    until: iso(T0 + 28 * 24 * H),
    deployments: [],
    releases: [],
    incidents: [],
    severityLabel: 'P1',
    unattributedIncidents: true,
    targets: { ...DEFAULT_TARGETS },
    cadence: null,
    warnings: [],
    ...rest,
    commits: CommitGraph.from(commits ?? new Map()),
  };
}

const ok = (t: number, mins = 10): Array<[DeploymentStatusRecord['state'], number]> => [['in_progress', t + M], ['success', t + mins * M]];
const bad = (t: number, mins = 10): Array<[DeploymentStatusRecord['state'], number]> => [['in_progress', t + M], ['failure', t + mins * M]];

describe('metrics: deployment outcome', () => {
  it('takes the latest non-inactive status: success then inactive is succeeded', () => {
    assert.equal(statusOutcome([{ state: 'success', createdAt: iso(T0) }, { state: 'inactive', createdAt: iso(T0 + H) }]).outcome, 'succeeded');
  });
  it('a failure after a success is failed; no final status is in progress; only inactive is in progress', () => {
    assert.equal(statusOutcome([{ state: 'success', createdAt: iso(T0) }, { state: 'failure', createdAt: iso(T0 + H) }]).outcome, 'failed');
    assert.equal(statusOutcome([{ state: 'error', createdAt: iso(T0) }]).outcome, 'failed');
    assert.equal(statusOutcome([{ state: 'queued', createdAt: iso(T0) }]).outcome, 'inProgress');
    assert.equal(statusOutcome([{ state: 'inactive', createdAt: iso(T0) }]).outcome, 'inProgress');
    assert.equal(statusOutcome([]).outcome, 'inProgress');
  });
  it('orders statuses by time, not by list order', () => {
    assert.equal(statusOutcome([{ state: 'success', createdAt: iso(T0 + 2 * H) }, { state: 'failure', createdAt: iso(T0 + H) }]).outcome, 'succeeded');
  });
});

describe('metrics: counting deployments', () => {
  it('counts succeeded, failed and in-progress deployments; in-progress ones stay out of the rates', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[1]!, T0 + H, ok(T0 + H)), dep(shas[2]!, T0 + 30 * H, bad(T0 + 30 * H)), dep(shas[3]!, T0 + 60 * H, [['queued', T0 + 60 * H]])],
    }));
    assert.deepEqual(r.deployments, { total: 3, succeeded: 1, failed: 1, rolledBack: 0, inProgress: 1 });
    assert.equal(r.successRate, 0.5);
    assert.equal(r.changeFailureRate.total, 2);
    assert.equal(r.list?.find((l) => l.outcome === 'inProgress')?.sha, shas[3]);
  });

  it('counts the steps of one canary run (our correlation id) as one deployment', () => {
    const { shas, graph } = linear(5);
    const op = 'op-abcdef123456';
    const steps = [10, 50, 100].map((w, i) => dep(shas[2]!, T0 + H + i * 10 * M, ok(T0 + H + i * 10 * M, 2), { correlationId: `${op}-m${i}`, operation: 'deploy', weight: w, version: '1.2.0' }));
    const r = computeMetrics(input({ commits: graph, deployments: steps }));
    assert.equal(r.deployments.total, 1);
    assert.equal(r.list![0]!.steps, 3);
    // Deployment time runs from the first step's creation to the last step's success.
    assert.equal(r.deployTime.medianMinutes, 22);
  });

  it('a canary whose second step failed is one failed deployment', () => {
    const { shas, graph } = linear(5);
    const op = 'op-abcdef123457';
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[2]!, T0 + H, ok(T0 + H), { correlationId: `${op}-m0` }), dep(shas[2]!, T0 + 2 * H, bad(T0 + 2 * H), { correlationId: `${op}-m1` })],
    }));
    assert.deepEqual([r.deployments.total, r.deployments.failed], [1, 1]);
  });

  it('groups deployments others made of the same commit within one hour, and not later ones (a redeploy)', () => {
    const { shas, graph } = linear(5);
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[2]!, T0 + H, ok(T0 + H)), dep(shas[2]!, T0 + H + 30 * M, ok(T0 + H + 30 * M)), dep(shas[2]!, T0 + 5 * H, ok(T0 + 5 * H))],
    }));
    assert.equal(r.deployments.total, 2);
    // A redeploy of the same commit is not a rollback.
    assert.equal(r.list!.filter((l) => l.rollback).length, 0);
  });

  it('counts only the window, and says when the history starts after it', () => {
    const { shas, graph } = linear(5);
    const r = computeMetrics(input({ since: iso(T0 - 30 * 24 * H), commits: graph, deployments: [dep(shas[1]!, T0 + H, ok(T0 + H)), dep(shas[2]!, T0 + 40 * 24 * H, ok(T0 + 40 * 24 * H))] }));
    assert.equal(r.deployments.total, 1);
    assert.ok(r.warnings.some((w) => /starts on 2026-10-01, after the start of the window/.test(w)), r.warnings.join('\n'));
  });

  it('an empty window is n/a everywhere, with a warning, never zeros presented as data', () => {
    const r = computeMetrics(input({}));
    assert.equal(r.deployments.total, 0);
    assert.equal(r.frequency.perWeek, null);
    assert.equal(r.leadTime.medianHours, null);
    assert.equal(r.changeFailureRate.ratio, null);
    assert.equal(r.successRate, null);
    assert.equal(r.rollbackRate.ratio, null);
    assert.equal(r.recovery.medianMinutes, null);
    assert.ok(r.targets.filter((t) => t.id !== 'cadence').every((t) => t.met === null && t.actual === null));
    assert.ok(r.warnings.some((w) => /No deployments of production are recorded/.test(w)));
  });
});

describe('metrics: rollbacks', () => {
  it('finds a rollback by ancestry (older code than what ran) and marks the deployment it replaced', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[2]!, T0 + H, ok(T0 + H), { version: '1.0.0' }), dep(shas[5]!, T0 + 5 * H, ok(T0 + 5 * H), { version: '1.1.0' }), dep(shas[2]!, T0 + 6 * H, ok(T0 + 6 * H, 3), { version: '1.0.0' })],
    }));
    const [, v11, back] = r.list!;
    assert.equal(back!.rollback, true);
    assert.equal(v11!.rolledBack, true);
    assert.deepEqual(v11!.failureReasons, ['rolled back']);
    assert.equal(r.deployments.rolledBack, 1);
    assert.deepEqual(r.rollbackRate, { ratio: 0.5, rolledBack: 1, releases: 2 });
    assert.equal(r.rollbackTime.medianMinutes, 3);
    // Rollbacks are not changes: 1 of 2 changes failed.
    assert.deepEqual([r.changeFailureRate.failed, r.changeFailureRate.total], [1, 2]);
  });

  it('finds a rollback to an older commit that never ran there (an ancestor of the current one)', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[2]!, T0 + H, ok(T0 + H)), dep(shas[6]!, T0 + 5 * H, ok(T0 + 5 * H)), dep(shas[4]!, T0 + 6 * H, ok(T0 + 6 * H))] }));
    assert.equal(r.list![2]!.rollback, true);
  });

  it('a redeploy after a rollback, and a roll-forward to a newer commit, are not rollbacks', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[2]!, T0 + H, ok(T0 + H)), dep(shas[5]!, T0 + 5 * H, ok(T0 + 5 * H)), dep(shas[2]!, T0 + 6 * H, ok(T0 + 6 * H)), dep(shas[2]!, T0 + 9 * H, ok(T0 + 9 * H)), dep(shas[5]!, T0 + 12 * H, ok(T0 + 12 * H)), dep(shas[7]!, T0 + 15 * H, ok(T0 + 15 * H))],
    }));
    assert.deepEqual(r.list!.map((l) => l.rollback), [false, false, true, false, false, false]);
  });

  it('counts our rollback operations as rollbacks even when the commit is not older', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[2]!, T0 + H, ok(T0 + H)), dep(shas[5]!, T0 + 5 * H, bad(T0 + 5 * H)), dep(shas[2]!, T0 + 6 * H, ok(T0 + 6 * H), { correlationId: 'op-111111111111-m0', operation: 'rollback' })] }));
    assert.equal(r.list![2]!.rollback, true);
    assert.equal(r.list![1]!.rolledBack, true);
    // The failure recovered when the rollback succeeded: from the failure status to the rollback's success.
    assert.equal(r.recovery.count, 1);
    assert.equal(r.recovery.medianMinutes, 60 - 10 + 10);
  });

  it('finds a rollback by an equal commit when the commit is not in the clone', () => {
    const r = computeMetrics(input({ deployments: [dep('a'.repeat(40), T0 + H, ok(T0 + H)), dep('b'.repeat(40), T0 + 2 * H, ok(T0 + 2 * H)), dep('a'.repeat(40), T0 + 3 * H, ok(T0 + 3 * H))] }));
    assert.equal(r.list![2]!.rollback, true);
    assert.ok(r.warnings.some((w) => /not in this clone/.test(w)));
  });
});

describe('metrics: lead time for changes', () => {
  it('measures each newly deployed commit from its committer time to the deployment success (previous..this)', () => {
    const start = T0 - 10 * H;
    const { shas, graph } = linear(10, start);
    // First deployment: shas[0..3] (not measured: no earlier deployment); second: shas[4..6], succeeded at T0 + 2h.
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[3]!, T0, ok(T0, 2)), dep(shas[6]!, T0 + 2 * H, ok(T0 + 2 * H, 2))] }));
    assert.equal(r.leadTime.commits, 3);
    // Commits at start+4h, +5h, +6h = T0-6h, T0-5h, T0-4h → 8, 7, 6 hours before the success at T0+2h+2min.
    assert.ok(Math.abs(r.leadTime.medianHours! - (7 + 2 / 60)) < 1e-9);
    assert.ok(Math.abs(r.leadTime.p90Hours! - (7.8 + 2 / 60)) < 1e-9);
    assert.ok(r.warnings.some((w) => /first known deployment/.test(w)));
  });

  it('does not count commits again when a rolled-back release is deployed again', () => {
    const { shas, graph } = linear(10, T0 - 10 * H);
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[2]!, T0, ok(T0, 2)), dep(shas[5]!, T0 + H, ok(T0 + H, 2)), dep(shas[2]!, T0 + 2 * H, ok(T0 + 2 * H, 2)), dep(shas[5]!, T0 + 3 * H, ok(T0 + 3 * H, 2))] }));
    assert.equal(r.leadTime.commits, 3);
  });

  it('walks merges: commits of a merged branch count once', () => {
    const graph = new Map<string, MetricCommit>();
    const t = Math.floor((T0 - 5 * H) / 1000);
    const s = (c: string) => c.repeat(40);
    graph.set(s('a'), { parents: [], committedAt: t });
    graph.set(s('b'), { parents: [s('a')], committedAt: t + 3600 });
    graph.set(s('c'), { parents: [s('a')], committedAt: t + 7200 });
    graph.set(s('d'), { parents: [s('b'), s('c')], committedAt: t + 3 * 3600 });
    const r = computeMetrics(input({ commits: graph, deployments: [dep(s('a'), T0 - 4 * H, ok(T0 - 4 * H, 2)), dep(s('d'), T0 + H, ok(T0 + H, 2))] }));
    assert.equal(r.leadTime.commits, 3);
  });

  it('clamps commits dated after their deployment (clock skew) to 0 and says so', () => {
    const graph = new Map<string, MetricCommit>([
      ['a'.repeat(40), { parents: [], committedAt: Math.floor((T0 - H) / 1000) }],
      ['b'.repeat(40), { parents: ['a'.repeat(40)], committedAt: Math.floor((T0 + 5 * H) / 1000) }],
    ]);
    const r = computeMetrics(input({ commits: graph, deployments: [dep('a'.repeat(40), T0, ok(T0, 2)), dep('b'.repeat(40), T0 + H, ok(T0 + H, 2))] }));
    assert.equal(r.leadTime.medianHours, 0);
    assert.ok(r.warnings.some((w) => /clock skew/.test(w)));
  });

  it('is met below the target and missed above it', () => {
    const { shas, graph } = linear(10, T0 - 400 * H);
    const slow = computeMetrics(input({ commits: graph, deployments: [dep(shas[1]!, T0, ok(T0, 2)), dep(shas[3]!, T0 + H, ok(T0 + H, 2))] }));
    assert.equal(slow.targets.find((t) => t.id === 'leadTime')!.met, false);
    const fast = computeMetrics(input({ commits: graph, deployments: [dep(shas[1]!, T0, ok(T0, 2)), dep(shas[3]!, T0 + H, ok(T0 + H, 2))], targets: { ...DEFAULT_TARGETS, leadTime: 1000 } }));
    assert.equal(fast.targets.find((t) => t.id === 'leadTime')!.met, true);
  });
});

describe('metrics: change failure rate, hotfixes and incidents', () => {
  const rel = (tag: string, at: number): MetricRelease => ({ tag, version: tag.replace(/^v/, ''), publishedAt: iso(at), prerelease: false });
  const inc = (n: number, title: string, created: number, closed: number | null, labels = ['incident']): MetricIncident => ({ number: n, title, body: '', labels, createdAt: iso(created), closedAt: closed === null ? null : iso(closed) });

  it('counts a deployment followed by a hotfix release within 24 h, and not one after 24 h', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[1]!, T0, ok(T0), { version: '1.2.0' }), dep(shas[2]!, T0 + 3 * 24 * H, ok(T0 + 3 * 24 * H), { version: '1.3.0' })],
      releases: [rel('v1.2.1', T0 + 5 * H), rel('v1.3.1', T0 + 5 * 24 * H)],
    }));
    assert.deepEqual(r.list!.map((l) => l.failureReasons), [['hotfix v1.2.1 within 24 h'], []]);
    assert.deepEqual([r.changeFailureRate.failed, r.changeFailureRate.total, r.changeFailureRate.ratio], [1, 2, 0.5]);
  });

  it('counts a deployment an incident names (version or commit), and the incident figures', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({
      commits: graph,
      deployments: [dep(shas[1]!, T0, ok(T0), { version: '1.2.0' }), dep(shas[2]!, T0 + 24 * H, ok(T0 + 24 * H), { version: '1.3.0' }), dep(shas[3]!, T0 + 48 * H, ok(T0 + 48 * H), { version: '1.4.0' })],
      incidents: [inc(7, 'Checkout down after v1.3.0', T0 + 25 * H, T0 + 26 * H, ['incident', 'P1']), { ...inc(8, 'Slow pages', T0 + 49 * H, null), body: `since ${shas[3]!.slice(0, 8)} deployed` }],
    }));
    assert.deepEqual(r.list!.map((l) => l.failureReasons), [[], ['incident #7'], ['incident #8']]);
    assert.deepEqual(r.incidents, { total: 2, p1: 1, mttrMinutes: 60, p1PerTenReleases: 10 / 3, closed: 1, releases: 3 });
    // Recovery from an incident: its creation to the next succeeded deployment (1.4.0 at T0+48h+10min).
    assert.ok(r.recovery.count >= 1);
  });

  it('does not read 1.3.0 inside 11.3.0 or a longer version', () => {
    const { shas, graph } = linear(5);
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[1]!, T0, ok(T0), { version: '1.3.0' })], incidents: [inc(1, 'broken in 11.3.0 and 1.3.0.1', T0 + H, null)] }));
    assert.deepEqual(r.list![0]!.failureReasons, []);
  });
});

describe('metrics: recovery, times, frequency, cadence and targets', () => {
  it('measures recovery from the failed status to the next succeeded deployment, and counts unrecovered failures', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[1]!, T0, bad(T0, 5)), dep(shas[2]!, T0 + 20 * M, ok(T0 + 20 * M, 5)), dep(shas[3]!, T0 + 2 * H, bad(T0 + 2 * H, 5))] }));
    assert.equal(r.recovery.medianMinutes, 20);
    assert.equal(r.recovery.count, 1);
    assert.equal(r.recovery.unrecovered, 1);
    assert.equal(r.targets.find((t) => t.id === 'recoveryTime')!.met, false);
  });

  it('reports frequency per week and the DORA band', () => {
    const { shas, graph } = linear(200);
    const daily: MetricDeployment[] = [];
    // Four weeks, deploys Monday to Thursday.
    for (let w = 0; w < 4; w++) for (let d = 0; d < 4; d++) {
      const t = Date.parse('2026-10-05T10:00:00Z') + (w * 7 + d) * 24 * H;
      daily.push(dep(shas[w * 4 + d + 1]!, t, ok(t)));
    }
    const r = computeMetrics(input({ since: '2026-10-05T00:00:00.000Z', until: '2026-11-02T00:00:00.000Z', commits: graph, deployments: daily }));
    assert.equal(r.frequency.perWeek, 4);
    assert.equal(r.frequency.band, 'daily');
    const weekly = computeMetrics(input({ since: '2026-10-05T00:00:00.000Z', until: '2026-11-02T00:00:00.000Z', commits: graph, deployments: daily.filter((_, i) => i % 4 === 0) }));
    assert.equal(weekly.frequency.band, 'weekly');
    const monthly = computeMetrics(input({ since: '2026-10-05T00:00:00.000Z', until: '2026-11-02T00:00:00.000Z', commits: graph, deployments: daily.slice(0, 1) }));
    assert.equal(monthly.frequency.band, 'monthly');
    assert.deepEqual(r.series!.weekly.map((w) => w.succeeded), [4, 4, 4, 4]);
  });

  it('compares releases published with the calendar cadence', () => {
    const r = computeMetrics(input({
      since: '2026-10-01T00:00:00.000Z',
      until: '2026-10-29T00:00:00.000Z',
      cadence: { anchor: '2026-09-01', everyWeeks: 2 },
      releases: [{ tag: 'v1.0.0', version: '1.0.0', publishedAt: '2026-10-13T12:00:00Z', prerelease: false }, { tag: 'v1.1.0-rc.0', version: '1.1.0-rc.0', publishedAt: '2026-10-20T12:00:00Z', prerelease: true }],
    }));
    // Release days from Tuesday 2026-09-01 every two weeks: 10-13 and 10-27 are in the window.
    assert.deepEqual(r.cadence, { expected: 2, actual: 1, met: false, everyWeeks: 2 });
    assert.equal(r.targets.find((t) => t.id === 'cadence')!.met, false);
  });

  it('takes the targets from the config and says them as people read them', () => {
    const { shas, graph } = linear(10);
    const r = computeMetrics(input({ commits: graph, deployments: [dep(shas[1]!, T0, ok(T0, 40)), dep(shas[2]!, T0 + H, ok(T0 + H, 40))], targets: { ...DEFAULT_TARGETS, deployTime: 60 } }));
    const t = r.targets.find((x) => x.id === 'deployTime')!;
    assert.deepEqual([t.target, t.actual, t.met], ['< 60 min', 40, true]);
    assert.equal(r.targets.find((x) => x.id === 'successRate')!.target, '> 99.5%');
    assert.equal(r.targets.find((x) => x.id === 'leadTime')!.target, '< 1 week');
  });
});
