import type { Logger } from '../../core/ports';
import type { CommandContext } from '../commandContext';

/** Show Log: reveals the extension's output channel (without taking the focus). */
export function showLogCommand({ log }: Pick<CommandContext, 'log'>) {
  return (): void => {
    if (isChannel(log)) log.show(true);
  };
}

/** Whether the logger is an output channel (the editor's is; a test's may not be). */
function isChannel(log: Logger): log is Logger & { show(preserveFocus?: boolean): void } {
  return typeof (log as { show?: unknown }).show === 'function';
}
