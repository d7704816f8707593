// Runs a script's cleanup once when it is stopped (Ctrl+C, kill, a closed terminal), then exits.
// `npm run …` may signal the whole process group, so a second signal arrives while the first cleanup
// still runs: it is ignored instead of killing the process half-way (which left run folders behind).

/** The signals that stop a script: Ctrl+C, kill, and the terminal closing. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Registers `cleanup` (sync or async) for every stop signal; it runs once, its failure is reported on
 * stderr, and the process exits with `code` afterwards. Returns a function that runs the same cleanup
 * without a signal (a normal end).
 */
export function onStop(cleanup, { code = 0 } = {}) {
  let running = null;
  const stop = () => {
    running ??= Promise.resolve()
      .then(cleanup)
      .catch((e) => process.stderr.write(`cleanup failed: ${e instanceof Error ? e.message : String(e)}\n`));
    return running;
  };
  for (const s of STOP_SIGNALS) process.on(s, () => void stop().then(() => process.exit(code)));
  return stop;
}
