import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { buildChangelog } from '../core/changelog';
import { CONFIG_FILE, type ReleaseConfig } from '../core/config';
import { draftNotes, isIgnoredTagsWarning } from '../core/draft';
import { ConfigError, GitError, ReleaseError } from '../core/errors';
import type { ReleaseNotes } from '../core/notes';
import type { Logger } from '../core/ports';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';
import type { PackageProposal } from '../core/monorepo';
import { suggestPackages } from '../node/packageSuggestion';
import type { ViewState } from './ids';
import { redactSecrets } from '../core/secrets';
import { isExpected } from './errorReport';
import type { RepositoryDiscovery } from './repositories';
import type { Settings } from './settings';

/** What a warning's fix action does. */
export type WarningFix = { kind: 'openConfig' } | { kind: 'unshallow' } | { kind: 'showLog' } | { kind: 'suggestPackages'; proposals: PackageProposal[] };

/** A warning shown as a tree node. */
export interface RepoWarning {
  message: string;
  fix?: WarningFix;
}

/** A past release as listed in the tree. */
export interface ReleaseSummary {
  tag: string;
  date: string | null;
  changes: number;
}

/** Everything the views know about one repository (plain data: no vscode objects). */
export interface RepoState {
  root: string;
  name: string;
  config: ReleaseConfig | null;
  configError: ConfigError | null;
  notes: ReleaseNotes | null;
  /** A fault that stopped the draft (shallow clone, no commits, git missing…). */
  error: ReleaseError | null;
  warnings: RepoWarning[];
}

/** Holds the release state of every repository and refreshes it on events, debounced and cancellable. */
export class ReleaseModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /**
   * Fires after a refresh changed the state, and after every refresh asked for by a call to refresh() (the Refresh
   * command, a fix): the views re-read what they cache (GitHub, deploys, flags) on it. A refresh that an event
   * scheduled (the file watcher: git touches its index on every `git status`) and that found nothing new does not fire.
   */
  readonly onDidChange = this.changed.event;
  private readonly refreshed = new vscode.EventEmitter<void>();
  /** Fires after every refresh, changed or not (the gates re-judge on it: the working tree may have changed). */
  readonly onDidRefresh = this.refreshed.event;
  /** What the last refresh found (see signatureOf); '' before the first. */
  private signature = '';
  private states: RepoState[] = [];
  private state: ViewState = 'loading';
  private timer: NodeJS.Timeout | undefined;
  /** When schedule() was last called (an event): a quiet spell before an event lets it refresh at once. */
  private lastEventAt = 0;
  private inflight: AbortController | undefined;
  private current: Promise<void> | undefined;
  /** A refresh is in flight; events that came meanwhile ask for another once it ends (see schedule()). */
  private running = false;
  private rerun = false;
  private disposed = false;
  /** Past releases by root, with the signature they were read under (the whole history is read for them). */
  private readonly releaseCache = new Map<string, { signature: string; list: Promise<ReleaseSummary[]> }>();
  private readonly repos = new Map<string, LocalGitRepo>();
  /** Repositories opened by an earlier refresh, by the root they were found at (reused while still valid: one git process less per refresh). */
  private readonly openedAt = new Map<string, { gitPath: string; repo: LocalGitRepo }>();

  constructor(
    private readonly discovery: RepositoryDiscovery,
    private readonly settings: () => Settings,
    private readonly log: Logger,
  ) {}

  /** The repositories, in discovery order. */
  get repositories(): readonly RepoState[] {
    return this.states;
  }

  /** The state for the welcome views. */
  get viewState(): ViewState {
    return this.state;
  }

  /** The state of one repository by root. */
  find(root: string): RepoState | undefined {
    return this.states.find((s) => s.root === root);
  }

  /** The opened git repository of a root (opened during the last refresh). */
  repo(root: string): LocalGitRepo | undefined {
    return this.repos.get(root);
  }

  /**
   * Asks for a refresh: the first event after a quiet spell (none for the debounce delay, no refresh running or
   * waiting) refreshes at once, so a commit made in a terminal shows as soon as the file watcher reports it; the
   * rest of its burst (events come in bursts: a commit touches the index, its ref, the reflog; a rebase many) waits
   * for the debounce delay after the last event, and that one refresh reads the state the burst left. A refresh in
   * flight is not cancelled: it finishes (what it read is shown at once) and another follows. Cancelling it would
   * restart from zero, and on a busy machine, where a refresh outlasts the debounce, a commit's late events (the git
   * extension's) would push the new rows back by a whole refresh each time.
   */
  schedule(): void {
    const now = Date.now();
    const quietSpell = now - this.lastEventAt >= this.settings().debounceMs;
    this.lastEventAt = now;
    if (quietSpell && !this.timer && !this.running) {
      void this.refresh({ quiet: true });
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) this.rerun = true;
      else void this.refresh({ quiet: true });
    }, this.settings().debounceMs);
  }

  /**
   * Refreshes now, cancelling a refresh in flight; resolves when the state is current. `quiet`: fire onDidChange only
   * when the state differs from the last (event-driven refreshes); otherwise always (an explicit refresh re-reads all).
   */
  refresh(options: { quiet?: boolean } = {}): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.rerun = false;
    this.inflight?.abort();
    const ctl = new AbortController();
    this.inflight = ctl;
    this.running = true;
    const run = this.load(ctl.signal).then(
      (states) => {
        if (ctl.signal.aborted) return;
        this.states = states;
        this.state = states.length === 0 ? (vscode.workspace.workspaceFolders?.length ? 'noRepo' : 'noFolder') : states.every((s) => s.error instanceof GitError && s.error.code === 'no-commits') ? 'noCommits' : 'ready';
        const signature = this.signatureOf(states);
        const same = signature !== '' && signature === this.signature;
        this.signature = signature;
        this.refreshed.fire();
        if (!(same && options.quiet)) this.changed.fire();
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) (isExpected(e) ? this.log.warn : this.log.error).call(this.log, `refresh failed: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      },
    ).then(() => {
      if (this.inflight !== ctl) return; // a newer refresh took over
      this.running = false;
      // Events came while this one ran: the next refresh starts before this one's promise settles, so settled() waits for it too.
      if (this.rerun && !this.disposed) void this.refresh(options);
    });
    this.current = run;
    return run;
  }

  /** Resolves once the refresh running now (if any) has finished. */
  async settled(): Promise<void> {
    if (!this.current) await this.refresh();
    while (this.current) {
      const c = this.current;
      await c;
      if (c === this.current) break;
    }
  }

  private async load(signal: AbortSignal): Promise<RepoState[]> {
    const started = Date.now();
    const roots = await this.discovery.roots();
    const gitPath = this.settings().gitPath;
    const opened = new Map<string, LocalGitRepo>();
    const failures: RepoState[] = [];
    // The config file is read while git opens the repository (both wait on processes and the disk); used when the
    // folder is the repository's top level, as discovery finds them.
    const configs = new Map<string, Promise<ReleaseConfig>>();
    await Promise.all(
      roots.map(async (root) => {
        const config = loadConfig(root);
        config.catch(() => undefined); // settled in loadOne, or dropped when the folder is not the top level
        try {
          const repo = await this.open(root, gitPath);
          opened.set(repo.root, repo);
          if (repo.root === root) configs.set(root, config);
        } catch (e) {
          this.openedAt.delete(root);
          if (e instanceof GitError && e.code === 'not-a-repo') return; // a folder that is not a repository: nothing to show
          failures.push(this.failed(root, e));
        }
      }),
    );
    for (const root of this.openedAt.keys()) if (!roots.includes(root)) this.openedAt.delete(root);
    const states = await Promise.all([...opened.values()].map((repo) => this.loadOne(repo, signal, configs.get(repo.root))));
    this.repos.clear();
    for (const [root, repo] of opened) this.repos.set(root, repo);
    this.log.debug(`refreshed ${states.length} repositories in ${Date.now() - started} ms`);
    return [...states, ...failures].sort((a, b) => a.root.localeCompare(b.root));
  }

  /**
   * The repository at `root`: the one an earlier refresh opened while its git directory is still there and its
   * shallow state unchanged (a `shallow` file in the common git dir: a fetch with --depth or --unshallow re-opens it,
   * so a shallow clone is never drafted as a whole one), else opened now (git's version and the top level checked).
   */
  private async open(root: string, gitPath: string): Promise<LocalGitRepo> {
    const known = this.openedAt.get(root);
    if (known && known.gitPath === gitPath && existsSync(known.repo.root) && existsSync(known.repo.gitCommonDir)) {
      if (existsSync(join(known.repo.gitCommonDir, 'shallow')) === (await known.repo.isShallow())) return known.repo;
    }
    const repo = await LocalGitRepo.open(root, gitPath);
    this.openedAt.set(root, { gitPath, repo });
    return repo;
  }

  /**
   * What the views show and cache by, as one string: the state of each repository (config, notes of the range,
   * warnings, errors), the view state, trust and settings, and each repository's git config file (remotes live
   * there: the GitHub rows follow it). '' when it cannot be computed (then every refresh counts as a change).
   */
  private signatureOf(states: RepoState[]): string {
    try {
      const gitConfigs = states.map((s) => {
        const repo = this.openedAt.get(s.root)?.repo ?? this.repos.get(s.root);
        if (!repo) return null;
        try {
          const st = statSync(join(repo.gitCommonDir, 'config'));
          return `${st.ino}:${st.size}:${st.mtimeMs}`;
        } catch {
          return null;
        }
      });
      const errors = states.map((s) => [s.error?.message ?? null, s.configError ? [s.configError.message, s.configError.problems] : null]);
      return JSON.stringify([this.state, vscode.workspace.isTrusted, this.settings(), states, errors, gitConfigs]);
    } catch {
      return '';
    }
  }

  private failed(root: string, e: unknown): RepoState {
    const error = e instanceof ReleaseError ? e : new GitError('failed', e instanceof Error ? e.message : String(e), 'Show the log for details.');
    return { root, name: basename(root), config: null, configError: null, notes: null, error, warnings: [] };
  }

  private async loadOne(repo: LocalGitRepo, signal: AbortSignal, config = loadConfig(repo.root)): Promise<RepoState> {
    const state: RepoState = { root: repo.root, name: basename(repo.root), config: null, configError: null, notes: null, error: null, warnings: [] };
    try {
      state.config = await config;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      state.configError = e;
      state.warnings.push({ message: `Config problem: ${e.problems[0] ?? e.message}${e.problems.length > 1 ? ` (+${e.problems.length - 1} more)` : ''}`, fix: { kind: 'openConfig' } });
      return state;
    }
    try {
      state.notes = await draftNotes(repo, state.config, { signal, firstTimeContributors: false });
      for (const w of state.notes.warnings) {
        // Tags of a monorepo's packages that no config declares: Fix… proposes the packages (tag families with their folders).
        const proposals = isIgnoredTagsWarning(w) ? await suggestPackages(repo.root, (await repo.tags()).map((t) => t.name), state.config).catch(() => []) : [];
        if (proposals.length > 0) state.warnings.push({ message: `${w} Fix… adds ${proposals.length} package${proposals.length === 1 ? '' : 's'} to ${CONFIG_FILE}.`, fix: { kind: 'suggestPackages', proposals } });
        else state.warnings.push({ message: w, fix: /tag/i.test(w) ? { kind: 'openConfig' } : undefined });
      }
    } catch (e) {
      if (e instanceof GitError && e.code === 'cancelled') throw e;
      const err = e instanceof ReleaseError ? e : new GitError('failed', e instanceof Error ? e.message : String(e), 'Show the log for details.');
      state.error = err;
      if (!(err instanceof GitError && err.code === 'no-commits')) {
        state.warnings.push({ message: `${err.message} ${err.fix}`, fix: err instanceof GitError && err.code === 'shallow' ? { kind: 'unshallow' } : { kind: 'showLog' } });
      }
      this.log.warn(`${repo.root}: ${redactSecrets(err.message)}`);
    }
    return state;
  }

  /** Past releases of a repository, newest first (computed once per refresh, on first use). */
  releases(root: string): Promise<ReleaseSummary[]> {
    const state = this.find(root);
    // New commits do not change past releases: read them again only when the last release or the config changes.
    const signature = JSON.stringify([state?.notes?.range.from, state?.notes?.range.fromHash, state?.config]);
    let cached = this.releaseCache.get(root);
    if (!cached || cached.signature !== signature) {
      const repo = this.repos.get(root);
      const config = state?.config;
      const list =
        repo && config
          ? buildChangelog(repo, config).then((all) =>
              all.filter((n) => n.date !== null).map((n) => ({ tag: n.range.to, date: n.date, changes: n.sections.reduce((k, s) => k + s.entries.length, 0) })),
            )
          : Promise.resolve([]);
      cached = { signature, list };
      this.releaseCache.set(root, cached);
      list.catch(() => {
        if (this.releaseCache.get(root)?.list === list) this.releaseCache.delete(root); // a failed read is retried next time
      });
    }
    return cached.list;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.inflight?.abort();
    this.changed.dispose();
    this.refreshed.dispose();
  }
}
