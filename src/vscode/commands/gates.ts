import { whoAmI } from '../../node/whoAmI';
import * as vscode from 'vscode';
import { EMPTY_GUIDANCE } from '../../core/gates/freshness';
import { DECISION_LOG_HEADER, renderDecision } from '../../core/gates/decisionLog';
import { TrustError, UsageError } from '../../core/errors';
import type { Verdict } from '../../core/gates/types';
import type { Logger } from '../../core/ports';
import { appendInside } from '../../node/appendFile';
import type { GateController } from '../checklist/gateController';
import type { CommandContext } from '../commandContext';
import { argRecord, booleanField, stringField } from '../commandArgs';
import { COMMANDS, VIEWS } from '../ids';
import type { ReleaseModel } from '../releaseModel';

/** Validate Readiness Gates: runs every gate with progress (cancellable) and reports the verdict with "Show Checklist". */
export function validateGatesCommand({ gates }: Pick<CommandContext, 'gates'>) {
  return (): Promise<Verdict | null> => validateGates(gates);
}

async function validateGates(gates: GateController): Promise<Verdict | null> {
  const verdict = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Validating readiness gates', cancellable: true },
    (_progress, token) => gates.run({ includeCommands: true, token }),
  );
  if (!verdict) {
    const empty = gates.emptyState();
    if (empty) void vscode.window.showInformationMessage(EMPTY_GUIDANCE[empty]); // guidance, not a verdict
    return null;
  }
  const show = verdict.decision === 'GO' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(verdict.summary.slice(0, 400), 'Show Checklist').then((a) => {
    if (a) void vscode.commands.executeCommand(COMMANDS.showChecklist);
  });
  return verdict;
}

/** Record Go/No-Go Decision: `{ why?, confirm? }` skips the question and the modal (tests). */
export function recordDecisionCommand({ model, gates, log }: Pick<CommandContext, 'model' | 'gates' | 'log'>) {
  return (args?: unknown): Promise<string | undefined> => recordDecision(model, gates, log, { why: stringField(args, 'why'), confirm: booleanField(args, 'confirm') });
}

/** Asks why, confirms, then appends verdict, gate results, sign-offs, who and when to the decision log. */
async function recordDecision(model: ReleaseModel, gates: GateController, log: Logger, args: { why?: string; confirm?: boolean }): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    throw new TrustError('Recording a decision writes to the repository and is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust), then record the decision.');
  }
  const snap = gates.snapshot();
  if (!snap) {
    throw new UsageError('No repository with a readable release configuration to record a decision for.', 'Open a git repository (and fix its release configuration if the Release view reports a problem).');
  }
  const { state, results, verdict, signOffs } = snap;
  const why =
    args?.why ??
    (await vscode.window.showInputBox({
      title: `Record ${verdict.decision} for ${state.notes?.version.next ?? state.name}`,
      prompt: verdict.summary.slice(0, 300),
      placeHolder: 'Why? (e.g. "QA signed off, rollback plan in the runbook")',
      ignoreFocusOut: true,
    }));
  if (why === undefined) return undefined;
  const file = state.config!.decisionLog;
  if (args?.confirm !== false) {
    const ok = await vscode.window.showWarningMessage(
      `Append this ${verdict.decision} decision to ${file}?`,
      { modal: true, detail: `${verdict.summary}\n\nNothing else is changed; the file is not committed.` },
      'Append',
    );
    if (ok !== 'Append') return undefined;
  }
  const titles = new Map(results.map((r) => [r.id, r.title]));
  const entry = renderDecision({
    verdict,
    results,
    signOffs: signOffs.map((s) => ({ ...s, title: titles.get(s.gateId) ?? s.gateId })),
    version: state.notes?.version.next ?? null,
    who: await whoAmI(model.repo(state.root)),
    when: new Date().toISOString(),
    commit: state.notes?.range.toHash ?? null,
    branch: (await model.repo(state.root)?.head())?.branch ?? null,
    why,
  });
  const written = await appendInside(state.root, file, entry, DECISION_LOG_HEADER);
  log.info(`decision recorded in ${written}: ${verdict.decision}`);
  void vscode.window.showInformationMessage(`Recorded ${verdict.decision} in ${file}.`, 'Open').then((a) => {
    if (a) void vscode.window.showTextDocument(vscode.Uri.file(written));
  });
  return written;
}

/** Show Readiness Checklist: reveals the webview view. */
export function showChecklistCommand() {
  return async (): Promise<void> => {
    await vscode.commands.executeCommand(`${VIEWS.checklist}.focus`);
  };
}

/** Re-run Gate: checks the gate of a tree node again (the node's gate only). */
export function rerunGateCommand({ gates }: Pick<CommandContext, 'gates'>) {
  return async (node?: unknown): Promise<Verdict | null | undefined> => {
    const id = stringField(argRecord(node).result, 'id');
    return id === undefined ? undefined : gates.run({ only: [id] });
  };
}
