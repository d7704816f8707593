import { execFile } from 'node:child_process';
import { GitError } from '../core/errors';

/** Environment for every git process: no prompts, no pager, no optional locks, stable English messages. */
export function gitEnv(): NodeJS.ProcessEnv {
  // An allow-list: nothing from the caller's environment may redirect git to another repository,
  // run an editor, askpass or ssh command, or carry a token into the child.
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'XDG_CONFIG_HOME', 'PATHEXT', 'COMSPEC'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', LANGUAGE: 'C' };
}

/**
 * Environment of a `git push` the user asked for: the usual allow-list plus what the user's own
 * credentials need (an ssh agent, an askpass helper such as VS Code's). Never a token of ours.
 */
export function pushEnv(): NodeJS.ProcessEnv {
  const env = gitEnv();
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && (/^(SSH_AUTH_SOCK|SSH_AGENT_PID|GIT_ASKPASS|SSH_ASKPASS|GIT_SSH|GIT_SSH_COMMAND|DISPLAY)$/.test(k) || k.startsWith('VSCODE_GIT_'))) env[k] = v;
  }
  return env;
}

/** Global options placed before every git subcommand we run. */
// core.fsmonitor=false: a repository's own config must never make us run one of its programs.
export const GIT_CONFIG_ARGS = ['--no-pager', '-c', 'core.fsmonitor=false', '-c', 'core.quotePath=false', '-c', 'i18n.logOutputEncoding=UTF-8', '-c', 'log.showSignature=false', '-c', 'color.ui=false'];

/** Maps git's stderr to a GitError naming the cause and the fix. */
export function mapGitFailure(stderr: string, cwd: string): GitError {
  const text = stderr.trim();
  if (/ENOENT/.test(text) && /spawn/.test(text)) {
    return new GitError('git-missing', 'Git is not installed or not on PATH.', 'Install git (https://git-scm.com) and make sure `git --version` works.');
  }
  if (/detected dubious ownership/i.test(text)) {
    return new GitError(
      'dubious-ownership',
      `Git refuses to read ${cwd}: the folder is owned by another user ("dubious ownership").`,
      `If you trust it, run: git config --global --add safe.directory ${JSON.stringify(cwd)} (we never change your git config ourselves).`,
    );
  }
  if (/must be run in a work tree/i.test(text)) {
    return new GitError('not-a-repo', `${cwd} is a bare repository or a .git folder: it has no working tree.`, 'Use the folder of a checked-out repository (the one that contains .git).');
  }
  if (/not a git repository/i.test(text)) {
    return new GitError('not-a-repo', `${cwd} is not inside a git repository.`, 'Open a folder that is a git repository, or pass --repo DIR.');
  }
  if (/does not have any commits yet|ambiguous argument 'HEAD'|bad default revision 'HEAD'/i.test(text)) {
    return new GitError('no-commits', 'The repository has no commits yet.', 'Make a first commit, then draft the notes.');
  }
  if (/unknown revision|bad revision|Needed a single revision|not a valid object name|invalid object name/i.test(text)) {
    return new GitError('unknown-ref', `Git does not know that ref: ${firstLine(text)}`, 'Check the spelling, or run `git fetch --tags` if it lives on the remote.');
  }
  return new GitError('failed', `Git failed: ${firstLine(text)}`, 'Run the same git command in a terminal to see the full error.');
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).slice(0, 300);
}

/** Runs a short git command (argv, no shell) and resolves to its stdout; exit codes in `okCodes` count as success. */
export function execGit(
  gitPath: string,
  cwd: string,
  args: string[],
  options: { okCodes?: number[]; signal?: AbortSignal; maxBuffer?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const ok = options.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(gitPath, [...GIT_CONFIG_ARGS, ...args], { cwd, env: options.env ?? gitEnv(), encoding: 'utf8', maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024, windowsHide: true, signal: options.signal }, (error, stdout, stderr) => {
      const code = error ? ((error as NodeJS.ErrnoException & { code?: unknown }).code as unknown) : 0;
      if (!error || (typeof code === 'number' && ok.includes(code))) return resolve(stdout);
      if (options.signal?.aborted) return reject(new GitError('cancelled', 'Cancelled.', 'Run the command again when ready.'));
      const failure: GitError & { exitCode?: number } = mapGitFailure(code === 'ENOENT' ? 'spawn git ENOENT' : stderr || (typeof code === 'number' ? `git exited with code ${code}` : error.message), cwd);
      if (typeof code === 'number') failure.exitCode = code; // callers tell "no" (exit 1) from a failure
      reject(failure);
    });
  });
}
