/**
 * Release metrics in the editor (issue 15): computes a report through the core's `collectMetrics` (the
 * same flow as `release-manager metrics`) with the window's GitHub client when signed in (null when
 * not: the core then says what is missing), cancellable, and keeps the default report of each
 * repository for the tree's Metrics node, computed when that node is first expanded, not on refreshes.
 */
import * as vscode from 'vscode';
import { GitHubError, ReleaseError } from '../../core/errors';
import type { GitHubApi } from '../../core/githubApi';
import type { MetricsReport } from '../../core/metrics/report';
import type { Logger } from '../../core/ports';
import type { GitHubRepoRef } from '../../core/remote';
import { redactSecrets } from '../../core/secrets';
import type { CollectMetricsInput } from '../../node/metrics';
import { DEFAULT_WINDOW, type MetricsWindow } from '../../shared/metricsProtocol';
import type { GitHubConnector } from '../github';
import type { ReleaseModel } from '../releaseModel';

/** The core's report function, injected by the composition root (tests pass their own). */
export type CollectMetrics = (input: CollectMetricsInput) => Promise<MetricsReport>;

/** Which report: an environment (null = the default) over a window. */
export interface MetricsQuery {
  environment: string | null;
  window: MetricsWindow;
}

/** A computed report, or why there is none (a short message and its fix). */
export type MetricsOutcome = { kind: 'ok'; report: MetricsReport; signedOut: boolean } | { kind: 'error'; message: string; fix: string | null; config?: boolean };

/** The query the tree and a new view start with. */
export const DEFAULT_QUERY: MetricsQuery = { environment: null, window: DEFAULT_WINDOW };

export class MetricsService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a repository root when its default report changed (the tree redraws its Metrics node). */
  readonly onDidChange = this.changed.event;
  private readonly defaults = new Map<string, { outcome: Promise<MetricsOutcome>; settled: MetricsOutcome | null }>();
  /** The release config each kept report was computed under (a changed config, such as new targets, computes again). */
  private readonly configs = new Map<string, string>();
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly model: ReleaseModel,
    private readonly github: Pick<GitHubConnector, 'connect' | 'repoFor'>,
    private readonly collect: CollectMetrics,
    private readonly log: Logger,
  ) {
    this.sub = model.onDidChange(() => {
      for (const [root, signature] of [...this.configs]) {
        if (this.configSignature(root) !== signature) {
          this.configs.delete(root);
          this.invalidate(root);
        }
      }
    });
  }

  private configSignature(root: string): string {
    const state = this.model.find(root);
    return JSON.stringify(state?.config ?? state?.configError?.message ?? null);
  }

  /** Computes a report (never throws: a fault becomes an error outcome, logged). */
  async compute(root: string, query: MetricsQuery, options: { signal?: AbortSignal; onProgress?: (message: string) => void } = {}): Promise<MetricsOutcome> {
    try {
      await this.model.settled();
      const state = this.model.find(root);
      if (!state) return { kind: 'error', message: `${root} is not a repository of this workspace.`, fix: 'Open the folder, then try again.' };
      if (state.configError) return { kind: 'error', message: state.configError.message, fix: state.configError.fix, config: true };
      const signature = this.configSignature(root);
      const gh = await this.client(root);
      options.onProgress?.('reading deployments');
      const report = await this.collect({
        repoRoot: root,
        ...(state.config ? { config: state.config } : {}),
        ...(query.environment ? { environment: query.environment } : {}),
        since: query.window,
        github: gh.api,
        repo: gh.repo,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      const withOurs = gh.warning ? { ...report, warnings: [gh.warning, ...report.warnings] } : report;
      const outcome: MetricsOutcome = { kind: 'ok', report: withOurs, signedOut: gh.signedOut };
      if (query.environment === null && query.window === DEFAULT_QUERY.window) this.remember(root, outcome, signature);
      return outcome;
    } catch (e) {
      if (options.signal?.aborted) return { kind: 'error', message: 'Cancelled.', fix: 'Refresh to compute the metrics again.' };
      if (e instanceof ReleaseError) {
        this.log.warn(`metrics of ${root}: ${redactSecrets(e.message)}`);
        return { kind: 'error', message: redactSecrets(e.message), fix: redactSecrets(e.fix) };
      }
      this.log.error(`metrics of ${root} failed: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
      return { kind: 'error', message: 'The metrics could not be computed (see the log).', fix: 'Show the log (Release: Show Log) for the cause.' };
    }
  }

  /** The GitHub client of the repository, silently (never a sign-in prompt); null when signed out or not on GitHub. */
  private async client(root: string): Promise<{ api: GitHubApi | null; repo: GitHubRepoRef | null; signedOut: boolean; warning?: string }> {
    let repo: GitHubRepoRef | null = null;
    try {
      repo = await this.github.repoFor(root, false);
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'not-github') return { api: null, repo: null, signedOut: false };
      const message = e instanceof ReleaseError ? e.message : 'the GitHub repository could not be found (see the log)';
      this.log.warn(`metrics: GitHub not read: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      return { api: null, repo: null, signedOut: false, warning: `GitHub not read: ${redactSecrets(message)}` };
    }
    try {
      return { api: await this.github.connect(root, { interactive: false }), repo, signedOut: false };
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'no-token') return { api: null, repo, signedOut: true };
      this.log.warn(`metrics: GitHub not read: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      return { api: null, repo, signedOut: false, warning: `GitHub not read: ${redactSecrets(e instanceof ReleaseError ? e.message : 'see the log')}` };
    }
  }

  /** The default report of a repository for the tree: computed on first ask, then kept until `invalidate`. */
  defaultReport(root: string): Promise<MetricsOutcome> {
    const known = this.defaults.get(root);
    if (known) return known.outcome;
    const entry: { outcome: Promise<MetricsOutcome>; settled: MetricsOutcome | null } = { outcome: Promise.resolve({ kind: 'error', message: '', fix: null }), settled: null };
    this.configs.set(root, this.configSignature(root));
    entry.outcome = this.compute(root, DEFAULT_QUERY).then((o) => {
      entry.settled = o;
      // An error is not kept: expanding the node again tries again.
      if (o.kind === 'error' && this.defaults.get(root) === entry) this.defaults.delete(root);
      return o;
    });
    this.defaults.set(root, entry);
    return entry.outcome;
  }

  /** The default report if it was computed already (no I/O: the tree's labels read it). */
  peek(root: string): MetricsOutcome | null {
    return this.defaults.get(root)?.settled ?? null;
  }

  /** Forgets the default reports (one repository's, or all) and tells the tree. */
  invalidate(root?: string): void {
    const roots = root === undefined ? [...this.defaults.keys()] : [root];
    for (const r of roots) this.defaults.delete(r);
    for (const r of roots) this.changed.fire(r);
  }

  private remember(root: string, outcome: MetricsOutcome, signature: string): void {
    this.configs.set(root, signature);
    this.defaults.set(root, { outcome: Promise.resolve(outcome), settled: outcome });
    this.changed.fire(root);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
