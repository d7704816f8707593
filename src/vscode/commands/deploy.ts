/**
 * Deploy from the editor (preview): Deploy…, Roll Back…, Promote / Abort a running canary, Approve /
 * Reject a pending review, Resume / Inspect an unfinished operation. The journaled flow is the CLI's
 * (src/node/deployFlow.ts); this file only asks (pickers, modals naming the version and the
 * environment), shows progress with cancel, and tells how it ended. Trusted workspaces only.
 */
import * as vscode from 'vscode';
import { deployJournalKey, journalSummary, startOperation, type Choice, type DeployJournal } from '../../core/deploy/journal';
import { planDeploy, planRollback, strategyName, type DeployPlan } from '../../core/deploy/plan';
import { deployConfirmation } from '../../core/deploy/promotion';
import { versionFromRef } from '../../core/deploy/rollback';
import { answer, command as journalCommand, prepareRollback } from '../../core/deploy/run';
import { environmentSchema, findEnvironment, needsConfirmation, providerBlockedReason, type EnvironmentConfig } from '../../core/deploy/schema';
import { renderDeployRecord, rollbackTime } from '../../core/deploy/record';
import { GitError, UsageError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import type { SignOff } from '../../core/gates/context';
import { cursorOf } from '../../core/deploy/transitions';
import { FileDeployJournalStore } from '../../node/deployJournal';
import { sessionAlive } from '../../node/session';
import { continueOperation, decisionLogTarget, driveOperation, newOperationId, releaseAt, sleep, versionTagsAtHead, type DecisionLogTarget, type DriveHooks, type DriveOutcome, type FlowTarget } from '../../node/deployFlow';
import { checkPromotion, type PromotionCheck } from '../../node/promotionCheck';
import { FetchHealthProbe } from '../../node/healthProbe';
import type { DeployView, ReviewWait } from '../deployView';
import type { GitHubConnector } from '../github';
import type { ReleaseModel } from '../releaseModel';
import { dispatchableWorkflows } from '../../node/localWorkflows';
import { pickRepository } from './draftNotes';
import { askWorkflowInputs, workflowDispatchOf } from '../../node/workflowInputs';
import { editorPrompter } from '../deploy/prompter';

/** Arguments for callers that skip the pickers (tree items, tests). `confirm: false` skips the modals (tests only pass it). */
export interface DeployArgs {
  root?: string;
  environment?: string;
  /** The release tag (or another ref naming a version) to deploy; default: the version tag at HEAD, else a pick. */
  ref?: string;
  confirm?: boolean;
  /** Deploy inside a code freeze: the release fixes a production problem (asked in a modal when a freeze is all that blocks). */
  hotfix?: boolean;
  /** Values of workflow inputs the config does not set (otherwise asked; without prompts, their suggestions are used). */
  inputs?: Record<string, string>;
  /** No deploy config: run this workflow of .github/workflows ('' = the Deployments API) instead of asking. */
  workflow?: string;
}

/** What the deploy commands need. */
export interface DeployDepsVs {
  model: ReleaseModel;
  connector: GitHubConnector;
  view: DeployView;
  log: Logger;
  /** This window's session id (random per activation). */
  session: string;
  /** The sign-offs recorded in this window for a repository (manual gates of the promotion check). */
  signOffs?: (root: string) => (version: string) => Promise<SignOff[]>;
}

function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) throw new UsageError(`${what} writes to GitHub and is disabled in Restricted Mode.`, 'Trust this workspace (Manage Workspace Trust), then try again.');
}

/** A node of the tree naming an environment row, a journal or a review. */
type EnvNode = { root?: unknown; row?: { env?: { name?: unknown } }; journal?: DeployJournal; wait?: ReviewWait } | undefined;

async function targetFor(deps: DeployDepsVs, root: string, env: EnvironmentConfig): Promise<FlowTarget> {
  const repo = deps.model.repo(root);
  if (!repo) throw new GitError('not-a-repo', `${root} is no longer a repository.`, 'Refresh the Release view.');
  const blocked = providerBlockedReason(env, { host: 'editor', trusted: vscode.workspace.isTrusted });
  if (blocked !== null) throw new UsageError(blocked, 'Trust this workspace (Manage Workspace Trust), then try again.');
  if (env.provider.kind === 'command' || env.provider.kind === 'task') {
    // A local command or a VS Code task: no GitHub needed; each dispatch checks the trust again.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { localTargetFor } = require('../taskDeployer') as { localTargetFor: (r: typeof repo, e: EnvironmentConfig) => Promise<Pick<FlowTarget, 'deployer' | 'slug'>> };
    const local = await localTargetFor(repo, env);
    return { slug: local.slug, env, deployer: local.deployer, store: new FileDeployJournalStore(repo.gitCommonDir), key: deployJournalKey(local.slug, env.name), session: deps.session };
  }
  const deployer = await deps.connector.deployer(root, env.provider.kind, { interactive: true });
  const slug = `${deployer.repo.owner}/${deployer.repo.repo}`;
  return { slug, env, deployer, store: new FileDeployJournalStore(repo.gitCommonDir), key: deployJournalKey(slug, env.name), session: deps.session };
}

async function environmentOf(deps: DeployDepsVs, root: string, name: string | undefined): Promise<EnvironmentConfig | undefined> {
  const config = deps.model.find(root)?.config?.deploy;
  let chosen = name;
  if (chosen === undefined) {
    const snap = await deps.view.snapshot(root);
    const names = config ? config.environments.map((e) => e.name) : 'rows' in snap ? snap.rows.map((r) => r.env.name) : [];
    const other = '$(add) Another environment…';
    const pick = await vscode.window.showQuickPick([...names, ...(config ? [] : [other])], { title: 'Release: deploy to which environment?' });
    if (pick === undefined) return undefined;
    chosen = pick === other ? await vscode.window.showInputBox({ title: 'GitHub environment', prompt: 'Name of the GitHub environment (created by the first deployment)', value: 'staging' }) : pick;
    if (chosen === undefined) return undefined;
  }
  const found = findEnvironment(config, chosen);
  if (!found) throw new UsageError(`No environment ${JSON.stringify(chosen.slice(0, 64))} in the deploy config.`, `Use one of: ${config?.environments.map((e) => e.name).join(', ') ?? ''}.`);
  return found.env;
}

/** The release to deploy: the argument, the one version tag at HEAD, or a pick among the version tags. */
async function refToDeploy(deps: DeployDepsVs, root: string, ref: string | undefined): Promise<string | undefined> {
  if (ref !== undefined) return ref;
  const repo = deps.model.repo(root)!;
  const atHead = await versionTagsAtHead(repo);
  if (atHead.length === 1) return atHead[0];
  const tags = atHead.length > 1 ? atHead : (await repo.tags()).map((t) => t.name).filter((n) => versionFromRef(n) !== null).reverse().slice(0, 30);
  if (tags.length === 0) throw new UsageError('No version tag to deploy.', 'Publish a release first (Release: Publish GitHub Release).');
  const pick = await vscode.window.showQuickPick(tags, { title: atHead.length > 1 ? 'Release: HEAD has several version tags; deploy which?' : 'Release: HEAD has no version tag; deploy which release?' });
  return pick;
}

/** How often a running step is looked at (setting releaseManager.deploy.pollIntervalSeconds, default 10 s). */
function pollMs(): number {
  const v = vscode.workspace.getConfiguration('releaseManager').get<number>('deploy.pollIntervalSeconds');
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(300, Math.max(1, v)) * 1000 : 10_000;
}

/** The decision log a finished deploy or rollback is recorded in (the repository's configured log), when there is a config. */
function decisionLogFor(deps: DeployDepsVs, root: string): DecisionLogTarget | undefined {
  const repo = deps.model.repo(root);
  const config = deps.model.find(root)?.config;
  if (!repo || !config) return undefined;
  return decisionLogTarget(repo, config, {
    onWritten: (path) => deps.log.info(`recorded in the decision log: ${path}`),
    onError: (e) => void vscode.window.showWarningMessage(`The deploy finished, but the decision log could not be written: ${e instanceof Error ? e.message : String(e)}`),
  });
}

/** Runs a drive with a cancellable progress notification; the tree follows each recorded event. */
async function withDriveProgress(deps: DeployDepsVs, root: string, t: FlowTarget, title: string, confirm: boolean, go: (hooks: DriveHooks) => Promise<DriveOutcome>): Promise<DriveOutcome> {
  const drivenIds = new Set<string>();
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        const decisionLog = decisionLogFor(deps, root);
        return await go({
          now: () => new Date(),
          sleep,
          probe: new FetchHealthProbe(),
          signal: ctl.signal,
          pollMs: pollMs(),
          ...(decisionLog ? { decisionLog } : {}),
          supersede: async (question) => {
            if (!confirm) return false;
            const stop = 'Stop It and Go Ahead';
            return (await vscode.window.showWarningMessage(question, { modal: true }, stop)) === stop;
          },
          note: (kind, j) => deps.log.info(`${kind}: ${journalSummary(j)}`),
          onWarning: (m) => {
            deps.log.warn(m);
            void vscode.window.showWarningMessage(`Release Manager: ${m}`);
          },
          onEvent: (j) => {
            if (!drivenIds.has(j.id)) deps.view.setDriven(j.id, true);
            drivenIds.add(j.id);
            deps.view.update(t.key, j);
            const c = cursorOf(j);
            progress.report({ message: c === null ? 'finishing' : `${j.steps[c]!.plan.label}` });
          },
          onReview: (_index, handle, reviews) => deps.view.setReviews({ root, key: t.key, environment: t.env.name, handle, reviews }),
          onObserve: (j, index, o) => {
            if ((o.status === 'queued' || o.status === 'running') && o.reason) progress.report({ message: `${j.steps[index]?.plan.label ?? 'step'} — ${o.status}: ${o.reason}` });
          },
        });
      } finally {
        sub.dispose();
      }
    });
  } finally {
    for (const id of drivenIds) deps.view.setDriven(id, false);
    deps.view.setReviews({ root, key: t.key, environment: t.env.name, handle: { provider: t.env.provider.kind }, reviews: [] });
    deps.view.invalidate();
  }
}

/** Tells how a drive ended; a question the machine asks is offered as buttons and answered, then driven again. */
async function conclude(deps: DeployDepsVs, root: string, t: FlowTarget, first: DriveOutcome, confirm: boolean): Promise<DeployJournal | undefined> {
  let outcome = first;
  for (let round = 0; round < 5; round++) {
    switch (outcome.kind) {
      case 'declined':
        void vscode.window.showInformationMessage('Nothing was changed: another operation runs on the environment.');
        return undefined;
      case 'already-done':
        void vscode.window.showInformationMessage(`${journalSummary(outcome.journal)} (finished ${outcome.journal.finishedAt}); not repeated.`);
        return outcome.journal;
      case 'cancelled':
        void vscode.window.showInformationMessage(`Paused: ${journalSummary(outcome.journal)}. Resume it from the Release view.`);
        return outcome.journal;
      case 'done':
        announce(deps, outcome.journal, outcome.ok);
        return outcome.journal;
      case 'ask': {
        const a = outcome.stop.action;
        deps.log.warn(`${journalSummary(outcome.journal)}: ${a.kind === 'ask' ? `${a.reason} (choices: ${a.choices.join(', ')})` : 'stopped'}`);
        if (a.kind !== 'ask' || !confirm) {
          void vscode.window.showWarningMessage(a.kind === 'ask' ? a.reason : journalSummary(outcome.journal));
          return outcome.journal;
        }
        const labels: Record<Choice, string> = { resume: 'Resume', inspect: 'Inspect', abort: 'Abort', retry: 'Send Again', 'mark-sent': 'Mark Sent', 'mark-done': 'Mark Done', 'mark-failed': 'Mark Failed', 'wait-longer': 'Wait Longer' };
        const pick = await vscode.window.showWarningMessage(a.reason, ...a.choices.map((c) => labels[c]));
        const choice = a.choices.find((c) => labels[c] === pick);
        if (choice === undefined) return outcome.journal;
        if (choice === 'inspect') {
          await showJournal(outcome.journal);
          return outcome.journal;
        }
        await answer(t.key, choice, a.index, { store: t.store, now: () => new Date(), session: t.session });
        outcome = await withDriveProgress(deps, root, t, journalSummary(outcome.journal), confirm, (hooks) => continueOperation(t, hooks));
        break;
      }
    }
  }
  return undefined;
}

function announce(deps: DeployDepsVs, j: DeployJournal, ok: boolean): void {
  const timing = j.finishedAt && j.state === 'rolled-back' ? rollbackTime(j) : null;
  const took = timing ? ` in ${timing.text}` : '';
  deps.log.info(renderDeployRecord(j, 'this editor'));
  const text = `${journalSummary(j)}${took}.`;
  if (ok) void vscode.window.showInformationMessage(text);
  else void vscode.window.showWarningMessage(text);
}

async function showJournal(j: DeployJournal): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(j, null, 2) + '\n' });
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function rootOf(deps: DeployDepsVs, root: unknown): Promise<string | undefined> {
  await deps.model.settled();
  const state = await pickRepository(deps.model, typeof root === 'string' ? root : undefined);
  if (!state) return undefined;
  if (state.configError) throw state.configError;
  return state.root;
}

/** Release: Deploy… — picks the environment and the release, confirms (always for production), deploys with progress. */
export async function deployCommand(deps: DeployDepsVs, args: DeployArgs = {}, node?: EnvNode): Promise<DeployJournal | undefined> {
  requireTrust('Deploying');
  const root = await rootOf(deps, args.root ?? node?.root);
  if (!root) return undefined;
  const nodeEnv = typeof node?.row?.env?.name === 'string' ? node.row.env.name : undefined;
  const chosen = await environmentOf(deps, root, args.environment ?? nodeEnv);
  if (!chosen) return undefined;
  const env = await providerWithoutConfig(deps, root, chosen, args);
  if (!env) return undefined;
  const t = await targetFor(deps, root, env);
  const ref = await refToDeploy(deps, root, args.ref);
  if (ref === undefined) return undefined;
  const release = await releaseAt(deps.model.repo(root)!, t.deployer, ref);
  const workflow = await workflowDispatchOf(t.deployer, env, release);
  let plan: DeployPlan = planDeploy(env, release);
  // A repeat of the running or just-finished operation resumes or reports it (it was checked when it started).
  const predicted = startOperation(await t.store.read(t.key), { repo: t.slug, id: newOperationId(), session: t.session, env, plan }, new Date()).kind;
  let notes: string[] = [];
  if (predicted === 'start' || predicted === 'busy') {
    const check = await promotionCheck(deps, root, t, plan, args.hotfix === true);
    if (check === undefined) return undefined;
    if (!check.allowed) {
      const failing = check.gateResults.filter((g) => g.required && g.status !== 'pass').map((g) => `${g.title}: ${g.status} (${g.reason})`);
      deps.log.warn(`not deployed: ${check.blockers.map((b) => b.reason).join(' ')}`);
      const freezeOnly = check.blockers.every((b) => b.code === 'freeze');
      if (freezeOnly && args.confirm !== false && args.hotfix !== true) {
        const hotfix = 'Deploy as a Hotfix';
        const detail = `${check.blockers.map((b) => b.reason).join('\n')}\n\n${check.notes.join('\n')}\nDeploy ${release.version} anyway because it fixes a production problem? This is recorded in the decision log.`;
        if ((await vscode.window.showWarningMessage(`${env.name} is frozen`, { modal: true, detail }, hotfix)) !== hotfix) return undefined;
        return deployCommand(deps, { ...args, root, environment: env.name, ref, hotfix: true });
      }
      throw new UsageError(`Not deployed to ${env.name}: ${check.blockers.map((b) => b.reason).join(' ')}${failing.length ? ` Failing gates: ${failing.join('; ')}.` : ''}`, check.blockers.map((b) => b.fix).join(' '));
    }
    notes = check.notes;
    for (const n of notes) deps.log.info(`promotion: ${n}`);
    if (workflow) {
      const inputs = await askWorkflowInputs(env, release, workflow, { interactive: args.confirm !== false, prompter: editorPrompter(deps.log, { interactive: true }), ...(args.inputs ? { given: args.inputs } : {}), environments: await environmentNames(deps, root) });
      if (inputs === undefined) return undefined;
      plan = planDeploy(env, release, { inputs });
      if (Object.keys(inputs).length > 0) notes = [...notes, `Inputs of ${workflow.file}: ${Object.entries(inputs).map(([k, v]) => `${k}=${v}`).join(', ')}`];
    }
  }
  if (args.confirm !== false && (needsConfirmation(env) || args.environment === undefined)) {
    const c = deployConfirmation(env, release, strategyName(env.strategy.kind), [...plan.warnings, ...notes]);
    if ((await vscode.window.showWarningMessage(c.title, { modal: true, detail: `${c.detail}\nRepository: ${t.slug}` }, c.confirmLabel)) !== c.confirmLabel) return undefined;
  }
  if (notes.length > 0) plan = { ...plan, allowedBecause: notes };
  const outcome = await withDriveProgress(deps, root, t, `Deploying ${release.version} to ${env.name}`, args.confirm !== false, (hooks) => driveOperation(t, plan, hooks));
  return conclude(deps, root, t, outcome, args.confirm !== false);
}

/** The environments an environment input may name: the ladder, else the repository's GitHub environments as listed. */
async function environmentNames(deps: DeployDepsVs, root: string): Promise<string[]> {
  const ladder = deps.model.find(root)?.config?.deploy?.environments.map((e) => e.name);
  if (ladder) return ladder;
  const snap = await deps.view.snapshot(root);
  return 'rows' in snap ? snap.rows.map((r) => r.env.name) : [];
}

/**
 * Without a deploy config the Deployments API is the provider; when the repository has workflows
 * with a workflow_dispatch trigger, Deploy… offers them too (found by their trigger), and a
 * rollback of an environment last deployed by a workflow runs that workflow again.
 */
async function providerWithoutConfig(deps: DeployDepsVs, root: string, env: EnvironmentConfig, args: DeployArgs & { rollback?: boolean }): Promise<EnvironmentConfig | undefined> {
  if (deps.model.find(root)?.config?.deploy !== undefined) return env;
  const workflowEnv = (file: string) => environmentSchema.parse({ name: env.name, provider: { kind: 'workflow', workflow: file } });
  if (args.workflow !== undefined) return args.workflow === '' ? env : workflowEnv(args.workflow);
  if (args.rollback) {
    const last = (await deps.view.journals(root)).find((j) => j.plan.environment.toLowerCase() === env.name.toLowerCase());
    return last && last.env.provider.kind === 'workflow' ? last.env : env;
  }
  if (args.confirm === false) return env;
  const { workflows, problems } = await dispatchableWorkflows(root);
  for (const p of problems) deps.log.warn(`workflow not offered: ${p}`);
  if (workflows.length === 0) return env;
  const items = [
    { label: '$(cloud-upload) GitHub Deployments API', description: 'record a deployment; your CD system deploys it', file: '' },
    ...workflows.map((w) => ({ label: `$(play) ${w.name}`, description: `.github/workflows/${w.file}`, detail: w.dispatch.inputs.length ? `inputs: ${w.dispatch.inputs.map((i) => i.name).join(', ')}` : 'no inputs', file: w.file })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Release: deploy to ${env.name} how?`, placeHolder: 'No deploy config: use the Deployments API, or run a workflow that has a workflow_dispatch trigger', ignoreFocusOut: true });
  if (!pick) return undefined;
  return pick.file === '' ? env : workflowEnv(pick.file);
}

/** The promotion rules (previous environment, soak time, freezes, the environment's gates with this window's sign-offs), with progress; undefined when cancelled. */
async function promotionCheck(deps: DeployDepsVs, root: string, t: FlowTarget, plan: DeployPlan, hotfix: boolean): Promise<PromotionCheck | undefined> {
  const repo = deps.model.repo(root)!;
  const config = deps.model.find(root)?.config;
  if (!config) throw new UsageError('The release config could not be read.', 'Fix .release-manager.json (see the Problems view), then deploy again.');
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking whether ${plan.release.version} may go to ${t.env.name}…`, cancellable: true }, async (_progress, token) => {
    const ctl = new AbortController();
    const sub = token.onCancellationRequested(() => ctl.abort());
    try {
      const check = await checkPromotion({
        repo,
        config,
        env: t.env,
        release: plan.release,
        deployer: t.deployer,
        probe: new FetchHealthProbe(),
        hotfix: hotfix ? true : 'auto',
        commandsAllowed: vscode.workspace.isTrusted,
        commandsBlockedReason: 'requires trust: trust this workspace to run command gates',
        ...(deps.signOffs ? { signOffs: deps.signOffs(root) } : {}),
        github: () => deps.connector.connect(root, { interactive: false }),
        previousDeployer: async (prev) => (await targetFor(deps, root, prev)).deployer,
        now: () => new Date(),
        strategy: plan.strategy,
        signal: ctl.signal,
      });
      return ctl.signal.aborted ? undefined : check;
    } finally {
      sub.dispose();
    }
  });
}

/** Release: Roll Back… — to the last successful deployment before the current one; always confirmed (except by tests). */
export async function rollBackCommand(deps: DeployDepsVs, args: DeployArgs = {}, node?: EnvNode): Promise<DeployJournal | undefined> {
  requireTrust('Rolling back');
  const root = await rootOf(deps, args.root ?? node?.root);
  if (!root) return undefined;
  const chosen = await environmentOf(deps, root, args.environment ?? (typeof node?.row?.env?.name === 'string' ? node.row.env.name : undefined));
  if (!chosen) return undefined;
  const env = await providerWithoutConfig(deps, root, chosen, { ...args, rollback: true });
  if (!env) return undefined;
  const t = await targetFor(deps, root, env);
  const prepared = await prepareRollback(env, t.deployer);
  if (!prepared.ok) throw new UsageError(prepared.reason, prepared.fix);
  const c = prepared.confirmation;
  if (args.confirm !== false && (await vscode.window.showWarningMessage(c.title, { modal: true, detail: c.detail }, c.confirmLabel)) !== c.confirmLabel) return undefined;
  let plan = prepared.plan;
  const workflow = await workflowDispatchOf(t.deployer, env, plan.release);
  if (workflow) {
    // The workflow's inputs the config does not set, for the known-good release (its version, its tag).
    const inputs = await askWorkflowInputs(env, plan.release, workflow, { interactive: args.confirm !== false, prompter: editorPrompter(deps.log, { interactive: true }), ...(args.inputs ? { given: args.inputs } : {}), environments: await environmentNames(deps, root) });
    if (inputs === undefined) return undefined;
    plan = planRollback(env, plan.release, { inputs });
  }
  const outcome = await withDriveProgress(deps, root, t, `Rolling back ${env.name} to ${plan.release.version}`, args.confirm !== false, (hooks) => driveOperation(t, plan, hooks));
  return conclude(deps, root, t, outcome, args.confirm !== false);
}

/** The journal of an environment row (or a journal node). */
async function journalOf(deps: DeployDepsVs, node: EnvNode): Promise<{ root: string; journal: DeployJournal } | undefined> {
  const root = typeof node?.root === 'string' ? node.root : undefined;
  if (!root) throw new UsageError('Run this from an environment in the Release view.', 'Expand Environments and use its inline action.');
  const journal = node?.journal ?? (typeof node?.row?.env?.name === 'string' ? (await deps.view.journals(root)).find((j) => j.plan.environment.toLowerCase() === String(node.row!.env!.name).toLowerCase()) : undefined);
  return journal ? { root, journal } : undefined;
}

/** Release: Promote Deploy / Abort Deploy — recorded in the journal; the driver of this window applies it. */
export async function promoteOrAbortCommand(deps: DeployDepsVs, what: 'promote' | 'abort', node?: unknown): Promise<DeployJournal | undefined> {
  requireTrust(what === 'promote' ? 'Promoting' : 'Aborting');
  const found = await journalOf(deps, node as EnvNode);
  if (!found || found.journal.state !== 'running') {
    void vscode.window.showInformationMessage('Nothing is running on that environment.');
    return undefined;
  }
  const repo = deps.model.repo(found.root)!;
  const store = new FileDeployJournalStore(repo.gitCommonDir);
  const key = deployJournalKey(found.journal.repo, found.journal.plan.environment);
  if (deps.view.driven(found.journal.id)) {
    const j = await journalCommand(key, what, { store, now: () => new Date() });
    deps.view.update(key, j);
    return j;
  }
  // Not driven here: abort claims it for this window and drives the abort; promote needs it running here first.
  if (what === 'promote') throw new UsageError('That operation is not running in this window.', 'Resume it here first (Resume Deploy), then promote.');
  const t = await targetFor(deps, found.root, found.journal.env);
  await answer(key, 'abort', cursorOf(found.journal), { store, now: () => new Date(), session: deps.session });
  const outcome = await withDriveProgress(deps, found.root, t, `Aborting ${journalSummary(found.journal)}`, true, (hooks) => continueOperation(t, hooks));
  return conclude(deps, found.root, t, outcome, true);
}

/** Release: Resume Deploy — continues an unfinished operation from its journal (with its environment config as it started). */
export async function resumeDeployCommand(deps: DeployDepsVs, node?: unknown, args: { confirm?: boolean } = {}): Promise<DeployJournal | undefined> {
  requireTrust('Resuming a deploy');
  const found = await journalOf(deps, node as EnvNode);
  if (!found) return undefined;
  const j = found.journal;
  if (args.confirm !== false && (await vscode.window.showWarningMessage(`Resume: ${journalSummary(j)}?`, { modal: true, detail: `Started ${j.startedAt}. Nothing sent before is sent again blindly.` }, 'Resume')) !== 'Resume') return undefined;
  const t = await targetFor(deps, found.root, j.env);
  await answer(t.key, 'resume', cursorOf(j), { store: t.store, now: () => new Date(), session: deps.session });
  const outcome = await withDriveProgress(deps, found.root, t, journalSummary(j), args.confirm !== false, (hooks) => continueOperation(t, hooks));
  return conclude(deps, found.root, t, outcome, args.confirm !== false);
}

/** Release: Inspect Deploy — the journal as read-only JSON. */
export async function inspectDeployCommand(deps: DeployDepsVs, node?: unknown): Promise<void> {
  const found = await journalOf(deps, node as EnvNode);
  if (found) await showJournal(found.journal);
}

/** Release: Approve / Reject Pending Deploy Review — with a comment, for the reviews the signed-in user may approve. */
export async function reviewDeployCommand(deps: DeployDepsVs, approve: boolean, node?: unknown, args: { comment?: string } = {}): Promise<boolean> {
  requireTrust(approve ? 'Approving a deploy' : 'Rejecting a deploy');
  const wait = (node as EnvNode)?.wait ?? (await pickReview(deps, typeof (node as EnvNode)?.root === 'string' ? String((node as EnvNode)!.root) : undefined, approve));
  if (!wait) return false;
  const ids = wait.reviews.filter((r) => r.canApprove).map((r) => r.environmentId);
  if (ids.length === 0) throw new UsageError(`You are not a reviewer of ${wait.environment}.`, `Ask one of: ${wait.reviews.flatMap((r) => r.reviewers).join(', ') || 'the environment\'s reviewers'}.`);
  const comment = args.comment ?? (await vscode.window.showInputBox({ title: `${approve ? 'Approve' : 'Reject'} the deploy to ${wait.environment}`, prompt: 'Comment (recorded on GitHub)', validateInput: (v) => (v.trim() === '' ? 'A comment is required' : undefined) }));
  if (comment === undefined) return false;
  const deployer = await deps.connector.deployer(wait.root, wait.handle.provider === 'workflow' ? 'workflow' : 'deployments', { interactive: true });
  await deployer.review(wait.handle, { approve, comment, environmentIds: ids });
  deps.view.setReviews({ ...wait, reviews: [] });
  void vscode.window.showInformationMessage(`${approve ? 'Approved' : 'Rejected'} the deploy to ${wait.environment}.`);
  return true;
}

/** The review to answer from the palette: the only one waiting, else a pick among them (this window's deploys). */
async function pickReview(deps: DeployDepsVs, root: string | undefined, approve: boolean): Promise<ReviewWait | undefined> {
  const roots = root !== undefined ? [root] : deps.model.repositories.map((r) => r.root);
  const waits = roots.flatMap((r) => deps.view.reviews(r)).filter((w) => w.reviews.length > 0);
  if (waits.length === 0) {
    void vscode.window.showInformationMessage('No deploy waits for a review (pending reviews show in the Release view under Environments; Refresh reads those of other windows and the CLI again).');
    return undefined;
  }
  if (waits.length === 1) return waits[0];
  const pick = await vscode.window.showQuickPick(
    waits.map((w) => ({ label: w.environment, description: w.reviews.map((r) => r.environment).join(', '), detail: `reviewers: ${w.reviews.flatMap((r) => r.reviewers).join(', ') || 'unknown'}`, wait: w })),
    { title: `Release: ${approve ? 'approve' : 'reject'} which deploy?` },
  );
  return pick?.wait;
}

/**
 * Reports, once per window, the deploys and rollbacks another window or a CLI left running or
 * paused (a crash, a closed window): nothing is resumed by itself; Resume and Inspect are offered.
 */
export async function reportUnfinishedDeploys(deps: DeployDepsVs): Promise<void> {
  await deps.model.settled();
  for (const repo of deps.model.repositories) {
    // Not reported: the ones this window drives, and the ones a live process of this machine drives (another window, a CLI) — they are not unfinished.
    const journals = (await deps.view.journals(repo.root)).filter((j) => j.state === 'running' && !deps.view.driven(j.id) && j.session !== deps.session && (j.paused !== null || sessionAlive(j.session) !== true));
    for (const j of journals.slice(0, 3)) {
      const node = { root: repo.root, journal: j };
      // Not awaited: a notification left unanswered must not hold anything up.
      void vscode.window.showWarningMessage(`Unfinished: ${journalSummary(j)} (started ${j.startedAt}; not running in this window). Nothing is resumed by itself.`, 'Resume', 'Inspect').then((choice) => {
        if (choice === 'Resume') void vscode.commands.executeCommand('releaseManager.resumeDeploy', node);
        else if (choice === 'Inspect') void inspectDeployCommand(deps, node);
      });
      deps.log.warn(`unfinished on start: ${journalSummary(j)}`);
    }
  }
}
