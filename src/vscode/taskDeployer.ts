/**
 * The `Deployer` of the `task` provider: each dispatched step runs a VS Code task (tasks.json) found
 * by its label, with the step's values as `RELEASE_MANAGER_*` environment variables (shell and
 * process tasks: the execution is cloned with the variables merged into its env); the exit code
 * reported by `onDidEndTaskProcess` decides; the timeout terminates it. Trusted workspaces only:
 * otherwise `refused`, and nothing runs. Steps are recorded in the same local deployment history as
 * the command provider (src/node/localDeployHistory.ts). Also builds the editor's deployer of the
 * command provider (`editorCommandDeployer`), with the command output in the "Release Manager: Deploy" channel.
 */
import * as vscode from 'vscode';
import type { DispatchRequest, DispatchResult, Deployer, FindResult, RunObservation } from '../core/deploy/ports';
import type { RunHandle } from '../core/deploy/runHandle';
import type { PlanStep } from '../core/deploy/plan';
import { providerBlockedReason, type EnvironmentConfig } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import type { LocalGitRepo } from '../git/gitRepo';
import { CommandDeployer, entryOf, findRecorded, observeRecorded, recordedExecution, stepVariables } from '../node/commandDeployer';
import { LocalDeployerBase, type LocalDeployHistory } from '../node/localDeployHistory';
import { randomBytes } from 'node:crypto';

/** Name of the output channel of local deploy commands. */
export const DEPLOY_CHANNEL = 'Release Manager: Deploy';

interface TaskRun {
  status: 'running' | 'succeeded' | 'failed';
  reason?: string;
  done: Promise<void>;
}

/** What the task deployer needs. */
export interface TaskDeployerOptions {
  repo: Pick<LocalGitRepo, 'root' | 'gitCommonDir' | 'resolveCommit'>;
  history?: LocalDeployHistory;
  /** Whether the workspace is trusted (default: vscode.workspace.isTrusted, asked at each dispatch). */
  trusted?: () => boolean;
  /** How long observe waits for a running task to end before answering "running" (default 5 s). */
  observeWaitMs?: number;
}

/** A Deployer that runs a VS Code task per step. */
export class TaskDeployer extends LocalDeployerBase implements Deployer {
  readonly kind = 'task' as const;
  private readonly runs = new Map<string, TaskRun>();

  constructor(private readonly options: TaskDeployerOptions) {
    super(options.repo, options.history, 'A VS Code task');
  }

  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    const env = request.environment;
    const p = env.provider;
    if (p.kind !== 'task') return { kind: 'refused', reason: `${env.name} deploys with the ${p.kind} provider, not a VS Code task.` };
    const blocked = providerBlockedReason(env, { host: 'editor', trusted: (this.options.trusted ?? (() => vscode.workspace.isTrusted))() });
    if (blocked !== null) return { kind: 'refused', reason: blocked };
    if (!/^[0-9a-f]{40}$/.test(request.release.sha)) return { kind: 'refused', reason: `${request.release.sha.slice(0, 50)} is not a full commit SHA.` };
    const found = await this.findTask(p.name);
    if (typeof found === 'string') return { kind: 'refused', reason: found };
    const vars = stepVariables(env.name, request.release, request.step, request.operation, request.correlationId);
    const task = withEnv(found, vars);
    const executionId = `task-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      await this.history.started(entryOf(request, executionId, 'task'));
    } catch (e) {
      return { kind: 'refused', reason: `the start could not be recorded in the deployment history, so nothing was run: ${e instanceof Error ? e.message : String(e)}` };
    }
    return this.run(env, task, p.timeoutMs, executionId);
  }

  /** The task labelled `name`, preferring one of the repository's workspace folder; a string says why there is none. */
  private async findTask(name: string): Promise<vscode.Task | string> {
    const all = (await vscode.tasks.fetchTasks()).filter((t) => t.name === name);
    const inRepo = all.filter((t) => typeof t.scope === 'object' && t.scope !== null && 'uri' in t.scope && t.scope.uri.fsPath === this.options.repo.root);
    const candidates = inRepo.length > 0 ? inRepo : all;
    if (candidates.length === 0) return `No task labelled ${JSON.stringify(name.slice(0, 200))} was found: define it in .vscode/tasks.json (with that "label"), or fix the provider's "name".`;
    if (candidates.length > 1) return `${candidates.length} tasks are labelled ${JSON.stringify(name.slice(0, 200))} (${candidates.map((t) => t.source).join(', ')}): give the deploy task a unique label in tasks.json.`;
    return candidates[0]!;
  }

  private async run(env: EnvironmentConfig, task: vscode.Task, timeoutMs: number, executionId: string): Promise<DispatchResult> {
    let resolveDone!: () => void;
    const run: TaskRun = { status: 'running', done: new Promise<void>((r) => (resolveDone = r)) };
    let execution: vscode.TaskExecution | undefined;
    let exitCode: number | undefined;
    let timedOut = false;
    let ended = false;
    const subs: vscode.Disposable[] = [];
    const deadline: { timer?: NodeJS.Timeout } = {};
    const finish = (why?: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(deadline.timer);
      for (const s of subs) s.dispose();
      const ok = !timedOut && exitCode === 0;
      const reason = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s and was terminated` : exitCode === undefined ? (why ?? 'ended without an exit code') : `exit code ${exitCode}`;
      void this.history
        .finished(env.name, executionId, ok ? 'success' : 'failure', reason)
        .catch((e: unknown) => (run.reason = `${reason}; the outcome could not be recorded in the history: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => {
          run.status = ok ? 'succeeded' : 'failed';
          run.reason ??= reason;
          resolveDone();
        });
    };
    const mine = (e: { execution: vscode.TaskExecution }) => execution !== undefined && e.execution === execution;
    subs.push(
      vscode.tasks.onDidEndTaskProcess((e) => {
        if (!mine(e)) return;
        exitCode = e.exitCode;
        finish();
      }),
      vscode.tasks.onDidEndTask((e) => {
        // The process end (with its exit code) comes first; a task that ends without one was terminated or is not a process.
        if (mine(e)) setTimeout(() => finish('ended without an exit code (terminated, or not a shell or process task)'), 500);
      }),
    );
    try {
      execution = await vscode.tasks.executeTask(task);
    } catch (e) {
      for (const s of subs) s.dispose();
      const reason = `the task ${JSON.stringify(task.name)} could not be started: ${e instanceof Error ? e.message : String(e)}`;
      await this.history.finished(env.name, executionId, 'error', `not started: ${reason}`).catch(() => undefined);
      return { kind: 'refused', reason };
    }
    this.runs.set(executionId, run);
    deadline.timer = setTimeout(() => {
      timedOut = true;
      execution?.terminate();
      // A task that ignores the termination still fails at its deadline.
      setTimeout(() => finish(), 5_000);
    }, timeoutMs);
    return { kind: 'started', handle: { provider: 'task', executionId }, note: `task ${JSON.stringify(task.name)} started` };
  }

  async find(request: { environment: EnvironmentConfig; step: PlanStep; correlationId: string; since: number }): Promise<FindResult> {
    return findRecorded(this.history, 'task', request.environment.name, request.correlationId, (id) => this.runs.has(id));
  }

  async observe(handle: RunHandle, signal?: AbortSignal): Promise<RunObservation> {
    const id = handle.executionId;
    if (id === undefined) throw new UsageError('Nothing to observe: the step has no execution id.', 'Check the deploy target yourself, then mark the step done or failed.');
    const run = this.runs.get(id);
    if (run) {
      if (run.status === 'running') {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.options.observeWaitMs ?? 5_000);
          signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
          void run.done.then(() => (clearTimeout(t), resolve()));
        });
      }
      // Observe waits for the end itself: the driver looks again without a poll pause.
      if (run.status === 'running') return { status: 'running', reason: `task running (${id})`, lookAgainMs: 0 };
      return { status: run.status, ...(run.reason ? { reason: run.reason } : {}) };
    }
    return observeRecorded(await recordedExecution(this.history, id), id);
  }


  /** Resolves once every task started by this deployer has ended and its outcome is recorded. */
  async settled(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }
}

/** A copy of the task whose shell or process execution has `vars` merged into its environment (other executions: unchanged). */
export function withEnv(task: vscode.Task, vars: Record<string, string>): vscode.Task {
  const x = task.execution;
  let execution: vscode.ShellExecution | vscode.ProcessExecution | vscode.CustomExecution | undefined;
  if (x instanceof vscode.ShellExecution) {
    const options: vscode.ShellExecutionOptions = { ...x.options, env: { ...(x.options?.env ?? {}), ...vars } };
    execution = x.commandLine !== undefined ? new vscode.ShellExecution(x.commandLine, options) : new vscode.ShellExecution(x.command!, x.args ?? [], options);
  } else if (x instanceof vscode.ProcessExecution) {
    execution = new vscode.ProcessExecution(x.process, x.args, { ...x.options, env: { ...(x.options?.env ?? {}), ...vars } });
  } else return task;
  const copy = new vscode.Task(task.definition, task.scope ?? vscode.TaskScope.Workspace, task.name, task.source, execution, task.problemMatchers);
  copy.presentationOptions = task.presentationOptions;
  copy.isBackground = task.isBackground;
  copy.runOptions = task.runOptions;
  if (task.group) copy.group = task.group;
  if (task.detail !== undefined) copy.detail = task.detail;
  return copy;
}

let channel: vscode.OutputChannel | undefined;

/** The output channel of local deploy commands (made on first use). */
export function deployOutputChannel(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel(DEPLOY_CHANNEL);
  return channel;
}

/** The editor's deployer of a local command: trust is checked at each dispatch; the output goes to the "Release Manager: Deploy" channel. */
export function editorCommandDeployer(repo: LocalGitRepo): Deployer {
  const seen = new Set<string>();
  return new CommandDeployer({
    repo,
    host: () => ({ host: 'editor', trusted: vscode.workspace.isTrusted }),
    onOutput: (o) => {
      const out = deployOutputChannel();
      if (!seen.has(o.executionId)) {
        // The first line of each step: a header, and the channel is revealed (without taking the focus).
        seen.add(o.executionId);
        out.appendLine(`— ${o.environment} (${o.executionId}), ${new Date().toISOString()}`);
        out.show(true);
      }
      out.appendLine(`[${o.environment}${o.stream === 'stderr' ? ' !' : ''}] ${o.line}`);
    },
  });
}
