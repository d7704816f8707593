/**
 * The deploy flow shared by the CLI and the editor: which release HEAD (or a ref) is, and starting
 * (or attaching to) an operation then driving it to its end or a question. Each front end only says
 * how to ask and how to show; the journal, the driver and the resume rules are the same.
 */
import type { DeployJournal, StartRequest } from '../core/deploy/journal';
import { startOperation } from '../core/deploy/journal';
import type { DeployPlan, DeployRelease } from '../core/deploy/plan';
import type { Deployer, DeployJournalStore, HealthProbe, PendingReview, RunHandle } from '../core/deploy/ports';
import { versionFromRef } from '../core/deploy/rollback';
import { answer, runOperation, type RunDeps, type RunStop } from '../core/deploy/run';
import type { EnvironmentConfig } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import type { LocalGitRepo } from '../git/gitRepo';
import { randomBytes } from 'node:crypto';

/** Waits, or rejects with "cancelled" when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A fresh operation id (the prefix of every correlation id). */
export function newOperationId(): string {
  return `op-${randomBytes(6).toString('hex')}`;
}

/** Where an operation runs: the repository on GitHub, the environment, its provider and the journal. */
export interface FlowTarget {
  slug: string;
  env: EnvironmentConfig;
  deployer: Deployer;
  store: DeployJournalStore;
  key: string;
  session: string;
}

/** The version tags at HEAD (local), newest first by name. */
export async function versionTagsAtHead(repo: LocalGitRepo): Promise<string[]> {
  const head = await repo.resolveCommit('HEAD');
  return (await repo.tags()).filter((t) => t.commit === head && versionFromRef(t.name) !== null).map((t) => t.name);
}

/** The release at `ref` (default: the one version tag at HEAD), resolved on GitHub so it exists there. */
export async function releaseAt(repo: LocalGitRepo, deployer: Deployer, ref: string | undefined, signal?: AbortSignal): Promise<DeployRelease> {
  let name = ref;
  if (name === undefined) {
    const tags = await versionTagsAtHead(repo);
    if (tags.length !== 1) throw new UsageError(tags.length === 0 ? 'HEAD has no version tag to deploy.' : `HEAD has several version tags (${tags.join(', ')}).`, 'Name the release with --ref TAG.');
    name = tags[0]!;
  }
  const version = versionFromRef(name);
  if (version === null) throw new UsageError(`--ref ${JSON.stringify(name.slice(0, 100))} does not name a version (v1.2.3).`, 'Deploy a release tag.');
  const sha = await deployer.resolveRef(name, signal);
  if (sha === null) throw new UsageError(`${name} does not exist on GitHub.`, 'Push the tag first (git push origin TAG).');
  return { version, sha, ref: name };
}

/** How a front end takes part in a drive. */
export interface DriveHooks {
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  probe: HealthProbe;
  signal?: AbortSignal;
  /** Another operation runs on the environment: stop it and go ahead? */
  supersede(question: string): Promise<boolean>;
  /** Told when this drive continues a running operation, or stopped one to start. */
  note?(kind: 'continuing' | 'superseded', journal: DeployJournal): void;
  /** The fix of the error raised when another writer changed the journal while starting. */
  conflictFix?: string;
  onEvent?: RunDeps['onEvent'];
  onReview?: (index: number, handle: RunHandle, reviews: PendingReview[]) => void | Promise<void>;
  /** Resume once when the operation was interrupted (running the command again is the choice to resume). Default true. */
  resumeOnce?: boolean;
}

/** How a drive ended. */
export type DriveOutcome =
  /** Another operation runs and the person did not stop it: nothing changed. */
  | { kind: 'declined'; question: string }
  /** The same operation finished moments ago: reported, not repeated. */
  | { kind: 'already-done'; journal: DeployJournal; ok: boolean }
  | { kind: 'done'; journal: DeployJournal; ok: boolean }
  /** Cancelled: the journal is paused. */
  | { kind: 'cancelled'; journal: DeployJournal }
  /** The machine asks a person something this front end cannot answer by itself. */
  | { kind: 'ask'; journal: DeployJournal; stop: RunStop };

const okState = (j: DeployJournal) => j.state === 'healthy' || j.state === 'rolled-back';

/** Starts (or attaches to) the operation of `plan` and drives it to its end or a question. */
export async function driveOperation(c: FlowTarget, plan: DeployPlan, hooks: DriveHooks): Promise<DriveOutcome> {
  const request: StartRequest = { repo: c.slug, id: newOperationId(), session: c.session, env: c.env, plan };
  const existing = await c.store.read(c.key);
  let decision = startOperation(existing, request, hooks.now());
  if (decision.kind === 'busy') {
    // Stopping a running operation is always asked (a confirmation of this one does not cover it).
    if (!(await hooks.supersede(decision.question))) return { kind: 'declined', question: decision.question };
    decision = startOperation(existing, { ...request, supersede: true }, hooks.now());
  }
  if (decision.kind === 'already-done') return { kind: 'already-done', journal: decision.journal, ok: okState(decision.journal) };
  if (decision.kind === 'start') {
    if (decision.superseded) hooks.note?.('superseded', decision.superseded);
    // One journal per environment: the new operation replaces the previous entry, compare-and-swap on what was read.
    if ((await c.store.write(c.key, decision.journal, existing?.revision ?? null)) === 'conflict') {
      throw new UsageError('Another window or process changed the operation on this environment meanwhile.', hooks.conflictFix ?? 'Look at the operation, then run the command again.');
    }
  } else hooks.note?.('continuing', decision.journal);
  return continueOperation(c, hooks);
}

/** Drives the environment's journal from where it stands (resume, after a Promote or an answer). */
export async function continueOperation(c: Pick<FlowTarget, 'deployer' | 'store' | 'key' | 'session'>, hooks: DriveHooks): Promise<DriveOutcome> {
  const runDeps: RunDeps = {
    deployer: c.deployer,
    store: c.store,
    probe: hooks.probe,
    now: hooks.now,
    sleep: hooks.sleep,
    session: c.session,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
    ...(hooks.onReview ? { onReview: hooks.onReview } : {}),
  };
  for (let asked = 0; asked < 3; asked++) {
    const stop = await runOperation(c.key, runDeps);
    if (stop.action.kind === 'done') return { kind: 'done', journal: stop.journal, ok: okState(stop.journal) };
    if (hooks.signal?.aborted) return { kind: 'cancelled', journal: stop.journal };
    // Running the command again on an interrupted operation is the person's choice to resume it.
    if (stop.action.choices.includes('resume') && asked === 0 && hooks.resumeOnce !== false) {
      await answer(c.key, 'resume', stop.action.index, runDeps);
      continue;
    }
    return { kind: 'ask', journal: stop.journal, stop };
  }
  const journal = (await c.store.read(c.key))!;
  return { kind: 'ask', journal, stop: { journal, action: { kind: 'ask', index: null, reason: 'The operation keeps asking to resume.', choices: ['inspect', 'abort'] } } };
}
