/**
 * The announce preview: a webview panel beside the editor with a strict CSP (default-src 'none', a fresh
 * nonce per render, bundle-only resources, no command URIs) and the zod protocol of
 * src/shared/announceProtocol.ts both ways. It draws the state its controller owns and hands edits and
 * the Send click back to it; it never decides anything itself.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import { announceToWebview, parseAnnounceFromWebview, type AnnounceFromWebview, type AnnounceState } from '../../shared/announceProtocol';
import type { ErrorReporter } from '../runCommand';

/** The view type of the panel (VS Code restores nothing of it: the state lives in the host). */
export const ANNOUNCE_PREVIEW_VIEW = 'releaseManager.announcePreview';

/** What the panel asks its controller to do. */
export interface AnnouncePreviewHandler {
  state(): AnnounceState;
  edit(audience: AnnounceState['audiences'][number]['audience'], template: string): Promise<void>;
  reset(audience: AnnounceState['audiences'][number]['audience']): Promise<void>;
  send(): Promise<void>;
}

/** One open preview panel. */
export class AnnouncePreviewPanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Messages rejected by the protocol (tests read it). */
  rejected = 0;
  /** Messages posted to the webview (tests read it). */
  posted = 0;
  private readonly closed = new vscode.EventEmitter<void>();
  /** Fires when the person closes the panel. */
  readonly onDidClose = this.closed.event;

  constructor(
    extensionUri: vscode.Uri,
    title: string,
    private readonly handler: AnnouncePreviewHandler,
    private readonly log: Logger,
    private readonly report: ErrorReporter,
  ) {
    const bundle = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(ANNOUNCE_PREVIEW_VIEW, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      localResourceRoots: [bundle],
      retainContextWhenHidden: false,
    });
    this.panel.iconPath = new vscode.ThemeIcon('megaphone');
    this.panel.webview.html = announceHtml(this.panel.webview, bundle, title);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      this.panel.onDidDispose(() => {
        this.disposed = true;
        this.closed.fire();
        this.dispose();
      }),
    );
  }

  /** Sends the controller's current state to the webview (validated on the way out too). */
  post(): void {
    if (this.disposed) return;
    const message = announceToWebview().parse({ type: 'state', state: this.handler.state() });
    this.posted++;
    void this.panel.webview.postMessage(message);
  }

  /** Whether the panel is still open. */
  get open(): boolean {
    return !this.disposed;
  }

  /** Handles one message from the webview: parse, dispatch, never trust. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseAnnounceFromWebview(raw);
    if (!parsed.ok) {
      this.rejected++;
      this.log.warn(`announce preview: rejected a message: ${parsed.error.slice(0, 300)}`);
      return;
    }
    try {
      await this.dispatch(parsed.message);
    } catch (e) {
      void this.report(`announce.${parsed.message.type}`, e);
    } finally {
      this.post();
    }
  }

  private async dispatch(m: AnnounceFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'edit':
        await this.handler.edit(m.audience, m.template);
        return;
      case 'reset':
        await this.handler.reset(m.audience);
        return;
      case 'send':
        await this.handler.send();
        return;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    if (!this.disposed) this.panel.dispose();
    this.closed.dispose();
  }
}

/** The HTML shell: nothing inline but one nonce'd script tag; a fresh nonce per render. */
export function announceHtml(webview: Pick<vscode.Webview, 'asWebviewUri' | 'cspSource'>, bundle: vscode.Uri, title: string): string {
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
  const safeTitle = title.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${src('announce.css')}">
<title>${safeTitle}</title>
</head>
<body>
<main id="app" aria-busy="true"><p>Rendering the announcements…</p></main>
<script nonce="${nonce}" src="${src('announce.js')}"></script>
</body>
</html>`;
}
