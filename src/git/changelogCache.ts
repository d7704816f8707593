/**
 * The changelog cache's files (`<git common dir>/release-manager/cache/changelog/`): per kept release commit and
 * output kind, a header (`<commit>.<kind>.json`: the state and the digest of its key with the working tree's
 * `.mailmap`) and, for JSON, a blob of the releases' text (`<commit>.<id>.blob`). Each file is written beside its
 * place and renamed into it, the blob before the header that names it, so a reader sees a whole entry or none; a
 * file that is corrupt, not ours or of another key is ignored. A few entries per kind are kept, the oldest removed.
 *
 * The kept text is printed as it is, without the escaping commit text gets, so only text this user's runs wrote is
 * read: the header's first line is an HMAC (SHA-256) of the rest, and the header holds the blob's, under a secret
 * kept in the user's cache folder (`release-manager/changelog-cache.key`, mode 0600). A cache planted in a
 * repository's `.git` (an archive of a hostile repository) fails the check and is ignored.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CHANGELOG_CACHE_FORMAT, cacheStateSchema, type CachedText, type ChangelogCacheKind, type ChangelogCacheState, type ChangelogCacheStore } from '../core/changelogCache';
import { writeFileAtomic } from '../node/atomicFile';
import { mailmapDigest } from './contributorCache';
import { execGit } from './gitProcess';
import { hasReplaceRefs } from './refFiles';

const KIND = 'release-manager-changelog';
/** Entries kept per output kind (a release keeps one; older ones are removed when a new one is written). */
const KEEP = 3;
const CHUNK = 1 << 20;
/** A header larger than this is not ours (the 100k-commit benchmark's markdown header is 4 MB). */
const MAX_HEADER = 256 << 20;
/** Temporary files older than this are left over from a run that was stopped: pruned. */
const STALE_MS = 10 * 60_000;
/** Blobs younger than this may be another run's, whose header is not written yet: never pruned. */
const FRESH_MS = 60_000;

/** The user's cache folder for Release Manager (where the cache's secret lives). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) || (process.platform === 'darwin' ? join(homedir(), 'Library', 'Caches') : join(homedir(), '.cache'));
  return join(base, 'release-manager');
}

/** The folder of the changelog cache in a repository's common git directory. */
export function changelogCacheDir(gitCommonDir: string): string {
  return join(gitCommonDir, 'release-manager', 'cache', 'changelog');
}

function isCommit(s: string): boolean {
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(s);
}

/** Reads a file's first `size` bytes in chunks (into `reuse` each time when given: the caller keeps none of them). */
function* readChunks(fd: number, size: number, reuse?: Buffer): Iterable<Buffer> {
  let at = 0;
  while (at < size) {
    const n = Math.min(CHUNK, size - at);
    const buf = reuse ? reuse.subarray(0, n) : Buffer.allocUnsafe(n);
    let done = 0;
    while (done < buf.length) {
      const got = readSync(fd, buf, done, buf.length - done, at + done);
      if (got === 0) throw new Error('The changelog cache blob is shorter than its header says.');
      done += got;
    }
    at += done;
    yield buf;
  }
}

/**
 * Opens a file of the cache for reading: a regular file only, never through a link, without waiting (a FIFO or a
 * device planted in a `.git` must not hang the run or feed it forever); its descriptor and size.
 */
function openRegular(path: string, max: number): { fd: number; size: number } {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  const st = fstatSync(fd);
  if (!st.isFile() || st.size > max) {
    closeSync(fd);
    throw new Error('not a cache file');
  }
  return { fd, size: st.size };
}

/** A (regular, bounded) file of the cache as text. */
function readRegular(path: string): string {
  const { fd, size } = openRegular(path, MAX_HEADER);
  try {
    return Buffer.concat([...readChunks(fd, size)]).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A kept blob, read from the file as it was when checked (the descriptor holds it even if a writer replaces it). */
class BlobText implements CachedText {
  private open = true;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  *chunks(): Iterable<Uint8Array> {
    try {
      yield* readChunks(this.fd, this.size);
    } finally {
      this.close();
    }
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

function sameMac(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The changelog cache of one repository, in its git directory. */
export class FileChangelogCache implements ChangelogCacheStore {
  private readonly gitDir: string;
  private readonly dir: string;
  private readonly keyFile: string;
  private secretRead: Promise<Buffer | null> | null = null;
  /** Digests by key: a run that looks for an entry and then keeps one asks git's config once. */
  private readonly digests = new Map<string, Promise<string | null>>();

  /** `userDir`: where the secret is kept (default: the user's cache folder, userCacheDir()). */
  constructor(
    gitCommonDir: string,
    private readonly root: string,
    userDir: string = userCacheDir(),
    private readonly gitPath = 'git',
  ) {
    this.gitDir = gitCommonDir;
    this.dir = changelogCacheDir(gitCommonDir);
    this.keyFile = join(userDir, 'changelog-cache.key');
  }

  /**
   * True when the cache folder is a real folder inside the git directory: no part of `release-manager/cache/changelog`
   * may be a link (a repository's `.git` from an archive could point it anywhere, and pruning removes files there).
   * `create`: make what is missing first.
   */
  private async ownFolder(create: boolean): Promise<boolean> {
    try {
      if (create) await mkdir(this.dir, { recursive: true });
      let at = this.gitDir;
      for (const part of ['release-manager', 'cache', 'changelog']) {
        at = join(at, part);
        if (!(await lstat(at)).isDirectory()) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  /** The secret the cache is signed with, made on first use; null when it can be neither read nor made (no cache then). */
  private secret(): Promise<Buffer | null> {
    this.secretRead ??= (async () => {
      const parse = (text: string) => (/^[0-9a-f]{64}\n?$/.test(text) ? Buffer.from(text.trim(), 'hex') : null);
      try {
        return parse(await readFile(this.keyFile, 'utf8'));
      } catch {
        // Not made yet: make it (two first runs at once: the last rename wins, the other's entries are just not read).
        try {
          await mkdir(join(this.keyFile, '..'), { recursive: true, mode: 0o700 });
          await writeFileAtomic(this.keyFile, randomBytes(32).toString('hex') + '\n', 0o600);
          return parse(await readFile(this.keyFile, 'utf8'));
        } catch {
          return null;
        }
      }
    })();
    return this.secretRead;
  }

  /**
   * The key's digest with what git's log shows of a commit besides its object: the `.mailmap` of the working tree and
   * the mailmap git's config names (`mailmap.file`; `mailmap.blob`: no cache). Null when a commit may show other than
   * its object says — replace refs, grafts — or when the refs are not files git and we both read (reftable).
   */
  private digest(key: string): Promise<string | null> {
    let digest = this.digests.get(key);
    if (!digest) this.digests.set(key, (digest = this.computeDigest(key)));
    return digest;
  }

  private async computeDigest(key: string): Promise<string | null> {
    // Replace refs (read with the tags' packed-refs, parsed once per file version) and grafts: no cache.
    if (hasReplaceRefs(this.gitDir) !== false || existsSync(join(this.gitDir, 'info', 'grafts'))) return null;
    const config = await execGit(this.gitPath, this.root, ['config', '-z', '--get-regexp', '^mailmap\\.'], { okCodes: [0, 1] });
    const hash = createHash('sha256').update(key).update('\0').update(await mailmapDigest(this.root)).update('\0').update(config);
    for (const entry of config.split('\0')) {
      const [name, value] = entry.split('\n') as [string, string | undefined];
      if (/^mailmap\.blob$/i.test(name)) return null;
      if (/^mailmap\.file$/i.test(name) && value) {
        const path = value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
        try {
          hash.update('\0').update(readRegular(path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) ? path : join(this.root, path)));
        } catch {
          hash.update('\0(unreadable)');
        }
      }
    }
    return hash.digest('hex');
  }

  async latest(kind: ChangelogCacheKind, key: string, commits: readonly string[]): Promise<{ state: ChangelogCacheState; blob: CachedText | null } | null> {
    let names: Set<string>;
    try {
      if (!(await this.ownFolder(false))) return null;
      names = new Set(await readdir(this.dir));
    } catch {
      return null;
    }
    const digest = await this.digest(key);
    if (digest === null) return null;
    for (const commit of commits) {
      if (!isCommit(commit) || !names.has(`${commit}.${kind}.json`)) continue;
      const found = await this.read(commit, kind, digest);
      if (found) return found;
    }
    return null;
  }

  private async read(commit: string, kind: ChangelogCacheKind, digest: string): Promise<{ state: ChangelogCacheState; blob: CachedText | null } | null> {
    try {
      const secret = await this.secret();
      if (!secret) return null;
      const text = readRegular(join(this.dir, `${commit}.${kind}.json`));
      const nl = text.indexOf('\n');
      const body = text.slice(nl + 1);
      if (nl === -1 || !sameMac(text.slice(0, nl), createHmac('sha256', secret).update(body).digest('hex'))) return null;
      const data = JSON.parse(body) as Record<string, unknown>;
      if (data.kind !== KIND || data.version !== CHANGELOG_CACHE_FORMAT || data.commit !== commit || data.output !== kind || data.key !== digest) return null;
      const parsed = cacheStateSchema().safeParse(data.state);
      if (!parsed.success || parsed.data.previous.commit !== commit) return null;
      const state = parsed.data as ChangelogCacheState;
      if (kind === 'markdown') return state.releases ? { state, blob: null } : null;
      if (typeof data.blob !== 'string' || !/^[0-9a-f]+\.[0-9a-f]+\.blob$/.test(data.blob) || state.blobBytes === undefined) return null;
      if (typeof data.blobMac !== 'string') return null;
      const { fd, size } = openRegular(join(this.dir, data.blob), Number.MAX_SAFE_INTEGER);
      try {
        // Checked whole before a byte of it is printed (then printed from the same descriptor).
        const mac = createHmac('sha256', secret);
        if (size !== state.blobBytes) throw new Error('size');
        for (const chunk of readChunks(fd, state.blobBytes, Buffer.allocUnsafe(CHUNK))) mac.update(chunk);
        if (!sameMac(mac.digest('hex'), data.blobMac)) throw new Error('mac');
      } catch {
        closeSync(fd);
        return null;
      }
      return { state, blob: new BlobText(fd, state.blobBytes) };
    } catch {
      return null;
    }
  }

  async write(commit: string, kind: ChangelogCacheKind, key: string, state: ChangelogCacheState, blob?: Iterable<string | Uint8Array>): Promise<void> {
    if (!isCommit(commit)) return;
    try {
      const secret = await this.secret();
      const digest = secret ? await this.digest(key) : null;
      if (!secret || digest === null || !(await this.ownFolder(true))) return;
      let blobFields = {};
      if (kind === 'json') {
        if (!blob) return;
        const name = `${commit}.${randomBytes(6).toString('hex')}.blob`;
        const written = await this.writeBlob(name, blob, createHmac('sha256', secret));
        state = { ...state, blobBytes: written.size };
        blobFields = { blob: name, blobMac: written.mac };
      }
      const body = JSON.stringify({ kind: KIND, version: CHANGELOG_CACHE_FORMAT, commit, output: kind, key: digest, ...blobFields, state }) + '\n';
      await writeFileAtomic(join(this.dir, `${commit}.${kind}.json`), createHmac('sha256', secret).update(body).digest('hex') + '\n' + body);
      await this.prune(kind);
    } catch {
      // A read-only repository or a full disk: the next run is a whole one again.
    }
  }

  /** Writes the blob to a temporary file, then renames it into place; its size in bytes and its HMAC. */
  private async writeBlob(name: string, pieces: Iterable<string | Uint8Array>, mac: ReturnType<typeof createHmac>): Promise<{ size: number; mac: string }> {
    const tmp = join(this.dir, `.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o600);
    let size = 0;
    try {
      for (const piece of pieces) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, size + done);
        size += bytes.length;
        mac.update(bytes);
      }
      closeSync(fd);
      await rename(tmp, join(this.dir, name));
      return { size, mac: mac.digest('hex') };
    } catch (e) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  /** Keeps the newest KEEP entries of a kind; removes the other headers and every blob no kept header names. */
  private async prune(kind: ChangelogCacheKind): Promise<void> {
    const names = await readdir(this.dir);
    const headers = await Promise.all(
      names.filter((n) => n.endsWith(`.${kind}.json`)).map(async (n) => ({ n, at: (await stat(join(this.dir, n)).catch(() => null))?.mtimeMs ?? 0 })),
    );
    headers.sort((a, b) => b.at - a.at);
    // Only files are removed (a link keeps what it points at: unlink removes the link itself).
    const remove = (n: string) => unlink(join(this.dir, n)).catch(() => undefined);
    for (const h of headers.slice(KEEP)) await remove(h.n);
    if (kind !== 'json') return;
    const named = new Set<string>();
    for (const h of headers.slice(0, KEEP)) {
      try {
        const text = readRegular(join(this.dir, h.n));
        const data = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { blob?: unknown };
        if (typeof data.blob === 'string') named.add(data.blob);
      } catch {
        // not a header of ours: its blob (if any) is not kept for it
      }
    }
    const now = Date.now();
    const age = async (n: string) => now - ((await lstat(join(this.dir, n)).catch(() => null))?.mtimeMs ?? now);
    for (const n of names) {
      if (n.endsWith('.blob') && !named.has(n) && (await age(n)) > FRESH_MS) await remove(n);
      else if (n.startsWith('.') && n.endsWith('.tmp') && (await age(n)) > STALE_MS) await remove(n);
    }
  }
}
