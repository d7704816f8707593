/**
 * The deployment history of environments deployed by a local command or a VS Code task, which have
 * no GitHub deployment: one file per environment in the repository's git directory
 * (`<git common dir>/release-manager/deployments/<env>.json`, shared by the CLI and every editor
 * window). Each dispatched step is recorded when it starts and again when it ends, as
 * `DeploymentRecord`s (newest first), so rollback targets and promotion read it exactly like GitHub
 * deployments. Writes happen under a short exclusive lock and replace the file atomically.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DeployOperation } from '../core/deploy/plan';
import { deploymentOutcome, type DeploymentRecord, type DeploymentState } from '../core/deploy/rollback';
import { environmentNameSchema, type EnvironmentConfig } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import type { LocalGitRepo } from '../git/gitRepo';
import { readTextOrNull, withLockFile, writeFileAtomic } from './atomicFile';

/** Entries kept per environment (the oldest are dropped). */
export const HISTORY_LIMIT = 200;

/** One recorded step: a DeploymentRecord plus what identifies the step and the process that ran it. */
export interface LocalDeployEntry extends DeploymentRecord {
  provider: 'command' | 'task';
  correlationId: string;
  executionId: string;
  operation: DeployOperation;
  /** The strategy step number (1-based; 0 for an abort). */
  step: number;
  /** The process that ran it (an outcome never recorded means that process ended or runs elsewhere). */
  pid: number;
  host: string;
}

/** What is recorded when a step starts. */
export type StartedEntry = Omit<LocalDeployEntry, 'id' | 'statuses' | 'pid' | 'host' | 'createdAt'>;

interface HistoryFile {
  kind: 'local-deployments';
  version: 1;
  environment: string;
  entries: LocalDeployEntry[];
}

/** The per-environment history files of one repository. */
export class LocalDeployHistory {
  readonly dir: string;

  constructor(
    gitCommonDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly lockWaitMs = 5_000,
  ) {
    this.dir = join(gitCommonDir, 'release-manager', 'deployments');
  }

  /** The file of an environment (names are checked: they are file names here). */
  file(environment: string): string {
    if (!environmentNameSchema().safeParse(environment).success) throw new UsageError(`Environment ${JSON.stringify(environment.slice(0, 64))} is not a valid environment name.`, 'Use letters, digits, ".", "_" or "-".');
    return join(this.dir, `${environment.toLowerCase()}.json`);
  }

  /** Every recorded step of the environment, newest first; a missing or unreadable file is an empty history only when missing. */
  async list(environment: string): Promise<LocalDeployEntry[]> {
    const text = await readTextOrNull(this.file(environment));
    if (text === null) return [];
    return parseHistory(text, this.file(environment)).entries;
  }

  /** The entry of a step by its correlation id (several: a step sent again by a person's choice). */
  async byCorrelation(environment: string, correlationId: string): Promise<LocalDeployEntry[]> {
    return (await this.list(environment)).filter((e) => e.correlationId === correlationId);
  }

  /** The entry of an execution, or null. */
  async byExecution(environment: string, executionId: string): Promise<LocalDeployEntry | null> {
    return (await this.list(environment)).find((e) => e.executionId === executionId) ?? null;
  }

  /** Records the start of a step (status in_progress) before anything runs; returns the entry. */
  async started(entry: StartedEntry): Promise<LocalDeployEntry> {
    let made: LocalDeployEntry | null = null;
    await this.update(entry.environment, (entries) => {
      const at = this.now().toISOString();
      const id = entries.reduce((m, e) => Math.max(m, e.id), 0) + 1;
      made = { ...entry, id, createdAt: at, statuses: [{ state: 'in_progress', createdAt: at, description: 'started' }], pid: process.pid, host: hostname() };
      return [made, ...entries].slice(0, HISTORY_LIMIT);
    });
    return made!;
  }

  /** Records how an execution ended (newest status first, as GitHub lists them). */
  async finished(environment: string, executionId: string, state: Extract<DeploymentState, 'success' | 'failure' | 'error' | 'inactive'>, description: string): Promise<void> {
    await this.update(environment, (entries) =>
      entries.map((e) => (e.executionId === executionId ? { ...e, statuses: [{ state, createdAt: this.now().toISOString(), description: description.slice(0, 300) }, ...e.statuses] } : e)),
    );
  }

  /** Appends a failure status to the deployments of `sha` created at or after `since` that did not fail already; returns how many. */
  async markFailed(environment: string, sha: string, since: string, description: string): Promise<number> {
    let marked = 0;
    const from = Date.parse(since);
    await this.update(environment, (entries) =>
      entries.map((e) => {
        if (e.sha !== sha || Date.parse(e.createdAt) < from || deploymentOutcome(e) === 'failed') return e;
        marked++;
        return { ...e, statuses: [{ state: 'failure' as const, createdAt: this.now().toISOString(), description: description.slice(0, 300) }, ...e.statuses] };
      }),
    );
    return marked;
  }

  private async update(environment: string, change: (entries: LocalDeployEntry[]) => LocalDeployEntry[]): Promise<void> {
    const target = this.file(environment);
    await mkdir(this.dir, { recursive: true });
    const done = await withLockFile(`${target}.lock`, this.lockWaitMs, async () => {
      const text = await readTextOrNull(target);
      const current = text === null ? [] : parseHistory(text, target).entries;
      const file: HistoryFile = { kind: 'local-deployments', version: 1, environment, entries: change(current) };
      await writeFileAtomic(target, JSON.stringify(file, null, 2) + '\n', 0o600);
    });
    if (!done) throw new UsageError(`The deployment history ${target} stays locked by another process.`, 'Wait for the other deploy to finish; if none runs, delete the .lock file.');
  }
}

/** Parses a history file; anything else is an error naming the file (never read as "no deployments"). */
export function parseHistory(text: string, file: string): HistoryFile {
  let v: Partial<HistoryFile> | null = null;
  try {
    v = JSON.parse(text) as Partial<HistoryFile> | null;
  } catch {
    // fall through
  }
  if (!v || v.kind !== 'local-deployments' || v.version !== 1 || !Array.isArray(v.entries)) {
    throw new UsageError(`The deployment history ${file} is not readable.`, 'Restore it from a backup or delete it (rollback targets of that environment are then unknown).');
  }
  const entries = v.entries.filter(
    (e): e is LocalDeployEntry =>
      typeof e === 'object' && e !== null && typeof e.id === 'number' && typeof e.sha === 'string' && typeof e.ref === 'string' && typeof e.createdAt === 'string' && Array.isArray(e.statuses) && typeof e.executionId === 'string',
  );
  return { kind: 'local-deployments', version: 1, environment: String(v.environment ?? ''), entries: entries.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id) };
}

/** How a repository without GitHub is shown to a person: `local/<folder name>` (its journals are keyed by its id instead: movedJournals.ts). */
export function localSlugOf(root: string): string {
  const name = root.split(/[\\/]/).filter(Boolean).pop() ?? 'repo';
  return `local/${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'repo'}`;
}

/**
 * What the command and task deployers share: the local history of their environments, and the
 * release's refs and commits read from the local repository (no GitHub). They have no reviews.
 */
export abstract class LocalDeployerBase {
  readonly history: LocalDeployHistory;

  protected constructor(
    protected readonly repo: Pick<LocalGitRepo, 'resolveCommit' | 'gitCommonDir'>,
    history: LocalDeployHistory | undefined,
    private readonly what: string,
  ) {
    this.history = history ?? new LocalDeployHistory(repo.gitCommonDir);
  }

  async review(): Promise<void> {
    throw new UsageError(`${this.what} has no reviews to approve or reject.`, 'Reviews exist only for GitHub workflow runs.');
  }

  async listDeployments(environment: string): Promise<DeploymentRecord[]> {
    return this.history.list(environment);
  }

  async markFailed(request: { environment: EnvironmentConfig; sha: string; since: string; description: string }): Promise<number> {
    return this.history.markFailed(request.environment.name, request.sha, request.since, request.description);
  }

  async resolveRef(ref: string): Promise<string | null> {
    if (ref === '' || ref.startsWith('-') || /[\s~^:?*[\\]|\.\./.test(ref)) return null;
    try {
      return await this.repo.resolveCommit(ref);
    } catch {
      return null;
    }
  }

  async commitExists(sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return false;
    return (await this.resolveRef(sha)) === sha;
  }
}
