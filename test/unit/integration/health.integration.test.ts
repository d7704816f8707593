/**
 * Integration tests of health checks with a REAL Prometheus (Debian's `prometheus` binary, its own
 * config and data dir on a free port) scraping a small local app whose error rate the test sets,
 * and a REAL HTTP health endpoint — then a canary driven by `runOperation` that a rising error rate
 * aborts (and, when only a rollback can restore the previous version, rolls back automatically).
 *
 * Real time, short windows (the schema's minimum interval is 1 s). Without `prometheus` installed
 * these tests fail (they do not skip) with the fix: `apt-get install prometheus`.
 */
import assert from 'node:assert/strict';
import { evaluateCheck, evaluateHealth, judgeSample, type HealthSample, type HealthVerdict } from '../../../src/core/deploy/health';
import { deployJournalKey, startOperation } from '../../../src/core/deploy/journal';
import type { DeployJournal } from '../../../src/core/deploy/journalTypes';
import { planDeploy, type DeployRelease } from '../../../src/core/deploy/plan';
import type { Deployer, DeployJournalStore, DispatchRequest, DispatchResult, FindResult, RunObservation } from '../../../src/core/deploy/ports';
import type { RunHandle } from '../../../src/core/deploy/runHandle';
import type { DeploymentRecord } from '../../../src/core/deploy/rollback';
import { runOperation, type RunDeps, type RunStop } from '../../../src/core/deploy/run';
import { environmentSchema, healthCheckSchema, type EnvironmentConfig, type HealthCheckConfig } from '../../../src/core/deploy/schema';
import { FetchHealthProbe } from '../../../src/node/healthProbe';
import { startMetricsApp, type MetricsApp, type Track } from '../../helpers/metricsApp';
import { startPrometheus, type RunningPrometheus } from '../../helpers/prometheus';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });

/** The 5xx share of a track's requests over the last `range` (PromQL). */
const errorRatio = (track: string, range = '5s') =>
  `sum(rate(app_requests_total{track="${track}",code=~"5.."}[${range}])) / sum(rate(app_requests_total{track="${track}"}[${range}]))`;

const check = (c: Record<string, unknown>): HealthCheckConfig => healthCheckSchema().parse(c);

/**
 * Samples the checks with the probe in real time, every interval, and judges them from `since`
 * (as the deploy driver does) until the verdict is no longer pending or `maxMs` has passed.
 */
async function observe(probe: FetchHealthProbe, checks: HealthCheckConfig[], maxMs: number): Promise<{ verdict: HealthVerdict; samples: Record<string, HealthSample[]>; since: number; tookMs: number }> {
  const since = Date.now();
  const samples: Record<string, HealthSample[]> = {};
  const interval = Math.min(...checks.map((c) => c.intervalMs));
  for (;;) {
    for (const c of checks) (samples[c.id] ??= []).push(await probe.sample(c));
    const now = Date.now();
    const verdict = evaluateHealth(checks, samples, { since, now });
    if (verdict.status !== 'pending') return { verdict, samples, since, tookMs: now - since };
    if (now - since > maxMs) assert.fail(`still pending after ${maxMs} ms: ${verdict.reason}`);
    await sleep(Math.max(1, since + Math.ceil((now - since + 1) / interval) * interval - Date.now()));
  }
}

describe('integration: health checks against a real Prometheus and a real HTTP app', function () {
  this.timeout(45_000);
  let app: MetricsApp;
  let prom: RunningPrometheus | undefined;
  /** A second server, stopped by the test of an outage (started here, alongside the first: each takes about 5 s to find its targets). */
  let doomed: RunningPrometheus | undefined;
  const probe = new FetchHealthProbe();

  /** The track (its own series, so no other test's errors are in its rate window) once Prometheus has enough of it for a rate, at 0% errors. */
  async function freshTrack(name: string, range = '5s'): Promise<Track> {
    const t = app.track(name);
    await prom!.waitFor(errorRatio(name, range), (v) => v.length === 1 && v[0] === 0);
    return t;
  }

  before(async function () {
    this.timeout(40_000);
    app = await startMetricsApp();
    // Tracks used below start counting now, so their series exist by the time the tests query them.
    for (const name of ['ratio', 'canary-healthy', 'canary-bad', 'canary-late']) app.track(name);
    const started = await Promise.allSettled([startPrometheus({ targets: [app.target] }), startPrometheus({ targets: [app.target] })]);
    [prom, doomed] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  });

  after(async () => {
    await prom?.stop();
    await doomed?.stop();
    await app?.close();
  });

  describe('Prometheus checks (FetchHealthProbe + evaluateHealth)', () => {
    it('an error-ratio query passes while the app serves no errors and fails once the test raises its error rate', async () => {
      const track = await freshTrack('ratio');
      const errors = check({ kind: 'prometheus', id: 'errors', url: prom!.url, query: errorRatio('ratio'), max: 0.05, windowMs: 2000, intervalMs: 1000 });

      const healthy = await observe(probe, [errors], 8000);
      assert.equal(healthy.verdict.status, 'pass', healthy.verdict.reason);
      const good = healthy.samples.errors!;
      assert.ok(good.length >= 2, `${good.length} samples`);
      for (const s of good) assert.deepEqual([s.values, s.error], [[0], undefined], 'the real ratio is 0 at 0% errors');
      assert.match(healthy.verdict.reason, /^healthy: errors: \d+ good samples over 2 s$/);

      track.errorRatio = 0.5;
      const failing = await observe(probe, [errors], 8000);
      assert.equal(failing.verdict.status, 'fail', failing.verdict.reason);
      assert.match(failing.verdict.reason, /^errors: 1 bad sample in 2 s; last: value 0\.\d+ > max 0\.05 at \d{4}-/);
      const last = failing.samples.errors!.at(-1)!;
      assert.ok(last.values[0]! > 0.05 && last.values[0]! <= 0.5, `ratio ${last.values[0]} seen by Prometheus is between the threshold and the app's 50%`);
      assert.ok(failing.tookMs < 6000, `detected in ${failing.tookMs} ms`);

      track.errorRatio = 0.02;
      // Back under the threshold once the 5 s rate window has left the bad period.
      const values = await prom!.waitFor(errorRatio('ratio'), (v) => v.length === 1 && v[0]! < 0.05 && v[0]! > 0, 10_000);
      assert.equal(judgeSample(errors, await probe.sample(errors)).good, true, `ratio ${values[0]}`);
    });

    it('a query for a metric that does not exist has no data: ignored (then "not enough data"), good or bad as configured', async () => {
      const base = { kind: 'prometheus', url: prom!.url, query: 'sum(rate(app_no_such_metric_total[5s]))', max: 0.05, windowMs: 1000, intervalMs: 1000 };
      const ignore = check({ ...base, id: 'ignored' });
      const pass = check({ ...base, id: 'passing', noData: 'pass' });
      const fail = check({ ...base, id: 'failing', noData: 'fail' });

      const s = await probe.sample(ignore);
      assert.deepEqual([s.values, s.error], [[], undefined], 'a real empty vector');
      assert.deepEqual(judgeSample(ignore, s), { good: null, reason: 'no data' });
      assert.equal(judgeSample(pass, s).good, true);
      assert.deepEqual(judgeSample(fail, s), { good: false, reason: 'no data' });

      const failed = await observe(probe, [fail], 4000);
      assert.equal(failed.verdict.status, 'fail');
      assert.match(failed.verdict.reason, /^failing: 1 bad sample in 1 s; last: no data at /);

      const passed = await observe(probe, [pass], 4000);
      assert.equal(passed.verdict.status, 'pass', passed.verdict.reason);

      // Ignored: never passes on no data; after twice the window without data it fails, saying why.
      const ignored = await observe(probe, [ignore], 5000);
      assert.equal(ignored.verdict.status, 'fail');
      assert.ok(ignored.tookMs >= 2000, `failed only after two windows (${ignored.tookMs} ms)`);
      assert.match(ignored.verdict.reason, /^ignored: not enough data, 0 of 1 samples in the last 1 s \(\d+ without data: no data\)$/);
    });

    it('a PromQL syntax error and a range query are reported as clear errors, never as healthy', async () => {
      const broken = check({ kind: 'prometheus', id: 'broken', url: prom!.url, query: 'sum(rate(app_requests_total[5s])', max: 0.05, windowMs: 1000, intervalMs: 1000 });
      const s = await probe.sample(broken);
      assert.deepEqual(s.values, []);
      assert.match(s.error ?? '', /^query failed: .*parse error.*unclosed left parenthesis/);
      assert.equal(judgeSample(broken, s).good, null);
      // Over a window: never passes; after twice the window without data it fails, naming the error.
      const broke = await observe(probe, [broken], 5000);
      assert.equal(broke.verdict.status, 'fail');
      assert.ok(broke.tookMs >= 2000, `failed only after two windows (${broke.tookMs} ms)`);
      assert.match(broke.verdict.reason, /^broken: not enough data, 0 of 1 samples in the last 1 s \(\d+ without data: query failed: .*parse error/);

      const range = await probe.sample(check({ kind: 'prometheus', id: 'range', url: prom!.url, query: 'app_requests_total[5s]', max: 1 }));
      assert.match(range.error ?? '', /^unexpected result type matrix; use an instant query/);

      const unknownFn = await probe.sample(check({ kind: 'prometheus', id: 'fn', url: prom!.url, query: 'no_such_function(up)', max: 1 }));
      assert.match(unknownFn.error ?? '', /^query failed: .*unknown function with name "no_such_function"/);
    });
  });

  describe('HTTP checks against the app\'s /health', () => {
    beforeEach(() => Object.assign(app.health, { status: 200, errorRate: 0, delayMs: 0, rawBody: null }));

    it('judges the status code and a JSON field against its threshold over a window, tolerating maxFailures', async () => {
      const up = check({ kind: 'http', id: 'up', url: `${app.url}/health`, jsonPath: 'status.errorRate', max: 0.05, windowMs: 2000, intervalMs: 1000, maxFailures: 1 });
      app.health.errorRate = 0.01;
      const healthy = await observe(probe, [up], 5000);
      assert.equal(healthy.verdict.status, 'pass', healthy.verdict.reason);
      assert.ok(healthy.samples.up!.every((s) => s.status === 200 && s.values[0] === 0.01));

      app.health.errorRate = 0.2;
      const high = await observe(probe, [up], 5000);
      assert.equal(high.verdict.status, 'fail', high.verdict.reason);
      assert.equal(high.samples.up!.length, 2, 'the first bad sample is tolerated, the second fails');
      assert.match(high.verdict.reason, /^up: 2 bad samples in 2 s \(tolerated: 1\); last: status\.errorRate 0\.2 > max 0\.05 at /);

      Object.assign(app.health, { status: 503, errorRate: 0 });
      const down = await observe(probe, [up], 5000);
      assert.equal(down.verdict.status, 'fail');
      assert.match(down.verdict.reason, /last: status 503 \(expected 200\)/);
      assert.ok(down.samples.up!.every((s) => s.status === 503));
    });

    it('a service slower than the timeout is a bad sample, and the probe does not wait for it', async () => {
      app.health.delayMs = 3000;
      const slow = check({ kind: 'http', id: 'slow', url: `${app.url}/health`, windowMs: 1000, intervalMs: 1000, timeoutMs: 300 });
      const started = Date.now();
      const s = await probe.sample(slow);
      const took = Date.now() - started;
      assert.deepEqual([s.status, s.error], [null, 'no answer within 300 ms']);
      assert.ok(took >= 250 && took < 1500, `gave up after ${took} ms`);
      assert.deepEqual(judgeSample(slow, s), { good: false, reason: 'no answer within 300 ms' });
      const v = evaluateCheck(slow, [s], { since: started, now: Date.now() });
      assert.equal(v.status, 'fail');
      assert.match(v.reason, /^slow: 1 bad sample in 1 s; last: no answer within 300 ms/);
    });

    it('a body that is not JSON is a bad sample when a JSON field is checked, and fine when only the status is', async () => {
      Object.assign(app.health, { status: 200, rawBody: '<html><body>Service Unavailable</body></html>' });
      const field = check({ kind: 'http', id: 'field', url: `${app.url}/health`, jsonPath: 'status.errorRate', max: 0.05, windowMs: 1000, intervalMs: 1000 });
      const s = await probe.sample(field);
      assert.deepEqual([s.status, s.values, s.error], [200, [], 'the response is not JSON']);
      assert.deepEqual(judgeSample(field, s), { good: false, reason: 'the response is not JSON' });
      const statusOnly = check({ kind: 'http', id: 'status', url: `${app.url}/health`, windowMs: 1000, intervalMs: 1000 });
      assert.equal(judgeSample(statusOnly, await probe.sample(statusOnly)).good, true);
    });
  });

  describe('a canary driven by runOperation, judged by the real Prometheus', () => {
    const OLD: DeployRelease = { version: '1.3.0', sha: '3'.repeat(40), ref: 'v1.3.0' };
    const NEW: DeployRelease = { version: '1.4.0', sha: '4'.repeat(40), ref: 'v1.4.0' };

    /** Production with a canary of these steps, one Prometheus check on the track's error ratio (max 5%), and automatic rollback. */
    function environment(track: string, steps: { weight: number; pauseMs: number }[]): EnvironmentConfig {
      return environmentSchema().parse({
        name: 'production',
        provider: { kind: 'deployments' },
        strategy: { kind: 'canary', steps },
        healthChecks: [{ kind: 'prometheus', id: 'errors', url: prom!.url, query: errorRatio(track, '3s'), max: 0.05, windowMs: 3000, intervalMs: 1000 }],
        protection: { autoRollback: true },
      });
    }

    async function run(track: Track, env: EnvironmentConfig, errorRatioOf: Record<string, number>, onEvent?: RunDeps['onEvent']): Promise<{ stop: RunStop; deployer: TrafficDeployer; tookMs: number }> {
      const deployer = new TrafficDeployer(track, errorRatioOf, OLD);
      const store = new MemoryStore();
      const key = deployJournalKey('o/r', 'production');
      const start = startOperation(null, { repo: 'o/r', id: 'op-integration', session: 's1', env, plan: planDeploy(env, NEW) }, new Date());
      assert.equal(start.kind, 'start');
      if (start.kind !== 'start') return assert.fail('not started');
      assert.equal(await store.write(key, start.journal, null), 'written');
      const began = Date.now();
      const stop = await runOperation(key, {
        deployer,
        store,
        probe,
        session: 's1',
        now: () => new Date(),
        sleep: async (ms, signal) => {
          if (Date.now() - began > 30_000) throw new Error('the canary does not end');
          await sleep(ms, signal);
        },
        ...(onEvent ? { onEvent } : {}),
      });
      if (stop.action.kind === 'ask') assert.fail(`the driver asked: ${stop.action.reason}`);
      return { stop, deployer, tookMs: Date.now() - began };
    }

    it('a healthy canary is analysed against the real error ratio at every step and promoted through all of them', async () => {
      const track = await freshTrack('canary-healthy', '3s');
      const env = environment('canary-healthy', [{ weight: 25, pauseMs: 1000 }, { weight: 50, pauseMs: 1000 }]);
      const { stop, deployer, tookMs } = await run(track, env, { '1.3.0': 0, '1.4.0': 0 });
      assert.equal(stop.journal.state, 'healthy', stop.journal.outcome ?? '');
      assert.equal(stop.journal.outcome, '1.4.0 deployed to production');
      assert.deepEqual(deployer.dispatches.map((d) => `${d.version}@${d.weight}`), ['1.4.0@25', '1.4.0@50', '1.4.0@100']);
      const analyses = stop.journal.steps.filter((s) => s.plan.kind === 'analyse');
      assert.equal(analyses.length, 3);
      for (const a of analyses) {
        assert.equal(a.state.status, 'done');
        assert.match(a.state.status === 'done' ? a.state.result : '', /^healthy: errors: \d+ good samples over 3 s$/);
      }
      assert.equal(stop.journal.rollbackTarget, null);
      assert.ok(tookMs < 25_000, `took ${tookMs} ms`);
    });

    it('errors rising at the first step abort the canary: the next step is never sent and traffic goes back to the stable version', async () => {
      const track = await freshTrack('canary-bad', '3s');
      const env = environment('canary-bad', [{ weight: 25, pauseMs: 1000 }, { weight: 50, pauseMs: 1000 }]);
      // Every request the new version serves fails: 25% errors once the first step is live.
      const { stop, deployer } = await run(track, env, { '1.3.0': 0, '1.4.0': 1 });
      const j = stop.journal;
      assert.equal(j.state, 'aborted', j.outcome ?? '');
      assert.match(j.abortRequest?.reason ?? '', /^health check failed: errors: \d+ bad samples? in 3 s; last: value 0\.\d+ > max 0\.05 at /);
      assert.match(j.outcome ?? '', /^aborted: health check failed: errors: .*; traffic is back on the previous version$/);
      // The abort itself is what restores the previous version here (traffic to weight 0): no new deployment is needed.
      assert.deepEqual(deployer.dispatches.map((d) => `${d.version}@${d.weight}`), ['1.4.0@25', '1.4.0@0']);
      assert.deepEqual(
        j.steps.map((s) => `${s.phase}:${s.plan.label.replace(/ \(.*$/, '')}:${s.state.status}`),
        [
          'main:Canary step 1: 25% of traffic:done',
          'main:Pause 1 s:done',
          'main:Analyse canary at 25%:failed',
          'main:Canary step 2: 50% of traffic:skipped',
          'main:Pause 1 s:skipped',
          'main:Analyse canary at 50%:skipped',
          'main:Canary: promote to 100% of traffic:skipped',
          'main:Verify health:skipped',
          'abort:Abort: all traffic back to the stable version:done',
        ],
      );
      assert.equal(j.needsRollback, false);
      assert.equal(track.errorRatio, 0, 'the app serves the stable version only');
    });

    it('errors that appear only at full traffic fail the final verification and roll back automatically to the last good release', async () => {
      const track = await freshTrack('canary-late', '3s');
      const env = environment('canary-late', [{ weight: 10, pauseMs: 1000 }]);
      // 30% of the new version's requests fail: 3% at the 10% step (under the 5% threshold), 30% at full traffic.
      const { stop, deployer } = await run(track, env, { '1.3.0': 0, '1.4.0': 0.3 });
      const j = stop.journal;
      assert.equal(j.state, 'rolled-back', j.outcome ?? '');
      const canaryAnalysis = j.steps.find((s) => s.plan.label.startsWith('Analyse canary at 10%'))!;
      assert.equal(canaryAnalysis.state.status, 'done', 'the 10% step was healthy');
      assert.match(j.abortRequest?.reason ?? '', /^health check failed: errors: \d+ bad samples? in 3 s; last: value 0\.\d+ > max 0\.05 at /);
      assert.match(j.outcome ?? '', /^aborted \(health check failed: errors: .*\) and rolled back to 1\.3\.0$/);
      assert.deepEqual(j.rollbackTarget, OLD);
      const rollback = deployer.dispatches.at(-1)!;
      assert.deepEqual([rollback.sha, rollback.version, rollback.weight, rollback.label], [OLD.sha, '1.3.0', 100, 'Roll back to 1.3.0']);
      assert.deepEqual(deployer.dispatches.map((d) => `${d.version}@${d.weight}`), ['1.4.0@10', '1.4.0@100', '1.3.0@100']);
      assert.equal(j.steps.at(-1)!.phase, 'rollback');
      assert.equal(j.steps.at(-1)!.state.status, 'done');
      assert.equal(track.errorRatio, 0, 'the app serves 1.3.0 again');
    });

    it('Prometheus going away mid-canary is never taken as healthy: the analysis runs out of data and aborts the canary', async () => {
      const own = doomed!;
      try {
        const track = app.track('ratio');
        const env = environmentSchema().parse({
          name: 'production',
          provider: { kind: 'deployments' },
          strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 1000 }] },
          healthChecks: [{ kind: 'prometheus', id: 'errors', url: own.url, query: errorRatio('ratio', '3s'), max: 0.05, windowMs: 2000, intervalMs: 1000 }],
          protection: { autoRollback: true },
        });
        // A healthy release: only the missing data can stop it.
        const { stop, deployer } = await run(track, env, { '1.3.0': 0, '1.4.0': 0 }, async (j) => {
          if (j.steps[0]!.state.status === 'done') await own.stop();
        });
        const j = stop.journal;
        assert.equal(j.state, 'aborted', j.outcome ?? '');
        assert.match(j.abortRequest?.reason ?? '', /^health check failed: errors: not enough data, 0 of 1 samples in the last 2 s \(\d+ without data: request failed: ECONNREFUSED\)$/);
        assert.deepEqual(deployer.dispatches.map((d) => `${d.version}@${d.weight}`), ['1.4.0@25', '1.4.0@0']);
      } finally {
        await own.stop();
      }
    });
  });
});

/** An in-memory journal store with compare-and-swap, as the driver needs. */
class MemoryStore implements DeployJournalStore {
  private readonly entries = new Map<string, string>();
  async read(key: string): Promise<DeployJournal | null> {
    const text = this.entries.get(key);
    return text ? (JSON.parse(text) as DeployJournal) : null;
  }
  async write(key: string, entry: DeployJournal, expected: number | null): Promise<'written' | 'conflict'> {
    const current = await this.read(key);
    if ((current?.revision ?? null) !== expected) return 'conflict';
    this.entries.set(key, JSON.stringify(entry));
    return 'written';
  }
  async list(): Promise<DeployJournal[]> {
    return [...this.entries.values()].map((t) => JSON.parse(t) as DeployJournal);
  }
}

/**
 * A deployments provider that moves traffic in the metrics app: each dispatch sets which releases
 * serve what share of the track's requests, and the track's error ratio follows from each
 * release's own error ratio. Records deployments as GitHub lists them (for the rollback target).
 */
class TrafficDeployer implements Deployer {
  readonly kind = 'deployments' as const;
  readonly dispatches: { version: string; sha: string; weight: number; label: string; correlationId: string }[] = [];
  private readonly history: DeploymentRecord[];
  private stable: DeployRelease;
  private nextId = 10;
  private readonly byCorrelation = new Map<string, number>();

  constructor(
    private readonly track: Track,
    private readonly errorRatioOf: Record<string, number>,
    stable: DeployRelease,
  ) {
    this.stable = stable;
    const day = 86_400_000;
    const record = (id: number, r: DeployRelease, ageMs: number): DeploymentRecord => ({
      id,
      environment: 'production',
      sha: r.sha,
      ref: r.ref,
      version: r.version,
      createdAt: new Date(Date.now() - ageMs).toISOString(),
      statuses: [{ state: 'success', createdAt: new Date(Date.now() - ageMs + 60_000).toISOString() }],
      weight: null,
    });
    this.history = [record(2, stable, day), record(1, { version: '1.2.0', sha: '2'.repeat(40), ref: 'v1.2.0' }, 7 * day)];
    this.route([{ release: stable, share: 1 }]);
  }

  private route(mix: { release: DeployRelease; share: number }[]): void {
    this.track.errorRatio = mix.reduce((sum, m) => sum + m.share * (this.errorRatioOf[m.release.version] ?? 0), 0);
  }

  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    const { release, step, correlationId } = request;
    const weight = step.weight;
    this.dispatches.push({ version: release.version, sha: release.sha, weight, label: step.label, correlationId });
    if (weight >= 100) {
      this.stable = release;
      this.route([{ release, share: 1 }]);
    } else if (weight <= 0) this.route([{ release: this.stable, share: 1 }]);
    else this.route([{ release, share: weight / 100 }, { release: this.stable, share: 1 - weight / 100 }]);
    const id = this.nextId++;
    const at = new Date().toISOString();
    this.history.unshift({ id, environment: 'production', sha: release.sha, ref: release.ref, version: release.version, createdAt: at, statuses: [{ state: 'success', createdAt: at }], weight });
    this.byCorrelation.set(correlationId, id);
    return { kind: 'started', handle: { provider: 'deployments', deploymentId: id } };
  }
  async find(request: { correlationId: string }): Promise<FindResult> {
    const id = this.byCorrelation.get(request.correlationId);
    return id === undefined ? { kind: 'absent' } : { kind: 'found', handle: { provider: 'deployments', deploymentId: id } };
  }
  async observe(handle: RunHandle): Promise<RunObservation> {
    return this.history.some((d) => d.id === handle.deploymentId) ? { status: 'succeeded', reason: 'deployment success' } : { status: 'failed', reason: 'unknown deployment' };
  }
  async review(): Promise<void> {}
  async listDeployments(): Promise<DeploymentRecord[]> {
    return this.history.map((d) => ({ ...d }));
  }
  async resolveRef(ref: string): Promise<string | null> {
    return this.history.find((d) => d.ref === ref)?.sha ?? null;
  }
  async commitExists(sha: string): Promise<boolean> {
    return this.history.some((d) => d.sha === sha);
  }
}
