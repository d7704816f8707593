/**
 * GitHub in the editor: the token from VS Code's GitHub authentication providers (silent unless a user
 * action asks; a new session after a 401), the repository from the remotes (the user picks when
 * several differ), the API URL from the remote or the restricted setting, rate limits waited out
 * with a visible, cancellable countdown. The token lives only in memory, inside the Octokit client.
 */
import * as vscode from 'vscode';
import { GitHubError } from '../core/errors';
import type { GitHubApi } from '../core/githubApi';
import type { Logger } from '../core/ports';
import { apiUrlProblem, enterpriseOrigin, type GitHubRepoRef } from '../core/remote';
import type { GitHubDeployer } from '../github/deployer';
import { loadGitHub } from '../github/load';
import type { ReleaseConfig } from '../core/config';
import type { ReleaseNotes } from '../core/notes';
import { chooseGitHubRepo, type GitHubRemote } from '../node/githubRemote';
import type { ReleaseModel } from './releaseModel';

/** Scopes asked of the GitHub providers: releases, tags, checks and issues of private repositories too. */
export const GITHUB_SCOPES = ['repo'];

/** The GitHub settings (the API URL is restricted: in Restricted Mode only the user's own value counts). */
export function githubSettings(): { apiUrl: string | undefined; remote: string | undefined; enterpriseUrl: string | undefined } {
  const c = vscode.workspace.getConfiguration('releaseManager');
  const api = vscode.workspace.isTrusted ? c.get<string>('github.apiUrl') : c.inspect<string>('github.apiUrl')?.globalValue;
  const remote = c.get<string>('github.remote');
  const enterprise = vscode.workspace.getConfiguration('github-enterprise').get<string>('uri');
  return {
    apiUrl: typeof api === 'string' && api.trim() !== '' ? api.trim().replace(/\/+$/, '') : undefined,
    remote: typeof remote === 'string' && remote.trim() !== '' ? remote.trim() : undefined,
    enterpriseUrl: typeof enterprise === 'string' && enterprise.trim() !== '' ? enterprise.trim() : undefined,
  };
}

/** How to connect: silently (views, gates) or on a user action (may show sign-in and pickers). */
export interface ConnectOptions {
  interactive: boolean;
  /** A 401 was seen with the current session: ask the provider for a new one. */
  renew?: boolean;
}

/** How long a silent session lookup may take: VS Code waits up to 5 s for a provider that never registers (no GitHub account extension). */
const SILENT_SESSION_MS = 1500;

/** A silent lookup bounded in time: views and drafts never hang on a missing account provider. */
function silently<T>(lookup: Thenable<T>): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), SILENT_SESSION_MS);
    lookup.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** Builds signed-in GitHubApi clients per repository. */
export class GitHubConnector implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when sign-in state or GitHub settings change. */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly memento: vscode.Memento,
    private readonly log: Logger,
  ) {
    this.subs = [
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'github' || e.provider.id === 'github-enterprise') this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('releaseManager.github') || e.affectsConfiguration('github-enterprise.uri')) this.changed.fire();
      }),
    ];
  }

  /** The GitHub repository of a workspace repository; asks which one when several remotes differ (interactive only). */
  async repoFor(root: string, interactive: boolean): Promise<GitHubRepoRef> {
    const repo = this.model.repo(root);
    if (!repo) throw new GitHubError('not-github', `${root} is not an open repository.`, 'Refresh the Release view.');
    const settings = githubSettings();
    const remembered = this.memento.get<string>(`github.remote:${root}`);
    const ref = await chooseGitHubRepo(repo, {
      remote: settings.remote ?? remembered,
      enterpriseUrl: settings.enterpriseUrl,
      pick: interactive ? (choices) => this.pickRemote(root, choices) : undefined,
    }).catch(async (e: unknown) => {
      // A remembered remote that no longer exists is forgotten, not an error.
      if (remembered !== undefined && settings.remote === undefined) {
        await this.memento.update(`github.remote:${root}`, undefined);
        return chooseGitHubRepo(repo, { enterpriseUrl: settings.enterpriseUrl, pick: interactive ? (choices) => this.pickRemote(root, choices) : undefined });
      }
      throw e;
    });
    if (settings.apiUrl !== undefined) {
      const problem = apiUrlProblem(settings.apiUrl);
      if (problem) throw new GitHubError('host-blocked', `The setting releaseManager.github.apiUrl cannot be used: ${problem}.`, 'Fix or clear the setting (https only).');
      return { ...ref, apiUrl: settings.apiUrl };
    }
    if (ref.provider === 'github-enterprise' && !enterpriseOrigin(settings.enterpriseUrl ?? '')) {
      throw new GitHubError('not-github', 'The GitHub Enterprise Server URL setting is not an https URL.', 'Set github-enterprise.uri to https://YOUR-HOST.');
    }
    return ref;
  }

  private async pickRemote(root: string, choices: GitHubRemote[]): Promise<GitHubRemote | undefined> {
    const pick = await vscode.window.showQuickPick(
      choices.map((c) => ({ label: c.name, description: `${c.ref.owner}/${c.ref.repo}`, detail: c.ref.host, choice: c })),
      { title: 'Release: which GitHub repository?', placeHolder: 'Several remotes point at different GitHub repositories' },
    );
    if (pick) await this.memento.update(`github.remote:${root}`, pick.choice.name);
    return pick?.choice;
  }

  /** The token of the provider serving the repository: silent, interactive, or a fresh session after a 401. */
  private async token(ref: GitHubRepoRef, options: ConnectOptions): Promise<string | undefined> {
    const provider = ref.provider;
    try {
      const session = options.renew
        ? await vscode.authentication.getSession(provider, GITHUB_SCOPES, { forceNewSession: { detail: 'GitHub rejected the saved sign-in (401). Sign in again to continue.' } })
        : options.interactive
          ? await vscode.authentication.getSession(provider, GITHUB_SCOPES, { createIfNone: true })
          : await silently(vscode.authentication.getSession(provider, GITHUB_SCOPES, { silent: true }));
      return session?.accessToken;
    } catch (e) {
      // Sign-in cancelled, or no such provider (GHES not configured): the caller says what is missing.
      this.log.info(`GitHub sign-in (${provider}) not available: ${e instanceof Error ? e.message.split('\n')[0] : 'cancelled'}`);
      return undefined;
    }
  }

  /** A signed-in deploy provider (Deployments API or workflow_dispatch) for the repository; same sign-in rules as `connect`. */
  async deployer(root: string, kind: 'deployments' | 'workflow', options: ConnectOptions & { historyLimit?: number }): Promise<GitHubDeployer> {
    const ref = await this.repoFor(root, options.interactive);
    const token = await this.requireToken(ref, options);
    const { GitHubDeployer } = loadGitHub();
    return new GitHubDeployer(kind, ref, { token, logger: this.log, waitForRateLimit: (s, signal) => rateLimitCountdown(s, signal), ...(options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {}) });
  }

  /** A signed-in client for the repository; throws GitHubError('no-token') with the fix when signed out. */
  async connect(root: string, options: ConnectOptions): Promise<GitHubApi> {
    const ref = await this.repoFor(root, options.interactive);
    const token = await this.requireToken(ref, options);
    const { OctokitGitHubApi } = loadGitHub();
    return new OctokitGitHubApi(ref, { token, logger: this.log, waitForRateLimit: (s, signal) => rateLimitCountdown(s, signal) });
  }

  private async requireToken(ref: GitHubRepoRef, options: ConnectOptions): Promise<string> {
    const token = await this.token(ref, options);
    if (!token) {
      throw new GitHubError(
        'no-token',
        `Not signed in to ${ref.provider === 'github' ? 'GitHub' : 'GitHub Enterprise Server'} (${ref.owner}/${ref.repo}).`,
        'Sign in to GitHub (Release: Sign in to GitHub, or the Accounts menu).',
      );
    }
    return token;
  }

  /**
   * Runs `work` with a client; on a 401 (revoked or expired token) asks once for a new session and
   * runs it again (the work must be safe to repeat: publishing resumes from its journal).
   */
  async withApi<T>(root: string, options: ConnectOptions, work: (api: GitHubApi) => Promise<T>): Promise<T> {
    const api = await this.connect(root, options);
    try {
      return await work(api);
    } catch (e) {
      if (!(e instanceof GitHubError) || e.code !== 'unauthorized' || !options.interactive) throw e;
      this.log.warn('GitHub answered 401: asking for a new session');
      return work(await this.connect(root, { ...options, renew: true }));
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

/**
 * Drafted notes linked to their pull requests, silently signed in (a draft never prompts); signed
 * out or offline, the git-only notes with a warning saying what is missing. No GitHub remote: as is.
 */
export async function linkPullRequestsInEditor(connector: GitHubConnector, root: string, notes: ReleaseNotes, config: ReleaseConfig, signal?: AbortSignal): Promise<ReleaseNotes> {
  let api: GitHubApi | null = null;
  let cause: GitHubError | null = null;
  try {
    api = await connector.connect(root, { interactive: false });
  } catch (e) {
    if (!(e instanceof GitHubError)) throw e;
    if (e.code === 'not-github') return notes;
    cause = e;
  }
  const { linkNotes, readReleaseYml } = loadGitHub();
  return linkNotes(api, notes, config, () => readReleaseYml(root), { signal, cause });
}

/** A visible countdown in a notification; resolves true when it ran out (retry), false when cancelled. */
export function rateLimitCountdown(seconds: number, signal?: AbortSignal): Promise<boolean> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'GitHub rate limit', cancellable: true },
      (progress, token) =>
        new Promise<boolean>((resolve) => {
          let left = Math.max(0, Math.ceil(seconds));
          const step = 100 / Math.max(1, left);
          const finish = (retry: boolean) => {
            clearInterval(timer);
            sub.dispose();
            signal?.removeEventListener('abort', onAbort);
            resolve(retry);
          };
          const onAbort = () => finish(false);
          const sub = token.onCancellationRequested(() => finish(false));
          signal?.addEventListener('abort', onAbort, { once: true });
          progress.report({ message: `retrying in ${left} s (Cancel stops the operation)` });
          const timer = setInterval(() => {
            left -= 1;
            if (left <= 0) return finish(true);
            progress.report({ message: `retrying in ${left} s (Cancel stops the operation)`, increment: step });
          }, 1000);
          if (left === 0) finish(true);
        }),
    ),
  );
}
