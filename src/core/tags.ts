import * as semver from './semver';

/** A release tag whose name follows the tag format and holds a valid semver version. */
export interface ReleaseTag {
  name: string;
  version: semver.SemVer;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads and writes tag names of one tag format (`v{version}`, `{name}@{version}`). */
export class TagFormat {
  readonly format: string;
  private readonly pattern: RegExp;
  constructor(format: string, packageName?: string) {
    this.format = packageName === undefined ? format : format.split('{name}').join(packageName);
    const [prefix, suffix] = this.format.split('{version}') as [string, string];
    this.pattern = new RegExp(`^${escapeRegExp(prefix)}(.+)${escapeRegExp(suffix)}$`);
  }

  /** The tag name of a version. */
  tagFor(version: string): string {
    return this.format.replace('{version}', version);
  }

  /** True when the name has this format's shape, whether or not the version part is valid semver. */
  matchesShape(name: string): boolean {
    return this.pattern.test(name);
  }

  /** The release tag for a name, or null when the name is not of this format or not strict semver. */
  parse(name: string): ReleaseTag | null {
    const m = this.pattern.exec(name);
    if (!m || !/^\d/.test(m[1]!)) return null; // semver.parse would accept a stray leading v
    const v = semver.parse(m[1]!, { loose: false });
    return v ? { name, version: v } : null;
  }
}

/** Sorts release tags by semver precedence, highest first (rc.10 above rc.9; build metadata ignored). */
export function sortDescending<T extends ReleaseTag>(tags: readonly T[]): T[] {
  // Numeric fields first (cheap); semver's full comparison only for equal major.minor.patch (prereleases).
  return [...tags].sort(
    (a, b) =>
      b.version.major - a.version.major ||
      b.version.minor - a.version.minor ||
      b.version.patch - a.version.patch ||
      semver.rcompare(a.version, b.version) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** Rules of `git check-ref-format` for a ref name given by a user; returns the problem or null. */
export function refNameProblem(ref: string): string | null {
  if (ref.length === 0) return 'is empty';
  if (ref.length > 1024) return 'is too long';
  if (ref.startsWith('-')) return 'starts with "-" and could be read as an option';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)) return 'contains a space, control character or one of ~ ^ : ? * [ \\';
  if (ref.includes('..')) return 'contains ".."';
  if (ref.includes('@{')) return 'contains "@{"';
  if (ref === '@') return 'is "@"';
  if (ref.endsWith('.') || ref.endsWith('/')) return 'ends with "." or "/"';
  if (ref.startsWith('/')) return 'starts with "/"';
  if (ref.includes('//')) return 'contains "//"';
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return 'has a component starting with "."';
    if (part.endsWith('.lock')) return 'has a component ending with ".lock"';
  }
  return null;
}

/** True for a full or abbreviated hexadecimal object name. */
export function isObjectName(ref: string): boolean {
  return /^[0-9a-f]{4,64}$/i.test(ref);
}
