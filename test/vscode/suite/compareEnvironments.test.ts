// Compare with… inside the real extension host: two command environments whose deployments are in
// the local history (the git directory), compared from an environment row of the tree and by name.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { LocalDeployHistory } from '../../../src/node/localDeployHistory';
import type { CompareResult } from '../../../src/vscode/deploy/compareCommand';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, git, labelOf, treeRows, workspaceRoot } from './helpers';

describe('Compare environments (what one runs and the other does not)', function () {
  this.timeout(120_000);
  let root: string;
  let repo: LocalGitRepo;
  let files: { restore(): void };

  before(async () => {
    const a = await api();
    root = workspaceRoot();
    repo = await LocalGitRepo.open(root);
    files = snapshotFiles(root, ['.release-manager.json']);
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as Record<string, unknown>;
    const env = (name: string) => ({ name, provider: { kind: 'command', argv: [process.execPath, '-e', '0'] }, protection: { gates: [] } });
    config.deploy = { environments: [env('cmp-staging'), env('cmp-prod'), env('cmp-qa')] };
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    const history = new LocalDeployHistory(repo.gitCommonDir);
    for (const [environment, tag] of [['cmp-prod', 'v0.1.0'], ['cmp-staging', 'v0.1.1']] as const) {
      const sha = git(root, 'rev-parse', `${tag}^{commit}`);
      await history.started({ environment, sha, ref: tag, version: tag.slice(1), weight: null, provider: 'command', correlationId: `cmp-${environment}`, executionId: `x-${environment}`, operation: 'deploy', step: 1 });
      await history.finished(environment, `x-${environment}`, 'success', 'deployed');
    }
    await poll('the config with the compare environments is read', async () => {
      await a.settled();
      return a.model.find(root)?.config?.deploy?.environments[0]?.name === 'cmp-staging';
    });
    a.deployView.invalidate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    files.restore();
    rmSync(join(repo.gitCommonDir, 'release-manager', 'deployments'), { recursive: true, force: true });
    (await api()).deployView.invalidate();
  });

  it('compares from an environment row: both sides with version and commit, the changes by notes section, read-only', async () => {
    const a = await api();
    const row = await poll('the cmp-staging row', async () => {
      a.deployView.invalidate();
      return (await treeRows(a, 2)).find((r) => r.node.kind === 'environment' && labelOf(r.item) === 'cmp-staging');
    });
    const result = (await vscode.commands.executeCommand('releaseManager.compareEnvironments', { ...row.node, toEnvironment: 'cmp-prod' })) as CompareResult;
    assert.ok(result, 'the command returns the compare');
    const text = result.document.getText();
    const staging = git(root, 'rev-parse', 'v0.1.1^{commit}');
    const prod = git(root, 'rev-parse', 'v0.1.0^{commit}');
    assert.match(text, /^# cmp-staging compared with cmp-prod\n/);
    assert.ok(text.includes(`- **cmp-staging**: 0.1.1 at [${staging.slice(0, 7)}](https://github.com/acme/demo/commit/${staging}) (\`${staging}\`)`), text);
    assert.ok(text.includes(`- **cmp-prod**: 0.1.0 at [${prod.slice(0, 7)}]`), text);
    assert.match(text, /## In cmp-staging, not in cmp-prod \(\d+ changes?\)\n\n### Bug Fixes\n\n- \*\*api:\*\* paging off by one/);
    assert.match(text, /## In cmp-prod, not in cmp-staging \(0 changes\)\n\n_None\._/);
    assert.equal(result.document.uri.scheme, 'release-manager-compare');
    assert.equal(result.document.languageId, 'markdown');
    assert.equal(result.compare.onlyA?.range.toHash, staging);
  });

  it('compares the other way by name, and refuses an environment never deployed', async () => {
    await api();
    const result = (await vscode.commands.executeCommand('releaseManager.compareEnvironments', { root, environment: 'cmp-prod', toEnvironment: 'cmp-staging' })) as CompareResult;
    assert.match(result.document.getText(), /## In cmp-prod, not in cmp-staging \(0 changes\)[\s\S]*## In cmp-staging, not in cmp-prod \(\d+ changes?\)/);
    const refused = await vscode.commands.executeCommand('releaseManager.compareEnvironments', { root, environment: 'cmp-prod', toEnvironment: 'cmp-qa' });
    assert.equal(refused, undefined, 'cmp-qa has no deployment: reported as a message');
  });
});
