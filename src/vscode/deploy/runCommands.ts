/**
 * Following a deploy step's GitHub Actions run from the Release view: Open Run Logs (the run's or a
 * job's page, only https pages of the repository on its GitHub host) and Re-run Failed Jobs of the
 * finished, failed run of an environment's latest deploy (trusted workspaces, confirmed). A re-run is
 * a new attempt of the same run on GitHub: the deploy's journal has ended and stays as it is.
 */
import * as vscode from 'vscode';
import { TrustError, UsageError } from '../../core/errors';
import type { GitHubRepoRef } from '../../core/remote';
import type { CommandContext } from '../commandContext';
import { clipLine, rerunnable, type RunJobView, type RunView } from '../deployView';
import { COMMANDS } from '../ids';

/** What the run commands use of the command context. */
export type DeployRunContext = Pick<CommandContext, 'github' | 'deployView' | 'log'>;

/** A run or job node of the tree, as a command receives it (checked before use). */
type RunNode =
  | {
      kind?: unknown;
      root?: unknown;
      run?: RunView;
      job?: RunJobView;
      live?: unknown;
      journalId?: unknown;
      journalState?: unknown;
      environment?: unknown;
    }
  | undefined;

/** Whether a URL is an https page of the repository's Actions on its GitHub host (no credentials, no other host or repository). */
export function isRunPage(url: string, repo: Pick<GitHubRepoRef, 'host' | 'owner' | 'repo'>): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '') return false;
  if (u.hostname.toLowerCase() !== repo.host.toLowerCase()) return false;
  return u.pathname.toLowerCase().startsWith(`/${repo.owner}/${repo.repo}/actions/`.toLowerCase());
}

/** Release: Open Run Logs — the run's (or job's) page on GitHub through Open on GitHub. `open: false` returns the URL without opening it (tests). */
export function openRunLogsCommand(ctx: DeployRunContext): (...args: unknown[]) => Promise<string | undefined> {
  return (node, args) => openRunLogs({ connector: ctx.github, log: ctx.log }, node, flagOf(args, 'open'));
}

/** `{ [name]: value }` when the argument has that boolean option, else `{}`. */
function flagOf<K extends string>(value: unknown, name: K): Partial<Record<K, boolean>> {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  return typeof v === 'boolean' ? ({ [name]: v } as Partial<Record<K, boolean>>) : {};
}

async function openRunLogs(deps: { connector: DeployRunContext['github']; log: DeployRunContext['log'] }, node: unknown, args: { open?: boolean }): Promise<string | undefined> {
  const n = node as RunNode;
  const root = typeof n?.root === 'string' ? n.root : undefined;
  const url = n?.kind === 'deployRunJob' ? n.job?.url : n?.kind === 'deployRun' ? n.run?.url : undefined;
  if (root === undefined || typeof url !== 'string') throw new UsageError('Run this from a workflow run or job in the Release view.', 'Expand an environment that deploys through a workflow.');
  const repo = await deps.connector.repoFor(root, false);
  if (!isRunPage(url, repo)) {
    deps.log.warn(`not opened: ${clipLine(url, 200)} is not a page of ${repo.host}/${repo.owner}/${repo.repo}/actions`);
    throw new UsageError(`Not opened: the link is not an https page of ${repo.owner}/${repo.repo} on ${repo.host}.`, 'Open the run from the repository on GitHub instead.');
  }
  if (args.open !== false) await vscode.commands.executeCommand(COMMANDS.openOnGitHub, url);
  return url;
}

/**
 * Release: Re-run Failed Jobs — of the finished, failed workflow run of an environment's latest deploy;
 * trusted workspaces only, confirmed (tests pass `confirm: false`). Says that the deploy itself stays
 * as it ended, and refreshes the run in the tree. Returns the message shown, undefined when declined.
 */
export function rerunFailedJobsCommand(ctx: DeployRunContext): (...args: unknown[]) => Promise<string | undefined> {
  return (node, args) => rerunFailedJobs({ connector: ctx.github, view: ctx.deployView, log: ctx.log }, node, flagOf(args, 'confirm'));
}

async function rerunFailedJobs(deps: { connector: DeployRunContext['github']; view: DeployRunContext['deployView']; log: DeployRunContext['log'] }, node: unknown, args: { confirm?: boolean }): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) throw new TrustError('Re-running jobs writes to GitHub and is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust), then try again.');
  const n = node as RunNode;
  const root = typeof n?.root === 'string' ? n.root : undefined;
  const run = n?.kind === 'deployRun' ? n.run : undefined;
  if (root === undefined || !run || typeof run.runId !== 'number' || typeof n?.journalId !== 'string') {
    throw new UsageError('Run this on a failed workflow run in the Release view.', 'Expand the environment whose deploy failed.');
  }
  // The journal as it is now (another window or the CLI may have deployed since the tree was drawn).
  const journals = await deps.view.journals(root);
  const journal = journals.find((j) => j.id === n.journalId);
  const state = journal?.state ?? String(n.journalState);
  const latest = journal ? journals.find((j) => j.plan.environment.toLowerCase() === journal.plan.environment.toLowerCase()) : undefined;
  if (!journal || latest?.id !== journal.id) throw new UsageError('That run does not belong to the latest deploy of its environment any more.', 'Refresh the Release view.');
  if (!rerunnable({ live: n.live === true, journalState: state, run })) {
    throw new UsageError(
      state === 'running' ? `Run ${run.runId} belongs to a deploy that is still running.` : `Run ${run.runId} has no failed jobs to re-run (it is ${run.status === 'completed' ? (run.conclusion ?? 'completed') : run.status.replace(/_/g, ' ')}).`,
      state === 'running' ? 'Let the deploy finish, or abort it.' : 'Refresh the Release view.',
    );
  }
  const env = journal.plan.environment;
  const failed = run.jobs.filter((j) => j.status === 'completed' && j.conclusion !== 'success' && j.conclusion !== 'skipped' && j.conclusion !== 'neutral').map((j) => clipLine(j.name, 60));
  if (args.confirm !== false) {
    const go = 'Re-run Failed Jobs';
    const detail = `${failed.length ? `Failed: ${failed.join(', ')}.\n` : ''}The deploy of ${journal.plan.release.version} to ${env} is ${state} and stays so: a re-run does not continue it. Deploy again to continue.`;
    if ((await vscode.window.showWarningMessage(`Re-run the failed jobs of workflow run ${run.runId}?`, { modal: true, detail }, go)) !== go) return undefined;
  }
  const deployer = await deps.connector.deployer(root, 'workflow', { interactive: true });
  await deployer.rerunFailedJobs(run.runId);
  deps.view.forgetRun(root, run.runId);
  const text = `Re-running the failed jobs of run ${run.runId}; the deploy stays ${state} — deploy again to continue.`;
  deps.log.info(`${env}: ${text}`);
  void vscode.window.showInformationMessage(text);
  return text;
}
