/**
 * The deploy flow shared by the CLI and the editor: which release HEAD (or a ref) is, and starting
 * (or attaching to) an operation then driving it to its end or a question. Each front end only says
 * how to ask and how to show; the journal, the driver and the resume rules are the same.
 */
import type { ReleaseConfig } from '../core/config';
import { judgeSample } from '../core/deploy/health';
import type { StartRequest } from '../core/deploy/journal';
import type { DeployJournal } from '../core/deploy/journalTypes';
import { failureToReport, journalSummary, operationSucceeded, startOperation } from '../core/deploy/journal';
import type { DeployPlan, DeployRelease, StrategyName } from '../core/deploy/plan';
import type { Deployer, DeployJournalStore, HealthProbe, PendingReview } from '../core/deploy/ports';
import type { RunHandle } from '../core/deploy/runHandle';
import { activeFreeze, canPromote, hotfixOf, type GatesState, type PreviousEnvironmentState, type PromotionBlocker, type PromotionDecision } from '../core/deploy/promotion';
import { renderDeployRecord } from '../core/deploy/record';
import { deploymentOutcome, versionFromRef, type DeploymentRecord } from '../core/deploy/rollback';
import { answer, runOperation, type RunDeps, type RunStop } from '../core/deploy/run';
import { findEnvironment, githubEnvironment, isLocalProvider, type EnvironmentConfig } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import { DECISION_LOG_HEADER } from '../core/gates/decisionLog';
import { runGates, verdict } from '../core/gates/engine';
import type { SignOff } from '../core/gates/context';
import type { GateResult } from '../core/gates/types';
import type { GitHubApi } from '../core/githubApi';
import type { LocalGitRepo } from '../git/gitRepo';
import { appendInside } from './appendFile';
import { LocalDeployHistory } from './localDeployHistory';
import { describeSession, sessionAlive } from './session';
import { createGateContext } from './gateContext';
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

// ------------------------------------------------------------------------------------------------
// Promotion: checked before a deploy starts (rollbacks skip it: they return to a known-good release).

/** What the promotion check reads. */
export interface PromotionCheckOptions {
  repo: LocalGitRepo;
  config: ReleaseConfig;
  env: EnvironmentConfig;
  release: DeployRelease;
  deployer: Deployer;
  probe: HealthProbe;
  /**
   * The release is a hotfix (deployable inside a code freeze): said by the person (CLI --hotfix), or
   * 'auto': a patch release of the version running in the environment (asked only during a freeze).
   */
  hotfix: boolean | 'auto';
  /** Command gates run only when allowed (trusted workspace, CLI --allow-commands). */
  commandsAllowed: boolean;
  commandsBlockedReason?: string;
  github?: () => Promise<GitHubApi>;
  /** A deployer for the previous environment when its provider differs from this one's (a GitHub one before a local command). */
  previousDeployer?: (prev: EnvironmentConfig) => Promise<Pick<Deployer, 'listDeployments'>>;
  /** Sign-offs of manual gates (the editor's; the CLI has none). */
  signOffs?: (version: string) => Promise<SignOff[]>;
  now: () => Date;
  strategy?: StrategyName;
  signal?: AbortSignal;
  gateConcurrency?: number;
}

/** The promotion decision, with the gate results it rests on. */
export type PromotionCheck = PromotionDecision & { gateResults: GateResult[] };

const FULL = (d: DeploymentRecord) => d.weight === null || d.weight >= 100;

/** When a deployment first reported success (milliseconds since the epoch). */
function successAt(d: DeploymentRecord): number {
  const times = d.statuses.filter((s) => s.state === 'success').map((s) => Date.parse(s.createdAt)).filter((t) => Number.isFinite(t));
  return times.length > 0 ? Math.min(...times) : Date.parse(d.createdAt);
}

/**
 * The state of the previous environment: its last successful (full) deployment from its deployment
 * statuses, and its health from its checks (one sample each, now). Without health checks its health
 * is the deployment's own status (succeeded, no failure reported since). With checks, a probe that
 * gives no verdict makes the health unknown: `unevaluated` says why.
 */
async function previousState(prev: EnvironmentConfig, release: DeployRelease, o: PromotionCheckOptions): Promise<{ state: PreviousEnvironmentState; notes: string[]; unhealthy?: string; unevaluated?: string }> {
  const deployments = await historyOf(prev, o);
  const succeeded = deployments
    .filter((d) => FULL(d) && deploymentOutcome(d) === 'succeeded')
    .map((d) => ({ d, at: successAt(d) }))
    .sort((a, b) => b.at - a.at)[0];
  const lastSuccess = succeeded ? { sha: succeeded.d.sha, version: succeeded.d.version, at: succeeded.at } : null;
  if (lastSuccess === null || lastSuccess.sha !== release.sha) return { state: { lastSuccess, health: 'unknown', healthySince: null }, notes: [] };
  const since = new Date(lastSuccess.at).toISOString();
  if (prev.healthChecks.length === 0) {
    return {
      state: { lastSuccess, health: 'healthy', healthySince: lastSuccess.at },
      notes: [`${prev.name} has no health checks: its health is its deployment status (succeeded at ${since}, no failure reported since).`],
    };
  }
  const bad: string[] = [];
  const unknown: string[] = [];
  for (const check of prev.healthChecks) {
    try {
      const j = judgeSample(check, await o.probe.sample(check, o.signal));
      if (j.good === false) bad.push(`${check.id}: ${j.reason}`);
      else if (j.good === null) unknown.push(`${check.id}: ${j.reason}`);
    } catch (e) {
      unknown.push(`${check.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (bad.length > 0) return { state: { lastSuccess, health: 'unhealthy', healthySince: null }, notes: [], unhealthy: bad.join('; ') };
  if (unknown.length > 0) return { state: { lastSuccess, health: 'unknown', healthySince: null }, notes: [], unevaluated: unknown.join('; ') };
  // One sample per check now: continuity since the deployment's success rests on its status reporting no failure since.
  return {
    state: { lastSuccess, health: 'healthy', healthySince: lastSuccess.at },
    notes: [`${prev.name}'s health checks pass now; healthy since its deployment succeeded at ${since} (no failure reported since).`],
  };
}

/** Runs the environment's readiness gates (`protection.gates`, default all configured) as the `gates` command does. */
async function environmentGates(o: PromotionCheckOptions): Promise<{ state: GatesState; results: GateResult[]; note?: string }> {
  const ids = o.env.protection.gates;
  // Without a deploy section there is no protection configured: the out-of-the-box provider deploys a
  // published release, and the readiness gates (which judge the next release) are not asked.
  if (o.config.deploy === undefined || o.config.gates.length === 0 || (ids !== undefined && ids.length === 0)) return { state: 'none', results: [] };
  const reads = new AbortController();
  const onAbort = () => reads.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  // The gates judge the release being deployed (its notes, commits, CI, sign-offs and files at its
  // commit), not HEAD's next release; the working-tree gates still judge this checkout.
  const local = await o.repo.resolveCommit(o.release.ref).catch(() => null);
  const atRelease = local === o.release.sha;
  const ctx = createGateContext({
    repo: o.repo,
    config: o.config,
    ...(atRelease ? { draft: { to: o.release.ref }, filesAt: o.release.sha } : {}),
    commandsAllowed: o.commandsAllowed,
    ...(o.commandsBlockedReason !== undefined ? { commandsBlockedReason: o.commandsBlockedReason } : {}),
    signal: reads.signal,
    now: o.now,
    ...(o.github ? { github: o.github } : {}),
    ...(o.signOffs ? { signOffs: o.signOffs } : {}),
  });
  try {
    const results = await runGates(o.config.gates, ctx, { concurrency: o.gateConcurrency ?? o.config.gateConcurrency, ...(o.signal ? { signal: o.signal } : {}), ...(ids !== undefined ? { only: ids } : {}) });
    const note = atRelease ? undefined : `The gates judged this checkout's next release: ${o.release.ref} is not at ${o.release.sha.slice(0, 12)} in this clone (git fetch --tags to judge the release itself).`;
    return { state: verdict(results), results, ...(note !== undefined ? { note } : {}) };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    reads.abort();
  }
}

/**
 * The previous environment's deployments, through its own provider: the local history of command and
 * task environments (the git directory), GitHub for the others (through this environment's deployer
 * when it speaks GitHub too, else the one the front end builds).
 */
async function historyOf(prev: EnvironmentConfig, o: PromotionCheckOptions): Promise<DeploymentRecord[]> {
  if (isLocalProvider(prev)) return new LocalDeployHistory(o.repo.gitCommonDir).list(prev.name);
  if (!isLocalProvider(o.env)) return o.deployer.listDeployments(githubEnvironment(prev), o.signal);
  if (!o.previousDeployer) throw new UsageError(`${prev.name} is deployed through GitHub, and its deployments cannot be read here.`, 'Sign in to GitHub (CLI: set GITHUB_TOKEN), then deploy again.');
  return (await o.previousDeployer(prev)).listDeployments(githubEnvironment(prev), o.signal);
}

/** Whether the release counts as a hotfix: as said, or (auto, during a freeze only) a patch release of what runs there. */
async function hotfixDecision(o: PromotionCheckOptions): Promise<{ hotfix: boolean; note?: string }> {
  if (o.hotfix !== 'auto') return { hotfix: o.hotfix };
  if (activeFreeze(o.env, o.now().getTime()) === null) return { hotfix: false };
  const running = (await o.deployer.listDeployments(githubEnvironment(o.env), o.signal))
    .filter((d) => FULL(d) && deploymentOutcome(d) === 'succeeded')
    .sort((a, b) => successAt(b) - successAt(a))[0];
  const h = hotfixOf(o.release.version, running ? (running.version ?? versionFromRef(running.ref)) : null);
  return { hotfix: h.hotfix, note: h.hotfix ? `Treated as a hotfix: ${h.reason}.` : `Not a hotfix: ${h.reason}.` };
}

/**
 * May `release` be deployed to `env` now? The previous environment of the ladder must run this
 * commit, healthily, for `requireHealthyPreviousMs`; a code freeze blocks all but hotfixes; the
 * environment's gates must pass. Nothing is sent: the caller dispatches only when allowed.
 */
export async function checkPromotion(o: PromotionCheckOptions): Promise<PromotionCheck> {
  const found = findEnvironment(o.config.deploy, o.env.name);
  const index = found?.index ?? 0;
  const prevEnv = index > 0 ? o.config.deploy?.environments[index - 1] : undefined;
  const prev = prevEnv ? await previousState(prevEnv, o.release, o) : null;
  const gates = await environmentGates(o);
  const hotfix = await hotfixDecision(o);
  const decision = canPromote({
    config: o.config.deploy,
    env: o.env,
    index,
    release: { ...o.release, hotfix: hotfix.hotfix },
    previous: prev?.state ?? null,
    gates: gates.state,
    ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
    now: o.now().getTime(),
  });
  const notes = [...(prev?.notes ?? []), ...(hotfix.note !== undefined ? [hotfix.note] : []), ...(gates.note !== undefined ? [gates.note] : []), ...decision.notes];
  if (prevEnv && prev && (prev.unhealthy !== undefined || prev.unevaluated !== undefined)) {
    // Say what the checks found; health that cannot be evaluated blocks whenever checks are configured.
    const blockers: PromotionBlocker[] = decision.allowed ? [] : decision.blockers.filter((b) => b.code !== 'previous-health-unknown' && b.code !== 'previous-unhealthy');
    if (prev.unhealthy !== undefined) {
      blockers.unshift({ code: 'previous-unhealthy', reason: `${prevEnv.name} is unhealthy with ${o.release.version}: ${prev.unhealthy}.`, fix: `Look at ${prevEnv.name}'s health checks; roll it back or fix forward before promoting.` });
    } else {
      blockers.unshift({ code: 'previous-health-unknown', reason: `${prevEnv.name}'s health could not be evaluated: ${prev.unevaluated}.`, fix: `Make ${prevEnv.name}'s health checks answer (or remove them), then deploy again.` });
    }
    return { allowed: false, blockers, notes, gateResults: gates.results };
  }
  return { ...decision, notes, gateResults: gates.results };
}
