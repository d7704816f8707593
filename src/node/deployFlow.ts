/**
 * The deploy flow shared by the CLI and the editor: which release HEAD (or a ref) is, and starting
 * (or attaching to) an operation then driving it to its end or a question. Each front end only says
 * how to ask and how to show; the journal, the driver and the resume rules are the same.
 */
import type { ReleaseConfig } from '../core/config';
import type { StartRequest } from '../core/deploy/journal';
import type { DeployJournal } from '../core/deploy/journalTypes';
import { failureToReport, journalSummary, operationSucceeded, startOperation } from '../core/deploy/journal';
import type { DeployPlan, DeployRelease } from '../core/deploy/plan';
import type { Deployer, DeployJournalStore, HealthProbe, PendingReview } from '../core/deploy/ports';
import type { RunHandle } from '../core/deploy/runHandle';
import { renderDeployRecord } from '../core/deploy/record';
import { versionFromRef } from '../core/deploy/rollback';
import { answer, runOperation, type RunDeps, type RunStop } from '../core/deploy/run';
import type { EnvironmentConfig } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import { DECISION_LOG_HEADER } from '../core/gates/decisionLog';
import type { LocalGitRepo } from '../git/gitRepo';
import { appendInside } from './appendFile';
import { describeSession, sessionAlive } from './session';
import { randomBytes } from 'node:crypto';
import { whoAmI } from './whoAmI';

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
  /** The repository part of the journal key (the journal's `repo`). */
  slug: string;
  /** How the repository is shown to a person (default: slug); `local/<folder>` for a repository keyed by its id. */
  label?: string;
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
  onObserve?: RunDeps['onObserve'];
  /** How long to wait between looks at a running step (default 10 s). */
  pollMs?: number;
  /** Resume once when the operation was interrupted (running the command again is the choice to resume). Default true. */
  resumeOnce?: boolean;
  /** Where to append the decision-log entry of an operation that finishes in this drive (success, abort, failure); none when absent. */
  decisionLog?: DecisionLogTarget;
  /** Whether the session driving an operation still runs (default: its process, on this machine); a live one is not taken over without asking. */
  sessionAlive?: (session: string) => boolean | null;
  /** Told what went wrong around a finished operation without changing its result (e.g. its failure could not be marked on the provider). */
  onWarning?: (message: string) => void;
}

/** The decision log an operation's entry goes to, and who is recorded as running it. */
export interface DecisionLogTarget {
  /** Repository root. */
  root: string;
  /** Repository-relative log file (`config.decisionLog`). */
  file: string;
  who: () => Promise<string>;
  /** Told where the entry was written, or why it could not be (the operation's result stands either way). */
  onWritten?: (path: string) => void;
  onError?: (error: unknown) => void;
}

/** The decision-log target of a repository: its configured log, with the git identity (else the OS user) as who. */
export function decisionLogTarget(repo: LocalGitRepo, config: Pick<ReleaseConfig, 'decisionLog'>, callbacks: Pick<DecisionLogTarget, 'onWritten' | 'onError'> = {}): DecisionLogTarget {
  return { root: repo.root, file: config.decisionLog, who: () => whoAmI(repo), ...callbacks };
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

const okState = operationSucceeded;

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
    ...(hooks.onObserve ? { onObserve: hooks.onObserve } : {}),
    ...(hooks.pollMs !== undefined ? { pollMs: hooks.pollMs } : {}),
  };
  // An operation that had already finished before this drive is not recorded (or marked) again.
  const wasFinished = ((await c.store.read(c.key))?.finishedAt ?? null) !== null;
  for (let asked = 0; asked < 3; asked++) {
    const stop = await runOperation(c.key, runDeps);
    if (stop.action.kind === 'done') {
      if (!wasFinished) await markFailedDeployments(c.deployer, stop.journal, hooks);
      if (!wasFinished && hooks.decisionLog) await recordFinished(hooks.decisionLog, stop.journal);
      return { kind: 'done', journal: stop.journal, ok: okState(stop.journal) };
    }
    if (hooks.signal?.aborted) return { kind: 'cancelled', journal: stop.journal };
    // Running the command again on an interrupted operation is the person's choice to resume it;
    // one a live process of this machine drives is not interrupted: taking it over is asked.
    if (stop.action.choices.includes('resume') && asked === 0 && hooks.resumeOnce !== false && stop.journal.paused === null && stop.journal.session !== c.session && (hooks.sessionAlive ?? sessionAlive)(stop.journal.session) === true) {
      const reason = `${journalSummary(stop.journal)}: ${describeSession(stop.journal.session)} is driving it right now. Wait for it, take it over (resume), or stop it (abort).`;
      return { kind: 'ask', journal: stop.journal, stop: { journal: stop.journal, action: { ...stop.action, reason } } };
    }
    if (stop.action.choices.includes('resume') && asked === 0 && hooks.resumeOnce !== false) {
      await answer(c.key, 'resume', stop.action.index, runDeps);
      continue;
    }
    return { kind: 'ask', journal: stop.journal, stop };
  }
  const journal = (await c.store.read(c.key))!;
  return { kind: 'ask', journal, stop: { journal, action: { kind: 'ask', index: null, reason: 'The operation keeps asking to resume.', choices: ['inspect', 'abort'] } } };
}

/**
 * Marks on the provider what the finished operation showed to be bad (`failureToReport`): the
 * release of a failed, aborted or rolled-back deploy, the deployment a rollback replaced. A fault is
 * a warning: the operation's result stands.
 */
async function markFailedDeployments(deployer: Deployer, journal: DeployJournal, hooks: Pick<DriveHooks, 'onWarning' | 'signal'>): Promise<void> {
  const failure = failureToReport(journal);
  if (failure === null || !deployer.markFailed) return;
  try {
    await deployer.markFailed({ environment: journal.env, ...failure }, hooks.signal);
  } catch (e) {
    hooks.onWarning?.(`the deployments of ${failure.sha.slice(0, 12)} in ${journal.plan.environment} could not be marked failed (${e instanceof Error ? e.message : String(e)}); a rollback or promotion may still take them for good ones.`);
  }
}

/** Appends the decision-log entry of a finished operation; a failure to write is reported, never thrown. */
async function recordFinished(target: DecisionLogTarget, journal: DeployJournal): Promise<void> {
  try {
    const written = await appendInside(target.root, target.file, renderDeployRecord(journal, await target.who()), DECISION_LOG_HEADER);
    target.onWritten?.(written);
  } catch (e) {
    target.onError?.(e);
  }
}
