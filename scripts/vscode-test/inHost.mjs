// Tier 2: the in-host mocha suites in a real VS Code (code-server), the Restricted Mode suite then the
// trusted suite, each on a fresh demo repository. `node scripts/vscode-test/inHost.mjs [suite|restricted]`.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDemoRepo } from '../demoRepo.mjs';
import { createRun, startCodeServer } from './codeServer.mjs';
import { ROOT, isMain, say, secondsSince } from './config.mjs';
import { ensureCodeServer } from './ensureCodeServer.mjs';
import { runSuite } from './runSuite.mjs';

// Restricted Mode first: it needs no Unleash, so the trusted suite's server starts meanwhile.
const SUITES = [
  { name: 'restricted', trusted: false, label: 'Restricted Mode' },
  { name: 'suite', trusted: true, label: 'trusted workspace' },
];

/** Runs the chosen suites (all by default), one code-server each; resolves to true when all pass. */
export async function runInHostSuites(names = SUITES.map((s) => s.name)) {
  const cs = await ensureCodeServer();
  // A real Unleash for the Flags suite (test/vscode/suite/flags.test.ts), passed to the extension host through the
  // environment. Its start (about 20 s) overlaps the Restricted Mode suite; only the trusted suite waits for it.
  const unleash = names.includes('suite') ? startTestUnleash() : Promise.resolve(null);
  unleash.catch(() => {}); // awaited (and thrown) before the trusted suite starts
  let ok = true;
  try {
    ok = await runSelected(cs, names, unleash);
  } finally {
    await (await unleash.catch(() => null))?.stop();
  }
  return ok;
}

/**
 * Starts a real Unleash (scripts/unleash.mjs: unleash-server on PostgreSQL, both on 127.0.0.1) unless the run
 * says RELEASE_MANAGER_TEST_UNLEASH=skip, and puts its URL and admin token into the environment code-server inherits.
 */
async function startTestUnleash() {
  if (process.env.RELEASE_MANAGER_TEST_UNLEASH === 'skip') {
    say('Unleash not started (RELEASE_MANAGER_TEST_UNLEASH=skip): the Flags suite skips');
    return null;
  }
  // A subset of tests that cannot include the Flags suite (its titles name flags) does not pay for a server.
  const grep = process.env.RELEASE_MANAGER_TEST_GREP;
  if (grep && process.env.RELEASE_MANAGER_TEST_UNLEASH !== 'start' && !/flag|unleash|kill|ramp|token/i.test(grep)) return null;
  const { startUnleash } = await import('../unleash.mjs');
  const u = await startUnleash();
  say(`Unleash ${u.url} ready for the in-host suite (${u.seconds.toFixed(1)} s)`);
  return {
    /** Puts its URL and token into the environment of the code-server started next. */
    expose: () => {
      process.env.RELEASE_MANAGER_TEST_UNLEASH_URL = u.url;
      process.env.RELEASE_MANAGER_TEST_UNLEASH_TOKEN = u.adminToken;
    },
    stop: async () => {
      delete process.env.RELEASE_MANAGER_TEST_UNLEASH_URL;
      delete process.env.RELEASE_MANAGER_TEST_UNLEASH_TOKEN;
      await u.stop();
    },
  };
}

async function runSelected(cs, names, unleash) {
  let ok = true;
  for (const { name, trusted, label } of SUITES.filter((s) => names.includes(s.name))) {
    const suiteDir = join(ROOT, 'out/test/vscode', name);
    if (!existsSync(join(suiteDir, 'index.js'))) throw new Error(`${suiteDir}/index.js is missing: run \`npm run build\` first`);
    if (trusted) (await unleash)?.expose();
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
