/**
 * The `deploy` section of `.release-manager.json`: the environment ladder (in promotion order) and,
 * per environment, how to deploy (provider), how progressively (strategy), how to tell it is
 * healthy (health checks) and what protects it (confirmation, soak time of the previous
 * environment, code freezes, automatic rollback). Parsed once at the edge; the JSON Schema for
 * editors is generated from it, so every field is described.
 */
import { once } from '../lazy';
import * as z from 'zod';
import { ConfigError, formatPath, type ConfigIssue } from '../errors';
import { freezeSchema } from '../gates/calendar';
import { gateIdSchema, repoPathSchema } from '../gates/kind';
import { refNameProblem } from '../tags';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The placeholders a template value may use; each is replaced by a value Release Manager computed and checked. */
export const PLACEHOLDERS = ['version', 'sha', 'ref', 'environment', 'strategy', 'step', 'weight', 'operation'] as const;
/** One placeholder name. */
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Every `{name}` in a template, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
}

/** Environment names: short, and safe in CLI arguments, input values, journal keys and messages. */
export const environmentNameSchema = once(() => z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .describe('Name of the environment (also its GitHub environment unless the provider names another).'));

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/** A value sent to a deployment: literal text with `{placeholders}`, one line, bounded. */
export const templateSchema = once(() => z
  .string()
  .max(1024)
  .refine((s) => !CONTROL.test(s), 'must be one line without control characters')
  .refine((s) => placeholdersOf(s).every((p) => (PLACEHOLDERS as readonly string[]).includes(p)), {
    message: `uses an unknown placeholder; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
  }));

/** A workflow_dispatch input name as GitHub accepts it. */
export const inputNameSchema = once(() => z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'must start with a letter or "_" and contain only letters, digits, "-" or "_"'));

const templates = once(() => z.record(inputNameSchema(), templateSchema()));

/** A workflow file name (`deploy.yml`, `.github/workflows/deploy.yml`) or its numeric id. */
export const workflowRefSchema = once(() => z.union([
  z
    .string()
    .regex(/^(?:\.github\/workflows\/)?[A-Za-z0-9_][A-Za-z0-9._-]{0,99}\.ya?ml$/, 'must be a workflow file name such as deploy.yml (or .github/workflows/deploy.yml)'),
  z.number().int().positive(),
]));

/** GitHub Deployments API: a deployment of the exact release commit to the environment (the default provider). */
export const deploymentsProviderSchema = once(() => z.strictObject({
  kind: z.literal('deployments').describe('Create a GitHub deployment (Deployments API); your CD system picks it up.'),
  environment: environmentNameSchema().optional().describe('GitHub environment to deploy to; default: the environment\'s name.'),
  task: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/, 'must be 1-64 letters, digits, ":", ".", "_" or "-"').default('deploy').describe('Deployment task name (GitHub default "deploy").'),
  payload: templates().default(() => ({})).describe('Extra payload fields; values may use placeholders such as {version} and {weight}.'),
  requiredContexts: z
    .array(z.string().min(1).max(200))
    .max(100)
    .optional()
    .describe('Commit status contexts that must pass before GitHub creates the deployment; omitted: all of them, []: none.'),
}));

/** GitHub Actions workflow_dispatch of a deploy workflow. */
export const workflowProviderSchema = once(() => z
  .strictObject({
    kind: z.literal('workflow').describe('Run a GitHub Actions workflow (workflow_dispatch).'),
    workflow: workflowRefSchema().describe('Workflow file name in .github/workflows (deploy.yml) or its numeric id.'),
    ref: z
      .string()
      .max(255)
      .superRefine((r, ctx) => {
        const problem = refNameProblem(r);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: `must be a branch or tag name; it ${problem}` });
      })
      .optional()
      .describe('Branch or tag whose version of the workflow runs; default: the release tag.'),
    inputs: templates().default(() => ({})).describe('Workflow inputs and their values; placeholders such as {version}, {sha}, {environment} are filled in.'),
    correlationInput: inputNameSchema()
      .optional()
      .describe('Workflow input that receives a unique id of each dispatch so the run can be identified (show it in run-name). Default: one of the conventional names the workflow declares.'),
    freeTextInputs: z
      .array(inputNameSchema())
      .max(25)
      .default(() => [])
      .describe('Inputs whose values may contain shell metacharacters. Only list inputs the workflow passes through env:, never ${{ }} inside run:.'),
    timeoutMs: ms(MINUTE, 6 * HOUR).default(HOUR).describe('How long one run may take before the step counts as failed (milliseconds).'),
  })
  .superRefine((p, ctx) => {
    if (p.correlationInput !== undefined && p.correlationInput in p.inputs) {
      ctx.addIssue({ code: 'custom', path: ['correlationInput'], message: `input "${p.correlationInput}" is also set in inputs; the correlation id needs an input of its own` });
    }
  }));

const argTemplate = once(() => templateSchema().refine((s) => !s.includes('\u0000'), 'must not contain NUL'));

/** A local command (argv, no shell); trusted workspaces only. */
export const commandProviderSchema = once(() => z.strictObject({
  kind: z.literal('command').describe('Run a local command (trusted workspaces and the CLI with --allow-commands only).'),
  argv: z
    .array(argTemplate())
    .min(1)
    .max(200)
    .refine((a) => a[0] !== '' && !/[{}]/.test(a[0] ?? ''), 'argv[0] (the program) must be a fixed, non-empty name')
    .describe('Program and arguments, e.g. ["./deploy.sh", "{environment}", "{version}", "--weight", "{weight}"]. No shell.'),
  cwd: repoPathSchema().default('.').describe('Repository-relative folder to run in.'),
  timeoutMs: ms(SECOND, 6 * HOUR).default(30 * MINUTE).describe('How long one step may run before it is killed and fails (milliseconds).'),
}));

/** A VS Code task (tasks.json); trusted workspaces only, not available in the CLI. */
export const taskProviderSchema = once(() => z.strictObject({
  kind: z.literal('task').describe('Run a VS Code task by its label (trusted workspaces only; the CLI cannot).'),
  name: z.string().min(1).max(200).refine((s) => !CONTROL.test(s), 'must be one line').describe('Label of the task in tasks.json.'),
  timeoutMs: ms(SECOND, 6 * HOUR).default(30 * MINUTE).describe('How long one step may run before it is stopped and fails (milliseconds).'),
}));

const PROVIDER_KINDS = ['deployments', 'workflow', 'command', 'task'];

/** How an environment is deployed: a discriminated union on `kind`. */
export const providerSchema = once(() => z.discriminatedUnion('kind', [deploymentsProviderSchema(), workflowProviderSchema(), commandProviderSchema(), taskProviderSchema()], {
  error: (issue) => (issue.code === 'invalid_union' ? `unknown or missing provider kind; expected one of: ${PROVIDER_KINDS.join(', ')}` : undefined),
}));

/** Direct: one deployment of the whole environment. */
export const directStrategySchema = once(() => z.strictObject({
  kind: z.literal('direct').describe('Deploy everything at once.'),
}));

/** One canary step: the traffic weight to reach, then how long to wait before analysing. */
export const canaryStepSchema = once(() => z.strictObject({
  weight: z.number().int().min(1).max(100).describe('Percent of traffic on the new version after this step.'),
  pauseMs: ms(0, DAY).default(5 * MINUTE).describe('Pause after the step before its health analysis (milliseconds).'),
}));

/** Canary: traffic in steps, each followed by a pause and a health analysis. */
export const canaryStrategySchema = once(() => z.strictObject({
  kind: z.literal('canary').describe('Shift traffic to the new version in steps.'),
  steps: z
    .array(canaryStepSchema())
    .min(1)
    .max(20)
    .default(() => [
      { weight: 10, pauseMs: 5 * MINUTE },
      { weight: 50, pauseMs: 5 * MINUTE },
    ])
    .refine((steps) => steps.every((s, i) => i === 0 || s.weight > steps[i - 1]!.weight), 'weights must increase from step to step')
    .describe('Traffic steps in order; a last step below 100 is followed by a full promotion.'),
  analysis: z
    .strictObject({
      checks: z.array(gateIdSchema()).max(50).optional().describe('Ids of the environment\'s health checks analysed between steps; default: all.'),
    })
    .prefault(() => ({}))
    .describe('Health analysis between steps: a failing check aborts the canary.'),
}));

/** Blue-green: deploy to the idle colour, verify it, then switch traffic. */
export const blueGreenStrategySchema = once(() => z.strictObject({
  kind: z.literal('blueGreen').describe('Deploy to the idle colour, verify, switch.'),
  verifyMs: ms(0, DAY).default(5 * MINUTE).describe('How long the idle colour is verified before the switch (milliseconds).'),
  verifyChecks: z
    .array(gateIdSchema())
    .max(50)
    .optional()
    .describe('Ids of the environment\'s health checks that reach the idle colour (e.g. its preview URL), analysed before the switch; without them the idle colour is only given verifyMs.'),
}));

/** Rolling: replace the capacity in batches. */
export const rollingStrategySchema = once(() => z
  .strictObject({
    kind: z.literal('rolling').describe('Replace the capacity batch by batch.'),
    batches: z.number().int().min(1).max(100).optional().describe('Number of batches (give this or batchPercent).'),
    batchPercent: z.number().int().min(1).max(100).optional().describe('Percent of the capacity per batch (give this or batches).'),
    pauseMs: ms(0, DAY).default(MINUTE).describe('Pause after each batch before its health analysis (milliseconds).'),
  })
  .superRefine((r, ctx) => {
    if (r.batches !== undefined && r.batchPercent !== undefined) ctx.addIssue({ code: 'custom', path: ['batchPercent'], message: 'give batches or batchPercent, not both' });
  }));

const STRATEGY_KINDS = ['direct', 'canary', 'blueGreen', 'rolling'];

/** How progressively an environment is deployed. */
export const strategySchema = once(() => z.discriminatedUnion('kind', [directStrategySchema(), canaryStrategySchema(), blueGreenStrategySchema(), rollingStrategySchema()], {
  error: (issue) => (issue.code === 'invalid_union' ? `unknown or missing strategy kind; expected one of: ${STRATEGY_KINDS.join(', ')}` : undefined),
}));

const probeUrl = once(() => z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i, 'must be an http(s) URL without spaces or user:password@ (put no credentials in the config)')
  .describe('URL to probe.'));

const jsonPathSchema = once(() => z
  .string()
  .max(200)
  .regex(/^(?:\$\.?)?(?:[A-Za-z_][A-Za-z0-9_-]*|\[\d{1,6}\])(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d{1,6}\])*$/, 'must be a path such as status.errorRate or checks[0].value')
  .refine((p) => !/(?:^|[.$])(?:__proto__|constructor|prototype)(?:$|[.[])/.test(p), 'must not name __proto__, constructor or prototype'));

const threshold = once(() => ({
  max: z.number().finite().optional().describe('Highest acceptable value (inclusive).'),
  min: z.number().finite().optional().describe('Lowest acceptable value (inclusive).'),
}));

const sampling = once(() => ({
  id: gateIdSchema().describe('Unique id of the check within the environment (canary analysis names it).'),
  windowMs: ms(SECOND, DAY).default(5 * MINUTE).describe('The check passes once a window this long has been observed with enough samples, and no more bad samples than tolerated were taken since the step began (milliseconds).'),
  intervalMs: ms(SECOND, HOUR).default(15 * SECOND).describe('Time between samples (milliseconds).'),
  minSamples: z.number().int().min(1).max(10_000).optional().describe('Samples needed in the window to decide; default: half of windowMs / intervalMs (at least 1).'),
  maxFailures: z.number().int().min(0).max(10_000).default(0).describe('Bad samples tolerated since the step began before the check fails.'),
  timeoutMs: ms(100, MINUTE).default(5 * SECOND).describe('How long one sample may take; a timeout is a bad sample (milliseconds).'),
}));

function checkThresholds(c: { min?: number | undefined; max?: number | undefined; windowMs: number; intervalMs: number }, ctx: z.RefinementCtx, needsOne: boolean): void {
  if (c.min !== undefined && c.max !== undefined && c.min > c.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'must not be above max' });
  if (needsOne && c.min === undefined && c.max === undefined) ctx.addIssue({ code: 'custom', path: ['max'], message: 'give max, min or both' });
  if (c.intervalMs > c.windowMs) ctx.addIssue({ code: 'custom', path: ['intervalMs'], message: 'must not be longer than windowMs' });
}

/** HTTP probe: status code, and optionally a numeric JSON field within bounds, over a window. */
export const httpCheckSchema = once(() => z
  .strictObject({
    kind: z.literal('http').describe('Probe a URL.'),
    ...sampling(),
    url: probeUrl(),
    expectStatus: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1).max(20)])
      .default(200)
      .describe('Status code (or codes) of a good response.'),
    jsonPath: jsonPathSchema().optional().describe('Numeric field of the JSON response checked against min/max, e.g. status.errorRate.'),
    ...threshold(),
  })
  .superRefine((c, ctx) => checkThresholds(c, ctx, c.jsonPath !== undefined)));

/** Prometheus query: every series of the instant query within bounds, over a window. */
export const prometheusCheckSchema = once(() => z
  .strictObject({
    kind: z.literal('prometheus').describe('Evaluate a Prometheus query.'),
    ...sampling(),
    url: probeUrl().describe('Base URL of the Prometheus server (the query goes to /api/v1/query).'),
    query: z
      .string()
      .min(1)
      .max(4000)
      // eslint-disable-next-line no-control-regex
      .refine((q) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(q), 'must not contain control characters')
      .describe('PromQL instant query, e.g. sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])).'),
    noData: z.enum(['ignore', 'pass', 'fail']).default('ignore').describe('A sample with no series: not counted (ignore), good (pass) or bad (fail).'),
    ...threshold(),
  })
  .superRefine((c, ctx) => checkThresholds(c, ctx, true)));

/** One health check of an environment. */
export const healthCheckSchema = once(() => z.discriminatedUnion('kind', [httpCheckSchema(), prometheusCheckSchema()], {
  error: (issue) => (issue.code === 'invalid_union' ? 'unknown or missing health check kind; expected one of: http, prometheus' : undefined),
}));

/** What protects an environment. */
export const protectionSchema = once(() => z.strictObject({
  confirm: z.boolean().optional().describe('Ask for a confirmation naming the version before deploying; default: yes for production environments.'),
  requireHealthyPreviousMs: ms(0, 30 * DAY)
    .default(0)
    .describe('How long the previous environment must have run this exact commit healthily before this one may be deployed (milliseconds).'),
  freezes: z.array(freezeSchema()).max(500).default(() => []).describe('Code-freeze windows: inside one only hotfixes are deployed here.'),
  autoRollback: z
    .boolean()
    .default(false)
    .describe(
      'Deploy the last successful release again, automatically, when the deploy fails where shifting traffic back cannot undo it: after a canary or blue-green switch reached all traffic, or during a direct or rolling deploy. (A canary or blue-green deploy that fails before that always shifts all traffic back to the stable version, with or without this.)',
    ),
  gates: z.array(gateIdSchema()).max(100).optional().describe('Ids of the readiness gates that must pass before deploying here; default: all configured gates, []: none.'),
}));

/** One environment of the ladder. */
export const environmentSchema = once(() => z
  .strictObject({
    name: environmentNameSchema(),
    production: z.boolean().optional().describe('A production environment (confirmation by default); default: true for names such as production, prod or live.'),
    url: z.string().max(2048).regex(/^https?:\/\/[^\s@]+$/i, 'must be an http(s) URL without credentials').optional().describe('Where the environment is reachable (shown and recorded with deployments).'),
    provider: providerSchema().prefault(() => ({ kind: 'deployments' as const })).describe('How to deploy (default: GitHub Deployments API).'),
    strategy: strategySchema().prefault(() => ({ kind: 'direct' as const })).describe('How progressively (default: direct).'),
    healthChecks: z.array(healthCheckSchema()).max(20).default(() => []).describe('Health checks analysed during and after a deploy.'),
    protection: protectionSchema().prefault(() => ({})).describe('Confirmation, soak time of the previous environment, freezes, automatic rollback.'),
  })
  .superRefine((env, ctx) => {
    const ids = new Map<string, number>();
    env.healthChecks.forEach((c, i) => {
      const prev = ids.get(c.id);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['healthChecks', i, 'id'], message: `duplicate health check id "${c.id}" (also healthChecks[${prev}])` });
      else ids.set(c.id, i);
    });
    if (env.strategy.kind === 'canary') {
      (env.strategy.analysis.checks ?? []).forEach((id, i) => {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['strategy', 'analysis', 'checks', i], message: `no health check "${id}" in this environment` });
      });
    }
    if (env.strategy.kind === 'blueGreen') {
      (env.strategy.verifyChecks ?? []).forEach((id, i) => {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['strategy', 'verifyChecks', i], message: `no health check "${id}" in this environment` });
      });
    }
    if (env.protection.autoRollback && env.healthChecks.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['protection', 'autoRollback'], message: 'needs at least one health check to decide when to roll back' });
    }
  }));

/** The deploy section: the ladder of environments in promotion order (e.g. staging, then production). */
export const deployConfigSchema = once(() => z
  .strictObject({
    environments: z.array(environmentSchema()).min(1).max(20).describe('Environments in promotion order: each is deployed after the one before it is healthy.'),
  })
  .superRefine((d, ctx) => {
    const names = new Map<string, number>();
    d.environments.forEach((e, i) => {
      const key = e.name.toLowerCase();
      const prev = names.get(key);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['environments', i, 'name'], message: `duplicate environment "${e.name}" (also environments[${prev}]; names are case-insensitive)` });
      else names.set(key, i);
    });
  })
  .describe('Deployments: environments, providers, strategies, health checks and protection.'));

/** The parsed deploy section. */
export type DeployConfig = z.infer<ReturnType<typeof deployConfigSchema>>;
/** One parsed environment. */
export type EnvironmentConfig = z.infer<ReturnType<typeof environmentSchema>>;
/** One parsed provider. */
export type ProviderConfig = z.infer<ReturnType<typeof providerSchema>>;
/** One parsed strategy. */
export type StrategyConfig = z.infer<ReturnType<typeof strategySchema>>;
/** One parsed health check. */
export type HealthCheckConfig = z.infer<ReturnType<typeof healthCheckSchema>>;
/** A parsed HTTP health check. */
export type HttpCheckConfig = z.infer<ReturnType<typeof httpCheckSchema>>;
/** A parsed Prometheus health check. */
export type PrometheusCheckConfig = z.infer<ReturnType<typeof prometheusCheckSchema>>;
/** A strategy kind as configured. */
export type StrategyKind = StrategyConfig['kind'];

/** Parses the deploy section (the raw JSON value), or throws a ConfigError naming every problem by path (`deploy.environments[1].strategy.steps`). */
export function parseDeployConfig(raw: unknown, file = '.release-manager.json'): DeployConfig {
  const result = deployConfigSchema().safeParse(raw);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.flatMap((i) => {
    const path = ['deploy', ...i.path.filter((k): k is string | number => typeof k !== 'symbol')];
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...path, k], message: `unknown key "${k}"` }));
    return [{ path, message: i.message }];
  });
  const problems = issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`${file} is invalid:\n  ${problems.join('\n  ')}`, problems, `Fix the deploy section of ${file} (see the JSON Schema in its "$schema").`, file, issues);
}

/** The environment used when the config has no deploy section: GitHub Deployments API, direct, no checks. */
export function implicitEnvironment(name: string): EnvironmentConfig {
  return environmentSchema().parse({ name });
}

/** The environment of that name (case-insensitive) from the config, the implicit one when there is no deploy config, or null when the ladder has no such environment. */
export function findEnvironment(config: DeployConfig | undefined, name: string): { env: EnvironmentConfig; index: number } | null {
  if (config === undefined) return environmentNameSchema().safeParse(name).success ? { env: implicitEnvironment(name), index: 0 } : null;
  const index = config.environments.findIndex((e) => e.name.toLowerCase() === name.toLowerCase());
  return index < 0 ? null : { env: config.environments[index]!, index };
}

/** Whether the environment is production: as configured, else by its name (production, prod, live, prd). */
export function isProduction(env: EnvironmentConfig): boolean {
  return env.production ?? /^(?:prod|production|live|prd)$|^prod[-_.]|[-_.]prod(?:uction)?$/i.test(env.name);
}

/** Whether a deploy to the environment asks for a confirmation naming the version (CLI: --yes). */
export function needsConfirmation(env: EnvironmentConfig): boolean {
  return env.protection.confirm ?? isProduction(env);
}

/** The GitHub environment a deployment goes to. */
export function githubEnvironment(env: EnvironmentConfig): string {
  return env.provider.kind === 'deployments' ? (env.provider.environment ?? env.name) : env.name;
}

/** Where an operation runs, for deciding whether its provider may run there. */
export interface ProviderHost {
  /** The editor, or the CLI. */
  host: 'editor' | 'cli';
  /** Editor: the workspace is trusted. CLI: --allow-commands was given. */
  trusted: boolean;
}

/** Whether the environment is deployed by a local command or a VS Code task (its history is kept in the git directory, not on GitHub). */
export function isLocalProvider(env: EnvironmentConfig): boolean {
  return env.provider.kind === 'command' || env.provider.kind === 'task';
}

/**
 * Why the environment's provider cannot run here, or null when it can: a local command runs only
 * in a trusted workspace (CLI: with --allow-commands), a VS Code task only in a trusted editor.
 */
export function providerBlockedReason(env: EnvironmentConfig, where: ProviderHost): string | null {
  const p = env.provider;
  if (p.kind === 'task') {
    if (where.host === 'cli') return `${env.name} deploys with the VS Code task "${p.name}", which the CLI cannot run; deploy from the editor or configure a command provider.`;
    if (!where.trusted) return `${env.name} deploys with a VS Code task, which runs only in a trusted workspace.`;
  }
  if (p.kind === 'command' && !where.trusted) {
    return where.host === 'cli' ? `${env.name} deploys with a local command, which the CLI runs only with --allow-commands.` : `${env.name} deploys with a local command, which runs only in a trusted workspace.`;
  }
  return null;
}
