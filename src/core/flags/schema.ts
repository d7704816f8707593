/**
 * The `flags` key of `.release-manager.json`: the feature-flag provider (Unleash first) and the
 * progressive rollouts of flags (steps, hold, health checks, what a failure rolls back to). The token
 * is never in the file: `tokenEnv` names the environment variable (CLI) and the editor keeps it in
 * SecretStorage under the same name.
 */
import { once } from '../lazy';
import * as z from 'zod';
import { apiUrlProblem } from '../remote';
import { environmentNameSchema, healthCheckSchema } from '../deploy/schema';

/** A flag name as Unleash accepts it (URL-friendly), and safe in CLI arguments, journal keys and messages. */
export const flagNameSchema = once(() => z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/, 'must be 1-100 letters, digits, ".", "_", "~" or "-", starting with a letter or digit')
  .describe('Name of the feature flag in the provider.'));

/** An environment variable name. */
const envVarSchema = once(() => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (letters, digits, "_")'));

/** A hold such as "10m", "90s", "1h", "500ms" (at most a day). */
export const holdSchema = once(() => z
  .string()
  .regex(/^\d{1,9}(?:ms|s|m|h)$/, 'must be a duration such as "500ms", "30s", "10m" or "1h"')
  .refine((s) => holdMs(s) <= 24 * 3_600_000, 'must be at most a day (24h)')
  .describe('How long each step is held while the health checks are analysed: "30s", "10m", "1h".'));

/** Milliseconds of a hold such as "10m" (NaN when it is not one). */
export function holdMs(hold: string): number {
  const m = /^(\d{1,9})(ms|s|m|h)$/.exec(hold);
  if (!m) return NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** The provider's URL: https, or http on the loopback interface only (a local server); no credentials, query or fragment. */
export const providerUrlSchema = once(() => z
  .string()
  .max(2048)
  .superRefine((u, ctx) => {
    const problem = apiUrlProblem(u);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem.replace('the API URL', 'the flag provider URL') });
  })
  .describe('Base URL of the server (https; http only on 127.0.0.1, [::1] or localhost).'));

/** Unleash (self-hosted or cloud), through its Admin API. */
export const unleashProviderSchema = once(() => z.strictObject({
  kind: z.literal('unleash').describe('Unleash, through its Admin API (needs an admin or personal access token).'),
  url: providerUrlSchema(),
  project: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/, 'must be an Unleash project id')
    .default('default')
    .describe('Unleash project of the flags (default "default").'),
  tokenEnv: envVarSchema()
    .default('UNLEASH_ADMIN_TOKEN')
    .describe('Environment variable holding the Admin API token in the CLI; the editor keeps the token in SecretStorage under this name. Never put the token in this file.'),
  timeoutMs: z.number().int().min(500).max(120_000).default(10_000).describe('How long one request to the server may take (milliseconds).'),
}));

/** The flag provider: a discriminated union on `kind` (only `unleash` so far). */
export const flagProviderSchema = once(() => z.discriminatedUnion('kind', [unleashProviderSchema()], {
  error: (issue) => (issue.code === 'invalid_union' ? 'unknown or missing flag provider kind; expected one of: unleash' : undefined),
}));

/** What a failed analysis sets the flag back to. */
export const flagRollbackSchema = once(() => z.strictObject({
  rollout: z.number().int().min(0).max(100).default(0).describe('Rollout percent set when a step fails its health analysis (default 0).'),
  disable: z.boolean().default(true).describe('Also switch the flag off in the environment (default true).'),
}));

/** One progressive rollout of a flag in an environment. */
export const flagRolloutSchema = once(() => z
  .strictObject({
    flag: flagNameSchema(),
    environment: environmentNameSchema().describe('The provider\'s environment name (Unleash environment), e.g. production.'),
    steps: z
      .array(z.number().int().min(0).max(100))
      .min(1)
      .max(20)
      .default(() => [1, 10, 50, 100])
      .describe('Rollout percentages in order, e.g. [1, 10, 50, 100]; each is set, read back and held while the health checks are analysed.'),
    hold: holdSchema().default('10m'),
    health: z.array(healthCheckSchema()).max(20).default(() => []).describe('Health checks analysed during each hold (the same kinds as the deploy strategies: http, prometheus).'),
    rollback: flagRollbackSchema().default(() => ({ rollout: 0, disable: true })).describe('What a failed analysis sets the flag back to.'),
    stickiness: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a context field name such as default, userId or sessionId')
      .default('default')
      .describe('Unleash stickiness of the gradual rollout (default, userId, sessionId, random…).'),
    groupId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/, 'must be a short id').optional().describe('Group id of the gradual rollout (default: the flag name).'),
    afterDeploy: environmentNameSchema()
      .optional()
      .describe('Deploy environment (deploy.environments[].name) after whose successful `release-manager deploy` this rollout runs as a flag stage; default: none (run it with `release-manager flag rollout`).'),
  })
  .superRefine((r, ctx) => {
    r.steps.forEach((s, i) => {
      if (i > 0 && s <= r.steps[i - 1]!) ctx.addIssue({ code: 'custom', path: ['steps', i], message: `must be greater than the step before (${r.steps[i - 1]})` });
    });
    const seen = new Map<string, number>();
    r.health.forEach((c, i) => {
      const prev = seen.get(c.id);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['health', i, 'id'], message: `duplicate health check id "${c.id}" (also health[${prev}])` });
      seen.set(c.id, i);
    });
  }));

/** The `flags` key. */
export const flagsConfigSchema = once(() => z
  .strictObject({
    provider: flagProviderSchema(),
    rollouts: z.array(flagRolloutSchema()).max(100).default(() => []).describe('Progressive rollouts of flags, one per flag and environment.'),
  })
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.rollouts.forEach((r, i) => {
      const key = `${r.flag}\u0000${r.environment}`;
      const prev = seen.get(key);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['rollouts', i], message: `duplicate rollout of ${r.flag} in ${r.environment} (also rollouts[${prev}])` });
      seen.set(key, i);
    });
  }));

/** The parsed `flags` key. */
export type FlagsConfig = z.infer<ReturnType<typeof flagsConfigSchema>>;
/** One configured flag rollout. */
export type FlagRolloutConfig = z.infer<ReturnType<typeof flagRolloutSchema>>;
/** The configured provider. */
export type FlagProviderConfig = z.infer<ReturnType<typeof flagProviderSchema>>;
/** The configured Unleash provider. */
export type UnleashProviderConfig = z.infer<ReturnType<typeof unleashProviderSchema>>;

/** The rollouts that run as flag stages after a successful deploy to `deployEnvironment`, in config order. */
export function flagStagesAfter(config: FlagsConfig | undefined, deployEnvironment: string): FlagRolloutConfig[] {
  return config?.rollouts.filter((r) => r.afterDeploy === deployEnvironment) ?? [];
}

/** The configured rollout of `flag` in `environment`, or null. */
export function findRollout(config: FlagsConfig | undefined, flag: string, environment: string): FlagRolloutConfig | null {
  return config?.rollouts.find((r) => r.flag === flag && r.environment === environment) ?? null;
}
