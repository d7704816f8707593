// Preload (`node --require ./bench/traceSpawn.cjs dist/cli.js ...`): records when each child process of the CLI runs, for the time breakdown.
// CommonJS on purpose: an ESM `--import` preload sends the CLI bundle through the ESM loader, which adds ~80 ms of its own.
const childProcess = process.getBuiltinModule?.('node:child_process');
const fs = process.getBuiltinModule?.('node:fs');
const file = process.env.BENCH_TRACE_FILE;
const events = [];

/** Milliseconds since this process started. */
function now() {
  return process.uptime() * 1000;
}

/** Which of the adapter's `git log` reads this is, from its format. */
function logKind(args) {
  const format = args.find((a) => a.startsWith('--format=')) ?? '';
  if (format.includes('%aE%x00%(trailers')) return ' (first-time contributor lookup)';
  if (format === '--format=%x1e%H') return ' (commits touching path)';
  return ' (commits of the range)';
}

if (childProcess && fs && file) {
  const original = childProcess.spawn;
  /** Wraps spawn (simple-git and the log streamer both go through it) to note start, end and the git subcommand. */
  childProcess.spawn = function tracedSpawn(command, args = [], ...rest) {
    const start = now();
    const child = original.call(this, command, args, ...rest);
    const subcommand = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-c') ?? args[args.length - 1] ?? '';
    const kind = subcommand === 'log' ? logKind(args) : '';
    child.on('close', () => events.push({ name: `${command} ${subcommand}${kind}`, start, end: now() }));
    return child;
  };
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify({ exit: now(), events })));
}
