import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { UsageError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/ports';
import { ChecklistViewProvider, type ChecklistActions } from '../../../src/vscode/checklist/checklistView';
import { reportError } from '../../../src/vscode/runCommand';
import { poll } from '../../helpers/poll';
import { api, labelOf, treeRows, workspaceRoot } from './helpers';

const MARKER = join(tmpdir(), 'release-manager-smoke.marker');

describe('readiness gates and the checklist (trusted workspace)', () => {
  before(() => rmSync(MARKER, { force: true }));

  it('validates every gate: the pending QA sign-off makes it NO-GO, and the command gate runs', async () => {
    const a = await api();
    const verdict = (await vscode.commands.executeCommand('releaseManager.validateGates')) as { decision: string; summary: string };
    assert.equal(verdict.decision, 'NO-GO');
    assert.match(verdict.summary, /QA sign-off/);
    assert.equal(a.gates.result('smoke')?.status, 'pass', a.gates.result('smoke')?.reason);
    assert.ok(existsSync(MARKER), 'the command gate ran in the trusted workspace');
    assert.equal(a.gates.result('no-fixups')?.status, 'fail');
    const rows = await treeRows(a, 2);
    const v = rows.find((r) => r.node.kind === 'verdict');
    assert.ok(v, 'the tree shows the verdict');
    assert.equal(labelOf(v.item), 'NO-GO');
    assert.deepEqual(rows.filter((r) => r.node.kind === 'gate').map((r) => labelOf(r.item)), ['QA sign-off']);
  });

  it('turns GO when the manual gate is signed off, with who and when, recorded in the repository for the team', async () => {
    const a = await api();
    const file = join(workspaceRoot(), '.release-manager', 'signoffs.json');
    try {
      await a.gates.signOff('qa', 'regression suite green', 'Tess Ter <tess@example.com>');
      assert.equal(a.gates.verdict?.decision, 'GO', a.gates.verdict?.summary);
      const row = a.gates.view().gates.find((g) => g.id === 'qa')!;
      assert.equal(row.status, 'pass');
      assert.equal(row.signOff?.who, 'Tess Ter <tess@example.com>');
      assert.match(row.signOff?.when ?? '', /^\d{4}-\d{2}-\d{2}T/);
      // The record the CLI, CI and a teammate's editor read, not this editor's private state.
      const recorded = JSON.parse(readFileSync(file, 'utf8')) as { signOffs: { version: string; gateId: string; who: string; note?: string }[] };
      assert.deepEqual(
        recorded.signOffs.map((s) => [s.version, s.gateId, s.who, s.note]),
        [['0.3.0', 'qa', 'Tess Ter <tess@example.com>', 'regression suite green']],
      );
      await a.gates.revokeSignOff('qa', 'Tess Ter <tess@example.com>');
      assert.equal(a.gates.verdict?.decision, 'NO-GO');
      assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as { signOffs: unknown[] }).signOffs, []);
    } finally {
      rmSync(join(workspaceRoot(), '.release-manager'), { recursive: true, force: true });
    }
  });

  it("sees a teammate's sign-off that a pull brought into the repository's sign-off file", async () => {
    const a = await api();
    const dir = join(workspaceRoot(), '.release-manager');
    mkdirSync(dir, { recursive: true });
    try {
      const entry = { version: '0.3.0', gateId: 'qa', who: 'Quinn Ay <quinn@example.com>', when: '2026-01-02T03:04:05.000Z', note: '<img src=x onerror=alert(1)>' };
      writeFileSync(join(dir, 'signoffs.json'), JSON.stringify({ signOffs: [entry] }));
      await a.gates.run({ only: ['qa'] });
      const row = a.gates.view().gates.find((g) => g.id === 'qa')!;
      assert.equal(row.status, 'pass', row.reason);
      assert.equal(row.signOff?.who, 'Quinn Ay <quinn@example.com>');
      assert.equal(row.signOff?.note, '<img src=x onerror=alert(1)>', 'the note is data, rendered as text by the webview');
      assert.equal(a.gates.verdict?.decision, 'GO', a.gates.verdict?.summary);
      // Revoking is for the signer: another person's sign-off stays, and the refusal says how to remove it.
      await assert.rejects(a.gates.revokeSignOff('qa', 'Tess Ter <tess@example.com>'), /no sign-off of "qa".*signed off by Quinn Ay/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await a.gates.run({ only: ['qa'] });
    }
    assert.equal(a.gates.result('qa')?.status, 'pending');
  });

  it('scores the risk on a run of every gate and keeps the panel on a one-gate re-run (no git diffs or GitHub calls for it)', async () => {
    const a = await api();
    await poll('no automatic re-judge pending', () => a.gates.current, { timeoutMs: 20_000 });
    const before = a.gates.riskReads;
    await a.gates.run({ includeCommands: false });
    assert.equal(a.gates.riskReads, before + 1, 'a run of every gate scores the risk');
    const panel = a.gates.view().risk;
    assert.ok(panel && typeof panel !== 'string', `the risk panel: ${String(panel)}`);
    // The demo config has no risk gate: re-running one other gate (Re-run Gate, a sign-off) keeps the panel as it is.
    assert.ok(!(a.model.find(workspaceRoot())?.config?.gates ?? a.model.repositories[0]?.config?.gates ?? []).some((g) => g.kind === 'risk'));
    await a.gates.run({ only: ['no-fixups'] });
    await vscode.commands.executeCommand('releaseManager.rerunGate', { kind: 'gate', result: { id: 'release-branch' } });
    await poll('no automatic re-judge pending', () => a.gates.current, { timeoutMs: 20_000 });
    assert.equal(a.gates.riskReads, before + 1, 'a one-gate re-run does not score the risk again');
    assert.deepEqual(a.gates.view().risk, panel, 'the last panel stays');
    await a.gates.run({ includeCommands: false });
    assert.equal(a.gates.riskReads, before + 2, 'Re-run all scores it again');
  });

  it('records the decision in the decision log only on request, with the gate results', async () => {
    const a = await api();
    const file = join(workspaceRoot(), 'docs', 'RELEASE-DECISIONS.md');
    assert.equal(existsSync(file), false, 'nothing is written without the user');
    await a.gates.signOff('qa', 'ok', 'Tess Ter <tess@example.com>');
    try {
      const written = (await vscode.commands.executeCommand('releaseManager.recordDecision', { why: 'QA green, rollback plan ready', confirm: false })) as string;
      assert.equal(written, file);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^# Release decisions/);
      assert.match(text, /## GO — 0\.3\.0 — \d{4}-/);
      assert.match(text, /- Why: QA green, rollback plan ready/);
      assert.match(text, /\*\*QA sign-off\*\*: Tess Ter &lt;tess@example\.com&gt;/);
      assert.ok(!text.includes('<img'), 'hostile commit text stays inert in the log');
    } finally {
      rmSync(join(workspaceRoot(), 'docs'), { recursive: true, force: true });
      await a.gates.revokeSignOff('qa', 'Tess Ter <tess@example.com>');
      rmSync(join(workspaceRoot(), '.release-manager'), { recursive: true, force: true });
    }
  });

  it('rejects every message that is not exactly one of the protocol (fuzzing)', async () => {
    const a = await api();
    const before = a.checklist.rejected;
    const hostile: unknown[] = [
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'rerun', gateId: '../../etc' },
      { type: 'signOff', gateId: 'qa', note: 'x', extra: true },
      { type: 'signOff', gateId: 'qa' },
      { type: 'signOff', gateId: 'qa', note: 'x'.repeat(501) },
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
      JSON.parse('{"type":"fix","gateId":"qa","constructor":{"prototype":{"polluted":true}}}'),
      { type: 'fix', gateId: 'x'.repeat(600_000) },
      null,
      'ready',
      42,
      [],
    ];
    for (const m of hostile) await a.checklist.receive(m);
    assert.equal(a.checklist.rejected - before, hostile.length);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('serves the webview with a strict CSP and a fresh nonce per render', () => {
    return api().then((a) => {
      const bundle = vscode.Uri.file('/ext/dist/webview');
      const fake = { cspSource: 'https://webview.example', asWebviewUri: (u: vscode.Uri) => u } as unknown as vscode.Webview;
      const one = a.checklist.html(fake, bundle);
      const two = a.checklist.html(fake, bundle);
      const csp = /content="([^"]+)"/.exec(one)![1]!;
      assert.match(csp, /^default-src 'none';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      const nonce = (html: string) => /script-src 'nonce-([^']+)'/.exec(html)![1];
      assert.notEqual(nonce(one), nonce(two));
      assert.doesNotMatch(one, /\son[a-z]+=/i, 'no inline event handlers');
      assert.equal((one.match(/<script/g) ?? []).length, 1);
      assert.match(one, new RegExp(`<script nonce="${nonce(one)!.replace(/[+/=]/g, '\\$&')}" src=`));
    });
  });

  it('reports a message that fails in the host through the commands\' error funnel (redacted; refusals without a stack)', async () => {
    const a = await api();
    const token = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
    const lines: { level: string; text: string }[] = [];
    const log: Logger = {
      debug: (text) => lines.push({ level: 'debug', text }),
      info: (text) => lines.push({ level: 'info', text }),
      warn: (text) => lines.push({ level: 'warn', text }),
      error: (text) => lines.push({ level: 'error', text }),
    };
    const actions: ChecklistActions = {
      fix: async () => {
        throw new UsageError(`docs/${token}.md does not exist in the repository.`, 'Create it.');
      },
      signOff: async () => {
        throw new TypeError('a fault in the host');
      },
      revokeSignOff: async () => {},
      answerRisk: async () => {},
      recordDecision: async () => {},
    };
    const provider = new ChecklistViewProvider(vscode.Uri.file('/ext'), a.gates, actions, log, (source, e) => reportError(source, e, log));
    try {
      await provider.receive({ type: 'fix', gateId: 'qa' });
      await provider.receive({ type: 'signOff', gateId: 'qa', note: 'ok' });
      const fix = lines.find((l) => l.text.startsWith('checklist.fix:'));
      assert.ok(fix, JSON.stringify(lines));
      assert.equal(fix.level, 'warn');
      assert.ok(!fix.text.includes(token), fix.text);
      assert.doesNotMatch(fix.text, /\n\s+at /, 'an expected refusal is logged without a stack');
      const signOff = lines.find((l) => l.text.startsWith('checklist.signOff:'));
      assert.ok(signOff, JSON.stringify(lines));
      assert.equal(signOff.level, 'error');
      assert.match(signOff.text, /a fault in the host\n\s+at /, 'a fault is logged with its stack');
      assert.equal(provider.rejected, 0, 'valid messages are not counted as rejected');
    } finally {
      provider.dispose();
    }
    // The real checklist: a sign-off of a gate that is not manual is a refusal, not a crash.
    await a.checklist.receive({ type: 'signOff', gateId: 'no-such-gate', note: 'x' });
  });
});
