/**
 * Controlling an operation from the Release view: Promote / Abort a running canary, Resume / Inspect
 * an unfinished operation, Approve / Reject a pending review, and the report of the operations
 * another window or a CLI left unfinished. Promote and Abort are recorded in the journal; the driver
 * of this window applies them.
 */
import * as vscode from 'vscode';
import { deployJournalKey, journalSummary } from '../../core/deploy/journal';
import type { DeployJournal } from '../../core/deploy/journalTypes';
import { answer, command as journalCommand } from '../../core/deploy/run';
import { cursorOf } from '../../core/deploy/transitions';
import { UsageError } from '../../core/errors';
import { continueOperation } from '../../node/deployFlow';
import { FileDeployJournalStore } from '../../node/deployJournal';
import { adoptMovedJournalsOf } from '../../node/movedJournals';
import { sessionAlive } from '../../node/session';
import type { ReviewWait } from '../deployView';
import { whenText } from '../../shared/time';
import { COMMANDS } from '../ids';
import { conclude, showJournal, withDriveProgress } from './progress';
import { envNodeOf, journalOf, requireTrust, targetFor, type DeployContext } from './target';

/** Options an argument may carry: `confirm: false` skips the modal (tests). */
function confirmOf(value: unknown): { confirm?: boolean } {
  const c = typeof value === 'object' && value !== null ? (value as { confirm?: unknown }).confirm : undefined;
  return typeof c === 'boolean' ? { confirm: c } : {};
}

/** Release: Promote Deploy — the running canary goes to its next step. */
export function promoteDeployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<DeployJournal | undefined> {
  return (node) => promoteOrAbort(ctx, 'promote', node);
}

/** Release: Abort Deploy — the running operation stops (traffic back, or a rollback when configured). */
export function abortDeployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<DeployJournal | undefined> {
  return (node) => promoteOrAbort(ctx, 'abort', node);
}

async function promoteOrAbort(ctx: DeployContext, what: 'promote' | 'abort', node: unknown): Promise<DeployJournal | undefined> {
  requireTrust(what === 'promote' ? 'Promoting' : 'Aborting');
  const found = await journalOf(ctx, envNodeOf(node));
  if (!found || found.journal.state !== 'running') {
    void vscode.window.showInformationMessage('Nothing is running on that environment.');
    return undefined;
  }
  const repo = ctx.model.repo(found.root)!;
  const store = new FileDeployJournalStore(repo.gitCommonDir);
  const key = deployJournalKey(found.journal.repo, found.journal.plan.environment);
  if (ctx.deployView.driven(found.journal.id)) {
    const j = await journalCommand(key, what, { store, now: () => new Date() });
    ctx.deployView.update(key, j);
    return j;
  }
  // Not driven here: abort claims it for this window and drives the abort; promote needs it running here first.
  if (what === 'promote') throw new UsageError('That operation is not running in this window.', 'Resume it here first (Resume Deploy), then promote.');
  const t = await targetFor(ctx, found.root, found.journal.env);
  await answer(key, 'abort', cursorOf(found.journal), { store, now: () => new Date(), session: ctx.session });
  const outcome = await withDriveProgress(ctx, found.root, t, `Aborting ${journalSummary(found.journal)}`, true, (hooks) => continueOperation(t, hooks));
  return conclude(ctx, found.root, t, outcome, true);
}

/** Release: Resume Deploy — continues an unfinished operation from its journal (with its environment config as it started). */
export function resumeDeployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<DeployJournal | undefined> {
  return (node, args) => resume(ctx, node, confirmOf(args));
}

async function resume(ctx: DeployContext, node: unknown, args: { confirm?: boolean }): Promise<DeployJournal | undefined> {
  requireTrust('Resuming a deploy');
  const found = await journalOf(ctx, envNodeOf(node));
  if (!found) return undefined;
  const j = found.journal;
  if (args.confirm !== false && (await vscode.window.showWarningMessage(`Resume: ${journalSummary(j)}?`, { modal: true, detail: `Started ${whenText(j.startedAt)}. Nothing sent before is sent again blindly.` }, 'Resume')) !== 'Resume') return undefined;
  const t = await targetFor(ctx, found.root, j.env);
  await answer(t.key, 'resume', cursorOf(j), { store: t.store, now: () => new Date(), session: ctx.session });
  const outcome = await withDriveProgress(ctx, found.root, t, journalSummary(j), args.confirm !== false, (hooks) => continueOperation(t, hooks));
  return conclude(ctx, found.root, t, outcome, args.confirm !== false);
}

/** Release: Inspect Deploy — the journal as read-only JSON. */
export function inspectDeployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<void> {
  return (node) => inspect(ctx, node);
}

async function inspect(ctx: DeployContext, node: unknown): Promise<void> {
  const found = await journalOf(ctx, envNodeOf(node));
  if (found) await showJournal(found.journal);
}

/** Release: Approve Pending Deploy Review — with a comment, for the reviews the signed-in user may approve. */
export function approveDeployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<boolean> {
  return (node, args) => review(ctx, true, node, commentOf(args));
}

/** Release: Reject Pending Deploy Review — with a comment, for the reviews the signed-in user may approve. */
export function rejectDeployCommand(ctx: DeployContext): (...args: unknown[]) => Promise<boolean> {
  return (node, args) => review(ctx, false, node, commentOf(args));
}

function commentOf(value: unknown): { comment?: string } {
  const c = typeof value === 'object' && value !== null ? (value as { comment?: unknown }).comment : undefined;
  return typeof c === 'string' ? { comment: c } : {};
}

async function review(ctx: DeployContext, approve: boolean, node: unknown, args: { comment?: string }): Promise<boolean> {
  requireTrust(approve ? 'Approving a deploy' : 'Rejecting a deploy');
  const n = envNodeOf(node);
  const wait = n?.wait ?? (await pickReview(ctx, typeof n?.root === 'string' ? n.root : undefined, approve));
  if (!wait) return false;
  const ids = wait.reviews.filter((r) => r.canApprove).map((r) => r.environmentId);
  if (ids.length === 0) throw new UsageError(`You are not a reviewer of ${wait.environment}.`, `Ask one of: ${wait.reviews.flatMap((r) => r.reviewers).join(', ') || 'the environment\'s reviewers'}.`);
  const comment = args.comment ?? (await vscode.window.showInputBox({ title: `${approve ? 'Approve' : 'Reject'} the deploy to ${wait.environment}`, prompt: 'Comment (recorded on GitHub)', validateInput: (v) => (v.trim() === '' ? 'A comment is required' : undefined) }));
  if (comment === undefined) return false;
  const deployer = await ctx.github.deployer(wait.root, wait.handle.provider === 'workflow' ? 'workflow' : 'deployments', { interactive: true });
  await deployer.review(wait.handle, { approve, comment, environmentIds: ids });
  ctx.deployView.setReviews({ ...wait, reviews: [] });
  void vscode.window.showInformationMessage(`${approve ? 'Approved' : 'Rejected'} the deploy to ${wait.environment}.`);
  return true;
}

/** The review to answer from the palette: the only one waiting, else a pick among them (this window's deploys). */
async function pickReview(ctx: DeployContext, root: string | undefined, approve: boolean): Promise<ReviewWait | undefined> {
  const roots = root !== undefined ? [root] : ctx.model.repositories.map((r) => r.root);
  const waits = roots.flatMap((r) => ctx.deployView.reviews(r)).filter((w) => w.reviews.length > 0);
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
export async function reportUnfinishedDeploys(ctx: DeployContext): Promise<void> {
  await ctx.model.settled();
  for (const repo of ctx.model.repositories) {
    // An operation left under the folder's old name (a move, an earlier version) is reported, and resumed, under the current key.
    const local = ctx.model.repo(repo.root);
    if (local) await adoptMovedJournalsOf(local).catch((e: unknown) => ctx.log.warn(`deploy journals of ${repo.root} not adopted: ${e instanceof Error ? e.message : String(e)}`));
    // Not reported: the ones this window drives, and the ones a live process of this machine drives (another window, a CLI) — they are not unfinished.
    const journals = (await ctx.deployView.journals(repo.root)).filter((j) => j.state === 'running' && !ctx.deployView.driven(j.id) && j.session !== ctx.session && (j.paused !== null || sessionAlive(j.session) !== true));
    for (const j of journals.slice(0, 3)) {
      const node = { root: repo.root, journal: j };
      // Not awaited: a notification left unanswered must not hold anything up.
      void vscode.window.showWarningMessage(`Unfinished: ${journalSummary(j)} (started ${whenText(j.startedAt)}; not running in this window). Nothing is resumed by itself.`, 'Resume', 'Inspect').then((choice) => {
        if (choice === 'Resume') void vscode.commands.executeCommand(COMMANDS.resumeDeploy, node);
        else if (choice === 'Inspect') void inspect(ctx, node);
      });
      ctx.log.warn(`unfinished on start: ${journalSummary(j)}`);
    }
  }
}
