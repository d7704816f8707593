import * as vscode from 'vscode';
import type { TargetVerdict } from '../../../core/metrics/report';
import { isEmptyReport, NA, verdictLine, verdictWords, windowLabel } from '../../../shared/metricsFormat';
import { COMMANDS, ITEM } from '../../ids';
import type { MetricsOutcome } from '../../metrics/metricsService';
import type { MessageNode } from './messageNode';

/** The metrics rows: a repository's Metrics row and its target verdicts. */
export type MetricsNode = { kind: 'metrics'; root: string } | { kind: 'metricVerdict'; root: string; environment: string; verdict: TargetVerdict };

/** Where the tree reads metrics from: the default report, computed on first expand, then kept. */
export interface MetricsSource {
  defaultReport(root: string): Promise<MetricsOutcome>;
  /** The default report if already computed (no I/O). */
  peek(root: string): MetricsOutcome | null;
  onDidChange: vscode.Event<string>;
}

const KINDS: Record<MetricsNode['kind'], true> = { metrics: true, metricVerdict: true };

/** Whether a tree node is a metrics row. */
export function isMetricsNode(node: { kind: string }): node is MetricsNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** Most warnings listed under Metrics (the view lists them all). */
const MAX_WARNINGS = 5;

/** The rows under Metrics: one per target verdict, the warnings, and a row that opens the view; or what went wrong and its fix. */
export function metricsChildren(node: MetricsNode, source: MetricsSource | undefined): (MetricsNode | MessageNode)[] | Promise<(MetricsNode | MessageNode)[]> {
  if (node.kind !== 'metrics' || !source) return [];
  return source.defaultReport(node.root).then((outcome) => outcomeChildren(node.root, outcome));
}

/** The children of a computed (or failed) default report. */
export function outcomeChildren(root: string, outcome: MetricsOutcome): (MetricsNode | MessageNode)[] {
  const open: MessageNode = { kind: 'message', root, text: 'Open Release Metrics', icon: 'graph', command: { command: COMMANDS.showMetrics, title: 'Show Release Metrics', arguments: [{ root }] } };
  if (outcome.kind === 'error') {
    const fix = outcome.config ? { command: COMMANDS.openConfig, title: 'Open Config' } : { command: COMMANDS.showLog, title: 'Show Log' };
    return [{ kind: 'message', root, text: outcome.message, icon: 'warning', tooltip: outcome.fix ? `Fix: ${outcome.fix}` : undefined, command: fix }];
  }
  const report = outcome.report;
  const out: (MetricsNode | MessageNode)[] = [];
  if (isEmptyReport(report)) out.push({ kind: 'message', root, text: `No deployments of ${report.environment} in this window: figures are ${NA}`, icon: 'info' });
  out.push(...report.targets.map((verdict): MetricsNode => ({ kind: 'metricVerdict', root, environment: report.environment, verdict })));
  for (const w of report.warnings.slice(0, MAX_WARNINGS)) {
    const signIn = outcome.signedOut && /sign in|signed out|token/i.test(w);
    out.push({ kind: 'message', root, text: w, icon: signIn ? 'account' : 'warning', ...(signIn ? { command: { command: COMMANDS.signIn, title: 'Sign in to GitHub' } } : {}) });
  }
  if (report.warnings.length > MAX_WARNINGS) out.push({ kind: 'message', root, text: `${report.warnings.length - MAX_WARNINGS} more warnings in the metrics view`, icon: 'warning' });
  out.push(open);
  return out;
}

/** The TreeItem of a metrics row (no I/O: the description reads the report computed already, if any). */
export function metricsItem(node: MetricsNode, source: MetricsSource | undefined): vscode.TreeItem {
  if (node.kind === 'metrics') {
    const item = new vscode.TreeItem('Metrics', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `metrics:${node.root}`;
    item.iconPath = new vscode.ThemeIcon('graph');
    item.contextValue = ITEM.metrics;
    const known = source?.peek(node.root);
    if (known?.kind === 'ok') {
      const judged = known.report.targets.filter((t) => t.met !== null);
      item.description = `${known.report.environment} · ${judged.filter((t) => t.met).length} of ${judged.length} targets met`;
      item.tooltip = `Release metrics of ${known.report.environment}, ${windowLabel(known.report)} (last 90 days). Computed when first expanded; Refresh Metrics computes again.`;
    } else {
      item.tooltip = 'Release metrics (DORA keys and release targets) of the default environment over the last 90 days: computed when expanded.';
    }
    return item;
  }
  const v = node.verdict;
  const item = new vscode.TreeItem(verdictLine(v));
  item.id = `metricVerdict:${node.root}:${node.environment}:${v.id}`;
  item.iconPath = new vscode.ThemeIcon(v.met === true ? 'pass' : v.met === false ? 'error' : 'circle-slash', v.met === true ? new vscode.ThemeColor('testing.iconPassed') : v.met === false ? new vscode.ThemeColor('testing.iconFailed') : undefined);
  item.tooltip = `${verdictLine(v)}: target ${verdictWords(v.met)} (${node.environment}).`;
  item.contextValue = ITEM.metricVerdict;
  item.command = { command: COMMANDS.showMetrics, title: 'Show Release Metrics', arguments: [{ root: node.root }] };
  return item;
}
