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

/** A short name for a command: the executable and its subcommand (global `-c x=y` options skipped). */
function describe(command, args) {
  const list = Array.isArray(args) ? args.map(String) : [];
  const subcommand = list.find((a, i) => !a.startsWith('-') && list[i - 1] !== '-c') ?? list[list.length - 1] ?? '';
  return `${command} ${subcommand}${subcommand === 'log' ? logKind(list) : ''}`;
}

/** Wraps an async child_process function (spawn, execFile): it returns a ChildProcess whose close ends the event. */
function traceAsync(name) {
  const original = childProcess[name];
  childProcess[name] = function traced(command, args, ...rest) {
    const start = now();
    const child = original.call(this, command, args, ...rest);
    child.on('close', () => events.push({ name: describe(command, args), start, end: now() }));
    return child;
  };
}

/** Wraps a synchronous child_process function (spawnSync, execFileSync). */
function traceSync(name) {
  const original = childProcess[name];
  childProcess[name] = function traced(command, args, ...rest) {
    const start = now();
    try {
      return original.call(this, command, args, ...rest);
    } finally {
      events.push({ name: describe(command, args), start, end: now() });
    }
  };
}

if (childProcess && fs && file) {
  // execFile calls Node's internal spawn, not the exported one, so each entry point is wrapped on its own.
  traceAsync('spawn');
  traceAsync('execFile');
  traceSync('spawnSync');
  traceSync('execFileSync');
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify({ exit: now(), events })));
}
