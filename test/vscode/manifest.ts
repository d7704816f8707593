// What the in-host suites check the running extension against: the manifest as shipped.
import * as vscode from 'vscode';
import manifest from '../../package.json';
import { EXTENSION_ID } from '../helpers/extensionId';

/** Every command id that package.json contributes. */
export const CONTRIBUTED_COMMANDS: string[] = manifest.contributes.commands.map((c) => c.command);

/** The extension under test (fails the test when VS Code does not know it). */
export function extensionUnderTest(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this extension host`);
  return extension;
}

/** The contributed commands that VS Code does not know (empty when all are registered). */
export async function unregisteredCommands(): Promise<string[]> {
  const registered = new Set(await vscode.commands.getCommands(true));
  return CONTRIBUTED_COMMANDS.filter((id) => !registered.has(id));
}
