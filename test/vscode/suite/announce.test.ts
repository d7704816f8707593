// Release: Announce… inside the real extension host, on the demo repository with a file channel configured:
// the preview opens beside the editor, two sends write release-announcements/<version>/<audience>.md exactly
// once, and the Announcements section of the tree shows the notice with when it went out.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { fixOf } from '../../../src/shared/checklistRows';
import type { AnnounceOutcome } from '../../../src/vscode/announce/announceCommand';
import { SlackReceiver } from '../../helpers/announceServers';
import { snapshotFiles } from '../../helpers/deployFixtures';
import { poll } from '../../helpers/poll';
import { api, labelOf, treeRows, workspaceRoot } from './helpers';

describe('Release: Announce… (preview, send once, the tree)', function () {
  this.timeout(120_000);
  let root: string;
  let repo: LocalGitRepo;
  let files: { restore(): void };
  const plannedAt = new Date(Date.now() + 72 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const cleanOutputs = () => {
    rmSync(join(root, 'release-announcements'), { recursive: true, force: true });
    rmSync(join(repo.gitCommonDir, 'release-manager', 'announcements'), { recursive: true, force: true });
  };

  before(async () => {
    const a = await api();
    root = workspaceRoot();
    repo = await LocalGitRepo.open(root);
    files = snapshotFiles(root, ['.release-manager.json']);
    cleanOutputs();
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as Record<string, unknown>;
    config.announce = { channels: [{ kind: 'file', audiences: ['internal', 'external'] }] };
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    await poll('the config with a file channel is read', async () => {
      await a.settled();
      return a.model.find(root)?.config?.announce?.channels[0]?.kind === 'file';
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    files.restore();
    cleanOutputs();
    const a = await api();
    await poll('the original config is back', async () => {
      await a.settled();
      return a.model.find(root)?.config?.announce === undefined;
    });
  });

  it('shows the notice gate in the checklist, failing with the one-click fix Send notice now', async () => {
    const a = await api();
    await a.gates.run({ only: ['notice'] });
    const row = await poll('the notice gate row', () => a.gates.view().gates.find((g) => g.id === 'notice' && g.status !== 'running' && g.status !== 'notRun'));
    assert.equal(row.kind, 'notice');
    assert.equal(row.status, 'fail');
    assert.match(row.reason, /missing notice for internal, external/);
    assert.equal(row.fixAction, 'sendNotice');
    assert.equal(row.canFix, true);
    assert.deepEqual(fixOf(row).button, 'Send notice now');
    const fix = a.gates.result('notice')?.fix?.action;
    assert.ok(fix?.kind === 'sendNotice');
    assert.deepEqual([...fix.audiences].sort(), ['external', 'internal']);
  });

  it('opens the preview of a notice beside the editor as a webview, nothing sent', async () => {
    const outcome = (await vscode.commands.executeCommand('releaseManager.announce', { root, stage: 'notice', audiences: ['internal', 'external'], plannedAt })) as AnnounceOutcome;
    assert.ok(outcome, 'the command returns what it did');
    assert.equal(outcome.previewOpen, true);
    assert.equal(outcome.results, null);
    assert.match(outcome.version, /^\d+\.\d+\.\d+/);
    const tab = await poll('the preview tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === `Announce ${outcome.version} (notice)`),
    );
    assert.match((tab.input as vscode.TabInputWebview).viewType, /releaseManager\.announcePreview$/);
    assert.equal(existsSync(join(root, 'release-announcements')), false, 'a preview writes nothing');
  });

  it('sends each audience once: two sends write release-announcements/<version>/<audience>.md exactly once', async () => {
    const args = { root, stage: 'notice', audiences: ['internal', 'external'], plannedAt, preview: false, send: true, confirm: false };
    const first = (await vscode.commands.executeCommand('releaseManager.announce', args)) as AnnounceOutcome;
    assert.ok(first?.results, 'the first send returns its results');
    assert.deepEqual(first.results.map((r) => `${r.audience}:${r.channel}:${r.status}`).sort(), ['external:file:sent', 'internal:file:sent']);
    const file = (audience: string) => join(root, 'release-announcements', first.version, `${audience}.md`);
    const internal = readFileSync(file('internal'), 'utf8');
    assert.match(internal, new RegExp(first.version.replace(/\./g, '\\.')));
    const mtime = statSync(file('internal')).mtimeMs;

    const second = (await vscode.commands.executeCommand('releaseManager.announce', args)) as AnnounceOutcome;
    assert.deepEqual(second.results?.map((r) => `${r.audience}:${r.status}`).sort(), ['external:already-sent', 'internal:already-sent']);
    assert.equal(readFileSync(file('internal'), 'utf8'), internal, 'the file is not written again');
    assert.equal(statSync(file('internal')).mtimeMs, mtime);
    assert.equal(existsSync(file('support')), false, 'no channel receives support');
    const journal = JSON.parse(readFileSync(join(repo.gitCommonDir, 'release-manager', 'announcements', `${first.version}.json`), 'utf8')) as { records: { audience: string; state: string }[] };
    assert.deepEqual(journal.records.filter((r) => r.state === 'sent').map((r) => r.audience).sort(), ['external', 'internal'], 'one journaled delivery per audience');

    const a = await api();
    const row = await poll('the announced version in the tree', async () => (await treeRows(a, 3)).find((r) => r.node.kind === 'announcedVersion' && labelOf(r.item) === first.version));
    assert.match(String(row.item.description), /^notice to (internal, external|external, internal) · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    const deliveries = (await a.tree.getChildren(row.node)) ?? [];
    assert.deepEqual(deliveries.map((n) => labelOf(a.tree.getTreeItem(n))).sort(), ['notice → external', 'notice → internal']);

    // The checklist's notice gate recognises what the editor sent (same content hash): only the 48 hours are missing now.
    await a.gates.run({ only: ['notice'] });
    const gate = await poll('the notice gate judged again', () => a.gates.result('notice'));
    assert.equal(gate.status, 'fail');
    assert.match(gate.reason, /^notice not in time: .*notice sent 0 h ago; 48 hours missing/);
    assert.doesNotMatch(gate.reason, /other content|no notice sent/);
  });

  it('offers Announce… in the Announcements section when nothing was sent', async () => {
    cleanOutputs();
    const a = await api();
    const rows = await poll('the empty Announcements section', async () => {
      await vscode.commands.executeCommand('releaseManager.refresh');
      const all = await treeRows(a, 3);
      const section = all.find((r) => r.node.kind === 'announcements');
      const empty = all.find((r) => r.node.kind === 'message' && /No announcement sent yet/.test(labelOf(r.item)));
      return section && empty ? { section, empty } : undefined;
    });
    assert.equal(rows.empty.item.command?.command, 'releaseManager.announce');
  });
});

describe('Release: Set Channel Secret (the Slack webhook from SecretStorage)', function () {
  this.timeout(120_000);
  let root: string;
  let repo: LocalGitRepo;
  let files: { restore(): void };
  const slack = new SlackReceiver();
  let url: string;

  before(async () => {
    const a = await api();
    root = workspaceRoot();
    repo = await LocalGitRepo.open(root);
    files = snapshotFiles(root, ['.release-manager.json']);
    url = await slack.start();
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as Record<string, unknown>;
    config.announce = { channels: [{ kind: 'slack', webhookEnv: 'RM_INHOST_SLACK_URL', audiences: ['internal'] }] };
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    await poll('the config with a Slack channel is read', async () => {
      await a.settled();
      return a.model.find(root)?.config?.announce?.channels[0]?.kind === 'slack';
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('releaseManager.clearChannelSecret', { root, name: 'RM_INHOST_SLACK_URL' });
    await slack.stop();
    files.restore();
    rmSync(join(repo.gitCommonDir, 'release-manager', 'announcements'), { recursive: true, force: true });
    const a = await api();
    await poll('the original config is back', async () => {
      await a.settled();
      return a.model.find(root)?.config?.announce === undefined;
    });
  });

  it('sends through the webhook stored in SecretStorage, once, and fails with the fix once it is cleared', async () => {
    assert.equal(process.env.RM_INHOST_SLACK_URL, undefined, 'not in the environment: only SecretStorage has it');
    assert.equal(await vscode.commands.executeCommand('releaseManager.setChannelSecret', { root, name: 'RM_INHOST_SLACK_URL', value: 'http://hooks.example.com/not-https' }), undefined, 'a plain-http webhook off loopback is refused');
    assert.equal(await vscode.commands.executeCommand('releaseManager.setChannelSecret', { root, name: 'RM_INHOST_SLACK_URL', value: url }), true);
    const send = (stage: string) => vscode.commands.executeCommand('releaseManager.announce', { root, stage, audiences: ['internal'], preview: false, send: true, confirm: false }) as Thenable<AnnounceOutcome>;
    const first = await send('completed');
    assert.deepEqual(first.results?.map((r) => `${r.channel}:${r.status}`), ['slack:sent']);
    assert.equal(slack.messages.length, 1);
    assert.match(slack.messages[0]!.payload.text, new RegExp(first.version.replace(/\./g, '\\.')));
    const second = await send('completed');
    assert.deepEqual(second.results?.map((r) => r.status), ['already-sent']);
    assert.equal(slack.messages.length, 1, 'exactly one message after two sends');
    assert.equal(await vscode.commands.executeCommand('releaseManager.clearChannelSecret', { root, name: 'RM_INHOST_SLACK_URL' }), true);
    const third = await send('started');
    assert.equal(third.results?.[0]?.status, 'failed');
    assert.match(third.results?.[0]?.message ?? '', /RM_INHOST_SLACK_URL is not set.*Set Channel Secret/);
    assert.doesNotMatch(JSON.stringify([first, second, third]), /secret-token-xyz/, 'the webhook URL is in no result');
  });
});
