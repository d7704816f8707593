import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TreeKill } from '../core/gates/context';

/** The environment variable every process of one gate run inherits; its value identifies the run (found again in /proc/PID/environ). */
export const RUN_MARKER_ENV = 'RELEASE_MANAGER_RUN_ID';

/** Where to look for processes (tests point these elsewhere to exercise the fallbacks). */
export interface ProcessScanOptions {
  /** Default `/proc`. */
  procDir?: string;
  /** Default `ps` (on PATH); used when `procDir` cannot be read. */
  psPath?: string;
}

interface Proc {
  ppid: number;
  /** Start time (`/proc`) to tell a reused pid apart; '' from `ps`. */
  start: string;
  zombie: boolean;
  stopped: boolean;
  /** Carries this run's environment marker. */
  marked: boolean;
}

interface Table {
  via: 'proc' | 'ps';
  procs: Map<number, Proc>;
}

const PS_TIMEOUT_MS = 5_000;
const MAX_ROUNDS = 50;
const ROUND_PAUSE_MS = 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function procTable(procDir: string, marker: Buffer | null): Promise<Table | null> {
  let names: string[];
  try {
    names = await readdir(procDir);
  } catch {
    return null;
  }
  const pids = names.filter((n) => /^\d+$/.test(n));
  if (pids.length === 0) return null; // not a procfs
  const procs = new Map<number, Proc>();
  await Promise.all(
    pids.map(async (name) => {
      let stat: string;
      try {
        stat = await readFile(join(procDir, name, 'stat'), 'utf8');
      } catch {
        return; // exited meanwhile
      }
      // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime …"; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0] ?? '';
      let marked = false;
      if (marker !== null) {
        try {
          marked = (await readFile(join(procDir, name, 'environ'))).includes(marker);
        } catch {
          // another user's process, or gone
        }
      }
      procs.set(Number(name), { ppid: Number(fields[1]), start: fields[19] ?? '', zombie: state === 'Z' || state === 'X', stopped: state === 'T', marked });
    }),
  );
  return { via: 'proc', procs };
}

function psTable(psPath: string): Promise<Table | string> {
  return new Promise((done) => {
    execFile(psPath, ['-A', '-o', 'pid=,ppid=,stat='], { timeout: PS_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error) return done(`ps failed: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.message.split('\n', 1)[0]}`);
      const procs = new Map<number, Proc>();
      for (const line of stdout.split('\n')) {
        const m = /^\s*(\d+)\s+(\d+)\s*(\S*)/.exec(line);
        if (m) procs.set(Number(m[1]), { ppid: Number(m[2]), start: '', zombie: m[3]!.startsWith('Z'), stopped: m[3]!.startsWith('T'), marked: false });
      }
      done(procs.size > 0 ? { via: 'ps', procs } : 'ps listed no processes');
    });
  });
}

/**
 * Finds and kills every process a spawned process started, including descendants that left its
 * process group or session (`setsid`) and orphans whose parent already exited (found by an
 * environment marker in `/proc`). Without `/proc` it falls back to `ps` (parent links only) and
 * says what it could not check.
 */
export class ProcessTree {
  /** Every process known to belong to the tree, by pid, with its start time. */
  private readonly known = new Map<number, string>();
  /** Pids signalled at least once. */
  private readonly signalled = new Set<number>();
  private readonly errors = new Map<number, string>();
  private rootGone = false;
  private lastVia: Table['via'] | null = null;
  private lastUnverified: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly marker: Buffer | null;

  /** `markerValue`: the value of RUN_MARKER_ENV given to the root process (null: none). */
  constructor(
    private readonly rootPid: number,
    markerValue: string | null,
    private readonly options: ProcessScanOptions = {},
  ) {
    this.marker = markerValue === null ? null : Buffer.from(`${RUN_MARKER_ENV}=${markerValue}\u0000`);
    this.known.set(rootPid, '');
  }

  /** The root exited and was reaped: its pid may be reused, never signal it again. */
  rootExited(): void {
    this.rootGone = true;
    this.known.delete(this.rootPid);
  }

  private async table(): Promise<Table | null> {
    const proc = await procTable(this.options.procDir ?? '/proc', this.marker);
    if (proc) return proc;
    const ps = await psTable(this.options.psPath ?? 'ps');
    if (typeof ps === 'string') {
      this.lastUnverified = `no ${this.options.procDir ?? '/proc'} and ${ps}`;
      return null;
    }
    return ps;
  }

  /** Lists processes and adds every descendant (and every marked process) to the tree; returns the live members. */
  private async scan(): Promise<Map<number, Proc> | null> {
    const table = await this.table();
    if (!table) {
      this.lastVia = null;
      return null;
    }
    this.lastVia = table.via;
    this.lastUnverified = null;
    // Forget pids that are gone or now belong to another process.
    for (const [pid, start] of this.known) {
      const p = table.procs.get(pid);
      if (!p || (start !== '' && p.start !== '' && p.start !== start)) this.known.delete(pid);
      else if (start === '') this.known.set(pid, p.start);
    }
    for (const [pid, p] of table.procs) if (p.marked && !(this.rootGone && pid === this.rootPid)) this.known.set(pid, p.start);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, p] of table.procs) {
        if (!this.known.has(pid) && this.known.has(p.ppid) && pid !== process.pid) {
          this.known.set(pid, p.start);
          grew = true;
        }
      }
    }
    const live = new Map<number, Proc>();
    for (const pid of this.known.keys()) {
      const p = table.procs.get(pid)!;
      if (!p.zombie) live.set(pid, p);
    }
    return live;
  }

  private send(pid: number, sig: NodeJS.Signals): void {
    try {
      process.kill(pid, sig);
      this.signalled.add(pid);
      this.errors.delete(pid);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ESRCH') this.errors.set(pid, code === 'EPERM' ? 'EPERM: not permitted' : (e as Error).message);
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Sends `sig` to the root's process group and to every process of the tree (the polite first
   * signal). The group is stopped while the tree is listed, so that no member exits and orphans its
   * children before they are found (`ps` only sees parent links), then continued to handle `sig`.
   */
  signal(sig: NodeJS.Signals): Promise<void> {
    return this.serial(async () => {
      this.sendGroup('SIGSTOP');
      const live = await this.scan();
      this.sendGroup(sig);
      if (live) for (const pid of live.keys()) this.send(pid, sig);
      this.sendGroup('SIGCONT');
      if (live) for (const pid of live.keys()) this.send(pid, 'SIGCONT');
    });
  }

  private sendGroup(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.rootPid, sig);
    } catch {
      // ESRCH: the group is gone
    }
  }

  /**
   * Kills the whole tree: stops every member (SIGSTOP: nothing can fork any more), lists again until
   * no new member appears, SIGKILLs them all, and repeats until none is left or it gives up. Reports
   * what it did and what it could not.
   */
  killAll(): Promise<TreeKill> {
    return this.serial(async () => {
      // Members that stayed in the group keep its id alive (it cannot be reused while they exist).
      // Stopped, they can neither fork nor exit (and orphan their children) while the tree is listed.
      this.sendGroup('SIGSTOP');
      let live: Map<number, Proc> | null = null;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        live = await this.scan();
        if (live === null) break;
        if (live.size === 0) break;
        // Freeze, then look again: a member may have forked between the listing and the stop.
        const frozen = new Set<number>();
        for (let pass = 0; pass < 10; pass++) {
          let fresh = false;
          for (const [pid, p] of live) {
            if (frozen.has(pid)) continue;
            frozen.add(pid);
            fresh = true;
            if (!p.stopped) this.send(pid, 'SIGSTOP');
          }
          if (!fresh) break;
          const again = await this.scan();
          if (again === null) break;
          live = again;
        }
        for (const pid of live.keys()) this.send(pid, 'SIGKILL');
        this.sendGroup('SIGKILL');
        await sleep(ROUND_PAUSE_MS);
      }
      this.sendGroup('SIGKILL');
      if (live === null) return { via: null, killed: 0, survivors: [], unverified: this.lastUnverified ?? 'the processes could not be listed' };
      const survivors = [...live.keys()].map((pid) => ({ pid, error: this.errors.get(pid) ?? 'still running after repeated SIGKILL' }));
      const killed = [...this.signalled].filter((pid) => !live!.has(pid)).length;
      return { via: this.lastVia, killed, survivors, unverified: null };
    });
  }
}
