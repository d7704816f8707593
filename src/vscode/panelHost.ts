/**
 * What the report panels (Release Metrics, Release Calendar) share: the webview panel with a strict CSP and
 * a fresh nonce, resources from the bundle folder only; messages validated both ways; a read with a
 * cancellable progress notification. The panels keep their own state; these are the mechanics.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type * as z from 'zod';
import type { Logger } from '../core/ports';
import type { ErrorReporter } from './runCommand';

/** What a webview's HTML shell needs: the CSP source, a fresh nonce, and the URI of a bundled file. */
export interface ShellInput {
  cspSource: string;
  nonce: string;
  src: (file: string) => string;
}

/** The HTML shell rendered for a webview with a fresh nonce (files from `bundle`). */
export function shellHtml(webview: vscode.Webview, bundle: vscode.Uri, render: (input: ShellInput) => string): string {
  const nonce = randomBytes(18).toString('base64');
  return render({ cspSource: webview.cspSource, nonce, src: (f) => webview.asWebviewUri(vscode.Uri.joinPath(bundle, f)).toString() });
}

/**
 * Opens a report panel: scripts on, no command URIs or forms, resources from dist/webview only, not retained
 * when hidden (`visible` re-posts the state when it shows again). Its subscriptions are added to `subs`.
 */
export function openReportPanel(
  extensionUri: vscode.Uri,
  viewType: string,
  title: string,
  render: (input: ShellInput) => string,
  subs: vscode.Disposable[],
  on: { message: (raw: unknown) => void; disposed: () => void; visible: () => void },
): vscode.WebviewPanel {
  const bundle = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const panel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [bundle],
    retainContextWhenHidden: false,
  });
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'release.svg');
  panel.webview.html = shellHtml(panel.webview, bundle, render);
  subs.push(
    panel.webview.onDidReceiveMessage(on.message),
    panel.onDidDispose(on.disposed),
    panel.onDidChangeViewState(() => {
      if (panel.visible) on.visible();
    }),
  );
  return panel;
}

/** Posts a message after checking it against the protocol; one that does not fit is logged, not sent. */
export function postChecked(panel: vscode.WebviewPanel | undefined, schema: z.ZodType, message: unknown, log: Logger, what: string): void {
  if (!panel) return;
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    log.error(`${what}: the state does not fit the protocol: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500)}`);
    return;
  }
  void panel.webview.postMessage(parsed.data);
}

/**
 * Handles one message from a webview: parse, dispatch, never trust. A message the protocol refuses is logged and
 * counted (`rejected`); a failing dispatch goes to the error funnel as `<source>.<type>`.
 */
export async function receiveChecked<M extends { type: string }>(
  raw: unknown,
  parse: (raw: unknown) => { ok: true; message: M } | { ok: false; error: string },
  dispatch: (message: M) => Promise<void>,
  o: { log: Logger; what: string; source: string; rejected: () => void; reportError: ErrorReporter },
): Promise<void> {
  const parsed = parse(raw);
  if (!parsed.ok) {
    o.rejected();
    o.log.warn(`${o.what}: rejected a message: ${parsed.error.slice(0, 300)}`);
    return;
  }
  try {
    await dispatch(parsed.message);
  } catch (e) {
    void o.reportError(`${o.source}.${parsed.message.type}`, e);
  }
}

/** Runs `work` under a cancellable progress notification; Cancel aborts `ctl`. */
export function withCancellableProgress<T>(title: string, ctl: AbortController, work: (signal: AbortSignal, onProgress: (message: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const sub = token.onCancellationRequested(() => ctl.abort());
    try {
      return await work(ctl.signal, (message) => progress.report({ message }));
    } finally {
      sub.dispose();
    }
  });
}
