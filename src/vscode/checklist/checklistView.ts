import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import { parseFromWebview, toWebview, type FromWebview } from '../../shared/protocol';
import type { ErrorReporter } from '../runCommand';
import type { GateController } from './gateController';

/** What the checklist asks the host to do; the host decides what each means (no command ids cross the boundary). */
export interface ChecklistActions {
  fix(gateId: string): Promise<void>;
  signOff(gateId: string, note: string): Promise<void>;
  revokeSignOff(gateId: string): Promise<void>;
  recordDecision(): Promise<void>;
  answerRisk(questionId: string, answer: 'yes' | 'no'): Promise<void>;
}

/** The checklist webview view: strict CSP, nonce script, bundle-only resources, zod-validated messages both ways. */
export class ChecklistViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private autoRan = false;
  /** Messages rejected by the protocol (for tests and the log). */
  rejected = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly gates: GateController,
    private readonly actions: ChecklistActions,
    private readonly log: Logger,
    /** The commands' error funnel: a message that fails in the host is reported as a failed command is. */
    private readonly report: ErrorReporter,
  ) {
    this.disposables.push(gates.onDidChange(() => this.post()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const bundle = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [bundle] };
    view.webview.html = this.html(view.webview, bundle);
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.post();
      }),
    );
  }

  /** Reveals the checklist. */
  async show(): Promise<void> {
    await vscode.commands.executeCommand('releaseManager.checklist.focus');
  }

  /** The HTML shell: nothing inline but one nonce'd script tag; a fresh nonce per render. */
  html(webview: vscode.Webview, bundle: vscode.Uri): string {
    const nonce = randomBytes(18).toString('base64');
    const src = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(bundle, f)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${src('checklist.css')}">
<title>Readiness checklist</title>
</head>
<body>
<main id="app" aria-busy="true"><p>Loading the checklist…</p></main>
<script nonce="${nonce}" src="${src('checklist.js')}"></script>
</body>
</html>`;
  }

  private post(): void {
    if (!this.view) return;
    const message = toWebview().parse({ type: 'state', state: this.gates.view() });
    void this.view.webview.postMessage(message);
  }

  /** Handles one message from the webview: parse, dispatch, never trust. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.rejected++;
      this.log.warn(`checklist: rejected a message: ${parsed.error.slice(0, 300)}`);
      return;
    }
    try {
      await this.dispatch(parsed.message);
    } catch (e) {
      void this.report(`checklist.${parsed.message.type}`, e);
    }
  }

  private async dispatch(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.post();
        if (!this.autoRan) {
          this.autoRan = true;
          // First open: check everything that does not spawn; command gates wait for the user.
          await this.gates.run({ includeCommands: false });
        }
        return;
      case 'rerun':
        await this.gates.run({ only: m.gateId ? [m.gateId] : undefined, includeCommands: true });
        return;
      case 'cancel':
        this.gates.cancel();
        return;
      case 'fix':
        await this.actions.fix(m.gateId);
        return;
      case 'signOff':
        await this.actions.signOff(m.gateId, m.note);
        return;
      case 'revokeSignOff':
        await this.actions.revokeSignOff(m.gateId);
        return;
      case 'recordDecision':
        await this.actions.recordDecision();
        return;
      case 'answerRisk':
        await this.actions.answerRisk(m.questionId, m.answer);
        return;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
