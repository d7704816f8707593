/**
 * What runs in one environment and not in another: the deployed commit of each side and the notes of
 * the commits one has that the other lacks (both ways). Pure: the caller reads deployments and git.
 */
import type { ReleaseConfig } from '../config';
import type { ReleaseNotes } from '../notes';
import { escapeMarkdown, renderSections, type RenderOptions } from '../render';
import { deploymentOutcome, type DeploymentRecord } from './rollback';

/** The commit an environment runs: its last successful full deployment. */
export interface DeployedSide {
  environment: string;
  sha: string;
  version: string | null;
  ref: string;
  /** ISO-8601 of the deployment. */
  at: string;
}

/** The deployed side of an environment, or why it has none (cause and fix). */
export function deployedSide(environment: string, last: DeploymentRecord | null): DeployedSide | { error: string; fix: string } {
  if (!last) return { error: `${environment} has no deployment to compare.`, fix: `Deploy to ${environment} first, or compare other environments.` };
  const outcome = deploymentOutcome(last);
  if (outcome !== 'succeeded') {
    return {
      error: `The last deployment of ${environment} (${last.version ?? last.ref}, ${last.sha.slice(0, 7)}) has not succeeded (${outcome}): what it runs is unknown.`,
      fix: `Wait for it to finish, or roll ${environment} back, then compare again.`,
    };
  }
  return { environment, sha: last.sha, version: last.version, ref: last.ref, at: last.createdAt };
}

/** The commits one side has and the other lacks, as notes (null: not read because both run the same commit). */
export interface EnvironmentCompare {
  a: DeployedSide;
  b: DeployedSide;
  /** Commits deployed in a and not in b (the notes of b.sha..a.sha). */
  onlyA: ReleaseNotes | null;
  /** Commits deployed in b and not in a (the notes of a.sha..b.sha). */
  onlyB: ReleaseNotes | null;
}

function sideLine(s: DeployedSide, opts: RenderOptions): string {
  const url = opts.commitUrl?.(s.sha);
  const sha = url ? `[${s.sha.slice(0, 7)}](${url})` : s.sha.slice(0, 7);
  return `- **${escapeMarkdown(s.environment)}**: ${escapeMarkdown(s.version ?? s.ref)} at ${sha} (\`${s.sha}\`), deployed ${escapeMarkdown(s.at.replace('T', ' ').slice(0, 16))}`;
}

function countOf(notes: ReleaseNotes | null): number {
  return notes ? notes.sections.reduce((n, s) => n + s.entries.length, 0) : 0;
}

/** The compare as markdown: both sides (version and commit), then each direction's changes grouped by the notes sections. */
export function renderEnvironmentCompare(c: EnvironmentCompare, config: ReleaseConfig, opts: RenderOptions = {}): string {
  const a = escapeMarkdown(c.a.environment);
  const b = escapeMarkdown(c.b.environment);
  const lines = [`# ${a} compared with ${b}`, '', sideLine(c.a, opts), sideLine(c.b, opts), ''];
  if (c.a.sha === c.b.sha) {
    lines.push(`Both environments run the same commit.`, '');
    return lines.join('\n');
  }
  const direction = (title: string, notes: ReleaseNotes | null) => {
    const n = countOf(notes);
    lines.push(`## ${title} (${n} change${n === 1 ? '' : 's'})`, '');
    if (!notes || n === 0) lines.push('_None._', '');
    else lines.push(renderSections(notes.sections, config, { ...opts, level: 2 }));
  };
  direction(`In ${a}, not in ${b}`, c.onlyA);
  direction(`In ${b}, not in ${a}`, c.onlyB);
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}
