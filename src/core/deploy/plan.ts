/**
 * The plan of one deploy or rollback of an environment: an ordered list of steps (dispatch a
 * deployment step, wait, analyse health, switch traffic) derived from the environment's strategy.
 * Every dispatch carries the `strategy`, `step` and `weight` the target workflow or command needs,
 * with the configured input templates filled in from values we computed and checked.
 */
import { UsageError } from '../errors';
import { refNameProblem } from '../tags';
import { versionProblem } from '../version';
import { placeholdersOf, strategySchema, type EnvironmentConfig, type Placeholder, type StrategyConfig, type StrategyKind } from './schema';

/** A strategy as sent in the `strategy` input and typed on the CLI. */
export type StrategyName = 'direct' | 'canary' | 'blue-green' | 'rolling';

const NAME_OF: Record<StrategyKind, StrategyName> = { direct: 'direct', canary: 'canary', blueGreen: 'blue-green', rolling: 'rolling' };

/** The name of a configured strategy kind. */
export function strategyName(kind: StrategyKind): StrategyName {
  return NAME_OF[kind];
}

/** The strategy kind named on the CLI (`blue-green` or `blueGreen`, any case), or null. */
export function parseStrategyName(text: string): StrategyKind | null {
  const t = text.trim().toLowerCase().replace(/[-_ ]/g, '');
  return t === 'direct' ? 'direct' : t === 'canary' ? 'canary' : t === 'bluegreen' ? 'blueGreen' : t === 'rolling' ? 'rolling' : null;
}

/** What one step does. */
export type StepKind = 'dispatch' | 'wait' | 'analyse' | 'switch';

/** One step of a plan. */
export interface PlanStep {
  /** Position in the plan (0-based). */
  index: number;
  kind: StepKind;
  strategy: StrategyName;
  /** The strategy step number sent as the `step` input (1-based; 0 for an abort). */
  step: number;
  /** Percent of traffic (canary, blue-green) or capacity (rolling) on the new version once this step is done. */
  weight: number;
  /** Dispatch and switch: the values sent (workflow inputs, deployment payload, task variables), placeholders filled in. */
  inputs: Record<string, string>;
  /** Dispatch and switch with a command provider: the argv with placeholders filled in. */
  argv?: string[];
  /** Wait: how long (milliseconds). */
  waitMs?: number;
  /** Analyse: the ids of the health checks to evaluate. */
  checks?: string[];
  /** One line for people, e.g. "Canary step 2: 50% of traffic". */
  label: string;
}

/** What is deployed: the version and its exact commit and ref. */
export interface DeployRelease {
  version: string;
  /** Full 40-hex commit SHA. */
  sha: string;
  /** The ref deployed (normally the release tag). */
  ref: string;
}

/** Deploy a release, or roll back to an earlier one. */
export type DeployOperation = 'deploy' | 'rollback';

/** An ordered plan of one operation on one environment. */
export interface DeployPlan {
  environment: string;
  operation: DeployOperation;
  strategy: StrategyName;
  release: DeployRelease;
  steps: PlanStep[];
  /** Things the user should know (a canary without health checks only pauses). */
  warnings: string[];
  /** Workflow inputs the person gave for this operation (sent with every dispatch of it, its abort and automatic rollback included). */
  inputs?: Record<string, string>;
  /** Why the deploy was allowed, as the promotion check said (a hotfix inside a code freeze, the soak time met, advisories): kept in the decision log. */
  allowedBecause?: string[];
  /** A rollback: the deployment it replaces (marked failed on the provider once the rollback succeeded, so it is never a rollback target or a promotion source again). */
  replaces?: { sha: string; version: string | null; since: string };
}

const SHA = /^[0-9a-f]{40}$/;
const DEFAULT_BATCH_PERCENT = 25;

/** The strategy used: the override's kind with the environment's settings when they are of that kind, else that kind's defaults. */
export function resolveStrategy(env: EnvironmentConfig, override?: StrategyKind): StrategyConfig {
  if (override === undefined || override === env.strategy.kind) return env.strategy;
  return strategySchema().parse({ kind: override });
}

/** Checks a release before it is planned; throws a UsageError naming the bad field. */
export function checkRelease(release: DeployRelease): void {
  if (!SHA.test(release.sha)) throw new UsageError(`${JSON.stringify(release.sha.slice(0, 60))} is not a full commit SHA.`, 'Resolve the release commit to its 40-hex SHA first.');
  const v = versionProblem(release.version);
  if (v !== null) throw new UsageError(`Version ${JSON.stringify(release.version.slice(0, 60))} ${v}.`, 'Deploy a released version such as 1.4.0.');
  const r = refNameProblem(release.ref);
  if (r !== null) throw new UsageError(`Ref ${JSON.stringify(release.ref.slice(0, 60))} is not a valid git ref: it ${r}.`, 'Deploy a tag such as v1.4.0 or a branch name.');
}

/** Fills `{placeholders}` in a template (unknown ones were refused by the schema and stay as they are). */
export function renderTemplate(template: string, values: Readonly<Record<Placeholder, string>>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name as Placeholder] : whole));
}

interface Emit {
  strategy: StrategyName;
  step: number;
  weight: number;
  label: string;
}

/** Plans a deploy of the release to the environment, with its strategy or the override. */
export function planDeploy(env: EnvironmentConfig, release: DeployRelease, options: { strategy?: StrategyKind; inputs?: Readonly<Record<string, string>> } = {}): DeployPlan {
  checkRelease(release);
  const strategy = resolveStrategy(env, options.strategy);
  const name = strategyName(strategy.kind);
  const all = env.healthChecks.map((c) => c.id);
  const warnings: string[] = [];
  const steps: PlanStep[] = [];
  const make = new StepMaker(env, release, 'deploy', steps, options.inputs);
  switch (strategy.kind) {
    case 'direct':
      make.dispatch({ strategy: name, step: 1, weight: 100, label: 'Deploy' });
      make.analyse(name, 1, 100, all, 'Verify health');
      break;
    case 'canary': {
      const analysed = strategy.analysis.checks ?? all;
      if (all.length === 0) warnings.push('The canary has no health checks: it only pauses between steps. Add healthChecks to analyse each step.');
      strategy.steps.forEach((s, i) => {
        const last = i === strategy.steps.length - 1 && s.weight === 100;
        make.dispatch({ strategy: name, step: i + 1, weight: s.weight, label: last ? 'Canary: promote to 100% of traffic' : `Canary step ${i + 1}: ${s.weight}% of traffic` });
        make.wait(name, i + 1, s.weight, s.pauseMs);
        make.analyse(name, i + 1, s.weight, last ? all : analysed, last ? 'Verify health' : `Analyse canary at ${s.weight}%`);
      });
      if (strategy.steps[strategy.steps.length - 1]!.weight < 100) {
        const n = strategy.steps.length + 1;
        make.dispatch({ strategy: name, step: n, weight: 100, label: 'Canary: promote to 100% of traffic' });
        make.analyse(name, n, 100, all, 'Verify health');
      }
      break;
    }
    case 'blueGreen':
      make.dispatch({ strategy: name, step: 1, weight: 0, label: 'Deploy to the idle colour' });
      make.wait(name, 1, 0, strategy.verifyMs, 'Verify the idle colour');
      if (strategy.verifyChecks && strategy.verifyChecks.length > 0) make.analyse(name, 1, 0, strategy.verifyChecks, 'Analyse the idle colour');
      else warnings.push('The idle colour is not probed before the switch: list the health checks that reach it (e.g. its preview URL) in strategy.verifyChecks.');
      steps.push({ ...make.base({ strategy: name, step: 2, weight: 100, label: 'Switch traffic to the new colour' }), kind: 'switch' });
      // The idle colour's own checks (its preview URL) reach the old colour after the switch: not part of this verification.
      make.analyse(name, 2, 100, all.filter((id) => !(strategy.verifyChecks ?? []).includes(id)), 'Verify health after the switch');
      break;
    case 'rolling': {
      const weights = rollingWeights(strategy.batches, strategy.batchPercent);
      weights.forEach((w, i) => {
        make.dispatch({ strategy: name, step: i + 1, weight: w, label: `Rolling batch ${i + 1} of ${weights.length}: ${w}% of capacity` });
        if (i < weights.length - 1) {
          make.wait(name, i + 1, w, strategy.pauseMs);
          make.analyse(name, i + 1, w, all, `Analyse after batch ${i + 1}`);
        } else make.analyse(name, i + 1, w, all, 'Verify health');
      });
      break;
    }
  }
  return { environment: env.name, operation: 'deploy', strategy: name, release, steps, warnings, ...(options.inputs && Object.keys(options.inputs).length > 0 ? { inputs: { ...options.inputs } } : {}) };
}

/** The cumulative capacity after each rolling batch. */
export function rollingWeights(batches: number | undefined, batchPercent: number | undefined): number[] {
  if (batches !== undefined) return Array.from({ length: batches }, (_, i) => Math.round((100 * (i + 1)) / batches));
  const p = batchPercent ?? DEFAULT_BATCH_PERCENT;
  return Array.from({ length: Math.ceil(100 / p) }, (_, i) => Math.min(100, p * (i + 1)));
}

/**
 * Plans a rollback to an earlier release: one direct deployment of it, no pre-release gates and no
 * progressive steps (the target ran in this environment before), so it finishes in minutes.
 */
export function planRollback(env: EnvironmentConfig, target: DeployRelease, options: { inputs?: Readonly<Record<string, string>>; replaces?: DeployPlan['replaces'] } = {}): DeployPlan {
  checkRelease(target);
  const steps: PlanStep[] = [];
  new StepMaker(env, target, 'rollback', steps, options.inputs).dispatch({ strategy: 'direct', step: 1, weight: 100, label: `Roll back to ${target.version}` });
  return {
    environment: env.name,
    operation: 'rollback',
    strategy: 'direct',
    release: target,
    steps,
    warnings: [],
    ...(options.inputs && Object.keys(options.inputs).length > 0 ? { inputs: { ...options.inputs } } : {}),
    ...(options.replaces ? { replaces: { ...options.replaces } } : {}),
  };
}

/**
 * The step that undoes the live part of a progressive deploy when it is aborted after step
 * `doneIndex` (the last completed step): all traffic back to the previous version (weight 0).
 * Null when nothing live changed (no dispatch yet, blue-green before the switch) or when only a
 * rollback can restore the previous version (direct, rolling, or a finished promotion).
 * The step is not part of the plan: its index is -1.
 */
export function abortStep(env: EnvironmentConfig, plan: DeployPlan, doneIndex: number): PlanStep | null {
  if (plan.operation !== 'deploy') return null;
  const done = plan.steps.slice(0, doneIndex + 1);
  const live = done.filter((s) => s.kind === 'dispatch' || s.kind === 'switch');
  const last = live[live.length - 1];
  if (!last) return null;
  if (plan.strategy === 'canary' && last.weight < 100) return abortOf(env, plan, last);
  if (plan.strategy === 'blue-green' && last.kind === 'switch') return abortOf(env, plan, last);
  return null;
}

function abortOf(env: EnvironmentConfig, plan: DeployPlan, after: PlanStep): PlanStep {
  const steps: PlanStep[] = [];
  const label = plan.strategy === 'blue-green' ? 'Abort: switch traffic back to the previous colour' : 'Abort: all traffic back to the stable version';
  new StepMaker(env, plan.release, 'deploy', steps, plan.inputs).dispatch({ strategy: plan.strategy, step: 0, weight: 0, label });
  return { ...steps[0]!, index: -1, label: `${label} (after: ${after.label})` };
}

/**
 * Where Promote jumps from step `cursor`: the first full-traffic dispatch or switch at or after it
 * (remaining pauses and analyses of a canary, or the verify wait of blue-green, are skipped).
 * Null when the plan is not progressive or is already past its full promotion.
 */
export function promoteIndex(plan: DeployPlan, cursor: number): number | null {
  if (plan.strategy !== 'canary' && plan.strategy !== 'blue-green') return null;
  const target = plan.steps.find((s) => s.index >= cursor && (s.kind === 'dispatch' || s.kind === 'switch') && s.weight === 100);
  return target ? target.index : null;
}

/** Builds steps of one plan, filling the provider's templates. */
class StepMaker {
  constructor(
    private readonly env: EnvironmentConfig,
    private readonly release: DeployRelease,
    private readonly operation: DeployOperation,
    private readonly steps: PlanStep[],
    /** Values the person gave for workflow inputs: sent as they are (never templates). */
    private readonly given?: Readonly<Record<string, string>>,
  ) {}

  base(e: Emit): PlanStep {
    const values: Record<Placeholder, string> = {
      version: this.release.version,
      sha: this.release.sha,
      ref: this.release.ref,
      environment: this.env.name,
      strategy: e.strategy,
      step: String(e.step),
      weight: String(e.weight),
      operation: this.operation,
    };
    const provider = this.env.provider;
    const templates = provider.kind === 'workflow' ? provider.inputs : provider.kind === 'deployments' ? provider.payload : {};
    const inputs: Record<string, string> = {};
    for (const [k, t] of Object.entries(templates)) inputs[k] = renderTemplate(t, values);
    if (provider.kind === 'workflow') for (const [k, v] of Object.entries(this.given ?? {})) if (!(k in inputs)) inputs[k] = v;
    const step: PlanStep = { index: this.steps.length, kind: 'dispatch', strategy: e.strategy, step: e.step, weight: e.weight, inputs, label: e.label };
    if (provider.kind === 'command') step.argv = provider.argv.map((a) => renderTemplate(a, values));
    if (e.strategy !== 'direct' || provider.kind === 'task') {
      // Progressive steps tell the target what to do, unless the config already maps these values under names of its own.
      const used = new Set([...Object.values(templates), ...(provider.kind === 'command' ? provider.argv : [])].flatMap(placeholdersOf));
      for (const key of ['strategy', 'step', 'weight'] as const) {
        if (!used.has(key) && !(key in inputs)) inputs[key] = values[key];
      }
    }
    return step;
  }

  dispatch(e: Emit): void {
    this.steps.push(this.base(e));
  }

  wait(strategy: StrategyName, step: number, weight: number, ms: number, label?: string): void {
    if (ms <= 0) return;
    this.steps.push({ index: this.steps.length, kind: 'wait', strategy, step, weight, inputs: {}, waitMs: ms, label: label ?? `Pause ${duration(ms)}` });
  }

  analyse(strategy: StrategyName, step: number, weight: number, checks: readonly string[], label: string): void {
    if (checks.length === 0) return;
    this.steps.push({ index: this.steps.length, kind: 'analyse', strategy, step, weight, inputs: {}, checks: [...checks], label: `${label} (${checks.join(', ')})` });
  }
}

/** "90 s", "5 min", "1 h 30 min", "3 d". */
export function duration(ms: number): string {
  if (ms >= 48 * 3_600_000) return `${Math.floor(ms / 86_400_000)} d`;
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** The plan as numbered lines, for the confirmation and the CLI. */
export function planLines(plan: DeployPlan): string[] {
  return plan.steps.map((s) => `${s.index + 1}. ${s.label}`);
}
