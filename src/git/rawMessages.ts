/**
 * Commit text git's log cannot show as it is: `git log` stops a message at its first NUL byte (the
 * rest is silently lost), and passes bytes that are not UTF-8 through when the commit declares no
 * encoding. Each commit's raw object size is checked beside the log (`git cat-file --batch-check`), the few
 * whose size disagrees with the log are read whole (`git cat-file --batch`), and commits are handed on in the
 * log's order once checked: a message cut by a NUL gets its
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

/** A commit of the log waiting to be handed on, with the raw object size its log record implies (-1: unknown). */
interface Entry {
  commit: RawCommit;
  expected: number;
  ready: boolean;
}

/** One `git cat-file` process, its answers read as they come. */
interface CatFile {
  child: ChildProcessWithoutNullStreams;
  pending: Buffer;
  closed: Promise<void>;
}

/**
 * Checks each commit of a log against its raw object and hands it on, in order, once checked. Cheap: the size
 * of every commit object is read from its header (`git cat-file --batch-check`, no object inflated) and compared
 * with the size its log record implies (see sizedRecord in logStream.ts); git's log shows a message in full
 * exactly when they agree. Only the commits where they differ (a NUL cut the message, an encoding was converted,
 * a header git's log does not show: a signature) are read whole (`git cat-file --batch`). Never fails the log:
 * when the raw objects cannot be read, commits go on as git's log gave them.
 */
export class RawMessageCheck {
  private readonly waiting: Entry[] = [];
  private head = 0;
  private readonly sizing: Entry[] = [];
  private sized = 0;
  private readonly fetching: Entry[] = [];
  private fetched = 0;
  private checker: CatFile | null = null;
  private fetcher: CatFile | null = null;
  private failed = false;
  private finishing = false;
  private fault: unknown = null;
  /** Hashes not yet written to the size check (written in batches: one write per commit costs more than reading it). */
  private unsent: string[] = [];

  constructor(
    private readonly gitPath: string,
    private readonly cwd: string,
    private readonly onCommit: (commit: RawCommit) => void,
  ) {}

  private spawnCatFile(args: string[], onData: (cat: CatFile) => void): CatFile {
    const child = spawn(this.gitPath, ['cat-file', ...args], { cwd: this.cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const cat: CatFile = { child, pending: Buffer.alloc(0), closed: Promise.resolve() };
    child.stdout.on('data', (chunk: Buffer) => {
      cat.pending = cat.pending.length === 0 ? chunk : Buffer.concat([cat.pending, chunk]);
      onData(cat);
    });
    child.stderr.resume();
    child.stdin.on('error', () => this.giveUp());
    cat.closed = new Promise<void>((done) => {
      // Once finish() closed its input, a process ending is the normal end; before that, a fault.
      child.on('error', () => (this.finishing || this.giveUp(), done()));
      child.on('close', () => (this.finishing || this.giveUp(), done()));
    });
    return cat;
  }

  /** The raw objects cannot be read (any more): what waits goes on as the log gave it. */
  private giveUp(): void {
    if (this.failed) return;
    this.failed = true;
    for (let i = this.head; i < this.waiting.length; i++) this.waiting[i]!.ready = true;
    this.flush();
    this.checker?.child.kill();
    this.fetcher?.child.kill();
  }

  /** Hands on every checked commit at the head of the queue. */
  private flush(): void {
    while (this.head < this.waiting.length && this.waiting[this.head]!.ready && this.fault === null) {
      const e = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as Entry;
      try {
        this.onCommit(e.commit);
      } catch (err) {
        this.fault = err;
        this.checker?.child.kill();
        this.fetcher?.child.kill();
      }
    }
    if (this.head > 4096 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  /** A commit of the log, in order, with the raw object size its record implies (-1: read it whole). */
  push(commit: RawCommit, expected = -1): void {
    if (this.fault !== null) throw this.fault;
    const e: Entry = { commit, expected, ready: false };
    this.waiting.push(e);
    if (this.failed) {
      e.ready = true;
      return this.flush();
    }
    this.checker ??= this.spawnCatFile(['--batch-check=%(objectname) %(objectsize)', '--buffer'], (cat) => this.readSizes(cat));
    this.sizing.push(e);
    this.unsent.push(commit.hash);
    if (this.unsent.length >= 512) this.send();
    else if (this.unsent.length === 1) setImmediate(() => this.send());
  }

  private send(): void {
    if (this.unsent.length === 0 || !this.checker || this.failed) return;
    this.checker.child.stdin.write(this.unsent.join('\n') + '\n');
    this.unsent = [];
  }

  private readSizes(cat: CatFile): void {
    let pos = 0;
    for (;;) {
      const nl = cat.pending.indexOf(0x0a, pos);
      if (nl === -1) break;
      const line = cat.pending.toString('latin1', pos, nl);
      pos = nl + 1;
      const e = this.sizing[this.sized];
      if (!e) continue;
      this.sizing[this.sized++] = undefined as unknown as Entry;
      const space = line.lastIndexOf(' ');
      const size = Number(line.slice(space + 1));
      // Sizes agree: the log showed every byte of the message. "<hash> missing": nothing to check.
      if (e.expected === -1 ? false : size === e.expected) e.ready = true;
      else if (!/^\d+$/.test(line.slice(space + 1))) e.ready = true;
      else this.fetch(e);
    }
    cat.pending = cat.pending.subarray(pos);
    if (this.sized > 4096 && this.sized * 2 > this.sizing.length) {
      this.sizing.splice(0, this.sized);
      this.sized = 0;
    }
    this.flush();
  }

  /** Reads one commit whole (rare: its size said the log did not show all of it). */
  private fetch(e: Entry): void {
    // Unbuffered: each answer comes at once, so the commits after this one do not wait for the end of the log.
    this.fetcher ??= this.spawnCatFile(['--batch'], (cat) => this.readObjects(cat));
    this.fetching.push(e);
    this.fetcher.child.stdin.write(e.commit.hash + '\n');
  }

  private readObjects(cat: CatFile): void {
    for (;;) {
      const nl = cat.pending.indexOf(0x0a);
      if (nl === -1) return;
      const header = cat.pending.toString('latin1', 0, nl);
      const m = /^(\S+) (\S+) (\d+)$/.exec(header);
      if (!m) {
        cat.pending = cat.pending.subarray(nl + 1);
        this.answer(null);
        continue;
      }
      const size = Number(m[3]);
      if (cat.pending.length < nl + 1 + size + 1) return;
      this.answer(m[2] === 'commit' ? cat.pending.subarray(nl + 1, nl + 1 + size) : null);
      cat.pending = cat.pending.subarray(nl + 1 + size + 1);
    }
  }

  private answer(object: Buffer | null): void {
    const e = this.fetching[this.fetched++];
    if (!e) return;
    const commit = e.commit;
    const full = object ? messageWithNuls(object) : null;
    if (full) {
      commit.message = full.message;
      const warnings = (commit.textWarnings ??= []);
      warnings.push(nulWarning(commit.hash, full.nuls));
      if (!full.utf8 && !warnings.some((w) => w.includes('not valid UTF-8'))) warnings.push(invalidUtf8Warning(commit.hash));
    }
    e.ready = true;
    this.flush();
  }

  /** Waits until every commit pushed is checked and handed on; rethrows what the consumer threw. */
  async finish(): Promise<void> {
    this.finishing = true;
    if (this.checker && !this.failed) {
      this.send();
      this.checker.child.stdin.end();
      await this.checker.closed;
    }
    if (this.fetcher && !this.failed) {
      this.fetcher.child.stdin.end();
      await this.fetcher.closed;
    }
    this.giveUp();
    if (this.fault !== null) throw this.fault;
  }

  /** Stops reading (the log failed or was cancelled). */
  abort(): void {
    this.waiting.length = 0;
    this.head = 0;
    this.failed = true;
    this.checker?.child.kill();
    this.fetcher?.child.kill();
  }
}
