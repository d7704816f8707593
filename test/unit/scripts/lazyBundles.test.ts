import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const DIST = resolve(ROOT, 'dist');

/** What esbuild's metafile says about one output (scripts/build.mjs writes dist/NAME.meta.json). */
type Meta = { outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> };

/** The source files and packages bundled into dist/NAME.js (only those that left bytes in it: tree-shaken imports don't count). */
function inputsOf(name: string): string[] {
  const meta = JSON.parse(readFileSync(resolve(DIST, `${name}.meta.json`), 'utf8')) as Meta;
  const out = meta.outputs[`dist/${name}.js`];
  assert.ok(out, `dist/${name}.meta.json describes dist/${name}.js`);
  return Object.entries(out.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([f]) => f);
}

/** Requires a bundle with a stand-in for the `vscode` module (only the extension host has the real one). */
function requireWithVscodeStub(path: string): Record<string, unknown> {
  const stub: unknown = new Proxy(function () {}, { get: (_t, key) => (key === '__esModule' ? false : stub), construct: () => ({}), apply: () => stub });
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = (request, ...rest) => (request === 'vscode' ? stub : original(request, ...rest));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as Record<string, unknown>;
  } finally {
    mod._load = original;
  }
}

/** The lazily loaded bundles, what each must export, and what only it holds (never dist/extension.js). */
const LAZY: { name: string; exports: string[]; holds: RegExp[]; vscode?: boolean }[] = [
  { name: 'announce', exports: ['previewAnnouncements', 'sendAnnouncements', 'noticeFacts', 'deployAnnouncer', 'envSecrets'], holds: [/node_modules\/nodemailer\//, /node_modules\/mustache\//, /src\/node\/announce\.ts$/, /src\/node\/announceChannels\.ts$/] },
  { name: 'flags', exports: ['flagProviderFor', 'flagStatus', 'runFlagRollout', 'killFlag', 'requireFlagsConfig'], holds: [/src\/node\/flags\.ts$/, /src\/node\/unleashProvider\.ts$/, /src\/core\/flags\/stage\.ts$/] },
  { name: 'metrics', exports: ['collectMetrics'], holds: [/src\/node\/metrics\.ts$/, /src\/core\/metrics\/compute\.ts$/] },
  { name: 'risk', exports: ['collectRisk'], holds: [/src\/node\/risk\.ts$/] },
  { name: 'plan', exports: ['collectPlan', 'parsePlanVersion'], holds: [/src\/node\/plan\.ts$/] },
  { name: 'calendar', exports: ['collectCalendar', 'calendarIcs'], holds: [/node_modules\/ical\.js\//, /src\/node\/calendar\.ts$/, /src\/core\/calendar\/ics\.ts$/] },
  {
    name: 'commands',
    vscode: true,
    exports: ['deployCommand', 'rollBackCommand', 'reportUnfinishedDeploys', 'publishReleaseCommand', 'announceCommand', 'rampFlagCommand', 'CompareDocumentProvider'],
    holds: [/src\/vscode\/deploy\/deployCommand\.ts$/, /src\/vscode\/announce\/announceSession\.ts$/, /src\/vscode\/commands\/publish\.ts$/, /src\/node\/deploySequence\.ts$/, /src\/node\/commandDeployer\.ts$/, /src\/core\/publish\.ts$/],
  },
];

describe('build: what the first screen does not need is in bundles of their own, loaded on first use (run `npm run build` first)', () => {
  before(function () {
    if (!existsSync(resolve(DIST, 'extension.meta.json')) || !existsSync(resolve(DIST, 'commands.meta.json'))) this.skip();
  });

  it('keeps dist/extension.js at most 500 KB, without the lazily loaded code, the YAML parser or Octokit', () => {
    assert.ok(statSync(resolve(DIST, 'extension.js')).size <= 500_000, `dist/extension.js is ${statSync(resolve(DIST, 'extension.js')).size} bytes (at most 500,000)`);
    const inputs = inputsOf('extension');
    // The first screen: the Release tree, the model behind it, the gates and the status bar.
    for (const first of ['src/vscode/views/tree/provider.ts', 'src/vscode/releaseModel.ts', 'src/vscode/checklist/gateController.ts', 'src/vscode/views/statusBar.ts']) {
      assert.ok(inputs.some((f) => f.endsWith(first)), `${first} is in the extension`);
    }
    const lazy = [/node_modules\/yaml\//, /node_modules\/@octokit\//, ...LAZY.flatMap((b) => b.holds)];
    assert.deepEqual(inputs.filter((f) => lazy.some((re) => re.test(f))), []);
    const text = readFileSync(resolve(DIST, 'extension.js'), 'utf8');
    for (const name of ['github', ...LAZY.map((b) => b.name)]) assert.match(text, new RegExp(`"${name}\\.js"`), `extension.js names dist/${name}.js`);
  });

  it('has each stateful module in one bundle only: the editor bundle reaches announce, flags and metrics through their loaders', () => {
    const own = { announce: /src\/node\/announce\.ts$/, flags: /src\/node\/flags\.ts$/, metrics: /src\/node\/metrics\.ts$/ };
    for (const bundle of ['extension', ...LAZY.map((b) => b.name)]) {
      const inputs = inputsOf(bundle);
      for (const [name, re] of Object.entries(own)) assert.equal(inputs.some((f) => re.test(f)), bundle === name, `${re} in dist/${bundle}.js`);
    }
  });

  it('loads every lazy bundle and finds its exports', () => {
    for (const b of LAZY) {
      const path = resolve(DIST, `${b.name}.js`);
      const mod = b.vscode ? requireWithVscodeStub(path) : (require(path) as Record<string, unknown>); // eslint-disable-line @typescript-eslint/no-require-imports
      for (const name of b.exports) assert.equal(typeof mod[name], 'function', `dist/${b.name}.js exports ${name}`);
      const inputs = inputsOf(b.name);
      for (const re of b.holds) assert.ok(inputs.some((f) => re.test(f)), `dist/${b.name}.js holds ${re}`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(resolve(DIST, 'yaml.js')) as { parse: (t: string) => unknown; parseDocument: (t: string) => { toJS: () => unknown } };
    assert.deepEqual(yaml.parse('on:\n  workflow_dispatch: {}\n'), { on: { workflow_dispatch: {} } });
    assert.deepEqual(yaml.parseDocument('a: [1, 2]').toJS(), { a: [1, 2] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.equal(typeof (require(resolve(DIST, 'github.js')) as Record<string, unknown>).OctokitGitHubApi, 'function');
  });

  it('ships every bundle in the .vsix', () => {
    const ignore = readFileSync(resolve(ROOT, '.vscodeignore'), 'utf8');
    for (const name of ['extension', 'github', 'yaml', ...LAZY.map((b) => b.name)]) assert.match(ignore, new RegExp(`^!dist/${name}\\.js$`, 'm'), `.vscodeignore ships dist/${name}.js`);
  });
});
