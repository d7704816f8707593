/**
 * What the Flags section of the Release view shows, decided without 'vscode' (unit-tested in plain
 * Node with a fake provider): the environments and flags a config names, each flag's state read from
 * the provider when its environment is expanded, and a failure told as one message naming the cause
 * and the fix (a missing or refused token, a server that does not answer) — never an empty list.
 */
import type { ReleaseConfig } from '../core/config';
import { ReleaseError } from '../core/errors';
import { FlagProviderError, type FlagProvider, type FlagState } from '../core/flags/ports';
import type { FlagsConfig } from '../core/flags/schema';
import { oneLine } from '../core/sanitize';

/** The prefix of the SecretStorage keys of flag provider tokens. */
export const FLAG_SECRET_PREFIX = 'releaseManager.flags';

/**
 * The SecretStorage key of the token a config names: namespaced, and bound to the server's origin, so
 * a workspace that points `flags.provider.url` at another host never receives a token set for yours.
 */
export function flagSecretKey(url: string, tokenEnv: string): string {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    origin = 'invalid';
  }
  return `${FLAG_SECRET_PREFIX}/${origin}/${tokenEnv}`;
}

/** "127.0.0.1:4242" of a provider URL (what the tree and prompts name). */
export function serverOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 80);
  }
}

/** What the Flags section of a repository is: no config (guidance), refused (Restricted Mode), or the configured environments. */
export type FlagsSection =
  | { kind: 'none' }
  | { kind: 'untrusted'; server: string }
  | { kind: 'configured'; server: string; project: string; environments: string[] };

/** The flags the config names in an environment: its rollouts, then the flags its `flag` gates require. */
export function flagsIn(config: Pick<ReleaseConfig, 'flags' | 'gates'>, environment: string): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    if (!out.includes(f)) out.push(f);
  };
  for (const r of config.flags?.rollouts ?? []) if (r.environment === environment) add(r.flag);
  for (const g of config.gates) if (g.kind === 'flag' && g.environment === environment) add(g.flag);
  return out;
}

/** The Flags section of a repository's config (null config: none). */
export function flagsSection(config: Pick<ReleaseConfig, 'flags' | 'gates'> | null | undefined, trusted: boolean): FlagsSection {
  const flags = config?.flags;
  if (!config || !flags) return { kind: 'none' };
  const server = serverOf(flags.provider.url);
  if (!trusted) return { kind: 'untrusted', server };
  const environments: string[] = [];
  for (const e of [...flags.rollouts.map((r) => r.environment), ...config.gates.flatMap((g) => (g.kind === 'flag' ? [g.environment] : []))]) {
    if (!environments.includes(e)) environments.push(e);
  }
  return { kind: 'configured', server, project: flags.provider.project, environments };
}

/** One flag of an environment as the tree shows it: its state, or why it could not be read. */
export interface FlagRow {
  flag: string;
  environment: string;
  /** Null when it could not be read (then `error` says why). */
  state: FlagState | null;
  error?: string;
  /** The flag's page in the provider's UI (never carries a token). */
  url: string;
  /** The configured ramp ("1% → 10% → 50% → 100%, hold 10m"), null when none is configured. */
  ramp: string | null;
}

/** What the editor can offer to fix a failure: set the token, open the config, or read the log. */
export type FlagFixAction = 'setToken' | 'openConfig' | 'showLog';

/** An environment's rows, or one failure that concerns all of them (token, server). */
export type EnvironmentLoad = { kind: 'rows'; rows: FlagRow[] } | { kind: 'error'; message: string; action: FlagFixAction };

/** Faults of the server or the token: they concern every flag of the environment, so they are told once. */
const SHARED_FAULTS: ReadonlySet<string> = new Set(['unauthorized', 'forbidden', 'unreachable', 'server', 'invalid-response']);

/** A failure made one line that names the cause and the fix, with the action that fixes it. */
export function describeFlagFailure(e: unknown): { message: string; action: FlagFixAction } {
  const text = e instanceof ReleaseError ? `${e.message} ${e.fix}` : `Could not read the flags: ${e instanceof Error ? e.message : String(e)}`;
  const message = text.split('\n')[0]!.slice(0, 300);
  if (e instanceof FlagProviderError) return { message, action: e.code === 'unauthorized' || e.code === 'forbidden' ? 'setToken' : e.code === 'unreachable' ? 'openConfig' : 'showLog' };
  // The only usage error before a provider exists is a missing token.
  if (e instanceof ReleaseError && /token/i.test(e.message)) return { message, action: 'setToken' };
  if (e instanceof ReleaseError) return { message, action: 'openConfig' };
  return { message, action: 'showLog' };
}

/** "1% → 10% → 50% → 100%, hold 10m" of a configured rollout. */
export function rampText(flags: FlagsConfig, flag: string, environment: string): string | null {
  const r = flags.rollouts.find((x) => x.flag === flag && x.environment === environment);
  return r ? `${r.steps.map((s) => `${s}%`).join(' → ')}, hold ${r.hold}` : null;
}

/**
 * Reads every flag the config names in `environment` (a few at a time), with who changed it last and
 * when (from the audit trail when the state does not say). A fault of the server or the token is told
 * once for the environment; a flag the server does not know is told on its row.
 */
export async function loadEnvironment(config: Pick<ReleaseConfig, 'flags' | 'gates'>, environment: string, connect: () => Promise<FlagProvider>, signal?: AbortSignal): Promise<EnvironmentLoad> {
  const flags = config.flags;
  if (!flags) return { kind: 'error', message: 'No "flags" section in .release-manager.json.', action: 'openConfig' };
  let provider: FlagProvider;
  try {
    provider = await connect();
  } catch (e) {
    return { kind: 'error', ...describeFlagFailure(e) };
  }
  const names = flagsIn(config, environment);
  const rows: FlagRow[] = new Array(names.length);
  let shared: unknown;
  let next = 0;
  const worker = async () => {
    while (next < names.length && shared === undefined) {
      const i = next++;
      const flag = names[i]!;
      const base = { flag, environment, url: provider.flagUrl(flag, environment), ramp: rampText(flags, flag, environment) };
      try {
        const opts = signal ? { signal } : {};
        const state = await provider.getState(flag, environment, opts);
        // Who changed it last, and when: the provider's audit trail (newest first), when the state does not say.
        const last = state.lastChange ? undefined : (await provider.events(flag, { ...opts, limit: 100 }).catch(() => [])).find((ev) => ev.environment === environment);
        rows[i] = { ...base, state: last ? { ...state, lastChange: { who: last.who, when: last.when } } : state };
      } catch (e) {
        if (e instanceof FlagProviderError && SHARED_FAULTS.has(e.code)) shared ??= e;
        else if (!(e instanceof ReleaseError)) shared ??= e;
        rows[i] = { ...base, state: null, error: describeFlagFailure(e).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, names.length) }, worker));
  if (shared !== undefined) return { kind: 'error', ...describeFlagFailure(shared) };
  return { kind: 'rows', rows };
}

/** "on · 10%" / "off" and who changed it when ("alice, 3 min ago (14:02)"), for a row's description. */
export function flagRowText(row: FlagRow, when: (iso: string) => string): { description: string; tooltip: string } {
  if (!row.state) return { description: 'unknown', tooltip: `${row.flag} in ${row.environment}: ${row.error ?? 'unknown'}` };
  const s = row.state;
  const onOff = s.enabled ? `on · ${s.rollout}%` : `off${s.rollout > 0 ? ` · ${s.rollout}% when on` : ''}`;
  const change = s.lastChange ? `${oneLine(s.lastChange.who).slice(0, 80)}, ${when(s.lastChange.when)}` : null;
  const tooltip = [
    `${row.flag} in ${row.environment}: ${s.enabled ? `on, rollout ${s.rollout}% of users` : `off (rollout ${s.rollout}% when on)`}`,
    change ? `Last change: ${change}` : 'Last change: not known',
    row.ramp ? `Configured ramp: ${row.ramp}` : 'No ramp configured (Ramp Up asks for a percentage)',
    row.url,
  ].join('\n');
  return { description: change ? `${onOff} · ${change}` : onOff, tooltip };
}

/** What a flag command was given: a Flags row of the tree, or fields (palette, tests, other extensions). */
export interface FlagArgs {
  root?: string;
  flag?: string;
  environment?: string;
  /** A percentage to set now (0–100, whole), instead of the configured ramp. */
  to?: number;
  /** false: no questions (tests, other extensions); the ramp runs as configured. */
  confirm?: boolean;
  /** The flag's page in the provider's UI, when a row gave it. */
  url?: string;
}

/** Narrows a flag command's argument; a malformed `to` is a usage error, not a guess. */
export function flagArgsOf(arg: unknown): FlagArgs {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return {};
  const a = arg as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const row = typeof a.row === 'object' && a.row !== null ? (a.row as Record<string, unknown>) : undefined;
  const out: FlagArgs = {};
  const root = str(a.root);
  const flag = str(row?.flag) ?? str(a.flag);
  const environment = str(row?.environment) ?? str(a.environment);
  const url = str(row?.url);
  if (root !== undefined) out.root = root;
  if (flag !== undefined) out.flag = flag;
  if (environment !== undefined) out.environment = environment;
  if (url !== undefined) out.url = url;
  if (a.to !== undefined) {
    if (typeof a.to !== 'number' || !Number.isInteger(a.to) || a.to < 0 || a.to > 100) throw new RangeError('to must be a whole percentage from 0 to 100');
    out.to = a.to;
  }
  if (typeof a.confirm === 'boolean') out.confirm = a.confirm;
  return out;
}

/** A typed percentage ("25", "25%"), or why it is not one. */
export function percentProblem(text: string): string | null {
  return /^\s*(100|[1-9]?\d)\s*%?\s*$/.test(text) ? null : 'Type a whole percentage from 0 to 100';
}

/** The ladder of a rollout: "1% ✔ → 10% ⏳ → 50% → 100%". */
export function ladderText(steps: readonly { percent: number; status: string }[], current: number | null): string {
  const mark: Record<string, string> = { passed: ' ✔', failed: ' ✘', skipped: ' –', set: '', setting: '', pending: '' };
  return steps.map((s, i) => `${s.percent}%${mark[s.status] ?? ''}${i === current && s.status !== 'passed' && s.status !== 'failed' ? ' ◀' : ''}`).join(' → ');
}

/** "4:59" of a remaining hold. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** One event of a rollout as the progress notification says it (the step, what it does, the hold's countdown, the health verdict). */
export type RolloutProgress =
  | { type: 'started' | 'resumed'; steps: number[] }
  | { type: 'setting' | 'sent'; index: number; to: { enabled: boolean; rollout: number } }
  | { type: 'set'; index: number; state: { enabled: boolean; rollout: number }; changed: boolean }
  | { type: 'holding'; index: number; untilMs: number; verdict: { status: string; reason: string } | null }
  | { type: 'passed' | 'skipped' | 'failed'; index: number; reason: string }
  | { type: 'rolling-back'; to: { enabled: boolean; rollout: number }; reason: string }
  | { type: 'finished'; state: string; outcome: string };

/** The progress line of a rollout event: "step 2/4 · 10% · holding, 4:59 left · health: pass (…)". */
export function progressLine(event: RolloutProgress, steps: readonly { percent: number }[], nowMs: number): string {
  const at = (i: number) => `step ${i + 1}/${steps.length} · ${steps[i]?.percent ?? '?'}%`;
  switch (event.type) {
    case 'started':
    case 'resumed':
      return `${event.type === 'started' ? 'starting' : 'resuming'}: ${event.steps.map((s) => `${s}%`).join(' → ')}`;
    case 'setting':
      return `${at(event.index)} · setting`;
    case 'sent':
      return `${at(event.index)} · reading back`;
    case 'set':
      return `${at(event.index)} · read back: ${event.state.enabled ? `on at ${event.state.rollout}%` : 'off'}${event.changed ? '' : ' (already there)'}`;
    case 'holding': {
      const health = event.verdict ? ` · health: ${event.verdict.status}${event.verdict.reason ? ` (${oneLine(event.verdict.reason).slice(0, 80)})` : ''}` : ' · no health checks';
      return `${at(event.index)} · holding, ${countdown(event.untilMs - nowMs)} left${health}`;
    }
    case 'passed':
      return `${at(event.index)} · passed`;
    case 'skipped':
      return `${at(event.index)} · skipped: ${oneLine(event.reason).slice(0, 80)}`;
    case 'failed':
      return `${at(event.index)} · FAILED: ${oneLine(event.reason).slice(0, 80)}`;
    case 'rolling-back':
      return `rolling back to ${event.to.enabled ? `on at ${event.to.rollout}%` : `off (${event.to.rollout}%)`}: ${oneLine(event.reason).slice(0, 80)}`;
    case 'finished':
      return `${event.state}: ${oneLine(event.outcome).slice(0, 120)}`;
  }
}
