import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const root = resolve(__dirname, '../..');

// Each probe is one import at a layer boundary, linted with the project's own eslint.config.mjs as if it were that file.
const forbidden: [file: string, code: string][] = [
  ['src/core/probe.ts', "import { readFile } from 'fs/promises';"],
  ['src/core/probe.ts', "import { readFile } from 'node:fs/promises';"],
  ['src/core/probe.ts', "import { posix } from 'path/posix';"],
  ['src/core/deploy/probe.ts', "import { x } from '../../node/x';"],
  ['src/core/deploy/probe.ts', "import { x } from './../../git/x';"],
  ['src/core/probe.ts', "import type { Uri } from 'vscode';"],
  ['src/core/probe.ts', "export { x } from '../github/x';"],
  ['src/core/probe.ts', "export type Stats = import('node:fs').Stats;"],
  ['src/core/probe.ts', "export const load = () => import('../cli/x');"],
  ['src/core/probe.ts', "import simpleGit = require('simple-git');"],
  ['src/core/probe.ts', "import { Octokit } from '@octokit/rest';"],
  ['src/core/gates/probe.ts', "import { activate } from '../../extension';"],
  ['src/shared/probe.ts', "import * as path from 'node:path';"],
  ['src/node/probe.ts', "import * as vscode from 'vscode';"],
  ['src/cli/probe.ts', "import { x } from '../vscode/x';"],
  ['src/git/probe.ts', "import type * as vscode from 'vscode';"],
  ['src/github/probe.ts', "import { COMMANDS } from '../vscode/ids';"],
  ['webview/probe.ts', "import { x } from '../src/core/x';"],
  ['webview/probe.ts', "import { x } from '../src/node/x';"],
  ['webview/probe.ts', "import { readFileSync } from 'node:fs';"],
  ['webview/probe.ts', "import * as vscode from 'vscode';"],
];

const allowed: [file: string, code: string][] = [
  ['src/vscode/probe.ts', "import * as vscode from 'vscode';"],
  ['src/vscode/views/probe.ts', "import { x } from '../../core/x'; import { y } from '../../node/y';"],
  ['src/extension.ts', "import * as vscode from 'vscode'; import { x } from './vscode/x';"],
  ['webview/probe.ts', "import { toWebview } from '../src/shared/protocol'; import { y } from './y';"],
  ['webview/probe.ts', "import '@vscode-elements/elements/dist/vscode-button/index.js';"],
  ['src/core/deploy/probe.ts', "import { versionProblem } from '../version'; import type { DeployPlan } from './plan'; import * as z from 'zod';"],
  ['src/core/probe.ts', "import { parseMessage } from './commits';"],
  ['src/node/probe.ts', "import { readFile } from 'node:fs/promises'; import type { GitRepo } from '../core/ports';"],
];

describe('layers (eslint.config.mjs)', () => {
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: root });
  });

  async function layerErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: join(root, file) });
    assert.ok(result, 'ESLint returned no result');
    return result.messages.filter((m) => m.ruleId === 'layers/imports' && m.severity === 2).map((m) => m.message);
  }

  for (const [file, code] of forbidden) {
    it(`refuses in ${file}: ${code}`, async function () {
      this.timeout(60_000);
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `expected one layer error, got ${JSON.stringify(errors)}`);
    });
  }

  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code}`, async function () {
      this.timeout(60_000);
      assert.deepEqual(await layerErrors(file, code), []);
    });
  }

  it('names the layer and what was imported in the message', async function () {
    this.timeout(60_000);
    const [message] = await layerErrors('src/core/deploy/probe.ts', "import { x } from '../../node/x';");
    assert.match(message ?? '', /^src\/core and src\/shared may not import '\.\.\/\.\.\/node\/x' \(it is in src\/node\)/);
  });
});

describe('import cycles (scripts/cycles.mjs)', () => {
  const script = join(root, 'scripts/cycles.mjs');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-cycles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('fails on a cycle made of a type-only import and names the files around it', function () {
    this.timeout(60_000);
    write({
      'src/a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
      'src/b.ts': "import { c } from './sub/c';\nexport interface B { n: number }\nexport const x = c;\n",
      'src/sub/c.ts': "import type { A } from '../a';\nexport const c = 1;\nexport type CA = A;\n",
      'src/leaf.ts': "import { c } from './sub/c';\nexport const leaf = c;\n",
    });
    const r = run(['--root', dir, 'src']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /1 import cycle:/);
    assert.match(r.stderr, /cycle: src\/a\.ts -> src\/b\.ts -> src\/sub\/c\.ts -> src\/a\.ts/);
    assert.doesNotMatch(r.stderr, /leaf/);
  });

  it('passes a tree without cycles', function () {
    this.timeout(60_000);
    write({
      'src/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'src/b.ts': 'export const b = 1;\n',
    });
    const r = run(['--root', dir, 'src']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No import cycles among 2 files/);
  });

  it('finds no cycle in src and webview of the project', function () {
    this.timeout(60_000);
    const r = run([]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No import cycles among \d+ files in src, webview\./);
  });
});
