/**
 * The editor's `Prompter`: quick picks, validated input boxes, modal confirmations naming what
 * happens, a cancellable progress notification, and the output channel for what the flow found.
 * Without `interactive` (tests, other extensions passing `confirm: false`) confirmations are taken
 * as given; nothing else is asked then (the flows ask only when interactive).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import type { Prompter } from '../../node/prompter';

/** A prompter on the editor's native UI; `interactive: false` skips the modals. */
export function editorPrompter(log: Logger, options: { interactive: boolean }): Prompter {
  return {
    pick: async (title, items, o = {}) => {
      const chosen = await vscode.window.showQuickPick(
        items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, value: i.value })),
        { title, ignoreFocusOut: true, ...(o.placeHolder !== undefined ? { placeHolder: o.placeHolder } : {}) },
      );
      return chosen?.value;
    },
    ask: async (q) =>
      vscode.window.showInputBox({
        title: q.title,
        prompt: q.prompt,
        value: q.value ?? '',
        ignoreFocusOut: true,
        // VS Code draws $(name) in a validation message as an icon: escape it so the typed value shows as typed.
        validateInput: (v) => q.validate?.(v)?.replace(/\$\(/g, '\\$(') ?? undefined,
      }),
    confirm: async (c) => !options.interactive || (await vscode.window.showWarningMessage(c.title, { modal: true, detail: c.detail }, c.confirmLabel)) === c.confirmLabel,
    progress: (title, work) =>
      Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
          const ctl = new AbortController();
          const sub = token.onCancellationRequested(() => ctl.abort());
          try {
            return await work({ report: (message) => progress.report({ message }), signal: ctl.signal });
          } finally {
            sub.dispose();
          }
        }),
      ),
    info: (text) => log.info(text.trim()),
  };
}
