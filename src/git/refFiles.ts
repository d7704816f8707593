// Refs read from the files git keeps them in (HEAD, loose refs, packed-refs), without starting a git process:
// what the Release view reads on every refresh (HEAD and the tags), where a process costs 20–40 ms in a busy
// extension host. Only the plain, well-defined layouts are read here; anything else (the reftable format, a
// symbolic ref other than HEAD, a loose tag whose object type is unknown, an unreadable file) answers null and
// the caller asks git. Layout: gitrepository-layout(5), git-pack-refs(1).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HeadState, TagRef } from '../core/ports';

const HASH = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The refs of packed-refs by name, with the peeled value of each annotated tag; parsed once per file version. */
interface PackedRefs {
  key: string;
  refs: Map<string, string>;
  peeled: Map<string, string>;
  /** The file says every annotated tag under refs/tags has its peeled line ("peeled" or "fully-peeled"). */
  tagsPeeled: boolean;
  /** The file says its lines are sorted by ref name ("sorted"). */
  sorted: boolean;
}

const PACKED = new Map<string, PackedRefs>();

/** packed-refs of the common git dir (an empty set when there is none); null when it cannot be read or parsed. */
function packedRefs(commonDir: string): PackedRefs | null {
  const file = join(commonDir, 'packed-refs');
  let key: string;
  try {
    const s = statSync(file);
    key = `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { key: '-', refs: new Map(), peeled: new Map(), tagsPeeled: true, sorted: true } : null;
  }
  const known = PACKED.get(commonDir);
  if (known && known.key === key) return known;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  let tagsPeeled = false;
  let sorted = false;
  let last: string | null = null;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line.startsWith('# pack-refs with:')) {
        const traits = line.slice('# pack-refs with:'.length).trim().split(/\s+/);
        tagsPeeled = traits.includes('peeled') || traits.includes('fully-peeled');
        sorted = traits.includes('sorted');
      }
      continue;
    }
    if (line.startsWith('^')) {
      const value = line.slice(1).trim();
      if (last === null || !HASH.test(value)) return null;
      peeled.set(last, value);
      continue;
    }
    const space = line.indexOf(' ');
    const hash = line.slice(0, space);
    if (space < 0 || !HASH.test(hash)) return null;
    last = line.slice(space + 1);
    refs.set(last, hash);
  }
  const parsed: PackedRefs = { key, refs, peeled, tagsPeeled, sorted };
  PACKED.set(commonDir, parsed);
  return parsed;
}

/** Whether the repository keeps its refs in the reftable format (then only git reads them). */
function isReftable(commonDir: string): boolean {
  try {
    return statSync(join(commonDir, 'reftable')).isDirectory();
  } catch {
    return false;
  }
}

/** The hash a loose ref file holds; undefined when there is no such file; null when it is something else (a symbolic ref). */
function looseRef(dir: string, name: string): string | null | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, name), 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : null;
  }
  return HASH.test(text) ? text : null;
}

/**
 * HEAD as `git rev-parse HEAD --symbolic-full-name HEAD` gives it: its commit and branch, detached or not;
 * an unborn branch has no hash and no branch. `gitDir` is the worktree's own git dir (HEAD), `commonDir`
 * the shared one (branches). Null when git must answer (reftable, a chain of symbolic refs, a bad file).
 */
export function headFromFiles(gitDir: string, commonDir: string): HeadState | null {
  if (isReftable(commonDir)) return null;
  let head: string;
  try {
    head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return null;
  }
  if (HASH.test(head)) return { hash: head, branch: null, detached: true };
  const m = /^ref: (refs\/heads\/\S+)$/.exec(head);
  if (!m) return null;
  const name = m[1]!;
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  const loose = looseRef(commonDir, name);
  if (loose === null) return null;
  const branch = name.slice('refs/heads/'.length);
  if (loose !== undefined) return { hash: loose, branch, detached: false };
  const packed = packedRefs(commonDir);
  if (!packed) return null;
  const hash = packed.refs.get(name);
  // No such branch yet: an unborn branch (git's own answer then is an error; the adapter reports no commit).
  return hash ? { hash, branch, detached: false } : { hash: null, branch: null, detached: false };
}

/**
 * Every tag with the commit it names (peeled), as `git show-ref --tags -d` lists them, when all of them are in
 * packed-refs with their peeled values and none is loose: then no tag object needs reading. Null otherwise
 * (a loose tag may be annotated, which only its object says: git answers then).
 */
export function tagsFromFiles(commonDir: string): TagRef[] | null {
  if (isReftable(commonDir)) return null;
  try {
    if (readdirSync(join(commonDir, 'refs', 'tags')).length > 0) return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  const packed = packedRefs(commonDir);
  if (!packed || !packed.tagsPeeled) return null;
  const tags: TagRef[] = [];
  const PREFIX = 'refs/tags/';
  for (const [name, hash] of packed.refs) {
    if (name.startsWith(PREFIX)) tags.push({ name: name.slice(PREFIX.length), commit: packed.peeled.get(name) ?? hash, date: '' });
  }
  // In git's order (by ref name, bytewise), as show-ref lists them.
  if (!packed.sorted) tags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return tags;
}

/**
 * Whether the repository has replace refs (`refs/replace/*`, loose or packed): then git shows some commits other than
 * their objects say. Null when that cannot be told from the files (reftable, an unreadable packed-refs).
 */
export function hasReplaceRefs(commonDir: string): boolean | null {
  if (isReftable(commonDir)) return null;
  try {
    if (readdirSync(join(commonDir, 'refs', 'replace')).length > 0) return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  const packed = packedRefs(commonDir);
  if (!packed) return null;
  for (const name of packed.refs.keys()) if (name.startsWith('refs/replace/')) return true;
  return false;
}
