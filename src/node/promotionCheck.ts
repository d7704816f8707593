/**
 * The promotion check run before a deploy starts (rollbacks skip it: they return to a known-good
 * release): the previous environment of the ladder, its health, code freezes and hotfixes, and the
 * environment's readiness gates. Nothing is sent: the caller dispatches only when allowed.
 */
import type { ReleaseConfig } from '../core/config';
import { judgeSample } from '../core/deploy/health';
import type { DeployRelease, StrategyName } from '../core/deploy/plan';
import type { Deployer, HealthProbe } from '../core/deploy/ports';
import { activeFreeze, canPromote, hotfixOf, type GatesState, type PreviousEnvironmentState, type PromotionBlocker, type PromotionDecision } from '../core/deploy/promotion';
import { deploymentOutcome, versionFromRef, type DeploymentRecord } from '../core/deploy/rollback';
import { findEnvironment, githubEnvironment, isLocalProvider, type EnvironmentConfig } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import { runGates, verdict } from '../core/gates/engine';
import type { SignOff } from '../core/gates/context';
import type { GateResult } from '../core/gates/types';
import type { GitHubApi } from '../core/githubApi';
import type { LocalGitRepo } from '../git/gitRepo';
import type { SecretSource } from '../core/flags/ports';
import { createGateContext } from './gateContext';
import { LocalDeployHistory } from './localDeployHistory';
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
  /** Where flag gates' provider token comes from (CLI: environment variables; editor: SecretStorage); absent: flag gates are unknown. */
  flagSecrets?: SecretSource;
  /** Why flag states may not be read (Restricted Mode). */
  flagsBlockedReason?: string;
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
    environment: o.env.name,
    noticeVersion: o.release.version,
    ...(o.github ? { github: o.github } : {}),
    ...(o.signOffs ? { signOffs: o.signOffs } : {}),
    ...(o.flagSecrets ? { flagSecrets: o.flagSecrets } : {}),
    ...(o.flagsBlockedReason !== undefined ? { flagsBlockedReason: o.flagsBlockedReason } : {}),
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
