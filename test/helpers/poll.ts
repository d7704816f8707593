// The one poller of every test tier (unit, in-host, e2e): ask again until the answer is there, bounded.
// Plain TypeScript with no mocha globals and no 'vscode', so the extension host and the e2e specs import it too.

/** How long and how often `poll` asks. */
export interface PollOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between two probes (default 100 ms). */
  intervalMs?: number;
}

/** What a probe answers when it is not there yet. */
type Falsy = false | 0 | '' | null | undefined;

/**
 * Calls `probe` until it returns a truthy value and resolves to that value. After `timeoutMs` it rejects
 * with an error naming `what` and the probe's last answer. An error thrown by the probe ends the wait at once.
 */
export async function poll<T>(what: string, probe: () => T | Promise<T>, options: PollOptions = {}): Promise<Exclude<T, Falsy>> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await probe();
    if (last) return last as Exclude<T, Falsy>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(last)}`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(intervalMs, deadline - Date.now()))));
  }
}

/** The last answer of a probe, short enough for an error message. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
