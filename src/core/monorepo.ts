/**
 * Monorepos without a config: tag families (`create-vite@5.0.0`, `plugin-legacy@5.1.0`) matched to
 * package folders, proposed as the config's `packages`, and merged into the config file's text. Pure.
 */
import * as semver from './semver';
import { packageSchema, type PackageConfig } from './config';

/** A folder that may be a package: its repository-relative path (with "/") and its package.json "name", if any. */
export interface PackageFolder {
  path: string;
  name: string | null;
}

/** A package to add to the config, and the tag family it releases. */
export interface PackageProposal {
  name: string;
  path: string;
  /** How many `name@version` tags the repository has. */
  tags: number;
}

/** The families of `name@version` tags (a semver version after the last "@"), with ≥ `min` tags each, by name. */
export function tagFamilies(tagNames: readonly string[], min = 2): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tagNames) {
    const at = t.lastIndexOf('@');
    if (at <= 0 || semver.valid(t.slice(at + 1)) === null) continue;
    const name = t.slice(0, at);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return new Map([...counts].filter(([, n]) => n >= min).sort(([a], [b]) => a.localeCompare(b)));
}

function basename(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? '';
}

/**
 * The packages to propose: each tag family not configured yet whose folder is found (its package.json
 * "name" equals the family name, else its basename does, e.g. packages/plugin-legacy); a family with
 * two such folders is left out (ambiguous). Only entries the config schema accepts; sorted by name.
 */
export function proposePackages(families: ReadonlyMap<string, number>, folders: readonly PackageFolder[], configured: readonly PackageConfig[] = []): PackageProposal[] {
  const out: PackageProposal[] = [];
  for (const [name, tags] of families) {
    if (configured.some((p) => p.name === name)) continue;
    const byName = folders.filter((f) => f.name === name);
    const byBase = byName.length > 0 ? byName : folders.filter((f) => basename(f.path) === name || basename(f.path) === basename(name));
    if (byBase.length !== 1) continue;
    const path = byBase[0]!.path;
    if (configured.some((p) => p.path === path)) continue;
    if (!packageSchema().safeParse({ name, path }).success) continue;
    out.push({ name, path, tags });
  }
  return out;
}

/** One line naming the proposal, for a warning or a confirmation: `"packages": create-vite (packages/create-vite), …`. */
export function describeProposal(proposals: readonly PackageProposal[], max = 5): string {
  const listed = proposals.slice(0, max).map((p) => `${p.name} (${p.path})`).join(', ');
  return `"packages": ${listed}${proposals.length > max ? `, … (${proposals.length - max} more)` : ''}`;
}

/**
 * The config file's new text with the proposals appended to its `packages` (the file is created when
 * `text` is null; every other key, and the packages already there, are kept). Throws on text that is
 * not a JSON object (the caller reports it: the file is left as it is).
 */
export function mergePackages(text: string | null, proposals: readonly PackageProposal[]): string {
  const base: unknown = text === null || text.trim() === '' ? {} : JSON.parse(text.replace(/^\uFEFF/, ''));
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new Error('the config file is not a JSON object');
  const obj = base as Record<string, unknown>;
  const existing = Array.isArray(obj.packages) ? obj.packages : [];
  const known = new Set(existing.map((p) => (typeof p === 'object' && p !== null ? (p as { name?: unknown }).name : undefined)));
  const added = proposals.filter((p) => !known.has(p.name)).map((p) => ({ name: p.name, path: p.path }));
  const merged = { ...obj, packages: [...existing, ...added] };
  return JSON.stringify(merged, null, 2) + '\n';
}
