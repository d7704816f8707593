/**
 * The flag flows, once for the CLI and the editor: which provider (and token) a config names, the
 * status of flags, a progressive rollout (or one percentage now) with its confirmation and the
 * question a changed rollout raises, and the kill switch. A front end says how to ask (a `Prompter`)
 * and where the token comes from (a `SecretSource`); what is asked and done is decided here.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, UsageError } from '../core/errors';
import type { HealthProbe } from '../core/deploy/ports';
import { DECISION_LOG_HEADER } from '../core/gates/decisionLog';
import { commit, runFlagStage, type FlagQuestion, type FlagStageEvent, type FlagStageOutcome } from '../core/flags/stage';
import { describeSetting, flagJournalKey, type FlagJournal, type FlagJournalStore, type FlagSetting } from '../core/flags/journal';
import { FlagProviderError, stateUnknown, type FlagEvent, type FlagProvider, type FlagState, type SecretSource } from '../core/flags/ports';
import { renderFlagKill, renderFlagRollout } from '../core/flags/record';
import { findRollout, holdMs, type FlagRolloutConfig, type FlagsConfig } from '../core/flags/schema';
import { appendInside } from './appendFile';
import { sleep, type DecisionLogTarget } from './deployFlow';
import { describeSession, sessionAlive } from './session';
import { FetchHealthProbe } from './healthProbe';
import type { Prompter } from './prompter';
import { UnleashProvider } from './unleashProvider';

export type { FlagProvider, FlagState, SecretSource } from '../core/flags/ports';
export type { FlagJournal } from '../core/flags/journal';
export type { FlagStageEvent, FlagStageOutcome, FlagQuestion } from '../core/flags/stage';

/** The environment variables of this process as a SecretSource (the CLI). */
export function envSecretSource(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return { get: async (name) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined) };
}

/** Options of `flagProviderFor`. */
export interface FlagProviderOptions {
  fetch?: typeof fetch;
  userAgent?: string;
}

/** The `flags` key of a config, or a usage error saying how to add it. */
export function requireFlagsConfig(flags: FlagsConfig | undefined): FlagsConfig {
  if (!flags) throw new UsageError('The config has no "flags" key.', 'Add "flags": { "provider": { "kind": "unleash", "url": "…", "tokenEnv": "UNLEASH_ADMIN_TOKEN" } } to .release-manager.json (see docs/flags.md).');
  return flags;
}

/** The provider a config names, with its token from `secrets` (the variable `tokenEnv` names); refuses when there is none. */
export async function flagProviderFor(flags: FlagsConfig, secrets: SecretSource, options: FlagProviderOptions = {}): Promise<FlagProvider> {
  const p = flags.provider;
  const token = await secrets.get(p.tokenEnv);
  if (token === undefined || token.trim() === '') {
    throw new UsageError(`No Unleash token: ${p.tokenEnv} is not set.`, `Set ${p.tokenEnv} to an Unleash Admin API token (or a personal access token) in the CLI, or run "Release: Set Unleash Token" in the editor.`);
  }
  if (/[\r\n]/.test(token)) throw new ConfigError(`The token in ${p.tokenEnv} contains a line break.`, [`${p.tokenEnv}: not a token`], `Set ${p.tokenEnv} to the token alone.`);
  return new UnleashProvider({ url: p.url, project: p.project, token: token.trim(), tokenName: p.tokenEnv, timeoutMs: p.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.userAgent ? { userAgent: options.userAgent } : {}) });
}

/** The journal key of a rollout (provider server, project, environment, flag). */
export function flagKeyOf(flags: FlagsConfig, flag: string, environment: string): string {
  const server = new URL(flags.provider.url).host;
  return flagJournalKey(server, flags.provider.project, environment, flag);
}

/** One row of `flag status`: a known state, or why it is unknown (never guessed). */
export interface FlagStatusEntry {
  flag: string;
  environment: string;
  /** Null when unknown. */
  enabled: boolean | null;
  /** Null when unknown. */
  rollout: number | null;
  lastChange?: { who: string; when: string };
  /** Why the state is unknown. */
  error?: string;
}

/** The state of the configured flags (or of `flag`), in each configured environment (or in `env`): every flag of the project when nothing is configured. */
export async function flagStatus(provider: FlagProvider, flags: FlagsConfig, options: { flag?: string; env?: string; signal?: AbortSignal } = {}): Promise<FlagStatusEntry[]> {
  const opts = options.signal ? { signal: options.signal } : {};
  let pairs = flags.rollouts.map((r) => ({ flag: r.flag, environment: r.environment }));
  if (options.flag !== undefined) pairs = pairs.filter((p) => p.flag === options.flag);
  if (options.env !== undefined) pairs = pairs.filter((p) => p.environment === options.env);
  if (options.flag !== undefined && options.env !== undefined && pairs.length === 0) pairs = [{ flag: options.flag, environment: options.env }];
  if (pairs.length === 0 && options.flag === undefined) {
    // Nothing configured for this filter: every flag of the project in the environment(s) named.
    const envs = options.env !== undefined ? [options.env] : [...new Set(flags.rollouts.map((r) => r.environment))];
    if (envs.length === 0) throw new UsageError('No flag rollout is configured and no --env was given.', 'Name an environment: release-manager flag status --env production.');
    const out: FlagStatusEntry[] = [];
    for (const environment of envs) {
      try {
        out.push(...(await provider.list(environment, opts)).map(entryOf));
      } catch (e) {
        if (!(e instanceof FlagProviderError) || !stateUnknown(e)) throw e;
        out.push({ flag: '*', environment, enabled: null, rollout: null, error: e.message });
      }
    }
    return out;
  }
  if (pairs.length === 0) {
    const envs = [...new Set(flags.rollouts.map((r) => r.environment))];
    if (envs.length === 0) throw new UsageError(`${options.flag} has no configured rollout and no --env was given.`, `Name the environment: release-manager flag status --flag ${options.flag} --env production.`);
    pairs = envs.map((environment) => ({ flag: options.flag!, environment }));
  }
  const out: FlagStatusEntry[] = [];
  const events = new Map<string, Promise<FlagEvent[]>>();
  for (const p of pairs) {
    try {
      const state = await provider.getState(p.flag, p.environment, opts);
      if (!events.has(p.flag)) events.set(p.flag, provider.events(p.flag, { ...opts, limit: 100 }).catch(() => []));
      const last = (await events.get(p.flag)!).find((e) => e.environment === p.environment);
      out.push(entryOf(last ? { ...state, lastChange: { who: last.who, when: last.when } } : state));
    } catch (e) {
      if (!(e instanceof FlagProviderError) || (!stateUnknown(e) && e.code !== 'not-found')) throw e;
      out.push({ ...p, enabled: null, rollout: null, error: e.message });
    }
  }
  return out;
}

function entryOf(s: FlagState): FlagStatusEntry {
  return { flag: s.flag, environment: s.environment, enabled: s.enabled, rollout: s.rollout, ...(s.lastChange ? { lastChange: s.lastChange } : {}) };
}

/** A flag rollout to run. */
export interface FlagRolloutRequest {
  flags: FlagsConfig;
  provider: FlagProvider;
  flag: string;
  environment: string;
  /** Set this percentage now (read back, no ramp, no hold); without it the configured ramp runs. */
  to?: number;
  /** Skip the confirmation (never answers a question about a rollout changed by someone else: the run stops). */
  yes?: boolean;
  store: FlagJournalStore;
  session: string;
  probe?: HealthProbe;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Where the finished rollout is recorded. */
  decisionLog?: DecisionLogTarget;
  /** Whether the session driving an unfinished rollout still runs (default: its process, on this machine). */
  sessionAlive?: (session: string) => boolean | null;
  /** Told as the stage goes (progress, the step ladder, the hold's countdown). A throw stops the run. */
  onEvent?: (journal: FlagJournal, event: FlagStageEvent) => void | Promise<void>;
}

/** How a rollout request ended. */
export type FlagRolloutResult = FlagStageOutcome | { kind: 'declined'; journal: null; outcome: string };

/** The rollout of a configured flag; `--to` works on an unconfigured one too (with the defaults). */
export function rolloutConfigOf(flags: FlagsConfig, flag: string, environment: string, to: number | undefined): FlagRolloutConfig {
  const configured = findRollout(flags, flag, environment);
  if (configured) return configured;
  if (to === undefined) {
    const known = flags.rollouts.map((r) => `${r.flag} in ${r.environment}`);
    throw new UsageError(`No rollout of ${flag} in ${environment} is configured${known.length ? ` (configured: ${known.join(', ')})` : ''}.`, `Add it to "flags.rollouts" in .release-manager.json, or set a percentage now with --to PERCENT.`);
  }
  return { flag, environment, steps: [to], hold: '0s', health: [], rollback: { rollout: 0, disable: true }, stickiness: 'default' };
}

/** Runs the configured ramp of a flag (or sets `to` now): confirmed first unless `yes`, resumed when unfinished, recorded when finished. */
export async function runFlagRollout(req: FlagRolloutRequest, prompter: Prompter): Promise<FlagRolloutResult> {
  const rollout = rolloutConfigOf(req.flags, req.flag, req.environment, req.to);
  const key = flagKeyOf(req.flags, req.flag, req.environment);
  const existing = await req.store.read(key);
  const resuming = existing?.state === 'running';
  // One driver per flag and environment: a rollout another live process or window drives is not taken over.
  if (resuming && existing.session !== req.session && (req.sessionAlive ?? sessionAlive)(existing.session) === true) {
    return { kind: 'stopped', journal: existing, outcome: `stopped: ${describeSession(existing.session)} is running this rollout of ${req.flag} in ${req.environment}; let it finish, or stop it there first` };
  }
  if (!req.yes && !resuming) {
    const what = req.to !== undefined ? `Set ${req.flag} to ${req.to}% in ${req.environment}` : `Ramp ${req.flag} up in ${req.environment}: ${rollout.steps.map((s) => `${s}%`).join(' → ')}, holding ${rollout.hold} at each step`;
    const detail = [
      `${what}.`,
      req.to === undefined && rollout.health.length > 0 ? `Health checks: ${rollout.health.map((c) => c.id).join(', ')}; a failure sets the rollout to ${rollout.rollback.rollout}%${rollout.rollback.disable ? ' and switches the flag off' : ''}.` : '',
      `Provider: ${req.provider.flagUrl(req.flag, req.environment)}`,
    ].filter(Boolean).join('\n');
    const ok = await prompter.confirm({ title: `${req.to !== undefined ? 'Set' : 'Ramp up'} ${req.flag} in ${req.environment}?`, detail, confirmLabel: req.to !== undefined ? `Set to ${req.to}%` : 'Ramp Up' });
    if (!ok) return { kind: 'declined', journal: null, outcome: 'declined: nothing was changed' };
  }
  if (resuming) prompter.info(`Resuming the unfinished rollout of ${req.flag} in ${req.environment} (started ${existing.startedAt}); the server is read first.`);
  const decide = async (q: FlagQuestion): Promise<'continue' | 'stop'> => {
    prompter.info(q.text);
    if (req.yes) return 'stop';
    const ok = await prompter.confirm({ title: q.kind === 'changed' ? `${q.flag} was changed outside this rollout` : `${q.flag} has an unfinished rollout`, detail: q.text, confirmLabel: q.kind === 'changed' ? `Continue from ${describeSetting(q.current)}` : 'Abandon It and Start' });
    return ok ? 'continue' : 'stop';
  };
  const outcome = await runFlagStage(
    { key, rollout, ...(req.to !== undefined ? { to: req.to } : {}) },
    {
      provider: req.provider,
      probe: req.probe ?? new FetchHealthProbe(),
      store: req.store,
      now: req.now ?? (() => new Date()),
      sleep: req.sleep ?? sleep,
      session: req.session,
      newId: () => `flag-${randomBytes(6).toString('hex')}`,
      decide,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onEvent ? { onEvent: req.onEvent } : {}),
    },
  );
  if (req.decisionLog && outcome.journal && (outcome.kind === 'done' || outcome.kind === 'rolled-back' || outcome.kind === 'stopped') && outcome.journal.finishedAt !== null && outcome.journal.state !== 'killed') {
    await record(req.decisionLog, async (who) => renderFlagRollout(outcome.journal!, who));
  }
  return outcome;
}

/** A kill switch to pull. */
export interface KillRequest {
  flags: FlagsConfig;
  provider: FlagProvider;
  flag: string;
  environment: string;
  /** Skip the confirmation. */
  yes?: boolean;
  /** Why (recorded when given). */
  why?: string;
  /** The journal of a rollout of the flag, which the kill stops. */
  store?: FlagJournalStore;
  decisionLog?: DecisionLogTarget;
  now?: () => Date;
  signal?: AbortSignal;
}

/** How a kill ended: the flag read back off, or the state after it unknown (the switch was sent; check the provider). */
export type KillResult =
  | { kind: 'killed'; before: FlagState | null; after: FlagState; recordedIn?: string }
  | { kind: 'declined' }
  | { kind: 'unknown'; before: FlagState | null; reason: string; recordedIn?: string };

/** The emergency switch: one call that switches the flag off in the environment (no gates, always allowed), read back, recorded in the decision log; a running rollout of the flag stops. */
export async function killFlag(req: KillRequest, prompter: Prompter): Promise<KillResult> {
  const opts = req.signal ? { signal: req.signal } : {};
  if (!req.yes) {
    const ok = await prompter.confirm({ title: `Kill ${req.flag} in ${req.environment}?`, detail: `Switches ${req.flag} off in ${req.environment} now, for every user. No gates are checked. This is recorded in the decision log.`, confirmLabel: `Switch ${req.flag} Off` });
    if (!ok) return { kind: 'declined' };
  }
  // The state before, for the record: a read that fails or hangs must not delay the switch (at most 2 s).
  const quick = AbortSignal.timeout(2000);
  const before: FlagState | null = await req.provider.getState(req.flag, req.environment, { signal: req.signal ? AbortSignal.any([req.signal, quick]) : quick }).catch(() => null);
  await req.provider.disable(req.flag, req.environment, opts);
  const now = (req.now ?? (() => new Date()))();
  let stoppedRun: string | undefined;
  if (req.store) stoppedRun = await stopRunningRollout(req.store, flagKeyOf(req.flags, req.flag, req.environment), now);
  let after: FlagState | null = null;
  let reason = '';
  try {
    after = await req.provider.getState(req.flag, req.environment, opts);
    if (after.enabled) reason = `${req.flag} still reads as on in ${req.environment} after the switch`;
  } catch (e) {
    reason = `the read-back failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const b = before;
  const recordedIn = req.decisionLog
    ? await record(req.decisionLog, async (who) => renderFlagKill({ flag: req.flag, environment: req.environment, who, when: now.toISOString(), before: b, after, ...(req.why !== undefined ? { why: req.why } : {}), ...(stoppedRun ? { stoppedRun } : {}) }))
    : undefined;
  const where = recordedIn !== undefined ? { recordedIn } : {};
  if (after === null || after.enabled) return { kind: 'unknown', before: b, reason, ...where };
  return { kind: 'killed', before: b, after, ...where };
}

/** Marks a running rollout of the flag killed (so nobody resumes it into turning the flag on again); its id, if there was one. */
async function stopRunningRollout(store: FlagJournalStore, key: string, now: Date): Promise<string | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const j = await store.read(key);
    if (!j || j.state !== 'running') return undefined;
    try {
      await commit(key, j, { state: 'killed', finishedAt: now.toISOString(), outcome: 'stopped by the kill switch' }, { store, now: () => now });
      return j.id;
    } catch {
      // another writer moved it: look again
    }
  }
  return undefined;
}

/** Appends a decision-log entry; the path written, or undefined when it could not be (reported through the target). */
async function record(target: DecisionLogTarget, render: (who: string) => Promise<string>): Promise<string | undefined> {
  try {
    const written = await appendInside(target.root, target.file, await render(await target.who()), DECISION_LOG_HEADER);
    target.onWritten?.(written);
    return written;
  } catch (e) {
    target.onError?.(e);
    return undefined;
  }
}

/** A one-line description of a state for a person. */
export function describeState(s: Pick<FlagState, 'enabled' | 'rollout'> | FlagSetting): string {
  return describeSetting(s);
}

/** Milliseconds of a rollout's hold. */
export { holdMs };
