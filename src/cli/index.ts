import { commandOf, runCli } from './main';

const argv = process.argv.slice(2);
const controller = new AbortController();
const onSignal = () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
// gates: Ctrl-C cancels the run and kills the gates' process trees (they lead their own process
// groups, so the terminal's SIGINT does not reach them). A second Ctrl-C exits at once. Other
// commands keep the default behaviour (exit at once).
const cancellable = commandOf(argv) === 'gates';
if (cancellable) {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void runCli(argv, {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
  signal: controller.signal,
}).then((code) => {
  process.exitCode = controller.signal.aborted ? 130 : code;
  if (cancellable) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
});
