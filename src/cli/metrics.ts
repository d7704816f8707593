/**
 * `release-manager metrics`: the release and DORA metrics of one environment over a window, as
 * text, JSON (the contract of docs/metrics.md) or a markdown retrospective report. Exit 0 when the
 * report was computed (targets missed included), 2 on usage or config errors, 1 otherwise.
 */
import { UsageError } from '../core/errors';
import type { GitHubApi } from '../core/githubApi';
import { metricsMarkdown } from '../core/metrics/markdown';
import { metricsText } from '../core/metrics/text';
import type { GitHubRepoRef } from '../core/remote';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';
import { loadMetrics } from '../node/loadMetrics';
import { cliGitHubApi, cliGitHubRepo } from './publish';

/** The options metrics takes. */
export const METRICS_FLAGS: readonly string[] = ['repo', 'env', 'since', 'until', 'format', 'remote', 'help'];
const FORMATS = ['text', 'json', 'markdown'];

/** What the metrics command is given. */
export interface MetricsFlags {
  repo?: string;
  env?: string;
  since?: string;
  until?: string;
  format?: string;
  remote?: string;
}

/** Where the command writes, and its environment (tokens) and clock. */
export interface MetricsIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  now?: Date;
}

/** Runs `metrics`; resolves to the exit code (errors are thrown to the CLI's funnel). */
export async function runMetricsCommand(flags: MetricsFlags, io: MetricsIo): Promise<number> {
  const format = flags.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${JSON.stringify(format)} is not supported by metrics.`, `Use one of: ${FORMATS.join(', ')}.`);
  const repo = await LocalGitRepo.open(flags.repo ?? io.cwd);
  const config = await loadConfig(repo.root);
  // GitHub is read when the repository is on GitHub and a token is set; otherwise git and the local history only (with a warning).
  let ref: GitHubRepoRef | null = null;
  try {
    ref = await cliGitHubRepo(repo, io.env, flags.remote);
  } catch (e) {
    if (flags.remote !== undefined) throw e;
  }
  const hasToken = Boolean(io.env.GITHUB_TOKEN?.trim() || io.env.GH_TOKEN?.trim());
  const github: GitHubApi | null = ref !== null && hasToken ? cliGitHubApi(ref, { err: io.err, env: io.env }) : null;
  const report = await loadMetrics().collectMetrics({ repoRoot: repo.root, config, environment: flags.env, since: flags.since, until: flags.until, github, repo: ref, now: io.now, signal: io.signal });
  if (format === 'json') io.out(JSON.stringify(report, null, 2) + '\n');
  else if (format === 'markdown') io.out(metricsMarkdown(report));
  else {
    // Warnings go to stderr as everywhere in the CLI; the text report has the figures.
    io.out(metricsText({ ...report, warnings: [] }));
    for (const w of report.warnings) io.err(`warning: ${w}\n`);
  }
  return 0;
}
