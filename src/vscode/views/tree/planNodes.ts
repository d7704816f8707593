import * as vscode from 'vscode';
import { dueText, type DriftItem, type GapItem, type ReleasePlan } from '../../../core/plan/plan';
import { oneLine } from '../../../core/sanitize';
import { COMMANDS, ITEM } from '../../ids';
import type { PlanOutcome } from '../../plan/planService';
import type { MessageNode } from './messageNode';

/** The Plan rows: a repository's Plan (its milestone), the gap and the drift, and their items. */
export type PlanNode =
  | { kind: 'plan'; root: string }
  | { kind: 'planGap'; root: string; items: GapItem[] }
  | { kind: 'planDrift'; root: string; items: DriftItem[] }
  | { kind: 'planItem'; root: string; item: GapItem | DriftItem; list: 'gap' | 'drift' };

/** Where the tree reads plans from: read on first expand, then kept. */
export interface PlanSource {
  plan(root: string): Promise<PlanOutcome>;
  /** The plan if already read (no I/O). */
  peek(root: string): PlanOutcome | null;
  onDidChange: vscode.Event<string>;
  /** The clock the due dates are told against. */
  now(): Date;
}

const KINDS: Record<PlanNode['kind'], true> = { plan: true, planGap: true, planDrift: true, planItem: true };

/** Whether a tree node is a Plan row. */
export function isPlanNode(node: { kind: string }): node is PlanNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** The rows under a Plan row (the Plan row reads the plan from the source). */
export function planChildren(node: PlanNode, source: PlanSource | undefined): (PlanNode | MessageNode)[] | Promise<(PlanNode | MessageNode)[]> {
  switch (node.kind) {
    case 'plan':
      return source ? source.plan(node.root).then((o) => outcomeChildren(node.root, o)) : [];
    case 'planGap':
    case 'planDrift':
      return node.items.map((item): PlanNode => ({ kind: 'planItem', root: node.root, item, list: node.kind === 'planGap' ? 'gap' : 'drift' }));
    default:
      return [];
  }
}

/** The children of a read (or failed) plan: counts, gap, drift and warnings, or the empty state with its fix. */
export function outcomeChildren(root: string, outcome: PlanOutcome): (PlanNode | MessageNode)[] {
  switch (outcome.kind) {
    case 'signed-out':
      return [{ kind: 'message', root, text: 'Sign in to GitHub to see the release milestone', icon: 'account', command: { command: COMMANDS.signIn, title: 'Sign in to GitHub' } }];
    case 'not-github':
      return [{ kind: 'message', root, text: 'No GitHub remote: the plan reads the release milestone on GitHub', tooltip: outcome.message }];
    case 'error': {
      const command = outcome.config ? { command: COMMANDS.openConfig, title: 'Open Config' } : { command: COMMANDS.showLog, title: 'Show Log' };
      return [{ kind: 'message', root, text: outcome.message, icon: 'warning', tooltip: outcome.fix ? `Fix: ${outcome.fix}` : undefined, command }];
    }
    case 'ok':
      return planRows(root, outcome.plan);
  }
}

function planRows(root: string, plan: ReleasePlan): (PlanNode | MessageNode)[] {
  const warnings = plan.warnings.map((w): MessageNode => ({ kind: 'message', root, text: oneLine(w), icon: 'warning' }));
  if (plan.verdict === 'no-version') return [{ kind: 'message', root, text: 'Nothing to release yet: no version to plan', tooltip: plan.summary }];
  if (!plan.milestone || !plan.counts) {
    return [
      {
        kind: 'message',
        root,
        text: `No milestone ${plan.titles.map((t) => `"${oneLine(t)}"`).join(' or ')} on GitHub`,
        icon: 'milestone',
        tooltip: `${plan.summary}\nCreate the milestone on GitHub, or set plan.milestone in .release-manager.json (Open Config).`,
        command: { command: COMMANDS.openConfig, title: 'Open Config' },
      },
      ...warnings,
    ];
  }
  const c = plan.counts;
  const m = plan.milestone;
  return [
    { kind: 'message', root, text: `Issues: ${c.issues.open} open, ${c.issues.closed} closed`, icon: 'issues' },
    { kind: 'message', root, text: `Pull requests: ${c.pulls.open} open, ${c.pulls.merged} merged${c.pulls.closedUnmerged ? `, ${c.pulls.closedUnmerged} closed unmerged` : ''}`, icon: 'git-pull-request' },
    { kind: 'planGap', root, items: plan.gap },
    { kind: 'planDrift', root, items: plan.drift },
    ...warnings,
    { kind: 'message', root, text: `Open milestone ${oneLine(m.title)} on GitHub`, icon: 'link-external', command: { command: COMMANDS.openOnGitHub, title: 'Open on GitHub', arguments: [m.url] } },
  ];
}

const WHY: Record<GapItem['why'], string> = { open: 'open', 'closed-unmerged': 'closed, not merged', 'not-in-range': 'merged, not in this range' };

/** The TreeItem of a Plan row (no I/O: the Plan row's label reads the plan read already, if any). */
export function planItem(node: PlanNode, source: PlanSource | undefined): vscode.TreeItem {
  switch (node.kind) {
    case 'plan': {
      const known = source?.peek(node.root);
      const plan = known?.kind === 'ok' ? known.plan : null;
      const label = plan?.milestone ? `Plan: ${oneLine(plan.milestone.title)} — ${dueText(plan.milestone, source!.now())}` : 'Plan';
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `plan:${node.root}`;
      item.contextValue = ITEM.plan;
      const verdict = plan?.verdict;
      item.iconPath = new vscode.ThemeIcon(
        'milestone',
        verdict === 'overdue' ? new vscode.ThemeColor('list.errorForeground') : verdict === 'at-risk' ? new vscode.ThemeColor('list.warningForeground') : verdict === 'ready' ? new vscode.ThemeColor('testing.iconPassed') : undefined,
      );
      if (plan) {
        item.description = plan.milestone ? `${plan.gap.filter((g) => g.why === 'open').length} open · ${plan.drift.length} drift` : 'no milestone';
        item.tooltip = oneLine(plan.summary);
      } else {
        item.tooltip = 'The release\'s scope from its GitHub milestone (plan.milestone, default v{version}): read from GitHub when expanded.';
      }
      return item;
    }
    case 'planGap': {
      const item = new vscode.TreeItem(`Gap (${node.items.length})`, node.items.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `planGap:${node.root}`;
      item.tooltip = 'In the milestone, not done: open issues and pull requests, pull requests closed without merging, and merged ones not in the unreleased range.';
      item.iconPath = new vscode.ThemeIcon(node.items.length > 0 ? 'circle-large-outline' : 'pass');
      return item;
    }
    case 'planDrift': {
      const item = new vscode.TreeItem(`Drift (${node.items.length})`, node.items.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `planDrift:${node.root}`;
      item.tooltip = 'Merged in the unreleased range, not in the milestone: shipping without being planned.';
      item.iconPath = new vscode.ThemeIcon(node.items.length > 0 ? 'git-merge' : 'pass');
      return item;
    }
    case 'planItem': {
      const i = node.item;
      const item = new vscode.TreeItem(`#${i.number} ${oneLine(i.title)}`);
      item.id = `planItem:${node.root}:${node.list}:${i.number}`;
      const gap = 'why' in i ? i : null;
      item.description = [gap ? `${gap.kind === 'pull' ? 'pull request' : 'issue'} · ${WHY[gap.why]}` : 'merged', i.labels.map(oneLine).join(', ')].filter(Boolean).join(' · ');
      item.tooltip = `#${i.number} ${oneLine(i.title)}\n${i.url}`;
      item.iconPath = new vscode.ThemeIcon(gap ? (gap.kind === 'pull' ? 'git-pull-request' : gap.why === 'open' ? 'issues' : 'issue-closed') : 'git-merge');
      item.contextValue = ITEM.link;
      item.command = { command: COMMANDS.openOnGitHub, title: 'Open on GitHub', arguments: [i.url] };
      return item;
    }
  }
}
