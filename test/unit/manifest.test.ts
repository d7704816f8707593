import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, CONTEXT, TREE_ONLY_COMMANDS, VIEW_CONTAINER, VIEWS, WALKTHROUGH } from '../../src/vscode/ids';
import { configJsonSchema } from '../../src/core/config';

const root = join(__dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

describe('package.json contributions', () => {
  it('contributes exactly the commands of ids.ts, each in category Release with a releaseManager.<verbNoun> id', () => {
    const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const c of contributes.commands) {
      assert.equal(c.category, 'Release', c.command);
      assert.match(c.command, /^releaseManager\.[a-z]+[A-Za-z]*$/);
    }
  });

  it('registers each command of ids.ts exactly once in the command table of activate()', () => {
    const source = readFileSync(join(root, 'src/extension.ts'), 'utf8');
    const entries = [...source.matchAll(/^\s*\[COMMANDS\.([A-Za-z]+),/gm)].map((m) => m[1]!);
    assert.deepEqual([...entries].sort(), Object.keys(COMMANDS).sort());
    assert.doesNotMatch(source, /as never/);
    assert.equal((source.match(/registerCommand\(/g) ?? []).length, 1, 'one registration loop');
  });

  it('hides tree-only commands from the palette and no others', () => {
    const hidden = contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command).sort();
    assert.deepEqual(hidden, [...TREE_ONLY_COMMANDS].sort());
  });

  it('offers the control commands in the palette only when there is something to act on (context keys of ids.ts)', () => {
    const when = (id: string) => contributes.menus.commandPalette.find((m: { command: string }) => m.command === id)?.when as string | undefined;
    const expected: [string, string][] = [
      [COMMANDS.promoteDeploy, CONTEXT.canPromote],
      [COMMANDS.abortDeploy, CONTEXT.canAbort],
      [COMMANDS.approveDeploy, CONTEXT.canReview],
      [COMMANDS.rejectDeploy, CONTEXT.canReview],
      [COMMANDS.resumeDeploy, CONTEXT.canResumeDeploy],
      [COMMANDS.resumePublish, CONTEXT.canResumePublish],
    ];
    for (const [command, key] of expected) assert.equal(when(command), `isWorkspaceTrusted && ${key}`, command);
  });

  it('declares the container and view ids used in code', () => {
    assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), [VIEW_CONTAINER]);
    assert.deepEqual(contributes.views[VIEW_CONTAINER].map((v: { id: string }) => v.id), Object.values(VIEWS));
  });

  it('only names contributed commands in menus and welcome views', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    for (const [menu, items] of Object.entries(contributes.menus) as [string, { command: string }[]][]) {
      for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
    }
    for (const w of contributes.viewsWelcome) {
      for (const m of (w.contents as string).matchAll(/\(command:(releaseManager\.[A-Za-z]+)\)/g)) assert.ok(known.has(m[1]!), m[1]);
    }
  });

  it('has one walkthrough whose buttons and completion events name commands, views and context keys of ids.ts', () => {
    assert.deepEqual(contributes.walkthroughs.map((w: { id: string }) => w.id), [WALKTHROUGH]);
    const commands = new Set<string>([...Object.values(COMMANDS), `workbench.view.extension.${VIEW_CONTAINER}`]);
    const keys = new Set<string>(Object.values(CONTEXT));
    for (const step of contributes.walkthroughs[0].steps as { id: string; description: string; completionEvents: string[] }[]) {
      for (const m of step.description.matchAll(/\]\(command:([^)]+)\)/g)) assert.ok(commands.has(m[1]!), `${step.id}: ${m[1]}`);
      for (const e of step.completionEvents) {
        const [kind, value] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        const known = kind === 'onCommand' ? commands.has(value) : kind === 'onView' ? (Object.values(VIEWS) as string[]).includes(value) : kind === 'onContext' && keys.has(value);
        assert.ok(known, `${step.id}: ${e}`);
      }
    }
  });

  it('declares limited support for untrusted workspaces and restricts the settings that name executables', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    const props = Object.keys(contributes.configuration.properties);
    for (const key of props.filter((k) => /path|host|url|executable|command/i.test(k))) assert.ok(restricted.includes(key), key);
    for (const key of restricted) assert.ok(props.includes(key), key);
  });

  it('validates the config file with the schema generated from zod', () => {
    assert.deepEqual(contributes.jsonValidation, [{ fileMatch: '.release-manager.json', url: './schemas/release-manager.schema.json' }]);
    const committed = JSON.parse(readFileSync(join(root, 'schemas/release-manager.schema.json'), 'utf8'));
    assert.deepEqual(committed, configJsonSchema());
  });

  it('does not use @types/vscode newer than engines.vscode', () => {
    const types = JSON.parse(readFileSync(join(root, 'node_modules/@types/vscode/package.json'), 'utf8')).version as string;
    const engine = (manifest.engines.vscode as string).replace(/^\^/, '');
    const [a, b] = [types, engine].map((v) => v.split('.').map(Number));
    assert.ok(a![0]! < b![0]! || (a![0] === b![0] && a![1]! <= b![1]!), `${types} > ${engine}`);
  });
});
