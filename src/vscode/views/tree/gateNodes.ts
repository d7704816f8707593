import * as vscode from 'vscode';
import type { GateResult, Verdict } from '../../../core/gates/types';
import { COMMANDS, ITEM } from '../../ids';

/** The gate rows: the go/no-go verdict of a repository and the gates that block it. */
export type GateNode = { kind: 'verdict'; root: string } | { kind: 'gate'; root: string; result: GateResult };

/** Where the tree reads the go/no-go verdict from (the gate controller). */
export interface VerdictSource {
  verdictFor(root: string): Verdict | null;
  onDidChange: vscode.Event<void>;
}

const KINDS: Record<GateNode['kind'], true> = { verdict: true, gate: true };

/** Whether a tree node is a gate row. */
export function isGateNode(node: { kind: string }): node is GateNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** The rows under a gate row: the blocking gates under the verdict. */
export function gateChildren(node: GateNode, verdicts: VerdictSource | undefined): GateNode[] {
  if (node.kind !== 'verdict') return [];
  return (verdicts?.verdictFor(node.root)?.blocking ?? []).map((result) => ({ kind: 'gate', root: node.root, result }));
}

/** The TreeItem of a gate row (the verdict row exists only while the source has a verdict). */
export function gateItem(node: GateNode, verdicts: VerdictSource | undefined): vscode.TreeItem {
  switch (node.kind) {
    case 'verdict': {
      const v = verdicts!.verdictFor(node.root)!;
      const item = new vscode.TreeItem(v.decision, v.blocking.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `verdict:${node.root}`;
      item.description = v.summary.replace(/^(NO-GO|GO):\s*/, '');
      item.tooltip = v.summary;
      item.iconPath = new vscode.ThemeIcon(v.decision === 'GO' ? 'pass-filled' : 'error', new vscode.ThemeColor(v.decision === 'GO' ? 'testing.iconPassed' : 'testing.iconFailed'));
      item.contextValue = ITEM.verdict;
      item.command = { command: COMMANDS.showChecklist, title: 'Show Checklist' };
      return item;
    }
    case 'gate': {
      const r = node.result;
      const item = new vscode.TreeItem(r.title);
      item.id = `gate:${node.root}:${r.id}`;
      item.description = `${r.status}: ${r.reason}`;
      item.tooltip = `${r.title} (${r.required ? 'required' : 'advisory'}): ${r.status}\n${r.reason}${r.fix ? `\nFix: ${r.fix.label}` : ''}`;
      item.iconPath = new vscode.ThemeIcon(r.status === 'pending' ? 'clock' : 'error');
      item.contextValue = ITEM.gateFailed;
      item.command = { command: COMMANDS.showChecklist, title: 'Show Checklist' };
      return item;
    }
  }
}
