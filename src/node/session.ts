/**
 * Sessions: who drives a deploy journal (a CLI process, an editor window's extension host). A
 * session names its process and machine, so another one can tell a live driver from a dead one
 * before taking an operation over.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

const SESSION = /^([a-z]+):(\d{1,10}):[0-9a-f]+@(.+)$/;

/** A new session id of this process: `kind:pid:random@host`. */
export function newSession(kind: 'cli' | 'editor'): string {
  return `${kind}:${process.pid}:${randomBytes(4).toString('hex')}@${hostname()}`;
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the session's process still runs: true or false on this machine, null when it cannot be
 * told (another machine, an older id, or this very process: one process drives with one session at
 * a time, so another session of it is an earlier drive that has ended).
 */
export function sessionAlive(session: string, alive: (pid: number) => boolean = processAlive): boolean | null {
  const m = SESSION.exec(session);
  if (!m || m[3] !== hostname() || Number(m[2]) === process.pid) return null;
  return alive(Number(m[2]));
}

/** "the CLI (pid 123)" / "an editor window (pid 456)" of a session id, for messages. */
export function describeSession(session: string): string {
  const m = SESSION.exec(session);
  if (!m) return 'another window or process';
  return `${m[1] === 'cli' ? 'a release-manager CLI' : 'an editor window'} (pid ${m[2]} on ${m[3]})`;
}
