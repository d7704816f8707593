/**
 * The editor's drive of a deploy operation: a cancellable progress notification naming the step,
 * the Release view following each recorded event and pending review, and how it ended told as a
 * notification — a question the machine asks offered as buttons, answered, then driven again.
 */
import * as vscode from 'vscode';
import { journalSummary, type Choice } from '../../core/deploy/journal';
import type { DeployJournal } from '../../core/deploy/journalTypes';
import { renderDeployRecord, rollbackTime } from '../../core/deploy/record';
import { answer } from '../../core/deploy/run';
import { cursorOf } from '../../core/deploy/transitions';
import { continueOperation, decisionLogTarget, sleep, type DecisionLogTarget, type DriveHooks, type DriveOutcome, type FlowTarget } from '../../node/deployFlow';
import type { DeployFront } from '../../node/deploySequence';
import { FetchHealthProbe } from '../../node/healthProbe';
import { editorPrompter } from './prompter';
import type { DeployContext } from './target';

/** How often a running step is looked at (setting releaseManager.deploy.pollIntervalSeconds, default 10 s). */
function pollMs(): number {
  const v = vscode.workspace.getConfiguration('releaseManager').get<number>('deploy.pollIntervalSeconds');
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(300, Math.max(1, v)) * 1000 : 10_000;
}

/** The decision log a finished deploy or rollback is recorded in (the repository's configured log), when there is a config. */
function decisionLogFor(ctx: DeployContext, root: string): DecisionLogTarget | undefined {
  const repo = ctx.model.repo(root);
  const config = ctx.model.find(root)?.config;
  if (!repo || !config) return undefined;
  return decisionLogTarget(repo, config, {
    onWritten: (path) => ctx.log.info(`recorded in the decision log: ${path}`),
    onError: (e) => void vscode.window.showWarningMessage(`The deploy finished, but the decision log could not be written: ${e instanceof Error ? e.message : String(e)}`),
  });
}

/** The editor's part in a deploy or rollback sequence: native prompts, the drive with progress, the end told and its questions answered. */
export function editorFront(ctx: DeployContext, root: string, t: FlowTarget, interactive: boolean): DeployFront<DeployJournal | undefined> {
  return {
    prompter: editorPrompter(ctx.log, { interactive }),
    drive: (title, go) => withDriveProgress(ctx, root, t, title, interactive, go),
    conclude: (outcome) => conclude(ctx, root, t, outcome, interactive),
  };
}

/** Runs a drive with a cancellable progress notification; the tree follows each recorded event. */
export async function withDriveProgress(ctx: DeployContext, root: string, t: FlowTarget, title: string, confirm: boolean, go: (hooks: DriveHooks) => Promise<DriveOutcome>): Promise<DriveOutcome> {
  const view = ctx.deployView;
  const drivenIds = new Set<string>();
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        const decisionLog = decisionLogFor(ctx, root);
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
          note: (kind, j) => ctx.log.info(`${kind}: ${journalSummary(j)}`),
          onWait: (m) => {
            ctx.log.info(`${t.env.name}: ${m}`);
            progress.report({ message: m });
          },
          onWarning: (m) => {
            ctx.log.warn(m);
            void vscode.window.showWarningMessage(`Release Manager: ${m}`);
          },
          onEvent: (j) => {
            if (!drivenIds.has(j.id)) view.setDriven(j.id, true);
            drivenIds.add(j.id);
            view.update(t.key, j);
            const c = cursorOf(j);
            progress.report({ message: c === null ? 'finishing' : `${j.steps[c]!.plan.label}` });
          },
          onReview: (_index, handle, reviews) => view.setReviews({ root, key: t.key, environment: t.env.name, handle, reviews }),
          onObserve: (j, index, o) => {
            if ((o.status === 'queued' || o.status === 'running') && o.reason) progress.report({ message: `${j.steps[index]?.plan.label ?? 'step'} — ${o.status}: ${o.reason}` });
          },
        });
      } finally {
        sub.dispose();
      }
    });
  } finally {
    for (const id of drivenIds) view.setDriven(id, false);
    view.setReviews({ root, key: t.key, environment: t.env.name, handle: { provider: t.env.provider.kind }, reviews: [] });
    view.invalidate();
  }
}

/** Tells how a drive ended; a question the machine asks is offered as buttons and answered, then driven again. */
export async function conclude(ctx: DeployContext, root: string, t: FlowTarget, first: DriveOutcome, confirm: boolean): Promise<DeployJournal | undefined> {
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
      case 'busy':
        ctx.log.warn(`${t.env.name}: ${outcome.reason}`);
        void vscode.window.showWarningMessage(`${outcome.reason} ${outcome.fix}`);
        return undefined;
      case 'done':
        announce(ctx, outcome.journal, outcome.ok);
        return outcome.journal;
      case 'ask': {
        const a = outcome.stop.action;
        ctx.log.warn(`${journalSummary(outcome.journal)}: ${a.kind === 'ask' ? `${a.reason} (choices: ${a.choices.join(', ')})` : 'stopped'}`);
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
        outcome = await withDriveProgress(ctx, root, t, journalSummary(outcome.journal), confirm, (hooks) => continueOperation(t, hooks));
        break;
      }
    }
  }
  return undefined;
}

function announce(ctx: DeployContext, j: DeployJournal, ok: boolean): void {
  const timing = j.finishedAt && j.state === 'rolled-back' ? rollbackTime(j) : null;
  const took = timing ? ` in ${timing.text}` : '';
  ctx.log.info(renderDeployRecord(j, 'this editor'));
  const text = `${journalSummary(j)}${took}.`;
  if (ok) void vscode.window.showInformationMessage(text);
  else void vscode.window.showWarningMessage(text);
}

/** Opens the journal as read-only JSON. */
export async function showJournal(j: DeployJournal): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(j, null, 2) + '\n' });
  await vscode.window.showTextDocument(doc, { preview: true });
}
