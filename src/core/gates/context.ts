import type { GitHubApi } from '../githubApi';
import type { NoticeFacts } from '../announce/types';
import type { ReleaseNotes } from '../notes';
import type { RiskGateFacts } from '../risk/types';

/** An operation in progress in the repository that makes a release from it a bad idea. */
export type InProgressOperation = 'merge' | 'rebase' | 'cherry-pick' | 'revert' | 'bisect';

/** The working tree, index and branch as git reports them (nothing fetched, nothing changed). */
export interface WorkingTreeState {
  /** Short branch name; null when detached or unborn. */
  branch: string | null;
  detached: boolean;
  /** Commit of HEAD, null before the first commit. */
  head: string | null;
  /** Upstream (`origin/main`), null when none is configured. */
  upstream: string | null;
  /** Commits ahead of / behind the upstream as of the last fetch; null when there is no upstream or it is gone. */
  ahead: number | null;
  behind: number | null;
  /** An upstream is configured but its remote branch no longer exists (as of the last fetch). */
  upstreamGone: boolean;
  /** Files with staged changes, changes not staged, untracked, and unmerged (conflicts). */
  staged: number;
  modified: number;
  untracked: number;
  conflicted: number;
  /** A few repository-relative paths of each kind, for the details. */
  samples: { staged: string[]; modified: string[]; untracked: string[]; conflicted: string[] };
  /**
   * Paths whose changes are not counted above because Release Manager writes them itself (the
   * configured decision log): recording a decision or a deploy must not make the tree "dirty".
   */
  notCounted?: string[];
  inProgress: InProgressOperation[];
  /** Repository-relative (or absolute, outside the work tree) path of a leftover `index.lock`, null when none. Never deleted by us. */
  indexLock: string | null;
}

/** One commit of the release range, as the gates need it. */
export interface RangeCommit {
  hash: string;
  subject: string;
  /** More than one parent. */
  merge: boolean;
}

/** How to run a command gate's process. */
export interface RunCommandOptions {
  /** Repository-relative folder; the adapter refuses one that resolves outside the repository. */
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/** How a command gate's process ended. */
export interface CommandRun {
  /** Exit code, null when killed by a signal or never started. */
  exitCode: number | null;
  /** Signal that ended it (`SIGKILL`), null when it exited. */
  signal: string | null;
  /** It ran past its timeout and its process tree was killed. */
  timedOut: boolean;
  /** Its run was cancelled and its process tree was killed. */
  cancelled: boolean;
  /** stdout and stderr interleaved, capped (head and tail kept). */
  output: string;
  truncated: boolean;
  /** Bytes it wrote in all, kept or not. */
  outputBytes: number;
  /** Why it could not start (`not found: foo`), null when it started. */
  spawnError: string | null;
  /** What killing its process tree (on timeout, cancel, or what it left running at exit) did; absent when it never started. */
  tree?: TreeKill;
}

/** What killing a process tree did, as far as it could be checked. */
export interface TreeKill {
  /** How the tree was found: `proc` (parent links and the run's environment marker), `ps` (parent links only), `taskkill` (Windows), or null (none worked). */
  via: 'proc' | 'ps' | 'taskkill' | null;
  /** Processes of the tree that were signalled and are now gone. */
  killed: number;
  /** Processes still alive after the last attempt, with why. */
  survivors: { pid: number; error: string }[];
  /** Why the tree could not be listed (only its process group was signalled), null when it could. */
  unverified: string | null;
}

/** What a flag gate judges of a feature flag in one environment (the flags core's state has these fields and more). */
export interface GateFlagState {
  enabled: boolean;
  /** Percent of users (0–100) the flag's gradual rollout exposes while enabled. */
  rollout: number;
}

/** A recorded manual sign-off of one gate for one release version. */
export interface SignOff {
  gateId: string;
  who: string;
  /** ISO-8601 time of the sign-off. */
  when: string;
  note?: string;
}

/**
 * What gates need from the world. Adapters build it (src/node/gateContext.ts); tests fake it.
 * Repository reads are lazy and memoised by the adapter, so a gate that fails to read (a shallow clone,
 * git missing) turns only the gates that needed it `unknown`.
 */
export interface GateContext {
  /** Working tree, index, branch, upstream and in-progress operations. */
  workingTree(): Promise<WorkingTreeState>;
  /** The draft of the unreleased range (last release to HEAD): next/current version, hotfix, range. */
  release(): Promise<ReleaseNotes>;
  /** Every commit of the release range, merges included, newest first. */
  rangeCommits(): Promise<RangeCommit[]>;
  /** A repository-relative file's text; null when it does not exist. Throws for a path that escapes the repository. */
  readFile(path: string): Promise<string | null>;
  now(): Date;
  /** Whether command gates may spawn (trusted workspace, or the CLI's --allow-commands). */
  commandsAllowed: boolean;
  /** Shown on a command gate that may not run; default "requires trust". */
  commandsBlockedReason?: string;
  /** Runs an argv (never a shell) inside the repository; throws when the cwd is refused, before anything runs. */
  runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandRun>;
  /**
   * The first line of `text` matching `pattern` (already checked by safeRegexProblem) and its one capture,
   * under a hard time limit (throws when exceeded). Optional: without it the pure fallback matcher is used.
   */
  searchLines?(pattern: string, text: string): Promise<{ value: string; line: number } | null>;
  /** Sign-offs recorded for a release version. */
  signOffs(version: string): Promise<SignOff[]>;
  /**
   * The repository's GitHub API, signed in. Throws GitHubError (`not-github`, `no-token`, …) naming the
   * fix when there is none: GitHub gates are then unknown, and unknown blocks.
   */
  github(): Promise<GitHubApi>;
  /** The milestone title patterns of the config's `plan.milestone` (the milestone gate's default); absent = `v{version}`, `{version}`. */
  milestonePatterns?: readonly string[];
  /** The environment a deploy checks the gates for; absent when the release itself is judged (checklist, CLI gates). */
  environment?: string;
  /** The announcement journal and what the notices would say now (the notice gate); absent where it cannot be read. */
  notices?(): Promise<NoticeFacts>;
  /**
   * The state of a feature flag in an environment, read from the configured flag provider (the `flags`
   * section). Absent when there is none (flag gates are then unknown, naming the fix); throws naming
   * the cause (server down, token refused, no such flag) when the provider cannot tell: unknown blocks.
   */
  flagState?(flag: string, environment: string, signal: AbortSignal): Promise<GateFlagState>;
  /** Why flag states may not be read here (Restricted Mode: the server and token come from the workspace); flag gates are then unknown. */
  flagsBlockedReason?: string;
  /** The release's risk assessment (src/node/risk.ts); absent where it cannot be computed (risk gates are then unknown). */
  risk?(signal: AbortSignal): Promise<RiskGateFacts>;
}
