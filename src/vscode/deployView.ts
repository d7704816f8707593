/**
 * What the tree shows of deployments for each repository: the environments (the config's ladder, or
 * the repository's GitHub environments without one) with their last deployment, the operation running
 * on each (from the deploy journal, shared with the CLI), pending reviews the driver reported, and
 * unfinished operations to resume or inspect. Read silently (never a sign-in prompt), cached until a
 * refresh or a deploy.
 */
import * as vscode from 'vscode';
import type { DeployJournal } from '../core/deploy/journal';
import type { PendingReview, RunHandle } from '../core/deploy/ports';
import { deploymentOutcome, type DeploymentRecord } from '../core/deploy/rollback';
import { githubEnvironment, implicitEnvironment, type EnvironmentConfig } from '../core/deploy/schema';
import { GitHubError, ReleaseError } from '../core/errors';
import type { Logger } from '../core/ports';
import { redactSecrets } from '../core/secrets';
import { FileDeployJournalStore } from '../node/deployJournal';
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

/** A review a running step waits for (reported by the driver of this window). */
export interface ReviewWait {
  root: string;
  key: string;
  environment: string;
  handle: RunHandle;
  reviews: PendingReview[];
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
    this.subs = [connector.onDidChange(() => this.invalidate()), model.onDidChange(() => this.cache.clear())];
  }

  /** Drops what was read; the tree reads again on its next look. */
  invalidate(): void {
    this.cache.clear();
    this.changed.fire();
  }

  /** A driver of this window recorded an event: the row shows it at once (no GitHub read). */
  update(key: string, journal: DeployJournal): void {
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

  /** The deploy journals of a repository, newest first; the ones this window is driving as they are now. */
  async journals(root: string): Promise<DeployJournal[]> {
    const repo = this.model.repo(root);
    if (!repo) return [];
    const stored = await new FileDeployJournalStore(repo.gitCommonDir).list().catch((e: unknown) => (this.log.warn(`deploy journal of ${root} unreadable: ${e instanceof Error ? e.message : String(e)}`), [] as DeployJournal[]));
    return stored
      .map((j) => {
        const mine = [...this.live.values()].find((l) => l.id === j.id);
        return mine && mine.revision > j.revision ? mine : j;
      })
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** What GitHub says: the environments (the ladder, or the repository's GitHub environments) and their newest deployment. */
  private async read(root: string): Promise<GitHubEnvironments> {
    const ladder = this.model.find(root)?.config?.deploy?.environments;
    try {
      const deployer = await this.connector.deployer(root, 'deployments', { interactive: false, historyLimit: 1 });
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
      const last = new Map<string, DeploymentRecord | null>();
      await Promise.all(
        envs.map(async (env) => {
          const list = await deployer.listDeployments(githubEnvironment(env)).catch((e: unknown) => (this.logFailure(e), [] as DeploymentRecord[]));
          last.set(env.name, list[0] ?? null);
        }),
      );
      return { kind: 'ok', envs, last };
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'no-token') return { kind: 'signed-out', message: e.message, envs: ladder ?? [], last: new Map() };
      if (e instanceof GitHubError && e.code === 'not-github') return { kind: 'not-github', message: e.message };
      this.logFailure(e);
      return { kind: 'error', message: e instanceof ReleaseError ? e.message : 'Could not read the environments (see the log)', envs: ladder ?? [], last: new Map() };
    }
  }

  private logFailure(e: unknown): void {
    this.log.warn(`Environments view: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

/** "v1.4.0 · success · 2026-11-26 16:40" of a deployment. */
export function deploymentLine(d: DeploymentRecord): string {
  const outcome = deploymentOutcome(d);
  const latest = [...d.statuses].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const when = (latest?.createdAt ?? d.createdAt).replace('T', ' ').slice(0, 16);
  return `${d.version ?? d.ref} · ${latest?.state ?? outcome} · ${when}`;
}
