import { Script, createContext } from 'node:vm';
import { UsageError } from '../core/errors';
import { MAX_MATCH_LINE } from '../core/gates/safeRegex';

/** Time one regex search of a file may take before it is stopped. */
export const REGEX_TIMEOUT_MS = 500;

// Runs in an empty context: the only inputs are the pattern and the text, as data.
const SEARCH = new Script(`(() => {
  const re = new RegExp(pattern);
  const lines = text.split('\\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\\r$/, '');
    if (line.length > maxLine) continue;
    const m = re.exec(line);
    if (m && m[1] !== undefined) return [String(m[1]), i + 1];
  }
  return null;
})()`);

/**
 * The first line matching a config regex and its capture, stopped after a hard time limit
 * (V8 interrupts even a backtracking regex), so a hostile pattern cannot freeze the extension host.
 */
export async function searchLines(pattern: string, text: string, timeoutMs = REGEX_TIMEOUT_MS): Promise<{ value: string; line: number } | null> {
  const context = createContext({ pattern, text, maxLine: MAX_MATCH_LINE });
  let found: unknown;
  try {
    found = SEARCH.runInContext(context, { timeout: timeoutMs });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new UsageError(`The pattern ${JSON.stringify(pattern.slice(0, 80))} took longer than ${timeoutMs} ms to search the file, so it was stopped.`, 'Simplify the regex of the gate (anchor it, avoid overlapping .* and +).');
    }
    throw new UsageError(`The pattern ${JSON.stringify(pattern.slice(0, 80))} could not be used: ${e instanceof Error ? e.message : String(e)}`, 'Fix the regex of the gate.');
  }
  if (found === null || found === undefined) return null;
  const [value, line] = found as [unknown, unknown];
  return { value: String(value), line: Number(line) };
}
