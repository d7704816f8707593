import { once } from './lazy';
import * as z from 'zod';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { announceConfigSchema } from './announce/schema';
import { deployConfigSchema } from './deploy/schema';
import { ConfigError, formatPath } from './errors';
import { flagsConfigSchema } from './flags/schema';
import { repoPathSchema } from './gates/kind';
import { gateSchema, gatesSchema } from './gates/schema';
import { metricsConfigSchema } from './metrics/schema';
import { notesRulesShape } from './notesRules';
import { planConfigSchema } from './plan/milestone';
import { riskConfigSchema } from './risk/schema';

/** Name of the release configuration file at the repository root. */
export const CONFIG_FILE = '.release-manager.json';
/** Largest config file we accept; anything bigger is almost certainly not a config. */
export const MAX_CONFIG_BYTES = 256 * 1024;

const semverText = once(() => z
  .string()
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, 'must be a plain version such as 1.0.0'));
const tagFormat = once(() => z
  .string()
  .min(1)
  .max(200)
  .refine((s) => s.split('{version}').length === 2, 'must contain {version} exactly once')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\s~^:?*[\\\u0000-\u001f\u007f]|\.\.|@\{/.test(s.replace('{version}', '').replace('{name}', '')), 'must only contain characters allowed in git tag names')
  .refine((s) => !s.startsWith('-'), 'must not start with "-" (git refuses such tag names; they would read as options)'));

/** One package of a monorepo: its folder and how its tags are named. */
export const packageSchema = once(() => z.strictObject({
  name: z.string().min(1).max(214).regex(/^[^\s~^:?*[\\]+$/, 'must be usable in a git tag name').describe('Package name, used in its tags.'),
  path: z
    .string()
    .min(1)
    .max(500)
    .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p), 'must be relative to the repository root')
    .refine((p) => !p.split(/[\\/]/).includes('..'), 'must not leave the repository (no "..")')
    .describe('Folder of the package, relative to the repository root.'),
  tagFormat: tagFormat().default('{name}@{version}').describe('Tag name of a release of this package.'),
  initialVersion: semverText().optional().describe('Version of the first release of this package.'),
}));

/**
 * The whole release configuration: the contract between the config file and the engine, and the source of the JSON
 * Schema for editors. Parsing uses parseSchema() instead, which builds the optional sections' schemas only for a file
 * that has them.
 */
export const releaseConfigSchema = once(() => {
  const { plan, ...rest } = releaseConfigShape().shape;
  const { deploy, metrics, announce, flags, risk } = sectionShape();
  // The keys in the order the JSON Schema has always listed them.
  return z.strictObject({ ...rest, deploy, metrics, announce, plan, flags, risk });
});

/** The optional sections, each parsed (its schema built) only when the file has it: most files have none of them. */
const SECTION_SCHEMAS = { deploy: deployConfigSchema, metrics: metricsConfigSchema, announce: announceConfigSchema, flags: flagsConfigSchema, risk: riskConfigSchema };

/** The optional sections as releaseConfigSchema declares them (described for the JSON Schema). */
const sectionShape = once(() => ({
  deploy: deployConfigSchema()
    .optional()
    .describe('Environments to deploy to (staging → production), their providers, strategies, health checks and protection. Omitted: the GitHub Deployments API, one environment at a time.'),
  metrics: metricsConfigSchema()
    .optional()
    .describe('Release metrics: the default environment, the incident labels and the targets. Omitted: production, label incident, severity P1, the default targets.'),
  announce: announceConfigSchema()
    .optional()
    .describe('Stakeholder announcements: channels per audience (Slack, e-mail, GitHub, file), the notice lead time and what the templates say. Omitted: files under release-announcements/.'),
  flags: flagsConfigSchema()
    .optional()
    .describe('Feature flags: the provider (Unleash) and the progressive rollouts of flags (steps, hold, health checks, rollback). Omitted: no flag commands.'),
  risk: riskConfigSchema()
    .optional()
    .describe('Release risk score (release-manager risk, the risk gate and the checklist\'s risk panel): critical paths, lockfiles, weights, thresholds, business-risk questions. Omitted: the defaults of docs/risk.md.'),
}));

/** Everything but the optional sections. */
const releaseConfigShape = once(() => z.strictObject({
  $schema: z.string().optional(),
  tagFormat: tagFormat().default('v{version}').describe('Tag name of a release; {version} is replaced by the version.'),
  initialVersion: semverText().default('0.1.0').describe('Version of the first release when no release tag exists yet.'),
  ...notesRulesShape(),
  packages: z.array(packageSchema()).default(() => []).describe('Packages of a monorepo, each released on its own.'),
  gates: gatesSchema(),
  gateConcurrency: z.number().int().min(1).max(32).default(4).describe('How many gates run at the same time.'),
  decisionLog: repoPathSchema()
    .default('RELEASE-DECISIONS.md')
    .describe('Repository-relative markdown file that Record Go/No-Go Decision appends to.'),
  plan: planConfigSchema()
    .prefault(() => ({}))
    .describe('Release planning: which GitHub milestone is the release\'s scope (the Plan, release-manager plan, the milestone gate).'),
}));

/** What parsing checks first: every key but the optional sections' contents (each section parsed after, if present). */
const parseShape = once(() => releaseConfigShape().extend(Object.fromEntries(Object.keys(SECTION_SCHEMAS).map((k) => [k, z.unknown().optional()])) as Record<keyof typeof SECTION_SCHEMAS, z.ZodOptional<z.ZodUnknown>>));

/**
 * releaseConfigSchema().safeParse, building the schemas of only the sections the file has: the same data and the same
 * issues (paths from the root), the rest of the file's first, then each section's.
 */
function parseSchema(raw: unknown): { success: true; data: ReleaseConfig } | { success: false; issues: z.core.$ZodIssue[] } {
  const base = parseShape().safeParse(raw);
  const issues: z.core.$ZodIssue[] = base.success ? [] : [...base.error.issues];
  const data: Record<string, unknown> = base.success ? { ...base.data } : {};
  const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  for (const [key, schema] of Object.entries(SECTION_SCHEMAS)) {
    if (!Object.prototype.hasOwnProperty.call(input, key) || input[key] === undefined) {
      delete data[key];
      continue;
    }
    const section = schema().safeParse(input[key]);
    if (section.success) data[key] = section.data;
    else issues.push(...section.error.issues.map((i) => ({ ...i, path: [key, ...i.path] })));
  }
  return issues.length === 0 ? { success: true, data: data as ReleaseConfig } : { success: false, issues };
}

/** The parsed, defaulted release configuration (the whole .release-manager.json). */
export type ReleaseConfig = z.infer<ReturnType<typeof releaseConfigSchema>>;
/** One configured monorepo package. */
export type PackageConfig = z.infer<ReturnType<typeof packageSchema>>;

/** The configuration used when the repository has no config file. */
export function defaultConfig(): ReleaseConfig {
  const parsed = parseSchema({});
  if (!parsed.success) throw new Error('the default configuration does not parse');
  return parsed.data;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses config file text (strict JSON) into a typed config, or throws a ConfigError naming every problem by path. */
export function parseConfig(text: string, file = CONFIG_FILE): ReleaseConfig {
  const fix = `Edit ${file} (see the JSON Schema in its "$schema") or delete it to use the defaults.`;
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError(`${file} is too large (${text.length} bytes, limit ${MAX_CONFIG_BYTES}).`, ['(file): too large'], fix, file);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw new ConfigError(`${file} starts with a byte-order mark.`, ['(file): byte-order mark'], `Save ${file} as UTF-8 without BOM.`, file);
  }
  if (text.trim() === '') {
    throw new ConfigError(`${file} is empty.`, ['(file): empty'], `Write {} into ${file} for the defaults, or delete it.`, file);
  }
  const badKeys: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text, function (this: unknown, key: string, value: unknown) {
      if (FORBIDDEN_KEYS.has(key)) badKeys.push(key);
      return value;
    });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ConfigError(
      `${file} is not valid JSON: ${detail}. Comments and trailing commas are not allowed.`,
      [`(file): ${detail}`],
      fix,
      file,
    );
  }
  if (badKeys.length > 0) {
    const problems = badKeys.map((k) => `${k}: forbidden key`);
    throw new ConfigError(`${file} contains forbidden keys: ${badKeys.join(', ')}.`, problems, fix, file);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    const problems = duplicates.map((d) => `${formatPath(d.path)}: duplicate key "${d.key}" (JSON keeps only the last one)`);
    const issues = duplicates.map((d) => ({ path: d.path, message: `duplicate key "${d.key}"` }));
    throw new ConfigError(`${file} has duplicate keys:\n  ${problems.join('\n  ')}`, problems, `Keep one of each key in ${file}.`, file, issues);
  }
  const result = parseSchema(raw);
  if (!result.success) {
    const problems = result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    const issues = result.issues.flatMap((i) => {
      const path = i.path.filter((k): k is string | number => typeof k !== 'symbol');
      // An unknown key is placed at the key itself, so an editor can underline it.
      if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...path, k], message: `unknown key "${k}"` }));
      return [{ path, message: i.message }];
    });
    throw new ConfigError(`${file} is invalid:\n  ${problems.join('\n  ')}`, problems, fix, file, issues);
  }
  checkSemantics(result.data, file, fix);
  return withNoticeGate(result.data);
}

/**
 * The notice gate is on by default once any announcement channel is configured: a config with channels
 * and no `notice` gate gets `{ "id": "notice", "kind": "notice" }` (production deploys only).
 */
export function withNoticeGate(config: ReleaseConfig): ReleaseConfig {
  if ((config.announce?.channels.length ?? 0) === 0 || config.gates.some((g) => g.kind === 'notice' || g.id === 'notice')) return config;
  return { ...config, gates: [...config.gates, gateSchema().parse({ id: 'notice', kind: 'notice' })] };
}

/** Keys written twice in one object (JSON.parse silently keeps the last), with the path of the second. */
export function duplicateKeys(text: string): { key: string; path: (string | number)[] }[] {
  const found: { key: string; path: (string | number)[] }[] = [];
  const walk = (node: JsonNode | undefined, path: (string | number)[]): void => {
    if (!node) return;
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        const key = String(keyNode?.value);
        if (seen.has(key)) found.push({ key, path: [...path, key] });
        seen.add(key);
        walk(valueNode, [...path, key]);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, i) => walk(child, [...path, i]));
    }
  };
  walk(parseTree(text, [], { disallowComments: true }), []);
  return found;
}

function checkSemantics(config: ReleaseConfig, file: string, fix: string): void {
  const problems: string[] = [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  const seenType = new Map<string, number>();
  config.sections.forEach((s, i) =>
    s.types.forEach((t, j) => {
      const prev = seenType.get(t.toLowerCase());
      if (prev !== undefined) {
        problems.push(`sections[${i}].types[${j}]: type "${t}" is already in sections[${prev}]`);
        issues.push({ path: ['sections', i, 'types', j], message: `type "${t}" is already in sections[${prev}]` });
      }
      else seenType.set(t.toLowerCase(), i);
    }),
  );
  const names = new Set<string>();
  config.packages.forEach((p, i) => {
    if (names.has(p.name)) {
      problems.push(`packages[${i}].name: duplicate package "${p.name}"`);
      issues.push({ path: ['packages', i, 'name'], message: `duplicate package "${p.name}"` });
    }
    names.add(p.name);
  });
  const gateIds = new Map<string, number>();
  config.gates.forEach((g, i) => {
    const prev = gateIds.get(g.id);
    if (prev !== undefined) {
      problems.push(`gates[${i}].id: duplicate gate id "${g.id}" (also gates[${prev}])`);
      issues.push({ path: ['gates', i, 'id'], message: `duplicate gate id "${g.id}" (also gates[${prev}])` });
    } else gateIds.set(g.id, i);
  });
  if (problems.length > 0) throw new ConfigError(`${file} is invalid:\n  ${problems.join('\n  ')}`, problems, fix, file, issues);
}


export { formatPath };

/** The JSON Schema of the config file, generated from the zod schema for editors. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(releaseConfigSchema(), { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return { ...schema, title: 'Release Manager configuration', description: `Configuration of ${CONFIG_FILE}.` };
}
