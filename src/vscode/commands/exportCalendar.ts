/**
 * Release: Export Release Calendar (.ics)…. Writes only the file the user picks in the save dialog (or the
 * `uri` of its argument), atomically (a calendar app reading it sees the old or the new file). In
 * dist/commands.js with ical.js.
 */
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { UsageError } from '../../core/errors';
import { writeFileAtomic } from '../../node/atomicFile';
import { loadCalendar } from '../../node/loadCalendar';
import { argRecord } from '../commandArgs';
import type { CommandContext } from '../commandContext';
import { withCancellableProgress } from '../panelHost';
import { calendarRoot } from './calendar';

/**
 * Export Release Calendar (.ics)…: the calendar shown (else read now) written where the user says; returns the
 * file's path (undefined when cancelled). Argument (optional): `{ root, uri }` to skip the pickers — `uri` a
 * local file (a `vscode.Uri` or its string) whose name ends in `.ics`, overwritten like a file picked in the dialog.
 */
export function exportCalendarCommand(ctx: Pick<CommandContext, 'model' | 'calendar' | 'calendarPanel'>) {
  return async (arg?: unknown): Promise<string | undefined> => {
    // The target is checked before anything is read: a bad argument costs nothing.
    const given = targetArg(arg);
    const root = await calendarRoot(ctx, arg);
    if (!root) return undefined;
    const shown = ctx.calendarPanel.shown;
    let calendar = shown && shown.root === root ? shown.calendar : null;
    if (!calendar) {
      const outcome = await withCancellableProgress('Release calendar', new AbortController(), (signal, onProgress) => ctx.calendar.compute(root, { signal, onProgress }));
      if (outcome.kind === 'error') throw new UsageError(outcome.message, outcome.fix ?? 'Show the log (Release: Show Log).');
      calendar = outcome.calendar;
    }
    const target =
      given ??
      (await vscode.window.showSaveDialog({
        title: 'Export Release Calendar',
        saveLabel: 'Export',
        defaultUri: vscode.Uri.file(join(root, `${basename(root)}-releases.ics`)),
        filters: { iCalendar: ['ics'] },
      }));
    if (!target) return undefined;
    if (target.scheme !== 'file') throw new UsageError(`${target.toString()} is not a local file.`, 'Pick a file on this machine.');
    await writeFileAtomic(target.fsPath, loadCalendar().calendarIcs(calendar));
    void vscode.window.showInformationMessage(`Exported ${calendar.events.length} event${calendar.events.length === 1 ? '' : 's'} (${calendar.window.from} to ${calendar.window.to}) to ${basename(target.fsPath)}. Subscribe to it or import it in your calendar app.`);
    return target.fsPath;
  };
}

/** The `uri` of the argument (undefined: ask with the save dialog); refused when it is not a local `.ics` file. */
function targetArg(arg: unknown): vscode.Uri | undefined {
  const raw = argRecord(arg).uri;
  if (raw === undefined) return undefined;
  const uri = raw instanceof vscode.Uri ? raw : typeof raw === 'string' ? parseUri(raw) : undefined;
  if (!uri) throw new UsageError('The calendar export target must be a file URI.', 'Pass { uri } as a vscode.Uri or a file: URI string.');
  if (uri.scheme !== 'file') throw new UsageError(`${uri.toString()} is not a local file.`, 'Pass a file on this machine.');
  if (!/\.ics$/i.test(uri.path)) throw new UsageError(`${uri.fsPath} is not an .ics file.`, 'Name the export file with the .ics extension.');
  return uri;
}

function parseUri(s: string): vscode.Uri | undefined {
  try {
    return vscode.Uri.parse(s, true);
  } catch {
    return undefined; // no scheme: not a URI
  }
}
