/**
 * Release: Show Release Metrics, Copy Release Metrics as Markdown, Refresh Metrics. Read-only: they
 * work in Restricted Mode too (nothing from the workspace is run; GitHub is read with the user's own
 * API URL setting only, as everywhere untrusted).
 */
import * as vscode from 'vscode';
import type { MetricsReport } from '../../core/metrics/report';
import { metricsMarkdown } from '../../core/metrics/markdown';
import { UsageError } from '../../core/errors';
import { environmentName, METRICS_WINDOWS, type MetricsWindow } from '../../shared/metricsProtocol';
import type { CommandContext } from '../commandContext';
import { argRecord, stringField } from '../commandArgs';
import { pickRepository } from '../pickRepository';

/** The repository of a command: a tree node's or `{ root }`, the only one, or a pick (undefined when cancelled). */
async function metricsRoot(ctx: Pick<CommandContext, 'model'>, arg: unknown): Promise<string | undefined> {
  await ctx.model.settled();
  const state = await pickRepository(ctx.model, stringField(arg, 'root'));
  return state?.root;
}

/** `{ environment?, window? }` of an argument, checked as the webview's are. */
function queryOf(arg: unknown): { environment?: string | null; window?: MetricsWindow } {
  const out: { environment?: string | null; window?: MetricsWindow } = {};
  const env = argRecord(arg).environment;
  if (env === null || (typeof env === 'string' && environmentName().safeParse(env).success)) out.environment = env;
  else if (env !== undefined) throw new UsageError(`${JSON.stringify(String(env).slice(0, 64))} is not an environment name.`, 'Use the name of an environment of the release config.');
  const window = stringField(arg, 'window');
  if (window !== undefined) {
    if (!(METRICS_WINDOWS as readonly string[]).includes(window)) throw new UsageError(`Window ${JSON.stringify(window.slice(0, 20))} is not offered.`, `Use one of ${METRICS_WINDOWS.join(', ')}.`);
    out.window = window as MetricsWindow;
  }
  return out;
}

/** Show Release Metrics: opens the view on a repository (a tree node's, `{ root, environment?, window? }`, or picked) and computes; returns the report. */
export function showMetricsCommand(ctx: Pick<CommandContext, 'model' | 'metricsPanel'>) {
  return async (arg?: unknown): Promise<MetricsReport | null | undefined> => {
    const root = await metricsRoot(ctx, arg);
    if (!root) return undefined;
    return ctx.metricsPanel.show(root, queryOf(arg));
  };
}

/** Copy Release Metrics as Markdown: the report the view shows, else the repository's default report; returns the text. */
export function copyMetricsMarkdownCommand(ctx: Pick<CommandContext, 'model' | 'metrics' | 'metricsPanel'>) {
  return async (arg?: unknown): Promise<string | undefined> => {
    if (ctx.metricsPanel.open && ctx.metricsPanel.shown && stringField(arg, 'root') === undefined) {
      const text = await ctx.metricsPanel.copyMarkdown();
      if (text !== null) return text;
    }
    const root = await metricsRoot(ctx, arg);
    if (!root) return undefined;
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Release metrics', cancellable: true }, async (progress, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        return await ctx.metrics.compute(root, { environment: null, window: '90d', ...queryOf(arg) }, { signal: ctl.signal, onProgress: (message) => progress.report({ message }) });
      } finally {
        sub.dispose();
      }
    });
    if (outcome.kind === 'error') throw new UsageError(outcome.message, outcome.fix ?? 'Show the log (Release: Show Log).');
    const text = metricsMarkdown(outcome.report);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`Copied the release metrics of ${outcome.report.environment} as Markdown.`);
    return text;
  };
}

/** Refresh Metrics: forgets the computed reports (the tree's Metrics rows compute again when shown) and recomputes an open view. */
export function refreshMetricsCommand(ctx: Pick<CommandContext, 'metrics' | 'metricsPanel'>) {
  return async (arg?: unknown): Promise<void> => {
    const root = stringField(arg, 'root');
    ctx.metrics.invalidate(root);
    if (ctx.metricsPanel.open && (root === undefined || root === ctx.metricsPanel.shownRoot)) await ctx.metricsPanel.show(ctx.metricsPanel.shownRoot);
  };
}
