// A real staging → production deploy history for the demo's metrics: the CLI deploys the demo's releases
// with the local command provider (a small deploy tool that fails once, for production 0.2.0-rc.0), and
// rolls production back to 0.1.1, so `release-manager metrics` reads figures from real records (the local
// deploy history in the git directory) and lead times from the demo's backdated commits.
// While it runs, the repository's config is swapped for a plain ladder (no canary pauses, no health
// checks, no soak time, no gates) and restored after, byte for byte.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The history's deploy tool (run with argv, no shell): fails once for the environment and version named in .git/demo-fail.
const TOOL = `const fs = require('node:fs');
const [environment, version, operation] = process.argv.slice(2);
const marker = require('node:path').join('.git', 'demo-fail');
if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === environment + ' ' + version) {
  fs.rmSync(marker);
  console.error(operation + ' ' + version + ' to ' + environment + ': the database migration timed out');
  process.exit(1);
}
console.log(operation + ' ' + version + ' to ' + environment + ': done');`;

/** The steps of the history: [environment, operation, version], and which one fails. */
export const DEMO_HISTORY = [
  ['staging', 'deploy', 'v0.1.0'],
  ['production', 'deploy', 'v0.1.0'],
  ['staging', 'deploy', 'v0.1.1'],
  ['production', 'deploy', 'v0.1.1'],
  ['staging', 'deploy', 'v0.2.0-rc.0'],
  ['production', 'deploy', 'v0.2.0-rc.0', 'fails'],
  ['production', 'rollback', null],
];

/**
 * Deploys the demo's history with the CLI at `cli` (dist/cli.js) on the demo repository `repo`;
 * `say(line)` is told each step and its outcome. Returns the outcomes (exit codes).
 */
export function makeDemoHistory(repo, cli, say = () => undefined) {
  const configFile = join(repo, '.release-manager.json');
  const original = readFileSync(configFile);
  const config = JSON.parse(original.toString('utf8'));
  // The tool lives in the git directory: nothing in the working tree changes.
  writeFileSync(join(repo, '.git', 'demo-deploy-tool.cjs'), TOOL + '\n');
  const argv = [process.execPath, '.git/demo-deploy-tool.cjs', '{environment}', '{version}', '{operation}'];
  const ladder = {
    ...config,
    gates: [],
    deploy: { environments: ['staging', 'production'].map((name) => ({ name, provider: { kind: 'command', argv, timeoutMs: 60_000 }, protection: { gates: [] } })) },
  };
  const codes = [];
  writeFileSync(configFile, JSON.stringify(ladder, null, 2) + '\n');
  try {
    for (const [env, operation, ref, fails] of DEMO_HISTORY) {
      if (fails) writeFileSync(join(repo, '.git', 'demo-fail'), `${env} ${ref.replace(/^v/, '')}`);
      const args = [cli, operation, '--env', env, ...(ref ? ['--ref', ref] : []), '--allow-commands', '--yes', '--repo', repo];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      codes.push(r.status);
      const outcome = (r.status === 2 ? r.stderr : r.stdout).trim().split('\n').filter(Boolean).pop() ?? '';
      say(`${operation} ${ref ?? ''} → ${env}: ${r.status === 0 ? 'ok' : `exit ${r.status}`}: ${outcome}`.replace(/ {2,}/g, ' '));
    }
  } finally {
    writeFileSync(configFile, original);
  }
  return codes;
}
