import * as vscode from 'vscode';
import type { GateResult, Verdict } from '../../core/gates/types';
import type { NoteEntry } from '../../core/notes';
import { COMMANDS, ITEM } from '../ids';
import type { ReleaseModel, ReleaseSummary, RepoState, RepoWarning } from '../releaseModel';

/** Tree elements are plain data; only getTreeItem builds TreeItems (no I/O there). */
export type Node =
  | { kind: 'repo'; root: string }
  | { kind: 'version'; root: string }
  | { kind: 'reason'; root: string; hash: string; why: string }
  | { kind: 'unreleased'; root: string }
  | { kind: 'section'; root: string; index: number }
  | { kind: 'commit'; root: string; entry: NoteEntry }
  | { kind: 'releases'; root: string }
  | { kind: 'release'; root: string; release: ReleaseSummary }
  | { kind: 'warning'; root: string; warning: RepoWarning }
  | { kind: 'verdict'; root: string }
  | { kind: 'gate'; root: string; result: GateResult }
  | { kind: 'message'; root: string; text: string };

/** Where the tree reads the go/no-go verdict from (the gate controller). */
export interface VerdictSource {
  verdictFor(root: string): Verdict | null;
  onDidChange: vscode.Event<void>;
}

/** The release tree: verdict, version and why, unreleased changes by section, past releases, warnings. */
export class ReleaseTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly verdicts?: VerdictSource,
  ) {
    this.subs = [model.onDidChange(() => this.emitter.fire(undefined))];
    if (verdicts) this.subs.push(verdicts.onDidChange(() => this.emitter.fire(undefined)));
  }

  getChildren(node?: Node): vscode.ProviderResult<Node[]> {
    if (!node) {
      const repos = this.model.repositories;
      if (repos.length === 1) return this.repoChildren(repos[0]!);
      return repos.map((r) => ({ kind: 'repo', root: r.root }));
    }
    const state = this.model.find(node.root);
    if (!state) return [];
    switch (node.kind) {
      case 'repo':
        return this.repoChildren(state);
      case 'version':
        return (state.notes?.version.reasons ?? []).map((r) => ({ kind: 'reason', root: node.root, hash: r.hash, why: r.why }));
      case 'unreleased':
        return (state.notes?.sections ?? []).map((_, index) => ({ kind: 'section', root: node.root, index }));
      case 'section':
        return (state.notes?.sections[node.index]?.entries ?? []).map((entry) => ({ kind: 'commit', root: node.root, entry }));
      case 'verdict':
        return (this.verdicts?.verdictFor(node.root)?.blocking ?? []).map((result) => ({ kind: 'gate', root: node.root, result }));
      case 'releases':
        return this.model.releases(node.root).then(
          (list) => (list.length > 0 ? list.map((release) => ({ kind: 'release', root: node.root, release })) : [{ kind: 'message', root: node.root, text: 'No releases yet' }]),
          () => [{ kind: 'message', root: node.root, text: 'Could not read the releases (see the log)' }],
        );
      default:
        return [];
    }
  }

  private repoChildren(state: RepoState): Node[] {
    const out: Node[] = this.verdicts?.verdictFor(state.root) ? [{ kind: 'verdict', root: state.root }] : [];
    out.push(...state.warnings.map((warning): Node => ({ kind: 'warning', root: state.root, warning })));
    if (state.notes) {
      out.push({ kind: 'version', root: state.root }, { kind: 'unreleased', root: state.root }, { kind: 'releases', root: state.root });
    }
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const state = this.model.find(node.root);
    const notes = state?.notes ?? null;
    switch (node.kind) {
      case 'repo': {
        const item = new vscode.TreeItem(state?.name ?? node.root, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `repo:${node.root}`;
        item.description = notes?.version.next ? `next ${notes.version.next}` : undefined;
        item.tooltip = node.root;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = ITEM.repo;
        return item;
      }
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
      case 'verdict': {
        const v = this.verdicts!.verdictFor(node.root)!;
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
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
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
