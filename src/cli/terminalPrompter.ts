/**
 * The CLI's `Prompter`: yes/no questions on the terminal (none with --yes; an error without a
 * terminal), what the flow found on stdout, no progress display (the drive prints its own lines).
 */
import { UsageError } from '../core/errors';
import type { Prompter } from '../node/prompter';
import type { PublishIo } from './publish';

/** A prompter on the terminal of `io`; with `yes`, every confirmation is taken as given. */
export function terminalPrompter(io: PublishIo, options: { yes: boolean }): Prompter {
  const cannotAsk = (what: string) => new UsageError(`This needs ${what} and the CLI cannot ask for it.`, 'Give it on the command line, or use the editor.');
  return {
    pick: async () => {
      throw cannotAsk('a choice');
    },
    ask: async () => {
      throw cannotAsk('an answer');
    },
    confirm: async (c) => {
      if (options.yes) return true;
      if (!io.confirm) throw new UsageError('This needs a confirmation and there is no terminal to ask on.', 'Review the plan above and run again with --yes.');
      return io.confirm(`${c.title} [y/N] `);
    },
    progress: (_title, work) => work({ report: () => undefined, ...(io.signal ? { signal: io.signal } : {}) }),
    info: (text) => io.out(`${text}\n`),
  };
}
