/**
 * A real Prometheus for integration tests: Debian's `prometheus` binary (2.42 on bookworm), started
 * on 127.0.0.1 and a free port with its own temporary config and data directory — never the system
 * service the package may install. `startPrometheus` waits until the server is ready and every
 * target is up with samples; `stop()` kills it and removes the temporary directory (also done at
 * process exit if a test forgot, or failed before it could).
 *
 * Missing binary: the tests FAIL (not skip) with the fix, `apt-get install prometheus` (or
 * `node scripts/vscode-test/systemPackages.mjs` as root, which installs every Debian package the
 * tests need). `PROMETHEUS_BIN` points at another binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { poll } from './poll';

/** A running Prometheus. */
export interface RunningPrometheus {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The scrape interval, in milliseconds. */
  readonly scrapeIntervalMs: number;
  /** Runs an instant query; the API's JSON answer (`{status, data}` or `{status: "error", error}`). */
  query(promql: string): Promise<PromResponse>;
  /** Polls a query until `accept` says yes; throws after `timeoutMs` with the last answer. */
  waitFor(promql: string, accept: (values: number[]) => boolean, timeoutMs?: number): Promise<number[]>;
  /** The last lines Prometheus logged. */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its config and data. Idempotent. */
  stop(): Promise<void>;
}

/** An instant query's answer. */
export interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Options of `startPrometheus`. */
export interface PrometheusOptions {
  /** Scrape targets (`host:port`), job `app`. */
  targets: string[];
  /** Default 1000 ms. */
  scrapeIntervalMs?: number;
  /** How long start may take before it fails (default 30 s). */
  timeoutMs?: number;
}

const FIX = 'Install it: `apt-get install prometheus` (Debian/Ubuntu), or run `node scripts/vscode-test/systemPackages.mjs` as root, which installs every Debian package the tests need (set PROMETHEUS_BIN to use another binary).';

/** The prometheus binary: PROMETHEUS_BIN, else `prometheus` on PATH; throws naming the fix when there is none. */
export function prometheusBinary(): string {
  const explicit = process.env.PROMETHEUS_BIN;
  const candidates = explicit ? [explicit] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error(`The integration tests need a real Prometheus, and ${explicit ? `PROMETHEUS_BIN=${explicit} is not an executable` : 'no `prometheus` binary is on PATH'}. ${FIX}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const r of live) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      rmSync(r.dir, { recursive: true, force: true });
    }
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(targets: string[], intervalMs: number): string {
  const s = `${Math.max(1, Math.round(intervalMs / 1000))}s`;
  return [
    'global:',
    `  scrape_interval: ${s}`,
    `  scrape_timeout: ${s}`,
    `  evaluation_interval: ${s}`,
    'scrape_configs:',
    '  - job_name: app',
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

/** Starts Prometheus scraping the targets; resolves once it is ready and every target is up with samples. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const bin = prometheusBinary();
  const intervalMs = options.scrapeIntervalMs ?? 1000;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError = '';
  // A free port can be taken between our probe and Prometheus binding it: try again with another.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const running = await launch(bin, options.targets, intervalMs, deadline);
    if ('server' in running) return running.server;
    lastError = running.error;
    if (!running.retry || Date.now() > deadline) break;
  }
  throw new Error(`Prometheus did not start: ${lastError}`);
}

async function launch(bin: string, targets: string[], intervalMs: number, deadline: number): Promise<{ server: RunningPrometheus } | { error: string; retry: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'rm-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config(targets, intervalMs));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  };
  const child = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=info',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TZ: 'UTC' } },
  );
  const record = { child, dir };
  live.add(record);
  installExitHook();
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | null = null;
  child.once('error', (e) => {
    spawnError = e;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => spawnError !== null || child.exitCode !== null || child.signalCode !== null;

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!gone()) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    live.delete(record);
    rmSync(dir, { recursive: true, force: true });
  };

  const query = async (promql: string): Promise<PromResponse> => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql }).toString()}`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as PromResponse;
  };
  const valuesOf = (r: PromResponse): number[] => (r.status === 'success' && r.data?.resultType === 'vector' ? r.data.result.map((s) => Number(s.value[1])) : []);
  const waitFor = async (promql: string, accept: (values: number[]) => boolean, timeoutMs = 15_000): Promise<number[]> => {
    let last = 'no answer';
    const values = await poll(`Prometheus: ${promql} as expected`, async () => {
      if (gone()) throw new Error(`Prometheus exited while waiting for ${promql}:\n${log}`);
      try {
        const r = await query(promql);
        const values = valuesOf(r);
        if (r.status === 'success' && accept(values)) return values;
        last = JSON.stringify(r).slice(0, 500);
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      return null;
    }, { timeoutMs, intervalMs: 200 }).catch((e: Error) => {
      throw /^timed out/.test(e.message) ? new Error(`Prometheus: ${promql} not as expected within ${timeoutMs} ms; last answer: ${last}`) : e;
    });
    return values;
  };

  const server: RunningPrometheus = { url, scrapeIntervalMs: intervalMs, query, waitFor, logs: () => log, stop };
  try {
    // Ready: the TSDB is open and the API answers.
    for (;;) {
      if (gone()) {
        await stop();
        const error = `${spawnError ? (spawnError as Error).message : `exited with ${child.exitCode ?? child.signalCode}`}; its log:\n${log}`;
        return { error, retry: /address already in use/.test(log) };
      }
      const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`not ready at ${url}/-/ready in time; its log:\n${log}`);
      await sleep(100);
    }
    // Every target scraped successfully, with samples.
    const left = Math.max(1000, deadline - Date.now());
    await waitFor('up{job="app"}', (v) => v.length === targets.length && v.every((x) => x === 1), left);
    await waitFor('scrape_samples_scraped{job="app"}', (v) => v.length === targets.length && v.every((x) => x > 0), Math.max(1000, deadline - Date.now()));
    return { server };
  } catch (e) {
    await stop();
    throw e;
  }
}
