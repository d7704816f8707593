/**
 * Promotion along the environment ladder: may this release be deployed to environment N now? The
 * previous environment must run this exact commit, healthily, for the configured soak time; the
 * environment's own gates must pass; its code freezes block everything but hotfixes. The answer is
 * a value that explains every reason it is no, and the confirmation to ask when it is yes.
 */
import * as semver from '../semver';
import { parseInstant } from '../gates/calendar';
import { localClock } from '../../shared/time';
import { clip } from '../gates/kind';
import type { Verdict } from '../gates/types';
import { duration, strategyName, type DeployRelease, type StrategyName } from './plan';
import type { Confirmation } from './rollback';
import { isProduction, needsConfirmation, type DeployConfig, type EnvironmentConfig } from './schema';

/** What is known about the environment before this one in the ladder. */
export interface PreviousEnvironmentState {
  /** Its last successful deployment, or null when it has none. */
  lastSuccess: { sha: string; version: string | null; at: number } | null;
  /** Its health now (from its checks): healthy, unhealthy, or unknown (no checks, no data). */
  health: 'healthy' | 'unhealthy' | 'unknown';
  /** Since when it has been continuously healthy (milliseconds since the epoch), when healthy. */
  healthySince: number | null;
}

/** The gates of the target environment: their verdict, none configured, or not evaluated yet. */
export type GatesState = Verdict | 'none' | 'not-run';

/** Everything the decision needs; the caller reads it through the ports. */
export interface PromotionInput {
  /** The ladder; undefined when the repository has no deploy config (one implicit environment). */
  config: DeployConfig | undefined;
  env: EnvironmentConfig;
  /** Position of the environment in the ladder (0 = first). */
  index: number;
  release: DeployRelease & { hotfix: boolean };
  /** State of the environment before this one; ignored for the first. */
  previous: PreviousEnvironmentState | null;
  gates: GatesState;
  strategy?: StrategyName;
  /** Milliseconds since the epoch. */
  now: number;
}

/** One reason the deploy may not go ahead now. */
export interface PromotionBlocker {
  code: 'previous-not-deployed' | 'previous-unhealthy' | 'previous-health-unknown' | 'soaking' | 'freeze' | 'gates-failing' | 'gates-not-run';
  reason: string;
  fix: string;
  /** When waiting is enough (soak time): the earliest time it may go (milliseconds since the epoch). */
  readyAt?: number;
}

/** The decision: allowed (with the confirmation to ask, if any) or blocked, with every reason. */
export type PromotionDecision =
  | { allowed: true; confirmation: Confirmation | null; notes: string[] }
  | { allowed: false; blockers: PromotionBlocker[]; notes: string[] };

/** The code freeze of the environment active at `now` (start inclusive, end exclusive; a date-only end includes that whole day), or null. */
export function activeFreeze(env: EnvironmentConfig, now: number): { reason: string; from: string; to: string; end: number } | null {
  let found: { reason: string; from: string; to: string; end: number } | null = null;
  for (const f of env.protection.freezes) {
    const start = parseInstant(f.from);
    const end = parseInstant(f.to, true);
    if (start === null || end === null || now < start || now >= end) continue;
    if (!found || end > found.end) found = { reason: f.reason, from: f.from, to: f.to, end };
  }
  return found;
}

/** Decides whether the release may be deployed to the environment now, and why not. */
export function canPromote(input: PromotionInput): PromotionDecision {
  const { env, release, now } = input;
  const blockers: PromotionBlocker[] = [];
  const notes: string[] = [];
  const previousEnv = input.index > 0 ? input.config?.environments[input.index - 1] : undefined;
  if (previousEnv) checkPrevious(previousEnv.name, env, release, input.previous, now, blockers, notes);

  const freeze = activeFreeze(env, now);
  if (freeze) {
    const what = `${env.name} is in the code freeze "${clip(freeze.reason)}" until ${/T/.test(freeze.to) ? freeze.to : `the end of ${freeze.to} (UTC)`}`;
    if (release.hotfix) notes.push(`${what}; allowed because ${release.version} is a hotfix.`);
    else blockers.push({ code: 'freeze', reason: `${what}: only hotfixes may be deployed.`, fix: 'Deploy after the freeze, or ship the fix as a hotfix from a maintenance branch.' });
  }

  const gates = input.gates;
  if (gates === 'not-run') blockers.push({ code: 'gates-not-run', reason: `The readiness gates of ${env.name} have not been evaluated for ${release.version}.`, fix: 'Validate the readiness gates, then deploy.' });
  else if (gates !== 'none') {
    if (gates.decision === 'NO-GO') blockers.push({ code: 'gates-failing', reason: gates.summary, fix: 'Fix the blocking gates (see the readiness checklist), then deploy.' });
    else if (gates.advisories.length > 0) notes.push(gates.summary);
  }

  if (blockers.length > 0) return { allowed: false, blockers, notes };
  return { allowed: true, confirmation: needsConfirmation(env) ? deployConfirmation(env, release, input.strategy ?? strategyName(env.strategy.kind), notes) : null, notes };
}

function checkPrevious(previousName: string, env: EnvironmentConfig, release: DeployRelease, prev: PreviousEnvironmentState | null, now: number, blockers: PromotionBlocker[], notes: string[]): void {
  const soak = env.protection.requireHealthyPreviousMs;
  const last = prev?.lastSuccess ?? null;
  if (last === null || last.sha !== release.sha) {
    const runs = last === null ? 'has no successful deployment' : `last ran ${last.version !== null ? clip(last.version, 40) : 'another commit'} (${last.sha.slice(0, 7)}) successfully`;
    blockers.push({
      code: 'previous-not-deployed',
      reason: `${release.version} (${release.sha.slice(0, 7)}) must be deployed to ${previousName} before ${env.name}; ${previousName} ${runs}.`,
      fix: `Deploy ${release.version} to ${previousName} first.`,
    });
    return;
  }
  if (prev!.health === 'unhealthy') {
    blockers.push({ code: 'previous-unhealthy', reason: `${previousName} is unhealthy with ${release.version}.`, fix: `Look at ${previousName}'s health checks; roll it back or fix forward before promoting.` });
    return;
  }
  if (soak === 0) return;
  if (prev!.health === 'unknown' || prev!.healthySince === null) {
    blockers.push({
      code: 'previous-health-unknown',
      reason: `${env.name} needs ${previousName} healthy for ${duration(soak)}, but ${previousName}'s health is unknown.`,
      fix: `Add health checks to ${previousName} (or set requireHealthyPreviousMs to 0 for ${env.name}).`,
    });
    return;
  }
  // Health from before this version was deployed does not count.
  const since = Math.max(prev!.healthySince, last.at);
  const healthy = now - since;
  if (healthy < soak) {
    blockers.push({
      code: 'soaking',
      reason: `${previousName} has been healthy with ${release.version} for ${duration(Math.max(0, healthy))} of the required ${duration(soak)}.`,
      fix: `Wait ${duration(soak - healthy)} (until ${localClock(new Date(since + soak), new Date(now))}).`,
      readyAt: since + soak,
    });
    return;
  }
  notes.push(`${previousName} has been healthy with ${release.version} for ${duration(healthy)}.`);
}

/** The confirmation of a deploy: names the version, the commit, the environment and the strategy. */
export function deployConfirmation(env: EnvironmentConfig, release: DeployRelease, strategy: StrategyName, notes: readonly string[] = []): Confirmation {
  const lines = [`Deploy ${release.version} (${release.sha.slice(0, 12)}, ${clip(release.ref, 60)}) to ${env.name}${isProduction(env) && env.name.toLowerCase() !== 'production' ? ' (production)' : ''} with the ${strategy} strategy.`, ...notes];
  return { title: `Deploy ${release.version} to ${env.name}?`, detail: lines.join('\n'), confirmLabel: `Deploy ${release.version} to ${env.name}` };
}

/** The environment after this one in the ladder, or null for the last. */
export function nextEnvironment(config: DeployConfig | undefined, index: number): EnvironmentConfig | null {
  return config?.environments[index + 1] ?? null;
}

/**
 * Whether deploying `version` over `current` (the environment's running version) is a hotfix: a
 * stable patch release of the same major.minor line, newer than what runs. By Semantic Versioning a
 * patch release carries fixes only, so it may cross a code freeze; anything else needs --hotfix (the
 * CLI) and a person saying so. Null when nothing runs there (a first deploy is never a hotfix).
 */
export function hotfixOf(version: string, current: string | null): { hotfix: boolean; reason: string } {
  const v = semver.parse(version);
  if (v === null) return { hotfix: false, reason: `${version} is not a version` };
  if (v.prerelease.length > 0) return { hotfix: false, reason: `${version} is a prerelease` };
  if (current === null) return { hotfix: false, reason: 'nothing runs there yet, so there is nothing to fix' };
  const c = semver.parse(current);
  if (c === null) return { hotfix: false, reason: `the running version ${current} is not a version` };
  if (v.major === c.major && v.minor === c.minor && v.patch > c.patch) return { hotfix: true, reason: `${version} is a patch release of ${current}, which runs there` };
  return { hotfix: false, reason: `${version} is not a patch release of ${current}, which runs there` };
}
