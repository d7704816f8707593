/**
 * One `git rev-list` walk for the metrics: every commit reachable from the given tips with its
 * parents and committer time, in a single process (tips missing from the clone are skipped, not
 * fatal). Streamed and parsed line by line; cancellable.
 */
import { spawn } from 'node:child_process';
import { CommitGraph } from '../core/metrics/graph';
import { GitError } from '../core/errors';
import { GIT_CONFIG_ARGS, gitEnv, mapGitFailure } from './gitProcess';
import { STREAM_ENV } from './logStream';

const SHA = /^[0-9a-f]{40}$/;

/** The commit graph reachable from `tips` (full SHAs; others are ignored), keyed by SHA. */
export function readCommitGraph(gitPath: string, cwd: string, tips: readonly string[], signal?: AbortSignal): Promise<CommitGraph> {
  const graph = new CommitGraph();
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
    // Lines are `<committer time> <sha> <parent sha>…`: parsed from the bytes (latin1 is exact for hex and
    // digits), without building a string per line: 100k commits are a few MB of output.
    let pending: Buffer = Buffer.alloc(0);
    let stderr = '';
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    const line = (buf: Buffer, start: number, end: number) => {
      let i = start;
      let time = 0;
      for (; i < end && buf[i] !== 0x20; i++) time = time * 10 + (buf[i]! - 0x30);
      i++;
      if (i + 40 > end) return;
      const sha = buf.toString('latin1', i, i + 40);
      const parents: string[] = [];
      for (let p = i + 41; p + 40 <= end; p += 41) parents.push(buf.toString('latin1', p, p + 40));
      graph.add(sha, time, parents);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let start = 0;
      for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
        line(buf, start, nl);
        start = nl + 1;
      }
      pending = buf.subarray(start);
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
      if (pending.length > 0) line(pending, 0, pending.length);
      resolve(graph);
    });
    child.stdin.end(wanted.join('\n') + '\n');
  });
}
