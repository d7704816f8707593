/**
 * The driver lease of an environment: a small file next to its deploy journal naming the one drive
 * (process, host, session, operation) that may dispatch steps there. A drive holds it from before
 * its first dispatch until it stops; another process (or another drive in this one, e.g. a second
 * command in the same editor window) waits for it. A lease whose process is gone (same machine, pid
 * no longer running) is stale and is taken over; one held on another machine cannot be checked and
 * is waited for. Reads and writes happen under a short lock file, so two takers never both win.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readTextOrNull, withLockFile, writeFileAtomic } from './atomicFile';
import { processAlive } from './session';

/** Who holds a lease. */
export interface LeaseHolder {
  pid: number;
  host: string;
  session: string;
  /** The operation id it drives. */
  operation: string;
  /** Random per acquisition: only this drive releases it. */
  token: string;
  since: string;
}

/** A lease held by this drive. */
export interface DriverLease {
  readonly holder: LeaseHolder;
  release(): Promise<void>;
}

/** What an attempt found. */
export type LeaseAttempt = { kind: 'held'; lease: DriverLease } | { kind: 'busy'; holder: LeaseHolder | null };

// Leases held by drives of this process: one of this pid not listed here was left by a drive that ended.
const LIVE_TOKENS = new Set<string>();

function parseHolder(text: string | null): LeaseHolder | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<LeaseHolder> | null;
    if (v && typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string' && typeof v.session === 'string' && typeof v.operation === 'string') return v as LeaseHolder;
  } catch {
    // fall through: not a lease (hand-edited, or written by something else)
  }
  return null;
}

/** Whether a holder is gone: its process no longer runs on this machine (another machine cannot be told: not stale). */
export function leaseStale(holder: LeaseHolder | null, alive: (pid: number) => boolean = processAlive): boolean {
  if (holder === null) return true;
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !LIVE_TOKENS.has(holder.token);
  return !alive(holder.pid);
}

/** The holder of the lease at `file`, or null when nobody (or nobody alive) holds it. */
export async function leaseHolder(file: string): Promise<LeaseHolder | null> {
  const holder = parseHolder(await readTextOrNull(file));
  return leaseStale(holder) ? null : holder;
}

/** Takes the lease at `file` when it is free or stale; otherwise says who holds it. */
export async function tryLease(file: string, who: Pick<LeaseHolder, 'session' | 'operation'>): Promise<LeaseAttempt> {
  await mkdir(dirname(file), { recursive: true });
  const done = await withLockFile(`${file}.lock`, 2_000, async (): Promise<LeaseAttempt> => {
    const current = parseHolder(await readTextOrNull(file));
    if (current !== null && !leaseStale(current)) return { kind: 'busy', holder: current };
    const holder: LeaseHolder = { pid: process.pid, host: hostname(), session: who.session, operation: who.operation, token: randomBytes(8).toString('hex'), since: new Date().toISOString() };
    await writeFileAtomic(file, JSON.stringify(holder) + '\n', 0o600);
    LIVE_TOKENS.add(holder.token);
    return { kind: 'held', lease: { holder, release: () => releaseLease(file, holder) } };
  });
  return done?.value ?? { kind: 'busy', holder: null };
}

async function releaseLease(file: string, holder: LeaseHolder): Promise<void> {
  LIVE_TOKENS.delete(holder.token);
  await withLockFile(`${file}.lock`, 2_000, async () => {
    const current = parseHolder(await readTextOrNull(file));
    if (current?.token === holder.token) await unlink(file).catch(() => undefined);
  }).catch(() => undefined);
}

/** How long a takeover waits for the drive it stopped to end its step in flight (default). */
export const LEASE_WAIT_MS = 15 * 60_000;

/**
 * Waits (up to `waitMs`, or until `signal` aborts) for the lease at `file` and takes it; `onWait` is
 * told each time the holder waited for changes. Returns `busy` with the last holder when it stays taken.
 */
export async function acquireLease(file: string, who: Pick<LeaseHolder, 'session' | 'operation'>, options: { waitMs: number; signal?: AbortSignal; pollMs?: number; onWait?: (holder: LeaseHolder | null) => void }): Promise<LeaseAttempt> {
  const until = Date.now() + options.waitMs;
  let told: string | undefined;
  for (;;) {
    const attempt = await tryLease(file, who);
    if (attempt.kind === 'held') return attempt;
    const id = attempt.holder?.token ?? '';
    if (id !== told) options.onWait?.(attempt.holder);
    told = id;
    if (Date.now() >= until || options.signal?.aborted) return attempt;
    await new Promise<void>((r) => {
      const t = setTimeout(done, Math.min(options.pollMs ?? 200, Math.max(1, until - Date.now())));
      function done() {
        clearTimeout(t);
        options.signal?.removeEventListener('abort', done);
        r();
      }
      options.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
