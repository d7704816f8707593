import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { RawCommit } from '../core/commits';
import { GitError } from '../core/errors';
import { gitEnv, mapGitFailure } from './gitProcess';

/** Fields of one log record, in order; the message comes last so nothing in it can shift a field. */
const FIELDS = ['%H', '%P', '%aN', '%aE', '%aI', '%B'];

/** A `git log` format whose record boundary is random per run, so no commit message can forge it. */
export function logFormat(): { format: string; boundary: string } {
  const token = randomBytes(9).toString('hex');
  return { format: `%x1e${token}%x1f${FIELDS.join('%x00')}`, boundary: `\u001e${token}\u001f` };
}

/** Like logFormat, with git's `%m` mark first (`-` for a boundary commit). */
export function markedLogFormat(): { format: string; boundary: string } {
  const token = randomBytes(9).toString('hex');
  return { format: `%x1e${token}%x1f%m%x00${FIELDS.join('%x00')}`, boundary: `\u001e${token}\u001f` };
}

/** Parses one record (without its boundary) into a raw commit. */
export function parseRecord(record: string): RawCommit | null {
  const parts = record.split('\u0000');
  if (parts.length < FIELDS.length) return null;
  const [hash, parents, name, email, date] = parts as [string, string, string, string, string];
  const message = parts.slice(FIELDS.length - 1).join('\u0000').replace(/\n$/, '');
  return { hash, parents: parents ? parents.split(' ') : [], authorName: name, authorEmail: email, date, message };
}

/** Options of one streamed git process. */
export interface StreamOptions {
  cwd: string;
  gitPath: string;
  args: string[];
  signal?: AbortSignal;
  /** Called for every complete record as it arrives; return false to stop reading (the process is killed). */
  onRecord: (record: string) => boolean | void;
  /** Record boundary; the text before the first boundary is ignored. */
  boundary: string;
}

/** Runs git and hands over its output record by record as it arrives; never holds the whole output. */
export function streamRecords(opts: StreamOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled());
    const child = spawn(opts.gitPath, opts.args, { cwd: opts.cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const decoder = new StringDecoder('utf8');
    let buffer = '';
    let stderr = '';
    let stopped = false;
    let started = false;
    const onAbort = () => {
      stopped = true;
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const emit = (final: boolean) => {
      let at = buffer.indexOf(opts.boundary);
      if (!started) {
        if (at === -1) return;
        buffer = buffer.slice(at + opts.boundary.length);
        started = true;
        at = buffer.indexOf(opts.boundary);
      }
      let pos = 0;
      while (at !== -1 && !stopped) {
        if (opts.onRecord(buffer.slice(pos, at)) === false) return onAbort();
        pos = at + opts.boundary.length;
        at = buffer.indexOf(opts.boundary, pos);
      }
      buffer = buffer.slice(pos);
      if (final && !stopped && buffer.length > 0) {
        if (opts.onRecord(buffer) === false) stopped = true;
        buffer = '';
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      buffer += decoder.write(chunk);
      emit(false);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err.code === 'ENOENT' ? mapGitFailure('spawn git ENOENT', opts.cwd) : err);
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(cancelled());
      if (stopped) return resolve();
      if (code !== 0) return reject(mapGitFailure(stderr || `git exited with code ${code}`, opts.cwd));
      buffer += decoder.end();
      emit(true);
      resolve();
    });
  });
}

function cancelled(): GitError {
  return new GitError('cancelled', 'Cancelled.', 'Run the command again when ready.');
}
