// The Get Started walkthrough as VS Code sees it (the extension's manifest in the running host): every step's
// button names a command the host has, every picture ships, every completion event names something real — and
// the completion wiring itself: creating the config through the command flips the context keys the config and
// environment steps complete on, an existing file is opened and never overwritten, the file gets completion
// from the contributed JSON Schema, and signing in through a GitHub account provider flips the sign-in key. Puts the config back after.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, parseConfig } from '../../../src/core/config';
import { COMMANDS, VIEWS, WALKTHROUGH } from '../../../src/vscode/ids';
import { WALKTHROUGH_CONTEXT_KEYS } from '../../../src/vscode/walkthroughContext';
import { poll } from '../../helpers/poll';
import { extensionUnderTest } from '../manifest';
import { api, workspaceRoot } from './helpers';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image?: string; altText?: string; markdown?: string; svg?: string };
  completionEvents?: string[];
}

describe('Get Started walkthrough', function () {
  this.timeout(60_000);
  let root: string;
  let configFile: string;
  let original: string | null;

  before(async () => {
    await api();
    root = workspaceRoot();
    configFile = join(root, CONFIG_FILE);
    original = existsSync(configFile) ? readFileSync(configFile, 'utf8') : null;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (original === null) rmSync(configFile, { force: true });
    else writeFileSync(configFile, original);
    const a = await api();
    a.model.schedule();
    await poll('the model to read the config put back', async () => (await a.settled(), a.model.repositories[0]?.config?.deploy === undefined), { timeoutMs: 20_000 });
  });

  const walkthrough = () => {
    const extension = extensionUnderTest();
    const all = (extension.packageJSON as { contributes: { walkthroughs?: { id: string; steps: Step[] }[] } }).contributes.walkthroughs ?? [];
    const found = all.find((w) => w.id === WALKTHROUGH);
    assert.ok(found, `walkthrough ${WALKTHROUGH} in ${all.map((w) => w.id).join(', ') || 'nothing'}`);
    return { extension, steps: found.steps };
  };

  it('has seven steps whose buttons run commands the host has, with their pictures shipped and real completion events', async () => {
    const { extension, steps } = walkthrough();
    assert.deepEqual(steps.map((s) => s.id), ['openReleaseView', 'draftNotes', 'createConfig', 'signIn', 'runChecklist', 'configureEnvironment', 'firstDeploy']);
    const commands = new Set(await vscode.commands.getCommands(false));
    const views = new Set<string>(Object.values(VIEWS));
    let bytes = 0;
    for (const step of steps) {
      const buttons = [...step.description.matchAll(/\]\(command:([^)?\s]+)/g)].map((m) => m[1]!);
      assert.ok(buttons.length >= 1, `${step.id}: a command link`);
      for (const c of buttons) assert.ok(commands.has(c), `${step.id}: command ${c} is registered`);
      assert.ok(step.media.image && step.media.altText, `${step.id}: an image with alt text`);
      const image = join(extension.extensionPath, step.media.image);
      assert.ok(existsSync(image), `${step.id}: ${step.media.image} exists`);
      const png = readFileSync(image);
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${step.id}: ${step.media.image} is a PNG`);
      bytes += statSync(image).size;
      const events = step.completionEvents ?? [];
      assert.ok(events.length >= 1, `${step.id}: completes itself`);
      for (const e of events) {
        const [, kind, value] = /^(\w+):(.*)$/.exec(e) ?? [];
        if (kind === 'onContext') assert.ok(WALKTHROUGH_CONTEXT_KEYS.includes(value!), `${step.id}: ${value} is a key the extension sets`);
        else if (kind === 'onCommand') assert.ok(commands.has(value!), `${step.id}: ${value} is registered`);
        else if (kind === 'onView') assert.ok(views.has(value!), `${step.id}: ${value} is a contributed view`);
        else assert.fail(`${step.id}: unexpected completion event ${e}`);
      }
    }
    assert.ok(bytes < 1_500_000, `pictures total ${bytes} bytes`);
  });

  it('completes the checklist step by every route a user runs the checklist: the view, the step\'s button, the view\'s title actions', () => {
    const { extension, steps } = walkthrough();
    const step = steps.find((s) => s.id === 'runChecklist');
    assert.ok(step, 'a runChecklist step');
    const events = new Set(step.completionEvents ?? []);
    assert.ok(events.has(`onView:${VIEWS.checklist}`), 'opening the checklist view completes it');
    const buttons = [...step.description.matchAll(/\]\(command:([^)?\s]+)/g)].map((m) => m[1]!);
    assert.deepEqual(buttons, [COMMANDS.showChecklist]);
    for (const c of buttons) assert.ok(events.has(`onCommand:${c}`), `its button ${c} completes it`);
    // The commands on the checklist view's title bar (Validate Gates) run the checklist too.
    const menus = (extension.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> } }).contributes.menus;
    const titleRuns = menus['view/title']!.filter((m) => m.group?.startsWith('navigation') && new RegExp(`view == ${VIEWS.checklist.replace('.', '\\.')}(?![\\w.])`).test(m.when ?? '')).map((m) => m.command);
    assert.ok(titleRuns.includes(COMMANDS.validateGates), `the checklist's title bar: ${titleRuns.join(', ')}`);
    for (const c of titleRuns) assert.ok(events.has(`onCommand:${c}`), `the title action ${c} completes it`);
  });

  it('creates the config from a template through the command, flips the config and environment keys, and never overwrites', async () => {
    const a = await api();
    rmSync(configFile, { force: true });
    a.model.schedule();
    await poll('the config key false without the file', () => !a.walkthrough.current().hasConfig && !a.walkthrough.current().hasEnvironment, { timeoutMs: 20_000 });

    const created = (await vscode.commands.executeCommand(COMMANDS.createConfig, { root, template: 'environments' })) as { created: boolean; template: string } | undefined;
    assert.deepEqual(created && { created: created.created, template: created.template }, { created: true, template: 'environments' });
    const text = readFileSync(configFile, 'utf8');
    assert.deepEqual(parseConfig(text).deploy?.environments.map((e) => e.name), ['staging', 'production']);
    assert.equal(realpathSync(vscode.window.activeTextEditor?.document.uri.fsPath ?? ''), realpathSync(configFile), 'the new file is open');
    await poll('the config and environment keys true', () => a.walkthrough.current().hasConfig && a.walkthrough.current().hasEnvironment, { timeoutMs: 20_000 });

    // Completion in the new file comes from the contributed JSON Schema (keys not in the file yet, with their docs).
    const doc = vscode.window.activeTextEditor!.document;
    const at = doc.positionAt(text.indexOf('{') + 1);
    const list = await poll('schema completions in the config file', async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
      return l.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'initialVersion') ? l : null;
    }, { timeoutMs: 30_000 });
    assert.ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'gateConcurrency'));

    // Again, with another template: the file is opened, not written.
    writeFileSync(configFile, `${text.trimEnd()}\n`);
    const again = (await vscode.commands.executeCommand(COMMANDS.createConfig, { root, template: 'single' })) as { created: boolean } | undefined;
    assert.equal(again?.created, false);
    assert.equal(readFileSync(configFile, 'utf8'), `${text.trimEnd()}\n`);
    // An unknown template is refused before anything is looked at.
    assert.equal(await vscode.commands.executeCommand(COMMANDS.createConfig, { root, template: 'kubernetes' }), undefined);
  });

  it('sets the sign-in key when the user signs in to GitHub by any route (here: the account provider)', async () => {
    const a = await api();
    // A GitHub account provider with no session yet, then a sign-in through it (as from the Accounts menu).
    const emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
    let sessions: vscode.AuthenticationSession[] = [];
    const session: vscode.AuthenticationSession = { id: 'walkthrough', accessToken: 'walkthrough-token', account: { id: 'octocat', label: 'octocat' }, scopes: ['repo'] };
    const provider: vscode.AuthenticationProvider = { onDidChangeSessions: emitter.event, getSessions: async () => sessions, createSession: async () => session, removeSession: async () => {} };
    const registration = vscode.authentication.registerAuthenticationProvider('github', 'GitHub (walkthrough)', provider, { supportsMultipleAccounts: false });
    try {
      // A Refresh (as the view's button): the keys are looked at again, the sign-in one among them.
      await a.model.refresh();
      await poll('the sign-in key false while signed out', () => !a.walkthrough.current().signedIn, { timeoutMs: 20_000 });
      sessions = [session];
      emitter.fire({ added: [session], removed: [], changed: [] });
      await poll('the sign-in key true after signing in', () => a.walkthrough.current().signedIn, { timeoutMs: 20_000 });
    } finally {
      registration.dispose();
      emitter.dispose();
    }
  });

  it('updates the config key at once while a session lookup hangs (the sign-in lookup runs on its own)', async () => {
    const a = await api();
    assert.ok(existsSync(configFile), 'the config of the previous test');
    const text = readFileSync(configFile, 'utf8');
    await poll('the config key true', () => a.walkthrough.current().hasConfig, { timeoutMs: 20_000 });
    // A GitHub account provider whose session lookup hangs (a provider that is slow to answer, e.g. a keychain prompt).
    let release!: () => void;
    const hang = new Promise<void>((resolve) => (release = resolve));
    let lookups = 0;
    const emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
    const provider: vscode.AuthenticationProvider = {
      onDidChangeSessions: emitter.event,
      getSessions: async () => {
        lookups++;
        await hang;
        return [];
      },
      createSession: async () => {
        throw new Error('no sign-in in this test');
      },
      removeSession: async () => {},
    };
    const registration = vscode.authentication.registerAuthenticationProvider('github', 'GitHub (slow)', provider, { supportsMultipleAccounts: false });
    try {
      emitter.fire({ added: [], removed: [], changed: [] });
      await poll('a session lookup under way', () => lookups > 0, { timeoutMs: 10_000 });
      // The lookup may take up to 6 s; the config key must not wait for it.
      const started = Date.now();
      rmSync(configFile, { force: true });
      a.model.schedule();
      await poll('the config key false while the lookup hangs', () => !a.walkthrough.current().hasConfig, { timeoutMs: 4000, intervalMs: 50 });
      const tookMs = Date.now() - started;
      assert.ok(tookMs < 4000, `${tookMs} ms`);
      writeFileSync(configFile, text);
      a.model.schedule();
      await poll('the config key true again while the lookup hangs', () => a.walkthrough.current().hasConfig, { timeoutMs: 4000, intervalMs: 50 });
    } finally {
      release();
      registration.dispose();
      emitter.dispose();
      if (!existsSync(configFile)) writeFileSync(configFile, text);
    }
  });
});
