// Tier 2: the in-host mocha suites in a real VS Code (code-server), the trusted suite then the Restricted
// Mode suite, each on a fresh demo repository. `node scripts/vscode-test/inHost.mjs [suite|restricted]`.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDemoRepo } from '../demoRepo.mjs';
import { createRun, startCodeServer } from './codeServer.mjs';
import { ROOT, isMain, say, secondsSince } from './config.mjs';
import { ensureCodeServer } from './ensureCodeServer.mjs';
import { runSuite } from './runSuite.mjs';

const SUITES = [
  { name: 'suite', trusted: true, label: 'trusted workspace' },
  { name: 'restricted', trusted: false, label: 'Restricted Mode' },
];

/** Runs the chosen suites (all by default), one code-server each; resolves to true when all pass. */
export async function runInHostSuites(names = SUITES.map((s) => s.name)) {
  const cs = await ensureCodeServer();
  let ok = true;
  for (const { name, trusted, label } of SUITES.filter((s) => names.includes(s.name))) {
    const suiteDir = join(ROOT, 'out/test/vscode', name);
    if (!existsSync(join(suiteDir, 'index.js'))) throw new Error(`${suiteDir}/index.js is missing: run \`npm run build\` first`);
    const run = createRun(`vscode-${name}`);
    const folder = makeDemoRepo(join(run.workspace, 'demo'));
    if (!trusted) plantHostileWorkspaceSettings(folder);
    const server = await startCodeServer(cs, run, { trusted });
    let result = { ok: false };
    try {
      result = await runSuite({ server, run, suiteDir, folder, label, timeoutMs: Number(process.env.VSCODE_TEST_TIMEOUT_MS) || 600_000 });
    } finally {
      await server.stop();
      run.dispose(!result.ok);
    }
    ok &&= result.ok;
  }
  return ok;
}

/**
 * An untrusted folder that tries to swap the git executable through a workspace setting (a restricted
 * setting): Restricted Mode must ignore it. Kept out of `git status` so the tree stays clean.
 */
function plantHostileWorkspaceSettings(folder) {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(
    join(folder, '.vscode', 'settings.json'),
    JSON.stringify({ 'releaseManager.git.path': '/nonexistent/evil-git', 'releaseManager.github.apiUrl': 'https://api.github.com.attacker.example' }, null, 2) + '\n',
  );
  appendFileSync(join(folder, '.git', 'info', 'exclude'), '.vscode/\n');
}

if (isMain(import.meta.url)) {
  const start = performance.now();
  const names = process.argv.slice(2);
  const unknown = names.filter((a) => !SUITES.some((s) => s.name === a));
  if (unknown.length) {
    console.error(`unknown suite ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const ok = await runInHostSuites(names.length ? names : undefined);
  say(`in-host tier ${ok ? 'passed' : 'FAILED'} in ${secondsSince(start)}`);
  process.exit(ok ? 0 : 1);
}
