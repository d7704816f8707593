import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/config';
import { UsageError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { resolveInside } from '../../node/runner';
import { whoAmI } from '../../node/whoAmI';
import { SIGNOFF_FILE } from '../../core/gates/manual';
import { COMMANDS } from '../ids';
import { reportError } from '../runCommand';
import type { ReleaseModel } from '../releaseModel';
import type { ChecklistActions } from './checklistView';
import type { GateController } from './gateController';

/** The button of the notification after a sign-off that commits the sign-off file alone. */
export const COMMIT_SIGN_OFF = 'Commit sign-off';

/** What the checklist's buttons do, decided by the host from its own gate results (never from the message). */
export function checklistActions(model: ReleaseModel, gates: GateController, log: Logger): ChecklistActions {
  return {
    async fix(gateId) {
      const action = gates.result(gateId)?.fix?.action;
      const root = gates.target()?.root;
      if (!action || !root) return;
      switch (action.kind) {
        case 'openFile': {
          const real = await resolveInside(root, action.path, 'The file');
          if (!real) throw new UsageError(`${action.path} does not exist in the repository.`, `Create it, or correct the gate's fix in ${CONFIG_FILE}.`);
          const line = Math.max(0, (action.line ?? 1) - 1);
          await vscode.window.showTextDocument(vscode.Uri.file(real), { selection: new vscode.Range(line, 0, line, 0) });
          return;
        }
        case 'openConfig':
          await vscode.commands.executeCommand(COMMANDS.openConfig, { root });
          return;
        case 'showOutput': {
          const r = gates.result(action.gateId);
          const doc = await vscode.workspace.openTextDocument({ language: 'log', content: `${r?.title ?? action.gateId}: ${r?.status ?? ''}\n${r?.reason ?? ''}\n\n${r?.details ?? '(no output)'}` });
          await vscode.window.showTextDocument(doc, { preview: true });
          return;
        }
        case 'signOff':
          return; // the checklist row itself has the sign-off checkbox
        case 'sendNotice':
          // Send notice now: the announce flow, pre-set to the notice of this version for the audiences still missing it.
          await vscode.commands.executeCommand(COMMANDS.announce, { root, stage: 'notice', version: action.version, audiences: action.audiences });
          return;
        case 'openUrl':
          // The link came from GitHub's answer (the milestone's html_url): only http(s) is opened, like the tree's links.
          await vscode.commands.executeCommand(COMMANDS.openOnGitHub, action.url);
          return;
      }
    },
    async signOff(gateId, note) {
      const root = gates.target()?.root;
      if (!root) return;
      const version = await gates.signOff(gateId, note, await whoAmI(model.repo(root)));
      // Recorded in the repository's file; committing it is the user's choice, pushing too (never done for them).
      void vscode.window
        .showInformationMessage(`Signed off ${gateId} for ${version} in ${SIGNOFF_FILE}. Commit it so the team and CI see it (nothing is pushed).`, COMMIT_SIGN_OFF)
        .then(async (pick) => {
          if (pick !== COMMIT_SIGN_OFF) return;
          try {
            await gates.commitSignOff(gateId, version);
            void vscode.window.showInformationMessage(`Sign-off of ${gateId} for ${version} committed. Push it to share it with the team and CI.`);
          } catch (e) {
            await reportError('checklist.commitSignOff', e, log);
          }
        });
    },
    async revokeSignOff(gateId) {
      const root = gates.target()?.root;
      if (!root) return;
      await gates.revokeSignOff(gateId, await whoAmI(model.repo(root)));
      log.info(`sign-off revoked: ${gateId}`);
    },
    async answerRisk(questionId, answer) {
      const root = gates.target()?.root;
      if (!root) return;
      const version = await gates.answerRisk(questionId, answer, await whoAmI(model.repo(root)));
      void vscode.window.showInformationMessage(`Answered ${questionId}: ${answer} for ${version} in ${SIGNOFF_FILE}. Commit it so the team and CI see it (nothing is pushed).`);
    },
    async recordDecision() {
      await vscode.commands.executeCommand(COMMANDS.recordDecision);
    },
  };
}
