/**
 * The journal of a flag rollout: one small record per flag and environment, written (compare-and-swap)
 * before and after every change the stage makes, so a crash, Ctrl-C or a closed window is resumed
 * from what the server shows — never by re-applying a step blindly.
 */

/** The part of a flag's state a rollout sets and checks. */
export interface FlagSetting {
  enabled: boolean;
  rollout: number;
}

/** One step of a rollout and how far it got. */
export interface FlagStepRecord {
  /** The rollout percent of the step. */
  percent: number;
  /** pending → setting (intent written, change sent or not) → set (read back) → passed (held healthy) | failed; skipped when the flag already was there. */
  status: 'pending' | 'setting' | 'set' | 'passed' | 'failed' | 'skipped';
  /** When the step reached its status (ISO-8601). */
  at?: string;
  /** Why it failed, or the health verdict it passed with (one line). */
  reason?: string;
}

/** How a rollout ended (or that it has not). */
export type FlagRunState = 'running' | 'done' | 'rolled-back' | 'stopped' | 'killed';

/** The journal of one rollout of one flag in one environment. */
export interface FlagJournal {
  kind: 'flag';
  version: 1;
  /** Incremented by every write (compare-and-swap). */
  revision: number;
  /** The run's id. */
  id: string;
  flag: string;
  environment: string;
  /** A ramp through the configured steps, or one percentage set now (`--to`). */
  mode: 'ramp' | 'to';
  /** The hold of each step (milliseconds; 0 for `--to`). */
  holdMs: number;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** Who drives it (a session id; see node/session.ts). */
  session: string;
  state: FlagRunState;
  /** The flag as read before the run changed anything. */
  before: FlagSetting;
  /** What this run last set and read back: what the server should show now. */
  expected: FlagSetting;
  /** A change whose intent is on disk and whose read-back is not: after a crash, the server says which of `from`/`to` holds. */
  writing: { from: FlagSetting; to: FlagSetting; purpose: 'step' | 'rollback' } | null;
  steps: FlagStepRecord[];
  /** Set when a failed analysis rolled the flag back (or is rolling it back). */
  rollback: { to: FlagSetting; reason: string; status: 'setting' | 'done' } | null;
  /** One line saying how it ended. */
  outcome: string | null;
}

/** Where flag journals are kept (files in the git directory, shared by the CLI and every window). */
export interface FlagJournalStore {
  read(key: string): Promise<FlagJournal | null>;
  write(key: string, entry: FlagJournal, expectedRevision: number | null): Promise<'written' | 'conflict'>;
}

/** The journal key of a flag in an environment of a provider (`flag:<server>/<project>:<environment>:<flag>`). */
export function flagJournalKey(server: string, project: string, environment: string, flag: string): string {
  return `flag:${server}/${project}:${environment}:${flag}`;
}

/** True when the server shows exactly this setting. */
export function sameSetting(a: FlagSetting, b: FlagSetting): boolean {
  return a.enabled === b.enabled && a.rollout === b.rollout;
}

/** "on at 10%", "off (rollout 0%)". */
export function describeSetting(s: FlagSetting): string {
  return s.enabled ? `on at ${s.rollout}%` : `off (rollout ${s.rollout}%)`;
}

/** The steps a new ramp takes from the current state: a flag already on skips the steps at or below its rollout (never lowered blindly). */
export function stepsFrom(steps: readonly number[], current: FlagSetting): number[] {
  if (!current.enabled) return [...steps];
  return steps.filter((p) => p > current.rollout);
}

/** A journal that a parse accepts (a file that is a flag journal), else null. */
export function parseFlagJournal(text: string): FlagJournal | null {
  try {
    const v = JSON.parse(text) as Partial<FlagJournal> | null;
    if (v && v.kind === 'flag' && v.version === 1 && typeof v.revision === 'number' && Array.isArray(v.steps) && typeof v.flag === 'string' && typeof v.environment === 'string' && typeof v.expected === 'object' && v.expected !== null) return v as FlagJournal;
  } catch {
    // not one
  }
  return null;
}
