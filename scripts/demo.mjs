// `npm run demo`: builds the demo repository, shows the CLI's verdicts in the terminal, then opens it in a
// real VS Code (code-server on 127.0.0.1) with the packaged extension installed. Ctrl+C stops everything.
// `npm run demo -- --cli-only` skips VS Code (no code-server install needed); DEMO_DIR=DIR builds the
// demo repository there instead of .demo/invoicing.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemoRepo } from './demoRepo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);

// The demo's "service": the health endpoint the staging canary is judged by (an error rate well under 1%).
const app = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/health' ? JSON.stringify({ status: 'ok', errorRate: 0.002 }) : '{}');
});
await new Promise((ok) => app.listen(0, '127.0.0.1', ok));
const healthUrl = `http://127.0.0.1:${app.address().port}/health`;
const repo = makeDemoRepo(resolve(process.env.DEMO_DIR || join(root, '.demo', 'invoicing')), { healthUrl });

/** Runs one CLI command on the demo repository and prints it like a terminal session (both streams, in order). */
async function show(title, args) {
  process.stdout.write(`\n${bold(`$ release-manager ${args.join(' ')}`)}   # ${title}\n\n`);
  const child = spawn(process.execPath, [cli, ...args, '--repo', repo], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => process.stdout.write(d));
  child.stderr.on('data', (d) => process.stdout.write(d));
  const code = await new Promise((ok) => child.on('close', ok));
  if (code !== 0) process.stdout.write(`(exit ${code})\n`);
}

process.stdout.write(`Demo repository: ${repo}\n`);
await show('the next version, and the commits that decided it', ['version']);
await show('release notes of everything since the last release', ['notes']);
await show('notes of one monorepo package', ['notes', '--path', 'packages/web']);
await show('can we ship? (command gates need --allow-commands)', ['gates']);
await show(`a canary of the last release to staging, judged by ${healthUrl}`, ['deploy', '--env', 'staging', '--ref', 'v0.2.0', '--allow-commands', '--yes']);
await show('what ran, from the deploy journal', ['status']);

if (process.argv.includes('--cli-only')) {
  app.close();
  process.exit(0);
}

const { ensureCodeServer } = await import('./vscode-test/ensureCodeServer.mjs');
const { createRun, installExtension, startCodeServer } = await import('./vscode-test/codeServer.mjs');
const { VSIX_PATH } = await import('./vscode-test/config.mjs');
process.stdout.write(`\n${bold('Starting VS Code (code-server) with the extension installed…')}\n`);
const cs = await ensureCodeServer();
const run = createRun('demo');
await installExtension(cs, run, VSIX_PATH);
// For people: without the smoke-test driver, so notifications show (the test tiers turn it on).
const server = await startCodeServer(cs, run, { trusted: true, testDriver: false });
const url = `${server.url}?folder=${encodeURIComponent(repo)}`;
process.stdout.write(
  `\n  Open ${bold(url)}\n\n` +
    '  The Release icon in the activity bar shows the verdict, the next version and why, the unreleased changes\n' +
    '  and the readiness checklist; F1 → "Release: Draft Release Notes" drafts the notes beside a preview.\n' +
    '  Environments shows staging running 0.2.0. "Deploy…" to production waits until staging has run it\n' +
    '  healthily for a minute, then asks you to confirm the version; "Roll Back…" is beside it.\n\n' +
    '  Ctrl+C stops the server.\n',
);
const stop = async () => {
  await server.stop();
  app.close();
  run.dispose(false);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
