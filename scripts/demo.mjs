// `npm run demo`: builds the demo repository, shows the CLI's verdicts in the terminal, then opens it in a
// real VS Code (code-server on 127.0.0.1) with the packaged extension installed. Ctrl+C stops everything.
// `npm run demo -- --cli-only` skips VS Code (no code-server install needed); DEMO_DIR=DIR builds the
// demo repository there instead of .demo/invoicing. `npm run demo -- --health-only` serves the health
// endpoint of the demo repository built before again (same port), e.g. for `release-manager deploy` later.
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemoHistory } from './demoHistory.mjs';
import { makeDemoRepo } from './demoRepo.mjs';
import { onStop } from './onStop.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);

const repoDir = resolve(process.env.DEMO_DIR || join(root, '.demo', 'invoicing'));
const healthOnly = process.argv.includes('--health-only');

/** The health URL the demo repository's config names (a repository built by an earlier run), or null. */
function recordedHealthUrl() {
  try {
    const config = JSON.parse(readFileSync(join(repoDir, '.release-manager.json'), 'utf8'));
    return config.deploy?.environments?.flatMap((e) => e.healthChecks ?? []).find((c) => c.kind === 'http')?.url ?? null;
  } catch {
    return null;
  }
}

// The demo's "service": the health endpoint the staging canary is judged by (an error rate well under 1%).
const app = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/health' ? JSON.stringify({ status: 'ok', errorRate: 0.002 }) : '{}');
});
const recorded = healthOnly ? recordedHealthUrl() : null;
if (healthOnly && recorded === null) {
  process.stderr.write(`error: no demo repository with a health check in ${repoDir}\nfix: run npm run demo (or npm run demo -- --cli-only) first.\n`);
  process.exit(1);
}
await new Promise((ok, fail) => {
  app.once('error', fail);
  app.listen(recorded === null ? 0 : Number(new URL(recorded).port), '127.0.0.1', ok);
}).catch((e) => {
  process.stderr.write(`error: the health endpoint could not listen: ${e.message}\nfix: stop whatever serves ${recorded} (another demo?), or run npm run demo again (it picks a new port).\n`);
  process.exit(1);
});
const healthUrl = `http://127.0.0.1:${app.address().port}/health`;
const restart = `The staging health endpoint (${healthUrl}) stops with this demo: a later \`release-manager deploy --env staging\` on the demo repository needs it; serve it again with \`npm run demo -- --health-only\` (same port), or run \`npm run demo\` again.\n`;

// Everything started is stopped once on Ctrl+C, kill or a closed terminal (npm may signal the whole group twice).
const cleanups = [() => new Promise((ok) => (app.close(() => ok()), app.closeAllConnections()))];
const stop = onStop(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((e) => process.stderr.write(`cleanup: ${e instanceof Error ? e.message : String(e)}\n`));
  process.stdout.write(`\n${restart}`);
});

if (healthOnly) {
  process.stdout.write(`Serving ${healthUrl} for the demo repository ${repoDir}. Ctrl+C stops it.\n`);
  await new Promise(() => undefined);
}

// The history is dated a day back (one commit an hour), so the deploys below have meaningful lead times.
const repo = makeDemoRepo(repoDir, { healthUrl, base: Math.floor(Date.now() / 1000) - 24 * 3600 });

/** Runs one CLI command on the demo repository and prints it like a terminal session (both streams, in order). */
async function show(title, args) {
  process.stdout.write(`\n${bold(`$ release-manager ${args.join(' ')}`)}   # ${title}\n\n`);
  const child = spawn(process.execPath, [cli, ...args, '--repo', repo], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => process.stdout.write(d));
  child.stderr.on('data', (d) => process.stdout.write(d));
  const code = await new Promise((ok) => child.on('close', ok));
  if (code !== 0) process.stdout.write(`(exit ${code})\n`);
}

process.stdout.write(`Demo repository: ${repo}\n${restart}`);
await show('the next version, and the commits that decided it', ['version']);
await show('release notes of everything since the last release', ['notes']);
await show('notes of one monorepo package', ['notes', '--path', 'packages/web']);
await show('can we ship? (command gates need --allow-commands)', ['gates']);
process.stdout.write(`\n${bold('# the past: a staging → production history of 0.1.0, 0.1.1 and 0.2.0-rc.0 (failing in production), then a rollback')}\n\n`);
makeDemoHistory(repo, cli, (line) => process.stdout.write(`  ${line}\n`));
await show(`a canary of the last release to staging, judged by ${healthUrl}`, ['deploy', '--env', 'staging', '--ref', 'v0.2.0', '--allow-commands', '--yes']);
await show('what ran, from the deploy journal', ['status']);
await show('release metrics of production, from that history (local deploy history and git)', ['metrics', '--env', 'production']);

if (process.argv.includes('--cli-only')) {
  await stop();
  process.exit(0);
}

const { ensureCodeServer } = await import('./vscode-test/ensureCodeServer.mjs');
const { createRun, installExtension, startCodeServer } = await import('./vscode-test/codeServer.mjs');
const { VSIX_PATH } = await import('./vscode-test/config.mjs');
process.stdout.write(`\n${bold('Starting VS Code (code-server) with the extension installed…')}\n`);
const cs = await ensureCodeServer();
const run = createRun('demo');
// The run folder goes on any stop, even one during the install below.
cleanups.push(() => run.dispose(false));
await installExtension(cs, run, VSIX_PATH);
// For people: without the smoke-test driver, so notifications show (the test tiers turn it on).
const server = await startCodeServer(cs, run, { trusted: true, testDriver: false });
cleanups.push(() => server.stop());
const url = `${server.url}?folder=${encodeURIComponent(repo)}`;
process.stdout.write(
  `\n  Open ${bold(url)}\n\n` +
    '  The Release icon in the activity bar shows the verdict, the next version and why, the unreleased changes\n' +
    '  and the readiness checklist; F1 → "Release: Draft Release Notes" drafts the notes beside a preview.\n' +
    '  Environments shows staging running 0.2.0. "Deploy…" to production waits until staging has run it\n' +
    '  healthily for a minute, then asks you to confirm the version; "Roll Back…" is beside it.\n\n' +
    '  Ctrl+C stops the server.\n',
);
setInterval(() => undefined, 1 << 30);
