/**
 * Health analysis over samples: pure functions that turn probe responses (HTTP status and a JSON
 * field, Prometheus query results) into timestamped samples and judge a window of them against a
 * check's thresholds. The adapters only fetch; every decision (pass, fail, not enough data yet) is here.
 */
import { oneLine } from '../sanitize';
import { duration } from './plan';
import type { HealthCheckConfig, HttpCheckConfig, PrometheusCheckConfig } from './schema';

/** One observation of a check. */
export interface HealthSample {
  /** When it was taken (milliseconds since the epoch). */
  at: number;
  /** HTTP checks: the status code, null when there was no response (timeout, refused). */
  status?: number | null;
  /** The JSON field's value (HTTP) or the value of every series (Prometheus); empty when there is none. */
  values: number[];
  /** Why there is no value (not JSON, field missing, query error), one safe line. */
  error?: string;
}

/** How one sample is judged: good, bad, or no data (not counted unless the check says so). */
export interface SampleJudgement {
  good: boolean | null;
  reason: string;
}

/** The state of one check over its window. */
export type HealthStatus = 'pass' | 'fail' | 'pending';

/** The verdict of one check. */
export interface CheckVerdict {
  id: string;
  status: HealthStatus;
  /** One line explaining the status. */
  reason: string;
  good: number;
  bad: number;
  noData: number;
  /** Good plus bad samples needed in the window to pass. */
  needed: number;
}

/** The verdict of all checks of an analysis. */
export interface HealthVerdict {
  status: HealthStatus;
  reason: string;
  checks: CheckVerdict[];
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** The numeric value at a path such as `status.errorRate`, `$.checks[0].value` (numbers and numeric strings). */
export function readJsonField(json: unknown, path: string): { value: number } | { error: string } {
  const tokens = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = json;
  for (const t of tokens) {
    if (t.startsWith('[')) {
      const i = Number(t.slice(1, -1));
      if (!Array.isArray(cur) || i >= cur.length) return { error: `${path}: no element ${t}` };
      cur = cur[i];
    } else {
      if (FORBIDDEN.has(t) || typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, t)) return { error: `${path}: no field "${t}"` };
      cur = (cur as Record<string, unknown>)[t];
    }
  }
  if (typeof cur === 'number' && Number.isFinite(cur)) return { value: cur };
  if (typeof cur === 'string' && /^\s*-?\d+(?:\.\d+)?(?:e[-+]?\d+)?\s*$/i.test(cur)) return { value: Number(cur) };
  if (typeof cur === 'boolean') return { value: cur ? 1 : 0 };
  return { error: `${path} is not a number` };
}

function safe(text: string): string {
  const line = oneLine(text);
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** The sample of one HTTP probe: its status and, when the check reads one, the JSON field. */
export function httpSample(check: HttpCheckConfig, at: number, response: { status: number | null; json?: unknown; error?: string }): HealthSample {
  const sample: HealthSample = { at, status: response.status, values: [] };
  if (response.status === null) {
    sample.error = safe(response.error ?? 'no response');
    return sample;
  }
  if (check.jsonPath !== undefined) {
    if (response.json === undefined) sample.error = safe(response.error ?? 'the response is not JSON');
    else {
      const read = readJsonField(response.json, check.jsonPath);
      if ('value' in read) sample.values.push(read.value);
      else sample.error = safe(read.error);
    }
  }
  return sample;
}

/** The sample of one Prometheus instant query from its API response (`/api/v1/query`), or the fault that prevented one. */
export function prometheusSample(at: number, response: unknown, fault?: string): HealthSample {
  if (fault !== undefined) return { at, values: [], error: safe(fault) };
  const r = response as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } } | null;
  if (typeof r !== 'object' || r === null) return { at, values: [], error: 'not a Prometheus API response' };
  if (r.status !== 'success') return { at, values: [], error: safe(`query failed: ${typeof r.error === 'string' ? r.error : 'unknown error'}`) };
  const type = r.data?.resultType;
  const result = r.data?.result;
  const num = (pair: unknown): number | null => {
    const raw = Array.isArray(pair) ? String(pair[1]) : 'NaN';
    // Prometheus writes infinities as +Inf / -Inf; NaN (0/0, e.g. no traffic) is no data.
    if (raw === '+Inf' || raw === 'Inf') return Infinity;
    if (raw === '-Inf') return -Infinity;
    return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(raw) ? Number(raw) : null;
  };
  if (type === 'scalar') {
    const v = num(result);
    return { at, values: v === null ? [] : [v] };
  }
  if (type === 'vector' && Array.isArray(result)) {
    const values = result.map((s) => num((s as { value?: unknown } | null)?.value)).filter((v): v is number => v !== null);
    return { at, values };
  }
  return { at, values: [], error: `unexpected result type ${safe(String(type))}; use an instant query that returns a vector or scalar` };
}

function inBounds(check: { min?: number | undefined; max?: number | undefined }, v: number): string | null {
  if (check.max !== undefined && !(v <= check.max)) return `${fmt(v)} > max ${fmt(check.max)}`;
  if (check.min !== undefined && !(v >= check.min)) return `${fmt(v)} < min ${fmt(check.min)}`;
  return null;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** Judges one sample against the check's thresholds. */
export function judgeSample(check: HealthCheckConfig, s: HealthSample): SampleJudgement {
  if (check.kind === 'http') return judgeHttp(check, s);
  return judgePrometheus(check, s);
}

function judgeHttp(check: HttpCheckConfig, s: HealthSample): SampleJudgement {
  if (s.status === null || s.status === undefined) return { good: false, reason: s.error ?? 'no response' };
  const expected = Array.isArray(check.expectStatus) ? check.expectStatus : [check.expectStatus];
  if (!expected.includes(s.status)) return { good: false, reason: `status ${s.status} (expected ${expected.join(' or ')})` };
  if (check.jsonPath === undefined) return { good: true, reason: `status ${s.status}` };
  const v = s.values[0];
  if (v === undefined) return { good: false, reason: s.error ?? `${check.jsonPath} missing` };
  const out = inBounds(check, v);
  return out ? { good: false, reason: `${check.jsonPath} ${out}` } : { good: true, reason: `${check.jsonPath} ${fmt(v)}` };
}

function judgePrometheus(check: PrometheusCheckConfig, s: HealthSample): SampleJudgement {
  // A query that could not run says nothing about the service: no data (a long gap fails as "not enough data").
  if (s.error !== undefined) return { good: null, reason: s.error };
  if (s.values.length === 0) {
    if (check.noData === 'pass') return { good: true, reason: 'no data (counted as good)' };
    if (check.noData === 'fail') return { good: false, reason: 'no data' };
    return { good: null, reason: 'no data' };
  }
  for (const v of s.values) {
    const out = inBounds(check, v);
    if (out) return { good: false, reason: `value ${out}` };
  }
  return { good: true, reason: `value ${s.values.map(fmt).join(', ')}` };
}

/** Good plus bad samples a check needs in its window: as configured, else half of the expected count (at least 1). */
export function samplesNeeded(check: HealthCheckConfig): number {
  return check.minSamples ?? Math.max(1, Math.floor(check.windowMs / check.intervalMs / 2));
}

/**
 * Judges a check over the samples taken since `since` (the step's start): fails as soon as more
 * bad samples than tolerated were taken since the step (a bad sample early in a long pause is not
 * forgotten when the window moves on); passes once a whole window has been observed with enough
 * samples; otherwise pending. A window that stays without enough data for twice its length
 * fails ("not enough data") so an analysis cannot wait forever.
 */
export function evaluateCheck(check: HealthCheckConfig, samples: readonly HealthSample[], at: { since: number; now: number }): CheckVerdict {
  const start = Math.max(at.since, at.now - check.windowMs);
  // Every sample since the step counts against it (a bad one early in a long pause is not forgotten); good ones must fill the last window.
  const sinceStep = samples.filter((s) => s.at >= at.since && s.at <= at.now).sort((a, b) => a.at - b.at);
  const all = sinceStep.map((s) => ({ s, j: judgeSample(check, s) }));
  const judged = all.filter((x) => x.s.at >= start);
  const bad = all.filter((x) => x.j.good === false);
  const good = judged.filter((x) => x.j.good === true).length;
  const noData = judged.filter((x) => x.j.good === null).length;
  const badInWindow = judged.filter((x) => x.j.good === false).length;
  const needed = samplesNeeded(check);
  const base = { id: check.id, good, bad: bad.length, noData, needed };
  const elapsed = at.now - at.since;
  const window = duration(check.windowMs);
  if (bad.length > check.maxFailures) {
    const lastBad = bad[bad.length - 1]!;
    const tolerated = check.maxFailures > 0 ? ` (tolerated: ${check.maxFailures})` : '';
    const span = bad.every((x) => x.s.at >= start) ? window : `${duration(at.now - at.since)} since the step`;
    return { ...base, status: 'fail', reason: `${check.id}: ${bad.length} bad sample${bad.length === 1 ? '' : 's'} in ${span}${tolerated}; last: ${lastBad.j.reason} at ${new Date(lastBad.s.at).toISOString()}` };
  }
  if (elapsed < check.windowMs) {
    return { ...base, status: 'pending', reason: `${check.id}: observing, ${duration(Math.max(0, elapsed))} of ${window} (${good} good${bad.length ? `, ${bad.length} bad` : ''})` };
  }
  if (good + badInWindow >= needed) {
    return { ...base, status: 'pass', reason: `${check.id}: ${good} good sample${good === 1 ? '' : 's'} over ${window}${bad.length ? ` (${bad.length} bad, tolerated)` : ''}` };
  }
  const status: HealthStatus = elapsed >= 2 * check.windowMs ? 'fail' : 'pending';
  const why = noData > 0 ? ` (${noData} without data${firstReason(judged)})` : '';
  return { ...base, status, reason: `${check.id}: not enough data, ${good + badInWindow} of ${needed} samples in the last ${window}${why}` };
}

function firstReason(judged: { j: SampleJudgement }[]): string {
  const r = judged.find((x) => x.j.good === null)?.j.reason;
  return r ? `: ${r}` : '';
}

/** Judges several checks together: fail if any fails, pending if any is pending, pass when all pass (and with no checks). */
export function evaluateHealth(checks: readonly HealthCheckConfig[], samples: Readonly<Record<string, readonly HealthSample[]>>, at: { since: number; now: number }): HealthVerdict {
  if (checks.length === 0) return { status: 'pass', reason: 'no health checks configured', checks: [] };
  const verdicts = checks.map((c) => evaluateCheck(c, samples[c.id] ?? [], at));
  const failed = verdicts.filter((v) => v.status === 'fail');
  const pending = verdicts.filter((v) => v.status === 'pending');
  if (failed.length > 0) return { status: 'fail', reason: failed.map((v) => v.reason).join('; '), checks: verdicts };
  if (pending.length > 0) return { status: 'pending', reason: pending.map((v) => v.reason).join('; '), checks: verdicts };
  return { status: 'pass', reason: `healthy: ${verdicts.map((v) => v.reason).join('; ')}`, checks: verdicts };
}

/**
 * Since when a check has been continuously healthy: the first good sample after the last bad one,
 * or null when the latest judged sample is bad or there is none. Samples without data do not break
 * the run, but a gap longer than the window does (the service was not observed).
 */
export function healthySince(check: HealthCheckConfig, samples: readonly HealthSample[], now: number): number | null {
  const judged = samples
    .filter((s) => s.at <= now)
    .map((s) => ({ at: s.at, good: judgeSample(check, s).good }))
    .filter((x) => x.good !== null)
    .sort((a, b) => a.at - b.at);
  let since: number | null = null;
  let last: number | null = null;
  for (const x of judged) {
    if (!x.good) since = null;
    else if (since === null || (last !== null && x.at - last > check.windowMs)) since = x.at;
    last = x.at;
  }
  if (last !== null && now - last > check.windowMs) return null;
  return since;
}

/** Since when every check has been healthy (the latest of their starts), null when one is not. With no checks: null (unknown). */
export function environmentHealthySince(checks: readonly HealthCheckConfig[], samples: Readonly<Record<string, readonly HealthSample[]>>, now: number): number | null {
  if (checks.length === 0) return null;
  let latest = -Infinity;
  for (const c of checks) {
    const since = healthySince(c, samples[c.id] ?? [], now);
    if (since === null) return null;
    latest = Math.max(latest, since);
  }
  return latest;
}
