import * as vscode from 'vscode';
import { ITEM } from '../../ids';
import type { ReleaseModel, RepoState } from '../../releaseModel';
import { announceChildren, announceItem, isAnnounceNode, type AnnounceSource } from './announceNodes';
import { deployChildren, deployItem, isDeployNode, type DeploySource } from './deployNodes';
import { flagChildren, flagItem, isFlagNode, type FlagSource } from './flagNodes';
import { gateChildren, gateItem, isGateNode, type VerdictSource } from './gateNodes';
import { githubChildren, githubItem, isGitHubNode, type GitHubSource } from './githubNodes';
import { messageItem } from './messageNode';
import { isMetricsNode, metricsChildren, metricsItem, type MetricsSource } from './metricsNodes';
import type { Node, RepoNode } from './nodes';
import { isNotesNode, notesChildren, notesItem } from './notesNodes';
import { isPlanNode, planChildren, planItem, type PlanSource } from './planNodes';

/** The release tree: verdict, version and why, unreleased changes by section, past releases, warnings. */
export class ReleaseTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly verdicts?: VerdictSource,
    private readonly github?: GitHubSource,
    private readonly deploys?: DeploySource,
    private readonly metrics?: MetricsSource,
    private readonly announcements?: AnnounceSource,
    private readonly flags?: FlagSource,
    private readonly plans?: PlanSource,
  ) {
    this.subs = [model.onDidChange(() => this.emitter.fire(undefined))];
    if (deploys) this.subs.push(deploys.onDidChange(() => this.emitter.fire(undefined)));
    if (verdicts) this.subs.push(verdicts.onDidChange(() => this.emitter.fire(undefined)));
    if (github) this.subs.push(github.onDidChange(() => this.emitter.fire(undefined)));
    if (metrics) this.subs.push(metrics.onDidChange(() => this.emitter.fire(undefined)));
    if (announcements) this.subs.push(announcements.onDidChange(() => this.emitter.fire(undefined)));
    if (flags) this.subs.push(flags.onDidChange(() => this.emitter.fire(undefined)));
    if (plans) this.subs.push(plans.onDidChange(() => this.emitter.fire(undefined)));
  }

  getChildren(node?: Node): vscode.ProviderResult<Node[]> {
    if (!node) {
      const repos = this.model.repositories;
      if (repos.length === 1) return this.repoChildren(repos[0]!);
      return repos.map((r) => ({ kind: 'repo', root: r.root }));
    }
    const state = this.model.find(node.root);
    if (!state) return [];
    if (node.kind === 'repo') return this.repoChildren(state);
    if (isNotesNode(node)) return notesChildren(node, state, this.model);
    if (isGateNode(node)) return gateChildren(node, this.verdicts);
    if (isGitHubNode(node)) return githubChildren(node, this.github);
    if (isDeployNode(node)) return deployChildren(node, this.deploys);
    if (isMetricsNode(node)) return metricsChildren(node, this.metrics);
    if (isAnnounceNode(node)) return announceChildren(node, this.announcements);
    if (isFlagNode(node)) return flagChildren(node, this.flags);
    if (isPlanNode(node)) return planChildren(node, this.plans);
    return [];
  }

  /** The sections of a repository, each present when its source is. */
  private repoChildren(state: RepoState): Node[] {
    const out: Node[] = this.verdicts?.verdictFor(state.root) ? [{ kind: 'verdict', root: state.root }] : [];
    out.push(...state.warnings.map((warning): Node => ({ kind: 'warning', root: state.root, warning })));
    out.push(...(this.github?.unfinished(state.root) ?? []).map((entry): Node => ({ kind: 'journal', root: state.root, entry })));
    if (state.notes) {
      out.push({ kind: 'version', root: state.root }, { kind: 'unreleased', root: state.root }, { kind: 'releases', root: state.root });
      // The scope of the next release (its milestone), read from GitHub only when expanded.
      if (this.plans) out.push({ kind: 'plan', root: state.root });
      if (this.deploys) out.push({ kind: 'environments', root: state.root });
      if (this.metrics) out.push({ kind: 'metrics', root: state.root });
      if (this.github) out.push({ kind: 'github', root: state.root });
      if (this.announcements) out.push({ kind: 'announcements', root: state.root });
      if (this.flags) out.push({ kind: 'flags', root: state.root });
    }
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'repo') return repoItem(node, this.model.find(node.root));
    if (node.kind === 'message') return messageItem(node);
    if (isNotesNode(node)) return notesItem(node, this.model.find(node.root)?.notes ?? null);
    if (isGateNode(node)) return gateItem(node, this.verdicts);
    if (isGitHubNode(node)) return githubItem(node);
    if (isMetricsNode(node)) return metricsItem(node, this.metrics);
    if (isAnnounceNode(node)) return announceItem(node);
    if (isFlagNode(node)) return flagItem(node);
    if (isPlanNode(node)) return planItem(node, this.plans);
    return deployItem(node);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

/** The row of a repository: its name and next version. */
function repoItem(node: RepoNode, state: RepoState | undefined): vscode.TreeItem {
  const notes = state?.notes ?? null;
  const item = new vscode.TreeItem(state?.name ?? node.root, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `repo:${node.root}`;
  item.description = notes?.version.next ? `next ${notes.version.next}` : undefined;
  item.tooltip = node.root;
  item.iconPath = new vscode.ThemeIcon('repo');
  item.contextValue = ITEM.repo;
  return item;
}
