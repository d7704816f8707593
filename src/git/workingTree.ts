import { lstat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { InProgressOperation, WorkingTreeState } from '../core/gates/context';
import { execGit } from './gitProcess';

const SAMPLES = 5;
const MAX_STATUS_BYTES = 256 * 1024 * 1024;

/** State files under the git dir that mean an operation is in progress. */
const MARKERS: [string, InProgressOperation][] = [
  ['MERGE_HEAD', 'merge'],
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['BISECT_LOG', 'bisect'],
];

/** Options of a working-tree read. */
export interface WorkingTreeOptions {
  gitPath?: string;
  signal?: AbortSignal;
  /**
   * The repository is not trusted: `git status` may re-hash files through the clean filters of the
   * repository's config (any program), so every configured filter driver is switched off for this read.
   */
  untrusted?: boolean;
  /** Repository-relative paths whose changes are not counted (the decision log we append to); listed in `notCounted`. */
  notCounted?: readonly string[];
}

/**
 * Reads the working tree, index, branch and upstream of the repository at `root` (its top level).
 * Read-only: no optional locks are taken, nothing is fetched, and nothing is ever deleted (not even a stale index.lock).
 */
export async function readWorkingTree(root: string, options: WorkingTreeOptions = {}): Promise<WorkingTreeState> {
  const gitPath = options.gitPath ?? 'git';
  const noFilters = options.untrusted ? await filterOverrides(gitPath, root, options.signal) : [];
  // Excluded by pathspec, so an untracked folder holding only the log is not listed either.
  const excluded = [...new Set((options.notCounted ?? []).map((p) => p.replace(/^(?:\.\/)+/, '')).filter((p) => p !== '' && !p.startsWith('../')))];
  const pathspecs = excluded.length > 0 ? ['--', '.', ...excluded.map((p) => `:(exclude,literal)${p}`)] : [];
  const [status, paths] = await Promise.all([
    git(gitPath, root, [...noFilters, '--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=normal', ...pathspecs], options.signal),
    git(gitPath, root, ['rev-parse', ...[...MARKERS.map(([f]) => f), 'index.lock'].flatMap((f) => ['--git-path', f])], options.signal),
  ]);
  const state = parseStatus(status);
  if (excluded.length > 0) state.notCounted = excluded;
  const located = paths.split('\n').slice(0, MARKERS.length + 1);
  const present = await Promise.all(located.map((p) => exists(isAbsolute(p) ? p : join(root, p))));
  const inProgress = new Set<InProgressOperation>();
  MARKERS.forEach(([, op], i) => {
    if (present[i]) inProgress.add(op);
  });
  const lock = located[MARKERS.length];
  return { ...state, inProgress: [...inProgress], indexLock: lock !== undefined && present[MARKERS.length] ? lock : null };
}

/** Parses `git status --porcelain=v2 --branch -z` (branch headers and entries). */
export function parseStatus(text: string): Omit<WorkingTreeState, 'inProgress' | 'indexLock'> {
  const s: Omit<WorkingTreeState, 'inProgress' | 'indexLock'> = {
    branch: null,
    detached: false,
    head: null,
    upstream: null,
    ahead: null,
    behind: null,
    upstreamGone: false,
    staged: 0,
    modified: 0,
    untracked: 0,
    conflicted: 0,
    samples: { staged: [], modified: [], untracked: [], conflicted: [] },
  };
  const add = (key: 'staged' | 'modified' | 'untracked' | 'conflicted', path: string) => {
    s[key]++;
    if (s.samples[key].length < SAMPLES) s.samples[key].push(path);
  };
  const tokens = text.split('\u0000');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startsWith('# branch.oid ')) {
      const oid = t.slice('# branch.oid '.length);
      s.head = oid === '(initial)' ? null : oid;
    } else if (t.startsWith('# branch.head ')) {
      const head = t.slice('# branch.head '.length);
      s.detached = head === '(detached)';
      s.branch = s.detached ? null : head;
    } else if (t.startsWith('# branch.upstream ')) {
      s.upstream = t.slice('# branch.upstream '.length);
    } else if (t.startsWith('# branch.ab ')) {
      const m = /^\+(\d+) -(\d+)$/.exec(t.slice('# branch.ab '.length));
      if (m) {
        s.ahead = Number(m[1]);
        s.behind = Number(m[2]);
      }
    } else if (t.startsWith('1 ') || t.startsWith('2 ')) {
      const fields = t.split(' ');
      const path = fields.slice(t.startsWith('1 ') ? 8 : 9).join(' ');
      const xy = fields[1] ?? '..';
      if (xy[0] !== '.') add('staged', path);
      if (xy[1] !== '.') add('modified', path);
      if (t.startsWith('2 ')) i++; // a rename's original path is the next token
    } else if (t.startsWith('u ')) {
      add('conflicted', t.split(' ').slice(10).join(' '));
    } else if (t.startsWith('? ')) {
      add('untracked', t.slice(2));
    }
  }
  // An upstream without ahead/behind counts: its remote branch is gone (as of the last fetch).
  s.upstreamGone = s.upstream !== null && s.ahead === null;
  return s;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** `-c filter.<driver>.clean= …` for every filter driver in the config: an empty command is no filter at all. */
export async function filterOverrides(gitPath: string, root: string, signal?: AbortSignal): Promise<string[]> {
  // Exit 1 means no filter is configured; any other failure throws (never run status with filters unchecked).
  const listed = await git(gitPath, root, ['config', '--name-only', '--get-regexp', '^filter\\.'], signal, [0, 1]);
  const drivers = new Set<string>();
  for (const name of listed.split('\n')) {
    const m = /^filter\.(.+)\.[^.]+$/.exec(name.trim());
    if (m) drivers.add(m[1]!);
  }
  return [...drivers].flatMap((d) => ['clean', 'smudge', 'process'].flatMap((k) => ['-c', `filter.${d}.${k}=`]));
}

function git(gitPath: string, cwd: string, args: string[], signal?: AbortSignal, okCodes?: number[]): Promise<string> {
  return execGit(gitPath, cwd, args, { signal, okCodes, maxBuffer: MAX_STATUS_BYTES }).then((out) => out.replace(/\n$/, ''));
}
