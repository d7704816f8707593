import * as vscode from 'vscode';
import { checkState } from '../../../core/gates/githubChecks';
import type { GhCheck, GhRelease } from '../../../core/githubApi';
import type { PublishJournal } from '../../../core/publish';
import type { GitHubSnapshot } from '../../githubView';
import { whenText } from '../../../shared/time';
import { COMMANDS, ITEM } from '../../ids';
import type { MessageNode } from './messageNode';

/** The GitHub rows: CI of HEAD and its checks, releases on GitHub, unfinished publishes. */
export type GitHubNode =
  | { kind: 'github'; root: string }
  | { kind: 'ci'; root: string; head: string; checks: GhCheck[] }
  | { kind: 'check'; root: string; check: GhCheck }
  | { kind: 'ghReleases'; root: string; releases: GhRelease[] }
  | { kind: 'ghRelease'; root: string; release: GhRelease }
  | { kind: 'journal'; root: string; entry: PublishJournal };

/** Where the tree reads GitHub from (releases, CI of HEAD, unfinished publishes). */
export interface GitHubSource {
  snapshot(root: string): Promise<GitHubSnapshot>;
  unfinished(root: string): PublishJournal[];
  onDidChange: vscode.Event<void>;
}

const KINDS: Record<GitHubNode['kind'], true> = { github: true, ci: true, check: true, ghReleases: true, ghRelease: true, journal: true };

/** Whether a tree node is a GitHub row. */
export function isGitHubNode(node: { kind: string }): node is GitHubNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** The rows under a GitHub row (the GitHub row reads a snapshot from the source). */
export function githubChildren(node: GitHubNode, github: GitHubSource | undefined): (GitHubNode | MessageNode)[] | Promise<(GitHubNode | MessageNode)[]> {
  switch (node.kind) {
    case 'github':
      return github ? github.snapshot(node.root).then((snap) => snapshotChildren(node.root, snap)) : [];
    case 'ci':
      return node.checks.map((check) => ({ kind: 'check', root: node.root, check }));
    case 'ghReleases':
      return node.releases.length > 0 ? node.releases.map((release) => ({ kind: 'ghRelease', root: node.root, release })) : [{ kind: 'message', root: node.root, text: 'No releases on GitHub yet' }];
    default:
      return [];
  }
}

/** The children of the GitHub node: what could be read, or what is missing and how to fix it. */
function snapshotChildren(root: string, snap: GitHubSnapshot): (GitHubNode | MessageNode)[] {
  switch (snap.kind) {
    case 'signed-out':
      return [{ kind: 'message', root, text: 'Sign in to GitHub to see releases and CI', icon: 'account', command: { command: COMMANDS.signIn, title: 'Sign in to GitHub' } }];
    case 'not-github':
      return [{ kind: 'message', root, text: snap.message }];
    case 'error':
      return [{ kind: 'message', root, text: snap.message, icon: 'warning', command: { command: COMMANDS.showLog, title: 'Show Log' } }];
    case 'ok': {
      const out: (GitHubNode | MessageNode)[] = [];
      if (snap.head && snap.checks) out.push({ kind: 'ci', root, head: snap.head, checks: snap.checks });
      else if (snap.head) out.push({ kind: 'message', root, text: 'CI on HEAD: could not be read (see the log)', icon: 'warning' });
      out.push({ kind: 'ghReleases', root, releases: snap.releases });
      return out;
    }
  }
}

/** The TreeItem of a GitHub row. */
export function githubItem(node: GitHubNode): vscode.TreeItem {
  switch (node.kind) {
    case 'github': {
      const item = new vscode.TreeItem('GitHub', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `github:${node.root}`;
      item.tooltip = 'Releases on GitHub (drafts included) and the CI state of HEAD; read without prompting for sign-in.';
      item.iconPath = new vscode.ThemeIcon('github');
      item.contextValue = ITEM.github;
      return item;
    }
    case 'ci': {
      const counts = { pass: 0, fail: 0, pending: 0 };
      for (const c of node.checks) counts[checkState(c)]++;
      const label = node.checks.length === 0 ? 'CI on HEAD: no checks' : `CI on HEAD: ${counts.fail > 0 ? `${counts.fail} failing` : counts.pending > 0 ? `${counts.pending} running` : 'passing'}`;
      const item = new vscode.TreeItem(label, node.checks.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `ci:${node.root}`;
      item.description = `${node.head.slice(0, 7)} · ${counts.pass} passed${counts.pending ? `, ${counts.pending} pending` : ''}${counts.fail ? `, ${counts.fail} failed` : ''}`;
      item.iconPath = new vscode.ThemeIcon(counts.fail > 0 ? 'error' : counts.pending > 0 || node.checks.length === 0 ? 'clock' : 'pass');
      return item;
    }
    case 'check': {
      const c = node.check;
      const state = checkState(c);
      const item = new vscode.TreeItem(c.name);
      item.id = `check:${node.root}:${c.source}:${c.name}`;
      item.description = c.conclusion ?? c.status;
      item.iconPath = new vscode.ThemeIcon(state === 'pass' ? 'pass' : state === 'fail' ? 'error' : 'clock');
      if (c.url) {
        item.contextValue = ITEM.link;
        item.command = { command: COMMANDS.openOnGitHub, title: 'Open on GitHub', arguments: [c.url] };
      }
      return item;
    }
    case 'ghReleases': {
      const drafts = node.releases.filter((r) => r.draft).length;
      const item = new vscode.TreeItem('GitHub releases', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `ghReleases:${node.root}`;
      item.description = `${node.releases.length}${drafts ? ` · ${drafts} draft${drafts === 1 ? '' : 's'}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('tag');
      return item;
    }
    case 'ghRelease': {
      const r = node.release;
      const item = new vscode.TreeItem(r.name || r.tagName);
      item.id = `ghRelease:${node.root}:${r.id}`;
      item.description = [r.draft ? 'draft' : (r.publishedAt ?? '').slice(0, 10), r.prerelease ? 'prerelease' : '', r.name && r.name !== r.tagName ? r.tagName : ''].filter(Boolean).join(' · ');
      item.tooltip = `${r.tagName}${r.draft ? ' (draft)' : ''}\n${r.htmlUrl}`;
      item.iconPath = new vscode.ThemeIcon(r.draft ? 'edit' : 'rocket');
      item.contextValue = ITEM.link;
      if (r.htmlUrl) item.command = { command: COMMANDS.openOnGitHub, title: 'Open on GitHub', arguments: [r.htmlUrl] };
      return item;
    }
    case 'journal': {
      const e = node.entry;
      const item = new vscode.TreeItem(`Unfinished publish: ${e.plan.tag}`);
      item.id = `journal:${node.root}:${e.plan.repo}:${e.plan.tag}`;
      item.description = `stopped after ${e.step} · resume / inspect`;
      item.tooltip = `Publishing ${e.plan.tag} to ${e.plan.repo} (at ${e.plan.sha.slice(0, 12)}) started ${whenText(e.startedAt)} and did not finish.${e.lastError ? `\nLast error: ${e.lastError}` : ''}\nResume continues from what GitHub has; nothing is repeated blindly.`;
      item.iconPath = new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground'));
      item.contextValue = ITEM.journal;
      item.command = { command: COMMANDS.inspectPublish, title: 'Inspect', arguments: [node] };
      return item;
    }
  }
}
