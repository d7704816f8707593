import assert from 'node:assert/strict';
import {
  environmentHealthySince,
  evaluateCheck,
  evaluateHealth,
  healthySince,
  httpSample,
  judgeSample,
  prometheusSample,
  readJsonField,
  samplesNeeded,
  type HealthSample,
} from '../../../src/core/deploy/health';
import { healthCheckSchema, type HttpCheckConfig, type PrometheusCheckConfig } from '../../../src/core/deploy/schema';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const S = 1000;
const MIN = 60 * S;

function http(over: Record<string, unknown> = {}): HttpCheckConfig {
  return healthCheckSchema().parse({ kind: 'http', id: 'up', url: 'https://app.example/health', windowMs: 5 * MIN, intervalMs: 30 * S, ...over }) as HttpCheckConfig;
}
function prom(over: Record<string, unknown> = {}): PrometheusCheckConfig {
  return healthCheckSchema().parse({ kind: 'prometheus', id: 'errors', url: 'https://prom.example', query: 'error_ratio', max: 0.01, windowMs: 5 * MIN, intervalMs: 30 * S, ...over }) as PrometheusCheckConfig;
}
const vector = (...values: string[]) => ({ status: 'success', data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [T0 / 1000, v] })) } });

/** Samples every `step` ms from `from` to `to` (inclusive), made by `make`. */
function series(from: number, to: number, step: number, make: (at: number) => HealthSample): HealthSample[] {
  const out: HealthSample[] = [];
  for (let at = from; at <= to; at += step) out.push(make(at));
  return out;
}
const ok = (at: number): HealthSample => ({ at, status: 200, values: [] });

describe('deploy/health', () => {
  describe('samples', () => {
    it('reads numeric JSON fields by path, including numeric strings and array elements', () => {
      const json = { status: { errorRate: 0.002, p99: '120.5', ok: true }, checks: [{ value: 3 }] };
      assert.deepEqual(readJsonField(json, 'status.errorRate'), { value: 0.002 });
      assert.deepEqual(readJsonField(json, '$.status.p99'), { value: 120.5 });
      assert.deepEqual(readJsonField(json, 'checks[0].value'), { value: 3 });
      assert.deepEqual(readJsonField(json, 'status.ok'), { value: 1 });
      assert.deepEqual(readJsonField(json, 'checks[2].value'), { error: 'checks[2].value: no element [2]' });
      assert.deepEqual(readJsonField(json, 'status.missing'), { error: 'status.missing: no field "missing"' });
      assert.deepEqual(readJsonField({ a: 'NaN' }, 'a'), { error: 'a is not a number' });
      assert.ok('error' in readJsonField({}, 'constructor'), 'inherited properties are not fields');
      assert.ok('error' in readJsonField(JSON.parse('{"__proto__": {"x": 1}}'), '__proto__.x'));
    });

    it('makes HTTP samples: no response, not JSON, the field', () => {
      const c = http({ jsonPath: 'errorRate', max: 0.01 });
      assert.deepEqual(httpSample(c, T0, { status: null, error: 'ECONNREFUSED\nmore' }), { at: T0, status: null, values: [], error: 'ECONNREFUSED more' });
      assert.deepEqual(httpSample(c, T0, { status: 200 }), { at: T0, status: 200, values: [], error: 'the response is not JSON' });
      assert.deepEqual(httpSample(c, T0, { status: 200, json: { errorRate: 0.5 } }), { at: T0, status: 200, values: [0.5] });
      assert.deepEqual(httpSample(http(), T0, { status: 503 }), { at: T0, status: 503, values: [] });
    });

    it('makes Prometheus samples from vectors and scalars; NaN is no data; errors are kept', () => {
      assert.deepEqual(prometheusSample(T0, vector('0.001', '0.02')).values, [0.001, 0.02]);
      assert.deepEqual(prometheusSample(T0, vector('NaN')).values, []);
      assert.deepEqual(prometheusSample(T0, vector('+Inf')).values, [Infinity]);
      assert.deepEqual(prometheusSample(T0, { status: 'success', data: { resultType: 'scalar', result: [T0 / 1000, '0.5'] } }).values, [0.5]);
      assert.match(prometheusSample(T0, { status: 'error', error: 'parse error at char 3' }).error!, /query failed: parse error/);
      assert.match(prometheusSample(T0, { status: 'success', data: { resultType: 'matrix', result: [] } }).error!, /instant query/);
      assert.equal(prometheusSample(T0, null, 'timeout').error, 'timeout');
      assert.equal(prometheusSample(T0, 'garbage').error, 'not a Prometheus API response');
    });

    it('judges samples against status codes and thresholds (inclusive bounds)', () => {
      assert.equal(judgeSample(http(), { at: T0, status: 200, values: [] }).good, true);
      assert.equal(judgeSample(http(), { at: T0, status: 204, values: [] }).reason, 'status 204 (expected 200)');
      assert.equal(judgeSample(http({ expectStatus: [200, 204] }), { at: T0, status: 204, values: [] }).good, true);
      const field = http({ jsonPath: 'errorRate', max: 0.01, min: 0 });
      assert.equal(judgeSample(field, { at: T0, status: 200, values: [0.01] }).good, true);
      assert.equal(judgeSample(field, { at: T0, status: 200, values: [0.0101] }).reason, 'errorRate 0.0101 > max 0.01');
      assert.equal(judgeSample(field, { at: T0, status: 200, values: [-1] }).reason, 'errorRate -1 < min 0');
      assert.equal(judgeSample(field, { at: T0, status: 200, values: [], error: 'errorRate: no field "errorRate"' }).good, false);
      assert.equal(judgeSample(prom(), { at: T0, values: [0.001, 0.5] }).reason, 'value 0.5 > max 0.01', 'every series must be within bounds');
      assert.equal(judgeSample(prom(), { at: T0, values: [Infinity] }).good, false);
      assert.equal(judgeSample(prom(), { at: T0, values: [] }).good, null);
      assert.equal(judgeSample(prom({ noData: 'pass' }), { at: T0, values: [] }).good, true);
      assert.equal(judgeSample(prom({ noData: 'fail' }), { at: T0, values: [] }).good, false);
      assert.equal(judgeSample(prom(), { at: T0, values: [], error: 'connection refused' }).good, null, 'Prometheus being down says nothing about the service');
    });
  });

  describe('evaluateCheck', () => {
    it('is pending until a whole window has been observed, then passes with enough good samples', () => {
      const c = http();
      assert.equal(samplesNeeded(c), 5);
      const samples = series(T0, T0 + 5 * MIN, 30 * S, ok);
      const early = evaluateCheck(c, samples, { since: T0, now: T0 + 5 * MIN - 1 });
      assert.equal(early.status, 'pending');
      assert.match(early.reason, /^up: observing, 5 min of 5 min/);
      const done = evaluateCheck(c, samples, { since: T0, now: T0 + 5 * MIN });
      assert.equal(done.status, 'pass');
      assert.equal(done.reason, 'up: 11 good samples over 5 min');
    });

    it('fails at once when bad samples exceed the tolerance, without waiting for the window', () => {
      const c = http();
      const samples = [ok(T0), ok(T0 + 30 * S), { at: T0 + 60 * S, status: 503, values: [] }];
      const v = evaluateCheck(c, samples, { since: T0, now: T0 + 61 * S });
      assert.equal(v.status, 'fail');
      assert.equal(v.reason, 'up: 1 bad sample in 5 min; last: status 503 (expected 200) at 2026-05-01T10:01:00.000Z');
      const tolerant = evaluateCheck(http({ maxFailures: 1 }), samples, { since: T0, now: T0 + 61 * S });
      assert.equal(tolerant.status, 'pending');
    });

    it('counts every bad sample since the step started (a long pause forgets none), and good samples over the last window', () => {
      const c = http();
      const before = { at: T0 - 1, status: 500, values: [] };
      const v = evaluateCheck(c, [before, ...series(T0, T0 + 5 * MIN, 30 * S, ok)], { since: T0, now: T0 + 5 * MIN });
      assert.equal(v.status, 'pass', 'a bad sample from before the step does not count');
      const old = { at: T0 + 10 * S, status: 500, values: [] };
      const later = evaluateCheck(c, [old, ...series(T0 + 20 * S, T0 + 6 * MIN, 30 * S, ok)], { since: T0, now: T0 + 6 * MIN });
      assert.equal(later.status, 'fail', 'a bad sample early in the pause still counts once the window has moved past it');
      assert.match(later.reason, /^up: 1 bad sample in 6 min since the step; last: status 500/);
      const tolerated = evaluateCheck(http({ maxFailures: 1 }), [old, ...series(T0 + 20 * S, T0 + 6 * MIN, 30 * S, ok)], { since: T0, now: T0 + 6 * MIN });
      assert.equal(tolerated.status, 'pass', 'maxFailures tolerates it');
      const future = evaluateCheck(c, [...series(T0, T0 + 5 * MIN, 30 * S, ok), { at: T0 + 9 * MIN, status: 500, values: [] }], { since: T0, now: T0 + 5 * MIN });
      assert.equal(future.status, 'pass', 'samples after now are ignored');
    });

    it('says "not enough data" while samples are missing, and fails after twice the window', () => {
      const c = prom();
      const sparse = [{ at: T0 + 4 * MIN, values: [0.001] }, { at: T0 + 5 * MIN, values: [], error: 'connection refused' }];
      const waiting = evaluateCheck(c, sparse, { since: T0, now: T0 + 5 * MIN });
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.reason, 'errors: not enough data, 1 of 5 samples in the last 5 min (1 without data: connection refused)');
      const given = evaluateCheck(c, sparse, { since: T0, now: T0 + 10 * MIN });
      assert.equal(given.status, 'fail');
      assert.equal(evaluateCheck(prom({ minSamples: 1 }), sparse, { since: T0, now: T0 + 5 * MIN }).status, 'pass');
    });

    it('handles a window exactly one interval long', () => {
      const c = http({ windowMs: 30 * S, intervalMs: 30 * S });
      assert.equal(samplesNeeded(c), 1);
      assert.equal(evaluateCheck(c, [ok(T0 + 30 * S)], { since: T0, now: T0 + 30 * S }).status, 'pass');
      assert.equal(evaluateCheck(c, [], { since: T0, now: T0 + 30 * S }).status, 'pending');
      assert.equal(evaluateCheck(c, [], { since: T0, now: T0 + 60 * S }).status, 'fail');
    });
  });

  describe('evaluateHealth', () => {
    it('fails if any check fails, is pending if any is pending, passes when all pass', () => {
      const a = http();
      const b = prom();
      const good = { up: series(T0, T0 + 5 * MIN, 30 * S, ok), errors: series(T0, T0 + 5 * MIN, 30 * S, (at) => ({ at, values: [0.001] })) };
      assert.equal(evaluateHealth([a, b], good, { since: T0, now: T0 + 5 * MIN }).status, 'pass');
      assert.equal(evaluateHealth([a, b], { up: good.up }, { since: T0, now: T0 + 5 * MIN }).status, 'pending');
      const bad = { ...good, errors: [...good.errors, { at: T0 + 5 * MIN, values: [0.2] }] };
      const v = evaluateHealth([a, b], bad, { since: T0, now: T0 + 5 * MIN });
      assert.equal(v.status, 'fail');
      assert.match(v.reason, /^errors: 1 bad sample in 5 min; last: value 0\.2 > max 0\.01/);
      assert.equal(evaluateHealth([], {}, { since: T0, now: T0 }).status, 'pass');
    });
  });

  describe('healthySince', () => {
    it('is the first good sample after the last bad one, null while bad or unobserved', () => {
      const c = http();
      const samples = [ok(T0), { at: T0 + MIN, status: 500, values: [] }, ok(T0 + 2 * MIN), ok(T0 + 3 * MIN)];
      assert.equal(healthySince(c, samples, T0 + 3 * MIN), T0 + 2 * MIN);
      assert.equal(healthySince(c, [...samples, { at: T0 + 4 * MIN, status: 500, values: [] }], T0 + 4 * MIN), null);
      assert.equal(healthySince(c, samples, T0 + 9 * MIN), null, 'not observed for longer than the window');
      assert.equal(healthySince(c, [ok(T0), ok(T0 + 10 * MIN)], T0 + 10 * MIN), T0 + 10 * MIN, 'a gap longer than the window restarts the count');
      assert.equal(healthySince(c, [], T0), null);
    });

    it('is the latest start over all checks of an environment', () => {
      const a = http();
      const b = prom();
      const samples = { up: [ok(T0), ok(T0 + MIN)], errors: [{ at: T0 + 30 * S, values: [0.001] }, { at: T0 + MIN, values: [0.001] }] };
      assert.equal(environmentHealthySince([a, b], samples, T0 + MIN), T0 + 30 * S);
      assert.equal(environmentHealthySince([], {}, T0), null);
    });
  });
});
