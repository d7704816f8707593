import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/config';
import { UsageError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { resolveInside } from '../../node/runner';
import { whoAmI } from '../../node/whoAmI';
import { COMMANDS } from '../ids';
import type { ReleaseModel } from '../releaseModel';
import type { ChecklistActions } from './checklistView';
import type { GateController } from './gateController';

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
      }
    },
    async signOff(gateId, note) {
      const root = gates.target()?.root;
      if (!root) return;
      await gates.signOff(gateId, note, await whoAmI(model.repo(root)));
    },
    async revokeSignOff(gateId) {
      await gates.revokeSignOff(gateId);
      log.info(`sign-off revoked: ${gateId}`);
    },
    async recordDecision() {
      await vscode.commands.executeCommand(COMMANDS.recordDecision);
    },
  };
}
