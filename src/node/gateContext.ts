import type { ReleaseConfig } from '../core/config';
import { draftNotes, validatePath, type DraftOptions } from '../core/draft';
import { GitHubError, UsageError } from '../core/errors';
import type { FlagProvider, SecretSource } from '../core/flags/ports';
import type { GateContext, RangeCommit, SignOff, WorkingTreeState } from '../core/gates/context';
import { SIGNOFF_FILE } from '../core/gates/manual';
import type { GitHubApi } from '../core/githubApi';
import { patternList } from '../core/plan/milestone';
import type { ReleaseNotes } from '../core/notes';
import type { LocalGitRepo } from '../git/gitRepo';
import { readWorkingTree } from '../git/workingTree';
import type { NoticeFacts } from '../core/announce/types';
import { loadAnnounce } from './loadAnnounce';
import { loadFlags } from './loadFlags';
import { searchLines } from './regexSearch';
import { signOffsFor } from './signOffFile';
import { runProcess } from './runner';
import { loadRisk } from './loadRisk';
import type { collectRisk } from './risk';

import { MAX_GATE_FILE_BYTES, readRepoFile } from './repoFile';

export { MAX_GATE_FILE_BYTES, readRepoFile };
const MAX_SUBJECT = 300;

/** What a gate context is built from. */
export interface GateContextOptions {
  repo: LocalGitRepo;
  config: ReleaseConfig;
  /** Trusted workspace, or the CLI's --allow-commands. */
  commandsAllowed: boolean;
  /** Shown on command gates that may not run (default "requires trust"). */
  commandsBlockedReason?: string;
  /** Sign-offs recorded for a version; default: the repository's sign-off file (what the team and CI share). */
  signOffs?: (version: string) => Promise<SignOff[]>;
  /** Which release the gates are about (monorepo path, prerelease channel; `to`: a past release tag, e.g. the one being deployed). */
  draft?: Pick<DraftOptions, 'path' | 'prerelease' | 'to'>;
  /** Files are read as committed at this commit instead of from the working tree (the release being deployed). */
  filesAt?: string;
  /** A draft the caller already has for the same range (the extension's model), to save re-reading git. */
  release?: Promise<ReleaseNotes>;
  gitPath?: string;
  /** Cancels the shared repository reads. */
  signal?: AbortSignal;
  killGraceMs?: number;
  now?: () => Date;
  /** Connects to the repository's GitHub (signed in); called once, when a GitHub gate first needs it. */
  github?: () => Promise<GitHubApi>;
  /** The environment a deploy checks the gates for (the notice gate applies to some only). */
  environment?: string;
  /** The version the notice gate judges (a deploy's release); default the drafted release. */
  noticeVersion?: string;
  /** What the notice gate reads; default the repository's announcement journal. */
  notices?: () => Promise<NoticeFacts>;
  /**
   * Where the flag provider's token comes from (CLI: the environment variables; editor: SecretStorage).
   * With the config's `flags` section it lets flag gates read flag states; without either, they are unknown.
   */
  flagSecrets?: SecretSource;
  /** Why flag states may not be read here (Restricted Mode): flag gates are then unknown and nothing is sent. */
  flagsBlockedReason?: string;
  /** The flag provider itself (tests; the default is built from the config and `flagSecrets` on first use). */
  flagProvider?: () => Promise<FlagProvider>;
}

/**
 * A GateContext for one run over a local repository. Repository facts are read lazily, once per
 * context, and shared by the gates of the run: build a new context for every run (and re-run) so
 * the facts are fresh. Files are read only inside the repository (after resolving symlinks).
 */
export function createGateContext(options: GateContextOptions): GateContext {
  const { repo } = options;
  let tree: Promise<WorkingTreeState> | undefined;
  let release: Promise<ReleaseNotes> | undefined = options.release;
  let commits: Promise<RangeCommit[]> | undefined;
  let github: Promise<GitHubApi> | undefined;
  let flagProvider: Promise<FlagProvider> | undefined;
  let risk: ReturnType<typeof collectRisk> | undefined;
  const flagsConfig = options.config.flags;
  const connectFlags = options.flagProvider ?? (flagsConfig && options.flagSecrets ? () => loadFlags().flagProviderFor(flagsConfig, options.flagSecrets!) : undefined);
  const getRelease = () =>
    (release ??= draftNotes(repo, options.config, { ...options.draft, signal: options.signal, firstTimeContributors: false }));
  return {
    // Without trust, no program from the repository's config may run, not even a clean filter during `git status`.
    workingTree: () => (tree ??= readWorkingTree(repo.root, { gitPath: options.gitPath, signal: options.signal, untrusted: !options.commandsAllowed, notCounted: [options.config.decisionLog, SIGNOFF_FILE] })),
    release: getRelease,
    rangeCommits: () =>
      (commits ??= getRelease().then(async (notes) => {
        const out: RangeCommit[] = [];
        if (notes.range.fromHash === notes.range.toHash) return out;
        const path = options.draft?.path !== undefined ? validatePath(options.draft.path) : undefined;
        await repo.log({ from: notes.range.fromHash, to: notes.range.toHash, paths: path ? [path] : [], signal: options.signal }, (c) => {
          const subject = c.message.split('\n', 1)[0] ?? '';
          out.push({ hash: c.hash, subject: subject.slice(0, MAX_SUBJECT), merge: c.parents.length > 1 });
        });
        return out;
      })),
    readFile: (path) => (options.filesAt !== undefined ? repo.fileAt(options.filesAt, path, MAX_GATE_FILE_BYTES) : readRepoFile(repo.root, path)),
    searchLines,
    now: options.now ?? (() => new Date()),
    commandsAllowed: options.commandsAllowed,
    ...(options.commandsBlockedReason !== undefined ? { commandsBlockedReason: options.commandsBlockedReason } : {}),
    // Defence in depth: even a gate kind that forgot to ask never spawns where commands are not allowed.
    runCommand: (argv, run) =>
      options.commandsAllowed
        ? runProcess(argv, { root: repo.root, killGraceMs: options.killGraceMs, ...run })
        : Promise.reject(new UsageError(`Not run: commands are not allowed here (${options.commandsBlockedReason ?? 'requires trust'}).`, 'Trust the workspace (CLI: --allow-commands).')),
    signOffs: options.signOffs ?? ((version) => signOffsFor(repo.root, version)),
    milestonePatterns: patternList(options.config.plan?.milestone),
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    // The announce bundle loads when the notice gate asks, not when the context is built.
    notices: options.notices ?? (() => loadAnnounce().noticeFacts({ repo, config: options.config, ...(options.noticeVersion !== undefined ? { version: options.noticeVersion } : {}), ...(options.now ? { now: options.now } : {}), ...(options.github ? { githubApi: options.github } : {}) })()),
    github: () =>
      (github ??= options.github
        ? options.github()
        : Promise.reject(new GitHubError('no-token', 'GitHub is not connected for this check.', 'Sign in to GitHub (CLI: set GITHUB_TOKEN) in a repository with a GitHub remote.'))),
    ...(options.flagsBlockedReason !== undefined ? { flagsBlockedReason: options.flagsBlockedReason } : {}),
    // The risk score, computed once per run when the risk gate first asks (the gate's own signal cancels it).
    risk: (signal) =>
      (risk ??= loadRisk().collectRisk({
        repo,
        config: options.config,
        ...(options.environment !== undefined ? { environment: options.environment } : {}),
        ...(options.now ? { now: options.now() } : {}),
        ...(options.github ? { github: options.github } : {}),
        ...(options.signOffs ? { signOffs: options.signOffs } : {}),
        draft: { path: options.draft?.path, prerelease: options.draft?.prerelease },
        signal,
      })),
    // The provider is connected once per run, when a flag gate first needs it; in Restricted Mode never.
    ...(connectFlags && options.flagsBlockedReason === undefined
      ? { flagState: async (flag: string, environment: string, signal: AbortSignal) => (await (flagProvider ??= connectFlags())).getState(flag, environment, { signal }) }
      : {}),
  };
}

