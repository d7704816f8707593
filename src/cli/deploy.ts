/**
 * `release-manager deploy | rollback | status`: the same journaled, resumable deploy as the editor,
 * over the GitHub providers (Deployments API, workflow_dispatch) and local commands (only with
 * --allow-commands; their output is streamed to stderr, no token needed). Repository, token and API URL
 * follow `publish` (GITHUB_REPOSITORY or the remotes, GITHUB_TOKEN / GH_TOKEN, GITHUB_API_URL). It
 * never prompts with --yes or without a terminal; running it again on an interrupted operation is
 * the person's choice to resume it. Exit codes: 0 done and healthy, 1 refused / failed / a question
 * the CLI cannot answer, 2 usage or configuration, 130 cancelled (the journal is paused).
 */
import type { ReleaseConfig } from '../core/config';
import type { GitHubApi } from '../core/githubApi';
import { UsageError } from '../core/errors';
import { deployJournalKey, journalSummary, startOperation } from '../core/deploy/journal';
import type { DeployEvent, DeployJournal } from '../core/deploy/journalTypes';
import { parseStrategyName, planDeploy, planLines, type DeployPlan } from '../core/deploy/plan';
import type { Deployer, DeployJournalStore, HealthProbe } from '../core/deploy/ports';
import { answer, prepareRollback } from '../core/deploy/run';
import { findEnvironment, needsConfirmation, providerBlockedReason, type EnvironmentConfig } from '../core/deploy/schema';
import type { GitHubRepoRef } from '../core/remote';
import type { LocalGitRepo } from '../git/gitRepo';
import type * as DeployerModule from '../github/deployer';
import { CommandDeployer, localDeploySlug } from '../node/commandDeployer';
import { FileDeployJournalStore } from '../node/deployJournal';
import { checkPromotion, continueOperation, decisionLogTarget, driveOperation, newOperationId, releaseAt, sleep, type DriveHooks, type DriveOutcome } from '../node/deployFlow';
import { FetchHealthProbe } from '../node/healthProbe';
import { newSession } from '../node/session';
import { cliGitHubApi, cliGitHubRepo, cliToken, type PublishIo } from './publish';

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

function loadDeployer(): typeof DeployerModule {
  // Octokit stays out of the CLI's start: from sources the module itself, bundled the GitHub bundle.
  const path = __filename.endsWith('.ts') ? '../github/deployer' : './github.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path) as Partial<typeof DeployerModule>;
  if (!mod.GitHubDeployer) throw new UsageError('This build of the CLI has no deploy support.', 'Export GitHubDeployer from src/github/index.ts and rebuild.');
  return mod as typeof DeployerModule;
}

function defaultDeployer(kind: 'deployments' | 'workflow', ref: GitHubRepoRef, token: string, io: PublishIo): Deployer {
  const { GitHubDeployer } = loadDeployer();
  return new GitHubDeployer(kind, ref, {
    token,
    waitForRateLimit: async (seconds, signal) => {
      io.err(`GitHub rate limit: waiting ${seconds} s before retrying (Ctrl-C to stop)...\n`);
      return sleep(seconds * 1000, signal).then(() => true, () => false);
    },
  });
}

interface Context {
  slug: string;
  env: EnvironmentConfig;
  deployer: Deployer;
  store: DeployJournalStore;
  key: string;
  session: string;
}

async function context(repo: LocalGitRepo, config: ReleaseConfig, envName: string, remote: string | undefined, io: PublishIo, deps: DeployDeps, allowCommands = false): Promise<Context> {
  const found = findEnvironment(config.deploy, envName);
  if (!found) {
    const names = config.deploy?.environments.map((e) => e.name).join(', ') ?? '';
    throw new UsageError(`No environment ${JSON.stringify(envName.slice(0, 64))} in the deploy config.`, `Use one of: ${names}.`);
  }
  const env = found.env;
  const store = deps.store ?? new FileDeployJournalStore(repo.gitCommonDir);
  const session = newSession('cli');
  if (env.provider.kind === 'command') {
    // A local command: no GitHub token needed, and nothing runs without --allow-commands.
    const blocked = providerBlockedReason(env, { host: 'cli', trusted: allowCommands });
    if (blocked !== null) throw new UsageError(blocked, `Review the command in the deploy config (${JSON.stringify(env.provider.argv[0]!.slice(0, 100))}), then run again with --allow-commands.`);
    const deployer = (deps.createCommandDeployer ?? defaultCommandDeployer)(repo, io);
    const slug = await localDeploySlug(repo);
    return { slug, env, deployer, store, key: deployJournalKey(slug, env.name), session };
  }
  const token = cliToken(io.env); // no token, no work
  const ref = await cliGitHubRepo(repo, io.env, remote);
  const blocked = providerBlockedReason(env, { host: 'cli', trusted: allowCommands });
  if (blocked !== null || (env.provider.kind !== 'deployments' && env.provider.kind !== 'workflow')) {
    throw new UsageError(blocked ?? `${env.name} deploys with the ${env.provider.kind} provider, which the CLI does not run.`, 'Deploy this environment from the editor, or configure a GitHub provider (deployments or workflow) or a command provider.');
  }
  const deployer = (deps.createDeployer ?? defaultDeployer)(env.provider.kind, ref, token, io);
  const slug = `${ref.owner}/${ref.repo}`;
  return { slug, env, deployer, store, key: deployJournalKey(slug, env.name), session };
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

async function confirm(question: string, yes: boolean, io: PublishIo): Promise<boolean> {
  if (yes) return true;
  if (!io.confirm) throw new UsageError('This needs a confirmation and there is no terminal to ask on.', 'Review the plan above and run again with --yes.');
  return io.confirm(`${question} [y/N] `);
}

/** The choices a person can give with --answer (inspect is status; resume takes over an operation another live process drives). */
export const ANSWERS = ['retry', 'abort', 'resume', 'mark-sent', 'mark-done', 'mark-failed', 'wait-longer'] as const;
export type Answer = (typeof ANSWERS)[number];
const isAnswer = (x: string): x is Answer => (ANSWERS as readonly string[]).includes(x);

/** The hooks of a CLI drive: progress on stderr, the outcome on stdout, no prompt with --yes. */
function driveHooks(c: Context, io: PublishIo, deps: DeployDeps, log: { repo: LocalGitRepo; config: ReleaseConfig } | null, options: { yes: boolean; operation: 'deploy' | 'rollback' }): DriveHooks {
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
    note: (kind, j) => (kind === 'superseded' ? io.err(`Superseded: ${journalSummary(j)}\n`) : io.out(`Continuing: ${journalSummary(j)}\n`)),
    onEvent: (j, e) => {
      const line = progressLine(j, e);
      if (line !== null) io.err(`${line}\n`);
    },
    onObserve: (j, index, o) => {
      // A running step is looked at every poll: what it says about itself (e.g. that nothing picked a deployment up) is said once.
      const said = (o.status === 'queued' || o.status === 'running') && o.reason ? `[${index + 1}/${j.steps.length}] ${o.status}: ${o.reason}` : '';
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

/** Starts (or attaches to) the operation and drives it to its end or a question. */
async function drive(c: Context, plan: DeployPlan, io: PublishIo, deps: DeployDeps, log: { repo: LocalGitRepo; config: ReleaseConfig } | null, options: { yes: boolean }): Promise<number> {
  const outcome = await driveOperation(c, plan, driveHooks(c, io, deps, log, { yes: options.yes, operation: plan.operation }));
  return report(c, outcome, io);
}

/** Prints how a drive ended and returns the exit code; a question names the --answer that answers it. */
function report(c: Context, outcome: DriveOutcome, io: PublishIo): number {
  switch (outcome.kind) {
    case 'declined':
      io.err('Nothing was changed.\n');
      return 1;
    case 'already-done':
      io.out(`${journalSummary(outcome.journal)} (finished ${outcome.journal.finishedAt}); not repeated.\n`);
      return outcome.ok ? 0 : 1;
    case 'done':
      io.out(`${journalSummary(outcome.journal)}\n`);
      return outcome.ok ? 0 : 1;
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
  let plan = planDeploy(c.env, release, strategy !== undefined ? { strategy } : {});
  io.out([`Deploy ${release.version} (${release.sha.slice(0, 12)}, ${release.ref}) to ${c.env.name} of ${c.slug} — ${plan.strategy}`, ...planLines(plan).map((l) => `  ${l}`), ...plan.warnings.map((w) => `  warning: ${w}`), ''].join('\n'));
  // Running deploy again on the same operation resumes it or reports it (it was checked when it started).
  const existing = await c.store.read(c.key);
  const predicted = startOperation(existing, { repo: c.slug, id: newOperationId(), session: c.session, env: c.env, plan }, (deps.now ?? (() => new Date()))()).kind;
  if (predicted === 'start' || predicted === 'busy') {
    const decision = await checkPromotion({
      repo,
      config,
      env: c.env,
      release,
      deployer: c.deployer,
      probe: deps.probe ?? new FetchHealthProbe(),
      hotfix: flags.hotfix === true ? true : 'auto',
      commandsAllowed: flags.allowCommands === true,
      commandsBlockedReason: 'requires --allow-commands',
      github: deps.github ?? (async () => cliGitHubApi(await cliGitHubRepo(repo, io.env, flags.remote), io)),
      previousDeployer: async (prev) => (await context(repo, config, prev.name, flags.remote, io, deps, flags.allowCommands === true)).deployer,
      now: deps.now ?? (() => new Date()),
      strategy: plan.strategy,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    for (const n of decision.notes) io.out(`  note: ${n}\n`);
    if (decision.allowed && decision.notes.length > 0) plan = { ...plan, allowedBecause: decision.notes };
    if (!decision.allowed) {
      for (const b of decision.blockers) io.err(`error: ${b.reason}\nfix: ${b.fix}\n`);
      for (const r of decision.gateResults.filter((g) => g.required && g.status !== 'pass')) io.err(`  gate ${r.title}: ${r.status}: ${r.reason}${r.fix ? ` (fix: ${r.fix.label})` : ''}\n`);
      io.err('Not deployed: nothing was changed.\n');
      return 1;
    }
    if (decision.confirmation !== null) {
      if (!(await confirm(decision.confirmation.title, flags.yes, io))) {
        io.err('Not deployed: nothing was changed.\n');
        return 1;
      }
    }
  } else if (needsConfirmation(c.env) && !(await confirm(`Deploy ${release.version} to ${c.env.name}?`, flags.yes, io))) {
    io.err('Not deployed: nothing was changed.\n');
    return 1;
  }
  return drive(c, plan, io, deps, flags.decisionLog === false ? null : { repo, config }, { yes: flags.yes });
}

/** `rollback --env ENV [--yes]`: to the last successful deployment before the current one; always confirmed, no promotion gates. */
export async function runRollbackCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: { env: string; yes: boolean; remote?: string; decisionLog?: boolean; allowCommands?: boolean }, io: PublishIo, deps: DeployDeps = {}): Promise<number> {
  const c = await context(repo, config, flags.env, flags.remote, io, deps, flags.allowCommands === true);
  const prepared = await prepareRollback(c.env, c.deployer, io.signal ? { signal: io.signal } : {});
  if (!prepared.ok) {
    io.err(`error: ${prepared.reason}\nfix: ${prepared.fix}\n`);
    return 1;
  }
  io.out(`${prepared.confirmation.title}\n${prepared.confirmation.detail}\n`);
  if (!(await confirm(prepared.confirmation.title, flags.yes, io))) {
    io.err('Not rolled back: nothing was changed.\n');
    return 1;
  }
  return drive(c, prepared.plan, io, deps, flags.decisionLog === false ? null : { repo, config }, { yes: flags.yes });
}

/**
 * One progress line per step as it starts and as it ends (with what it found, e.g. the health
 * analysis), on stderr beside the provider's output; the outcome itself is printed once, on stdout.
 */
export function progressLine(j: DeployJournal, e: DeployEvent): string | null {
  if (!('index' in e)) return null;
  const step = j.steps[e.index];
  if (step === undefined) return null;
  const n = `${e.index + 1}/${j.steps.length}`;
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
  const entries = (await store.list()).filter((j) => flags.env === undefined || j.plan.environment.toLowerCase() === flags.env.toLowerCase());
  if (entries.length === 0) {
    io.out(flags.env === undefined ? 'No deploys recorded in this repository.\n' : `No deploys of ${flags.env} recorded in this repository.\n`);
    return 0;
  }
  for (const j of entries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))) io.out(`${j.repo} ${j.plan.environment}: ${journalSummary(j)} (updated ${j.updatedAt})\n`);
  return 0;
}
