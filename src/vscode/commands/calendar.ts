/**
 * Release: Show Release Calendar (Export Release Calendar (.ics)… is in exportCalendar.ts, loaded with the
 * acting commands: the iCalendar writer is not needed at activation). Read-only toward the repository (works
 * in Restricted Mode too: nothing from the workspace is run).
 */
import type { CalendarReport } from '../../core/calendar/model';
import { stringField } from '../commandArgs';
import type { CommandContext } from '../commandContext';
import { pickRepository } from '../pickRepository';

/** The repository of a command: `{ root }`, the only one, or a pick (undefined when cancelled). */
export async function calendarRoot(ctx: Pick<CommandContext, 'model'>, arg: unknown): Promise<string | undefined> {
  await ctx.model.settled();
  return (await pickRepository(ctx.model, stringField(arg, 'root')))?.root;
}

/** Show Release Calendar: opens the view on a repository (`{ root }`, or picked) and reads its calendar; returns it. */
export function showCalendarCommand(ctx: Pick<CommandContext, 'model' | 'calendarPanel'>) {
  return async (arg?: unknown): Promise<CalendarReport | null | undefined> => {
    const root = await calendarRoot(ctx, arg);
    if (!root) return undefined;
    return ctx.calendarPanel.show(root);
  };
}
