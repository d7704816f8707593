import { createInterface } from 'node:readline/promises';
import { commandOf, runCli } from './main';

const argv = process.argv.slice(2);
// `release-manager changelog | head`: the reader went away; stop quietly (no EPIPE stack trace).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
const controller = new AbortController();
const onSignal = () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
// gates: Ctrl-C cancels the run and kills the gates' process trees (they lead their own process
// groups, so the terminal's SIGINT does not reach them). deploy / rollback: Ctrl-C pauses the
// operation in its journal (run the command again to resume); a local deploy command already running
// is left to finish, and this process waits for it so that its outcome is recorded. flag: Ctrl-C pauses
// a rollout after the call in flight (run it again to resume). A second Ctrl-C
// exits at once. Other commands keep the default behaviour (exit at once).
const command = commandOf(argv) ?? '';
const cancellable = ['gates', 'publish', 'deploy', 'rollback', 'announce', 'flag'].includes(command);
const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
if (cancellable) {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void runCli(argv, {
  out: (t) => void process.stdout.write(t),
  // Long outputs (the JSON changelog) wait for the pipe to drain: the reader sets the pace, not our heap.
  // A reader gone away (EPIPE) ends the process quietly above, so a pending wait never matters.
  write: (chunk) => (process.stdout.write(chunk) ? Promise.resolve() : new Promise<void>((done) => process.stdout.once('drain', done))),
  err: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
  signal: controller.signal,
  env: process.env,
  ...(interactive
    ? {
        confirm: async (question: string) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return /^y(es)?$/i.test((await rl.question(question)).trim());
          } finally {
            rl.close();
          }
        },
      }
    : {}),
}).then((code) => {
  // A deploy or rollback that ended despite the Ctrl-C (its last step was in flight) says how it ended.
  process.exitCode = controller.signal.aborted && command !== 'deploy' && command !== 'rollback' ? 130 : code;
  if (cancellable) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
});
