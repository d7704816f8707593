import assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors';
import {
  abortStep,
  duration,
  parseStrategyName,
  planDeploy,
  planLines,
  planRollback,
  promoteIndex,
  renderTemplate,
  rollingWeights,
  type DeployPlan,
} from '../../../src/core/deploy/plan';
import { environmentSchema, type EnvironmentConfig } from '../../../src/core/deploy/schema';

const SHA = 'a'.repeat(40);
const release = { version: '1.4.0', sha: SHA, ref: 'v1.4.0' };
const checks = [
  { kind: 'http', id: 'up', url: 'https://prod.example.com/health', intervalMs: 10_000, windowMs: 60_000 },
  { kind: 'prometheus', id: 'errors', url: 'https://prom.example.com', query: 'error_ratio', max: 0.01 },
];

function env(over: Record<string, unknown> = {}): EnvironmentConfig {
  return environmentSchema().parse({ name: 'production', provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { version: '{version}', target: '{environment}' } }, ...over });
}

/** Each step as "kind step weight [extra]" for compact assertions. */
function shape(plan: DeployPlan): string[] {
  return plan.steps.map((s) => `${s.kind} ${s.step} ${s.weight}${s.waitMs !== undefined ? ` ${duration(s.waitMs)}` : ''}${s.checks ? ` [${s.checks.join(',')}]` : ''}`);
}

describe('deploy/plan', () => {
  it('plans a direct deploy: one dispatch, then a health verification when there are checks', () => {
    const bare = planDeploy(env(), release);
    assert.deepEqual(shape(bare), ['dispatch 1 100']);
    assert.deepEqual(bare.steps[0]!.inputs, { version: '1.4.0', target: 'production' }, 'no strategy inputs for a direct deploy');
    assert.deepEqual(shape(planDeploy(env({ healthChecks: checks }), release)), ['dispatch 1 100', 'analyse 1 100 [up,errors]']);
  });

  it('plans a canary: each step dispatched with strategy, step and weight, then paused and analysed, then promoted to 100%', () => {
    const plan = planDeploy(
      env({
        healthChecks: checks,
        strategy: { kind: 'canary', steps: [{ weight: 5, pauseMs: 120_000 }, { weight: 25, pauseMs: 300_000 }, { weight: 50, pauseMs: 0 }], analysis: { checks: ['errors'] } },
      }),
      release,
    );
    assert.deepEqual(shape(plan), [
      'dispatch 1 5',
      'wait 1 5 2 min',
      'analyse 1 5 [errors]',
      'dispatch 2 25',
      'wait 2 25 5 min',
      'analyse 2 25 [errors]',
      'dispatch 3 50',
      'analyse 3 50 [errors]',
      'dispatch 4 100',
      'analyse 4 100 [up,errors]',
    ]);
    assert.deepEqual(plan.steps[3]!.inputs, { version: '1.4.0', target: 'production', strategy: 'canary', step: '2', weight: '25' });
    assert.deepEqual(plan.steps.map((s) => s.index), plan.steps.map((_, i) => i));
    assert.equal(plan.strategy, 'canary');
    assert.deepEqual(plan.warnings, []);
    assert.equal(planLines(plan)[0], '1. Canary step 1: 5% of traffic');
  });

  it('does not add a promotion when the last canary step already takes all traffic, and verifies it with every check', () => {
    const plan = planDeploy(env({ healthChecks: checks, strategy: { kind: 'canary', steps: [{ weight: 20, pauseMs: 60_000 }, { weight: 100, pauseMs: 60_000 }], analysis: { checks: ['errors'] } } }), release);
    assert.deepEqual(shape(plan), ['dispatch 1 20', 'wait 1 20 60 s', 'analyse 1 20 [errors]', 'dispatch 2 100', 'wait 2 100 60 s', 'analyse 2 100 [up,errors]']);
  });

  it('warns that a canary without health checks only pauses', () => {
    const plan = planDeploy(env({ strategy: { kind: 'canary' } }), release);
    assert.deepEqual(shape(plan), ['dispatch 1 10', 'wait 1 10 5 min', 'dispatch 2 50', 'wait 2 50 5 min', 'dispatch 3 100']);
    assert.match(plan.warnings[0]!, /only pauses/);
  });

  it('plans blue-green: deploy to the idle colour, verify, switch, verify', () => {
    const plan = planDeploy(env({ healthChecks: checks, strategy: { kind: 'blueGreen', verifyMs: 180_000 } }), release);
    assert.deepEqual(shape(plan), ['dispatch 1 0', 'wait 1 0 3 min', 'switch 2 100', 'analyse 2 100 [up,errors]']);
    assert.deepEqual(plan.steps[2]!.inputs, { version: '1.4.0', target: 'production', strategy: 'blue-green', step: '2', weight: '100' });
    assert.match(plan.warnings.join('\n'), /The idle colour is not probed before the switch: .*strategy\.verifyChecks/);
    // Checks that reach the idle colour are analysed before the switch, and left out after it (they then reach the old colour).
    const probed = planDeploy(env({ healthChecks: checks, strategy: { kind: 'blueGreen', verifyMs: 60_000, verifyChecks: ['up'] } }), release);
    assert.deepEqual(shape(probed), ['dispatch 1 0', 'wait 1 0 60 s', 'analyse 1 0 [up]', 'switch 2 100', 'analyse 2 100 [errors]']);
    assert.equal(probed.steps[2]!.label, 'Analyse the idle colour (up)');
    assert.deepEqual(probed.warnings, []);
    assert.throws(() => env({ healthChecks: checks, strategy: { kind: 'blueGreen', verifyChecks: ['nope'] } }), /"message": "no health check \\"nope\\" in this environment"/);
  });

  it('plans rolling batches by count or by percent', () => {
    assert.deepEqual(rollingWeights(3, undefined), [33, 67, 100]);
    assert.deepEqual(rollingWeights(undefined, 30), [30, 60, 90, 100]);
    assert.deepEqual(rollingWeights(undefined, undefined), [25, 50, 75, 100]);
    assert.deepEqual(rollingWeights(1, undefined), [100]);
    const plan = planDeploy(env({ healthChecks: [checks[0]], strategy: { kind: 'rolling', batches: 2, pauseMs: 30_000 } }), release);
    assert.deepEqual(shape(plan), ['dispatch 1 50', 'wait 1 50 30 s', 'analyse 1 50 [up]', 'dispatch 2 100', 'analyse 2 100 [up]']);
  });

  it('takes a strategy override with that strategy\'s defaults when the environment configures another', () => {
    const plan = planDeploy(env(), release, { strategy: 'canary' });
    assert.deepEqual(shape(plan).filter((s) => s.startsWith('dispatch')), ['dispatch 1 10', 'dispatch 2 50', 'dispatch 3 100']);
    assert.equal(parseStrategyName('blue-green'), 'blueGreen');
    assert.equal(parseStrategyName('Blue_Green'), 'blueGreen');
    assert.equal(parseStrategyName('rolling'), 'rolling');
    assert.equal(parseStrategyName('yolo'), null);
  });

  it('leaves strategy inputs where the config maps them under names of its own', () => {
    const e = env({ strategy: { kind: 'canary' }, provider: { kind: 'workflow', workflow: 'd.yml', inputs: { traffic: '{weight}', phase: '{strategy}-{step}' } } });
    assert.deepEqual(planDeploy(e, release).steps[0]!.inputs, { traffic: '10', phase: 'canary-1' });
  });

  it('fills a command\'s argv and the deployment payload', () => {
    const cmd = env({ strategy: { kind: 'canary' }, provider: { kind: 'command', argv: ['./deploy.sh', '--env={environment}', '{version}', '{sha}'] } });
    const first = planDeploy(cmd, release).steps[0]!;
    assert.deepEqual(first.argv, ['./deploy.sh', '--env=production', '1.4.0', SHA]);
    assert.deepEqual(first.inputs, { strategy: 'canary', step: '1', weight: '10' });
    const dep = env({ provider: { kind: 'deployments', payload: { image: 'app:{version}' } } });
    assert.deepEqual(planDeploy(dep, release).steps[0]!.inputs, { image: 'app:1.4.0' });
  });

  it('refuses a release that is not a full SHA, a semver version and a valid ref', () => {
    assert.throws(() => planDeploy(env(), { ...release, sha: 'abc123' }), UsageError);
    assert.throws(() => planDeploy(env(), { ...release, version: '1.4' }), UsageError);
    assert.throws(() => planDeploy(env(), { ...release, version: '1.4.0; id' }), UsageError);
    assert.throws(() => planDeploy(env(), { ...release, ref: '--upload-pack=x' }), UsageError);
    assert.throws(() => planDeploy(env(), { ...release, ref: 'v1..4' }), UsageError);
  });

  it('plans a rollback as one direct deployment of the target, without gates, progressive steps or strategy inputs', () => {
    const e = env({ healthChecks: checks, strategy: { kind: 'canary' }, provider: { kind: 'workflow', workflow: 'd.yml', inputs: { version: '{version}', op: '{operation}' } } });
    const plan = planRollback(e, { version: '1.3.2', sha: 'b'.repeat(40), ref: 'v1.3.2' });
    assert.equal(plan.operation, 'rollback');
    assert.deepEqual(shape(plan), ['dispatch 1 100']);
    assert.deepEqual(plan.steps[0]!.inputs, { version: '1.3.2', op: 'rollback' });
    assert.equal(plan.steps[0]!.label, 'Roll back to 1.3.2');
  });

  it('aborts a canary by sending all traffic back (weight 0), and blue-green by switching back after the switch only', () => {
    const canary = env({ healthChecks: checks, strategy: { kind: 'canary' } });
    const plan = planDeploy(canary, release);
    assert.equal(abortStep(canary, plan, -1), null, 'nothing dispatched yet');
    const undo = abortStep(canary, plan, 0)!;
    assert.deepEqual([undo.kind, undo.step, undo.weight, undo.index, undo.inputs.weight], ['dispatch', 0, 0, -1, '0']);
    const promoted = plan.steps.findIndex((s) => s.kind === 'dispatch' && s.weight === 100);
    assert.equal(abortStep(canary, plan, promoted), null, 'after full promotion only a rollback restores');

    const bg = env({ healthChecks: checks, strategy: { kind: 'blueGreen' } });
    const bgPlan = planDeploy(bg, release);
    assert.equal(abortStep(bg, bgPlan, 1), null, 'the idle colour never took traffic');
    assert.match(abortStep(bg, bgPlan, 2)!.label, /switch traffic back/);

    assert.equal(abortStep(env({ strategy: { kind: 'rolling' } }), planDeploy(env({ strategy: { kind: 'rolling' } }), release), 0), null);
  });

  it('promotes a canary or blue-green deploy by jumping to its full-traffic step', () => {
    const plan = planDeploy(env({ healthChecks: checks, strategy: { kind: 'canary' } }), release);
    const full = plan.steps.find((s) => s.weight === 100 && s.kind === 'dispatch')!.index;
    assert.equal(promoteIndex(plan, 1), full);
    assert.equal(promoteIndex(plan, full + 1), null);
    assert.equal(promoteIndex(planDeploy(env(), release), 0), null, 'direct has nothing to promote');
    const bg = planDeploy(env({ strategy: { kind: 'blueGreen' } }), release);
    assert.equal(bg.steps[promoteIndex(bg, 1)!]!.kind, 'switch');
  });

  it('fills only known placeholders', () => {
    const values = { version: '1', sha: 's', ref: 'r', environment: 'e', strategy: 'canary', step: '1', weight: '5', operation: 'deploy' };
    assert.equal(renderTemplate('{version}/{nope}/{{weight}}', values), '1/{nope}/{5}');
    assert.equal(renderTemplate('{__proto__}{constructor}', values), '{__proto__}{constructor}');
  });

  it('formats durations for labels', () => {
    assert.deepEqual([500, 1000, 90_000, 120_000, 330_000, 3_600_000, 5_400_000].map(duration), ['500 ms', '1 s', '90 s', '2 min', '5 min 30 s', '1 h', '1 h 30 min']);
  });

  it('sends the inputs a person gave with every step of the operation, its abort step and its rollback, as given (never as templates)', () => {
    const e = environmentSchema().parse({ name: 'staging', provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { environment: '{environment}' } }, strategy: { kind: 'canary', steps: [{ weight: 10, pauseMs: 0 }] } });
    const inputs = { ticket: 'OPS-{version}', environment: 'ignored: the config sets it' };
    const plan = planDeploy(e, release, { inputs });
    const dispatches = plan.steps.filter((s) => s.kind === 'dispatch');
    assert.ok(dispatches.length >= 2);
    for (const s of dispatches) {
      assert.equal(s.inputs.ticket, 'OPS-{version}', 'literal, not a template');
      assert.equal(s.inputs.environment, 'staging', 'the config wins');
    }
    assert.deepEqual(plan.inputs, inputs);
    assert.equal(abortStep(e, plan, dispatches[0]!.index)!.inputs.ticket, 'OPS-{version}');
    assert.equal(planRollback(e, release, { inputs }).steps[0]!.inputs.ticket, 'OPS-{version}');
    assert.equal(planDeploy(e, release).inputs, undefined, 'none given: none recorded');
  });
});
