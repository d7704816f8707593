/**
 * `release-manager flag status|rollout|kill`: the flag flows of src/node/flags.ts on the terminal.
 * The token comes from the environment variable the config names (`flags.provider.tokenEnv`);
 * progress goes to stderr, the outcome to stdout; exit 0 success, 1 failure or unknown (fail
 * closed), 2 usage or config error, 130 cancelled.
 */
import type { ReleaseConfig } from '../core/config';
import { UsageError } from '../core/errors';
import { describeSetting } from '../core/flags/journal';
import { flagNameSchema, flagStagesAfter } from '../core/flags/schema';
import type { FlagStageEvent } from '../core/flags/stage';
import type { LocalGitRepo } from '../git/gitRepo';
import { FileFlagJournalStore } from '../node/flagJournal';
import type { FlagStatusEntry } from '../node/flags';
import { loadFlags } from '../node/loadFlags';
import { decisionLogTarget } from '../node/deployFlow';
import { newSession } from '../node/session';
import type { PublishIo } from './publish';
import { terminalPrompter } from './terminalPrompter';

/** The subcommands of `flag`. */
export const FLAG_SUBCOMMANDS = ['status', 'rollout', 'kill'] as const;

/** The options each subcommand takes (any other is refused). */
export const FLAG_FLAGS: Record<(typeof FLAG_SUBCOMMANDS)[number], readonly string[]> = {
  status: ['repo', 'flag', 'env', 'format', 'help'],
  rollout: ['repo', 'flag', 'env', 'to', 'yes', 'help'],
  kill: ['repo', 'flag', 'env', 'yes', 'note', 'help'],
};

/** The parsed options of a flag command. */
export interface FlagFlags {
  flag?: string | undefined;
  env?: string | undefined;
  to?: string | undefined;
  format?: string | undefined;
  yes: boolean;
  note?: string | undefined;
}

/** Checks the subcommand and its options; returns the subcommand. */
export function checkFlagCommand(extra: readonly string[], given: readonly string[]): (typeof FLAG_SUBCOMMANDS)[number] {
  const sub = extra[0];
  if (sub === undefined || !(FLAG_SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(sub === undefined ? 'flag needs a subcommand.' : `Unknown flag subcommand ${JSON.stringify(sub)}.`, 'Use release-manager flag status, flag rollout --flag NAME --env ENV, or flag kill --flag NAME --env ENV.');
  }
  if (extra.length > 1) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[1])}.`, 'Options take the form --name value; see --help.');
  const s = sub as (typeof FLAG_SUBCOMMANDS)[number];
  const stray = given.find((k) => !FLAG_FLAGS[s].includes(k));
  if (stray !== undefined) throw new UsageError(`--${stray} does not apply to flag ${s}.`, `flag ${s} takes ${FLAG_FLAGS[s].filter((f) => f !== 'help').map((f) => `--${f}`).join(', ')}.`);
  return s;
}

/** Runs `flag <sub>`; resolves to the exit code. */
export async function runFlagCommand(sub: (typeof FLAG_SUBCOMMANDS)[number], repo: LocalGitRepo, config: ReleaseConfig, f: FlagFlags, io: PublishIo): Promise<number> {
  const flags = loadFlags().requireFlagsConfig(config.flags);
  if (f.flag !== undefined && !flagNameSchema().safeParse(f.flag).success) throw new UsageError(`--flag ${JSON.stringify(f.flag.slice(0, 100))} is not a flag name.`, 'Flag names are 1-100 letters, digits, ".", "_", "~" or "-".');
  if (f.env !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(f.env)) throw new UsageError(`--env ${JSON.stringify(f.env.slice(0, 100))} is not an environment name.`, 'Name an Unleash environment, e.g. --env production.');
  const provider = await loadFlags().flagProviderFor(flags, loadFlags().envSecretSource(io.env));
  const signal = io.signal;

  if (sub === 'status') {
    const format = f.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${JSON.stringify(format)} is not supported by flag status.`, 'Use one of: text, json.');
    const rows = await loadFlags().flagStatus(provider, flags, { ...(f.flag !== undefined ? { flag: f.flag } : {}), ...(f.env !== undefined ? { env: f.env } : {}), ...(signal ? { signal } : {}) });
    if (format === 'json') io.out(JSON.stringify(rows.map(jsonRow), null, 2) + '\n');
    else for (const r of rows) io.out(`${statusLine(r)}\n`);
    for (const r of rows.filter((x) => x.error)) io.err(`warning: ${r.flag} in ${r.environment} is unknown: ${r.error}\n`);
    return rows.some((r) => r.error !== undefined) ? 1 : 0;
  }

  if (f.flag === undefined || f.env === undefined) throw new UsageError(`flag ${sub} needs --flag NAME and --env ENV.`, `For example: release-manager flag ${sub} --flag new-checkout --env production.`);
  const prompter = terminalPrompter(io, { yes: f.yes });
  const store = new FileFlagJournalStore(repo.gitCommonDir);
  const decisionLog = decisionLogTarget(repo, config, { onWritten: (p) => io.err(`recorded in ${p}\n`), onError: (e) => io.err(`warning: the decision log could not be written: ${e instanceof Error ? e.message : String(e)}\n`) });

  if (sub === 'kill') {
    const res = await loadFlags().killFlag({ flags, provider, flag: f.flag, environment: f.env, yes: f.yes, store, decisionLog, ...(f.note !== undefined ? { why: f.note } : {}), ...(signal ? { signal } : {}) }, prompter);
    if (res.kind === 'declined') {
      io.err('Not killed: nothing was changed.\n');
      return 1;
    }
    if (res.kind === 'unknown') {
      io.err(`error: the kill switch was sent, but ${res.reason}.\nfix: look at ${provider.flagUrl(f.flag, f.env)} and switch it off there if it is still on.\n`);
      return 1;
    }
    io.out(`${f.flag} is off in ${f.env} (was ${res.before ? describeSetting(res.before) : 'unknown'}).\n`);
    return 0;
  }

  let to: number | undefined;
  if (f.to !== undefined) {
    if (!/^\d{1,3}$/.test(f.to) || Number(f.to) > 100) throw new UsageError(`--to ${JSON.stringify(f.to.slice(0, 20))} is not a percentage.`, 'Give a whole number from 0 to 100, e.g. --to 10.');
    to = Number(f.to);
  }
  const out = await loadFlags().runFlagRollout(
    { flags, provider, flag: f.flag, environment: f.env, ...(to !== undefined ? { to } : {}), yes: f.yes, store, session: newSession('cli'), decisionLog, onEvent: progress(io), ...(signal ? { signal } : {}) },
    prompter,
  );
  switch (out.kind) {
    case 'done':
      io.out(`${out.outcome}\n`);
      return 0;
    case 'declined':
      io.err('Not changed: nothing was sent.\n');
      return 1;
    case 'cancelled':
      io.err(`Paused: run release-manager flag rollout --flag ${f.flag} --env ${f.env}${to !== undefined ? ` --to ${to}` : ''} again to resume.\n`);
      return 130;
    case 'rolled-back':
      io.out(`${out.outcome}\n`);
      return 1;
    case 'stopped':
      io.err(`error: ${out.outcome}\n`);
      if (out.question) io.err(`question: ${out.question.text}\nfix: run the command again on a terminal (without --yes) to answer, or set a percentage with --to PERCENT.\n`);
      return 1;
    case 'unknown':
      io.err(`error: ${out.outcome}\nfix: check that Unleash is reachable, then run the command again: it reads the flag first and resumes.\n`);
      return 1;
  }
}

/**
 * The flag stages of a deploy plan: after a successful `deploy --env ENV`, each rollout whose
 * `afterDeploy` is ENV runs (ramp, read back, health, rollback) as `flag rollout` would; the first
 * that does not end done stops the rest. Resolves to the exit code (0 when there is none).
 */
export async function runDeployFlagStages(repo: LocalGitRepo, config: ReleaseConfig, deployEnvironment: string, yes: boolean, io: PublishIo): Promise<number> {
  const stages = flagStagesAfter(config.flags, deployEnvironment);
  for (const r of stages) {
    io.err(`flag stage after the deploy to ${deployEnvironment}: ${r.flag} in ${r.environment}\n`);
    let code: number;
    try {
      code = await runFlagCommand('rollout', repo, config, { flag: r.flag, env: r.environment, yes }, io);
    } catch (e) {
      io.err(`error: the code is deployed, but the flag stage of ${r.flag} did not run: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    if (code !== 0) return code;
  }
  return 0;
}

/** The JSON contract of `flag status`: `{flag, environment, enabled, rollout}` (null when unknown), plus what is known besides. */
function jsonRow(r: FlagStatusEntry) {
  return { flag: r.flag, environment: r.environment, enabled: r.enabled, rollout: r.rollout, ...(r.lastChange ? { lastChange: r.lastChange } : {}), ...(r.error !== undefined ? { error: r.error } : {}) };
}

function statusLine(r: FlagStatusEntry): string {
  if (r.enabled === null || r.rollout === null) return `${r.flag} ${r.environment}: unknown (${r.error ?? 'no answer'})`;
  const last = r.lastChange ? ` (last change: ${r.lastChange.who}, ${r.lastChange.when})` : '';
  return `${r.flag} ${r.environment}: ${r.enabled ? 'on' : 'off'}, rollout ${r.rollout}%${last}`;
}

/** Progress lines on stderr: one per step change, once per hold. */
function progress(io: PublishIo): (j: { steps: { percent: number }[] }, e: FlagStageEvent) => void {
  let holding = -1;
  return (j, e) => {
    const of = (i: number) => `[${i + 1}/${j.steps.length}] ${j.steps[i]?.percent ?? '?'}%`;
    switch (e.type) {
      case 'started':
      case 'resumed':
        io.err(`${e.type === 'started' ? 'steps' : 'resuming; steps'}: ${e.steps.map((s) => `${s}%`).join(' → ') || 'none'}\n`);
        break;
      case 'set':
        io.err(`${of(e.index)}: ${e.changed ? 'set and read back' : 'already set (read back)'}: ${describeSetting(e.state)}\n`);
        break;
      case 'holding':
        if (holding !== e.index) io.err(`${of(e.index)}: holding until ${new Date(e.untilMs).toISOString()}${e.verdict ? ` while analysing ${e.verdict.checks.map((c) => c.id).join(', ')}` : ''}\n`);
        holding = e.index;
        break;
      case 'passed':
        io.err(`${of(e.index)}: passed: ${e.reason}\n`);
        break;
      case 'skipped':
        io.err(`${of(e.index)}: skipped: ${e.reason}\n`);
        break;
      case 'failed':
        io.err(`${of(e.index)}: failed: ${e.reason}\n`);
        break;
      case 'rolling-back':
        io.err(`rolling back to ${describeSetting(e.to)}\n`);
        break;
      default:
        break;
    }
  };
}
