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
import { acquireLease, LEASE_WAIT_MS, type DriverLease, type LeaseHolder } from './driverLease';
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
  /** Told while this drive waits for another one to let go of the environment (its step in flight to end), and what it waits for. */
  onWait?: (message: string) => void;
  /** How long to wait for that (default LEASE_WAIT_MS). */
  leaseWaitMs?: number;
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
  | { kind: 'ask'; journal: DeployJournal; stop: RunStop }
  /** Another drive still holds the environment (its step in flight has not ended): this one sent nothing. */
  | { kind: 'busy'; reason: string; fix: string };

const okState = operationSucceeded;

/** The driver lease file of a journal store that keeps one (the file store); none for other stores (tests' in-memory ones). */
function leaseFileOf(c: Pick<FlowTarget, 'store' | 'key'>): string | null {
  const store = c.store as Partial<{ driverLeaseFile: (key: string) => string }>;
  return typeof store.driverLeaseFile === 'function' ? store.driverLeaseFile(c.key) : null;
}

/** "300 ms", "45 s", "15 min". */
function durationText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** What a drive waits for while another one holds the environment, for messages. */
function holderText(holder: LeaseHolder | null): string {
  if (holder === null) return 'another drive (its lease is being changed)';
  return `${describeSession(holder.session)}, driving operation ${holder.operation}`;
}

/**
 * Takes the environment's driver lease for operation `operation`, waiting (bounded, cancellable)
 * while another drive holds it: a drive that was superseded or taken over lets go once its step in
 * flight has ended. `lease: null` when the store keeps no lease.
 */
async function takeLease(c: Pick<FlowTarget, 'store' | 'key' | 'session'>, operation: string, hooks: DriveHooks, waitingFor: string, superseded: DeployJournal | null = null): Promise<{ lease: DriverLease | null } | Extract<DriveOutcome, { kind: 'busy' }>> {
  const file = leaseFileOf(c);
  if (file === null) return { lease: null };
  const waitMs = hooks.leaseWaitMs ?? LEASE_WAIT_MS;
  const got = await acquireLease(file, { session: c.session, operation }, {
    waitMs,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onWait: (holder) => hooks.onWait?.(`Waiting for ${holderText(holder)} to end ${waitingFor} before going on (up to ${durationText(waitMs)}; nothing is sent meanwhile)…`),
  });
  if (got.kind === 'held') return { lease: got.lease };
  // The operation this one stopped stays stopped: say so, or the person may take it for still running.
  const stopped = superseded ? ` The ${superseded.plan.operation} of ${superseded.plan.release.version} stays stopped (${superseded.outcome ?? 'superseded'}): it sends no further step.` : '';
  if (hooks.signal?.aborted) {
    return { kind: 'busy', reason: `Stopped waiting for ${holderText(got.holder)} to end ${waitingFor}. Nothing was sent by this command.${stopped}`, fix: 'Run the command again to keep waiting (release-manager status shows where it stands).' };
  }
  return {
    kind: 'busy',
    reason: `${holderText(got.holder)} still holds the environment after ${durationText(waitMs)}: ${waitingFor} has not ended. Nothing was sent by this command.${stopped}`,
    fix: 'Run the command again to keep waiting, or stop the step on the provider first (release-manager status shows where it stands).',
  };
}

/**
 * Lets go of the lease once every step this process started for the drive has ended (a local
 * command or task keeps running after a Ctrl-C, a Cancel or an error): at once when they have, else
 * in the background, so no other drive starts while one of ours is still in flight.
 */
async function releaseAfterSteps(deployer: Deployer, lease: DriverLease | null): Promise<void> {
  if (lease === null) return;
  const settled = (deployer as Partial<{ settled: () => Promise<void> }>).settled;
  if (typeof settled !== 'function') return lease.release();
  let ended = false;
  const all = settled.call(deployer).then(
    () => void (ended = true),
    () => void (ended = true),
  );
  await new Promise((r) => setImmediate(r));
  if (ended) return lease.release();
  void all.then(() => lease.release());
}

/** Starts (or attaches to) the operation of `plan` and drives it to its end or a question. */
export async function driveOperation(c: FlowTarget, plan: DeployPlan, hooks: DriveHooks): Promise<DriveOutcome> {
  const request: StartRequest = { repo: c.slug, id: newOperationId(), session: c.session, env: c.env, plan };
  let existing = await c.store.read(c.key);
  let decision = startOperation(existing, request, hooks.now());
  if (decision.kind === 'busy') {
    // Stopping a running operation is always asked (a confirmation of this one does not cover it).
    if (!(await hooks.supersede(decision.question))) return { kind: 'declined', question: decision.question };
    decision = startOperation(existing, { ...request, supersede: true }, hooks.now());
  }
  if (decision.kind === 'already-done') return { kind: 'already-done', journal: decision.journal, ok: okState(decision.journal) };
  if (decision.kind !== 'start') {
    hooks.note?.('continuing', decision.journal);
    return continueOperation(c, hooks);
  }
  const conflict = () => new UsageError('Another window or process changed the operation on this environment meanwhile.', hooks.conflictFix ?? 'Look at the operation, then run the command again.');
  if (decision.superseded) {
    // The running operation is told first, in its own journal: its drive sends no further step (the
    // compare-and-swap of its next dispatch fails) and follows its step in flight to its end.
    // A superseded journal has a higher revision than any its drive expects, so it never writes over the next one.
    if ((await c.store.write(c.key, decision.superseded, existing!.revision)) === 'conflict') throw conflict();
    hooks.note?.('superseded', decision.superseded);
    existing = decision.superseded;
    const inFlight = existing.steps.find((s) => s.state.status === 'sending' || s.state.status === 'sent');
    if (inFlight && (hooks.sessionAlive ?? sessionAlive)(existing.session) === false) {
      // Nobody can be waited for: the process that sent it ended without recording how the step ended.
      hooks.onWarning?.(`${describeSession(existing.session)} that drove the ${existing.plan.operation} of ${existing.plan.release.version} is gone: its step in flight ("${inFlight.plan.label}") may still be running; nothing waits for it.`);
    }
  }
  const step = existing && existing.state !== 'running' && existing.steps.some((s) => s.state.status === 'sending' || s.state.status === 'sent') ? `the step in flight of the ${existing.plan.operation} of ${existing.plan.release.version}` : 'its step in flight';
  const taken = await takeLease(c, request.id, hooks, step, decision.superseded);
  if (!('lease' in taken)) return taken;
  try {
    // One journal per environment: the new operation replaces the previous entry, compare-and-swap on
    // what is stored now (the superseded drive may have recorded how its last step ended meanwhile),
    // its revision above every earlier one.
    const current = await c.store.read(c.key);
    if (current !== null && current.state === 'running' && current.id !== existing?.id) throw conflict();
    const journal = { ...decision.journal, revision: current === null ? 0 : current.revision + 1 };
    if ((await c.store.write(c.key, journal, current?.revision ?? null)) === 'conflict') throw conflict();
    return await continueOperation(c, hooks, taken.lease);
  } finally {
    await releaseAfterSteps(c.deployer, taken.lease);
  }
}

/**
 * Drives the environment's journal from where it stands (resume, after a Promote or an answer).
 * A drive of this session's journal holds the environment's driver lease while it runs (`lease`:
 * one already taken); one that only asks (another live process drives it) takes none.
 */
export async function continueOperation(c: Pick<FlowTarget, 'deployer' | 'store' | 'key' | 'session'>, hooks: DriveHooks, lease: DriverLease | null = null): Promise<DriveOutcome> {
  let held = lease;
  try {
    return await continueHolding(c, hooks, () => held !== null || leaseFileOf(c) === null, async (operation) => {
      const taken = await takeLease(c, operation, hooks, 'its step in flight');
      if (!('lease' in taken)) return taken;
      held = taken.lease;
      return null;
    });
  } finally {
    if (held !== lease) await releaseAfterSteps(c.deployer, held);
  }
}

async function continueHolding(
  c: Pick<FlowTarget, 'deployer' | 'store' | 'key' | 'session'>,
  hooks: DriveHooks,
  holding: () => boolean,
  take: (operation: string) => Promise<Extract<DriveOutcome, { kind: 'busy' }> | null>,
): Promise<DriveOutcome> {
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
  // An operation that had already finished before this drive is not recorded (or marked) again
  // (told once the lease is held: a second drive of this session waits for the first, which records it).
  let wasFinished: boolean | null = null;
  for (let asked = 0; asked < 3; asked++) {
    if (!holding()) {
      // Only a drive of this session's running journal sends anything: it holds the lease first.
      const j = await c.store.read(c.key);
      if (j !== null && j.state === 'running' && j.session === c.session && j.paused === null) {
        const stopped = await take(j.id);
        if (stopped !== null) return stopped;
      }
    }
    wasFinished ??= ((await c.store.read(c.key))?.finishedAt ?? null) !== null;
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
