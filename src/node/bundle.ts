/**
 * The one way code loads a lazily loaded bundle (dist/github.js, dist/announce.js, …: see docs/architecture.md,
 * "Bundles"). Each bundle has a tiny typed loader (`loadGitHub()`, `loadAnnounce()`, …) that calls this; the
 * module it bundles is imported as a type only, so the bundler leaves it out of the caller's bundle.
 */
import { join } from 'node:path';

/** Where the bundles are when the caller is not in dist/ itself: the in-host test build defines it (scripts/build.mjs). */
declare const RELEASE_MANAGER_DIST: string | undefined;

/** The folder of src/ when running from sources (tsx: unit tests, scripts), else undefined. */
const SOURCES = __filename.endsWith('.ts') ? join(__dirname, '..') : undefined;

/**
 * The exports of `dist/<file>` (the bundle beside the running one), required on first use. Run from sources, the
 * module it bundles instead: `source` is a path under src/ (`./node/announce`) or a package name (`yaml`).
 */
export function loadBundle<T>(file: string, source: string): T {
  const from = SOURCES === undefined ? join(typeof RELEASE_MANAGER_DIST === 'string' ? RELEASE_MANAGER_DIST : __dirname, file) : source.startsWith('.') ? join(SOURCES, source) : source;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the one dynamic require of the code base (Node caches the module)
  return require(from) as T;
}
