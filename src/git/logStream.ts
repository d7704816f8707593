import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { RawCommit } from '../core/commits';
import { GitError } from '../core/errors';
import { gitEnv, mapGitFailure } from './gitProcess';
import { invalidUtf8Warning, notUtf8 } from './rawMessages';

/**
 * Environment added for streamed git processes. GIT_FLUSH=0: git buffers its output in blocks instead of
 * flushing after every commit, so a long log arrives in a few thousand reads instead of one per commit (a
 * read costs the event loop more than a record). The benchmark's git log floor runs with it too.
 */
export const STREAM_ENV: Readonly<Record<string, string>> = Object.freeze({ GIT_FLUSH: '0' });

/** Fields of one log record, in order; the message comes last so nothing in it can shift a field. */
const FIELDS = ['%H', '%P', '%aN', '%aE', '%aI', '%B'];

/**
 * Fields before FIELDS that tell the size of the raw commit object the log shows (with `--date=raw`): tree,
 * author and committer as written (no mailmap), and the declared encoding. See sizedRecord.
 */
const SIZE_FIELDS = ['%T', '%an', '%ae', '%ad', '%cn', '%ce', '%cd', '%e'];

/** The log arguments the sized formats need (raw dates: `<seconds> <zone>`, as in the object). */
export const SIZED_LOG_ARGS: readonly string[] = ['--date=raw'];

/** A `git log` format whose record boundary is random per run, so no commit message can forge it (run with SIZED_LOG_ARGS). */
export function logFormat(): { format: string; boundary: string } {
  const token = randomBytes(9).toString('hex');
  return { format: `%x1e${token}%x1f${[...SIZE_FIELDS, ...FIELDS].join('%x00')}`, boundary: `\u001e${token}\u001f` };
}

/** Like logFormat, with git's `%m` mark first (`-` for a boundary commit). */
export function markedLogFormat(): { format: string; boundary: string } {
  const token = randomBytes(9).toString('hex');
  return { format: `%x1e${token}%x1f%m%x00${[...SIZE_FIELDS, ...FIELDS].join('%x00')}`, boundary: `\u001e${token}\u001f` };
}

/**
 * Parses a record of logFormat(): the commit, and the size its raw object has when the log showed all of its
 * message (-1 when that cannot be told: an encoding git converted). The object is its header lines (`tree`,
 * `parent`s, `author`, `committer`, then any others), a blank line and the message; git's log stops a
 * message at a NUL byte, so an object larger than this size has more than the log showed, or more headers
 * (a signature): RawMessageCheck reads those whole. Sizes agree only when the log showed the whole message:
 * git prints identities as substrings of the object's lines (a name's trailing spaces dropped: smaller, so
 * read whole) and dates as `<seconds> <±hhmm>`. The one way to agree with a message cut short is an identity
 * line git itself repairs to something longer (a zone of fewer than four digits, no date, no space before
 * `<`: objects `git fsck` rejects) whose extra bytes equal exactly what the NUL hid.
 */
export function sizedRecord(buf: Buffer, start: number, end: number): { commit: RawCommit; size: number } | null {
  const at: number[] = [];
  let pos = start;
  for (let f = 0; f < SIZE_FIELDS.length; f++) {
    const nul = buf.indexOf(0, pos);
    if (nul === -1 || nul >= end) return null;
    at.push(nul);
    pos = nul + 1;
  }
  const [t, an, ae, ad, cn, ce, cd, enc] = at as [number, number, number, number, number, number, number, number];
  const commit = parseRecordBytes(buf, pos, end);
  if (!commit) return null;
  if (enc > cd + 1) return { commit, size: -1 };
  // The message starts after the record's fifth NUL; the record ends with the newline git puts after it.
  let msg = pos;
  for (let f = 0; f < FIELDS.length - 1; f++) msg = buf.indexOf(0, msg) + 1;
  const shown = end - msg - (end > msg && buf[end - 1] === 0x0a ? 1 : 0);
  let header = 'tree \n'.length + (t - start);
  for (const p of commit.parents) header += 'parent \n'.length + p.length;
  // "author NAME <EMAIL> SECONDS ZONE\n", the same for the committer; then the blank line.
  header += 'author  <> \n'.length + (an - t - 1) + (ae - an - 1) + (ad - ae - 1);
  header += 'committer  <> \n'.length + (cn - ad - 1) + (ce - cn - 1) + (cd - ce - 1);
  return { commit, size: header + 1 + shown };
}

/**
 * Parses one record straight from git's bytes (buf[start..end), without its boundary). Each field is decoded
 * on its own, so what a caller keeps (a hash, a date) is a small string of its own and never holds the
 * record's text alive.
 */
export function parseRecordBytes(buf: Buffer, start: number, end: number): RawCommit | null {
  const at: number[] = [];
  let pos = start;
  for (let f = 0; f < FIELDS.length - 1; f++) {
    const nul = buf.indexOf(0, pos);
    if (nul === -1 || nul >= end) return null;
    at.push(nul);
    pos = nul + 1;
  }
  const [h, p, n, e, d] = at as [number, number, number, number, number];
  let stop = end;
  if (stop > pos && buf[stop - 1] === 0x0a) stop--; // git ends %B with a newline
  // Trailing blank lines and spaces carry nothing (message parsing trims them); without them a one-line
  // message is its subject, so the subject kept for the notes is this string and not a slice of a longer one.
  while (stop > pos && (buf[stop - 1] === 0x0a || buf[stop - 1] === 0x20 || buf[stop - 1] === 0x09 || buf[stop - 1] === 0x0d)) stop--;
  const commit: RawCommit = {
    hash: buf.toString('latin1', start, h),
    parents: p > h + 1 ? buf.toString('latin1', h + 1, p).split(' ') : [],
    authorName: buf.toString('utf8', p + 1, n),
    authorEmail: buf.toString('utf8', n + 1, e),
    date: buf.toString('latin1', e + 1, d),
    message: buf.toString('utf8', pos, stop),
  };
  // git converts a message with a known encoding header to UTF-8; anything else comes through as it is.
  if (notUtf8(buf, pos, stop)) commit.textWarnings = [invalidUtf8Warning(commit.hash)];
  return commit;
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

/** Like StreamOptions, with each record handed over as bytes: buf[start..end), valid during the call only. */
export interface ByteStreamOptions extends Omit<StreamOptions, 'onRecord'> {
  onRecord: (buf: Buffer, start: number, end: number) => boolean | void;
}

/** Runs git and hands over its output record by record as it arrives; never holds the whole output. */
export function streamRecords(opts: StreamOptions): Promise<void> {
  return streamRecordBytes({ ...opts, onRecord: (buf, start, end) => opts.onRecord(buf.toString('utf8', start, end)) });
}

/** Runs git and hands over its output record by record, as bytes, as it arrives; never holds the whole output. */
export function streamRecordBytes(opts: ByteStreamOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled());
    const env = { ...gitEnv(), ...STREAM_ENV };
    const child = spawn(opts.gitPath, opts.args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    // Boundaries are found in the bytes and records are handed over as byte ranges: the caller decodes
    // only what it keeps, so nothing it keeps holds a whole chunk (or a whole record) alive.
    const sep = Buffer.from(opts.boundary, 'utf8');
    let pending: Buffer = Buffer.alloc(0);
    let stderr = '';
    let stopped = false;
    let started = false;
    const onAbort = () => {
      stopped = true;
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const emit = (final: boolean) => {
      let at = pending.indexOf(sep);
      if (!started) {
        if (at === -1) return;
        pending = pending.subarray(at + sep.length);
        started = true;
        at = pending.indexOf(sep);
      }
      let pos = 0;
      while (at !== -1 && !stopped) {
        if (opts.onRecord(pending, pos, at) === false) return onAbort();
        pos = at + sep.length;
        at = pending.indexOf(sep, pos);
      }
      pending = pending.subarray(pos);
      if (final && !stopped && pending.length > 0) {
        if (opts.onRecord(pending, 0, pending.length) === false) stopped = true;
        pending = Buffer.alloc(0);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
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
      emit(true);
      resolve();
    });
  });
}

function cancelled(): GitError {
  return new GitError('cancelled', 'Cancelled.', 'Run the command again when ready.');
}
