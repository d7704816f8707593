/**
 * One `git rev-list` walk for the metrics: every commit reachable from the given tips with its
 * parents and committer time, in a single process (tips missing from the clone are skipped, not
 * fatal). Streamed and parsed line by line; cancellable.
 */
import { spawn } from 'node:child_process';
import type { MetricCommit } from '../core/metrics/inputs';
import { GitError } from '../core/errors';
import { GIT_CONFIG_ARGS, gitEnv, mapGitFailure } from './gitProcess';
import { STREAM_ENV } from './logStream';

const SHA = /^[0-9a-f]{40}$/;

/** The commit graph reachable from `tips` (full SHAs; others are ignored), keyed by SHA. */
export function readCommitGraph(gitPath: string, cwd: string, tips: readonly string[], signal?: AbortSignal): Promise<Map<string, MetricCommit>> {
  const graph = new Map<string, MetricCommit>();
  const wanted = [...new Set(tips.filter((t) => SHA.test(t)))];
  if (wanted.length === 0) return Promise.resolve(graph);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GitError('cancelled', 'Cancelled.', 'Run the command again when ready.'));
    const child = spawn(gitPath, [...GIT_CONFIG_ARGS, 'rev-list', '--timestamp', '--parents', '--ignore-missing', '--stdin'], {
      cwd,
      env: { ...gitEnv(), ...STREAM_ENV },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let rest = '';
    let stderr = '';
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    const line = (l: string) => {
      if (l === '') return;
      const parts = l.split(' ');
      const sha = parts[1];
      if (sha === undefined) return;
      graph.set(sha, { committedAt: Number(parts[0]), parents: parts.slice(2) });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const text = rest + chunk;
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) line(l);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT' ? mapGitFailure('spawn git ENOENT', cwd) : err);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(new GitError('cancelled', 'Cancelled.', 'Run the command again when ready.'));
      if (code !== 0) return reject(mapGitFailure(stderr || `git rev-list exited with ${code}`, cwd));
      line(rest);
      resolve(graph);
    });
    child.stdin.end(wanted.join('\n') + '\n');
  });
}
