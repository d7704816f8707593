import * as vscode from 'vscode';
import { EMPTY_GUIDANCE } from '../../core/gates/freshness';
import type { Verdict } from '../../core/gates/types';
import { VIEWS } from '../ids';
import type { ReleaseModel } from '../releaseModel';
import type { Settings } from '../settings';

/** Status bar item: next version and number of unreleased changes; click reveals the Release view. */
export class ReleaseStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('releaseManager.status', vscode.StatusBarAlignment.Left, 10);
  private readonly sub: vscode.Disposable;
  private visible = false;

  constructor(
    private readonly model: ReleaseModel,
    private readonly settings: () => Settings,
    private readonly verdict: () => Verdict | null = () => null,
  ) {
    this.item.name = 'Release Manager';
    this.item.command = `${VIEWS.tree}.focus`;
    this.sub = model.onDidChange(() => this.update());
  }

  /** What the item shows now (hidden: null), as a person reads it. */
  get shown(): { text: string; tooltip: string } | null {
    return this.visible ? { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '') } : null;
  }
  /** Re-renders from the model (also after a settings change). */
  update(): void {
    const withNotes = this.model.repositories.filter((r) => r.notes);
    const first = withNotes[0]?.notes;
    const empty = this.model.viewState === 'noCommits' || this.model.viewState === 'noRepo' ? this.model.viewState : null;
    if (this.settings().statusBarEnabled && !first && empty) {
      // Guidance, not a verdict: no NO-GO and no error colour while there is nothing to judge.
      this.item.text = `$(tag) ${empty === 'noCommits' ? 'no commits yet' : 'no git repository'}`;
      this.item.tooltip = `${EMPTY_GUIDANCE[empty]} Click to open the Release view.`;
      this.item.show();
    this.visible = true;
      return;
    }
    if (!this.settings().statusBarEnabled || !first) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const count = first.sections.reduce((k, s) => k + s.entries.length, 0);
    const prefix = withNotes.length > 1 ? `${withNotes[0]!.name}: ` : '';
    const v = this.verdict();
    this.item.text = `$(tag) ${prefix}${first.version.next ?? first.version.current ?? 'unreleased'} · ${count} change${count === 1 ? '' : 's'}${v ? ` · ${v.decision === 'GO' ? '$(pass) GO' : '$(error) NO-GO'}` : ''}`;
    this.item.tooltip = first.version.next
      ? `Next version ${first.version.next} (${first.version.bump}), ${count} unreleased change(s). Click to open the Release view.`
      : `No release needed since ${first.range.from ?? 'the first commit'}. Click to open the Release view.`;
    if (v) this.item.tooltip += `\n${v.summary}`;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
