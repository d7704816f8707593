import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RawCommit } from '../core/commits';
import type { CommitGraph } from '../core/metrics/graph';
import { GitError } from '../core/errors';
import type { GitRepo, HeadState, LogQuery, TagRef } from '../core/ports';
import { readCommitGraph } from './commitGraph';
import { diffNamesMatching, diffNumstat, rangeHashes, type FileChange } from './diffStat';
import { readContributorCache, writeContributorCache } from './contributorCache';
import { GIT_CONFIG_ARGS, execGit } from './gitProcess';
import { logFormat, markedLogFormat, SIZED_LOG_ARGS, sizedRecord, streamRecordBytes, streamRecords } from './logStream';
import { RawMessageCheck } from './rawMessages';
import { headFromFiles, tagsFromFiles } from './refFiles';

/** Oldest git we support: `--end-of-options` arrived in 2.24. */
const MIN_GIT: [number, number] = [2, 24];

interface ExitError extends Error {
  exitCode?: number;
}

/** The GitRepo port over git processes: short commands (at most four at a time per repository) and a streaming reader (`git log`). */
export class LocalGitRepo implements GitRepo {
  /** Absolute, real path of the working tree's top level. */
  readonly root: string;
  /** At most this many short git commands run at once for one repository; the others wait their turn. */
  private readonly slots = new Slots(4);
  private readonly gitPath: string;

  private readonly shallow: boolean;
  /** The repository's common git dir (where refs live), for the tag cache's fingerprint. */
  private commonDir: string | null = null;
  /** The worktree's own git dir (where its HEAD is). */
  private gitDir: string | null = null;

  private constructor(root: string, gitPath: string, shallow: boolean) {
    this.root = root;
    this.shallow = shallow;
    this.gitPath = gitPath;
  }

  /** Opens the repository containing `dir`: checks git is there and recent, and finds the top level. */
  static async open(dir: string, gitPath = 'git'): Promise<LocalGitRepo> {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      throw new GitError('not-a-repo', `Folder ${dir} does not exist.`, 'Pass an existing folder with --repo DIR.');
    }
    if (!statSync(real).isDirectory()) throw new GitError('not-a-repo', `${dir} is a file, not a folder.`, 'Pass the folder of the repository with --repo DIR.');
    const [, where] = await Promise.all([checkVersion(gitPath, real), execGit(gitPath, real, ['rev-parse', '--show-toplevel', '--is-shallow-repository', '--git-common-dir', '--absolute-git-dir'])]);
    const [top, shallow, common, gitDir] = where.trim().split('\n') as [string, string | undefined, string | undefined, string | undefined];
    if (top === '' || shallow === undefined) throw new GitError('not-a-repo', `${real} is not inside a git work tree (bare repository?).`, 'Open a checked-out repository.');
    const repo = new LocalGitRepo(top, gitPath, shallow.trim() === 'true');
    repo.commonDir = common ? resolve(real, common.trim()) : null;
    repo.gitDir = gitDir ? gitDir.trim() : null;
    return repo;
  }

  /** The repository's common git directory (shared by worktrees): where the publish journal lives. */
  get gitCommonDir(): string {
    return this.commonDir ?? resolve(this.root, '.git');
  }

  /** Every commit reachable from the tips (full SHAs; those missing from the clone are skipped), with parents and committer time: one `git rev-list` walk. */
  commitGraph(tips: readonly string[], signal?: AbortSignal): Promise<CommitGraph> {
    return readCommitGraph(this.gitPath, this.root, tips, signal);
  }

  /** The configured remotes and their fetch URLs (as written in the config: may carry credentials, never show them raw). */
  async remotes(): Promise<{ name: string; url: string }[]> {
    // No remotes: git exits 1 and prints nothing, which is an answer here, not a failure.
    const out = await execGit(this.gitPath, this.root, ['config', '--get-regexp', '^remote\\..*\\.url$'], { okCodes: [0, 1] });
    const remotes: { name: string; url: string }[] = [];
    for (const line of out.split('\n')) {
      const m = /^remote\.(.+)\.url (.*)$/.exec(line);
      if (m?.[1] && m[2] !== undefined && !remotes.some((r) => r.name === m[1])) remotes.push({ name: m[1], url: m[2] });
    }
    return remotes;
  }

  private run(args: string[]): Promise<string> {
    return this.slots.run(() => execGit(this.gitPath, this.root, args));
  }

  async isShallow(): Promise<boolean> {
    return this.shallow;
  }

  async head(): Promise<HeadState> {
    // Read from the files when their layout is the plain one (no process: this runs on every refresh).
    const fromFiles = this.gitDir && this.commonDir ? headFromFiles(this.gitDir, this.commonDir) : null;
    if (fromFiles) return fromFiles;
    // Otherwise git answers: HEAD's commit and its full ref name in one process.
    try {
      const [hash, full] = (await this.run(['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'])).trim().split('\n');
      const branch = full?.startsWith('refs/heads/') ? full.slice('refs/heads/'.length) : null;
      return { hash: hash ?? null, branch, detached: branch === null };
    } catch {
      return { hash: null, branch: null, detached: false }; // unborn branch: no commits yet
    }
  }

  async resolveCommit(ref: string): Promise<string> {
    try {
      const out = (await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
      if (/^[0-9a-f]{40,64}$/.test(out)) return out;
    } catch (e) {
      if (e instanceof GitError && e.code !== 'failed' && e.code !== 'unknown-ref') throw e;
    }
    if (ref === 'HEAD' && (await this.head()).hash === null) {
      throw new GitError('no-commits', 'The repository has no commits yet.', 'Make a first commit, then draft the notes.');
    }
    throw new GitError('unknown-ref', `Git does not know the ref ${JSON.stringify(ref)}.`, 'Check the spelling, or run `git fetch --tags` if it lives on the remote.');
  }

  async tags(options: { dates?: boolean } = {}): Promise<TagRef[]> {
    if (!options.dates) {
      // Tags rarely change while the editor runs: reuse the last list while the refs on disk are unchanged.
      const fingerprint = this.commonDir ? refsFingerprint(this.commonDir) : null;
      const cached = this.commonDir ? TAG_CACHE.get(this.commonDir) : undefined;
      if (fingerprint !== null && cached && cached.fingerprint === fingerprint) return cached.tags;
      const tags = await this.peeledTags();
      if (fingerprint !== null && this.commonDir) TAG_CACHE.set(this.commonDir, { fingerprint, tags });
      return tags;
    }
    const out = await this.run(['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)%00%(objecttype)', 'refs/tags']);
    const tags: TagRef[] = [];
    for (const line of out.split('\n')) {
      if (line === '') continue;
      const [name, obj, peeled, date, type] = line.split('\u0000') as [string, string, string, string, string];
      if (type === 'tag' && peeled === '') continue; // annotated tag of a non-commit object
      if (type !== 'commit' && type !== 'tag') continue;
      tags.push({ name, commit: peeled || obj, date });
    }
    return tags;
  }

  /**
   * Tag names and peeled commits from `git show-ref -d`, which takes the peeled values that packed-refs
   * already holds: no tag object is read, so 12,000 tags cost a few milliseconds.
   */
  private async peeledTags(): Promise<TagRef[]> {
    // All tags packed with their peeled values (a fresh clone, a packed repository): read the file, no process.
    const fromFiles = this.commonDir ? tagsFromFiles(this.commonDir) : null;
    if (fromFiles) return fromFiles;
    const out = await execGit(this.gitPath, this.root, ['show-ref', '--tags', '-d'], { okCodes: [0, 1] });
    const commits = new Map<string, string>();
    const PREFIX = ' refs/tags/';
    for (const line of out.split('\n')) {
      const at = line.indexOf(PREFIX);
      if (at < 40) continue;
      const peeled = line.endsWith('^{}');
      const name = line.slice(at + PREFIX.length, peeled ? -3 : undefined);
      if (peeled || !commits.has(name)) commits.set(name, line.slice(0, at)); // the peeled line (^{}) wins
    }
    return [...commits].map(([name, commit]) => ({ name, commit, date: '' }));
  }

  async tagDate(name: string): Promise<string> {
    const out = await this.run(['for-each-ref', '--format=%(creatordate:iso-strict)', `refs/tags/${name}`]).catch(() => '');
    return out.trim();
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      const base = (await this.run(['merge-base', '--end-of-options', ancestor, descendant])).trim();
      return base === ancestor || (base !== '' && base === (await this.resolveCommit(ancestor)));
    } catch (e) {
      if ((e as ExitError).exitCode === 1) return false; // no common history at all
      if (e instanceof GitError && e.code === 'cancelled') throw e;
      return false; // a tag of a tree or blob: not an ancestor of anything
    }
  }

  async tagsMergedInto(commit: string): Promise<Set<string>> {
    const out = await this.run(['for-each-ref', '--format=%(refname:strip=2)', `--merged=${commit}`, 'refs/tags']);
    return new Set(out.split('\n').filter(Boolean));
  }

  async log(query: LogQuery, onCommit: (commit: RawCommit) => void): Promise<void> {
    const { format, boundary } = logFormat();
    const revs = query.from ? [query.to, `^${query.from}`] : [query.to];
    let firstParent: string | undefined;
    const args = [...GIT_CONFIG_ARGS, 'log', '--no-color', '--no-decorate', '--no-show-signature', ...SIZED_LOG_ARGS, `--format=${format}`, '--end-of-options', ...revs, '--', ...pathspecs(query.paths)];
    // Messages git's log cuts at a NUL are read again whole; commits reach onCommit in order once checked.
    const check = new RawMessageCheck(this.gitPath, this.root, onCommit);
    await this.checked(check, streamRecordBytes({
      cwd: this.root,
      gitPath: this.gitPath,
      args,
      boundary,
      signal: query.signal,
      onRecord: (buf, start, end) => {
        const sized = sizedRecord(buf, start, end);
        if (!sized) return;
        const c = sized.commit;
        // Newest first, a commit usually follows its child: share the child's string for its hash, so a long
        // history keeps one string per commit (not two) and linear-history checks compare identical strings.
        if (c.hash === firstParent) c.hash = firstParent;
        firstParent = c.parents[0];
        check.push(c, sized.size);
      },
    }));
  }

  /** Waits for a log read through a RawMessageCheck, then for the check; stops the check when the log fails. */
  private async checked(check: RawMessageCheck, reading: Promise<unknown>): Promise<void> {
    try {
      await reading;
    } catch (e) {
      check.abort();
      throw e;
    }
    await check.finish();
  }

  async logWithBoundary(query: { exclude: string; to: string; signal?: AbortSignal }, onCommit: (commit: RawCommit) => void): Promise<Set<string>> {
    const { format, boundary } = markedLogFormat();
    const edge = new Set<string>();
    const check = new RawMessageCheck(this.gitPath, this.root, onCommit);
    await this.checked(check, streamRecordBytes({
      cwd: this.root,
      gitPath: this.gitPath,
      args: [...GIT_CONFIG_ARGS, 'log', '--no-color', '--no-decorate', '--no-show-signature', ...SIZED_LOG_ARGS, '--boundary', `--format=${format}`, '--end-of-options', query.to, `^${query.exclude}`, '--'],
      boundary,
      signal: query.signal,
      onRecord: (buf, start, end) => {
        const nul = buf.indexOf(0, start);
        if (nul === -1 || nul >= end) return;
        const sized = sizedRecord(buf, nul + 1, end);
        if (!sized) return;
        if (nul === start + 1 && buf[start] === 0x2d) edge.add(sized.commit.hash); // mark '-'
        else check.push(sized.commit, sized.size);
      },
    }));
    return edge;
  }

  async commitsTouching(to: string, paths: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const out = new Set<string>();
    await streamRecords({
      cwd: this.root,
      gitPath: this.gitPath,
      args: [...GIT_CONFIG_ARGS, 'log', '--format=%x1e%H', '--end-of-options', to, '--', ...pathspecs(paths)],
      boundary: '\u001e',
      signal,
      onRecord: (r) => void out.add(r.trim()),
    });
    return out;
  }

  /** Every file the range changes (from null: everything up to `to`), with lines added and removed. */
  diffFiles(from: string | null, to: string, signal?: AbortSignal): Promise<FileChange[]> {
    return diffNumstat(this.gitPath, this.root, from, to, signal);
  }

  /** The files the range changes that match any of the path globs (git `:(glob)` pathspecs). */
  diffFilesMatching(from: string | null, to: string, globs: readonly string[], signal?: AbortSignal): Promise<string[]> {
    return diffNamesMatching(this.gitPath, this.root, from, to, globs, signal);
  }

  /** Every commit of the range, merges included (from null: the whole history up to `to`). */
  rangeHashes(from: string | null, to: string, signal?: AbortSignal): Promise<string[]> {
    return rangeHashes(this.gitPath, this.root, from, to, signal);
  }

  /** Who the user is to git here (`Name <email>`), null when git has no identity configured. */
  async identity(): Promise<string | null> {
    try {
      const ident = (await this.run(['var', 'GIT_COMMITTER_IDENT'])).trim();
      return ident.replace(/\s+\d+\s+[+-]\d{4}$/, '') || null;
    } catch {
      return null;
    }
  }

  /** Branch and tag names (for range pickers), newest tags first. */
  async refNames(): Promise<{ branches: string[]; tags: string[] }> {
    const out = await this.run(['for-each-ref', '--sort=-creatordate', '--format=%(refname)', 'refs/heads', 'refs/tags']);
    const branches: string[] = [];
    const tags: string[] = [];
    for (const ref of out.split('\n')) {
      if (ref.startsWith('refs/heads/')) branches.push(ref.slice('refs/heads/'.length));
      else if (ref.startsWith('refs/tags/')) tags.push(ref.slice('refs/tags/'.length));
    }
    return { branches, tags };
  }

  /** The full message, stat and patch of one commit as plain text (no external diff or textconv programs run). */
  /**
   * A file's text as committed at `commit` (no working tree, no filters or textconv); null when the
   * commit has no such file. Paths are repository-relative; `..` and absolute paths are refused.
   */
  async fileAt(commit: string, path: string, maxBytes = 4 * 1024 * 1024): Promise<string | null> {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitError('bad-ref', `Not a commit hash: ${JSON.stringify(commit.slice(0, 80))}.`, 'Resolve the ref to a commit first.');
    const rel = path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (rel === '' || rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.split('/').includes('..')) throw new GitError('bad-ref', `${JSON.stringify(path.slice(0, 200))} is not a path inside the repository.`, 'Use a repository-relative path.');
    const object = `${commit}:${rel}`;
    const type = (await execGit(this.gitPath, this.root, ['cat-file', '-t', '--end-of-options', object], { okCodes: [0, 128] })).trim();
    if (type !== 'blob') return null;
    const size = Number((await execGit(this.gitPath, this.root, ['cat-file', '-s', '--end-of-options', object])).trim());
    if (size > maxBytes) throw new GitError('failed', `${rel} at ${commit.slice(0, 12)} is too large to check (${size} bytes, limit ${maxBytes}).`, 'Point the gate at a smaller file.');
    return execGit(this.gitPath, this.root, ['cat-file', 'blob', '--end-of-options', object], { maxBuffer: maxBytes + 1024 });
  }

  async showCommit(hash: string, maxBytes = 4 * 1024 * 1024): Promise<string> {
    if (!/^[0-9a-f]{40,64}$/.test(hash)) throw new GitError('bad-ref', `Not a commit hash: ${JSON.stringify(hash.slice(0, 80))}.`, 'Pick a commit from the Release view.');
    let text = '';
    let truncated = false;
    await streamRecords({
      cwd: this.root,
      gitPath: this.gitPath,
      args: [...GIT_CONFIG_ARGS, 'show', '--no-color', '--no-ext-diff', '--no-textconv', '--format=%x1ecommit %H%nAuthor: %aN <%aE>%nDate:   %aI%n%n%B', '--stat', '--patch', '--end-of-options', hash, '--'],
      boundary: '\u001e',
      onRecord: (r) => {
        text += r;
        if (text.length > maxBytes) {
          text = text.slice(0, maxBytes);
          truncated = true;
          return false;
        }
        return true;
      },
    });
    return truncated ? `${text}\n\n… (truncated at ${maxBytes} bytes)\n` : text;
  }

  /**
   * Which of `emails` authored or co-authored a commit of the history up to `before`. The whole history's
   * contributors are cached per commit in the git directory (contributorCache.ts): a walk that had to go to
   * the first commit (someone new) is not done again for the same release.
   */
  async knownContributors(before: string, emails: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const wanted = new Set(emails.map((e) => e.toLowerCase()));
    const found = new Set<string>();
    if (wanted.size === 0) return found;
    const commit = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(before) ? before : null;
    const cached = commit ? await readContributorCache(this.gitCommonDir, commit, this.root) : null;
    if (cached) {
      // '' (no email) is in every walk: a commit without co-authors has an empty trailer field.
      for (const e of wanted) if (cached.has(e) || e === '') found.add(e);
      return found;
    }
    const all = new Set<string>();
    let stoppedEarly = false;
    await streamRecords({
      cwd: this.root,
      gitPath: this.gitPath,
      args: [...GIT_CONFIG_ARGS, 'log', '--format=%x1e%aE%x00%(trailers:key=Co-authored-by,valueonly=true,separator=%x00)', '--end-of-options', before, '--'],
      boundary: '\u001e',
      signal,
      onRecord: (record) => {
        for (const field of record.split('\u0000')) {
          const m = /<([^<>\s]+@[^<>\s]+)>/.exec(field);
          const email = (m ? m[1]! : field).trim().toLowerCase();
          if (email !== '') all.add(email);
          if (wanted.has(email)) found.add(email);
        }
        // Everyone asked about is known: stop (nothing to cache then, the walk was short).
        if (found.size === wanted.size) stoppedEarly = true;
        return !stoppedEarly;
      },
    });
    if (!stoppedEarly && commit) await writeContributorCache(this.gitCommonDir, commit, this.root, all);
    return found;
  }
}

/** Tag lists by common git dir, with the fingerprint of the refs they were read from. */
const TAG_CACHE = new Map<string, { fingerprint: string; tags: TagRef[] }>();
const VERSION_CHECKED = new Map<string, Promise<void>>();

/**
 * What the tag refs look like on disk: packed-refs' identity and every loose ref under refs/tags.
 * Any tag created, deleted, moved or packed changes it; null when it cannot be read (no caching then).
 */
function refsFingerprint(commonDir: string): string | null {
  try {
    const parts: string[] = [];
    try {
      const s = statSync(join(commonDir, 'packed-refs'));
      parts.push(`p:${s.ino}:${s.size}:${s.mtimeMs}`);
    } catch {
      parts.push('p:-');
    }
    const walk = (dir: string, depth: number): void => {
      if (depth > 20) throw new Error('too deep');
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full, depth + 1);
        else {
          const s = statSync(full);
          parts.push(`${full}:${s.ino}:${s.size}:${s.mtimeMs}`);
        }
      }
    };
    try {
      walk(join(commonDir, 'refs', 'tags'), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    return parts.join('|');
  } catch {
    return null;
  }
}

/** Checks once per git executable that it is recent enough (`--end-of-options` arrived in 2.24). */
function checkVersion(gitPath: string, cwd: string): Promise<void> {
  let checked = VERSION_CHECKED.get(gitPath);
  if (!checked) {
    checked = execGit(gitPath, cwd, ['--version']).then((version) => {
      const m = /git version (\d+)\.(\d+)/.exec(version);
      if (!m || Number(m[1]) < MIN_GIT[0] || (Number(m[1]) === MIN_GIT[0] && Number(m[2]) < MIN_GIT[1])) {
        throw new GitError('git-too-old', `Git ${m ? `${m[1]}.${m[2]}` : '(unknown version)'} is too old.`, `Install git ${MIN_GIT.join('.')} or newer.`);
      }
    });
    checked.catch(() => VERSION_CHECKED.delete(gitPath));
    VERSION_CHECKED.set(gitPath, checked);
  }
  return checked;
}

/** Literal pathspecs: a path is never read as magic (`:(exclude)`) or a glob. */
function pathspecs(paths: readonly string[]): string[] {
  return paths.map((p) => `:(literal)${p}`);
}

/** A counting semaphore: `run` starts the task when fewer than `size` run, else when one ends. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A waiter is handed the slot of the task that ends (never counted twice, never overtaken by a newcomer).
    if (this.running >= this.size) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
