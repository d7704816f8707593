/**
 * Commit text git's log cannot show as it is: `git log` stops a message at its first NUL byte (the
 * rest is silently lost), and passes bytes that are not UTF-8 through when the commit declares no
 * encoding. Commits are read again as raw objects beside the log (`git cat-file --batch`, one process
 * for the whole log) and handed on in the log's order once checked: a message cut by a NUL gets its
 * whole text back with the NUL shown as U+FFFD, and every oddity becomes a warning naming the commit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import type { RawCommit } from '../core/commits';
import { gitEnv } from './gitProcess';

const REPLACEMENT = '\uFFFD';

/** The warning of a message that is not valid UTF-8 (what the notes say and do about it). */
export function invalidUtf8Warning(hash: string): string {
  return `Commit ${hash.slice(0, 7)}: its message is not valid UTF-8 and declares no encoding git could convert; the invalid bytes are shown as ${REPLACEMENT}.`;
}

/** The warning of a message that contains NUL bytes. */
export function nulWarning(hash: string, count: number): string {
  return `Commit ${hash.slice(0, 7)}: its message contains ${count === 1 ? 'a NUL byte' : `${count} NUL bytes`} (git log stops the message there); shown as ${REPLACEMENT}, the rest of the message kept.`;
}

/** True when the log's message bytes are not UTF-8 (git passed them through undecoded). */
export function notUtf8(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return !isUtf8(buf.subarray(start, end));
  return false;
}

/** The message of a raw commit object, NULs shown as U+FFFD, trimmed as the log reader trims (null: no NUL in it). */
function messageWithNuls(object: Buffer): { message: string; nuls: number; utf8: boolean } | null {
  const headerEnd = object.indexOf('\n\n');
  if (headerEnd === -1) return null;
  const body = object.subarray(headerEnd + 2);
  if (body.indexOf(0) === -1) return null;
  let stop = body.length;
  while (stop > 0 && (body[stop - 1] === 0x0a || body[stop - 1] === 0x20 || body[stop - 1] === 0x09 || body[stop - 1] === 0x0d)) stop--;
  const parts: string[] = [];
  let nuls = 0;
  let utf8 = true;
  let pos = 0;
  for (;;) {
    const nul = body.indexOf(0, pos);
    const end = nul === -1 || nul >= stop ? stop : nul;
    if (notUtf8(body, pos, end)) utf8 = false;
    parts.push(body.toString('utf8', pos, end));
    if (end === stop) break;
    nuls++;
    pos = end + 1;
  }
  return { message: parts.join(REPLACEMENT), nuls, utf8 };
}

/**
 * Checks each commit of a log against its raw object and hands it on, in order, once checked. Never
 * fails the log: when the raw objects cannot be read, commits go on as git's log gave them.
 */
export class RawMessageCheck {
  private readonly waiting: RawCommit[] = [];
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private failed = false;
  private fault: unknown = null;
  private closed: Promise<void> | null = null;
  /** Hashes not yet written to cat-file (written in batches: one write per commit costs more than reading it). */
  private unsent: string[] = [];

  constructor(
    private readonly gitPath: string,
    private readonly cwd: string,
    private readonly onCommit: (commit: RawCommit) => void,
  ) {}

  private start(): ChildProcessWithoutNullStreams | null {
    if (this.child || this.failed) return this.child;
    const child = spawn(this.gitPath, ['cat-file', '--batch', '--buffer'], { cwd: this.cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.read(chunk));
    child.stderr.resume();
    child.stdin.on('error', () => this.giveUp());
    this.closed = new Promise<void>((done) => {
      child.on('error', () => (this.giveUp(), done()));
      child.on('close', () => (this.giveUp(), done()));
    });
    return child;
  }

  /** The raw objects cannot be read (any more): what waits goes on as the log gave it. */
  private giveUp(): void {
    this.failed = true;
    this.flush(this.waiting.length);
  }

  private flush(count: number): void {
    for (let i = 0; i < count && this.fault === null; i++) {
      const c = this.waiting.shift()!;
      try {
        this.onCommit(c);
      } catch (e) {
        this.fault = e;
        this.child?.kill();
      }
    }
  }

  /** A commit of the log, in order. */
  push(commit: RawCommit): void {
    if (this.fault !== null) throw this.fault;
    const child = this.start();
    if (!child || this.failed) {
      this.waiting.push(commit);
      return this.flush(this.waiting.length);
    }
    this.waiting.push(commit);
    this.unsent.push(commit.hash);
    if (this.unsent.length >= 512) this.send();
    else if (this.unsent.length === 1) setImmediate(() => this.send());
  }

  private send(): void {
    if (this.unsent.length === 0 || !this.child || this.failed) return;
    this.child.stdin.write(this.unsent.join('\n') + '\n');
    this.unsent = [];
  }

  private read(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const nl = this.pending.indexOf(0x0a);
      if (nl === -1) return;
      const header = this.pending.toString('latin1', 0, nl);
      const m = /^(\S+) (\S+) (\d+)$/.exec(header);
      if (!m) {
        // "<hash> missing": nothing to check.
        this.pending = this.pending.subarray(nl + 1);
        this.answer(null);
        continue;
      }
      const size = Number(m[3]);
      if (this.pending.length < nl + 1 + size + 1) return;
      this.answer(m[2] === 'commit' ? this.pending.subarray(nl + 1, nl + 1 + size) : null);
      this.pending = this.pending.subarray(nl + 1 + size + 1);
    }
  }

  private answer(object: Buffer | null): void {
    const commit = this.waiting[0];
    if (!commit) return;
    const full = object ? messageWithNuls(object) : null;
    if (full) {
      commit.message = full.message;
      const warnings = (commit.textWarnings ??= []);
      warnings.push(nulWarning(commit.hash, full.nuls));
      if (!full.utf8 && !warnings.some((w) => w.includes('not valid UTF-8'))) warnings.push(invalidUtf8Warning(commit.hash));
    }
    this.flush(1);
  }

  /** Waits until every commit pushed is checked and handed on; rethrows what the consumer threw. */
  async finish(): Promise<void> {
    if (this.child && !this.failed) {
      this.send();
      this.child.stdin.end();
      await this.closed;
    }
    this.flush(this.waiting.length);
    if (this.fault !== null) throw this.fault;
  }

  /** Stops reading (the log failed or was cancelled). */
  abort(): void {
    this.waiting.length = 0;
    this.child?.kill();
  }
}
