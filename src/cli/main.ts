import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { version as PACKAGE_VERSION } from '../../package.json';
import { buildChangelogJson, buildChangelogMarkdown } from '../core/changelog';
import { publicNotes, writeJsonChangelog } from '../core/changelogJson';
import { FileSpill } from '../node/textSpill';
import type { ReleaseConfig } from '../core/config';
import { draftNotes, isIgnoredTagsWarning, type DraftOptions } from '../core/draft';
import { ConfigError, GitError, GitHubError, ReleaseError, UsageError } from '../core/errors';
import { runGates, verdict } from '../core/gates/engine';
import type { GateResult } from '../core/gates/types';
import type { GitHubApi } from '../core/githubApi';
import { renderMarkdown } from '../core/render';
import { stripUnsafe } from '../core/sanitize';
import { FileChangelogCache } from '../git/changelogCache';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';
import { FileDeployJournalStore } from '../node/deployJournal';
import { loadFlags } from '../node/loadFlags';
import { createGateContext } from '../node/gateContext';
import { suggestPackages, suggestionText } from '../node/packageSuggestion';
import { runAnswerCommand, runDeployCommand, runRollbackCommand, runStatusCommand } from './deploy';
import { cliGitHubApi, cliGitHubRepo, cliLinkNotes, cliNotesLinks, runPublishCommand } from './publish';
import { checkFlagCommand, runFlagCommand } from './flags';
import { METRICS_FLAGS, runMetricsCommand } from './metrics';
import { CALENDAR_FLAGS, runCalendarCommand } from './calendar';
import { runSignOffCommand } from './signoff';
import { RISK_FLAGS, runRiskCommand } from './risk';
import { ANNOUNCE_OPTIONS, runAnnounceCli } from './announce';
import { PLAN_OPTIONS, runPlanCli } from './plan';

/** Where the CLI writes; injectable so tests can run it in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  /** Aborted on Ctrl-C: running gates are cancelled and their process trees killed. */
  signal?: AbortSignal;
  /** The environment (GITHUB_TOKEN, GH_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY); default process.env. */
  env?: Record<string, string | undefined>;
  /** The clock of commands that read it (metrics' window); default now. */
  now?: Date;
  /** Asks a yes/no question on the terminal; absent when there is none (publish then needs --yes). */
  confirm?: (question: string) => Promise<boolean>;
  /** Writes to stdout and resolves once the stream can take more (long outputs respect back-pressure); default out. */
  write?: (chunk: string | Uint8Array) => Promise<void>;
}

const USAGE = `Usage: release-manager <command> [options]

Commands:
  notes       Release notes and next version of a range (default: last release to HEAD)
  version     The next version and the commits that decided it
  changelog   Notes of every release in the history, newest first
  gates       Readiness gates of the next release and the GO / NO-GO verdict
  publish     Tag the release commit and publish the GitHub release (resumable; asks first)
  deploy      Deploy a release to an environment (GitHub Deployments, a workflow or a local command;
              canary, blue-green, rolling; journaled: a second run resumes, never repeats)
  rollback    Roll an environment back to its last successful deployment (skips the gates; asks first)
  status      Deploys and rollbacks in this repository's journal: done, running, paused or failed
  risk        The release's risk score: every factor with its points and weight, the level (low, medium,
              high) and the top factors; --answer ID=yes|no records a business-risk answer
  signoff     Sign a manual gate off for the next version as your git identity (in .release-manager/signoffs.json)
  metrics     Release metrics of an environment: DORA keys and the release targets (deployments, lead time,
              change failure rate, recovery, rollbacks, incidents, cadence), from GitHub, the local history and git
  calendar    The release calendar: past releases (tags), planned release days (cadence), code freezes,
              milestones' due dates and deploys per environment, as iCalendar (.ics) or JSON
  announce    Preview or send the release announcement of each audience (internal, external, support)
              through the configured channels (Slack, e-mail, GitHub, file); journaled, never sent twice
              (release-manager announce --help for its options: --version X, --audience, --stage, --at, --send)
  plan        The release's scope from its GitHub milestone: due date, open and closed items, the gap
              (in the milestone, not merged) and the drift (merged, not in the milestone)
              (release-manager plan --help for its options: --version X, --format text|json)
  flag status   Feature flags (Unleash): on/off and rollout % per environment
  flag rollout  Ramp a flag up through its configured steps with health checks (--to PERCENT: set it now)
  flag kill     The emergency switch: a flag off in an environment now (no gates; recorded)

Options:
  --repo DIR            Repository (default: current directory)
  --from REF            Start of the range, exclusive (default: last release tag)     [notes, version]
  --to REF              End of the range (default: HEAD)                        [notes, version, changelog]
  --path DIR            Only commits touching DIR; uses that package's tag format (monorepos)
  --prerelease ID       Prerelease channel, e.g. rc gives 1.3.0-rc.0, rc.1, ...   [notes, version, gates, signoff]
  --format FORMAT       notes, changelog: markdown (default) or json; version, gates: text (default) or json;
                        metrics: text (default), json or markdown; calendar: ics (default) or json
  --allow-commands      Run command gates and command deploy providers (only with this flag)   [gates, deploy, rollback]
  --only ID             Run only the gate with this id; repeatable                                             [gates]
  --tag TAG             Tag to create (default: the tag format with the next version)                        [publish]
  --notes-file FILE     Release notes to publish (default: the drafted notes)                                 [publish]
  --draft               Leave the GitHub release as a draft                                                   [publish]
  --bump                Write the version into the version files, commit and push first                       [publish]
  --yes                 Do not ask for confirmation (required without a terminal)          [publish, deploy, rollback]
  --remote NAME         Git remote naming the GitHub repository, when several do   [publish, gates, deploy, rollback]
  --env ENV             Environment of the deploy config (or a GitHub environment)   [deploy, rollback, status, metrics]
  --since WHEN          Start of the metrics window: an ISO date or a span back from now (30d, 12w; default 90d)  [metrics]
  --until WHEN          End of the metrics window: an ISO date (its whole day) or a span (default now)            [metrics]
  --from DATE, --to DATE  The calendar's window, UTC dates inclusive (default 90 days back, 90 ahead)     [calendar]
  --out FILE            Write the calendar to FILE (replaced atomically) instead of stdout                  [calendar]
  --no-cache            Read the whole history; do not use or keep the changelog cache                    [changelog]
  --ref REF             What to deploy (default: the release tag at HEAD)                                    [deploy]
  --strategy NAME       canary, blue-green or rolling (default: the environment's)                          [deploy]
  --hotfix              The release is a hotfix: may deploy to production inside a code freeze            [deploy]
  --answer ID=yes|no    risk: answer a business-risk question (recorded as your sign-off)                     [risk]
  --answer CHOICE       Answer the question of the operation on --env: retry, abort, resume, mark-sent,
                        mark-done, mark-failed or wait-longer (the CLI names the ones that apply)  [deploy, rollback]
  --gate ID             The manual (or risk) gate to sign off                                              [signoff]
  --at TIME             Planned deploy time, ISO with Z or an offset (default now)                              [risk]
  --note TEXT           A note kept with the sign-off (at most 500 characters); why, for a kill   [signoff, flag kill]
  --flag NAME           The feature flag                                                 [flag status, rollout, kill]
  -h, --help            Show this help
  -v, --version         Show the version of release-manager

Flags: --env names the Unleash environment; --to PERCENT (0-100) sets that rollout now [flag rollout];
the Unleash token is read from the variable flags.provider.tokenEnv names (default UNLEASH_ADMIN_TOKEN).

GitHub: the token is read from GITHUB_TOKEN or GH_TOKEN and sent only to GITHUB_API_URL (default
https://api.github.com); GITHUB_REPOSITORY=OWNER/REPO overrides the remote.

Exit codes: 0 success (gates: GO), 1 other failure (gates: NO-GO), 2 usage or config error, 130 cancelled.`;

const COMMANDS = new Set(['notes', 'version', 'changelog', 'gates', 'publish', 'deploy', 'rollback', 'status', 'signoff', 'metrics', 'risk', 'calendar', 'announce', 'plan', 'flag']);
const DEPLOY_COMMANDS = new Set(['deploy', 'rollback', 'status']);
/** The options each deploy command takes: any other is refused, never silently ignored (a rollback --ref would not choose the target). */
const DEPLOY_FLAGS: Record<string, readonly string[]> = {
  deploy: ['repo', 'env', 'ref', 'strategy', 'hotfix', 'yes', 'remote', 'allow-commands', 'answer', 'help'],
  rollback: ['repo', 'env', 'yes', 'remote', 'allow-commands', 'answer', 'help'],
  status: ['repo', 'env', 'help'],
};
/** The options signoff takes. */
const SIGNOFF_FLAGS: readonly string[] = ['repo', 'gate', 'note', 'path', 'prerelease', 'help'];

const OPTIONS = {
  repo: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  path: { type: 'string' },
  prerelease: { type: 'string' },
  format: { type: 'string' },
  'allow-commands': { type: 'boolean' },
  only: { type: 'string', multiple: true },
  tag: { type: 'string' },
  'notes-file': { type: 'string' },
  draft: { type: 'boolean' },
  bump: { type: 'boolean' },
  yes: { type: 'boolean' },
  remote: { type: 'string' },
  env: { type: 'string' },
  ref: { type: 'string' },
  strategy: { type: 'string' },
  hotfix: { type: 'boolean' },
  answer: { type: 'string' },
  gate: { type: 'string' },
  note: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  out: { type: 'string' },
  at: { type: 'string' },
  flag: { type: 'string' },
  'no-cache': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The command the arguments name (first positional), if any; never throws. */
export function commandOf(argv: string[]): string | undefined {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: false, options: OPTIONS }).positionals[0];
  } catch {
    return undefined;
  }
}

/** Where the command `name` (announce, plan: their --version takes a value) is in the arguments (its first positional), or null. */
function announceIndex(argv: string[], name = 'announce', options: typeof ANNOUNCE_OPTIONS | typeof PLAN_OPTIONS = ANNOUNCE_OPTIONS): number | null {
  try {
    const { tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options });
    const first = tokens.find((t) => t.kind === 'positional');
    return first && first.kind === 'positional' && first.value === name ? first.index : null;
  } catch {
    return null;
  }
}

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    return report(e, io);
  }
}

/** Refuses an option the command does not take (never silently ignored), naming the ones it takes (or a better fix). */
function refuseStrayOptions(command: string, values: Record<string, unknown>, allowed: readonly string[], fixFor?: (stray: string) => string | null): void {
  const stray = Object.keys(values).find((k) => values[k] !== undefined && !allowed.includes(k));
  if (stray === undefined) return;
  const fix = fixFor?.(stray) ?? `${command} takes ${allowed.filter((f) => f !== 'help').map((f) => `--${f}`).join(', ')}.`;
  throw new UsageError(`--${stray} does not apply to ${command}.`, fix);
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  // announce has its own options (its --version takes a value).
  const at = announceIndex(argv);
  if (at !== null) return runAnnounceCli([...argv.slice(0, at), ...argv.slice(at + 1)], io);
  const planAt = announceIndex(argv, 'plan', PLAN_OPTIONS);
  if (planAt !== null) return runPlanCli([...argv.slice(0, planAt), ...argv.slice(planAt + 1)], io);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    throw new UsageError(parseErrorMessage((e as Error).message), 'Run release-manager --help for the options.');
  }
  const { values, positionals } = parsed;
  if (values.version && positionals.length === 0) {
    io.out(`release-manager ${PACKAGE_VERSION}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const [command, ...extra] = positionals;
  if (!COMMANDS.has(command!)) throw new UsageError(`Unknown command ${JSON.stringify(command)}.`, 'Use one of: notes, version, changelog, gates, publish, deploy, rollback, status, signoff, metrics, risk, calendar, announce, plan, flag.');
  if (command === 'flag') {
    const sub = checkFlagCommand(extra, (Object.keys(values) as Array<keyof typeof values>).filter((k) => values[k] !== undefined));
    const repo = await LocalGitRepo.open(values.repo ?? io.cwd);
    const config = await loadConfig(repo.root);
    return runFlagCommand(sub, repo, config, { flag: values.flag, env: values.env, to: values.to, format: values.format, yes: values.yes === true, note: values.note }, { ...io, env: io.env ?? process.env });
  }
  if (values.flag !== undefined) throw new UsageError('--flag applies to flag status, flag rollout and flag kill only.', 'Use release-manager flag status --flag NAME.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}.`, 'Options take the form --name value; see --help.');
  if (DEPLOY_COMMANDS.has(command!)) {
    refuseStrayOptions(command!, values, DEPLOY_FLAGS[command!]!, (stray) =>
      command === 'rollback' && stray === 'ref' ? 'A rollback goes back to the last successful deployment of the environment; to deploy a given release, run release-manager deploy --env ENV --ref REF.' : null,
    );
  }
  if (command === 'metrics') {
    refuseStrayOptions('metrics', values, METRICS_FLAGS);
    return runMetricsCommand({ repo: values.repo, env: values.env, since: values.since, until: values.until, format: values.format, remote: values.remote }, { ...io, env: io.env ?? process.env });
  }
  if (command === 'risk') {
    refuseStrayOptions('risk', values, RISK_FLAGS);
    return runRiskCommand(
      { repo: values.repo, env: values.env, at: values.at, format: values.format, remote: values.remote, answer: values.answer, note: values.note, path: values.path, prerelease: values.prerelease },
      { ...io, env: io.env ?? process.env },
    );
  }
  if (values.at !== undefined) throw new UsageError('--at applies to risk only.', 'Use release-manager risk --at 2026-12-11T17:00:00Z.');
  if (command === 'calendar') {
    refuseStrayOptions('calendar', values, CALENDAR_FLAGS);
    return runCalendarCommand({ repo: values.repo, format: values.format, from: values.from, to: values.to, out: values.out, remote: values.remote }, { ...io, env: io.env ?? process.env });
  }
  if (values.out !== undefined) throw new UsageError('--out applies to calendar only.', 'Use release-manager calendar --out releases.ics.');
  if (values.since !== undefined || values.until !== undefined) throw new UsageError(`--${values.since !== undefined ? 'since' : 'until'} applies to metrics only.`, 'Use release-manager metrics --since 30d.');
  const signOffOnly = (['gate', 'note'] as const).find((k) => values[k] !== undefined);
  if (command !== 'signoff' && signOffOnly !== undefined) throw new UsageError(`--${signOffOnly} applies to signoff only.`, 'Use release-manager signoff --gate ID [--note TEXT].');
  if (command === 'signoff') {
    refuseStrayOptions('signoff', values, SIGNOFF_FLAGS);
    if (values.gate === undefined) throw new UsageError('signoff needs --gate ID.', 'Name the manual gate to sign off, e.g. release-manager signoff --gate qa.');
  }
  const publishOnly = (['tag', 'notes-file', 'draft', 'bump', 'yes'] as const).filter((k) => values[k] !== undefined && !(k === 'yes' && (command === 'deploy' || command === 'rollback')));
  const deployOnly = (['env', 'ref', 'strategy', 'hotfix'] as const).filter((k) => values[k] !== undefined);
  if (!DEPLOY_COMMANDS.has(command!) && deployOnly.length > 0) {
    throw new UsageError(`--${deployOnly[0]} applies to deploy, rollback and status only.`, 'See release-manager --help.');
  }
  if (command !== 'publish' && publishOnly.length > 0) {
    throw new UsageError(`--${publishOnly[0]} applies to publish only.`, 'Use release-manager publish --help for its options.');
  }
  if (command === 'publish' && (values.from !== undefined || values.to !== undefined || values.format !== undefined)) {
    throw new UsageError('publish releases HEAD with the drafted or given notes: --from, --to and --format do not apply.', 'Check out the commit to release; pass --notes-file to publish edited notes.');
  }
  const textual = command === 'version' || command === 'gates' || command === 'publish' || DEPLOY_COMMANDS.has(command!);
  const format = values.format ?? (textual ? 'text' : 'markdown');
  const formats = textual ? ['text', 'json'] : ['markdown', 'json'];
  if (!formats.includes(format)) throw new UsageError(`--format ${JSON.stringify(format)} is not supported by ${command}.`, `Use one of: ${formats.join(', ')}.`);
  if (command === 'changelog' && (values.from !== undefined || values.prerelease !== undefined)) {
    throw new UsageError('changelog covers the whole history: --from and --prerelease do not apply.', 'Use release-manager notes --from REF for one range.');
  }
  if (command !== 'gates' && (values.only !== undefined || (values['allow-commands'] !== undefined && command !== 'deploy' && command !== 'rollback'))) {
    throw new UsageError('--allow-commands applies to gates, deploy and rollback, --only to gates only.', 'Use release-manager gates --allow-commands.');
  }
  if (command === 'gates' && (values.from !== undefined || values.to !== undefined)) {
    throw new UsageError('gates check the release of HEAD and the working tree: --from and --to do not apply.', 'Check out the commit to release, then run release-manager gates.');
  }
  if (values.version) throw new UsageError('--version takes no command.', 'Run release-manager --version alone.');
  if (values['no-cache'] !== undefined && command !== 'changelog') throw new UsageError('--no-cache applies to changelog only.', 'Use release-manager changelog --no-cache.');
  const repo = await LocalGitRepo.open(values.repo ?? io.cwd);
  const config = await loadConfig(repo.root);
  const env = io.env ?? process.env;
  if (values.path !== undefined) await checkPathMatches(repo, values.path);
  // Refs named on the command line are checked first, so that a typo is a usage error with git's words left out.
  for (const ref of [values.from, values.to]) if (ref !== undefined) await repo.resolveCommit(ref);
  if (command === 'deploy' || command === 'rollback' || command === 'status') {
    if (command !== 'status' && values.env === undefined) throw new UsageError(`${command} needs --env ENV.`, `Name the environment, e.g. release-manager ${command} --env staging.`);
    if (command === 'status') {
      if (values.env !== undefined) await checkKnownEnvironment(repo, config, values.env);
      return runStatusCommand(repo, { env: values.env }, io);
    }
    if (values.answer !== undefined) {
      const extra = (['ref', 'strategy', 'hotfix'] as const).find((k) => values[k] !== undefined);
      if (extra !== undefined) throw new UsageError(`--${extra} does not go with --answer: the answer is for the operation already on ${values.env}.`, `Run release-manager ${command} --env ${values.env} --answer ${values.answer} alone.`);
      return runAnswerCommand(repo, config, { env: values.env!, answer: values.answer, remote: values.remote, allowCommands: values['allow-commands'] === true }, { ...io, env });
    }
    if (command === 'rollback') return runRollbackCommand(repo, config, { env: values.env!, yes: values.yes === true, remote: values.remote, allowCommands: values['allow-commands'] === true }, { ...io, env });
    return runDeployCommand(repo, config, { env: values.env!, ref: values.ref, strategy: values.strategy, yes: values.yes === true, remote: values.remote, hotfix: values.hotfix === true, allowCommands: values['allow-commands'] === true }, { ...io, env });
  }
  if (command === 'publish') {
    return runPublishCommand(
      repo,
      config,
      { tag: values.tag, draft: values.draft === true, bump: values.bump === true, notesFile: values['notes-file'], yes: values.yes === true, remote: values.remote, path: values.path, prerelease: values.prerelease },
      { ...io, env },
    );
  }
  if (command === 'signoff') return runSignOffCommand(repo, config, { gate: values.gate, note: values.note, path: values.path, prerelease: values.prerelease }, io);
  if (command === 'gates') {
    const github = async () => cliGitHubApi(await cliGitHubRepo(repo, env, values.remote), { err: io.err, env });
    return runGatesCommand(repo, config, { json: format === 'json', allowCommands: values['allow-commands'] === true, only: values.only, path: values.path, prerelease: values.prerelease, github }, io);
  }
  if (command === 'changelog') {
    // The releases up to the newest one are kept in the git directory for the next run (docs/notes.md#the-changelog-cache).
    const cache = values['no-cache'] ? undefined : { store: new FileChangelogCache(repo.gitCommonDir, repo.root), tool: PACKAGE_VERSION };
    if (format === 'json') {
      // One release object at a time: each release's sections wait in a temporary file, not in the heap.
      const spill = new FileSpill();
      try {
        const { releases, warnings } = await buildChangelogJson(repo, config, { to: values.to, path: values.path, signal: io.signal, cache }, spill);
        for (const w of warnings) io.err(`warning: ${w}\n`);
        // Bytes may end inside a character (the cache's blob is read in fixed chunks): decoded as one stream.
        const decoder = new TextDecoder('utf-8');
        const write = io.write ?? (async (chunk: string | Uint8Array) => io.out(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })));
        await writeJsonChangelog(releases, async (piece) => {
          if (typeof piece === 'string') return write(piece);
          if ('spilled' in piece) return write(spill.read(piece.spilled));
          for (const chunk of piece.cached.chunks()) await write(chunk);
        });
      } finally {
        spill.dispose();
      }
    } else {
      const { releases, warnings } = await buildChangelogMarkdown(repo, config, { to: values.to, path: values.path, cache });
      for (const w of warnings) io.err(`warning: ${w}\n`);
      writeChangelog(releases, io);
    }
    return 0;
  }
  const options: DraftOptions = { from: values.from, to: values.to, path: values.path, prerelease: values.prerelease };
  const drafted = await draftNotes(repo, config, options);
  // Notes are linked to pull requests when the repository is on GitHub (the version needs git only).
  const notes = command === 'notes' ? await cliLinkNotes(repo, drafted, config, { err: io.err, env, signal: io.signal }, values.remote) : drafted;
  for (const w of notes.warnings) io.err(`warning: ${w}\n`);
  await suggestPackagesFor(repo, config, notes.warnings, io);
  if (command === 'notes') {
    io.out(format === 'json' ? JSON.stringify(publicNotes(notes), null, 2) + '\n' : renderMarkdown(notes, config, await cliNotesLinks(repo, env, values.remote)));
    return 0;
  }
  const v = publicNotes(notes).version;
  if (format === 'json') {
    io.out(JSON.stringify(v, null, 2) + '\n');
    return 0;
  }
  if (v.next === null) {
    io.out(`No release needed: nothing since ${notes.range.from ?? 'the first commit'} changes the version (current ${v.current ?? 'none'}).\n`);
    return 0;
  }
  const kind = v.firstRelease ? 'first release' : `${v.bump}${v.hotfix ? ', hotfix' : ''}, from ${v.current}`;
  io.out(`${v.next} (${kind})\nWhy:\n${v.reasons.map((r) => `  ${r.hash.slice(0, 7)} ${r.why}`).join('\n')}\n`);
  return 0;
}

interface GatesFlags {
  json: boolean;
  allowCommands: boolean;
  only: string[] | undefined;
  path: string | undefined;
  prerelease: string | undefined;
  github: () => Promise<GitHubApi>;
}

const LABEL: Record<GateResult['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', pending: 'PENDING', unknown: 'UNKNOWN', skipped: 'SKIPPED' };

/** Statuses whose details the text output shows (the JSON output always has them). */
const SHOW_DETAILS: ReadonlySet<GateResult['status']> = new Set(['fail', 'pending', 'unknown']);
/** Most detail lines the text output shows per gate. */
const MAX_DETAIL_LINES = 10;
/** Longest detail line the text output shows. */
const MAX_DETAIL_CHARS = 300;

/** A gate's details as terminal lines: inert (no escapes or control characters), clipped and bounded. */
function detailLines(details: string): string[] {
  const lines = stripUnsafe(details)
    .split('\n')
    .map((l) => l.replace(/\t/g, '  ').trimEnd())
    .filter((l) => l.trim() !== '')
    .map((l) => (l.length > MAX_DETAIL_CHARS ? `${l.slice(0, MAX_DETAIL_CHARS - 1)}…` : l));
  if (lines.length <= MAX_DETAIL_LINES) return lines;
  const rest = lines.length - MAX_DETAIL_LINES;
  return [...lines.slice(0, MAX_DETAIL_LINES), `… and ${rest} more line${rest === 1 ? '' : 's'} (--format json has them all)`];
}

/** `gates`: runs the configured gates (commands only with --allow-commands); exit 0 GO, 1 NO-GO. */
async function runGatesCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: GatesFlags, io: CliIo): Promise<number> {
  // Shared repository reads end with the run (a gate that timed out must not keep git running).
  const reads = new AbortController();
  const onAbort = () => reads.abort();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  const ctx = createGateContext({
    repo,
    config,
    commandsAllowed: flags.allowCommands,
    commandsBlockedReason: 'requires --allow-commands',
    draft: { path: flags.path, prerelease: flags.prerelease },
    signal: reads.signal,
    github: flags.github,
    // Flag gates read the flag provider with the token of the variable flags.provider.tokenEnv names.
    flagSecrets: loadFlags().envSecretSource(io.env),
  });
  let results: GateResult[];
  try {
    results = await runGates(config.gates, ctx, { concurrency: config.gateConcurrency, signal: io.signal, only: flags.only });
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    reads.abort();
  }
  const v = verdict(results);
  if (flags.json) {
    io.out(JSON.stringify({ verdict: v, results }, null, 2) + '\n');
  } else {
    for (const r of results) {
      io.out(`${LABEL[r.status].padEnd(8)} ${r.title}${r.required ? '' : ' (advisory)'}: ${r.reason}\n`);
      if (r.status !== 'pass' && r.fix) {
        const at = r.fix.action?.kind === 'openFile' ? ` (${r.fix.action.path}${r.fix.action.line ? `:${r.fix.action.line}` : ''})` : '';
        io.out(`         fix: ${r.fix.label}${at}\n`);
      }
      if (SHOW_DETAILS.has(r.status) && r.details) io.out(detailLines(r.details).map((l) => `         ${l}\n`).join(''));
    }
    io.out(`${v.summary}\n`);
  }
  return v.decision === 'GO' ? 0 : 1;
}

function writeChangelog(releases: string[], io: CliIo): void {
  io.out('# Changelog\n\n');
  if (releases.length === 0) io.out('_No changes yet._\n');
  for (const r of releases) io.out(r + '\n');
}

/** Node's parseArgs message without its advice about positionals (ours is --help). */
export function parseErrorMessage(message: string): string {
  const first = message.split('\n')[0]!;
  const unknown = /^Unknown option '([^']*)'/.exec(first);
  if (unknown) return `Unknown option ${unknown[1]}.`;
  return first.replace(/\. To specify a positional argument.*$/, '.');
}

/** `--path DIR` must name something the repository has (now or in its history): otherwise say so, not "no changes". */
async function checkPathMatches(repo: LocalGitRepo, path: string): Promise<void> {
  if (existsSync(join(repo.root, path))) return;
  const head = await repo.head();
  if (head.hash !== null && (await repo.commitsTouching('HEAD', [path])).size > 0) return;
  throw new UsageError(`--path ${JSON.stringify(path)} matches no file or folder of the repository.`, 'Name a folder relative to the repository root, e.g. --path packages/web.');
}

/** `status --env ENV` names an environment the config or the journal knows, else a usage error that lists them. */
async function checkKnownEnvironment(repo: LocalGitRepo, config: ReleaseConfig, name: string): Promise<void> {
  const configured = (config.deploy?.environments ?? []).map((e) => e.name);
  const recorded = (await new FileDeployJournalStore(repo.gitCommonDir).list()).map((j) => j.plan.environment);
  const known = [...new Set([...configured, ...recorded])];
  if (known.some((k) => k.toLowerCase() === name.toLowerCase())) return;
  if (known.length === 0) throw new UsageError(`No environment is configured or recorded here, so none is called ${JSON.stringify(name)}.`, 'Add a deploy section to .release-manager.json, or run release-manager status without --env.');
  throw new UsageError(`Unknown environment ${JSON.stringify(name)}.`, `Use --env with one of: ${known.join(', ')}.`);
}

/** Git faults that mean the user named something that is not there: usage errors (exit 2). */
const USAGE_GIT_CODES = new Set(['not-a-repo', 'unknown-ref', 'bad-ref', 'bad-path']);

/** Text from config files, refs and git shown as text: control characters and escapes are made visible, never interpreted. */
export function inert(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof ReleaseError) {
    // The editor's wording ("Open a folder…") does not fit a terminal.
    const fix = e instanceof GitError && e.code === 'not-a-repo' && /^Open a/.test(e.fix) ? 'Run release-manager inside a git repository, or pass --repo DIR naming one.' : e.fix;
    io.err(`error: ${inert(e.message)}\nfix: ${inert(fix)}\n`);
    if (e instanceof UsageError || e instanceof ConfigError) return 2;
    if (e instanceof GitError && USAGE_GIT_CODES.has(e.code)) return 2;
    if (e instanceof GitHubError && (e.code === 'no-token' || e.code === 'not-github' || e.code === 'host-blocked')) return 2;
    if (e instanceof GitHubError && e.code === 'cancelled') return 130;
    if (e instanceof GitError) return 1;
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`error: unexpected failure: ${inert(message.split('\n')[0]!)}\nfix: report this with the command you ran; nothing was changed.\n`);
  return 1;
}

/** After a warning about ignored tags: the packages a monorepo without them in its config could declare (tag families with their folders). */
async function suggestPackagesFor(repo: LocalGitRepo, config: ReleaseConfig, warnings: readonly string[], io: { err: (text: string) => void }): Promise<void> {
  if (!warnings.some(isIgnoredTagsWarning)) return;
  const proposals = await suggestPackages(repo.root, (await repo.tags()).map((t) => t.name), config).catch(() => []);
  if (proposals.length > 0) io.err(`suggestion: ${suggestionText(proposals)}\n`);
}
