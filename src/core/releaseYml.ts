/**
 * GitHub's automatically-generated-release-notes configuration (`.github/release.yml`): the
 * schema and the parser of an already-parsed YAML value. Reading and YAML parsing live in
 * src/node/releaseYml.ts. Format: https://docs.github.com/en/repositories/releasing-projects-on-github/automatically-generated-release-notes
 */
import { once } from './lazy';
import * as z from 'zod';
import { formatPath } from './config';
import { ConfigError } from './errors';
import { oneLine } from './sanitize';

/** Where GitHub looks for the file, in order. */
export const RELEASE_YML_FILES = ['.github/release.yml', '.github/release.yaml'] as const;
/** Largest release.yml we read. */
export const MAX_RELEASE_YML_BYTES = 64 * 1024;

/** The label that makes a category a catch-all. */
export const CATCH_ALL = '*';

// YAML turns `- 1.0` into a number: GitHub reads labels as text, so do we.
const text = once(() => z.union([z.string(), z.number()]).transform((v) => oneLine(String(v))));
const name = once(() => text().pipe(z.string().min(1, 'must not be empty').max(200)));
const list = once(() => z.array(name()).max(500));
const exclusions = once(() => z
  .object({
    labels: list().nullish().transform((v) => v ?? []),
    authors: list().nullish().transform((v) => v ?? []),
  })
  .nullish()
  .transform((v) => v ?? { labels: [], authors: [] }));

const categorySchema = once(() => z.object({
  title: name(),
  labels: z.array(name()).min(1, 'must list at least one label ("*" for every other pull request)').max(500),
  exclude: exclusions(),
}));

/** The schema of the file (unknown keys are ignored, as GitHub does). */
export const releaseYmlSchema = once(() => z
  .object({
    changelog: z
      .object({
        exclude: exclusions(),
        categories: z.array(categorySchema()).max(100).nullish().transform((v) => v ?? []),
      })
      .nullish()
      .transform((v) => v ?? { exclude: { labels: [], authors: [] }, categories: [] }),
  })
  .nullish()
  .transform((v) => v ?? { changelog: { exclude: { labels: [], authors: [] }, categories: [] } }));

/** Labels and authors a rule leaves out. */
export interface ReleaseYmlExclusions {
  labels: string[];
  authors: string[];
}

/** One category: pull requests with one of its labels (or any, for "*") and none of its exclusions. */
export interface ReleaseYmlCategory {
  title: string;
  labels: string[];
  exclude: ReleaseYmlExclusions;
}

/** The parsed configuration. */
export interface ReleaseYml {
  /** Repository-relative file it came from. */
  file: string;
  /** Pull requests left out of the notes altogether. */
  exclude: ReleaseYmlExclusions;
  /** Categories in display order; a pull request goes to the first that takes it. */
  categories: ReleaseYmlCategory[];
}

/** Parses the YAML value of a release.yml into its typed form, or throws a ConfigError naming each problem by path. */
export function parseReleaseYml(value: unknown, file: string = RELEASE_YML_FILES[0]): ReleaseYml {
  const result = releaseYmlSchema().safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.filter((k): k is string | number => typeof k !== 'symbol'), message: i.message }));
    const problems = issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(
      `${file} is invalid:\n  ${problems.join('\n  ')}`,
      problems,
      `Fix ${file} (see GitHub's "Automatically generated release notes" documentation) or delete it to group by commit type.`,
      file,
      issues,
    );
  }
  const { changelog } = result.data;
  return { file, exclude: changelog.exclude, categories: changelog.categories };
}

/** Whether a login is named by a list of authors (case-insensitive; `dependabot` also names `dependabot[bot]`). */
export function authorListed(login: string | null | undefined, authors: readonly string[]): boolean {
  if (!login) return false;
  const l = login.toLowerCase();
  const bare = l.endsWith('[bot]') ? l.slice(0, -5) : null;
  return authors.some((a) => {
    const x = a.toLowerCase();
    return x === l || (bare !== null && x === bare);
  });
}

/** Whether one of the labels is in the list (labels compare case-insensitively, as GitHub's do). */
export function labelListed(labels: readonly string[], list: readonly string[]): boolean {
  if (labels.length === 0 || list.length === 0) return false;
  const wanted = new Set(list.map((l) => l.toLowerCase()));
  return labels.some((l) => wanted.has(l.toLowerCase()));
}
