import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import { extensionUnderTest } from '../manifest';

const MARKER = join(tmpdir(), 'release-manager-smoke.marker');

describe('Restricted Mode: gates', () => {
  before(() => rmSync(MARKER, { force: true }));

  it('runs no command gate, even when Validate Readiness Gates is invoked directly', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    const verdict = (await vscode.commands.executeCommand('releaseManager.validateGates')) as { decision: string } | null;
    assert.ok(verdict, 'the other gates still run');
    const smoke = a.gates.result('smoke');
    assert.ok(smoke, 'the command gate has a result');
    assert.notEqual(smoke.status, 'pass');
    assert.match(smoke.reason, /requires trust/);
    assert.equal(existsSync(MARKER), false, 'nothing was spawned');
    assert.equal(a.gates.view().trusted, false);
  });

  it('refuses to write the decision log', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const result = await vscode.commands.executeCommand('releaseManager.recordDecision', { why: 'x', confirm: false });
    assert.equal(result, undefined);
    assert.equal(existsSync(join(folder, 'docs', 'RELEASE-DECISIONS.md')), false);
    assert.ok(a);
  });

  it('ignores a workspace value of the restricted git.path setting', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await vscode.commands.executeCommand('releaseManager.refresh');
    await a.settled();
    assert.equal(a.model.viewState, 'ready', 'git from PATH is used, not the workspace value');
  });
});

describe('Restricted Mode: GitHub', () => {
  it('refuses to publish, before any sign-in or request', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    const result = await vscode.commands.executeCommand('releaseManager.publishRelease', { confirm: false });
    assert.equal(result, undefined);
    const resumed = await vscode.commands.executeCommand('releaseManager.resumePublish', undefined, { confirm: false });
    assert.equal(resumed, undefined);
  });

  it('refuses to deploy or roll back, before any sign-in or request', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    assert.equal(await vscode.commands.executeCommand('releaseManager.deploy', { environment: 'staging', ref: 'v0.2.0', confirm: false }), undefined);
    assert.equal(await vscode.commands.executeCommand('releaseManager.rollBack', { environment: 'staging', confirm: false }), undefined);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.equal(existsSync(join(folder, '.git', 'release-manager', 'journal')), false, 'no deploy journal was written');
  });

  it('ignores a workspace value of the restricted github.apiUrl setting: the token could go nowhere else', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const planted = JSON.parse(readFileSync(join(folder, '.vscode', 'settings.json'), 'utf8')) as Record<string, string>;
    assert.equal(planted['releaseManager.github.apiUrl'], 'https://api.github.com.attacker.example', 'the hostile folder sets it');
    const ref = await a.github.repoFor(folder, false);
    assert.equal(ref.apiUrl, 'https://api.github.com');
    assert.deepEqual([ref.owner, ref.repo], ['acme', 'demo']);
  });
});
