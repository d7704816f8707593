/**
 * Release: Deploy… — picks the environment and the release, then runs the shared deploy sequence
 * (src/node/deploySequence.ts) with the editor's prompter: the promotion check with progress, a
 * hotfix offered when only a freeze blocks, the workflow's inputs, the confirmation (always for
 * production, and whenever the environment was picked), the drive with progress and cancel.
 */
import * as vscode from 'vscode';
import { operationSucceeded } from '../../core/deploy/journal';
import { runDeployFlagStages } from '../commands/flags';
import type { DeployJournal } from '../../core/deploy/journalTypes';
import { releasePicks } from '../../core/deploy/picks';
import { ReleaseError, UsageError } from '../../core/errors';
import { releaseAt, versionTagsAtHead } from '../../node/deployFlow';
import { deploySequence, type SequenceEnd } from '../../node/deploySequence';
import { FetchHealthProbe } from '../../node/healthProbe';
import { editorAnnouncer } from './announceHook';
import { editorFront } from './progress';
import { envNodeOf, environmentNames, environmentRuns, requireTrust, resolveTarget, targetFor, type DeployContext, type EnvNode } from './target';

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

/** The deploy arguments in a command's first argument (a tree node gives none): each field is taken only with its type. */
export function deployArgsOf(value: unknown): DeployArgs {
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind === 'string') return {};
  const v = value as Record<string, unknown>;
  const text = (k: string) => (typeof v[k] === 'string' ? { [k]: v[k] } : {});
  const flag = (k: string) => (typeof v[k] === 'boolean' ? { [k]: v[k] } : {});
  const inputs = typeof v.inputs === 'object' && v.inputs !== null ? Object.fromEntries(Object.entries(v.inputs).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
  return { ...text('root'), ...text('environment'), ...text('ref'), ...text('workflow'), ...flag('confirm'), ...flag('hotfix'), ...(inputs ? { inputs } : {}) } as DeployArgs;
}

/** The tree node in a command's first argument, if it is one (tree nodes have a `kind`). */
export function treeNodeOf(value: unknown): EnvNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' ? envNodeOf(value) : undefined;
}

/** The release to deploy: the argument, the one version tag at HEAD, or a pick among the version tags (newest first, with where each runs). */
async function refToDeploy(ctx: DeployContext, root: string, ref: string | undefined): Promise<string | undefined> {
  if (ref !== undefined) return ref;
  const repo = ctx.model.repo(root)!;
  const atHead = await versionTagsAtHead(repo);
  if (atHead.length === 1) return atHead[0];
  const all = await repo.tags({ dates: true });
  const tags = atHead.length > 1 ? all.filter((t) => atHead.includes(t.name)) : all;
  const picks = releasePicks(tags, await environmentRuns(ctx, root));
  if (picks.length === 0) throw new UsageError('No version tag to deploy.', 'Publish a release first (Release: Publish GitHub Release).');
  const pick = await vscode.window.showQuickPick(
    picks.map((p) => ({ label: p.tag, description: p.description, tag: p.tag })),
    { title: atHead.length > 1 ? 'Release: HEAD has several version tags; deploy which?' : 'Release: HEAD has no version tag; deploy which release?', matchOnDescription: true },
  );
  return pick?.tag;
}

/** Release: Deploy… — called with deploy arguments (palette, tests) or an environment row of the tree. */
export function deployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<DeployJournal | undefined> {
  return (first) => deploy(ctx, deployArgsOf(first), treeNodeOf(first));
}

async function deploy(ctx: DeployContext, args: DeployArgs, node: EnvNode): Promise<DeployJournal | undefined> {
  requireTrust('Deploying');
  const resolved = await resolveTarget(ctx, args, node, false);
  if (!resolved) return undefined;
  const { root, env, target: t } = resolved;
  const ref = await refToDeploy(ctx, root, args.ref);
  if (ref === undefined) return undefined;
  const repo = ctx.model.repo(root)!;
  const release = await releaseAt(repo, t.deployer, ref);
  const interactive = args.confirm !== false;
  const end = await deploySequence(
    {
      target: t,
      release,
      hotfix: args.hotfix === true,
      offerHotfix: interactive,
      confirmAlways: args.environment === undefined,
      now: () => new Date(),
      ...withAnnouncer(editorAnnouncer(ctx, root)),
      promotion: () => {
        const config = ctx.model.find(root)?.config;
        if (!config) throw new UsageError('The release config could not be read.', 'Fix .release-manager.json (see the Problems view), then deploy again.');
        const gates = ctx.gates;
        return {
          repo,
          config,
          probe: new FetchHealthProbe(),
          commandsAllowed: vscode.workspace.isTrusted,
          commandsBlockedReason: 'requires trust: trust this workspace to run command gates',
          ...(gates ? { signOffs: async (version: string) => gates.signOffsFor(root, version) } : {}),
          ...(ctx.flagsView && config.flags ? { flagSecrets: ctx.flagsView.secretSource(config.flags) } : {}),
          github: () => ctx.github.connect(root, { interactive: false }),
          previousDeployer: async (prev) => (await targetFor(ctx, root, prev)).deployer,
          now: () => new Date(),
        };
      },
      inputs: { interactive, ...(args.inputs ? { given: args.inputs } : {}), environments: () => environmentNames(ctx, root) },
    },
    editorFront(ctx, root, t, interactive),
  );
  const journal = endOf(ctx, env.name, end);
  // The plan's flag stages (rollouts with afterDeploy = this environment) run after the code is deployed, and only then.
  if (journal && operationSucceeded(journal) && ctx.flagsView) {
    try {
      await runDeployFlagStages({ ...ctx, flagsView: ctx.flagsView }, root, env.name, interactive);
    } catch (e) {
      // The code is deployed either way: say what did not run, and how to run it.
      const why = e instanceof ReleaseError ? `${e.message} ${e.fix}` : e instanceof Error ? e.message : String(e);
      ctx.log.warn(`flag stage after the deploy to ${env.name} did not run: ${why}`);
      void vscode.window.showWarningMessage(`${env.name} is deployed, but its flag stage did not run: ${why.slice(0, 300)} Run Ramp Up on the flag when it is fixed.`);
    }
  }
  return journal;
}

/** The journal a sequence drove, undefined when nothing was changed; a refusal is an error naming its reasons and fixes. */
export function endOf(ctx: Pick<DeployContext, 'log'>, environment: string, end: SequenceEnd<DeployJournal | undefined>): DeployJournal | undefined {
  switch (end.kind) {
    case 'driven':
      return end.result;
    case 'declined':
    case 'cancelled':
      return undefined;
    case 'refused':
      throw new UsageError(end.reason, end.fix);
    case 'blocked': {
      const check = end.check;
      if (check.allowed) return undefined;
      const failing = check.gateResults.filter((g) => g.required && g.status !== 'pass').map((g) => `${g.title}: ${g.status} (${g.reason})`);
      ctx.log.warn(`not deployed: ${check.blockers.map((b) => b.reason).join(' ')}`);
      throw new UsageError(`Not deployed to ${environment}: ${check.blockers.map((b) => b.reason).join(' ')}${failing.length ? ` Failing gates: ${failing.join('; ')}.` : ''}`, check.blockers.map((b) => b.fix).join(' '));
    }
  }
}

/** The request's `announce` field when there is an announcer (exactOptionalPropertyTypes: never `undefined`). */
export function withAnnouncer(announce: ReturnType<typeof editorAnnouncer>): { announce?: NonNullable<ReturnType<typeof editorAnnouncer>> } {
  return announce ? { announce } : {};
}
