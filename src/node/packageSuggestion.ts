/**
 * Proposes `packages` for a monorepo without a config (tag families matched to package folders) and
 * writes them into `.release-manager.json` atomically, keeping every other key.
 */
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE, parseConfig, type ReleaseConfig } from '../core/config';
import { ConfigError } from '../core/errors';
import { describeProposal, mergePackages, proposePackages, tagFamilies, type PackageFolder, type PackageProposal } from '../core/monorepo';
import { readTextOrNull, writeFileAtomic } from './atomicFile';

/** Files that make a folder a package. */
const MANIFESTS = ['package.json', 'Cargo.toml', 'pyproject.toml', 'go.mod'];
const SKIP = new Set(['node_modules', 'dist', 'out', 'build', 'target', 'vendor']);

async function packageName(file: string): Promise<string | null> {
  let handle;
  try {
    // Never follows a link, never reads a huge file or a FIFO.
    if (!(await lstat(file)).isFile()) return null;
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size > 256 * 1024) return null;
    const name = (JSON.parse((await handle.readFile()).toString('utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** The folders below `root` (at most `depth` levels, no links, hidden or build folders) that hold a package manifest. Bounded by `limit` folders looked at. */
export async function packageFolders(root: string, depth = 3, limit = 5000): Promise<PackageFolder[]> {
  const found: PackageFolder[] = [];
  let queue: string[] = [''];
  let seen = 0;
  for (let level = 0; level <= depth && queue.length > 0; level++) {
    const next: string[] = [];
    for (const rel of queue) {
      if (++seen > limit) return found;
      const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
      if (rel !== '' && entries.some((e) => e.isFile() && MANIFESTS.includes(e.name))) {
        found.push({ path: rel, name: entries.some((e) => e.isFile() && e.name === 'package.json') ? await packageName(join(root, rel, 'package.json')) : null });
      }
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) next.push(rel === '' ? e.name : `${rel}/${e.name}`);
    }
    queue = next;
  }
  return found;
}

/** The packages to add to the config: the tag families (≥ 2 `name@version` tags) with a package folder, not configured yet. */
export async function suggestPackages(root: string, tagNames: readonly string[], config: ReleaseConfig): Promise<PackageProposal[]> {
  const families = tagFamilies(tagNames);
  if (families.size === 0) return [];
  return proposePackages(families, await packageFolders(root), config.packages);
}

/** Adds the proposals to `packages` of the config file (created when missing), atomically; the result is validated before it is written. */
export async function writePackages(root: string, proposals: readonly PackageProposal[]): Promise<{ file: string; created: boolean }> {
  const file = join(root, CONFIG_FILE);
  const text = await readTextOrNull(file);
  let next: string;
  try {
    next = mergePackages(text, proposals);
  } catch (e) {
    throw new ConfigError(`${CONFIG_FILE} could not be read as a JSON object: ${e instanceof Error ? e.message : String(e)}.`, [`(file): ${e instanceof Error ? e.message : String(e)}`], `Fix ${CONFIG_FILE} (Open Release Configuration), then use Fix… again.`, CONFIG_FILE);
  }
  parseConfig(next); // a config that would not load is never written
  await writeFileAtomic(file, next);
  return { file, created: text === null };
}

/** What a warning about ignored tags adds when packages can be proposed: the packages, and how to add them. */
export function suggestionText(proposals: readonly PackageProposal[]): string {
  return `These look like packages of a monorepo: add ${describeProposal(proposals)} to ${CONFIG_FILE} to release each on its own (in the editor, the warning's Fix… writes it).`;
}
