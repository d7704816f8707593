import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, workspaceRoot } from './helpers';

// Deploy… and Roll Back… in the editor announce started / completed / rolled-back where
// `announce.onDeploy` asks for it, through the same deployAnnouncer as the CLI (a file channel here).
const ENV = 'announce-prod';

describe('Deploy announcements from the editor (announce.onDeploy)', function () {
  this.timeout(120_000);
  let a: ReleaseManagerApi;
  let root: string;
  let files: { restore(): void };

  const clean = () => {
    rmSync(join(root, 'release-announcements'), { recursive: true, force: true });
    for (const d of ['journal', 'deployments', 'announcements']) rmSync(join(root, '.git', 'release-manager', d), { recursive: true, force: true });
  };

  before(async () => {
    a = await api();
    root = workspaceRoot();
    files = snapshotFiles(root, ['.release-manager.json', a.model.find(root)?.config?.decisionLog ?? 'RELEASE-DECISIONS.md']);
    clean();
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as Record<string, unknown>;
    config.deploy = { environments: [{ name: ENV, provider: { kind: 'command', argv: [process.execPath, '-e', '0'] }, protection: { gates: [] } }] };
    config.announce = { channels: [{ kind: 'file', audiences: ['internal'] }], onDeploy: { environments: [ENV], audiences: ['internal'] } };
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    await poll('the extension reads announce.onDeploy', async () => {
      await a.settled();
      return a.model.find(root)?.config?.announce?.onDeploy?.environments.includes(ENV) === true;
    }, { timeoutMs: 60_000 });
  });

  after(async () => {
    if (!files) return;
    files.restore();
    clean();
    await poll('the original config is back', async () => {
      await a.settled();
      return a.model.find(root)?.config?.announce?.onDeploy === undefined;
    }, { timeoutMs: 60_000 });
  });

  it('a deploy writes the started and completed announcements once; a rollback announces the release it replaced as rolled back', async () => {
    const first = (await vscode.commands.executeCommand('releaseManager.deploy', { root, environment: ENV, ref: 'v0.1.1', confirm: false })) as { state: string } | undefined;
    assert.ok(first, 'the first deploy ran');
    const second = (await vscode.commands.executeCommand('releaseManager.deploy', { root, environment: ENV, ref: 'v0.2.0', confirm: false })) as { state: string } | undefined;
    assert.ok(second, 'the second deploy ran');
    const dir = join(root, 'release-announcements', '0.2.0');
    assert.ok(existsSync(dir), `announcements under ${dir}`);
    assert.deepEqual(readdirSync(dir).sort(), ['internal-completed.md', 'internal-started.md']);
    assert.match(readFileSync(join(dir, 'internal-completed.md'), 'utf8'), /0\.2\.0/);

    const back = (await vscode.commands.executeCommand('releaseManager.rollBack', { root, environment: ENV, confirm: false })) as { state: string } | undefined;
    assert.ok(back, 'the rollback ran');
    assert.ok(readdirSync(dir).includes('internal-rolled-back.md'), `a rolled-back announcement among ${readdirSync(dir).join(', ')}`);
  });
});
