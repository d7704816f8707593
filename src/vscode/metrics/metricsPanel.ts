/**
 * The Release Metrics webview panel: strict CSP with a fresh nonce, resources from the bundle folder
 * only, zod-validated messages both ways, state owned here. Computing shows a cancellable progress
 * notification; the view's Cancel, a new choice and closing the panel abort it (AbortSignal).
 */
import * as vscode from 'vscode';
import { metricsMarkdown } from '../../core/metrics/markdown';
import type { MetricsReport } from '../../core/metrics/report';
import type { Logger } from '../../core/ports';
import { boundedReport, DEFAULT_WINDOW, parseFromMetricsWebview, toMetricsWebview, type FromMetricsWebview, type MetricsViewState, type MetricsWindow } from '../../shared/metricsProtocol';
import { COMMANDS, METRICS_PANEL } from '../ids';
import { openReportPanel, postChecked, receiveChecked, shellHtml, withCancellableProgress } from '../panelHost';
import type { ReleaseModel } from '../releaseModel';
import type { ErrorReporter } from '../runCommand';
import { metricsHtml } from './metricsHtml';
import type { MetricsQuery, MetricsService } from './metricsService';

/** The panel of one repository (one panel per window; showing another repository retargets it). */
export class MetricsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private root = '';
  private query: MetricsQuery = { environment: null, window: DEFAULT_WINDOW };
  private report: MetricsReport | null = null;
  private error: MetricsViewState['error'] = null;
  private signedOut = false;
  private running: AbortController | undefined;
  private current: Promise<void> = Promise.resolve();
  /** Messages rejected by the protocol (tests read it). */
  rejected = 0;
  /** The last state posted to the webview (tests read what the user sees through it). */
  lastState: MetricsViewState | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: ReleaseModel,
    private readonly metrics: MetricsService,
    private readonly log: Logger,
    private readonly reportError: ErrorReporter,
  ) {}

  /** Opens (or reveals) the panel on a repository and computes its metrics for `query` (the current one when omitted). */
  async show(root: string, query?: Partial<MetricsQuery>): Promise<MetricsReport | null> {
    const retarget = root !== this.root;
    this.root = root;
    if (retarget) {
      this.report = null;
      this.error = null;
      this.query = { environment: null, window: DEFAULT_WINDOW };
    }
    this.query = { ...this.query, ...query };
    if (!this.panel) this.create();
    else this.panel.reveal(vscode.ViewColumn.Active);
    await this.compute();
    return this.report;
  }

  /** Whether the panel is open. */
  get open(): boolean {
    return this.panel !== undefined;
  }

  /** The report shown now (null before the first one, or after an error). */
  get shown(): MetricsReport | null {
    return this.report;
  }

  /** The repository shown now ('' before the first). */
  get shownRoot(): string {
    return this.root;
  }

  /** Resolves when the computation in flight (if any) ended. */
  settled(): Promise<void> {
    return this.current;
  }

  private create(): void {
    const panel = openReportPanel(this.extensionUri, METRICS_PANEL, 'Release Metrics', metricsHtml, this.subs, {
      message: (raw) => void this.receive(raw),
      disposed: () => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.running?.abort();
      },
      visible: () => this.post(),
    });
    this.panel = panel;
  }

  /** The HTML shell (src/vscode/metrics/metricsHtml.ts) with a fresh nonce per render. */
  html(webview: vscode.Webview, bundle: vscode.Uri): string {
    return shellHtml(webview, bundle, metricsHtml);
  }

  /** Computes the current query with a cancellable progress notification; a newer computation supersedes this one. */
  private compute(): Promise<void> {
    this.running?.abort();
    const ctl = new AbortController();
    this.running = ctl;
    const root = this.root;
    const query = { ...this.query };
    this.post();
    const run = async () => {
      const outcome = await withCancellableProgress(`Release metrics of ${query.environment ?? 'the default environment'}`, ctl, (signal, onProgress) =>
        this.metrics.compute(root, query, { signal, onProgress }),
      );
      if (this.running !== ctl) return; // superseded: the newer one posts
      this.running = undefined;
      if (outcome.kind === 'ok') {
        this.report = outcome.report;
        if (this.panel) this.panel.title = `Release Metrics: ${outcome.report.environment}`;
        this.signedOut = outcome.signedOut;
        this.error = null;
      } else {
        // A cancelled or failed computation keeps the last report on screen, with why it was not updated.
        this.error = { message: outcome.message, fix: outcome.fix };
      }
      this.post();
    };
    this.current = run().catch((e: unknown) => this.reportError('metrics', e));
    return this.current;
  }

  /** The state the webview shows. */
  state(): MetricsViewState {
    const config = this.model.find(this.root)?.config;
    const ladder = config?.deploy?.environments.map((e) => e.name) ?? [];
    const environments = [...new Set([...ladder, ...(this.report ? [this.report.environment] : [])])];
    return {
      repo: this.model.find(this.root)?.name ?? null,
      environments,
      environment: this.query.environment,
      window: this.query.window,
      loading: this.running !== undefined,
      report: this.report ? boundedReport(this.report) : null,
      error: this.error,
      signedOut: this.signedOut,
      trusted: vscode.workspace.isTrusted,
    };
  }

  private post(): void {
    const state = this.state();
    this.lastState = state;
    postChecked(this.panel, toMetricsWebview(), { type: 'state', state }, this.log, 'metrics view');
  }

  /** Handles one message from the webview: parse, dispatch, never trust. */
  receive(raw: unknown): Promise<void> {
    return receiveChecked(raw, parseFromMetricsWebview, (m) => this.dispatch(m), { log: this.log, what: 'metrics view', source: 'metrics', rejected: () => this.rejected++, reportError: this.reportError });
  }

  private async dispatch(m: FromMetricsWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.post();
        return;
      case 'select':
        this.query = { environment: m.environment, window: m.window as MetricsWindow };
        await this.compute();
        return;
      case 'refresh':
        await this.compute();
        return;
      case 'cancel':
        this.running?.abort();
        return;
      case 'copyMarkdown':
        await this.copyMarkdown();
        return;
      case 'signIn':
        await vscode.commands.executeCommand(COMMANDS.signIn);
        await this.compute();
        return;
    }
  }

  /** Copies the markdown report of what is shown; false when nothing is shown yet. */
  async copyMarkdown(): Promise<string | null> {
    if (!this.report) return null;
    const text = metricsMarkdown(this.report);
    await vscode.env.clipboard.writeText(text);
    if (this.panel) void this.panel.webview.postMessage(toMetricsWebview().parse({ type: 'copied' }));
    return text;
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
