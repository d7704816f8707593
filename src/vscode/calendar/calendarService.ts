/**
 * The release calendar in the editor (issue 19): computed through the core's `collectCalendar` (the same
 * flow as `release-manager calendar`) with the window's GitHub client when signed in, silently (never a
 * sign-in prompt); signed out or offline, the local events with a note. Never throws: a fault becomes an
 * error outcome with its fix, logged without secrets.
 */
import { GitHubError, ReleaseError } from '../../core/errors';
import type { CalendarReport } from '../../core/calendar/model';
import type { GitHubApi } from '../../core/githubApi';
import type { Logger } from '../../core/ports';
import type { GitHubRepoRef } from '../../core/remote';
import { redactSecrets } from '../../core/secrets';
import type { CollectCalendarInput } from '../../node/calendar';
import type { GitHubConnector } from '../github';
import type { ReleaseModel } from '../releaseModel';

/** The core's calendar function, injected by the composition root (tests pass their own). */
export type CollectCalendar = (input: CollectCalendarInput) => Promise<CalendarReport>;

/** A computed calendar, or why there is none. */
export type CalendarOutcome = { kind: 'ok'; calendar: CalendarReport; signedOut: boolean } | { kind: 'error'; message: string; fix: string | null };

export class CalendarService {
  constructor(
    private readonly model: ReleaseModel,
    private readonly github: Pick<GitHubConnector, 'connect' | 'repoFor'>,
    private readonly collect: CollectCalendar,
    private readonly log: Logger,
  ) {}

  /** Computes the calendar of a repository over the default window. */
  async compute(root: string, options: { signal?: AbortSignal; onProgress?: (message: string) => void } = {}): Promise<CalendarOutcome> {
    try {
      await this.model.settled();
      const state = this.model.find(root);
      if (!state) return { kind: 'error', message: `${root} is not a repository of this workspace.`, fix: 'Open the folder, then try again.' };
      if (state.configError) return { kind: 'error', message: state.configError.message, fix: state.configError.fix };
      const gh = await this.client(root);
      const calendar = await this.collect({
        repoRoot: root,
        ...(state.config ? { config: state.config } : {}),
        github: gh.api,
        repo: gh.repo,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return { kind: 'ok', calendar: gh.warning ? { ...calendar, notes: [gh.warning, ...calendar.notes] } : calendar, signedOut: gh.signedOut };
    } catch (e) {
      if (options.signal?.aborted) return { kind: 'error', message: 'Cancelled.', fix: 'Refresh to read the calendar again.' };
      if (e instanceof ReleaseError) {
        this.log.warn(`calendar of ${root}: ${redactSecrets(e.message)}`);
        return { kind: 'error', message: redactSecrets(e.message), fix: redactSecrets(e.fix) };
      }
      this.log.error(`calendar of ${root} failed: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
      return { kind: 'error', message: 'The release calendar could not be read (see the log).', fix: 'Show the log (Release: Show Log) for the cause.' };
    }
  }

  /** Whether the repository's config has a release cadence (the view's empty state). */
  hasCadence(root: string): boolean {
    return (this.model.find(root)?.config?.gates ?? []).some((g) => g.kind === 'calendar' && g.cadence !== undefined);
  }

  /** The GitHub client of the repository, silently; null when signed out or not on GitHub. */
  private async client(root: string): Promise<{ api: GitHubApi | null; repo: GitHubRepoRef | null; signedOut: boolean; warning?: string }> {
    let repo: GitHubRepoRef | null = null;
    try {
      repo = await this.github.repoFor(root, false);
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'not-github') return { api: null, repo: null, signedOut: false };
      this.log.warn(`calendar: GitHub not read: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      return { api: null, repo: null, signedOut: false, warning: `GitHub not read: ${redactSecrets(e instanceof ReleaseError ? e.message : 'the GitHub repository could not be found (see the log)')}` };
    }
    try {
      return { api: await this.github.connect(root, { interactive: false }), repo, signedOut: false };
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'no-token') return { api: null, repo, signedOut: true };
      this.log.warn(`calendar: GitHub not read: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      return { api: null, repo, signedOut: false, warning: `GitHub not read: ${redactSecrets(e instanceof ReleaseError ? e.message : 'see the log')}` };
    }
  }
}
