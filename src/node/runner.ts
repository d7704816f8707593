import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors';
import type { CommandRun, TreeKill } from '../core/gates/context';
import { isSecretEnvName, looksLikeToken } from '../core/secrets';
import { ProcessTree, RUN_MARKER_ENV, type ProcessScanOptions } from './processTree';

const WINDOWS = process.platform === 'win32';
/** Time between SIGTERM and SIGKILL of a process tree that overran or was cancelled. */
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** Time to wait for the output pipes to close once the process tree is dead (a process that escaped the group may hold them). */
const DRAIN_MS = 1_000;

/** How to run one process for a command gate. */
export interface ProcessOptions {
  /** Repository top level; the cwd must resolve (after symlinks) inside it. */
  root: string;
  /** Repository-relative folder. */
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
  killGraceMs?: number;
  /** Environment before scrubbing (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Where the process tree is looked up (default `/proc`, then `ps`); tests exercise the fallbacks with it. */
  processScan?: ProcessScanOptions;
}

/** True when `path` is `root` or inside it (both absolute, real paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The real path of a repository-relative path, refused (UsageError) when it leaves the repository
 * lexically (`..`, absolute) or through a symlink. Null when it does not exist.
 */
export async function resolveInside(root: string, rel: string, what: string): Promise<string | null> {
  const refuse = (why: string) =>
    new UsageError(`${what} ${JSON.stringify(rel.slice(0, 200))} ${why}, so it was refused.`, `Use a path inside the repository (${root}).`);
  // eslint-disable-next-line no-control-regex
  if (rel.includes('\u0000') || /[\u0000-\u001f]/.test(rel)) throw refuse('contains control characters');
  const rootReal = await realpath(root);
  const abs = resolve(rootReal, rel);
  if (isAbsolute(rel) || !isInside(rootReal, abs)) throw refuse('is outside the repository');
  let real: string;
  try {
    real = await realpath(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  if (!isInside(rootReal, real)) throw refuse(`resolves outside the repository (a link to ${real})`);
  return real;
}

/** The environment a gate's process gets: this process's, minus anything that looks like a credential or a way to obtain one. */
export function scrubbedEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || isSecretEnvName(name) || looksLikeToken(value)) continue;
    env[name] = value;
  }
  return env;
}

/** Keeps the head and the tail of a stream of output within a byte limit, counting the rest. */
export class CappedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Every byte written, kept or not. */
  total = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(private readonly max: number) {
    this.headMax = Math.ceil(max / 2);
    this.tailMax = max - this.headMax;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.headMax) {
      const take = Math.min(this.headMax - this.headBytes, chunk.length);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= this.tailMax) this.tailBytes -= this.tail.shift()!.length;
  }

  get truncated(): boolean {
    return this.total > this.max;
  }

  text(): string {
    const tail = Buffer.concat(this.tail);
    if (!this.truncated) return Buffer.concat([...this.head, tail]).toString('utf8');
    const kept = tail.subarray(Math.max(0, tail.length - this.tailMax));
    const omitted = this.total - this.headBytes - kept.length;
    return `${Buffer.concat(this.head).toString('utf8')}\n… ${omitted} bytes omitted …\n${kept.toString('utf8')}`;
  }
}

/** Signals a child started with `detached: true` (its own process group) and everything it started; taskkill /T on Windows. */
export function killProcessTree(child: ChildProcess, sig: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (WINDOWS) spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    else process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs an argv (never through a shell: `;`, `|`, backticks and `$()` are plain arguments) in a
 * folder inside the repository, with a scrubbed environment. The process leads its own process
 * group; on timeout or cancellation its whole tree (found by parent links and by an environment
 * marker, so descendants that called `setsid` or were orphaned count too) gets SIGTERM, then is
 * frozen and SIGKILLed after a grace period until none is left; whatever it left running when it
 * exits is killed the same way. The result says what was killed and what could not be checked.
 * Output is capped. Throws (UsageError) only when the cwd is refused, before anything is spawned.
 */
export async function runProcess(argv: readonly string[], options: ProcessOptions): Promise<CommandRun> {
  if (argv.length === 0 || argv[0] === '' || argv.some((a) => a.includes('\u0000'))) {
    throw new UsageError('A command gate needs a program and arguments without NUL characters.', 'Set argv to e.g. ["npm", "test"].');
  }
  const cwd = await resolveInside(options.root, options.cwd, 'The command gate\'s cwd');
  if (cwd === null || !(await stat(cwd)).isDirectory()) {
    throw new UsageError(`The command gate's cwd ${JSON.stringify(options.cwd.slice(0, 200))} is not a folder of the repository.`, 'Set cwd to an existing folder inside the repository.');
  }
  const base: CommandRun = { exitCode: null, signal: null, timedOut: false, cancelled: false, output: '', truncated: false, outputBytes: 0, spawnError: null };
  if (options.signal?.aborted) return { ...base, cancelled: true };
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise<CommandRun>((done) => {
    const output = new CappedOutput(options.maxOutputBytes);
    const runId = randomUUID();
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        cwd,
        env: { ...scrubbedEnv(options.env), [RUN_MARKER_ENV]: runId },
        shell: false,
        detached: !WINDOWS,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      return done({ ...base, spawnError: e instanceof Error ? e.message : String(e) });
    }
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: string | null } | null = null;
    let spawnError: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const tree = WINDOWS || child.pid === undefined ? null : new ProcessTree(child.pid, runId, options.processScan);
    /** The last full kill of the tree (its report is the truth the verdict tells). */
    let sweep: Promise<TreeKill> | null = null;
    const killAll = () => {
      if (tree) sweep = tree.killAll();
      else {
        killProcessTree(child, 'SIGKILL');
        sweep = Promise.resolve({ via: WINDOWS ? 'taskkill' : null, killed: 0, survivors: [], unverified: WINDOWS ? null : 'the process did not start' });
      }
      return sweep;
    };
    const stop = (why: 'timeout' | 'cancel') => {
      if (exit !== null || finished) return;
      if (why === 'timeout') timedOut = true;
      else cancelled = true;
      if (tree) void tree.signal('SIGTERM');
      else killProcessTree(child, 'SIGTERM');
      killTimer ??= setTimeout(() => void killAll(), grace);
    };
    const onAbort = () => stop('cancel');
    const deadline = setTimeout(() => stop('timeout'), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = async () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const killed = spawnError === null ? await (sweep ?? killAll()) : null;
      done({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        cancelled,
        output: output.text(),
        truncated: output.truncated,
        outputBytes: output.total,
        spawnError,
        ...(killed ? { tree: killed } : {}),
      });
    };
    child.stdout?.on('data', (c: Buffer) => output.push(c));
    child.stderr?.on('data', (c: Buffer) => output.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a kill or pipe error of a running process: 'exit' reports it
      spawnError = e.code === 'ENOENT' ? 'not found (is it installed and on PATH?)' : e.code === 'EACCES' ? 'permission denied' : e.message;
      void finish();
    });
    child.on('exit', (code, sig) => {
      exit = { code, signal: sig };
      clearTimeout(deadline);
      clearTimeout(killTimer);
      // Nothing a gate started outlives it: kill what is left of its tree (forked children, daemons, setsid escapees).
      tree?.rootExited();
      void killAll();
      drainTimer = setTimeout(() => void finish(), DRAIN_MS);
    });
    child.on('close', () => void finish());
  });
}
