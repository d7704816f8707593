import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import { recordDecisionState, restrictedNote } from '../../../src/shared/checklistRows';
import { extensionUnderTest } from '../manifest';

type Shown = { message: string; items: string[] };

/** Runs `go` while catching the warnings and errors the extension shows (answering none of them). */
async function catchToasts(go: () => Promise<unknown>): Promise<Shown[]> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { warn: w.showWarningMessage, error: w.showErrorMessage, info: w.showInformationMessage };
  const shown: Shown[] = [];
  const fake = async (message: string, ...rest: unknown[]) => {
    shown.push({ message, items: rest.filter((x): x is string => typeof x === 'string') });
    return undefined;
  };
  w.showWarningMessage = fake;
  w.showErrorMessage = fake;
  w.showInformationMessage = fake;
  try {
    await go();
    // The funnel shows its message without awaiting the command: let it run.
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    w.showWarningMessage = saved.warn;
    w.showErrorMessage = saved.error;
    w.showInformationMessage = saved.info;
  }
  return shown;
}

describe('Restricted Mode: trust refusals', () => {
  it('disables Record decision: the checklist says why, and the command needs trust', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    await vscode.commands.executeCommand('releaseManager.validateGates');
    const view = a.gates.view();
    assert.ok(view.verdict, 'a verdict exists, so only the trust disables the button');
    const record = recordDecisionState(view);
    assert.equal(record.enabled, false);
    assert.match(record.reason ?? '', /Restricted Mode/);
    const contributed = (extensionUnderTest().packageJSON as { contributes: { commands: { command: string; enablement?: string }[] } }).contributes.commands;
    assert.equal(contributed.find((c) => c.command === 'releaseManager.recordDecision')?.enablement, 'isWorkspaceTrusted');
  });

  it('offers Manage Workspace Trust on every refusal because of trust', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    const refusals: [string, ...unknown[]][] = [
      ['releaseManager.recordDecision', { why: 'x', confirm: false }],
      ['releaseManager.publishRelease', { confirm: false }],
      ['releaseManager.deploy', { environment: 'staging', ref: 'v0.2.0', confirm: false }],
      ['releaseManager.rollBack', { environment: 'staging', confirm: false }],
      // Feature flags: the server (and where the token goes) comes from the workspace's config.
      ['releaseManager.rampFlag', { flag: 'new-checkout', environment: 'production', to: 10, confirm: false }],
      ['releaseManager.killFlag', { flag: 'new-checkout', environment: 'production', confirm: false }],
    ];
    for (const [id, ...args] of refusals) {
      const shown = await catchToasts(() => Promise.resolve(vscode.commands.executeCommand(id, ...args)));
      const toast = shown.find((s) => /Restricted Mode/.test(s.message));
      assert.ok(toast, `${id} tells why: ${JSON.stringify(shown)}`);
      assert.ok(toast.items.includes('Manage Workspace Trust'), `${id} offers Manage Workspace Trust: ${JSON.stringify(toast)}`);
    }
  });

  it('says command gates need trust because this config has one', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    const view = a.gates.view();
    assert.ok(view.gates.some((g) => g.kind === 'command'));
    assert.match(restrictedNote(view) ?? '', /command gates require trust/);
    assert.equal(restrictedNote({ ...view, gates: view.gates.filter((g) => g.kind !== 'command') }), null, 'no note without command gates');
  });
});
