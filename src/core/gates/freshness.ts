// Keeping a verdict current: what the gates were judged on, what changed since, which gates re-run on
// their own, and when there is nothing to judge at all (guidance, not a verdict). Pure: no timers of Node.

/** A workspace with nothing to judge yet: no folder, a folder that is no git repository, a repository without commits. */
export type EmptyState = 'noFolder' | 'noRepo' | 'noCommits';

/** What to do in each empty state (shown in the checklist and the status bar tooltip instead of a verdict). */
export const EMPTY_GUIDANCE: Record<EmptyState, string> = {
  noFolder: 'Open a folder that is a git repository to check its readiness.',
  noRepo: 'This folder is not a git repository. Run `git init` (or Initialize Repository in the Source Control view) and make a first commit, or open a repository.',
  noCommits: 'This repository has no commits yet. Make a first commit and its readiness is checked here.',
};

/** The empty state of the repository the gates are about, or null when there is something to judge. */
export function emptyStateOf(input: { folders: number; repository: { errorCode: string | null } | undefined }): EmptyState | null {
  if (!input.repository) return input.folders > 0 ? 'noRepo' : 'noFolder';
  return input.repository.errorCode === 'no-commits' ? 'noCommits' : null;
}

/** What a set of gate results was judged on: the commit, the release version and the config. */
export interface JudgeBasis {
  head: string | null;
  version: string | null;
  config: string;
}

/** Says what changed between two bases ("HEAD moved to abc1234"), or null when nothing the gates read changed. */
export function changeBetween(before: JudgeBasis, after: JudgeBasis): string | null {
  const parts: string[] = [];
  if (before.head !== after.head) parts.push(after.head ? `HEAD moved to ${after.head.slice(0, 7)}` : 'HEAD moved');
  if (before.config !== after.config) parts.push('the config changed');
  if (before.version !== after.version) parts.push(`the next version became ${after.version ?? 'none'}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

/**
 * Gate kinds that ask a server (GitHub, the flag provider) and nothing of the working tree: re-judged when the commit,
 * version or config changed, not on every working-tree change. Not `risk`: it also counts the sign-offs of the tracked
 * sign-off file (a `release-manager signoff` changes only the working tree).
 */
const REMOTE_KINDS: ReadonlySet<string> = new Set(['githubChecks', 'blockers', 'flag', 'milestone']);

/**
 * Which gates an automatic re-judge runs and which it marks stale. `change` is what changed in the commit,
 * version or config (null: only the working tree or the index did). Local gates always re-run; gates that
 * ask GitHub re-run on a change only (a save must not spend API calls); `command` gates never re-run on
 * their own: they spawn processes (tests, builds) and run only when a person asks. A command gate judged
 * before a change is stale: it no longer counts as passing until it is re-run.
 */
export function rejudgePlan(gates: readonly { id: string; kind: string }[], judged: ReadonlySet<string>, change: string | null): { run: string[]; stale: string[] } {
  return {
    run: gates.filter((g) => g.kind !== 'command' && (change !== null || !REMOTE_KINDS.has(g.kind) || !judged.has(g.id))).map((g) => g.id),
    stale: change === null ? [] : gates.filter((g) => g.kind === 'command' && judged.has(g.id)).map((g) => g.id),
  };
}

/** The reason a stale command gate shows until it is re-run. */
export function staleReason(change: string): string {
  return `Stale since ${change}: it runs a command, so it waits for you (Re-run).`;
}

/**
 * Runs a task after a quiet period: a burst of requests is one run, and a run never overlaps another
 * (a request during a run queues exactly one more run after it).
 */
export class Coalescer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** Asks for a run after the quiet period (restarts the period). */
  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fire(), this.delayMs);
  }

  /** True when no run is waiting or running. */
  get idle(): boolean {
    return !this.timer && !this.running && !this.again;
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      await this.task();
    } catch (e) {
      this.onError(e);
    } finally {
      this.running = false;
      if (this.again && !this.disposed) {
        this.again = false;
        this.request();
      }
    }
  }

  /** Drops what is waiting; a run in progress finishes. */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
  }
}
