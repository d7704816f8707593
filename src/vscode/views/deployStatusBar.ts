/**
 * The status bar item of a deploy this window drives: the environment and the running step
 * ("staging: step 2 of 4, Canary 50 %"), the whole summary in the tooltip; a click opens the Release
 * view, where Promote and Abort are. Hidden when nothing runs here.
 */
import * as vscode from 'vscode';
import { journalSummary } from '../../core/deploy/journal';
import { cursorOf } from '../../core/deploy/transitions';
import type { DeployView } from '../deployView';
import { VIEWS } from '../ids';

export class DeployStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('releaseManager.deploy', vscode.StatusBarAlignment.Left, 9);
  private readonly sub: vscode.Disposable;

  constructor(private readonly view: DeployView) {
    this.item.name = 'Release Manager: Deploy';
    this.item.command = `${VIEWS.tree}.focus`;
    this.sub = view.onDidChange(() => this.update());
  }

  /** The text shown now, or null when hidden (tests read it). */
  get text(): string | null {
    return this.shown ? this.item.text : null;
  }

  private shown = false;

  update(): void {
    const running = this.view.running();
    const j = running[0];
    if (!j) {
      this.shown = false;
      this.item.hide();
      return;
    }
    const c = cursorOf(j);
    const step = c === null ? 'finishing' : `step ${c + 1} of ${j.steps.length}, ${j.steps[c]!.plan.label}`;
    const what = j.plan.operation === 'rollback' ? 'rolling back' : j.plan.release.version;
    const more = running.length > 1 ? ` (+${running.length - 1})` : '';
    this.item.text = `$(${j.plan.operation === 'rollback' ? 'history' : 'rocket'}) ${j.plan.environment} ${what}: ${step}${j.abortRequest ? ' — aborting' : ''}${more}`;
    this.item.tooltip = `${running.map(journalSummary).join('\n')}\nClick to open the Release view (Promote, Abort).`;
    this.item.backgroundColor = j.abortRequest || j.plan.operation === 'rollback' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.shown = true;
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
