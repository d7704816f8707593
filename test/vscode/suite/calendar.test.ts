// The Release Calendar inside the real extension host: a calendar gate (weekly cadence, a freeze) and a
// command environment with a seeded local deploy history, the view opened from its command, what it
// shows (the state posted to the webview) checked against collectCalendar itself, the protocol refusing
// what is not one of its messages, revealing a freeze (the config opens), and Export (.ics) by the command
// and by the view's button, parsed back with ical.js; signed in to the local GitHub server, a milestone's due date.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import * as vscode from 'vscode';
import type { CalendarReport } from '../../../src/core/calendar/model';
import { collectCalendar } from '../../../src/node/calendar';
import { serveGitHubCopy, snapshotFiles } from '../../helpers/deployFixtures';
import { DEMO_STORY, dropDeployHistory, seedDeployHistory } from '../../helpers/metricsHistory';
import { poll } from '../../helpers/poll';
import { api, registerGitHubAccount, workspaceRoot } from './helpers';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('Release Calendar (view, reveal, protocol)', function () {
  this.timeout(120_000);
  let root: string;
  let files: { restore(): void };
  const freezeFrom = isoDay(Date.now() + 10 * DAY);

  before(async () => {
    const a = await api();
    // The model keys repositories by their real path (the run folder may sit behind a symlink).
    root = realpathSync(workspaceRoot());
    files = snapshotFiles(root, ['.release-manager.json']);
    const config = JSON.parse(readFileSync(join(root, '.release-manager.json'), 'utf8')) as { gates: unknown[]; deploy?: unknown };
    config.gates.push({ id: 'cal-calendar', kind: 'calendar', required: false, cadence: { anchor: isoDay(Date.now()), everyWeeks: 1 }, freezes: [{ from: freezeFrom, to: isoDay(Date.now() + 11 * DAY), reason: 'Freeze, in-host; test' }] });
    config.deploy = { environments: [{ name: 'cal-production', provider: { kind: 'command', argv: [process.execPath, '-e', '0'] }, protection: { gates: [] } }] };
    writeFileSync(join(root, '.release-manager.json'), JSON.stringify(config, null, 2) + '\n');
    await seedDeployHistory(root, 'cal-production', DEMO_STORY);
    await poll('the config with the calendar gate is read', async () => {
      // The file watcher refreshes too; a refresh asked for does not wait on it.
      await a.model.refresh();
      return a.model.find(root)?.config?.gates.some((g) => g.id === 'cal-calendar') === true;
    }).catch((e: unknown) => {
      const state = a.model.find(root);
      throw new Error(`${String(e)}; config error: ${state?.configError?.message ?? 'none'}; gates: ${state?.config?.gates.map((g) => g.id).join(', ') ?? 'no config'}; roots: ${a.model.repositories.map((r) => `${r.root} ${r.error?.message ?? ''}`).join(' | ')} vs ${root}`);
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    files.restore();
    dropDeployHistory(root);
  });

  it('opens from its command and shows the events collectCalendar reads: release days, the freeze, the deploys', async () => {
    const a = await api();
    const calendar = (await vscode.commands.executeCommand('releaseManager.showCalendar', { root })) as CalendarReport;
    assert.ok(calendar, 'the command returns the calendar it shows');
    assert.equal(a.calendarPanel.open, true);
    const shown = a.calendarPanel.lastState;
    assert.ok(shown?.calendar, JSON.stringify(shown?.error));
    assert.equal(shown.loading, false);
    assert.equal(shown.hasCadence, true);
    const kinds = new Set(shown.calendar.events.map((e) => e.kind));
    for (const k of ['planned', 'freeze', 'deploy'] as const) assert.ok(kinds.has(k), `${k} in ${[...kinds].join(', ')}`);
    assert.equal(shown.calendar.events.filter((e) => e.kind === 'deploy' && e.environment === 'cal-production').length, DEMO_STORY.length);
    // The same events as the CLI's flow (signed out here: the local ones).
    const direct = await collectCalendar({ repoRoot: root, github: null, repo: await a.github.repoFor(root, false) });
    assert.deepEqual(shown.calendar.events.map((e) => e.id), direct.events.map((e) => e.id));
    assert.ok(shown.calendar.notes.length > 0, 'says what is missing');
  });

  it('refuses messages that are not its own, and reveals a freeze in the config', async () => {
    const a = await api();
    const panel = a.calendarPanel;
    const before = panel.rejected;
    for (const bad of [{ type: 'runCommand', id: 'workbench.action.terminal.new' }, { type: 'reveal' }, { type: 'reveal', id: 'x'.repeat(5000) }, { type: 'export', path: '/etc/passwd' }, null, 'ready', { ['__proto__']: { type: 'ready' } }]) await panel.receive(bad);
    assert.equal(panel.rejected - before, 7);
    await panel.receive({ type: 'reveal', id: 'freeze-unknown@nowhere' });
    assert.equal(panel.lastReveal, null, 'an unknown id reveals nothing');
    const freeze = panel.lastState!.calendar!.events.find((e) => e.kind === 'freeze')!;
    assert.equal(freeze.start, freezeFrom);
    await panel.receive({ type: 'reveal', id: freeze.id });
    assert.deepEqual(panel.lastReveal, { event: freeze.id, action: 'releaseManager.openConfig' });
    await poll('the config open in an editor', async () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('.release-manager.json') === true, { timeoutMs: 20_000 });
  });

  it('exports the calendar it shows as .ics to the file given, whose event UIDs are the view\'s event ids; refuses a target that is not a local .ics file', async () => {
    const a = await api();
    await vscode.commands.executeCommand('releaseManager.showCalendar', { root });
    const ids = a.calendarPanel.lastState!.calendar!.events.map((e) => e.id);
    assert.ok(ids.length > 0);
    const dir = mkdtempSync(join(tmpdir(), 'rm-calendar-export-'));
    try {
      const file = join(dir, 'releases.ics');
      writeFileSync(file, 'old'); // overwritten, as a file picked in the save dialog is
      const written = await vscode.commands.executeCommand('releaseManager.exportCalendar', { root, uri: vscode.Uri.file(file) });
      assert.equal(written, file);
      const uids = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid')));
      assert.deepEqual(uids(readFileSync(file, 'utf8')), ids);
      // The string form of the URI too.
      const second = join(dir, 'again.ics');
      assert.equal(await vscode.commands.executeCommand('releaseManager.exportCalendar', { root, uri: vscode.Uri.file(second).toString() }), second);
      assert.deepEqual(uids(readFileSync(second, 'utf8')), ids);
      // Refused before anything is written: not .ics, not a local file, not a URI.
      for (const uri of [vscode.Uri.file(join(dir, 'notes.txt')), vscode.Uri.parse('https://example.com/cal.ics'), 'releases.ics']) {
        assert.equal(await vscode.commands.executeCommand('releaseManager.exportCalendar', { root, uri }), undefined, String(uri));
      }
      assert.equal(existsSync(join(dir, 'notes.txt')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exports from the view's Export button through the command: the save dialog asks once, in the repository, for an .ics file", async () => {
    const a = await api();
    await vscode.commands.executeCommand('releaseManager.showCalendar', { root });
    const ids = a.calendarPanel.lastState!.calendar!.events.map((e) => e.id);
    const dir = mkdtempSync(join(tmpdir(), 'rm-calendar-export-'));
    const file = join(dir, 'from-view.ics');
    // VS Code refuses dialogs while extension tests run: answer the save dialog here, and see that it was asked.
    const w = vscode.window as unknown as { showSaveDialog: unknown };
    const saved = w.showSaveDialog;
    const asked: vscode.SaveDialogOptions[] = [];
    w.showSaveDialog = async (options: vscode.SaveDialogOptions) => {
      asked.push(options);
      return vscode.Uri.file(file);
    };
    try {
      await a.calendarPanel.receive({ type: 'export' });
      const text = await poll('the file the view exported', () => (existsSync(file) ? readFileSync(file, 'utf8') : null), { timeoutMs: 20_000 });
      assert.equal(asked.length, 1, 'the save dialog asked once');
      assert.deepEqual(asked[0]!.filters, { iCalendar: ['ics'] });
      assert.equal(realpathSync(join(asked[0]!.defaultUri!.fsPath, '..')), root, 'it proposes a file in the repository');
      assert.deepEqual(new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid'))), ids);
    } finally {
      w.showSaveDialog = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Release Calendar signed in to GitHub (milestones)', function () {
  this.timeout(120_000);
  const TOKEN = 'ghp_CalendarSuite0123456789ABCDEFGHIJKLMN';

  it('shows the due date of a GitHub milestone as a milestone event', async () => {
    const a = await api();
    const root = await poll('the demo repository is loaded', async () => {
      await a.settled();
      return a.model.repositories[0]?.root;
    }, { timeoutMs: 60_000 });
    // The demo repository served by the local GitHub server as acme/demo (as the Plan suite does), signed in.
    const served = await serveGitHubCopy(root, { token: TOKEN });
    const settings = vscode.workspace.getConfiguration('releaseManager');
    await settings.update('github.apiUrl', served.server.url, vscode.ConfigurationTarget.Global);
    const account = registerGitHubAccount(TOKEN, 'calendar');
    try {
      const due = new Date(Date.now() + 9 * DAY);
      const number = served.server.addMilestone('acme', 'demo', { title: 'v9.9.9 calendar', due_on: `${isoDay(due.getTime())}T08:00:00Z` });
      served.server.addIssue('acme', 'demo', { number: 901, title: 'Still open', milestone: number });
      const milestone = await poll('the milestone in the view', async () => {
        await vscode.commands.executeCommand('releaseManager.showCalendar', { root });
        return a.calendarPanel.lastState?.calendar?.events.find((e) => e.kind === 'milestone');
      }, { timeoutMs: 30_000 });
      assert.ok(served.server.requests.some((r) => r.operationId === 'issues/list-milestones'), 'the milestones were read from GitHub');
      assert.equal(milestone.title, 'Milestone due: v9.9.9 calendar');
      assert.equal(milestone.start, isoDay(due.getTime()));
      assert.equal(milestone.allDay, true);
      assert.equal(milestone.status, 'open');
      assert.equal(milestone.number, number);
      assert.equal(milestone.url, `https://github.com/acme/demo/milestone/${number}`);
      served.server.assertValid();
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      account.dispose();
      await settings.update('github.apiUrl', undefined, vscode.ConfigurationTarget.Global);
      await served.dispose();
    }
  });
});
