import assert from 'node:assert/strict';
import * as z from 'zod';
import { ConfigError } from '../../../src/core/errors';
import {
  deployConfigSchema,
  findEnvironment,
  githubEnvironment,
  implicitEnvironment,
  isProduction,
  needsConfirmation,
  parseDeployConfig,
  placeholdersOf,
  providerBlockedReason,
} from '../../../src/core/deploy/schema';

/** The ConfigError parseDeployConfig throws (fails the test when it does not). */
function problems(raw: unknown): string[] {
  try {
    parseDeployConfig(raw);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return [...e.problems];
  }
  assert.fail(`expected ${JSON.stringify(raw).slice(0, 120)} to be rejected`);
}

function hasProblem(list: string[], path: string, pattern?: RegExp): boolean {
  return list.some((p) => p.startsWith(`${path}: `) && (pattern === undefined || pattern.test(p)));
}

const env = (over: Record<string, unknown> = {}) => ({ environments: [{ name: 'staging', ...over }] });

describe('deploy/schema', () => {
  it('fills every default of a bare environment: Deployments API, direct, no checks, default protection', () => {
    const c = parseDeployConfig({ environments: [{ name: 'staging' }, { name: 'production' }] });
    const s = c.environments[0]!;
    assert.deepEqual(s.provider, { kind: 'deployments', task: 'deploy', payload: {} });
    assert.deepEqual(s.strategy, { kind: 'direct' });
    assert.deepEqual(s.healthChecks, []);
    assert.deepEqual(s.protection, { requireHealthyPreviousMs: 0, freezes: [], autoRollback: false });
    assert.equal(needsConfirmation(s), false);
    assert.equal(needsConfirmation(c.environments[1]!), true, 'production asks by default');
  });

  it('fills canary, rolling and health check defaults', () => {
    const c = parseDeployConfig(
      env({
        strategy: { kind: 'canary' },
        healthChecks: [
          { kind: 'http', id: 'up', url: 'https://staging.example.com/health' },
          { kind: 'prometheus', id: 'errors', url: 'https://prom.example.com', query: 'sum(rate(x[5m]))', max: 0.01 },
        ],
      }),
    );
    const e = c.environments[0]!;
    assert.deepEqual(e.strategy, { kind: 'canary', steps: [{ weight: 10, pauseMs: 300_000 }, { weight: 50, pauseMs: 300_000 }], analysis: {} });
    assert.deepEqual(e.healthChecks[0], { kind: 'http', id: 'up', url: 'https://staging.example.com/health', expectStatus: 200, windowMs: 300_000, intervalMs: 15_000, maxFailures: 0, timeoutMs: 5000 });
    assert.equal(e.healthChecks[1]!.kind === 'prometheus' && e.healthChecks[1]!.noData, 'ignore');
    const r = parseDeployConfig(env({ strategy: { kind: 'rolling', batches: 3 } })).environments[0]!.strategy;
    assert.deepEqual(r, { kind: 'rolling', batches: 3, pauseMs: 60_000 });
  });

  it('names each problem by its path under deploy', () => {
    const list = problems({
      environments: [
        {
          name: 'staging',
          colour: 'blue',
          strategy: { kind: 'canary', steps: [{ weight: 50 }, { weight: 10 }] },
          provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { version: '{versoin}' } },
        },
      ],
    });
    assert.ok(hasProblem(list, 'deploy.environments[0].colour', /unknown key "colour"/), list.join('\n'));
    assert.ok(hasProblem(list, 'deploy.environments[0].strategy.steps', /weights must increase/), list.join('\n'));
    assert.ok(hasProblem(list, 'deploy.environments[0].provider.inputs.version', /unknown placeholder/), list.join('\n'));
  });

  it('refuses unknown provider, strategy and check kinds with the known ones', () => {
    assert.ok(hasProblem(problems(env({ provider: { kind: 'ssh' } })), 'deploy.environments[0].provider.kind', /deployments, workflow, command, task/));
    assert.ok(hasProblem(problems(env({ strategy: { kind: 'blue-green' } })), 'deploy.environments[0].strategy.kind', /direct, canary, blueGreen, rolling/));
    assert.ok(hasProblem(problems(env({ healthChecks: [{ kind: 'tcp', id: 'x' }] })), 'deploy.environments[0].healthChecks[0].kind', /http, prometheus/));
  });

  it('refuses duplicate environments (case-insensitive) and duplicate check ids', () => {
    assert.ok(hasProblem(problems({ environments: [{ name: 'Prod' }, { name: 'prod' }] }), 'deploy.environments[1].name', /duplicate environment "prod"/));
    const checks = [
      { kind: 'http', id: 'up', url: 'https://a.example/h' },
      { kind: 'http', id: 'up', url: 'https://b.example/h' },
    ];
    assert.ok(hasProblem(problems(env({ healthChecks: checks })), 'deploy.environments[0].healthChecks[1].id', /duplicate health check id/));
  });

  it('refuses canary analysis of checks the environment does not have, and autoRollback without checks', () => {
    assert.ok(hasProblem(problems(env({ strategy: { kind: 'canary', analysis: { checks: ['latency'] } } })), 'deploy.environments[0].strategy.analysis.checks[0]', /no health check "latency"/));
    assert.ok(hasProblem(problems(env({ protection: { autoRollback: true } })), 'deploy.environments[0].protection.autoRollback', /needs at least one health check/));
  });

  it('refuses environment names that are unsafe in arguments, keys and messages', () => {
    for (const name of ['--prod', 'prod env', 'prod;rm -rf', '', 'a'.repeat(65), 'ünï', 'prod\n']) {
      assert.ok(hasProblem(problems({ environments: [{ name }] }), 'deploy.environments[0].name'), JSON.stringify(name));
    }
  });

  it('refuses templates with control characters, newlines or unknown placeholders, and inputs with bad names', () => {
    const wf = (inputs: Record<string, string>) => env({ provider: { kind: 'workflow', workflow: 'deploy.yml', inputs } });
    assert.ok(hasProblem(problems(wf({ version: 'v{version}\nrm -rf /' })), 'deploy.environments[0].provider.inputs.version', /one line/));
    assert.ok(hasProblem(problems(wf({ version: '{secret}' })), 'deploy.environments[0].provider.inputs.version', /unknown placeholder/));
    assert.ok(hasProblem(problems(wf({ '1bad': 'x' })), 'deploy.environments[0].provider.inputs.1bad'));
    assert.doesNotThrow(() => parseDeployConfig(wf({ version: '{version}', sha: '{sha}', target: '{environment}-{strategy}-{step}-{weight}', op: '{operation}', ref: '{ref}' })));
    assert.deepEqual(placeholdersOf('v{version}-{sha}'), ['version', 'sha']);
  });

  it('accepts workflow files by name, path or id, and refuses anything else', () => {
    for (const workflow of ['deploy.yml', 'deploy.yaml', '.github/workflows/deploy.yml', 12345]) {
      assert.doesNotThrow(() => parseDeployConfig(env({ provider: { kind: 'workflow', workflow } })), String(workflow));
    }
    for (const workflow of ['../deploy.yml', 'deploy.sh', '.github/workflows/../../x.yml', '-x.yml', 0, 'a b.yml']) {
      assert.ok(hasProblem(problems(env({ provider: { kind: 'workflow', workflow } })), 'deploy.environments[0].provider.workflow'), String(workflow));
    }
    assert.ok(hasProblem(problems(env({ provider: { kind: 'workflow', workflow: 'd.yml', ref: '--upload-pack=x' } })), 'deploy.environments[0].provider.ref'));
  });

  it('refuses a correlation input that the inputs mapping also sets', () => {
    const raw = env({ provider: { kind: 'workflow', workflow: 'd.yml', inputs: { correlation_id: '{sha}' }, correlationInput: 'correlation_id' } });
    assert.ok(hasProblem(problems(raw), 'deploy.environments[0].provider.correlationInput', /also set in inputs/));
  });

  it('takes a command as an argv array with a fixed program, never a shell string', () => {
    const ok = parseDeployConfig(env({ provider: { kind: 'command', argv: ['./deploy.sh', '{environment}', '--weight', '{weight}'] } })).environments[0]!.provider;
    assert.deepEqual(ok, { kind: 'command', argv: ['./deploy.sh', '{environment}', '--weight', '{weight}'], cwd: '.', timeoutMs: 1_800_000 });
    assert.ok(hasProblem(problems(env({ provider: { kind: 'command', argv: ['{version}'] } })), 'deploy.environments[0].provider.argv', /fixed, non-empty/));
    assert.ok(hasProblem(problems(env({ provider: { kind: 'command', argv: 'deploy.sh prod' } })), 'deploy.environments[0].provider.argv'));
    assert.ok(hasProblem(problems(env({ provider: { kind: 'command', argv: ['x'], cwd: '../elsewhere' } })), 'deploy.environments[0].provider.cwd'));
  });

  it('checks health check thresholds, windows and URLs', () => {
    const http = (over: Record<string, unknown>) => env({ healthChecks: [{ kind: 'http', id: 'h', url: 'https://a.example/h', ...over }] });
    assert.ok(hasProblem(problems(http({ min: 5, max: 1, jsonPath: 'x' })), 'deploy.environments[0].healthChecks[0].min', /must not be above max/));
    assert.ok(hasProblem(problems(http({ jsonPath: 'status.errorRate' })), 'deploy.environments[0].healthChecks[0].max', /give max, min or both/));
    assert.ok(hasProblem(problems(http({ windowMs: 10_000, intervalMs: 20_000 })), 'deploy.environments[0].healthChecks[0].intervalMs', /not be longer than windowMs/));
    assert.ok(hasProblem(problems(http({ url: 'https://user:pass@a.example/h' })), 'deploy.environments[0].healthChecks[0].url', /credentials/));
    assert.ok(hasProblem(problems(http({ url: 'file:///etc/passwd' })), 'deploy.environments[0].healthChecks[0].url'));
    assert.ok(hasProblem(problems(http({ jsonPath: 'a.__proto__.b', max: 1 })), 'deploy.environments[0].healthChecks[0].jsonPath'));
    assert.ok(hasProblem(problems(http({ jsonPath: 'a;b', max: 1 })), 'deploy.environments[0].healthChecks[0].jsonPath'));
    assert.ok(hasProblem(problems(http({ expectStatus: 700 })), 'deploy.environments[0].healthChecks[0].expectStatus'));
    const prom = env({ healthChecks: [{ kind: 'prometheus', id: 'p', url: 'https://prom.example', query: 'up' }] });
    assert.ok(hasProblem(problems(prom), 'deploy.environments[0].healthChecks[0].max', /give max, min or both/));
    assert.doesNotThrow(() => parseDeployConfig(http({ expectStatus: [200, 204], jsonPath: '$.checks[0].value', min: 1 })));
  });

  it('reuses the calendar gate\'s freeze windows, edges checked', () => {
    const ok = parseDeployConfig(env({ protection: { freezes: [{ from: '2026-12-20', to: '2027-01-03', reason: 'Holidays' }] } }));
    assert.equal(ok.environments[0]!.protection.freezes.length, 1);
    assert.ok(hasProblem(problems(env({ protection: { freezes: [{ from: '2027-01-03', to: '2026-12-20', reason: 'x' }] } })), 'deploy.environments[0].protection.freezes[0].to', /before from/));
    assert.ok(hasProblem(problems(env({ protection: { freezes: [{ from: '2026-12-20T10:00', to: '2026-12-21', reason: 'x' }] } })), 'deploy.environments[0].protection.freezes[0].from'));
  });

  it('refuses rolling with both batches and batchPercent', () => {
    assert.ok(hasProblem(problems(env({ strategy: { kind: 'rolling', batches: 2, batchPercent: 50 } })), 'deploy.environments[0].strategy.batchPercent', /not both/));
  });

  it('knows production by flag or by name, and confirmation follows it unless configured', () => {
    const [a, b, c, d, e] = parseDeployConfig({
      environments: [{ name: 'staging' }, { name: 'prod-eu' }, { name: 'live' }, { name: 'production', production: false }, { name: 'edge', production: true, protection: { confirm: false } }],
    }).environments;
    assert.deepEqual([a, b, c, d, e].map((x) => isProduction(x!)), [false, true, true, false, true]);
    assert.deepEqual([a, b, c, d, e].map((x) => needsConfirmation(x!)), [false, true, true, false, false]);
    assert.equal(isProduction(implicitEnvironment('producer')), false);
  });

  it('finds an environment case-insensitively, or the implicit one without a deploy config', () => {
    const c = parseDeployConfig({ environments: [{ name: 'staging' }, { name: 'production', provider: { kind: 'deployments', environment: 'prod-github' } }] });
    assert.equal(findEnvironment(c, 'PRODUCTION')?.index, 1);
    assert.equal(githubEnvironment(findEnvironment(c, 'production')!.env), 'prod-github');
    assert.equal(findEnvironment(c, 'qa'), null);
    const implicit = findEnvironment(undefined, 'qa');
    assert.equal(implicit?.env.provider.kind, 'deployments');
    assert.equal(findEnvironment(undefined, '--qa'), null);
  });

  it('generates a JSON Schema whose every property is described', () => {
    const schema = z.toJSONSchema(deployConfigSchema(), { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      if (o.properties && typeof o.properties === 'object') {
        for (const [k, v] of Object.entries(o.properties as Record<string, unknown>)) {
          if (typeof (v as { description?: unknown }).description !== 'string') undescribed.push(`${path}.${k}`);
        }
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
    };
    walk(schema, '');
    assert.deepEqual(undescribed, []);
  });

  it('runs local commands and tasks only where they may run', () => {
    const [cmd, task, gh] = parseDeployConfig({
      environments: [
        { name: 'a', provider: { kind: 'command', argv: ['./deploy.sh'] } },
        { name: 'b', provider: { kind: 'task', name: 'Deploy' } },
        { name: 'c' },
      ],
    }).environments;
    assert.equal(providerBlockedReason(cmd!, { host: 'editor', trusted: true }), null);
    assert.match(providerBlockedReason(cmd!, { host: 'editor', trusted: false })!, /trusted workspace/);
    assert.match(providerBlockedReason(cmd!, { host: 'cli', trusted: false })!, /--allow-commands/);
    assert.match(providerBlockedReason(task!, { host: 'cli', trusted: true })!, /CLI cannot run/);
    assert.match(providerBlockedReason(task!, { host: 'editor', trusted: false })!, /trusted workspace/);
    assert.equal(providerBlockedReason(gh!, { host: 'editor', trusted: false }), null, 'GitHub providers run remotely');
  });
});
