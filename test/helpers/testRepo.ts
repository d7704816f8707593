import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Who made a commit in a fixture. */
export interface Author {
  name: string;
  email: string;
}

export const ALICE: Author = { name: 'Alice Doe', email: 'alice@example.com' };
export const BOB: Author = { name: 'Bob Roe', email: 'bob@example.com' };
export const CAROL: Author = { name: 'Carol Poe', email: 'carol@example.com' };

const made: string[] = [];

/** A real git repository in a temp folder, built commit by commit with deterministic dates. */
export class TestRepo {
  readonly dir: string;
  private tick = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates an empty repository on branch `main`. */
  static create(prefix = 'rm-test-'): TestRepo {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    const repo = new TestRepo(dir);
    repo.git('init', '-q', '-b', 'main');
    repo.git('config', 'user.name', ALICE.name);
    repo.git('config', 'user.email', ALICE.email);
    repo.git('config', 'commit.gpgsign', 'false');
    repo.git('config', 'tag.gpgsign', 'false');
    return repo;
  }

  /** Removes every repository made by this helper (call from an after-all hook). */
  static cleanup(): void {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  }

  /** Runs git with argv (never a shell) and fixed, increasing dates; returns trimmed stdout. */
  git(...args: string[]): string {
    return this.gitWith({}, ...args);
  }

  /** Runs git with extra environment variables. */
  gitWith(env: Record<string, string>, ...args: string[]): string {
    const date = `${1_700_000_000 + this.tick * 60} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    }).trim();
  }

  /** Writes a file (creating folders) relative to the repository. */
  write(path: string, content: string): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Makes a commit touching `file` (default: a per-commit file) and returns its full hash. */
  commit(message: string, opts: { author?: Author; file?: string; files?: string[]; encoding?: BufferEncoding } = {}): string {
    this.tick++;
    const files = opts.files ?? [opts.file ?? `file-${this.tick}.txt`];
    for (const f of files) this.write(f, `change ${this.tick}\n`);
    this.git('add', '--', ...files);
    const msgFile = join(this.dir, '.git', 'MSG');
    writeFileSync(msgFile, Buffer.from(message, opts.encoding ?? 'utf8'));
    const a = opts.author ?? ALICE;
    this.gitWith({ GIT_AUTHOR_NAME: a.name, GIT_AUTHOR_EMAIL: a.email }, 'commit', '-q', '--cleanup=verbatim', '-F', msgFile);
    return this.head();
  }

  /** Full hash of HEAD (or of a ref). */
  head(ref = 'HEAD'): string {
    return this.git('rev-parse', `${ref}^{commit}`);
  }

  /** Creates a tag (annotated when a message is given) at HEAD or a ref. */
  tag(name: string, opts: { message?: string; ref?: string } = {}): void {
    this.tick++;
    if (opts.message) this.git('tag', '-a', '-m', opts.message, name, opts.ref ?? 'HEAD');
    else this.git('tag', name, opts.ref ?? 'HEAD');
  }

  /** Switches to a branch, creating it when `create`. */
  checkout(branch: string, create = false): void {
    if (create) this.git('checkout', '-q', '-b', branch);
    else this.git('checkout', '-q', branch);
  }

  /** A true merge commit (`--no-ff`) of `branch` into the current branch with the given message. */
  merge(branch: string, message: string): string {
    this.tick++;
    this.git('merge', '-q', '--no-ff', '-m', message, branch);
    return this.head();
  }
}

/**
 * A linear history for changelog tests: prereleases, an empty release, newcomers in several releases (Bob, Carol, a
 * co-author), a tag that is not a release, and unreleased work.
 */
export function linearChangelogRepo(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: start');
  r.tag('v0.1.0');
  r.commit('fix: one', { author: BOB });
  r.commit('feat(api): two\n\nBREAKING CHANGE: the api moved');
  r.tag('v1.0.0-rc.0');
  r.commit('fix: three "quoted" \\ and \u2028 and <b>', { author: CAROL });
  r.tag('v1.0.0', { message: 'Release 1.0.0' });
  r.tag('v1.0.1');
  r.tag('not-a-release');
  r.commit('perf: four\n\nCo-authored-by: Dana <dana@example.com>');
  r.commit('chore: five');
  r.tag('v1.1.0');
  r.commit('feat: unreleased', { author: BOB });
  r.commit('docs: more');
  return r;
}
