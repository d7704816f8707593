import type { RawCommit } from './commits';

/** A tag and the commit it points at (peeled). */
export interface TagRef {
  name: string;
  commit: string;
  /** Tagger date of an annotated tag, else the commit date (ISO-8601); empty unless asked for (reading dates costs an object read per tag). */
  date: string;
}

/** Where HEAD is. */
export interface HeadState {
  hash: string | null;
  /** Short branch name, null when detached or unborn. */
  branch: string | null;
  detached: boolean;
}

/** A streamed read of `git log`. */
export interface LogQuery {
  /** Exclusive lower bound (commit hash), null for the whole history. */
  from: string | null;
  /** Inclusive upper bound (commit hash). */
  to: string;
  /** Limit to commits touching these repository-relative paths. */
  paths: readonly string[];
  signal?: AbortSignal;
}

/** Cancellation that core code can observe without depending on any host. */
export interface Cancellable {
  signal?: AbortSignal;
}

/** The git operations the notes engine needs; implemented over git processes (src/git/gitRepo.ts) and a streaming reader. */
export interface GitRepo {
  /** Throws GitError('shallow') style errors are the caller's choice: this only answers. */
  isShallow(): Promise<boolean>;
  head(): Promise<HeadState>;
  /** Resolves a validated ref to a full commit hash; throws GitError('unknown-ref'). */
  resolveCommit(ref: string): Promise<string>;
  /** Every tag in the repository with its peeled commit (and its date when `dates`). */
  tags(options?: { dates?: boolean }): Promise<TagRef[]>;
  /** The date of one tag (ISO-8601), empty when unknown. */
  tagDate(name: string): Promise<string>;
  /** True when `ancestor` is reachable from `descendant` (or equal). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Names of the tags reachable from the commit (used when the fast path gives up). */
  tagsMergedInto(commit: string): Promise<Set<string>>;
  /** Streams commits newest first; the callback sees each one as it is parsed. */
  log(query: LogQuery, onCommit: (commit: RawCommit) => void): Promise<void>;
  /**
   * Streams the commits of `to` not reachable from `exclude` (like `log`), and returns the boundary:
   * the excluded commits that are parents of streamed ones. `exclude` is an ancestor of `to` exactly
   * when it is in the boundary (for a non-empty range), so one git process both checks and reads.
   */
  logWithBoundary(query: { exclude: string; to: string; signal?: AbortSignal }, onCommit: (commit: RawCommit) => void): Promise<Set<string>>;
  /** Hashes of the commits reachable from `to` that touch the paths. */
  commitsTouching(to: string, paths: readonly string[], signal?: AbortSignal): Promise<Set<string>>;
  /** Of the given emails, those that authored or co-authored a commit reachable from `before`. */
  knownContributors(before: string, emails: readonly string[], signal?: AbortSignal): Promise<Set<string>>;
}

/** Where core and adapters write diagnostics; the extension passes its LogOutputChannel. Never given secrets. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
