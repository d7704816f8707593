/**
 * The `Deployer` of the `command` provider: each dispatched step runs the configured argv (no shell:
 * `;`, `|`, `$()` are plain arguments) in a folder inside the repository, with an allow-listed
 * environment plus `RELEASE_MANAGER_*` variables describing the step. Output is streamed line by
 * line; the exit code decides (0 succeeded, anything else failed with the last stderr line); the
 * timeout kills the whole process tree. Runs only where `providerBlockedReason` allows it (trusted
 * workspace, CLI with --allow-commands): otherwise `refused`, and nothing is spawned.
 *
 * A step is recorded in the local deployment history before it is spawned and when it ends, so a
 * step whose process is gone (crash, another session) is reported honestly: its recorded outcome,
 * or "ambiguous" — never guessed, never run again on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readdir, stat } from 'node:fs/promises';
import type { DeployRelease, PlanStep } from '../core/deploy/plan';
import type { DispatchRequest, DispatchResult, Deployer, FindResult, RunObservation } from '../core/deploy/ports';
import type { RunHandle } from '../core/deploy/runHandle';
import { providerBlockedReason, type EnvironmentConfig, type ProviderHost } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import { treeKillText } from '../core/gates/command';
import type { TreeKill } from '../core/gates/context';
import { isSecretEnvName, looksLikeToken, redactSecrets } from '../core/secrets';
import type { LocalGitRepo } from '../git/gitRepo';
import { chooseGitHubRepo } from './githubRemote';
import { LocalDeployHistory, LocalDeployerBase, type LocalDeployEntry } from './localDeployHistory';
import { repositoryId } from './repositoryId';
import { killProcessTree, resolveInside } from './runner';
import { ProcessTree, RUN_MARKER_ENV, type ProcessScanOptions } from './processTree';
import { processAlive } from './session';

const WINDOWS = process.platform === 'win32';
/** Time between SIGTERM and SIGKILL of a step that overran. */
export const KILL_GRACE_MS = 5_000;
/** Longest line passed on (longer lines are cut, with a mark). */
export const MAX_LINE = 4_000;
/** How long observe waits for a running step of this process to end before answering "running". */
export const OBSERVE_WAIT_MS = 5_000;
/** Output passed on per step before the rest is dropped (counted). */
export const MAX_STREAMED_BYTES = 8 * 1024 * 1024;

/** Variables a deploy tool may need from the environment (names, and name prefixes ending in `_`). Credentials are never passed: tools read them from their own config (kubeconfig, profiles). */
export const ENV_ALLOW = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP',
  'SYSTEMROOT', 'SystemRoot', 'COMSPEC', 'ComSpec', 'PATHEXT', 'WINDIR', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'PROGRAMDATA', 'ProgramFiles',
  'LC_', 'XDG_',
  'KUBECONFIG', 'HELM_', 'TF_', 'ARGO_', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE',
  'CLOUDSDK_CONFIG', 'CLOUDSDK_CORE_PROJECT', 'AZURE_CONFIG_DIR', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
] as const;

/** The environment of a deploy step: the allow-list (minus anything credential-like), then the step's RELEASE_MANAGER_* values. */
export function deployEnv(source: NodeJS.ProcessEnv, values: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || name.startsWith('RELEASE_MANAGER_')) continue;
    const allowed = ENV_ALLOW.some((a) => (a.endsWith('_') ? name.startsWith(a) : name === a));
    // A proxy URL with user:password@ carries a credential.
    if (!allowed || isSecretEnvName(name) || looksLikeToken(value) || (/proxy/i.test(name) && value.includes('@'))) continue;
    env[name] = value;
  }
  return { ...env, ...values };
}

/** The RELEASE_MANAGER_* variables of one step. */
export function stepVariables(environment: string, release: DeployRelease, step: PlanStep, operation: string, correlationId: string): Record<string, string> {
  return {
    RELEASE_MANAGER_ENVIRONMENT: environment,
    RELEASE_MANAGER_VERSION: release.version,
    RELEASE_MANAGER_SHA: release.sha,
    RELEASE_MANAGER_REF: release.ref,
    RELEASE_MANAGER_STRATEGY: step.strategy,
    RELEASE_MANAGER_STEP: String(step.step),
    RELEASE_MANAGER_WEIGHT: String(step.weight),
    RELEASE_MANAGER_OPERATION: operation,
    RELEASE_MANAGER_CORRELATION_ID: correlationId,
  };
}

/** One line of a step's output, made inert (no control characters, no credentials), bounded. */
export function cleanLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  const text = redactSecrets(line.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ''));
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… (line cut)` : text;
}

/** A line of output of a running step. */
export interface OutputLine {
  environment: string;
  executionId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** What the command deployer needs. */
export interface CommandDeployerOptions {
  repo: Pick<LocalGitRepo, 'root' | 'gitCommonDir' | 'resolveCommit'>;
  /** Where it runs, asked at each dispatch (trust can change). */
  host: ProviderHost | (() => ProviderHost);
  /** Told each line of output (the CLI prints it, the editor writes it to an output channel). */
  onOutput?: (line: OutputLine) => void;
  history?: LocalDeployHistory;
  /** Environment before the allow-list (default: this process's). */
  env?: NodeJS.ProcessEnv;
  killGraceMs?: number;
  /** See OBSERVE_WAIT_MS. */
  observeWaitMs?: number;
  /** See MAX_STREAMED_BYTES. */
  maxStreamedBytes?: number;
  /** Where a step's process tree is listed (tests exercise the fallbacks). */
  processScan?: ProcessScanOptions;
}

/** Resolves when the promise settles, the time is up or the signal aborts, whichever comes first. */
function waitFor(done: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const end = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    const t = setTimeout(end, ms);
    signal?.addEventListener('abort', end, { once: true });
    void done.then(end, end);
  });
}

interface Execution {
  id: string;
  environment: string;
  status: 'running' | 'succeeded' | 'failed';
  reason?: string;
  /** Resolves once the outcome is recorded in the history. */
  done: Promise<void>;
}

/** A Deployer that runs a local command per step. */
export class CommandDeployer extends LocalDeployerBase implements Deployer {
  readonly kind = 'command' as const;
  private readonly executions = new Map<string, Execution>();
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly options: CommandDeployerOptions) {
    super(options.repo, options.history, 'A local command');
  }

  private host(): ProviderHost {
    return typeof this.options.host === 'function' ? this.options.host() : this.options.host;
  }

  async dispatch(request: DispatchRequest): Promise<DispatchResult> {
    const env = request.environment;
    const p = env.provider;
    if (p.kind !== 'command') return { kind: 'refused', reason: `${env.name} deploys with the ${p.kind} provider, not a local command.` };
    const blocked = providerBlockedReason(env, this.host());
    if (blocked !== null) return { kind: 'refused', reason: blocked };
    const argv = request.step.argv;
    if (!argv || argv.length === 0 || argv[0] === '' || argv.some((a) => a.includes('\u0000'))) return { kind: 'refused', reason: `the step "${request.step.label}" has no command to run (plan it for the command provider).` };
    if (!/^[0-9a-f]{40}$/.test(request.release.sha)) return { kind: 'refused', reason: `${request.release.sha.slice(0, 50)} is not a full commit SHA.` };
    let cwd: string | null;
    try {
      cwd = await resolveInside(this.options.repo.root, p.cwd, `The deploy command's cwd of ${env.name}`);
    } catch (e) {
      return { kind: 'refused', reason: e instanceof Error ? e.message : String(e) };
    }
    if (cwd === null || !(await stat(cwd).then((s) => s.isDirectory(), () => false))) {
      return { kind: 'refused', reason: `the deploy command's cwd ${JSON.stringify(p.cwd.slice(0, 200))} of ${env.name} is not a folder of the repository.` };
    }
    const executionId = `cmd-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      await this.history.started(entryOf(request, executionId));
    } catch (e) {
      return { kind: 'refused', reason: `the start could not be recorded in the deployment history, so nothing was run: ${e instanceof Error ? e.message : String(e)}` };
    }
    const vars = stepVariables(env.name, request.release, request.step, request.operation, request.correlationId);
    return this.spawnStep(env, argv, cwd, deployEnv(this.options.env ?? process.env, vars), p.timeoutMs, executionId);
  }

  private spawnStep(env: EnvironmentConfig, argv: string[], cwd: string, childEnv: NodeJS.ProcessEnv, timeoutMs: number, executionId: string): Promise<DispatchResult> {
    const program = argv[0]!;
    // Every process the step starts inherits this marker, so descendants that left its process group
    // (setsid, double forks) are found and killed with it (the same sweep as a command gate's).
    const runId = randomUUID();
    return new Promise<DispatchResult>((answer) => {
      let child: ChildProcess;
      try {
        child = spawn(program, argv.slice(1), { cwd, env: { ...childEnv, [RUN_MARKER_ENV]: runId }, shell: false, detached: !WINDOWS, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      } catch (e) {
        const reason = `${program} could not be started: ${e instanceof Error ? e.message : String(e)}`;
        void this.history.finished(env.name, executionId, 'error', `not started: ${reason}`).catch(() => undefined).finally(() => answer({ kind: 'refused', reason }));
        return;
      }
      let resolveDone!: () => void;
      const exec: Execution = { id: executionId, environment: env.name, status: 'running', done: new Promise<void>((r) => (resolveDone = r)) };
      let started = false;
      let timedOut = false;
      let lastErr = '';
      let streamed = 0;
      let dropped = 0;
      let killTimer: NodeJS.Timeout | undefined;
      const emit = (stream: 'stdout' | 'stderr', raw: string) => {
        const line = cleanLine(raw);
        if (stream === 'stderr' && line.trim() !== '') lastErr = line.trim();
        streamed += raw.length + 1;
        if (streamed > (this.options.maxStreamedBytes ?? MAX_STREAMED_BYTES)) {
          dropped++;
          return;
        }
        try {
          this.options.onOutput?.({ environment: env.name, executionId, stream, line });
        } catch {
          // A listener's fault never stops the step.
        }
      };
      const lines = (stream: 'stdout' | 'stderr') => {
        let rest = '';
        return {
          push: (chunk: Buffer) => {
            const parts = (rest + chunk.toString('utf8')).split(/\r?\n/);
            rest = parts.pop() ?? '';
            if (rest.length > MAX_LINE * 4) {
              parts.push(rest);
              rest = '';
            }
            for (const l of parts) emit(stream, l);
          },
          end: () => {
            if (rest !== '') emit(stream, rest);
            rest = '';
          },
        };
      };
      const out = lines('stdout');
      const err = lines('stderr');
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      const tree = WINDOWS || child.pid === undefined ? null : new ProcessTree(child.pid, runId, this.options.processScan);
      /** The last full kill of the tree: what it reports is what the outcome tells. */
      let sweep: Promise<TreeKill | null> | null = null;
      const killAll = (): Promise<TreeKill | null> => {
        if (tree) sweep = tree.killAll().catch(() => null);
        else {
          killProcessTree(child, 'SIGKILL');
          sweep = Promise.resolve(null);
        }
        return sweep;
      };
      const deadline = setTimeout(() => {
        timedOut = true;
        if (tree) void tree.signal('SIGTERM').catch(() => undefined);
        else killProcessTree(child, 'SIGTERM');
        killTimer = setTimeout(() => void killAll(), this.options.killGraceMs ?? KILL_GRACE_MS);
      }, timeoutMs);
      child.on('spawn', () => {
        started = true;
        this.executions.set(executionId, exec);
        this.children.add(child);
        answer({ kind: 'started', handle: { provider: 'command', executionId }, note: `${program} started (pid ${child.pid})` });
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (started) return; // a kill or pipe error of a running process: 'close' reports it
        clearTimeout(deadline);
        const why = e.code === 'ENOENT' ? 'was not found (is it installed and on PATH, or is the path right?)' : e.code === 'EACCES' ? 'is not executable (permission denied)' : `could not be started: ${e.message}`;
        // Recorded before answering: the history never says "in progress" for a step that never ran.
        void this.history
          .finished(env.name, executionId, 'error', `not started: ${program} ${why}`)
          .catch(() => undefined)
          .finally(() => answer({ kind: 'refused', reason: `The deploy program ${JSON.stringify(program.slice(0, 200))} of ${env.name} ${why}; nothing ran.` }));
      });
      let exit: { code: number | null; sig: NodeJS.Signals | null } | null = null;
      let finished = false;
      let drain: NodeJS.Timeout | undefined;
      const finish = async () => {
        if (finished || !started) return;
        finished = true;
        clearTimeout(deadline);
        clearTimeout(killTimer);
        clearTimeout(drain);
        this.children.delete(child);
        child.stdout?.destroy();
        child.stderr?.destroy();
        out.end();
        err.end();
        if (dropped > 0) emitRaw(`… ${dropped} more lines not shown (output limit)`);
        const killed = await (sweep ?? killAll());
        const code = exit?.code ?? null;
        const ok = code === 0 && !timedOut;
        // What could not be killed is said, whatever the outcome (a process left running outlives the step).
        const leftover = killed && (killed.survivors.length > 0 || killed.via === null) ? `; ${treeKillText(killed)}` : '';
        const reason = timedOut
          ? `timed out after ${Math.round(timeoutMs / 1000)} s and was killed${lastErr ? ` (last error: ${lastErr})` : ''}${killed ? ` (${treeKillText(killed)})` : ''}`
          : ok
            ? `exit code 0${leftover}`
            : `exit code ${code ?? `none (killed by ${exit?.sig ?? 'a signal'})`}${lastErr ? `: ${lastErr}` : ''}${leftover}`;
        void this.history
          .finished(env.name, executionId, ok ? 'success' : 'failure', reason)
          .catch((e: unknown) => (exec.reason = `${reason}; the outcome could not be recorded in the history: ${e instanceof Error ? e.message : String(e)}`))
          .finally(() => {
            exec.status = ok ? 'succeeded' : 'failed';
            exec.reason ??= reason;
            resolveDone();
          });
      };
      const emitRaw = (line: string) => {
        try {
          this.options.onOutput?.({ environment: env.name, executionId, stream: 'stderr', line });
        } catch {
          // ignored
        }
      };
      child.on('exit', (code, sig) => {
        exit = { code, sig };
        clearTimeout(deadline);
        // Nothing a step started outlives it: kill what is left of its tree (forked children, daemons, setsid escapees).
        tree?.rootExited();
        void killAll();
        drain = setTimeout(() => void finish(), 1_000);
      });
      child.on('close', (code, sig) => {
        exit ??= { code, sig };
        void finish();
      });
    });
  }

  async find(request: { environment: EnvironmentConfig; step: PlanStep; correlationId: string; since: number }): Promise<FindResult> {
    return findRecorded(this.history, 'command', request.environment.name, request.correlationId, (id) => this.executions.has(id));
  }

  /** The state of an execution; one of this process still running is waited for (`observeWaitMs` at a time, looked at again at once), so its end is noticed when its process exits, not at the next poll. */
  async observe(handle: RunHandle, signal?: AbortSignal): Promise<RunObservation> {
    const id = handle.executionId;
    if (id === undefined) throw new UsageError('Nothing to observe: the step has no execution id.', 'Check the deploy target yourself, then mark the step done or failed.');
    const exec = this.executions.get(id);
    if (exec) {
      if (exec.status === 'running') await waitFor(exec.done, this.options.observeWaitMs ?? OBSERVE_WAIT_MS, signal);
      // Observe waits for the end itself (it hears of the exit at once): the driver looks again without a poll pause.
      if (exec.status === 'running') return { status: 'running', reason: `running (${id})`, lookAgainMs: 0 };
      return { status: exec.status, ...(exec.reason ? { reason: exec.reason } : {}) };
    }
    return observeRecorded(await this.recorded(id), id);
  }

  private recorded(executionId: string): Promise<LocalDeployEntry | null> {
    return recordedExecution(this.history, executionId);
  }

  /** Resolves once every step started by this deployer has ended and its outcome is recorded (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }
}

/** The history entry of an execution in any environment (the execution id does not say which). */
export async function recordedExecution(history: LocalDeployHistory, executionId: string): Promise<LocalDeployEntry | null> {
  const names = await readdir(history.dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.endsWith('.json'))) {
    const hit = await history.byExecution(n.slice(0, -5), executionId).catch(() => null);
    if (hit) return hit;
  }
  return null;
}

/**
 * Looks for a step's execution: one started by this process is found; one recorded in the history
 * with its outcome is found (observe reads the outcome); one recorded without an outcome was run by
 * a process that ended or runs elsewhere — ambiguous, a person decides; none recorded: absent
 * (the start is recorded before anything is spawned).
 */
export async function findRecorded(history: LocalDeployHistory, provider: 'command' | 'task', environment: string, correlationId: string, isMine: (executionId: string) => boolean): Promise<FindResult> {
  const entries = (await history.byCorrelation(environment, correlationId)).filter((e) => e.provider === provider);
  const mine = entries.filter((e) => isMine(e.executionId));
  if (mine.length === 1) return { kind: 'found', handle: { provider, executionId: mine[0]!.executionId } };
  if (entries.length === 0) return { kind: 'absent' };
  if (entries.length > 1) return { kind: 'ambiguous', detail: `${entries.length} executions recorded: ${entries.map(describe).join('; ')}` };
  const e = entries[0]!;
  if (e.statuses[0]?.state === 'in_progress') {
    return { kind: 'ambiguous', detail: `it was started (${describe(e)}) but its outcome was never recorded: the process that ran it ended or runs elsewhere, so it cannot be observed from here` };
  }
  return { kind: 'found', handle: { provider, executionId: e.executionId } };
}

/** What a step recorded in the history (by another process, or before a restart) says about its outcome. */
export function observeRecorded(entry: LocalDeployEntry | null, executionId: string, alive: (pid: number) => boolean = processAlive): RunObservation {
  if (entry === null) {
    return { status: 'running', unobservable: true, reason: `execution ${executionId} is not recorded in the deployment history and was not started here` };
  }
  const latest = entry.statuses[0];
  if (latest?.state === 'success') return { status: 'succeeded', reason: latest.description ?? 'succeeded' };
  if (latest && latest.state !== 'in_progress') return { status: 'failed', reason: latest.description ?? latest.state };
  // The process that started it records the outcome (this one included: another deployer instance of it); while it lives, it will.
  if (entry.host === hostname() && (entry.pid === process.pid || alive(entry.pid))) {
    return { status: 'running', reason: `run by ${entry.pid === process.pid ? 'this process' : 'another process on this machine'} (${describe(entry)}), which records its outcome` };
  }
  const where = entry.host === hostname() ? `the process that ran it (pid ${entry.pid}) is gone without recording its outcome (killed or crashed; the command it started may still be running)` : `it was started on ${entry.host} (${describe(entry)}), whose outcome this machine cannot see`;
  return { status: 'running', unobservable: true, reason: where };
}

function describe(e: LocalDeployEntry): string {
  return `${e.executionId}, pid ${e.pid} on ${e.host}, at ${e.createdAt}, ${e.statuses[0]?.state ?? 'no status'}`;
}

/** The history entry of a step about to start. */
export function entryOf(request: DispatchRequest, executionId: string, provider: 'command' | 'task' = 'command'): Omit<LocalDeployEntry, 'id' | 'statuses' | 'pid' | 'host' | 'createdAt'> {
  return {
    provider,
    environment: request.environment.name,
    sha: request.release.sha,
    ref: request.release.ref,
    version: request.release.version,
    weight: request.step.weight,
    correlationId: request.correlationId,
    executionId,
    operation: request.operation,
    step: request.step.step,
  };
}

/**
 * The journal slug of a repository deployed locally: its one GitHub repository when it has one, else
 * `local/<repository id>` (repositoryId.ts), which survives a move of the folder and is shared by its
 * worktrees (the CLI and the editor agree). People are shown `local/<folder>` instead (movedJournals.ts).
 */
export async function localDeploySlug(repo: LocalGitRepo): Promise<string> {
  try {
    const ref = await chooseGitHubRepo(repo, {});
    return `${ref.owner}/${ref.repo}`;
  } catch {
    return `local/${await repositoryId(repo.gitCommonDir)}`;
  }
}
