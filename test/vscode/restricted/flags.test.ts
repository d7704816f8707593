import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import { poll } from '../../helpers/poll';
import { extensionUnderTest } from '../manifest';

// An untrusted folder whose config names a flag server: nothing is sent to it (no state read, no token used).
describe('Restricted Mode: feature flags', function () {
  this.timeout(120_000);

  it('reads no flag state: the Flags node asks for trust, the flag gate is unknown, and the server gets no request', async () => {
    const a = (await extensionUnderTest().activate()) as ReleaseManagerApi;
    await a.settled();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = join(root, '.release-manager.json');
    const original = readFileSync(file, 'utf8');
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const config = JSON.parse(original) as { gates?: unknown[] } & Record<string, unknown>;
      config.gates = [...(config.gates ?? []), { id: 'checkout-dark', kind: 'flag', flag: 'new-checkout', environment: 'production', expect: { enabled: false } }];
      config.flags = { provider: { kind: 'unleash', url }, rollouts: [{ flag: 'new-checkout', environment: 'production' }] };
      writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
      // A window opened a moment ago may not have its file watcher running yet: Refresh, as a user would.
      await vscode.commands.executeCommand('releaseManager.refresh');
      await poll('the flags config is read', async () => {
        await a.settled();
        return a.model.find(root)?.config?.flags?.provider.url === url;
      }, { timeoutMs: 60_000 });
      const flags = ((await a.tree.getChildren(undefined)) ?? []).find((n) => n.kind === 'flags');
      assert.ok(flags, 'a Flags node');
      const kids = (await a.tree.getChildren(flags)) ?? [];
      assert.equal(kids.length, 1);
      const item = a.tree.getTreeItem(kids[0]!);
      assert.match(String(item.label), /read only in a trusted workspace/);
      assert.equal(item.command?.command, 'workbench.trust.manage');
      await a.gates.run({ only: ['checkout-dark'] });
      assert.equal(a.gates.result('checkout-dark')?.status, 'unknown');
      assert.match(a.gates.result('checkout-dark')?.reason ?? '', /requires trust/);
      assert.deepEqual(requests, [], 'no request reached the flag server');
    } finally {
      writeFileSync(file, original);
      server.close();
      await vscode.commands.executeCommand('releaseManager.refresh');
      // Later suites start from the original config.
      await poll('the original config is back', async () => {
        await a.settled();
        return a.model.find(root)?.config?.flags === undefined;
      }, { timeoutMs: 60_000 });
    }
  });
});
