/**
 * A tiny application for integration tests of health checks: a node HTTP server on 127.0.0.1 that
 * serves request counters in the Prometheus text format on /metrics, and a JSON health endpoint on
 * /health. The test controls what it reports:
 *
 * - Traffic: every tick (100 ms) each track serves `requestsPerTick` requests, a share
 *   `errorRatio` of them answered 500, the rest 200. The counters are
 *   `app_requests_total{track="…",code="200"}` and `{…,code="500"}`; a real Prometheus scraping
 *   /metrics sees the error ratio the test sets. Tracks keep tests apart: each test uses its own
 *   series, so the rate window of one test never sees the errors of another.
 * - /health: `{"status":{"errorRate":x}}` with the status code, delay or raw body the test sets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How often the counters advance. */
export const TICK_MS = 100;

/** One stream of traffic whose error ratio the test sets. */
export interface Track {
  readonly name: string;
  /** Share of requests answered 500 (0..1). */
  errorRatio: number;
  requestsPerTick: number;
  /** The counters as served: requests answered 200 and 500 so far. */
  readonly ok: number;
  readonly errors: number;
}

/** What /health answers. */
export interface HealthState {
  status: number;
  /** Reported as `status.errorRate`. */
  errorRate: number;
  /** Answer only after this many milliseconds (a slow or hanging service). */
  delayMs: number;
  /** Send this body instead of the JSON (e.g. an HTML error page). */
  rawBody: string | null;
}

/** The running application. */
export interface MetricsApp {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT` (a Prometheus scrape target). */
  readonly target: string;
  /** The track of that name, created on first use (with 0 errors). */
  track(name: string): Track;
  /** What /health answers; change its fields at will. */
  readonly health: HealthState;
  /** How many times /metrics was fetched. */
  readonly scrapes: number;
  close(): Promise<void>;
}

class TrackState implements Track {
  errorRatio = 0;
  requestsPerTick = 20;
  ok = 0;
  errors = 0;
  constructor(readonly name: string) {}
  tick(): void {
    const ratio = Math.min(1, Math.max(0, this.errorRatio));
    this.errors += this.requestsPerTick * ratio;
    this.ok += this.requestsPerTick * (1 - ratio);
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The exposition text of the tracks (Prometheus text format 0.0.4). */
export function exposition(tracks: Iterable<Track>, ticks: number): string {
  const lines = ['# HELP app_ticks_total Ticks of the traffic clock.', '# TYPE app_ticks_total counter', `app_ticks_total ${ticks}`];
  lines.push('# HELP app_requests_total Requests served, by status code.', '# TYPE app_requests_total counter');
  for (const t of tracks) {
    const track = escapeLabel(t.name);
    lines.push(`app_requests_total{track="${track}",code="200"} ${t.ok}`);
    lines.push(`app_requests_total{track="${track}",code="500"} ${t.errors}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts the application on 127.0.0.1 and a free port. */
export async function startMetricsApp(): Promise<MetricsApp> {
  const tracks = new Map<string, TrackState>();
  const health: HealthState = { status: 200, errorRate: 0, delayMs: 0, rawBody: null };
  let scrapes = 0;
  let ticks = 0;
  const pending = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    if (path === '/metrics') {
      scrapes++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(exposition(tracks.values(), ticks));
      return;
    }
    if (path === '/health') {
      const { status, errorRate, delayMs, rawBody } = health;
      const send = () => {
        if (res.destroyed) return;
        if (rawBody !== null) {
          res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
          res.end(rawBody);
        } else {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: { errorRate } }));
        }
      };
      if (delayMs > 0) {
        const t = setTimeout(() => {
          pending.delete(t);
          send();
        }, delayMs);
        pending.add(t);
      } else send();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  };

  const server: Server = createServer(answer);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const ticker = setInterval(() => {
    ticks++;
    for (const t of tracks.values()) t.tick();
  }, TICK_MS);
  ticker.unref();
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    health,
    get scrapes() {
      return scrapes;
    },
    track(name: string): Track {
      let t = tracks.get(name);
      if (!t) tracks.set(name, (t = new TrackState(name)));
      return t;
    },
    async close() {
      clearInterval(ticker);
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
