import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/tree/nodes';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, labelOf, workspaceRoot } from './helpers';

// The Flags node against a REAL Unleash (unleash-server on PostgreSQL), started by scripts/vscode-test/inHost.mjs
// before code-server (scripts/unleash.mjs) and passed in through RELEASE_MANAGER_TEST_UNLEASH_URL / _TOKEN.
// Skipped only when the run says so explicitly (RELEASE_MANAGER_TEST_UNLEASH=skip).
const URL_ = process.env.RELEASE_MANAGER_TEST_UNLEASH_URL;
const TOKEN = process.env.RELEASE_MANAGER_TEST_UNLEASH_TOKEN;
const FLAG = 'new-checkout';
const ENV = 'production';
const GATE = 'checkout-dark';

/** The Admin API, read and written directly (not through the extension's adapter): what the server really holds. */
async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${URL_}${path}`, { method, headers: { authorization: TOKEN!, 'content-type': 'application/json', accept: 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Enabled and the flexibleRollout percent of the flag in the environment, as the server holds them. */
async function serverState(): Promise<{ enabled: boolean; rollout: number | null }> {
  const f = (await admin('GET', `/api/admin/projects/default/features/${FLAG}`)) as { environments: { name: string; enabled: boolean; strategies?: { name: string; parameters?: Record<string, string> }[] }[] };
  const e = f.environments.find((x) => x.name === ENV)!;
  const s = e.strategies?.find((x) => x.name === 'flexibleRollout');
  return { enabled: e.enabled, rollout: s?.parameters?.rollout !== undefined ? Number(s.parameters.rollout) : null };
}

/** A port nobody listens on (the server down). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The rows under Flags → ENV (expanding them, as a user does), with their items. */
async function flagRows(a: ReleaseManagerApi, root: string): Promise<{ node: Node; item: vscode.TreeItem }[]> {
  const top = (await a.tree.getChildren(undefined)) ?? [];
  const flags = top.find((n) => n.kind === 'flags');
  assert.ok(flags, `a Flags node among ${top.map((n) => n.kind).join(', ')}`);
  const envs = (await a.tree.getChildren(flags)) ?? [];
  const env = envs.find((n) => n.kind === 'flagEnvironment' && n.environment === ENV);
  if (!env) return envs.map((node) => ({ node, item: a.tree.getTreeItem(node) }));
  assert.equal(env.root, root);
  return ((await a.tree.getChildren(env)) ?? []).map((node) => ({ node, item: a.tree.getTreeItem(node) }));
}

/** Answers the next input boxes with `answers` (VS Code refuses dialogs while extension tests run). */
async function withInputs<T>(answers: string[], body: () => Promise<T>): Promise<{ result: T; asked: vscode.InputBoxOptions[] }> {
  const w = vscode.window as unknown as { showInputBox: unknown };
  const saved = w.showInputBox;
  const asked: vscode.InputBoxOptions[] = [];
  w.showInputBox = async (options: vscode.InputBoxOptions) => {
    asked.push(options);
    return answers.shift();
  };
  try {
    return { result: await body(), asked };
  } finally {
    w.showInputBox = saved;
  }
}

describe('Flags node (real Unleash)', function () {
  this.timeout(120_000);
  let a: ReleaseManagerApi;
  let root: string;
  let files: { restore(): void };

  const writeConfig = async (url: string | null, deployStage = false) => {
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as Record<string, unknown>;
    delete config.flags;
    // A flag gate: "new-checkout is off in production before the release".
    const gates = ((config.gates as { id: string }[] | undefined) ?? []).filter((g) => g.id !== GATE);
    config.gates = url === null ? gates : [...gates, { id: GATE, kind: 'flag', flag: FLAG, environment: ENV, expect: { enabled: false } }];
    if (url !== null) config.flags = { provider: { kind: 'unleash', url, project: 'default', tokenEnv: 'UNLEASH_ADMIN_TOKEN' }, rollouts: [{ flag: FLAG, environment: ENV, steps: [1, 10, 50, 100], hold: '1s', ...(deployStage ? { afterDeploy: 'flag-prod' } : {}) }] };
    // A deploy environment whose plan ends with the flag stage (a local command that succeeds).
    if (deployStage) config.deploy = { environments: [{ name: 'flag-prod', provider: { kind: 'command', argv: [process.execPath, '-e', '0'] }, protection: { gates: [] } }] };
    else delete config.deploy;
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    await poll('the extension reads the flags config', async () => {
      await a.settled();
      const flags = a.model.find(root)?.config?.flags;
      return url === null ? flags === undefined : flags?.provider.url === url && (flags.rollouts[0]?.afterDeploy !== undefined) === deployStage;
    }, { timeoutMs: 60_000 }); // a loaded machine (parallel test runs) can take a while to re-read the config
  };

  before(async function () {
    if (!URL_ || !TOKEN) {
      assert.equal(process.env.RELEASE_MANAGER_TEST_UNLEASH, 'skip', 'no Unleash was started for this run (scripts/vscode-test/inHost.mjs starts one unless RELEASE_MANAGER_TEST_UNLEASH=skip)');
      this.skip();
    }
    a = await api();
    root = workspaceRoot();
    files = snapshotFiles(root, ['.release-manager.json', a.model.find(root)?.config?.decisionLog ?? 'RELEASE-DECISIONS.md']);
    // The flag exists, on at 10% in production (set straight through the Admin API).
    await admin('POST', '/api/admin/projects/default/features', { name: FLAG, type: 'release' }).catch((e: Error) => {
      if (!/409|already exists|exists/i.test(e.message)) throw e;
    });
    await admin('POST', `/api/admin/projects/default/features/${FLAG}/environments/${ENV}/strategies`, { name: 'flexibleRollout', parameters: { rollout: '10', stickiness: 'default', groupId: FLAG } });
    await admin('POST', `/api/admin/projects/default/features/${FLAG}/environments/${ENV}/on`);
    assert.deepEqual(await serverState(), { enabled: true, rollout: 10 });
  });

  after(async () => {
    if (!files) return;
    files.restore();
    rmSync(join(root, '.git', 'release-manager', 'journal'), { recursive: true, force: true });
    rmSync(join(root, '.git', 'release-manager', 'deployments'), { recursive: true, force: true });
    await poll('the original config is back', async () => {
      await a.settled();
      return a.model.find(root)?.config?.flags === undefined;
    });
  });

  it('shows guidance with Add Feature Flags to Config when the config has no flags section', async () => {
    await writeConfig(null);
    const rows = await flagRows(a, root);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.node.kind, 'message');
    assert.match(labelOf(rows[0]!.item), /No feature flags configured/);
    assert.equal(rows[0]!.item.command?.command, 'releaseManager.addFlagsConfig');
    // The guidance's command inserts an example as an edit to review (not saved behind the user's back).
    const editor = (await vscode.commands.executeCommand('releaseManager.addFlagsConfig', { root })) as vscode.TextEditor | undefined;
    assert.ok(editor, 'the config is shown');
    try {
      const edited = JSON.parse(editor.document.getText()) as { flags?: { provider?: { kind?: string } }; tagFormat?: string };
      assert.equal(edited.flags?.provider?.kind, 'unleash');
      assert.equal(editor.document.isDirty, true, 'an unsaved edit');
      assert.equal(readFileSync(join(root, '.release-manager.json'), 'utf8').includes('"flags"'), false, 'nothing written to disk');
    } finally {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('asks for the token (a password box), then shows the flag as the server holds it: on, 10%, who changed it', async () => {
    await writeConfig(URL_!);
    const before = await flagRows(a, root);
    assert.equal(before[0]!.node.kind, 'message', 'no token yet: a message, not an empty list');
    assert.equal(before[0]!.item.command?.command, 'releaseManager.setFlagToken');
    const { result, asked } = await withInputs([TOKEN!], async () => vscode.commands.executeCommand('releaseManager.setFlagToken', { root }));
    assert.equal(result, true);
    assert.equal(asked[0]?.password, true, 'the token is typed into a password box');
    assert.match(String(asked[0]?.title), /127\.0\.0\.1/);
    const row = await poll('the flag row', async () => (await flagRows(a, root)).find((r) => r.node.kind === 'flag'));
    assert.equal(labelOf(row.item), FLAG);
    // Who changed it and when: the Admin API token's user, from Unleash's event log, moments ago.
    assert.match(String(row.item.description), /^on · 10% · .+, (just now|\d+ min ago) \(\d\d:\d\d\)$/);
    assert.equal(row.item.contextValue, 'flag.on');
    assert.match(String(row.item.tooltip), /Configured ramp: 1% → 10% → 50% → 100%, hold 1s/);
    // The checklist's flag gate reads the same server: the flag is on, so "off in production" fails.
    await a.gates.run({ only: [GATE] });
    assert.equal(a.gates.result(GATE)?.status, 'fail', a.gates.result(GATE)?.reason);
    assert.match(a.gates.result(GATE)?.reason ?? '', /new-checkout in production should be off, but it is on \(on at 10%\)/);
  });

  it('sets a percentage now (Ramp Up with to) and reads it back; the tree follows', async () => {
    const result = (await vscode.commands.executeCommand('releaseManager.rampFlag', { root, flag: FLAG, environment: ENV, to: 50, confirm: false })) as { kind: string } | undefined;
    assert.equal(result?.kind, 'done');
    assert.deepEqual(await serverState(), { enabled: true, rollout: 50 });
    await poll('the row shows 50%', async () => /^on · 50%/.test(String((await flagRows(a, root)).find((r) => r.node.kind === 'flag')?.item.description)));
  });

  it('Kill Switch turns the flag off on the server, reads it back and records it in the decision log', async () => {
    const row = (await flagRows(a, root)).find((r) => r.node.kind === 'flag')!;
    // A tree row's argument plus confirm: false (the modal cannot be answered in a test).
    const result = (await vscode.commands.executeCommand('releaseManager.killFlag', { ...(row.node as object), confirm: false })) as { kind: string } | undefined;
    assert.equal(result?.kind, 'killed');
    assert.equal((await serverState()).enabled, false);
    const log = readFileSync(join(root, a.model.find(root)!.config!.decisionLog), 'utf8');
    assert.match(log, /## FLAG KILL — new\\?-checkout in production — /);
    await poll('the row shows off', async () => (await flagRows(a, root)).find((r) => r.node.kind === 'flag')?.item.contextValue === 'flag.off');
    await a.gates.run({ only: [GATE] });
    assert.equal(a.gates.result(GATE)?.status, 'pass', a.gates.result(GATE)?.reason);
  });

  it('Ramp Up runs the configured ramp 1 → 10 → 50 → 100, each step read back and held, and shows it on the row while it runs', async () => {
    const seen = new Set<string>();
    const watch = a.flagsView.onDidChange(() => {
      const t = a.flagsView.runningText(root, FLAG, ENV);
      if (t !== undefined) seen.add(t.replace(/\d+:\d{2} left/, 'N left'));
    });
    try {
      const result = (await vscode.commands.executeCommand('releaseManager.rampFlag', { root, flag: FLAG, environment: ENV, confirm: false })) as { kind: string; journal: { steps: { percent: number; status: string }[] } } | undefined;
      assert.equal(result?.kind, 'done', JSON.stringify(result));
      assert.deepEqual(result.journal.steps.map((st) => `${st.percent}:${st.status}`), ['1:passed', '10:passed', '50:passed', '100:passed']);
    } finally {
      watch.dispose();
    }
    assert.deepEqual(await serverState(), { enabled: true, rollout: 100 });
    assert.ok([...seen].some((t) => /^step 2\/4 · 10% · holding, N left · no health checks$/.test(t)), [...seen].join('\n'));
    assert.equal(a.flagsView.runningText(root, FLAG, ENV), undefined, 'the row no longer says running');
  });

  it('Open in Unleash opens the flag\'s page on the configured server (no token in it)', async () => {
    const row = (await flagRows(a, root)).find((r) => r.node.kind === 'flag')!;
    const env = vscode.env as unknown as { openExternal: unknown };
    const saved = env.openExternal;
    const opened: string[] = [];
    env.openExternal = async (uri: vscode.Uri) => (opened.push(uri.toString(true)), true);
    try {
      await vscode.commands.executeCommand('releaseManager.openFlagInUnleash', row.node);
    } finally {
      env.openExternal = saved;
    }
    assert.deepEqual(opened, [`${URL_}/projects/default/features/${FLAG}?environment=${ENV}`]);
    assert.doesNotMatch(opened[0]!, new RegExp(TOKEN!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // The page exists on the server.
    assert.equal((await fetch(opened[0]!)).status, 200);
  });

  it('Deploy… runs the plan\'s flag stage (afterDeploy) after the code is deployed: the flag ramps to 100%', async () => {
    await writeConfig(URL_!, true);
    await admin('POST', `/api/admin/projects/default/features/${FLAG}/environments/${ENV}/off`);
    assert.equal((await serverState()).enabled, false);
    const journal = (await vscode.commands.executeCommand('releaseManager.deploy', { root, environment: 'flag-prod', ref: 'v0.2.0', confirm: false })) as { state: string } | undefined;
    assert.ok(journal, 'deployed');
    assert.deepEqual(await serverState(), { enabled: true, rollout: 100 });
    await writeConfig(URL_!);
  });

  it('names a refused token as the cause, with Set Unleash Token as the fix (never an empty list)', async () => {
    await withInputs(['*:*.not-a-real-token'], async () => vscode.commands.executeCommand('releaseManager.setFlagToken', { root }));
    const rows = await poll('a message row', async () => {
      const r = await flagRows(a, root);
      return r[0]?.node.kind === 'message' ? r : undefined;
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.item.command?.command, 'releaseManager.setFlagToken');
    assert.match(labelOf(rows[0]!.item), /token/i);
    assert.doesNotMatch(labelOf(rows[0]!.item), /not-a-real-token/, 'the token is never shown');
  });

  it('names a server that does not answer, with Open Config as the fix', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await writeConfig(url);
    await withInputs([TOKEN!], async () => vscode.commands.executeCommand('releaseManager.setFlagToken', { root }));
    const rows = await poll('a message row', async () => {
      const r = await flagRows(a, root);
      return r[0]?.node.kind === 'message' ? r : undefined;
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.item.command?.command, 'releaseManager.openConfig');
    await a.gates.run({ only: [GATE] });
    assert.equal(a.gates.result(GATE)?.status, 'unknown', 'the server down: unknown (fail closed), never pass');
    assert.ok(labelOf(rows[0]!.item).includes(url.replace('http://', '')) || labelOf(rows[0]!.item).includes(url), labelOf(rows[0]!.item));
  });
});
