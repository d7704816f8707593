/**
 * `release-manager plan`: the release's scope from its GitHub milestone: due date, open and closed
 * items, the gap (in the milestone, not merged) and the drift (merged in the range, not in the
 * milestone), as text or JSON (the contract in docs/cli.md). Exit 0 when the plan was computed
 * (whatever it says; the `milestone` gate is the check that fails), 2 on usage or config errors
 * and without a token or a GitHub remote, 1 when GitHub fails, 130 when cancelled.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors';
import { dueText, type ReleasePlan } from '../core/plan/plan';
import { oneLine } from '../core/sanitize';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';
import { loadPlan } from '../node/loadPlan';
import { cliGitHubApi, cliGitHubRepo } from './publish';

/** The options of plan (its own table: here --version takes a value). */
export const PLAN_OPTIONS = {
  repo: { type: 'string' },
  version: { type: 'string' },
  format: { type: 'string' },
  remote: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help of plan. */
export const PLAN_USAGE = `Usage: release-manager plan [--repo DIR] [--version X] [--format text|json] [--remote NAME]

The release's scope from its GitHub milestone (the first of plan.milestone's patterns, default
"v{version}" then "{version}", that names a milestone): due date, open and closed issues and pull
requests, the gap (in the milestone, not merged) and the drift (merged since the last release, not
in the milestone). Needs GITHUB_TOKEN (or GH_TOKEN) and a GitHub remote (or GITHUB_REPOSITORY).

  --repo DIR      Repository (default: current directory)
  --version X     The release to plan (default: the next version of HEAD, else the current one)
  --format F      text (default) or json
  --remote NAME   Git remote naming the GitHub repository, when several do

Exit codes: 0 the plan was computed (open items, no milestone included: the milestone gate is the
check that fails), 1 GitHub failed, 2 usage or config error, no token or no GitHub remote, 130 cancelled.`;

/** What plan needs of the CLI's io (the same shape as main's CliIo). */
export interface PlanIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  now?: Date;
}

/** Most gap or drift lines the text output lists (the JSON has them all). */
const MAX_LINES = 50;

/** Runs `release-manager plan` with its arguments (the command name removed). */
export async function runPlanCli(args: string[], io: PlanIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: PLAN_OPTIONS });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!;
    const unknown = /^Unknown option '([^']*)'/.exec(first);
    throw new UsageError(unknown ? `${unknown[1]} does not apply to plan.` : first.replace(/\. To specify a positional argument.*$/, '.'), 'Run release-manager plan --help for its options.');
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.out(PLAN_USAGE + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[0]!.slice(0, 60))}.`, 'Options take the form --name value; see release-manager plan --help.');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${JSON.stringify(format.slice(0, 20))} is not supported by plan.`, 'Use one of: text, json.');
  const version = v.version !== undefined ? loadPlan().parsePlanVersion(v.version) : undefined;
  const env = io.env ?? process.env;
  const repo = await LocalGitRepo.open(v.repo ?? io.cwd);
  const config = await loadConfig(repo.root);
  const github = cliGitHubApi(await cliGitHubRepo(repo, env, v.remote), { err: io.err, env });
  const plan = await loadPlan().collectPlan({ repo, config, github, ...(version !== undefined ? { version } : {}), ...(io.signal ? { signal: io.signal } : {}), ...(io.now ? { now: io.now } : {}) });
  for (const w of plan.warnings) io.err(`warning: ${oneLine(w)}\n`);
  if (format === 'json') io.out(JSON.stringify(plan, null, 2) + '\n');
  else io.out(planText(plan, io.now ?? new Date()));
  return 0;
}

const VERDICT: Record<ReleasePlan['verdict'], string> = {
  ready: 'ready',
  'in-progress': 'in progress',
  'at-risk': 'at risk',
  overdue: 'overdue',
  'no-milestone': 'no milestone',
  'no-version': 'no version',
};

/** The plan as terminal text (titles made inert, lists bounded). */
export function planText(plan: ReleasePlan, now: Date): string {
  const lines: string[] = [];
  const m = plan.milestone;
  if (!m || !plan.counts) {
    lines.push(`Plan: ${plan.version ?? '(no version)'} [${VERDICT[plan.verdict]}]`, oneLine(plan.summary));
    return lines.join('\n') + '\n';
  }
  const c = plan.counts;
  lines.push(`Plan: ${m.title} — ${dueText(m, now)} [${VERDICT[plan.verdict]}]`);
  lines.push(`  Milestone:     ${m.title} (${m.state}) ${m.url}`);
  lines.push(`  Issues:        ${c.issues.open} open, ${c.issues.closed} closed`);
  lines.push(`  Pull requests: ${c.pulls.open} open, ${c.pulls.merged} merged, ${c.pulls.closedUnmerged} closed unmerged`);
  const pulls = plan.range.pulls === null ? 'pull requests not read' : `${plan.range.pulls} merged pull request${plan.range.pulls === 1 ? '' : 's'}${plan.range.read === 'partial' ? ' (partly read)' : plan.range.read === 'unavailable' ? ' (not read)' : ''}`;
  lines.push(`  Range:         ${plan.range.from ?? '(first commit)'}..${plan.range.to}, ${plan.range.commits} commit${plan.range.commits === 1 ? '' : 's'}, ${pulls}`);
  const WHY: Record<string, string> = { open: 'open', 'closed-unmerged': 'closed unmerged', 'not-in-range': 'merged, not in range' };
  lines.push(`Gap (${plan.gap.length}): in the milestone, not merged or closed`);
  lines.push(...bounded(plan.gap.map((g) => `  #${g.number} ${g.kind === 'pull' ? 'pull ' : 'issue'} ${WHY[g.why]!.padEnd(20)} ${oneLine(g.title)}  ${g.url}`)));
  lines.push(`Drift (${plan.drift.length}): merged in the range, not in the milestone`);
  lines.push(...bounded(plan.drift.map((d) => `  #${d.number} ${oneLine(d.title)}  ${d.url}`)));
  lines.push(oneLine(plan.summary));
  return lines.join('\n') + '\n';
}

function bounded(lines: string[]): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `  … and ${lines.length - MAX_LINES} more (--format json has them all)`];
}
