/**
 * The deploy and rollback sequences, once for the CLI and the editor: predict → promotion check →
 * workflow inputs → plan → confirm → run → conclude. A front end says how to ask (a `Prompter`), how
 * to drive with progress, and how to tell the end; what is asked, in which order, is decided here.
 */
import { startOperation } from '../core/deploy/journal';
import { planDeploy, planLines, planRollback, type DeployPlan, type DeployRelease } from '../core/deploy/plan';
import { deployConfirmation } from '../core/deploy/promotion';
import { prepareRollback } from '../core/deploy/run';
import { needsConfirmation } from '../core/deploy/schema';
import { driveOperation, newOperationId, type DriveHooks, type DriveOutcome, type FlowTarget } from './deployFlow';
import { checkPromotion, type PromotionCheck, type PromotionCheckOptions } from './promotionCheck';
import type { Prompter } from './prompter';
import { askWorkflowInputs, workflowDispatchOf } from './workflowInputs';

/** A strategy a deploy may be asked to use instead of the environment's. */
export type StrategyOverride = NonNullable<NonNullable<Parameters<typeof planDeploy>[2]>['strategy']>;

/** How a front end takes part in a sequence: its prompter, its driver (progress, cancel, its views) and how it tells the end. */
export interface DeployFront<R> {
  prompter: Prompter;
  /** Runs `go` with this front end's drive hooks, showing `title` while it runs. */
  drive: (title: string, go: (hooks: DriveHooks) => Promise<DriveOutcome>) => Promise<DriveOutcome>;
  /** Tells how the drive ended (and answers what it asks, where the front end can). */
  conclude: (outcome: DriveOutcome) => Promise<R>;
}

/** What the promotion check reads besides the target and the release (the front end's repository, config, gates and GitHub). */
export type PromotionContext = Omit<PromotionCheckOptions, 'env' | 'release' | 'deployer' | 'hotfix' | 'strategy' | 'signal'>;

/** How the inputs of a deploy workflow are obtained; without it none are asked (the config's are sent). */
export interface InputsRequest {
  interactive: boolean;
  given?: Readonly<Record<string, string>>;
  /** The environments an environment input may name. */
  environments: () => Promise<string[]>;
}

/**
 * Announces a stage of a deploy or rollback (started, completed, rolled back) to the configured
 * audiences. Best effort: a failure is a warning the sequence shows, never a failed deploy.
 */
export type AnnounceStage = (event: { stage: 'started' | 'completed' | 'rolled-back'; version: string; environment: string }) => Promise<string[]>;

/** A deploy to run. */
export interface DeployRequest {
  /** Announces started / completed / rolled back when the config asks for it. */
  announce?: AnnounceStage;
  target: FlowTarget;
  release: DeployRelease;
  strategy?: StrategyOverride;
  /** Said to be a hotfix (deployable inside a code freeze); otherwise decided by the check. */
  hotfix: boolean;
  /** When a freeze is all that blocks, ask whether to deploy as a hotfix. */
  offerHotfix: boolean;
  /** Confirm even when the environment does not require it (the editor, when the environment was picked). */
  confirmAlways: boolean;
  /** What the promotion check reads; called only when the check runs. */
  promotion: () => PromotionContext;
  inputs?: InputsRequest;
  now: () => Date;
}

/** A rollback to run. */
export interface RollbackRequest {
  /** Announces that the replaced release was rolled back, when the config asks for it. */
  announce?: AnnounceStage;
  target: FlowTarget;
  inputs?: InputsRequest;
  signal?: AbortSignal;
}

/** How a sequence ended. */
export type SequenceEnd<R> =
  /** Driven; `result` is what the front end concluded. */
  | { kind: 'driven'; result: R }
  /** The person said no, or cancelled a question: nothing was changed. */
  | { kind: 'declined' }
  /** The promotion check was cancelled: nothing was changed. */
  | { kind: 'cancelled' }
  /** The promotion rules refuse the deploy: nothing was changed. */
  | { kind: 'blocked'; check: PromotionCheck }
  /** There is nothing to roll back to. */
  | { kind: 'refused'; reason: string; fix: string };

/** Deploys `release` to the target's environment: the promotion check, the workflow inputs and the confirmation, then the drive. */
export async function deploySequence<R>(req: DeployRequest, front: DeployFront<R>): Promise<SequenceEnd<R>> {
  const { target: t, release } = req;
  const p = front.prompter;
  let plan: DeployPlan = planDeploy(t.env, release, req.strategy !== undefined ? { strategy: req.strategy } : {});
  p.info([`Deploy ${release.version} (${release.sha.slice(0, 12)}, ${release.ref}) to ${t.env.name} of ${t.slug} — ${plan.strategy}`, ...planLines(plan).map((l) => `  ${l}`), ...plan.warnings.map((w) => `  warning: ${w}`)].join('\n'));
  const workflow = req.inputs ? await workflowDispatchOf(t.deployer, t.env, release) : null;
  // A repeat of the running or just-finished operation resumes or reports it (it was checked when it started).
  const predicted = startOperation(await t.store.read(t.key), { repo: t.slug, id: newOperationId(), session: t.session, env: t.env, plan }, req.now()).kind;
  let notes: string[] = [];
  let confirmAlways = req.confirmAlways;
  if (predicted === 'start' || predicted === 'busy') {
    let check = await promotionCheck(req, plan, req.hotfix, p);
    if (check === undefined) return { kind: 'cancelled' };
    if (!check.allowed && req.offerHotfix && !req.hotfix && check.blockers.every((b) => b.code === 'freeze')) {
      const detail = `${check.blockers.map((b) => b.reason).join('\n')}\n\n${check.notes.join('\n')}\nDeploy ${release.version} anyway because it fixes a production problem? This is recorded in the decision log.`;
      if (!(await p.confirm({ title: `${t.env.name} is frozen`, detail, confirmLabel: 'Deploy as a Hotfix' }))) return { kind: 'declined' };
      check = await promotionCheck(req, plan, true, p);
      if (check === undefined) return { kind: 'cancelled' };
      // The environment is named now: its own rule decides whether the deploy is confirmed again.
      confirmAlways = false;
    }
    for (const n of check.notes) p.info(`  note: ${n}`);
    if (!check.allowed) return { kind: 'blocked', check };
    notes = check.notes;
    if (workflow && req.inputs) {
      const inputs = await askWorkflowInputs(t.env, release, workflow, { interactive: req.inputs.interactive, prompter: p, ...(req.inputs.given ? { given: req.inputs.given } : {}), environments: await req.inputs.environments() });
      if (inputs === undefined) return { kind: 'declined' };
      plan = planDeploy(t.env, release, { ...(req.strategy !== undefined ? { strategy: req.strategy } : {}), inputs });
      if (Object.keys(inputs).length > 0) notes = [...notes, `Inputs of ${workflow.file}: ${Object.entries(inputs).map(([k, v]) => `${k}=${v}`).join(', ')}`];
    }
  }
  if (needsConfirmation(t.env) || confirmAlways) {
    const c = deployConfirmation(t.env, release, plan.strategy, [...plan.warnings, ...notes]);
    if (!(await p.confirm({ ...c, detail: `${c.detail}\nRepository: ${t.slug}` }))) return { kind: 'declined' };
  }
  if (notes.length > 0) plan = { ...plan, allowedBecause: notes };
  const final = plan;
  if (predicted === 'start') await announced(req.announce, { stage: 'started', version: release.version, environment: t.env.name }, p);
  const outcome = await front.drive(`Deploying ${release.version} to ${t.env.name}`, (hooks) => driveOperation(t, final, hooks));
  if (outcome.kind === 'done' && (outcome.journal.state === 'healthy' || outcome.journal.state === 'rolled-back')) {
    await announced(req.announce, { stage: outcome.journal.state === 'healthy' ? 'completed' : 'rolled-back', version: release.version, environment: t.env.name }, p);
  }
  return { kind: 'driven', result: await front.conclude(outcome) };
}

/** The promotion rules with progress; undefined when cancelled. */
async function promotionCheck(req: DeployRequest, plan: DeployPlan, hotfix: boolean, p: Prompter): Promise<PromotionCheck | undefined> {
  const context = req.promotion();
  return p.progress(`Checking whether ${plan.release.version} may go to ${req.target.env.name}…`, async ({ signal }) => {
    const check = await checkPromotion({ ...context, env: req.target.env, release: plan.release, deployer: req.target.deployer, hotfix: hotfix ? true : 'auto', strategy: plan.strategy, ...(signal ? { signal } : {}) });
    return signal?.aborted ? undefined : check;
  });
}

/** Rolls the target's environment back to the last successful deployment before the current one: always confirmed, no promotion check. */
export async function rollbackSequence<R>(req: RollbackRequest, front: DeployFront<R>): Promise<SequenceEnd<R>> {
  const t = req.target;
  const p = front.prompter;
  const prepared = await prepareRollback(t.env, t.deployer, req.signal ? { signal: req.signal } : {});
  if (!prepared.ok) return { kind: 'refused', reason: prepared.reason, fix: prepared.fix };
  const c = prepared.confirmation;
  p.info(`${c.title}\n${c.detail}`);
  if (!(await p.confirm(c))) return { kind: 'declined' };
  let plan = prepared.plan;
  const workflow = req.inputs ? await workflowDispatchOf(t.deployer, t.env, plan.release) : null;
  if (workflow && req.inputs) {
    // The workflow's inputs the config does not set, for the known-good release (its version, its tag).
    const inputs = await askWorkflowInputs(t.env, plan.release, workflow, { interactive: req.inputs.interactive, prompter: p, ...(req.inputs.given ? { given: req.inputs.given } : {}), environments: await req.inputs.environments() });
    if (inputs === undefined) return { kind: 'declined' };
    plan = planRollback(t.env, plan.release, { inputs });
  }
  const final = plan;
  const outcome = await front.drive(`Rolling back ${t.env.name} to ${plan.release.version}`, (hooks) => driveOperation(t, final, hooks));
  const removed = final.replaces?.version;
  if (outcome.kind === 'done' && outcome.ok && removed) await announced(req.announce, { stage: 'rolled-back', version: removed, environment: t.env.name }, p);
  return { kind: 'driven', result: await front.conclude(outcome) };
}

/** Runs the announce hook; whatever happens, the deploy goes on (failures are shown as warnings). */
async function announced(announce: AnnounceStage | undefined, event: Parameters<AnnounceStage>[0], p: Prompter): Promise<void> {
  if (!announce) return;
  try {
    for (const w of await announce(event)) p.info(`  warning: ${w}`);
  } catch (e) {
    p.info(`  warning: the ${event.stage} announcement of ${event.version} was not sent: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}
