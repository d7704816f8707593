/**
 * `release-manager deploy | rollback | status`: the same journaled, resumable deploy as the editor,
 * over the GitHub providers (Deployments API, workflow_dispatch) and local commands (only with
 * --allow-commands; their output is streamed to stderr, no token needed). Repository, token and API URL
 * follow `publish` (GITHUB_REPOSITORY or the remotes, GITHUB_TOKEN / GH_TOKEN, GITHUB_API_URL). It
 * never prompts with --yes or without a terminal; running it again on an interrupted operation is
 * the person's choice to resume it. Exit codes: 0 done and healthy, 1 refused / failed / a question
 * the CLI cannot answer, 2 usage or configuration, 3 superseded (a rollback or another deploy took the
 * environment over: nothing more was sent), 130 cancelled (the journal is paused).
 */
import { loadFlags } from '../node/loadFlags';
import type { ReleaseConfig } from '../core/config';
import type { GitHubApi } from '../core/githubApi';
import { UsageError } from '../core/errors';
import { deployJournalKey, journalSummary } from '../core/deploy/journal';
import type { DeployEvent, DeployJournal } from '../core/deploy/journalTypes';
import { parseStrategyName } from '../core/deploy/plan';
import type { Deployer, DeployJournalStore, HealthProbe } from '../core/deploy/ports';
import { answer } from '../core/deploy/run';
import { findEnvironment } from '../core/deploy/schema';
import type { GitHubRepoRef } from '../core/remote';
import type { LocalGitRepo } from '../git/gitRepo';
import { loadGitHub } from '../github/load';
import { loadAnnounce } from '../node/loadAnnounce';
import { CommandDeployer } from '../node/commandDeployer';
import { deployerFor } from '../node/deployerFor';
import { FileDeployJournalStore } from '../node/deployJournal';
import { adoptMovedJournals, adoptMovedJournalsOf, repositoryLabel } from '../node/movedJournals';
import { continueOperation, decisionLogTarget, releaseAt, sleep, type DriveHooks, type DriveOutcome, type FlowTarget } from '../node/deployFlow';
import { deploySequence, rollbackSequence, type DeployFront, type SequenceEnd } from '../node/deploySequence';
import { FetchHealthProbe } from '../node/healthProbe';
import { newSession } from '../node/session';
import { runDeployFlagStages } from './flags';
import { cliGitHubApi, cliGitHubRepo, cliToken, type PublishIo } from './publish';
import { terminalPrompter } from './terminalPrompter';
import { whenText } from '../shared/time';

/** What the deploy commands need besides the terminal; tests replace the clock, the probe and the provider. */
export interface DeployDeps {
  createDeployer?: (kind: 'deployments' | 'workflow', ref: GitHubRepoRef, token: string, io: PublishIo) => Deployer;
  /** The deployer of `command` environments (default: a CommandDeployer printing the output on stderr). */
  createCommandDeployer?: (repo: LocalGitRepo, io: PublishIo) => Deployer;
  probe?: HealthProbe;
  store?: DeployJournalStore;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** GitHub for the readiness gates (default: the repository's, with the CLI token). */
  github?: () => Promise<GitHubApi>;
}

/** Flags of `deploy`. */
export interface DeployFlags {
  env: string;
  ref?: string;
  strategy?: string;
  yes: boolean;
  remote?: string;
  /** The release is a hotfix: deployable inside a code freeze. */
  hotfix?: boolean;
  /** Run command gates and command providers (--allow-commands). */
  allowCommands?: boolean;
  /** Append the finished operation to the decision log (default true). */
  decisionLog?: boolean;
}

function defaultDeployer(kind: 'deployments' | 'workflow', ref: GitHubRepoRef, token: string, io: PublishIo): Deployer {
  // Octokit stays out of the CLI's start: loaded with the GitHub bundle on first use.
  const { GitHubDeployer } = loadGitHub();
  return new GitHubDeployer(kind, ref, {
    token,
    waitForRateLimit: async (seconds, signal) => {
      io.err(`GitHub rate limit: waiting ${seconds} s before retrying (Ctrl-C to stop)...\n`);
      return sleep(seconds * 1000, signal).then(() => true, () => false);
    },
  });
}

async function context(repo: LocalGitRepo, config: ReleaseConfig, envName: string, remote: string | undefined, io: PublishIo, deps: DeployDeps, allowCommands = false): Promise<FlowTarget> {
  const found = findEnvironment(config.deploy, envName);
  if (!found) {
    const names = config.deploy?.environments.map((e) => e.name).join(', ') ?? '';
    throw new UsageError(`No environment ${JSON.stringify(envName.slice(0, 64))} in the deploy config.`, `Use one of: ${names}.`);
  }
  const env = found.env;
  const store = deps.store ?? new FileDeployJournalStore(repo.gitCommonDir);
  const session = newSession('cli');
  const { deployer, slug, label } = await deployerFor(env, {
    repo,
    host: { host: 'cli', trusted: allowCommands },
    // A local command: no GitHub token needed, and nothing runs without --allow-commands.
    blockedFix: (e) =>
      e.provider.kind === 'command'
        ? `Review the command in the deploy config (${JSON.stringify(e.provider.argv[0]!.slice(0, 100))}), then run again with --allow-commands.`
        : 'Deploy this environment from the editor, or configure a GitHub provider (deployments or workflow) or a command provider.',
    makers: {
      github: async (kind) => {
        const token = cliToken(io.env); // no token, no work
        const ref = await cliGitHubRepo(repo, io.env, remote);
        return { deployer: (deps.createDeployer ?? defaultDeployer)(kind, ref, token, io), slug: `${ref.owner}/${ref.repo}` };
      },
      command: () => (deps.createCommandDeployer ?? defaultCommandDeployer)(repo, io),
    },
  });
  // An operation this repository left under an older key (its folder before a move) is found again.
  if (store instanceof FileDeployJournalStore) await adoptMovedJournals(store, slug, env.name);
  return { slug, label, env, deployer, store, key: deployJournalKey(slug, env.name), session };
}

/** The command deployer of the CLI: --allow-commands was given; each output line goes to stderr, prefixed with the environment. */
function defaultCommandDeployer(repo: LocalGitRepo, io: PublishIo): Deployer {
  return new CommandDeployer({
    repo,
    host: { host: 'cli', trusted: true },
    onOutput: (o) => io.err(`[${o.environment}${o.stream === 'stderr' ? ' !' : ''}] ${o.line}\n`),
    env: { ...process.env, ...io.env },
  });
}

/** The exit code of a deploy or rollback that another operation superseded (took the environment over) while it ran. */
export const SUPERSEDED_EXIT = 3;

/** The choices a person can give with --answer (inspect is status; resume takes over an operation another live process drives). */
export const ANSWERS = ['retry', 'abort', 'resume', 'mark-sent', 'mark-done', 'mark-failed', 'wait-longer'] as const;
export type Answer = (typeof ANSWERS)[number];
const isAnswer = (x: string): x is Answer => (ANSWERS as readonly string[]).includes(x);

/** The hooks of a CLI drive: progress on stderr, the outcome on stdout, no prompt with --yes. */
function driveHooks(c: FlowTarget, io: PublishIo, deps: DeployDeps, log: { repo: LocalGitRepo; config: ReleaseConfig } | null, options: { yes: boolean; operation: 'deploy' | 'rollback' }): DriveHooks {
  let lastReview = '';
  let lastLook = '';
  return {
    ...(log
      ? {
          decisionLog: decisionLogTarget(log.repo, log.config, {
            onWritten: (path) => io.err(`Recorded in the decision log (${path}).\n`),
            onError: (e) => io.err(`warning: the decision log could not be written: ${e instanceof Error ? e.message : String(e)}\n`),
          }),
        }
      : {}),
    now: deps.now ?? (() => new Date()),
    onWarning: (m) => io.err(`warning: ${m}\n`),
    onWait: (m) => io.err(`${m}\n`),
    sleep: deps.sleep ?? sleep,
    probe: deps.probe ?? new FetchHealthProbe(),
    ...(io.signal ? { signal: io.signal } : {}),
    conflictFix: 'Run release-manager status to see it, then run the command again.',
    supersede: async (question) => {
      io.err(`${question}\n`);
      if (options.yes) {
        // --yes never prompts: a rollback is what one runs when a deploy goes wrong, so it takes over; a deploy does not stop another operation.
        if (options.operation === 'rollback') return true;
        io.err(`--yes does not stop another operation for a deploy: stop it with release-manager deploy --env ${c.env.name} --answer abort, or roll back with release-manager rollback --env ${c.env.name} --yes.\n`);
        return false;
      }
      return io.confirm !== undefined && (await io.confirm('Stop it and go ahead? [y/N] '));
    },
    note: (kind, j) => (kind === 'superseded' ? io.err(`Superseded: ${journalSummary(j)}; it sends no further step.\n`) : io.out(`Continuing: ${journalSummary(j)}\n`)),
    onEvent: (j, e) => {
      const line = progressLine(j, e);
      if (line !== null) io.err(`${line}\n`);
    },
    onObserve: (j, index, o) => {
      // A running step is looked at every poll: what it says about itself (e.g. that nothing picked a deployment up) is said once.
      const said = (o.status === 'queued' || o.status === 'running') && o.reason ? `[${stepCounter(j, index)}] ${o.status}: ${o.reason}` : '';
      if (said !== '' && said !== lastLook) io.err(`${said}\n`);
      lastLook = said;
    },
    onReview: (_index, handle, reviews) => {
      // Said once per change of who is waited for, not at every poll.
      const said = reviews.map((r) => `Waiting for a review of ${r.environment} by ${r.reviewers.join(', ') || 'its required reviewers'}${r.canApprove ? ' (you may approve it: in the editor, or on GitHub)' : ''}${handle.url ? `: ${handle.url}` : ''}.`).join('\n');
      if (said !== '' && said !== lastReview) io.err(`${said}\n`);
      lastReview = said;
    },
  };
}

/** The CLI's part in a deploy or rollback sequence: the terminal prompter, its drive hooks, the exit code as the end. */
function cliFront(c: FlowTarget, io: PublishIo, deps: DeployDeps, log: { repo: LocalGitRepo; config: ReleaseConfig } | null, options: { yes: boolean; operation: 'deploy' | 'rollback' }): DeployFront<number> {
  return {
    prompter: terminalPrompter(io, { yes: options.yes }),
    drive: (_title, go) => go(driveHooks(c, io, deps, log, options)),
    conclude: async (outcome) => report(c, outcome, io),
  };
}

/** The exit code of a sequence's end, with what a front end says of an end that changed nothing. */
function exitCode(end: SequenceEnd<number>, io: PublishIo, operation: 'deploy' | 'rollback'): number {
  const nothing = `${operation === 'deploy' ? 'Not deployed' : 'Not rolled back'}: nothing was changed.\n`;
  switch (end.kind) {
    case 'driven':
      return end.result;
    case 'refused':
      io.err(`error: ${end.reason}\nfix: ${end.fix}\n`);
      return 1;
    case 'blocked':
      for (const b of end.check.allowed ? [] : end.check.blockers) io.err(`error: ${b.reason}\nfix: ${b.fix}\n`);
      for (const r of end.check.gateResults.filter((g) => g.required && g.status !== 'pass')) io.err(`  gate ${r.title}: ${r.status}: ${r.reason}${r.fix ? ` (fix: ${r.fix.label})` : ''}\n`);
      io.err(nothing);
      return 1;
    case 'cancelled':
      io.err(nothing);
      return 130;
    case 'declined':
      io.err(nothing);
      return 1;
  }
}

/** Prints how a drive ended and returns the exit code; a question names the --answer that answers it. */
function report(c: FlowTarget, outcome: DriveOutcome, io: PublishIo): number {
  switch (outcome.kind) {
    case 'declined':
      io.err('Nothing was changed.\n');
      return 1;
    case 'already-done':
      io.out(`${journalSummary(outcome.journal)} (finished ${outcome.journal.finishedAt}); not repeated.\n`);
      return outcome.ok ? 0 : 1;
    case 'done':
      io.out(`${journalSummary(outcome.journal)}\n`);
      if (outcome.journal.state === 'superseded') {
        // Another operation took the environment over: this drive sent nothing after its step in flight.
        io.err(`Stopped: another operation took ${c.env.name} over; nothing more was sent by this command${outcome.journal.steps.some((s) => s.state.status === 'done' || s.state.status === 'failed') ? ' after its last step ended' : ''}. release-manager status --env ${c.env.name} shows where it stands.\n`);
        return SUPERSEDED_EXIT;
      }
      return outcome.ok ? 0 : 1;
    case 'busy':
      io.err(`error: ${outcome.reason}\nfix: ${outcome.fix}\n`);
      return io.signal?.aborted ? 130 : 1;
    case 'cancelled':
      io.err(`Cancelled: ${journalSummary(outcome.journal)}. Run the command again to resume.\n`);
      return 130;
    case 'ask': {
      const a = outcome.stop.action;
      if (a.kind !== 'ask') return 1;
      const answers = a.choices.filter(isAnswer);
      const command = outcome.journal.plan.operation === 'rollback' ? 'rollback' : 'deploy';
      io.err(`${a.reason}\n`);
      if (answers.length > 0) io.err(`Answer with: ${answers.map((x) => `release-manager ${command} --env ${c.env.name} --answer ${x}`).join('\n         or: ')}\n(or in the editor's Release view; release-manager status shows where it stands).\n`);
      return 1;
    }
  }
}

/**
 * `deploy|rollback --env ENV --answer CHOICE`: answers the question the operation on ENV asks (a
 * dispatch refused, a step whose outcome is unknown, a timeout), or aborts it, then drives it on.
 */
export async function runAnswerCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: { env: string; answer: string; remote?: string; allowCommands?: boolean; decisionLog?: boolean }, io: PublishIo, deps: DeployDeps = {}): Promise<number> {
  const choice = flags.answer;
  if (!isAnswer(choice)) throw new UsageError(`--answer ${JSON.stringify(flags.answer.slice(0, 40))} is not an answer.`, `Use one of: ${ANSWERS.join(', ')}.`);
  const c = await context(repo, config, flags.env, flags.remote, io, deps, flags.allowCommands === true);
  const journal = await c.store.read(c.key);
  if (!journal || journal.state !== 'running') {
    throw new UsageError(`Nothing on ${c.env.name} waits for an answer${journal ? `: ${journalSummary(journal)}` : ''}.`, `Run release-manager status --env ${c.env.name} to see what ran there.`);
  }
  const hooks = driveHooks(c, io, deps, flags.decisionLog === false ? null : { repo, config }, { yes: true, operation: journal.plan.operation });
  const runDeps = { store: c.store, now: hooks.now, session: c.session, ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}) };
  io.out(`${journalSummary(journal)}\n`);
  if (choice === 'abort') {
    // Claims the operation and records the abort: it takes effect once no step is in flight (traffic back, or a rollback when configured).
    await answer(c.key, 'abort', null, runDeps);
    return report(c, await continueOperation(c, hooks), io);
  }
  // Take the operation over (running the command again is the choice to resume) up to its question, then answer it.
  const first = await continueOperation(c, hooks);
  if (first.kind !== 'ask' || first.stop.action.kind !== 'ask') return report(c, first, io);
  const asked = first.stop.action;
  if (!asked.choices.includes(choice)) {
    io.err(`${asked.reason}\n`);
    throw new UsageError(`"${choice}" does not answer this question.`, `Answer with one of: ${asked.choices.filter(isAnswer).join(', ') || 'none (see release-manager status)'}.`);
  }
  await answer(c.key, choice, asked.index, runDeps);
  return report(c, await continueOperation(c, hooks), io);
}

/** `deploy --env ENV [--ref REF] [--strategy canary|blue-green|rolling] [--yes]`. */
export async function runDeployCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: DeployFlags, io: PublishIo, deps: DeployDeps = {}): Promise<number> {
  const strategy = flags.strategy === undefined ? undefined : parseStrategyName(flags.strategy);
  if (strategy === null) throw new UsageError(`--strategy ${JSON.stringify(flags.strategy!.slice(0, 40))} is not known.`, 'Use one of: direct, canary, blue-green, rolling.');
  const c = await context(repo, config, flags.env, flags.remote, io, deps, flags.allowCommands === true);
  const release = await releaseAt(repo, c.deployer, flags.ref, io.signal);
  const now = deps.now ?? (() => new Date());
  const end = await deploySequence(
    {
      target: c,
      release,
      ...(strategy !== undefined ? { strategy } : {}),
      hotfix: flags.hotfix === true,
      offerHotfix: false,
      confirmAlways: false,
      now,
      announce: loadAnnounce().deployAnnouncer({ repo, config, secrets: loadAnnounce().envSecrets(io.env), githubApi: deps.github ?? (async () => cliGitHubApi(await cliGitHubRepo(repo, io.env, flags.remote), io)), ...(io.signal ? { signal: io.signal } : {}) }),
      promotion: () => ({
        repo,
        config,
        probe: deps.probe ?? new FetchHealthProbe(),
        commandsAllowed: flags.allowCommands === true,
        commandsBlockedReason: 'requires --allow-commands',
        flagSecrets: loadFlags().envSecretSource(io.env),
        github: deps.github ?? (async () => cliGitHubApi(await cliGitHubRepo(repo, io.env, flags.remote), io)),
        previousDeployer: async (prev) => (await context(repo, config, prev.name, flags.remote, io, deps, flags.allowCommands === true)).deployer,
        now,
      }),
    },
    cliFront(c, io, deps, flags.decisionLog === false ? null : { repo, config }, { yes: flags.yes, operation: 'deploy' }),
  );
  const code = exitCode(end, io, 'deploy');
  // The flag stages of the plan run after the code is deployed (and only then).
  return code === 0 ? runDeployFlagStages(repo, config, flags.env, flags.yes, io) : code;
}

/** `rollback --env ENV [--yes]`: to the last successful deployment before the current one; always confirmed, no promotion gates. */
export async function runRollbackCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: { env: string; yes: boolean; remote?: string; decisionLog?: boolean; allowCommands?: boolean }, io: PublishIo, deps: DeployDeps = {}): Promise<number> {
  const c = await context(repo, config, flags.env, flags.remote, io, deps, flags.allowCommands === true);
  const announce = loadAnnounce().deployAnnouncer({ repo, config, secrets: loadAnnounce().envSecrets(io.env), githubApi: deps.github ?? (async () => cliGitHubApi(await cliGitHubRepo(repo, io.env, flags.remote), io)), ...(io.signal ? { signal: io.signal } : {}) });
  const end = await rollbackSequence({ target: c, announce, ...(io.signal ? { signal: io.signal } : {}) }, cliFront(c, io, deps, flags.decisionLog === false ? null : { repo, config }, { yes: flags.yes, operation: 'rollback' }));
  return exitCode(end, io, 'rollback');
}

/** "3/6" of a step: counted within its phase, so the total stays the same when an abort or an automatic rollback adds steps ("rollback 1/2"). */
export function stepCounter(j: Pick<DeployJournal, 'steps'>, index: number): string {
  const phase = j.steps[index]?.phase ?? 'main';
  const same = j.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.phase === phase);
  const at = same.findIndex(({ i }) => i === index) + 1;
  return `${phase === 'main' ? '' : `${phase} `}${at}/${same.length}`;
}

/**
 * One progress line per step as it starts and as it ends (with what it found, e.g. the health
 * analysis), on stderr beside the provider's output; the outcome itself is printed once, on stdout.
 */
export function progressLine(j: DeployJournal, e: DeployEvent): string | null {
  if (!('index' in e)) return null;
  const step = j.steps[e.index];
  if (step === undefined) return null;
  const n = stepCounter(j, e.index);
  switch (e.type) {
    case 'dispatch-started':
    case 'step-started':
      return `[${n}] ${step.plan.label}…`;
    case 'dispatched':
      return e.note ? `[${n}] sent (${e.note})` : null;
    case 'step-done':
      return `[${n}] done${e.result && e.result !== 'succeeded' && e.result !== 'waited' ? `: ${e.result}` : ''}`;
    case 'step-failed':
    case 'dispatch-failed':
      return `[${n}] failed: ${e.reason}`;
    default:
      return null;
  }
}

/** `status [--env ENV]`: the deploy journals of this repository (read locally; no token needed). */
export async function runStatusCommand(repo: LocalGitRepo, flags: { env?: string }, io: Pick<PublishIo, 'out'>, deps: Pick<DeployDeps, 'store'> = {}): Promise<number> {
  const store = deps.store ?? new FileDeployJournalStore(repo.gitCommonDir);
  // Journals left under the folder's old name are adopted first; this repository's are shown under its folder now.
  // Status only reads: when that cannot be done (a read-only git directory), the journals are listed as they are.
  const localSlug = store instanceof FileDeployJournalStore ? await adoptMovedJournalsOf(repo, store).catch(() => null) : null;
  const entries = (await store.list()).filter((j) => flags.env === undefined || j.plan.environment.toLowerCase() === flags.env.toLowerCase());
  if (entries.length === 0) {
    io.out(flags.env === undefined ? 'No deploys recorded in this repository.\n' : `No deploys of ${flags.env} recorded in this repository.\n`);
    return 0;
  }
  for (const j of entries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))) io.out(`${repositoryLabel(j.repo, localSlug, repo.root)} ${j.plan.environment}: ${journalSummary(j)} (updated ${whenText(j.updatedAt)})\n`);
  return 0;
}
