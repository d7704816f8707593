import type * as vscode from 'vscode';
import type * as CommandsBundle from './commandsBundle';
import { loadBundle } from '../node/bundle';
import type { CommandFactory } from './commandContext';

/** The editor's commands that act (dist/commands.js: deploy, rollback, publish, announce, flags…), loaded on first use. */
export function loadCommands(): typeof CommandsBundle {
  return loadBundle('commands.js', './vscode/commandsBundle');
}

/**
 * A command whose handler is in dist/commands.js: registered at activation like the others, the bundle is loaded
 * and the handler built (once) on the first invocation.
 */
export function lazyCommand(factory: (bundle: typeof CommandsBundle) => CommandFactory): CommandFactory {
  return (ctx) => {
    let handler: ((...args: unknown[]) => unknown) | undefined;
    return (...args) => (handler ??= factory(loadCommands())(ctx))(...args);
  };
}

/** The read-only compare documents (Release: Compare with…), served by dist/commands.js where they were made. */
export function lazyCompareDocuments(): vscode.TextDocumentContentProvider {
  let provider: vscode.TextDocumentContentProvider | undefined;
  return { provideTextDocumentContent: (uri, token) => (provider ??= new (loadCommands().CompareDocumentProvider)()).provideTextDocumentContent(uri, token) };
}
