import * as vscode from 'vscode';
import type { NoteEntry, ReleaseNotes } from '../../../core/notes';
import { COMMANDS, ITEM } from '../../ids';
import type { ReleaseModel, ReleaseSummary, RepoState, RepoWarning } from '../../releaseModel';
import type { MessageNode } from './messageNode';

/** The notes rows: next version and why, unreleased changes by category, past releases, warnings. */
export type NotesNode =
  | { kind: 'version'; root: string }
  | { kind: 'reason'; root: string; hash: string; why: string }
  | { kind: 'unreleased'; root: string }
  | { kind: 'section'; root: string; index: number }
  | { kind: 'commit'; root: string; entry: NoteEntry }
  | { kind: 'releases'; root: string }
  | { kind: 'release'; root: string; release: ReleaseSummary }
  | { kind: 'warning'; root: string; warning: RepoWarning };

const KINDS: Record<NotesNode['kind'], true> = { version: true, reason: true, unreleased: true, section: true, commit: true, releases: true, release: true, warning: true };

/** Whether a tree node is a notes row. */
export function isNotesNode(node: { kind: string }): node is NotesNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** The rows under a notes row, read from the repository's state (past releases from the model). */
export function notesChildren(node: NotesNode, state: RepoState, model: Pick<ReleaseModel, 'releases'>): (NotesNode | MessageNode)[] | Promise<(NotesNode | MessageNode)[]> {
  switch (node.kind) {
    case 'version':
      return (state.notes?.version.reasons ?? []).map((r) => ({ kind: 'reason', root: node.root, hash: r.hash, why: r.why }));
    case 'unreleased':
      return (state.notes?.sections ?? []).map((_, index) => ({ kind: 'section', root: node.root, index }));
    case 'section':
      return (state.notes?.sections[node.index]?.entries ?? []).map((entry) => ({ kind: 'commit', root: node.root, entry }));
    case 'releases':
      return model.releases(node.root).then(
        (list): (NotesNode | MessageNode)[] => (list.length > 0 ? list.map((release) => ({ kind: 'release', root: node.root, release })) : [{ kind: 'message', root: node.root, text: 'No releases yet' }]),
        (): MessageNode[] => [{ kind: 'message', root: node.root, text: 'Could not read the releases (see the log)' }],
      );
    default:
      return [];
  }
}

/** The TreeItem of a notes row; `notes` is the repository's draft (present whenever such rows are shown). */
export function notesItem(node: NotesNode, notes: ReleaseNotes | null): vscode.TreeItem {
  switch (node.kind) {
    case 'version': {
      const v = notes!.version;
      const from = v.current ? (notes!.range.from ?? v.current) : 'First release';
      const label = v.next ? `${from} → ${v.next}` : `${from} (no release needed)`;
      const item = new vscode.TreeItem(label, v.reasons.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `version:${node.root}`;
      item.description = v.next ? `${v.firstRelease ? 'first release' : v.bump}${v.hotfix ? ' · hotfix' : ''}` : 'nothing changes the version';
      item.tooltip = v.next ? `Next version ${v.next}: expand to see the commits that decided it.` : 'No commit since the last release changes the version.';
      item.iconPath = new vscode.ThemeIcon('tag');
      item.contextValue = ITEM.version;
      return item;
    }
    case 'reason': {
      const item = new vscode.TreeItem(node.why);
      item.id = `reason:${node.root}:${node.hash}:${node.why}`;
      item.description = node.hash.slice(0, 7);
      item.tooltip = node.why;
      item.iconPath = new vscode.ThemeIcon('arrow-up');
      item.contextValue = ITEM.reason;
      item.command = { command: COMMANDS.openCommit, title: 'Open Commit', arguments: [node.root, node.hash] };
      return item;
    }
    case 'unreleased': {
      const count = notes!.sections.reduce((k, s) => k + s.entries.length, 0);
      const item = new vscode.TreeItem('Unreleased changes', count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `unreleased:${node.root}`;
      item.description = count === 0 ? 'none' : `${count}`;
      item.iconPath = new vscode.ThemeIcon('git-commit');
      item.contextValue = ITEM.section;
      return item;
    }
    case 'section': {
      const section = notes!.sections[node.index]!;
      const item = new vscode.TreeItem(section.title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `section:${node.root}:${section.title}`;
      item.description = `${section.entries.length}`;
      item.iconPath = new vscode.ThemeIcon(section.entries[0]?.breaking ? 'flame' : 'list-unordered');
      item.contextValue = ITEM.section;
      return item;
    }
    case 'commit':
      return commitItem(node.root, node.entry);
    case 'releases': {
      const item = new vscode.TreeItem('Releases', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `releases:${node.root}`;
      item.iconPath = new vscode.ThemeIcon('history');
      item.contextValue = ITEM.releases;
      return item;
    }
    case 'release': {
      const r = node.release;
      const item = new vscode.TreeItem(r.tag);
      item.id = `release:${node.root}:${r.tag}`;
      item.description = `${r.date ?? ''} · ${r.changes} change${r.changes === 1 ? '' : 's'}`;
      item.tooltip = `${r.tag}, released ${r.date ?? 'on an unknown date'}: ${r.changes} change(s). Click to draft its notes.`;
      item.iconPath = new vscode.ThemeIcon('tag');
      item.contextValue = ITEM.release;
      item.command = { command: COMMANDS.draftReleaseNotesFor, title: 'Draft Notes of This Release', arguments: [node] };
      return item;
    }
    case 'warning': {
      const item = new vscode.TreeItem(node.warning.message);
      item.id = `warning:${node.root}:${node.warning.message}`;
      item.tooltip = node.warning.message;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.contextValue = node.warning.fix ? ITEM.warningFixable : ITEM.warning;
      if (node.warning.fix) item.command = { command: COMMANDS.fixWarning, title: 'Fix…', arguments: [node] };
      return item;
    }
  }
}

/** A commit leaf: plain-text label and tooltip (never markdown: commit text is untrusted). */
function commitItem(root: string, e: NoteEntry): vscode.TreeItem {
  const label = e.scope ? `${e.scope}: ${e.subject}` : e.subject;
  const item = new vscode.TreeItem(label.length > 200 ? `${label.slice(0, 199)}…` : label);
  item.id = `commit:${root}:${e.hash}:${label.slice(0, 100)}`;
  item.description = `${e.pr !== null ? `#${e.pr} · ` : ''}${e.hash.slice(0, 7)}`;
  item.tooltip = `${e.type ? `${e.type}${e.scope ? `(${e.scope})` : ''}${e.breaking ? '!' : ''}: ` : ''}${e.subject}\n\n${e.authors.join(', ')} · ${e.date.slice(0, 10)}\n${e.hash}${e.breakingNotes.length ? `\n\nBREAKING CHANGE: ${e.breakingNotes.join('\n')}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(e.breaking ? 'warning' : 'git-commit');
  item.contextValue = ITEM.commit;
  item.command = { command: COMMANDS.openCommit, title: 'Open Commit', arguments: [root, e.hash] };
  return item;
}
