import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { OUTPUT_CHANNEL } from './ids';

/** The one LogOutputChannel of the extension, passed inward as a Logger. */
export function createLog(): vscode.LogOutputChannel & Logger {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
}
