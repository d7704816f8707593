/**
 * The `risk` key of `.release-manager.json`: which paths are critical, which files are lockfiles,
 * the weight of each factor, the level thresholds, the business-risk questions and whether a
 * high-risk release must deploy with a canary.
 */
import { once } from '../lazy';
import * as z from 'zod';

/** The measured factors, in the order they are listed (questions follow them). */
export const FACTOR_IDS = [
  'commits',
  'filesChanged',
  'linesChanged',
  'breakingChanges',
  'criticalPaths',
  'dependencies',
  'firstTimeContributors',
  'failedCi',
  'sinceLastRelease',
  'reverts',
  'deployTiming',
  'changeFailureRate',
] as const;
/** A measured factor's id. */
export type FactorId = (typeof FACTOR_IDS)[number];

/** Default weight of each measured factor: the most points it can contribute. */
export const DEFAULT_WEIGHTS: Record<FactorId, number> = {
  commits: 10,
  filesChanged: 10,
  linesChanged: 10,
  breakingChanges: 15,
  criticalPaths: 20,
  dependencies: 10,
  firstTimeContributors: 5,
  failedCi: 10,
  sinceLastRelease: 10,
  reverts: 10,
  deployTiming: 15,
  changeFailureRate: 15,
};

/** Lockfiles and dependency manifests whose change counts as a dependency change (matched at any depth). */
export const DEFAULT_LOCKFILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'go.sum',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'Gemfile.lock',
  'composer.lock',
  'mix.lock',
  'pubspec.lock',
  'Podfile.lock',
  'packages.lock.json',
  'gradle.lockfile',
];

/** Default business-risk questions, each worth its weight when answered yes. */
export const DEFAULT_QUESTIONS = [
  { id: 'customer-facing', text: 'Is this release customer-facing (users see the change)?', weight: 10 },
  { id: 'data-migration', text: 'Does this release migrate or rewrite data?', weight: 15 },
  { id: 'contractual-date', text: 'Is the release bound to a contractual or announced date?', weight: 10 },
];

/**
 * A path glob as git's `:(glob)` pathspec magic reads it (`migrations/**`, `**\/auth/**`, `*.sql`):
 * repository-relative, no pathspec magic of its own, no `..`.
 */
export const pathGlobSchema = once(() => z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'must not contain control characters')
  .refine((p) => !p.startsWith(':'), 'must not start with ":" (pathspec magic is added by Release Manager)')
  .refine((p) => !p.startsWith('/') && !p.startsWith('\\') && !/^[A-Za-z]:/.test(p), 'must be relative to the repository root')
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'must not leave the repository (no "..")'));

const weight = once(() => z.number().min(0).max(100));
const weightsShape = once(
  () =>
    Object.fromEntries(FACTOR_IDS.map((id) => [id, weight().optional().describe(`Weight of ${id} (default ${DEFAULT_WEIGHTS[id]}); 0 turns it off (still listed).`)])) as Record<
      FactorId,
      z.ZodOptional<z.ZodNumber>
    >,
);

/** A business-risk question, answered yes or no per release (recorded as a sign-off). */
export const riskQuestionSchema = once(() => z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or "-", starting with a letter or digit')
    .describe('Stable id of the question (answers are recorded under risk:<id>).'),
  text: z.string().min(1).max(200).describe('The question as people read it; a yes adds its weight.'),
  weight: weight().describe('Points a yes adds to the score.'),
}));
/** One configured question. */
export type RiskQuestion = z.infer<ReturnType<typeof riskQuestionSchema>>;

/** Config of the release risk score. */
export const riskConfigSchema = once(() => z
  .strictObject({
    criticalPaths: z
      .array(pathGlobSchema())
      .max(100)
      .default(() => [])
      .describe('Path globs (git :(glob) pathspecs, e.g. "migrations/**", "**/auth/**") whose change makes a release riskier.'),
    lockfiles: z
      .array(pathGlobSchema())
      .max(100)
      .default(() => [...DEFAULT_LOCKFILES])
      .describe('File names or globs of lockfiles; a file name alone matches at any depth. Default: the usual lockfiles of npm, yarn, pnpm, Go, Cargo, Poetry, Bundler, Composer…'),
    weights: z.strictObject(weightsShape()).default(() => ({})).describe('Weight (most points) of each factor, overriding the defaults (see docs/risk.md).'),
    thresholds: z
      .strictObject({
        medium: z.number().min(0).max(10_000).default(30).describe('Score from which the risk is medium (default 30).'),
        high: z.number().min(0).max(10_000).default(60).describe('Score from which the risk is high (default 60).'),
      })
      .prefault(() => ({}))
      .refine((t) => t.high > t.medium, { message: 'high must be greater than medium', path: ['high'] })
      .describe('Score thresholds of the levels: low below medium, high from high.'),
    questions: z
      .array(riskQuestionSchema())
      .max(20)
      .default(() => DEFAULT_QUESTIONS.map((q) => ({ ...q })))
      .superRefine((qs, ctx) => {
        const seen = new Set<string>();
        qs.forEach((q, i) => {
          if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate question id "${q.id}"` });
          seen.add(q.id);
        });
      })
      .describe('Business-risk questions answered per release (default: customer-facing, data-migration, contractual-date).'),
    requireCanary: z.boolean().default(false).describe('A high-risk release must also deploy with a canary strategy to pass the risk gate.'),
    timeZone: z
      .string()
      .max(64)
      .refine((z) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: z });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Berlin')
      .optional()
      .describe('Time zone of the deploy-timing factor (Friday evening, night); default UTC.'),
  })
  .describe('Release risk score: factors, weights, thresholds and business-risk questions.'));

/** The parsed risk config. */
export type RiskConfig = z.infer<ReturnType<typeof riskConfigSchema>>;

/** The risk config when the file has none. */
export function defaultRiskConfig(): RiskConfig {
  return riskConfigSchema().parse({});
}

/** The weight of a measured factor: configured, else the default. */
export function weightOf(config: RiskConfig, id: FactorId): number {
  return config.weights[id] ?? DEFAULT_WEIGHTS[id];
}

/** The risk settings of a configuration: its `risk` key, else the defaults. */
export function riskConfigOf(config: { risk?: RiskConfig | undefined }): RiskConfig {
  return config.risk ?? defaultRiskConfig();
}
