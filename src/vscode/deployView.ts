/**
 * What the tree shows of deployments for each repository: the environments (the config's ladder, or
 * the repository's GitHub environments without one) with their last deployment, the operation running
 * on each (from the deploy journal, shared with the CLI), pending reviews the driver reported, and
 * unfinished operations to resume or inspect. Read silently (never a sign-in prompt), cached until a
 * refresh or a deploy.
 */
import * as vscode from 'vscode';
import { correlationId, deployJournalKey } from '../core/deploy/journal';
import type { DeployJournal, JournalState, JournalStep } from '../core/deploy/journalTypes';
import type { PendingReview } from '../core/deploy/ports';
import type { RunHandle } from '../core/deploy/runHandle';
import { deploymentOutcome, type DeploymentRecord } from '../core/deploy/rollback';
import { githubEnvironment, implicitEnvironment, isLocalProvider, type EnvironmentConfig } from '../core/deploy/schema';
import { GitHubError, ReleaseError } from '../core/errors';
import type { Logger } from '../core/ports';
import { redactSecrets } from '../core/secrets';
import { cursorOf } from '../core/deploy/transitions';
import type { GitHubDeployer, WorkflowRunDetails } from '../github/deployer';
import { FileDeployJournalStore } from '../node/deployJournal';
import { LocalDeployHistory } from '../node/localDeployHistory';
import { whenText } from '../shared/time';
import type { GitHubConnector } from './github';
import type { ReleaseModel } from './releaseModel';

/** One environment row. */
export interface EnvironmentRow {
  env: EnvironmentConfig;
  /** Its newest deployment on GitHub, null when none or unreadable. */
  last: DeploymentRecord | null;
  /** The environment's journal (running or finished), null when none. */
  journal: DeployJournal | null;
}

/** The environments of one repository, or why they are missing. */
export type EnvironmentsSnapshot =
  | { kind: 'ok'; rows: EnvironmentRow[] }
  | { kind: 'signed-out'; message: string; rows: EnvironmentRow[] }
  | { kind: 'not-github'; message: string }
  | { kind: 'error'; message: string; rows: EnvironmentRow[] };

type GitHubEnvironments =
  | { kind: 'ok'; envs: EnvironmentConfig[]; last: Map<string, DeploymentRecord | null> }
  | { kind: 'signed-out' | 'error'; message: string; envs: EnvironmentConfig[]; last: Map<string, DeploymentRecord | null> }
  | { kind: 'not-github'; message: string };

/** A review a running step waits for (reported by the driver of this window, or read from GitHub for a run another window or the CLI drives). */
export interface ReviewWait {
  root: string;
  key: string;
  environment: string;
  handle: RunHandle;
  reviews: PendingReview[];
  /** Read from GitHub for an operation this window does not drive. */
  foreign?: boolean;
}

export type { RunJobDetails as RunJobView, RunStepDetails as RunStepView } from '../github/deployer';

/** A workflow run with the jobs of its latest attempt, as read at `readAt`. */
export interface RunView extends WorkflowRunDetails {
  readAt: number;
}

/** What an environment row shows under it: the workflow run of its latest operation, or why not. */
export type RunOfRow =
  | { kind: 'run'; environment: string; journalId: string; journalState: JournalState; stepLabel: string; live: boolean; run: RunView }
  | { kind: 'message'; text: string };

/** Which step's workflow run an operation shows: the running one, else the last failed one of a failed operation, else the last one that ran. */
export interface RunTarget {
  index: number;
  /** The operation runs and this is its current step. */
  live: boolean;
  /** Known from the journal (a sent step); else remembered or looked up. */
  handle: RunHandle | null;
}

/** How long a run's jobs are reused before they are read again (while the run is not finished and shown). */
export const RUN_REFRESH_MS = 3000;

function isRunStep(s: JournalStep): boolean {
  return s.plan.kind === 'dispatch' || s.plan.kind === 'switch';
}

/** The step whose workflow run the environment row shows, null when there is none (not a workflow provider, nothing sent). Pure. */
export function runTarget(j: DeployJournal | null): RunTarget | null {
  if (!j || j.env.provider.kind !== 'workflow') return null;
  if (j.state === 'running') {
    const c = cursorOf(j);
    const s = c === null ? undefined : j.steps[c];
    if (c !== null && s && s.state.status === 'sent' && s.state.handle?.runId !== undefined) return { index: c, live: true, handle: s.state.handle };
  }
  let last: RunTarget | null = null;
  for (let i = j.steps.length - 1; i >= 0; i--) {
    const s = j.steps[i]!;
    if (!isRunStep(s)) continue;
    const st = s.state;
    const ranFailed = st.status === 'failed' && !st.notSent;
    if (ranFailed && j.state !== 'running' && j.state !== 'healthy') return { index: i, live: false, handle: null };
    if (last === null && (st.status === 'done' || st.status === 'sent' || ranFailed)) last = { index: i, live: false, handle: st.status === 'sent' ? st.handle : null };
  }
  return last;
}

/** Whether Re-run Failed Jobs applies: the environment's latest operation has ended and its run finished without success. */
export function rerunnable(node: { live: boolean; journalState: string; run: { status: string; conclusion: string | null } }): boolean {
  const c = node.run.conclusion;
  return !node.live && node.journalState !== 'running' && node.run.status === 'completed' && c !== 'success' && c !== 'skipped' && c !== 'neutral';
}

/** A name from GitHub as one plain line of at most `max` characters. */
export function clipLine(text: string, max = 100): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The run and the jobs of its latest attempt (two reads; faults mapped by the deployer). */
async function readRun(deployer: GitHubDeployer, runId: number): Promise<RunView> {
  return { ...(await deployer.workflowRun(runId)), readAt: Date.now() };
}

interface RunEntry {
  at: number;
  value: Promise<RunView | { error: string }>;
  /** The run is completed: read again only when forgotten (a re-run) or invalidated. */
  final: boolean;
}

export class DeployView implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, Promise<GitHubEnvironments>>();
  private readonly waits = new Map<string, ReviewWait>();
  private readonly live = new Map<string, DeployJournal>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly connector: GitHubConnector,
    private readonly log: Logger,
  ) {
    this.subs = [connector.onDidChange(() => (this.deployers.clear(), this.invalidate())), model.onDidChange(() => this.cache.clear())];
  }

  /** Drops what was read; the tree reads again on its next look. */
  invalidate(): void {
    this.cache.clear();
    this.runs.clear();
    for (const [k, h] of this.handles) if (h === null) this.handles.delete(k);
    this.changed.fire();
  }

  /** A driver of this window recorded an event: the row shows it at once (no GitHub read). */
  update(key: string, journal: DeployJournal): void {
    this.remember(journal);
    this.live.set(key, journal);
    if (journal.state !== 'running') this.waits.delete(key);
    this.changed.fire();
  }

  private readonly driving = new Set<string>();

  /** Marks an operation as driven by this window (its row shows progress, not "resume"). */
  setDriven(id: string, driven: boolean): void {
    if (driven) this.driving.add(id);
    else this.driving.delete(id);
    this.changed.fire();
  }

  /** The operations this window drives now, as last recorded (for the status bar). */
  running(): DeployJournal[] {
    return [...this.live.values()].filter((j) => j.state === 'running' && this.driving.has(j.id));
  }

  /** Whether this window drives the operation now. */
  driven(id: string): boolean {
    return this.driving.has(id);
  }

  /** The driver says a run waits for reviewers (or no longer does: empty list). */
  setReviews(wait: ReviewWait): void {
    if (wait.reviews.length === 0) this.waits.delete(wait.key);
    else this.waits.set(wait.key, wait);
    this.changed.fire();
  }

  /** Pending reviews of a repository. */
  reviews(root: string): ReviewWait[] {
    return [...this.waits.values()].filter((w) => w.root === root);
  }

  /** The environments of a repository: what GitHub said (read once, then cached) with the journals as they are now. */
  async snapshot(root: string): Promise<EnvironmentsSnapshot> {
    let s = this.cache.get(root);
    if (!s) {
      s = this.read(root);
      this.cache.set(root, s);
    }
    const base = await s;
    if (base.kind === 'not-github') return base;
    const journals = await this.journals(root);
    const ladder = this.model.find(root)?.config?.deploy?.environments;
    const envs = [...base.envs];
    // Environments only the journals know (a first deploy, or signed out) are shown too; a config's ladder is the list.
    if (!ladder) for (const j of journals) if (!envs.some((e) => e.name.toLowerCase() === j.plan.environment.toLowerCase())) envs.push(j.env);
    const rows = envs.map((env) => ({ env, last: base.last.get(env.name) ?? null, journal: journals.find((j) => j.plan.environment.toLowerCase() === env.name.toLowerCase()) ?? null }));
    return base.kind === 'ok' ? { kind: 'ok', rows } : { kind: base.kind, message: base.message, rows };
  }

  private readonly runs = new Map<string, RunEntry>();
  /** Run handles of journal steps (`<journal id>:<index>`) seen while sent (a failed step's journal state no longer has it); null: looked up, not found. */
  private readonly handles = new Map<string, RunHandle | null>();
  private readonly deployers = new Map<string, Promise<GitHubDeployer>>();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  private remember(j: DeployJournal): void {
    j.steps.forEach((s, i) => {
      if (s.state.status === 'sent' && s.state.handle?.runId !== undefined) this.handles.set(`${j.id}:${i}`, s.state.handle);
    });
  }

  /** A silent workflow deployer of the repository, reused while the run is followed. */
  private deployerFor(root: string): Promise<GitHubDeployer> {
    let d = this.deployers.get(root);
    if (!d) {
      d = this.connector.deployer(root, 'workflow', { interactive: false });
      d.catch(() => this.deployers.delete(root));
      this.deployers.set(root, d);
    }
    return d;
  }

  /**
   * The workflow run an environment row shows (its latest operation's current, failed or last run),
   * read from GitHub at most every RUN_REFRESH_MS while it is not finished and the row is expanded
   * (the tree asks only then); a finished run is read once. Null when the row has no run.
   */
  async runOf(root: string, row: EnvironmentRow): Promise<RunOfRow | null> {
    const j = row.journal;
    const t = runTarget(j);
    if (!j || !t) return null;
    // While the operation runs (here, in another window or the CLI), an expanded row looks again soon: its next run shows without a click.
    if (j.state === 'running') this.schedulePoll();
    const step = j.steps[t.index]!;
    const key = `${j.id}:${t.index}`;
    let handle = t.handle ?? this.handles.get(key);
    if (handle === undefined) {
      try {
        const deployer = await this.deployerFor(root);
        const found = await deployer.find({ environment: j.env, step: step.plan, correlationId: correlationId(j, step.phase, t.index), since: Date.parse(j.startedAt) });
        handle = found.kind === 'found' ? found.handle : null;
        this.handles.set(key, handle);
      } catch (e) {
        this.logFailure(e);
        return { kind: 'message', text: `${clipLine(step.plan.label)}: its workflow run could not be read (see the log)` };
      }
    }
    if (handle?.runId === undefined) return { kind: 'message', text: `${clipLine(step.plan.label)}: its workflow run could not be identified` };
    const run = await this.run(root, handle.runId);
    if ('error' in run) return { kind: 'message', text: run.error };
    return { kind: 'run', environment: j.plan.environment, journalId: j.id, journalState: j.state, stepLabel: step.plan.label, live: t.live, run };
  }

  /** A run with its jobs: cached; read again when older than RUN_REFRESH_MS and not finished. */
  private run(root: string, runId: number): Promise<RunView | { error: string }> {
    const k = `${root}\n${runId}`;
    const hit = this.runs.get(k);
    if (hit && (hit.final || Date.now() - hit.at < RUN_REFRESH_MS)) return hit.value;
    const entry: RunEntry = { at: Date.now(), final: false, value: Promise.resolve({ error: '' }) };
    entry.value = this.deployerFor(root)
      .then((d) => readRun(d, runId))
      .then(
        (v) => {
          entry.final = v.status === 'completed';
          if (!entry.final) this.schedulePoll();
          return v;
        },
        (e: unknown) => (this.logFailure(e), { error: `Workflow run ${runId} could not be read (see the log)` }),
      );
    entry.at = Date.now();
    this.runs.set(k, entry);
    if (this.runs.size > 50) this.runs.delete(this.runs.keys().next().value!);
    return entry.value;
  }

  /** Reads the run again on the next look (after a re-run) and refreshes the tree. */
  forgetRun(root: string, runId: number): void {
    this.runs.delete(`${root}\n${runId}`);
    this.changed.fire();
  }

  /** One refresh of the tree after RUN_REFRESH_MS: the expanded rows of unfinished runs read again; collapsed ones are not asked. */
  private schedulePoll(): void {
    if (this.pollTimer !== undefined) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.changed.fire();
    }, RUN_REFRESH_MS);
  }

  /** The deploy journals of a repository, newest first; the ones this window is driving as they are now. */
  async journals(root: string): Promise<DeployJournal[]> {
    const repo = this.model.repo(root);
    if (!repo) return [];
    const stored = await new FileDeployJournalStore(repo.gitCommonDir).list().catch((e: unknown) => (this.log.warn(`deploy journal of ${root} unreadable: ${e instanceof Error ? e.message : String(e)}`), [] as DeployJournal[]));
    for (const j of stored) this.remember(j);
    return stored
      .map((j) => {
        const mine = [...this.live.values()].find((l) => l.id === j.id);
        return mine && mine.revision > j.revision ? mine : j;
      })
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** What GitHub says: the environments (the ladder, or the repository's GitHub environments) and their newest deployment. */
  private async read(root: string): Promise<GitHubEnvironments> {
    void this.readForeignReviews(root);
    const ladder = this.model.find(root)?.config?.deploy?.environments;
    // Command and task environments: their history is local (the git directory), shown even offline or off GitHub.
    const repo = this.model.repo(root);
    const localLast = new Map<string, DeploymentRecord | null>();
    if (repo) {
      const history = new LocalDeployHistory(repo.gitCommonDir);
      for (const env of (ladder ?? []).filter(isLocalProvider)) {
        const list = await history.list(env.name).catch((e: unknown) => (this.logFailure(e), [] as DeploymentRecord[]));
        localLast.set(env.name, shownDeployment(list));
      }
    }
    try {
      if (ladder && ladder.every(isLocalProvider)) return { kind: 'ok', envs: ladder, last: localLast };
      // A few per environment: the row shows the newest deployment that took all the traffic (not a canary step or an abort at 0 %).
      const deployer = await this.connector.deployer(root, 'deployments', { interactive: false, historyLimit: 5 });
      let envs: EnvironmentConfig[];
      if (ladder) envs = ladder;
      else {
        const names = await deployer.octokit.rest.repos.getAllEnvironments({ owner: deployer.repo.owner, repo: deployer.repo.repo, per_page: 100 }).then(
          (res) => (res.data.environments ?? []).map((e) => e.name),
          (e: unknown) => (this.logFailure(e), [] as string[]),
        );
        envs = names.flatMap((n) => {
          try {
            return [implicitEnvironment(n)];
          } catch {
            return [];
          }
        });
      }
      const last = new Map<string, DeploymentRecord | null>(localLast);
      await Promise.all(
        envs.filter((env) => !isLocalProvider(env)).map(async (env) => {
          const list = await deployer.listDeployments(githubEnvironment(env)).catch((e: unknown) => (this.logFailure(e), [] as DeploymentRecord[]));
          last.set(env.name, shownDeployment(list));
        }),
      );
      return { kind: 'ok', envs, last };
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'no-token') return { kind: 'signed-out', message: e.message, envs: ladder ?? [], last: localLast };
      if (e instanceof GitHubError && e.code === 'not-github' && !ladder?.some(isLocalProvider)) return { kind: 'not-github', message: e.message };
      if (!(e instanceof GitHubError && e.code === 'not-github')) this.logFailure(e);
      return { kind: 'error', message: e instanceof ReleaseError ? e.message : 'Could not read the environments (see the log)', envs: ladder ?? [], last: localLast };
    }
  }

  /**
   * Pending reviews of runs this window does not drive (started by the CLI or another window): read
   * from GitHub with each look at the environments, so they can be approved or rejected here too.
   */
  private async readForeignReviews(root: string): Promise<void> {
    try {
      const journals = (await this.journals(root)).filter((j) => j.state === 'running' && !this.driving.has(j.id));
      const keys = new Set(journals.map((j) => deployJournalKey(j.repo, j.plan.environment)));
      for (const [key, w] of this.waits) {
        if (w.root === root && w.foreign && !keys.has(key)) {
          this.waits.delete(key);
          this.changed.fire();
        }
      }
      for (const j of journals) {
        const key = deployJournalKey(j.repo, j.plan.environment);
        const sent = j.steps.map((s) => s.state).find((st): st is Extract<typeof st, { status: 'sent' }> => st.status === 'sent' && st.handle !== null && (st.handle.runId !== undefined || st.handle.deploymentId !== undefined));
        if (!sent?.handle) {
          if (this.waits.get(key)?.foreign) this.waits.delete(key);
          continue;
        }
        // The repository's silent deployer observes runs and deployments alike.
        const o = await (await this.deployerFor(root)).observe(sent.handle);
        const reviews = o.status === 'waiting' ? (o.reviews ?? []) : [];
        const had = this.waits.get(key);
        if (reviews.length > 0) this.waits.set(key, { root, key, environment: j.plan.environment, handle: sent.handle, reviews, foreign: true });
        else if (had?.foreign) this.waits.delete(key);
        if (reviews.length > 0 || had?.foreign) this.changed.fire();
      }
    } catch (e) {
      // Signed out, offline: the reviews of other windows are not shown (this window's own still are).
      if (!(e instanceof GitHubError && e.code === 'no-token')) this.logFailure(e);
    }
  }

  private logFailure(e: unknown): void {
    this.log.warn(`Environments view: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
  }

  dispose(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

/** "v1.4.0 · success · 3 min ago (16:40)" of a deployment (local time). */
export function deploymentLine(d: DeploymentRecord): string {
  const outcome = deploymentOutcome(d);
  const latest = [...d.statuses].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const when = whenText(latest?.createdAt ?? d.createdAt);
  return `${d.version ?? d.ref} · ${latest?.state ?? outcome} · ${when}`;
}

/** The deployment a row shows: the newest that took all the traffic (weight unknown counts as all), else the newest. */
export function shownDeployment(list: readonly DeploymentRecord[]): DeploymentRecord | null {
  return list.find((d) => d.weight === null || d.weight >= 100) ?? list[0] ?? null;
}
