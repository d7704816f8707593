import * as assert from 'node:assert/strict';
import { fixOf, recordDecisionState, restrictedNote } from '../../../src/shared/checklistRows';
import { checklistState, toWebview, type ChecklistState, type GateView } from '../../../src/shared/protocol';

const gate = (over: Partial<GateView>): GateView => ({ id: 'g', title: 'G', kind: 'upToDate', required: true, status: 'fail', reason: 'r', canFix: false, manual: false, ...over });
const state = (over: Partial<ChecklistState>): ChecklistState => ({ repo: 'demo', version: null, trusted: true, running: false, gates: [], verdict: { decision: 'NO-GO', summary: 'x' }, notice: null, ...over });

describe('the checklist rows (shared by the webview)', () => {
  it('shows the fix the CLI prints for every failing, pending, unknown or warning gate, even without an action', () => {
    const label = 'Push it with an upstream: git push -u origin main';
    for (const status of ['fail', 'pending', 'unknown', 'warn'] as const) {
      assert.deepEqual(fixOf(gate({ status, fixLabel: label })), { text: label, button: null }, status);
    }
  });

  it('adds a button where the host can do the fix, labelled by what it does', () => {
    assert.deepEqual(fixOf(gate({ fixLabel: 'Open CHANGELOG.md and add the 0.3.0 section', canFix: true, fixAction: 'openFile' })), { text: 'Open CHANGELOG.md and add the 0.3.0 section', button: 'Open the file' });
    assert.deepEqual(fixOf(gate({ status: 'unknown', fixLabel: 'Run it again, or raise its timeoutMs', canFix: true, fixAction: 'openConfig' })).button, 'Open the config');
    assert.deepEqual(fixOf(gate({ fixLabel: 'Show the output', canFix: true, fixAction: 'showOutput' })).button, 'Show the output');
  });

  it('offers "Send notice now" on a failing notice gate', () => {
    const label = 'Send notice now: release-manager announce --version 1.1.0 --stage notice --at <deploy time> --audience external --send';
    assert.deepEqual(fixOf(gate({ kind: 'notice', fixLabel: label, canFix: true, fixAction: 'sendNotice' })), { text: label, button: 'Send notice now' });
    assert.equal(toWebview().safeParse({ type: 'state', state: state({ gates: [gate({ kind: 'notice', fixLabel: label, canFix: true, fixAction: 'sendNotice' })] }) }).success, true);
  });

  it('keeps a passing gate\'s convenience action as a button and shows no fix text for it', () => {
    assert.deepEqual(fixOf(gate({ status: 'pass', fixLabel: 'Open CHANGELOG.md', canFix: true, fixAction: 'openFile' })), { text: null, button: 'Open CHANGELOG.md' });
    assert.deepEqual(fixOf(gate({ status: 'pass', fixLabel: 'nothing to do' })), { text: null, button: null });
  });

  it('leaves manual gates to their sign-off controls', () => {
    assert.deepEqual(fixOf(gate({ kind: 'manual', manual: true, status: 'pending', fixLabel: 'Sign off: QA', canFix: true, fixAction: 'signOff' })), { text: null, button: null });
  });

  it('carries hostile fix text through the protocol unchanged, as text for textContent', () => {
    const hostile = '<img src=x onerror=alert(1)> `rm -rf` $(id) javascript:alert(1)';
    const s = state({ gates: [gate({ fixLabel: hostile, fixAction: 'openFile', canFix: true })] });
    const parsed = toWebview().parse({ type: 'state', state: s });
    assert.equal(fixOf(parsed.state.gates[0]!).text, hostile);
    assert.equal(checklistState().safeParse({ ...s, gates: [{ ...s.gates[0], fixAction: 'runCommand' }] }).success, false, 'only the known fix actions cross');
  });

  it('says command gates need trust only where the config has command gates', () => {
    const command = gate({ id: 'smoke', kind: 'command', status: 'notRun' });
    assert.equal(restrictedNote(state({ trusted: false, gates: [gate({})] })), null);
    assert.equal(restrictedNote(state({ trusted: false, gates: [] })), null);
    assert.match(restrictedNote(state({ trusted: false, gates: [gate({}), command] })) ?? '', /command gates require trust/);
    assert.equal(restrictedNote(state({ trusted: true, gates: [command] })), null);
  });

  it('disables Record decision in Restricted Mode, with the reason', () => {
    const r = recordDecisionState(state({ trusted: false }));
    assert.equal(r.enabled, false);
    assert.match(r.reason ?? '', /Restricted Mode.*Trust this workspace/);
    assert.deepEqual(recordDecisionState(state({})), { enabled: true, reason: null });
    assert.equal(recordDecisionState(state({ verdict: null })).enabled, false);
  });
});
