/**
 * Which GitHub milestone is a release's scope: the first of the configured title patterns
 * (`plan.milestone`, default `v{version}` then `{version}`) that names an existing milestone, with
 * `{version}` the release's version without its prerelease part (1.3.0-rc.1 belongs to v1.3.0).
 * Shared by the Plan (CLI, tree), the `milestone` gate and the `blockers` gate.
 */
import { once } from '../lazy';
import * as z from 'zod';
import type { GhMilestone } from '../githubApi';

/** The patterns tried when the config names none, in order. */
export const DEFAULT_MILESTONE_PATTERNS: readonly string[] = ['v{version}', '{version}'];

/** One milestone title pattern: `{version}` is replaced by the release's version. */
export const milestonePatternSchema = once(() => z
  .string()
  .min(1)
  .max(200)
  .refine((p) => p.includes('{version}'), 'must contain {version} (the release version, e.g. "v{version}")'));

/** A pattern or a list of them (first match wins). */
export const milestonePatternsSchema = once(() => z.union([milestonePatternSchema(), z.array(milestonePatternSchema()).min(1).max(10)]));

/** The `plan` section of the config. */
export const planConfigSchema = once(() => z.strictObject({
  milestone: milestonePatternsSchema()
    .default(() => [...DEFAULT_MILESTONE_PATTERNS])
    .describe('Title of the release milestone on GitHub, with {version} the next version (without prerelease): one pattern or a list, the first that names an existing milestone wins. Default ["v{version}", "{version}"].'),
}));
/** The parsed `plan` section. */
export type PlanConfig = z.infer<ReturnType<typeof planConfigSchema>>;

/** The patterns as a list (a single string is a list of one; absent = the defaults). */
export function patternList(patterns: string | readonly string[] | undefined | null): string[] {
  if (patterns === undefined || patterns === null) return [...DEFAULT_MILESTONE_PATTERNS];
  return typeof patterns === 'string' ? [patterns] : [...patterns];
}

/** The release a version belongs to: without prerelease and build parts (1.3.0-rc.1+5 → 1.3.0). */
export function releaseLine(version: string): string {
  return version.split('+')[0]!.split('-')[0]!;
}

/** A pattern's milestone title for a version (the release line of it). */
export function milestoneTitle(pattern: string, version: string): string {
  return pattern.replaceAll('{version}', releaseLine(version));
}

/** The titles the patterns give for a version, in order, each once. */
export function milestoneTitles(patterns: readonly string[], version: string): string[] {
  return [...new Set(patterns.map((p) => milestoneTitle(p, version)))];
}

/**
 * The milestone of a release: the first title (in pattern order) that a milestone has exactly;
 * among milestones with that title (GitHub keeps titles unique), an open one first. Null when none.
 */
export function findMilestone(milestones: readonly GhMilestone[], patterns: readonly string[], version: string): GhMilestone | null {
  for (const title of milestoneTitles(patterns, version)) {
    const same = milestones.filter((m) => m.title === title);
    const found = same.find((m) => m.state === 'open') ?? same[0];
    if (found) return found;
  }
  return null;
}
