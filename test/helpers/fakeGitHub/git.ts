/**
 * The fake server's view of a repository's git data: a real repository on disk plays GitHub's copy,
 * and every question (does this commit exist, which commits are between two refs, where does a tag
 * point) is answered by the real `git` binary, argv only, never a shell.
 */
import { execFileSync, spawn } from 'node:child_process';

/** A commit as the REST API describes it. */
export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

const SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{7,40}$/i;

/** The environment git runs with: no system config, nothing inherited that points git elsewhere. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES']) delete env[k];
  return env;
}

/**
 * A ref name GitHub would accept as a plain name: nothing git could read as an option or as
 * revision syntax (`..`, `~`, `^`, `:`, `@{`, spaces, control characters).
 */
export function isPlainRefName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 1024 &&
    !name.startsWith('-') &&
    !name.startsWith('/') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    !name.endsWith('.lock') &&
    !name.includes('..') &&
    !name.includes('//') &&
    !name.includes('@{') &&
    name !== '@' &&
    !/[\s~^:?*[\\]/.test(name) &&
    ![...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
  );
}

/** An entry of a tree, as `git ls-tree -l` shows it. */
export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Bytes of a blob; 0 for trees and submodules. */
  size: number;
  name: string;
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export class GitRemote {
  constructor(readonly dir: string) {}

  /** Runs git in the repository; resolves with the exit code (never rejects on a non-zero exit). */
  run(args: string[], input?: string): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: this.dir, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  }

  private async text(args: string[]): Promise<string | null> {
    const r = await this.run(args);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  private async must(args: string[], input?: string): Promise<Buffer> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Synchronous git for test setup (seeding). */
  runSync(args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  /** Full SHA of the commit an object name peels to (a full ref name or a SHA), or null. */
  async peelToCommit(name: string): Promise<string | null> {
    if (name.startsWith('-')) return null;
    const sha = await this.text(['rev-parse', '--verify', '--quiet', '--end-of-options', `${name}^{commit}`]);
    return sha !== null && SHA.test(sha) ? sha : null;
  }

  /**
   * The commit a GitHub "ref" parameter names: a (possibly short) SHA, a branch name, a tag name,
   * or a full `refs/...` name, in that order, the way the REST API resolves `{ref}`.
   */
  async resolveCommit(ref: string): Promise<string | null> {
    if (SHORT_SHA.test(ref)) {
      const sha = await this.peelToCommit(ref.toLowerCase());
      if (sha) return sha;
    }
    if (!isPlainRefName(ref)) return null;
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
    for (const c of candidates) {
      const sha = await this.peelToCommit(c);
      if (sha) return sha;
    }
    return null;
  }

  /** Where a full ref points (unpeeled: an annotated tag's object) and that object's type, or null. */
  async readRef(fullRef: string): Promise<{ sha: string; type: string } | null> {
    if (!fullRef.startsWith('refs/') || !isPlainRefName(fullRef)) return null;
    const r = await this.run(['show-ref', '--verify', '--', fullRef]);
    if (r.code !== 0) return null;
    const sha = r.stdout.toString('utf8').split(' ')[0] ?? '';
    const type = await this.objectType(sha);
    return type ? { sha, type } : null;
  }

  /** `commit`, `tag`, `tree` or `blob` for an existing full SHA; null otherwise. */
  async objectType(sha: string): Promise<string | null> {
    if (!SHA.test(sha)) return null;
    return this.text(['cat-file', '-t', sha]);
  }

  /** Whether git accepts the full ref name. */
  async validRefName(fullRef: string): Promise<boolean> {
    if (fullRef.startsWith('-')) return false;
    return (await this.run(['check-ref-format', fullRef])).code === 0;
  }

  /** Creates a ref that must not exist yet (atomic); false when it already exists. */
  async createRef(fullRef: string, sha: string): Promise<boolean> {
    const r = await this.run(['update-ref', '--no-deref', fullRef, sha, '0'.repeat(40)]);
    return r.code === 0;
  }

  /** Creates a ref synchronously (seeding). */
  createRefSync(fullRef: string, sha: string): void {
    this.runSync(['update-ref', '--no-deref', fullRef, sha, '0'.repeat(40)]);
  }

  /** Resolves a ref synchronously (seeding). */
  resolveCommitSync(ref: string): string | null {
    if (ref.startsWith('-')) return null;
    const names = SHORT_SHA.test(ref) ? [ref] : [];
    if (isPlainRefName(ref)) names.push(...(ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`]));
    for (const n of names) {
      try {
        return this.runSync(['rev-parse', '--verify', '--quiet', '--end-of-options', `${n}^{commit}`]);
      } catch {
        // try the next candidate
      }
    }
    return null;
  }

  /** Number of commits reachable from `include` but not from `exclude` (full SHAs). */
  async count(include: string, exclude: string | null): Promise<number> {
    const args = ['rev-list', '--count', include, ...(exclude ? [`^${exclude}`] : [])];
    return Number((await this.must(args)).toString('utf8').trim());
  }

  /** SHAs reachable from `include` and not `exclude`, newest first (git's default order). */
  async revList(include: string, exclude: string | null, opts: { skip?: number; max?: number } = {}): Promise<string[]> {
    const args = ['rev-list'];
    if (opts.skip) args.push(`--skip=${opts.skip}`);
    if (opts.max !== undefined) args.push(`--max-count=${opts.max}`);
    args.push(include, ...(exclude ? [`^${exclude}`] : []));
    return (await this.must(args)).toString('utf8').split('\n').filter((l) => SHA.test(l));
  }

  /** The best common ancestor of two commits, or null when the histories are unrelated. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    const sha = await this.text(['merge-base', a, b]);
    return sha && SHA.test(sha) ? sha : null;
  }

  /** Whether `ancestor` is reachable from `descendant`. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.run(['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
  }

  /** The object at `path` in a commit (`<commit>:<path>`; an empty path is the root tree), or null. */
  async objectAt(commit: string, path: string): Promise<{ sha: string; type: string; size: number } | null> {
    if (!SHA.test(commit) || path.includes('\n')) return null;
    const out = (await this.run(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], `${commit}:${path}\n`)).stdout.toString('utf8').trim();
    const [sha, type, size] = out.split(' ');
    if (!sha || !SHA.test(sha) || !type) return null;
    return { sha, type, size: Number(size) };
  }

  /** The bytes of a blob by full SHA. */
  async blob(sha: string): Promise<Buffer> {
    if (!SHA.test(sha)) throw new Error(`not a blob SHA: ${sha}`);
    return this.must(['cat-file', 'blob', sha]);
  }

  /** The entries of a tree by full SHA. */
  async tree(sha: string): Promise<TreeEntry[]> {
    if (!SHA.test(sha)) return [];
    const out = (await this.must(['ls-tree', '-l', '-z', sha])).toString('utf8');
    const entries: TreeEntry[] = [];
    for (const rec of out.split('\0')) {
      const tab = rec.indexOf('\t');
      if (tab < 0) continue;
      const [mode = '', type = '', objectSha = '', size = ''] = rec.slice(0, tab).split(/ +/);
      if (type !== 'blob' && type !== 'tree' && type !== 'commit') continue;
      entries.push({ mode, type, sha: objectSha, size: size === '-' ? 0 : Number(size), name: rec.slice(tab + 1) });
    }
    return entries;
  }

  /**
   * Merges `theirs` into the branch `branch` (full ref name) the way GitHub's server-side merges do:
   * no work tree, a merge commit by `author`, the ref moved only if it still points at `ours`.
   * Returns the merge commit, or null on conflicts (nothing changes then).
   */
  async mergeInto(branch: string, ours: string, theirs: string, message: string, author: { name: string; email: string; dateSec: number }): Promise<string | null> {
    const merged = await this.run(['merge-tree', '--write-tree', '--no-messages', ours, theirs]);
    if (merged.code !== 0) return null;
    const tree = merged.stdout.toString('utf8').split('\n')[0]?.trim() ?? '';
    if (!SHA.test(tree)) return null;
    const date = `${author.dateSec} +0000`;
    const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email, GIT_COMMITTER_DATE: date };
    const commit = await new Promise<string>((resolve, reject) => {
      const child = spawn('git', ['commit-tree', tree, '-p', ours, '-p', theirs, '-F', '-'], { cwd: this.dir, env: { ...gitEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8').trim()) : reject(new Error(`git commit-tree failed (${code})`))));
      child.stdin.end(message);
    });
    const moved = await this.run(['update-ref', '--no-deref', branch, commit, ours]);
    return moved.code === 0 ? commit : null;
  }

  /** Reads commits by full SHA (`git cat-file --batch`, so any message text is parsed exactly). */
  async commits(shas: string[]): Promise<GitCommit[]> {
    if (shas.length === 0) return [];
    const out = await this.must(['cat-file', '--batch'], shas.join('\n') + '\n');
    const result: GitCommit[] = [];
    let pos = 0;
    while (pos < out.length) {
      const nl = out.indexOf(0x0a, pos);
      const header = out.subarray(pos, nl).toString('utf8').split(' ');
      const [sha, type, size] = [header[0] ?? '', header[1] ?? '', Number(header[2])];
      const body = out.subarray(nl + 1, nl + 1 + size);
      pos = nl + 1 + size + 1;
      if (type === 'commit') result.push(parseCommit(sha, body));
    }
    return result;
  }
}

function parsePerson(line: string): { name: string; email: string; date: string } {
  const m = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: new Date(0).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return { name: m[1] ?? '', email: m[2] ?? '', date: new Date(Number(m[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

function parseCommit(sha: string, raw: Buffer): GitCommit {
  const split = raw.indexOf('\n\n');
  const head = raw.subarray(0, split < 0 ? raw.length : split).toString('utf8');
  const messageBytes = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 2);
  const commit: GitCommit = { sha, tree: '', parents: [], author: parsePerson(''), committer: parsePerson(''), message: '' };
  let encoding = 'utf-8';
  for (const line of head.split('\n')) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parsePerson(value);
    else if (key === 'committer') commit.committer = parsePerson(value);
    else if (key === 'encoding') encoding = value;
  }
  let message: string;
  try {
    message = new TextDecoder(encoding).decode(messageBytes);
  } catch {
    message = messageBytes.toString('utf8');
  }
  // GitHub returns the message without the trailing newline git stores.
  commit.message = message.replace(/\n+$/, '');
  return commit;
}
