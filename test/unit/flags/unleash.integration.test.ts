import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// core/config.ts enters the schemas in the order they need (deploy/schema before flags/schema).
import { parseConfig } from '../../../src/core/config';
import type { FlagsConfig } from '../../../src/core/flags/schema';
import { FlagProviderError } from '../../../src/core/flags/ports';
import { runFlagStage } from '../../../src/core/flags/stage';
import { FileFlagJournalStore } from '../../../src/node/flagJournal';
import { envSecretSource, flagKeyOf, flagProviderFor, flagStatus, killFlag, runFlagRollout, type FlagStageEvent } from '../../../src/node/flags';
import { FetchHealthProbe } from '../../../src/node/healthProbe';
import type { Prompter } from '../../../src/node/prompter';
import { UnleashProvider } from '../../../src/node/unleashProvider';
import { createFlag, flagEvents, sharedUnleash, unleashRequired, type TestUnleash } from '../../helpers/unleash';

// The flag stage and the Unleash adapter against a real unleash-server 7.5.1 on PostgreSQL
// (scripts/unleash.mjs, started once per mocha run), with a real HTTP health endpoint on 127.0.0.1
// whose status the test sets. Each test uses a flag of its own.

const ENV = 'production';

/** A health endpoint answering the status the test sets. */
async function healthServer(): Promise<{ url: string; status: { code: number }; close: () => Promise<void> }> {
  const status = { code: 200 };
  const server: Server = createServer((_req, res) => {
    res.writeHead(status.code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: status.code === 200 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/health`, status, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A prompter that says yes and records what it was told. */
function yesPrompter(said: string[] = []): Prompter {
  return {
    pick: async () => undefined,
    ask: async () => undefined,
    confirm: async (c) => (said.push(c.title), true),
    progress: (_t, work) => work({ report: () => undefined }),
    info: (t) => void said.push(t),
  };
}

let counter = 0;
const fresh = (what: string) => `rm-${what}-${process.pid}-${++counter}`;

describe('flag rollouts against a real Unleash', function () {
  this.timeout(120_000);
  let u: TestUnleash;
  let dir: string;
  let health: Awaited<ReturnType<typeof healthServer>>;

  before(async function () {
    this.timeout(15 * 60_000); // a first run installs unleash-server (about 2 minutes; more on a busy machine)
    const server = await sharedUnleash();
    if (!server) {
      assert.ok(!unleashRequired());
      this.skip();
    }
    u = server;
    health = await healthServer();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-flags-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  after(async () => {
    await health?.close();
  });

  function config(flag: string, extra: Record<string, unknown> = {}): FlagsConfig {
    return parseConfig(
      JSON.stringify({
        flags: {
          provider: { kind: 'unleash', url: u.url, project: 'default', tokenEnv: 'UNLEASH_ADMIN_TOKEN' },
          rollouts: [{ flag, environment: ENV, steps: [1, 10, 50, 100], hold: '1s', health: [{ id: 'up', kind: 'http', url: health.url, expectStatus: 200, windowMs: 1000, intervalMs: 1000 }], ...extra }],
        },
      }),
    ).flags!;
  }
  const secrets = () => envSecretSource({ UNLEASH_ADMIN_TOKEN: u.adminToken });

  /** Unleash's own view of the flag in production (not through the adapter). */
  async function raw(flag: string): Promise<{ enabled: boolean; rollout: string | null }> {
    const res = await fetch(`${u.url}/api/admin/projects/default/features/${flag}`, { headers: { authorization: u.adminToken } });
    const body = (await res.json()) as { environments: { name: string; enabled: boolean; strategies: { name: string; parameters: { rollout?: string } }[] }[] };
    const env = body.environments.find((e) => e.name === ENV)!;
    return { enabled: env.enabled, rollout: env.strategies.find((s) => s.name === 'flexibleRollout')?.parameters.rollout ?? null };
  }

  it('ramps 1 → 10 → 50 → 100, and Unleash shows each step when it is read back', async () => {
    health.status.code = 200;
    const flag = await createFlag(u, fresh('ramp'));
    const flags = config(flag);
    const provider = await flagProviderFor(flags, secrets());
    const seen: { rollout: string | null; enabled: boolean }[] = [];
    const onEvent = async (_j: unknown, e: FlagStageEvent) => {
      if (e.type === 'set') seen.push(await raw(flag));
    };
    const out = await runFlagRollout({ flags, provider, flag, environment: ENV, yes: true, store: new FileFlagJournalStore(dir), session: 'cli:1:a@h', probe: new FetchHealthProbe(), onEvent }, yesPrompter());
    assert.equal(out.kind, 'done', out.outcome);
    assert.deepEqual(seen, [
      { rollout: '1', enabled: true },
      { rollout: '10', enabled: true },
      { rollout: '50', enabled: true },
      { rollout: '100', enabled: true },
    ]);
    const [status] = await flagStatus(provider, flags, { flag, env: ENV });
    assert.equal(status?.enabled, true);
    assert.equal(status?.rollout, 100);
    assert.equal(status?.lastChange?.who, 'admin');
    const types = (await flagEvents(u, flag)).filter((e) => e.environment === ENV).map((e) => `${e.type}${e.data?.parameters?.rollout ? ` ${e.data.parameters.rollout}` : ''}`);
    assert.deepEqual(types, ['feature-strategy-add 1', 'feature-environment-enabled', 'feature-strategy-update 10', 'feature-strategy-update 50', 'feature-strategy-update 100']);
  });

  it('a health failure at 10% sets the rollout to 0 and switches the flag off; the event log shows exactly those changes', async () => {
    health.status.code = 200;
    const flag = await createFlag(u, fresh('fail'));
    const flags = config(flag);
    const provider = await flagProviderFor(flags, secrets());
    const onEvent = (_j: unknown, e: FlagStageEvent) => {
      if (e.type === 'set' && e.state.rollout === 10) health.status.code = 500;
    };
    const out = await runFlagRollout(
      { flags, provider, flag, environment: ENV, yes: true, store: new FileFlagJournalStore(dir), session: 'cli:1:a@h', probe: new FetchHealthProbe(), onEvent, decisionLog: { root: dir, file: 'DECISIONS.md', who: async () => 'Tess Ter' } },
      yesPrompter(),
    );
    health.status.code = 200;
    assert.equal(out.kind, 'rolled-back', out.outcome);
    assert.deepEqual(await raw(flag), { enabled: false, rollout: '0' });
    const changes = (await flagEvents(u, flag)).filter((e) => e.environment === ENV).map((e) => `${e.type}${e.data?.parameters?.rollout ? ` ${e.data.parameters.rollout}` : ''}`);
    assert.deepEqual(changes, ['feature-strategy-add 1', 'feature-environment-enabled', 'feature-strategy-update 10', 'feature-environment-disabled', 'feature-strategy-update 0']);
    const record = readFileSync(join(dir, 'DECISIONS.md'), 'utf8');
    assert.match(record, new RegExp(`## FLAG RAMP — ${flag.replace(/-/g, '\\-')} in production`));
    assert.match(record, /- Outcome: rolled-back — rolled back to off \\?\(rollout 0%\\?\): 10%: up: 1 bad sample/);
    assert.match(record, /- ✘ 10% \(failed/);
  });

  it('the kill switch turns the flag off in one call, reads it back and records it in the decision log; a running rollout stops', async () => {
    health.status.code = 200;
    const flag = await createFlag(u, fresh('kill'));
    const flags = config(flag);
    const provider = await flagProviderFor(flags, secrets());
    const store = new FileFlagJournalStore(dir);
    // A rollout left at 50% (crashed after reading 50 back).
    await assert.rejects(
      runFlagRollout({ flags, provider, flag, environment: ENV, yes: true, store, session: 'cli:1:a@h', probe: new FetchHealthProbe(), onEvent: (_j, e) => {
        if (e.type === 'set' && e.state.rollout === 50) throw new Error('crash');
      } }, yesPrompter()),
      /crash/,
    );
    const before = (await flagEvents(u, flag)).length;
    const res = await killFlag({ flags, provider, flag, environment: ENV, yes: true, store, why: 'checkout errors', decisionLog: { root: dir, file: 'DECISIONS.md', who: async () => 'On Call' } }, yesPrompter());
    assert.equal(res.kind, 'killed');
    assert.deepEqual(await raw(flag), { enabled: false, rollout: '50' });
    const after = await flagEvents(u, flag);
    assert.deepEqual(after.slice(before).map((e) => e.type), ['feature-environment-disabled'], 'one change');
    const record = readFileSync(join(dir, 'DECISIONS.md'), 'utf8');
    assert.match(record, /## FLAG KILL — .* in production — /);
    assert.match(record, /- By: On Call\n- Before: on at 50%\n- After: off \(rollout 50%\)\n- Why: checkout errors/);
    const j = await store.read(flagKeyOf(flags, flag, ENV));
    assert.equal(j?.state, 'killed');
    // The killed run is not resumed (which could switch the flag back on): a new request starts from what Unleash shows.
    const out = await runFlagRollout({ flags, provider, flag, environment: ENV, to: 0, yes: true, store, session: 'cli:1:a@h' }, yesPrompter());
    assert.equal(out.kind, 'done');
    assert.deepEqual(await raw(flag), { enabled: false, rollout: '0' });
  });

  it('a crash between "set" and "read back" is resumed without a second change', async () => {
    health.status.code = 200;
    const flag = await createFlag(u, fresh('crash'));
    const flags = config(flag);
    const provider = await flagProviderFor(flags, secrets());
    const store = new FileFlagJournalStore(dir);
    const req = { flags, provider, flag, environment: ENV, yes: true, store, session: 'cli:1:a@h', probe: new FetchHealthProbe() };
    await assert.rejects(
      runFlagRollout({ ...req, onEvent: (_j, e) => {
        if (e.type === 'sent' && e.to.rollout === 10) throw new Error('crash after sending 10%');
      } }, yesPrompter()),
      /crash after sending/,
    );
    assert.deepEqual(await raw(flag), { enabled: true, rollout: '10' });
    const said: string[] = [];
    const out = await runFlagRollout(req, yesPrompter(said));
    assert.equal(out.kind, 'done', out.outcome);
    assert.ok(said.some((s) => /^Resuming the unfinished rollout/.test(s)));
    const updates = (await flagEvents(u, flag)).filter((e) => e.environment === ENV && e.type.startsWith('feature-strategy')).map((e) => e.data?.parameters?.rollout);
    assert.deepEqual(updates, ['1', '10', '50', '100'], '10% was set once');
  });

  it('a rollout changed in Unleash meanwhile stops the resumed run with a question', async () => {
    health.status.code = 200;
    const flag = await createFlag(u, fresh('changed'));
    const flags = config(flag);
    const provider = await flagProviderFor(flags, secrets());
    const store = new FileFlagJournalStore(dir);
    await assert.rejects(runFlagRollout({ flags, provider, flag, environment: ENV, yes: true, store, session: 'cli:1:a@h', probe: new FetchHealthProbe(), onEvent: (_j, e) => {
      if (e.type === 'passed' && e.index === 0) throw new Error('closed');
    } }, yesPrompter()), /closed/);
    // Somebody sets 30% in Unleash.
    await new UnleashProvider({ url: u.url, project: 'default', token: u.adminToken }).setRollout(flag, ENV, 30);
    const said: string[] = [];
    const out = await runFlagRollout({ flags, provider, flag, environment: ENV, yes: true, store, session: 'cli:1:a@h' }, yesPrompter(said));
    assert.equal(out.kind, 'stopped');
    assert.ok(said.some((s) => /is on at 30%, but this rollout last set on at 1%/.test(s)), said.join('\n'));
    assert.deepEqual(await raw(flag), { enabled: true, rollout: '30' });
  });

  it('a wrong token is a clear error (401); a client token names what it lacks (403); neither leaks the token', async () => {
    const flag = await createFlag(u, fresh('token'));
    const flags = config(flag);
    const wrong = await flagProviderFor(flags, envSecretSource({ UNLEASH_ADMIN_TOKEN: '*:*.not-a-real-token-0123456789' }));
    await assert.rejects(wrong.getState(flag, ENV), (e: unknown) => {
      assert.ok(e instanceof FlagProviderError);
      assert.equal(e.code, 'unauthorized');
      assert.match(e.message, /Unleash refused UNLEASH_ADMIN_TOKEN \(401/);
      assert.doesNotMatch(e.message + e.fix, /not-a-real-token/);
      return true;
    });
    if (u.clientToken) {
      const client = await flagProviderFor(flags, envSecretSource({ UNLEASH_ADMIN_TOKEN: u.clientToken }));
      await assert.rejects(client.setRollout(flag, ENV, 10), (e: unknown) => {
        assert.ok(e instanceof FlagProviderError);
        assert.equal(e.code, 'forbidden');
        assert.match(e.message, /UNLEASH_ADMIN_TOKEN lacks the Unleash permission .*Admin API/);
        assert.doesNotMatch(e.message + e.fix, new RegExp(u.clientToken!.split('.')[1]!));
        return true;
      });
    }
    // No token at all: refused before any request.
    await assert.rejects(flagProviderFor(flags, envSecretSource({})), /No Unleash token: UNLEASH_ADMIN_TOKEN is not set/);
  });

  it('a server that is down makes the stage unknown (fail closed), never passed', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const flags = parseConfig(JSON.stringify({ flags: { provider: { kind: 'unleash', url: `http://127.0.0.1:${port}`, timeoutMs: 2000 }, rollouts: [{ flag: 'down', environment: ENV, hold: '1s' }] } })).flags!;
    const provider = await flagProviderFor(flags, secrets());
    const out = await runFlagStage({ key: flagKeyOf(flags, 'down', ENV), rollout: flags.rollouts[0]! }, {
      provider,
      probe: new FetchHealthProbe(),
      store: new FileFlagJournalStore(dir),
      now: () => new Date(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      session: 's',
      newId: () => 'x',
    });
    assert.equal(out.kind, 'unknown');
    assert.match(out.outcome, /did not answer \(ECONNREFUSED\)/);
    const [row] = await flagStatus(provider, flags, { flag: 'down', env: ENV });
    assert.equal(row?.enabled, null);
    assert.equal(row?.rollout, null);
    assert.match(row?.error ?? '', /did not answer/);
  });
});
