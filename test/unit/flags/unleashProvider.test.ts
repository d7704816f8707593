import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../../src/core/config';
import { FlagProviderError } from '../../../src/core/flags/ports';
import { UnleashProvider, rolloutOf } from '../../../src/node/unleashProvider';

// The Unleash adapter's edges that a healthy real server does not show: answers the test scripts on a
// local HTTP server (a 403 naming a permission, a 5xx, an HTML login page, a redirect to another
// host, a hang), and the config's URL rules. The happy paths run against the real Unleash
// (unleash.integration.test.ts).

const TOKEN = '*:*.secret-token-value-123456';

describe('the Unleash adapter (scripted answers)', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  const seen: { method: string; url: string; auth: string | undefined }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
      answer(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (seen.length = 0));

  const provider = (timeoutMs = 2000) => new UnleashProvider({ url, project: 'default', token: TOKEN, tokenName: 'UNLEASH_ADMIN_TOKEN', timeoutMs });
  const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('a 403 names the permission Unleash names, and never the token', async () => {
    answer = json(403, { name: 'NoAccessError', message: 'You need permission=UPDATE_FEATURE_ENVIRONMENT to perform this action' });
    await assert.rejects(provider().enable('f', 'production'), (e: unknown) => {
      assert.ok(e instanceof FlagProviderError);
      assert.equal(e.code, 'forbidden');
      assert.equal(e.permission, 'UPDATE_FEATURE_ENVIRONMENT');
      assert.match(e.message, /UNLEASH_ADMIN_TOKEN lacks the Unleash permission UPDATE_FEATURE_ENVIRONMENT in project default/);
      assert.doesNotMatch(e.message + e.fix, /secret-token-value/);
      return true;
    });
    assert.equal(seen[0]?.auth, TOKEN, 'the token goes in the Authorization header');
    assert.equal(seen[0]?.url, '/api/admin/projects/default/features/f/environments/production/on');
  });

  it('a 5xx, an HTML page and a hang leave the state unknown (never a value)', async () => {
    answer = json(503, { message: 'db down' });
    await assert.rejects(provider().getState('f', 'production'), (e: unknown) => e instanceof FlagProviderError && e.code === 'server' && /unknown/.test(e.message));
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    };
    await assert.rejects(provider().getState('f', 'production'), (e: unknown) => e instanceof FlagProviderError && e.code === 'invalid-response');
    answer = () => undefined; // never answers
    await assert.rejects(provider(300).getState('f', 'production'), (e: unknown) => e instanceof FlagProviderError && e.code === 'unreachable' && /no answer within 300 ms/.test(e.message));
  });

  it('does not follow a redirect with the token', async () => {
    answer = (_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.2:9/steal' });
      res.end();
    };
    await assert.rejects(provider().getState('f', 'production'), (e: unknown) => e instanceof FlagProviderError && e.code === 'invalid-response' && /redirect, not followed/.test(e.message));
    assert.equal(seen.length, 1);
  });

  it('an unknown environment of a flag is named with the ones it has', async () => {
    answer = json(200, { name: 'f', environments: [{ name: 'development', enabled: false, strategies: [] }] });
    await assert.rejects(provider().getState('f', 'prod'), /f has no environment "prod" in Unleash project default \(it has: development\)/);
  });

  it('patches the existing flexibleRollout (keeping its constraints) and creates one when missing', async () => {
    const bodies: unknown[] = [];
    let strategies: unknown[] = [{ id: 's1', name: 'flexibleRollout', constraints: [{ contextName: 'region' }], parameters: { rollout: '5', stickiness: 'userId', groupId: 'g' } }];
    answer = (req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        if (text) bodies.push(JSON.parse(text));
        json(200, req.method === 'GET' ? strategies : {})(req, res);
      });
    };
    await provider().setRollout('f', 'production', 10, { stickiness: 'userId', groupId: 'g' });
    assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), ['GET /api/admin/projects/default/features/f/environments/production/strategies', 'PATCH /api/admin/projects/default/features/f/environments/production/strategies/s1']);
    assert.deepEqual(bodies[0], [
      { op: 'replace', path: '/parameters/rollout', value: '10' },
      { op: 'replace', path: '/parameters/stickiness', value: 'userId' },
      { op: 'replace', path: '/parameters/groupId', value: 'g' },
    ]);
    strategies = [];
    seen.length = 0;
    await provider().setRollout('f', 'production', 1);
    assert.equal(seen[1]?.method, 'POST');
    assert.deepEqual(bodies[1], { name: 'flexibleRollout', constraints: [], parameters: { rollout: '1', stickiness: 'default', groupId: 'f' } });
  });

  it('reads the rollout Unleash evaluates: flexibleRollout, an unconstrained default (100), disabled strategies ignored', () => {
    assert.equal(rolloutOf({ name: 'p', enabled: true, strategies: [{ id: '1', name: 'flexibleRollout', parameters: { rollout: '25' } }] }), 25);
    assert.equal(rolloutOf({ name: 'p', enabled: true, strategies: [{ id: '1', name: 'flexibleRollout', parameters: { rollout: '25' } }, { id: '2', name: 'default' }] }), 100);
    assert.equal(rolloutOf({ name: 'p', enabled: true, strategies: [{ id: '1', name: 'flexibleRollout', disabled: true, parameters: { rollout: '25' } }] }), 100);
    assert.equal(rolloutOf({ name: 'p', enabled: false, strategies: [] }), 0);
  });

  it('refuses plain http except on loopback, and credentials in the URL (config and adapter)', () => {
    const cfg = (u: string) => () => parseConfig(JSON.stringify({ flags: { provider: { kind: 'unleash', url: u } } }));
    assert.throws(cfg('http://unleash.example.com'), /flags\.provider\.url: the flag provider URL must use https/);
    assert.throws(cfg('https://me:pw@unleash.example.com'), /must not contain credentials/);
    assert.doesNotThrow(cfg('https://unleash.example.com'));
    assert.doesNotThrow(cfg('http://[::1]:4242'));
    assert.throws(() => new UnleashProvider({ url: 'http://10.0.0.5:4242', project: 'default', token: TOKEN }), /must use https/);
  });

  it('the rollout config refuses steps that do not increase, bad holds and duplicate rollouts', () => {
    const cfg = (r: unknown[]) => () => parseConfig(JSON.stringify({ flags: { provider: { kind: 'unleash', url: 'https://u.example.com' }, rollouts: r } }));
    assert.throws(cfg([{ flag: 'a', environment: 'production', steps: [10, 5] }]), /flags\.rollouts\[0\]\.steps\[1\]: must be greater than the step before \(10\)/);
    assert.throws(cfg([{ flag: 'a', environment: 'production', hold: '10 minutes' }]), /hold: must be a duration/);
    assert.throws(cfg([{ flag: 'a', environment: 'production', hold: '25h' }]), /at most a day/);
    assert.throws(cfg([{ flag: 'a', environment: 'production' }, { flag: 'a', environment: 'production' }]), /duplicate rollout of a in production/);
    assert.throws(cfg([{ flag: '../x', environment: 'production' }]), /flag/);
  });
});
