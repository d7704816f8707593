// `npm run demo`: builds the demo repository, shows the CLI's verdicts in the terminal, then opens it in a
// real VS Code (code-server on 127.0.0.1) with the packaged extension installed. Ctrl+C stops everything.
// `npm run demo -- --cli-only` skips VS Code (no code-server install needed).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemoRepo } from './demoRepo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = makeDemoRepo(join(root, '.demo', 'invoicing'));
const cli = join(root, 'dist', 'cli.js');
const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);

/** Runs one CLI command on the demo repository and prints it like a terminal session. */
function show(title, args) {
  process.stdout.write(`\n${bold(`$ release-manager ${args.join(' ')}`)}   # ${title}\n\n`);
  try {
    process.stdout.write(execFileSync(process.execPath, [cli, ...args, '--repo', repo], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    process.stdout.write(`${e.stdout ?? ''}(exit ${e.status})\n`);
  }
}

process.stdout.write(`Demo repository: ${repo}\n`);
show('the next version, and the commits that decided it', ['version']);
show('release notes of everything since the last release', ['notes']);
show('notes of one monorepo package', ['notes', '--path', 'packages/web']);
show('can we ship? (command gates need --allow-commands)', ['gates']);

if (process.argv.includes('--cli-only')) process.exit(0);

const { ensureCodeServer } = await import('./vscode-test/ensureCodeServer.mjs');
const { createRun, installExtension, startCodeServer } = await import('./vscode-test/codeServer.mjs');
const { VSIX_PATH } = await import('./vscode-test/config.mjs');
process.stdout.write(`\n${bold('Starting VS Code (code-server) with the extension installed…')}\n`);
const cs = await ensureCodeServer();
const run = createRun('demo');
await installExtension(cs, run, VSIX_PATH);
const server = await startCodeServer(cs, run, { trusted: true });
const url = `${server.url}?folder=${encodeURIComponent(repo)}`;
process.stdout.write(
  `\n  Open ${bold(url)}\n\n` +
    '  The Release icon in the activity bar shows the verdict, the next version and why, the unreleased changes\n' +
    '  and the readiness checklist; F1 → "Release: Draft Release Notes" drafts the notes beside a preview.\n\n' +
    '  Ctrl+C stops the server.\n',
);
const stop = async () => {
  await server.stop();
  run.dispose(false);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
