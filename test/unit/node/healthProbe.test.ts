import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthCheckSchema, type HealthCheckConfig } from '../../../src/core/deploy/schema';
import { judgeSample } from '../../../src/core/deploy/health';
import { FetchHealthProbe } from '../../../src/node/healthProbe';

// A local server plays the application (/health, /slow, /flood) and Prometheus (/api/v1/query).

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('FetchHealthProbe', () => {
  let server: Server;
  let base: string;
  let seen: IncomingMessage[];
  let routes: Record<string, Handler>;
  const probe = new FetchHealthProbe({ now: () => 1_000 });
  const check = (c: Record<string, unknown>): HealthCheckConfig => healthCheckSchema().parse({ id: 'c', windowMs: 60_000, intervalMs: 10_000, ...c });
  const json = (status: number, body: unknown): Handler => (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const h = routes[path];
      if (h) h(req, res);
      else {
        res.writeHead(404);
        res.end('no');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    routes = {};
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('samples an HTTP status and reads the configured JSON field', async () => {
    routes['/health'] = json(200, { status: { errorRate: 0.02 } });
    const c = check({ kind: 'http', url: `${base}/health`, jsonPath: 'status.errorRate', max: 0.05 });
    const s = await probe.sample(c);
    assert.deepEqual(s, { at: 1_000, status: 200, values: [0.02] });
    assert.equal(judgeSample(c, s).good, true);
    routes['/health'] = json(200, { status: { errorRate: 0.2 } });
    assert.equal(judgeSample(c, await probe.sample(c)).good, false);
  });

  it('reports a wrong status, a missing field and a non-JSON body as bad samples', async () => {
    routes['/health'] = json(503, { status: {} });
    const plain = check({ kind: 'http', url: `${base}/health` });
    const s = await probe.sample(plain);
    assert.equal(s.status, 503);
    assert.equal(judgeSample(plain, s).good, false);
    const field = check({ kind: 'http', url: `${base}/health`, jsonPath: 'status.errorRate', max: 1 });
    routes['/health'] = json(200, { status: {} });
    assert.match((await probe.sample(field)).error ?? '', /no field "errorRate"/);
    routes['/health'] = (_q, res) => res.end('<html>ok</html>');
    assert.match((await probe.sample(field)).error ?? '', /not JSON/);
  });

  it('turns a timeout and a refused connection into samples with an error, and a cancel into a throw', async () => {
    routes['/slow'] = () => undefined; // never answers
    const slow = check({ kind: 'http', url: `${base}/slow`, timeoutMs: 200 });
    const s = await probe.sample(slow);
    assert.deepEqual([s.status, s.error], [null, 'no answer within 200 ms']);
    const refused = await probe.sample(check({ kind: 'http', url: 'http://127.0.0.1:9/health', timeoutMs: 2000 }));
    assert.equal(refused.status, null);
    assert.match(refused.error ?? '', /request failed/);
    const ac = new AbortController();
    const pending = probe.sample(check({ kind: 'http', url: `${base}/slow`, timeoutMs: 5000 }), ac.signal);
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(pending, { name: 'AbortError' });
  });

  it('never sends credentials and survives a flooding body', async () => {
    routes['/flood'] = (_q, res) => {
      res.writeHead(200);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 40; i++) res.write(chunk);
      res.end();
    };
    const s = await probe.sample(check({ kind: 'http', url: `${base}/flood` }));
    assert.equal(s.status, 200);
    assert.equal(seen[0]?.headers.authorization, undefined);
    assert.equal(seen[0]?.headers.cookie, undefined);
  });

  it('runs a Prometheus instant query and reads a vector, a scalar and no data', async () => {
    let query = '';
    const c = check({ kind: 'prometheus', url: `${base}/`, query: 'sum(rate(errors[5m]))', max: 0.05 });
    routes['/api/v1/query'] = (req, res) => {
      query = new URL(req.url ?? '', 'http://x').searchParams.get('query') ?? '';
      json(200, { status: 'success', data: { resultType: 'vector', result: [{ metric: { pod: 'a' }, value: [1, '0.01'] }, { metric: { pod: 'b' }, value: [1, '0.09'] }] } })(req, res);
    };
    const v = await probe.sample(c);
    assert.equal(query, 'sum(rate(errors[5m]))');
    assert.deepEqual(v.values, [0.01, 0.09]);
    assert.equal(judgeSample(c, v).good, false, 'every series must be within bounds');
    routes['/api/v1/query'] = json(200, { status: 'success', data: { resultType: 'scalar', result: [1, '0.03'] } });
    assert.deepEqual((await probe.sample(c)).values, [0.03]);
    routes['/api/v1/query'] = json(200, { status: 'success', data: { resultType: 'vector', result: [] } });
    const none = await probe.sample(c);
    assert.deepEqual([none.values, none.error], [[], undefined]);
    assert.equal(judgeSample(c, none).good, null, 'no data is not counted by default');
  });

  it('reports Prometheus query errors, non-JSON answers and an unreachable server as errors', async () => {
    const c = check({ kind: 'prometheus', url: base, query: 'up{', max: 1 });
    routes['/api/v1/query'] = json(400, { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected end of input' });
    assert.match((await probe.sample(c)).error ?? '', /query failed: parse error/);
    routes['/api/v1/query'] = (_q, res) => {
      res.writeHead(502);
      res.end('bad gateway');
    };
    assert.match((await probe.sample(c)).error ?? '', /502 without JSON/);
    const down = await probe.sample(check({ kind: 'prometheus', url: 'http://127.0.0.1:9', query: 'up', max: 1 }));
    assert.match(down.error ?? '', /request failed/);
  });
});
