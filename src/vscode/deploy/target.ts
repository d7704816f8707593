/**
 * What every editor deploy command settles first: the workspace is trusted, which repository, which
 * environment (with its provider when there is no deploy config), and the deployer and journal of
 * the operation (through `deployerFor`, with the editor's makers).
 */
import * as vscode from 'vscode';
import { deployJournalKey } from '../../core/deploy/journal';
import type { DeployJournal } from '../../core/deploy/journalTypes';
import { environmentDescription, type EnvironmentRun } from '../../core/deploy/picks';
import { environmentSchema, findEnvironment, type EnvironmentConfig } from '../../core/deploy/schema';
import { GitError, TrustError, UsageError } from '../../core/errors';
import { deployerFor } from '../../node/deployerFor';
import { FileDeployJournalStore } from '../../node/deployJournal';
import { adoptMovedJournals } from '../../node/movedJournals';
import type { FlowTarget } from '../../node/deployFlow';
import { dispatchableWorkflows } from '../../node/localWorkflows';
import type { CommandContext } from '../commandContext';
import type { ReviewWait } from '../deployView';
import { pickRepository } from '../pickRepository';
import { editorCommandDeployer, TaskDeployer } from '../taskDeployer';

/** What the deploy commands use of the command context (`gates` gives the sign-offs of the promotion check). */
export type DeployContext = Pick<CommandContext, 'model' | 'github' | 'deployView' | 'log' | 'session'> & Partial<Pick<CommandContext, 'gates' | 'flagsView' | 'secrets'>>;

/** A node of the tree naming an environment row, a journal or a review. */
export type EnvNode = { root?: unknown; row?: { env?: { name?: unknown } }; journal?: DeployJournal; wait?: ReviewWait } | undefined;

/** The tree node a command was given, if its argument is an object (its fields are checked where read). */
export function envNodeOf(value: unknown): EnvNode {
  return typeof value === 'object' && value !== null ? (value as NonNullable<EnvNode>) : undefined;
}

/** The name of the environment row a node is, if any. */
export function rowEnvironment(node: EnvNode): string | undefined {
  return typeof node?.row?.env?.name === 'string' ? node.row.env.name : undefined;
}

/** Refuses in Restricted Mode: `what` writes to GitHub (or runs a local provider). */
export function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) throw new TrustError(`${what} writes to GitHub and is disabled in Restricted Mode.`, 'Trust this workspace (Manage Workspace Trust), then try again.');
}

/** The deployer and journal of an operation on `env` of the repository at `root`. */
export async function targetFor(ctx: DeployContext, root: string, env: EnvironmentConfig): Promise<FlowTarget> {
  const repo = ctx.model.repo(root);
  if (!repo) throw new GitError('not-a-repo', `${root} is no longer a repository.`, 'Refresh the Release view.');
  const { deployer, slug, label } = await deployerFor(env, {
    repo,
    host: { host: 'editor', trusted: vscode.workspace.isTrusted },
    blockedFix: () => 'Trust this workspace (Manage Workspace Trust), then try again.',
    makers: {
      github: async (kind) => {
        const d = await ctx.github.deployer(root, kind, { interactive: true });
        return { deployer: d, slug: `${d.repo.owner}/${d.repo.repo}` };
      },
      command: () => editorCommandDeployer(repo),
      task: () => new TaskDeployer({ repo }),
    },
  });
  const store = new FileDeployJournalStore(repo.gitCommonDir);
  // An operation this repository left under an older key (its folder before a move) is found again.
  await adoptMovedJournals(store, slug, env.name);
  return { slug, label, env, deployer, store, key: deployJournalKey(slug, env.name), session: ctx.session };
}

/** The repository a command runs on: the one given, the only one, or a pick; undefined when none is picked. */
export async function rootOf(ctx: DeployContext, root: unknown): Promise<string | undefined> {
  await ctx.model.settled();
  const state = await pickRepository(ctx.model, typeof root === 'string' ? root : undefined);
  if (!state) return undefined;
  if (state.configError) throw state.configError;
  return state.root;
}

/** The environment named, else picked (the ladder, else the GitHub environments shown, or another name typed). */
export async function environmentOf(ctx: DeployContext, root: string, name: string | undefined): Promise<EnvironmentConfig | undefined> {
  const config = ctx.model.find(root)?.config?.deploy;
  let chosen = name;
  if (chosen === undefined) {
    const snap = await ctx.deployView.snapshot(root);
    const runs = 'rows' in snap ? snap.rows.map((r) => ({ name: r.env.name, last: r.last })) : [];
    const names = config ? config.environments.map((e) => e.name) : runs.map((r) => r.name);
    const other = '$(add) Another environment…';
    // Each with what it runs now and how that went ("staging — 0.2.0, healthy"), when GitHub could tell.
    const items = names.map((n) => {
      const run = runs.find((r) => r.name.toLowerCase() === n.toLowerCase());
      return { label: n, ...(run ? { description: environmentDescription(run.last) } : {}) };
    });
    const pick = await vscode.window.showQuickPick([...items, ...(config ? [] : [{ label: other }])], { title: 'Release: deploy to which environment?' });
    if (pick === undefined) return undefined;
    chosen = pick.label === other ? await vscode.window.showInputBox({ title: 'GitHub environment', prompt: 'Name of the GitHub environment (created by the first deployment)', value: 'staging' }) : pick.label;
    if (chosen === undefined) return undefined;
  }
  const found = findEnvironment(config, chosen);
  if (!found) throw new UsageError(`No environment ${JSON.stringify(chosen.slice(0, 64))} in the deploy config.`, `Use one of: ${config?.environments.map((e) => e.name).join(', ') ?? ''}.`);
  return found.env;
}

/** What each environment of the repository runs now, as the deploy view last read it (empty when GitHub cannot tell). */
export async function environmentRuns(ctx: DeployContext, root: string): Promise<EnvironmentRun[]> {
  const snap = await ctx.deployView.snapshot(root).catch(() => null);
  return snap && 'rows' in snap ? snap.rows.map((r) => ({ name: r.env.name, last: r.last })) : [];
}

/** The environments an environment input may name: the ladder, else the repository's GitHub environments as listed. */
export async function environmentNames(ctx: DeployContext, root: string): Promise<string[]> {
  const ladder = ctx.model.find(root)?.config?.deploy?.environments.map((e) => e.name);
  if (ladder) return ladder;
  const snap = await ctx.deployView.snapshot(root);
  return 'rows' in snap ? snap.rows.map((r) => r.env.name) : [];
}

/**
 * Without a deploy config the Deployments API is the provider; when the repository has workflows
 * with a workflow_dispatch trigger, Deploy… offers them too (found by their trigger), and a
 * rollback of an environment last deployed by a workflow runs that workflow again.
 */
export async function providerWithoutConfig(ctx: DeployContext, root: string, env: EnvironmentConfig, args: { workflow?: string; confirm?: boolean; rollback?: boolean }): Promise<EnvironmentConfig | undefined> {
  if (ctx.model.find(root)?.config?.deploy !== undefined) return env;
  const workflowEnv = (file: string) => environmentSchema().parse({ name: env.name, provider: { kind: 'workflow', workflow: file } });
  if (args.workflow !== undefined) return args.workflow === '' ? env : workflowEnv(args.workflow);
  if (args.rollback) {
    const last = (await ctx.deployView.journals(root)).find((j) => j.plan.environment.toLowerCase() === env.name.toLowerCase());
    return last && last.env.provider.kind === 'workflow' ? last.env : env;
  }
  if (args.confirm === false) return env;
  const { workflows, problems } = await dispatchableWorkflows(root);
  for (const p of problems) ctx.log.warn(`workflow not offered: ${p}`);
  if (workflows.length === 0) return env;
  const items = [
    { label: '$(cloud-upload) GitHub Deployments API', description: 'record a deployment; your CD system deploys it', file: '' },
    ...workflows.map((w) => ({ label: `$(play) ${w.name}`, description: `.github/workflows/${w.file}`, detail: w.dispatch.inputs.length ? `inputs: ${w.dispatch.inputs.map((i) => i.name).join(', ')}` : 'no inputs', file: w.file })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Release: deploy to ${env.name} how?`, placeHolder: 'No deploy config: use the Deployments API, or run a workflow that has a workflow_dispatch trigger', ignoreFocusOut: true });
  if (!pick) return undefined;
  return pick.file === '' ? env : workflowEnv(pick.file);
}

/** The journal of an environment row (or a journal node). */
export async function journalOf(ctx: DeployContext, node: EnvNode): Promise<{ root: string; journal: DeployJournal } | undefined> {
  const root = typeof node?.root === 'string' ? node.root : undefined;
  if (!root) throw new UsageError('Run this from an environment in the Release view.', 'Expand Environments and use its inline action.');
  const name = rowEnvironment(node);
  const journal = node?.journal ?? (name !== undefined ? (await ctx.deployView.journals(root)).find((j) => j.plan.environment.toLowerCase() === name.toLowerCase()) : undefined);
  return journal ? { root, journal } : undefined;
}

/**
 * What a deploy or a rollback runs against: the repository, the environment (picked when not given), its
 * provider (asked when there is no deploy config) and the journaled target. Undefined when a pick was cancelled.
 */
export async function resolveTarget(
  ctx: DeployContext,
  args: { root?: string; environment?: string; workflow?: string; confirm?: boolean },
  node: EnvNode,
  rollback: boolean,
): Promise<{ root: string; env: EnvironmentConfig; target: FlowTarget } | undefined> {
  const root = await rootOf(ctx, args.root ?? node?.root);
  if (!root) return undefined;
  const chosen = await environmentOf(ctx, root, args.environment ?? rowEnvironment(node));
  if (!chosen) return undefined;
  const env = await providerWithoutConfig(ctx, root, chosen, rollback ? { ...args, rollback: true } : args);
  if (!env) return undefined;
  return { root, env, target: await targetFor(ctx, root, env) };
}
