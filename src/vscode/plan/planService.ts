/**
 * The release plan in the editor (issue 19): the same flow as `release-manager plan` (src/node/plan.ts)
 * with the window's GitHub client, read silently (never a sign-in prompt) when the tree's Plan node is
 * first expanded, kept until the range, the config or the sign-in changes, and cancelled when it does.
 */
import * as vscode from 'vscode';
import { GitHubError, ReleaseError } from '../../core/errors';
import type { GitHubApi } from '../../core/githubApi';
import type { ReleasePlan } from '../../core/plan/plan';
import type { Logger } from '../../core/ports';
import { redactSecrets } from '../../core/secrets';
import type { CollectPlanInput } from '../../node/plan';
import type { GitHubConnector } from '../github';
import { VIEWS } from '../ids';
import type { ReleaseModel } from '../releaseModel';

/** The plan of a repository, or why there is none (each with what to do). */
export type PlanOutcome =
  | { kind: 'ok'; plan: ReleasePlan }
  | { kind: 'signed-out' }
  | { kind: 'not-github'; message: string }
  | { kind: 'error'; message: string; fix: string | null; config?: boolean };

/** The plan flow, injected by the composition root (tests pass their own). */
export type CollectPlan = (input: CollectPlanInput) => Promise<ReleasePlan>;

interface Entry {
  outcome: Promise<PlanOutcome>;
  settled: PlanOutcome | null;
  abort: AbortController;
  signature: string;
}

export class PlanService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a repository root when its plan was read (or forgotten): the tree redraws its Plan node. */
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, Entry>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly github: Pick<GitHubConnector, 'connect' | 'onDidChange'>,
    private readonly collect: CollectPlan,
    private readonly log: Logger,
    /** The clock due dates are counted against (tests pin it). */
    readonly now: () => Date = () => new Date(),
  ) {
    this.subs = [
      github.onDidChange(() => this.invalidate()),
      // A new HEAD, range or config plans again; other refreshes keep what was read.
      model.onDidChange(() => {
        for (const [root, entry] of [...this.entries]) if (entry.signature !== this.signature(root)) this.invalidate(root);
      }),
    ];
  }

  private signature(root: string): string {
    const state = this.model.find(root);
    const notes = state?.notes;
    return JSON.stringify([notes?.range.fromHash ?? null, notes?.range.toHash ?? null, notes?.version.next ?? null, state?.config?.plan ?? null, state?.configError?.message ?? null]);
  }

  /** The plan of a repository: read on first ask (with the tree's progress bar), then kept until `invalidate`. */
  plan(root: string): Promise<PlanOutcome> {
    const known = this.entries.get(root);
    if (known) return known.outcome;
    const abort = new AbortController();
    const entry: Entry = { outcome: Promise.resolve({ kind: 'signed-out' }), settled: null, abort, signature: this.signature(root) };
    entry.outcome = Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEWS.tree } }, () => this.read(root, abort.signal))).then((o) => {
      if (this.entries.get(root) !== entry) return o;
      // An error is not kept (expanding the node again tries again) and not announced: the tree has it
      // from this very promise, and a redraw would read again at once.
      if (o.kind === 'error') this.entries.delete(root);
      else {
        entry.settled = o;
        this.changed.fire(root);
      }
      return o;
    });
    this.entries.set(root, entry);
    return entry.outcome;
  }

  /** The plan if it was read already (no I/O: the tree's labels read it). */
  peek(root: string): PlanOutcome | null {
    return this.entries.get(root)?.settled ?? null;
  }

  /** Forgets (and cancels) the plans of one repository or all; the tree reads again on its next look. */
  invalidate(root?: string): void {
    const roots = root === undefined ? [...this.entries.keys()] : [root];
    for (const r of roots) {
      this.entries.get(r)?.abort.abort();
      this.entries.delete(r);
      this.changed.fire(r);
    }
  }

  /** Reads the plan (never throws: faults become outcomes, logged). */
  private async read(root: string, signal: AbortSignal): Promise<PlanOutcome> {
    try {
      await this.model.settled();
      const state = this.model.find(root);
      const repo = this.model.repo(root);
      if (!state || !repo) return { kind: 'error', message: `${root} is not a repository of this workspace.`, fix: 'Open the folder, then try again.' };
      if (state.configError) return { kind: 'error', message: state.configError.message, fix: state.configError.fix, config: true };
      if (!state.config) return { kind: 'error', message: 'The config could not be read.', fix: null, config: true };
      let api: GitHubApi;
      try {
        api = await this.github.connect(root, { interactive: false });
      } catch (e) {
        if (e instanceof GitHubError && e.code === 'no-token') return { kind: 'signed-out' };
        if (e instanceof GitHubError && e.code === 'not-github') return { kind: 'not-github', message: e.message };
        throw e;
      }
      return { kind: 'ok', plan: await this.collect({ repo, config: state.config, github: api, signal, now: this.now() }) };
    } catch (e) {
      if (signal.aborted) return { kind: 'error', message: 'Cancelled.', fix: 'Expand Plan again to read it.' };
      if (e instanceof ReleaseError) {
        this.log.warn(`plan of ${root}: ${redactSecrets(e.message)}`);
        return { kind: 'error', message: redactSecrets(e.message), fix: redactSecrets(e.fix) };
      }
      this.log.error(`plan of ${root} failed: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
      return { kind: 'error', message: 'The plan could not be read (see the log).', fix: 'Show the log (Release: Show Log) for the cause.' };
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.abort.abort();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
