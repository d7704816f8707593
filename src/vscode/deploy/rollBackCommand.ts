/**
 * Release: Roll Back… — to the last successful deployment before the current one, through the
 * shared rollback sequence (src/node/deploySequence.ts): always confirmed (except by tests), no
 * promotion check; a workflow's inputs are asked for the known-good release.
 */
import type { DeployJournal } from '../../core/deploy/journalTypes';
import { rollbackSequence } from '../../node/deploySequence';
import { editorAnnouncer } from './announceHook';
import { deployArgsOf, endOf, treeNodeOf, withAnnouncer, type DeployArgs } from './deployCommand';
import { editorFront } from './progress';
import { environmentNames, requireTrust, resolveTarget, type DeployContext, type EnvNode } from './target';

/** Release: Roll Back… — called with deploy arguments (palette, tests) or an environment row of the tree. */
export function rollBackCommand(ctx: DeployContext): (...args: unknown[]) => Promise<DeployJournal | undefined> {
  return (first) => rollBack(ctx, deployArgsOf(first), treeNodeOf(first));
}

async function rollBack(ctx: DeployContext, args: DeployArgs, node: EnvNode): Promise<DeployJournal | undefined> {
  requireTrust('Rolling back');
  const resolved = await resolveTarget(ctx, args, node, true);
  if (!resolved) return undefined;
  const { root, env, target: t } = resolved;
  const interactive = args.confirm !== false;
  const end = await rollbackSequence({ target: t, ...withAnnouncer(editorAnnouncer(ctx, root)), inputs: { interactive, ...(args.inputs ? { given: args.inputs } : {}), environments: () => environmentNames(ctx, root) } }, editorFront(ctx, root, t, interactive));
  return endOf(ctx, env.name, end);
}
