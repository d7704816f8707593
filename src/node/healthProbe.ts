/**
 * The `HealthProbe` port over `fetch`: an HTTP probe (status code, and a JSON field read by the
 * core) and a Prometheus instant query (`/api/v1/query`). Only fetching is here; judging is in
 * core/deploy/health.ts. No credentials are ever sent (no Authorization header, no cookies, and the
 * config refuses user:password@ URLs). Faults (timeout, refused connection, non-JSON) become samples
 * with an error; only a cancel by the caller throws.
 */
import { httpSample, prometheusSample, type HealthSample } from '../core/deploy/health';
import type { HealthProbe } from '../core/deploy/ports';
import type { HealthCheckConfig, HttpCheckConfig, PrometheusCheckConfig } from '../core/deploy/schema';

/** Largest response body read from a probe or Prometheus. */
export const MAX_PROBE_BODY = 1024 * 1024;

/** Options of the fetch probe. */
export interface FetchHealthProbeOptions {
  /** Milliseconds since the epoch for sample timestamps (default Date.now). */
  now?: () => number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
  userAgent?: string;
}

class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

/** Takes samples of HTTP and Prometheus checks over fetch. */
export class FetchHealthProbe implements HealthProbe {
  private readonly now: () => number;
  private readonly fetch: typeof fetch;
  constructor(private readonly options: FetchHealthProbeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch ?? fetch;
  }

  async sample(check: HealthCheckConfig, signal?: AbortSignal): Promise<HealthSample> {
    if (signal?.aborted) throw new Cancelled();
    return check.kind === 'http' ? this.http(check, signal) : this.prometheus(check, signal);
  }

  /** GETs the URL with a timeout; the body is read (bounded) as text. */
  private async get(url: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; text: string } | { error: string }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await this.fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json, */*;q=0.5', 'user-agent': this.options.userAgent ?? 'release-manager-health' },
        credentials: 'omit',
        redirect: 'follow',
        signal: both,
      });
      const text = await readBounded(res, MAX_PROBE_BODY);
      return { status: res.status, text };
    } catch (e) {
      if (signal?.aborted) throw new Cancelled();
      if (timeout.aborted) return { error: `no answer within ${timeoutMs} ms` };
      const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail = typeof cause?.code === 'string' ? cause.code : e instanceof Error ? e.message : String(e);
      return { error: `request failed: ${detail}` };
    }
  }

  private async http(check: HttpCheckConfig, signal?: AbortSignal): Promise<HealthSample> {
    const at = this.now();
    const r = await this.get(check.url, check.timeoutMs, signal);
    if ('error' in r) return httpSample(check, at, { status: null, error: r.error });
    if (check.jsonPath === undefined) return httpSample(check, at, { status: r.status });
    try {
      return httpSample(check, at, { status: r.status, json: JSON.parse(r.text) as unknown });
    } catch {
      return httpSample(check, at, { status: r.status, error: 'the response is not JSON' });
    }
  }

  private async prometheus(check: PrometheusCheckConfig, signal?: AbortSignal): Promise<HealthSample> {
    const at = this.now();
    const url = `${check.url.replace(/\/+$/, '')}/api/v1/query?${new URLSearchParams({ query: check.query, timeout: `${Math.max(1, Math.floor(check.timeoutMs / 1000))}s` }).toString()}`;
    const r = await this.get(url, check.timeoutMs, signal);
    if ('error' in r) return prometheusSample(at, undefined, r.error);
    let json: unknown;
    try {
      json = JSON.parse(r.text);
    } catch {
      return prometheusSample(at, undefined, `Prometheus answered ${r.status} without JSON`);
    }
    // Prometheus answers 400/422/503 with { status: "error", error } — the core reports that error.
    if (r.status >= 300 && (json as { status?: unknown } | null)?.status !== 'error') return prometheusSample(at, undefined, `Prometheus answered ${r.status}`);
    return prometheusSample(at, json);
  }
}

/** The body as text, cut at `max` bytes (a probe that floods is read no further). */
async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= max) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}
