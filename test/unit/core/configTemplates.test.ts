import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { CONFIG_TEMPLATE_IDS, CONFIG_TEMPLATES, configTemplateText, isConfigTemplateId, templatePackages } from '../../../src/core/configTemplates';
import { createFileExclusive } from '../../../src/node/atomicFile';

describe('config templates (Release: Create Configuration…)', () => {
  it('offers each template once, and each one loads as a config', () => {
    assert.deepEqual(CONFIG_TEMPLATES.map((t) => t.id), [...CONFIG_TEMPLATE_IDS]);
    const folders = [
      { path: 'packages/api', name: '@acme/api' },
      { path: 'packages/web', name: null },
      { path: 'tools/api', name: 'api' },
    ];
    const single = parseConfig(configTemplateText('single'));
    assert.equal(single.tagFormat, 'v{version}');
    assert.deepEqual(single.gates.map((g) => g.kind), ['cleanTree', 'releaseBranch', 'upToDate', 'noFixups', 'manual']);
    assert.equal(single.deploy, undefined);
    const mono = parseConfig(configTemplateText('monorepo', folders));
    assert.deepEqual(mono.packages.map((p) => [p.name, p.path, p.tagFormat]), [
      ['api', 'packages/api', '{name}@{version}'],
      ['web', 'packages/web', '{name}@{version}'],
      ['api-2', 'tools/api', '{name}@{version}'],
    ]);
    const envs = parseConfig(configTemplateText('environments'));
    assert.deepEqual(envs.deploy?.environments.map((e) => [e.name, e.provider.kind, e.protection.gates]), [
      ['staging', 'deployments', []],
      ['production', 'deployments', ['clean-tree', 'release-branch', 'qa']],
    ]);
  });

  it('gives a monorepo without package folders one example package, and names unsafe for tags a safe name', () => {
    assert.deepEqual(templatePackages([]), [{ name: 'app', path: 'packages/app' }]);
    assert.deepEqual(templatePackages([{ path: 'libs/odd', name: 'a b:c' }]), [{ name: 'a-b-c', path: 'libs/odd' }]);
    parseConfig(configTemplateText('monorepo', [{ path: 'libs/odd', name: 'a b:c' }]));
  });

  it('knows its template ids and nothing else', () => {
    assert.equal(isConfigTemplateId('monorepo'), true);
    for (const v of ['kubernetes', '', undefined, 1, '__proto__']) assert.equal(isConfigTemplateId(v), false, String(v));
  });
});

describe('createFileExclusive', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rm-create-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing file with its whole text and leaves no temporary file', async () => {
    const file = join(dir, '.release-manager.json');
    assert.equal(await createFileExclusive(file, '{}\n'), true);
    assert.equal(readFileSync(file, 'utf8'), '{}\n');
    assert.deepEqual(readdirSync(dir), ['.release-manager.json']);
  });

  it('never overwrites a file that exists, even when two creations race', async () => {
    const file = join(dir, '.release-manager.json');
    writeFileSync(file, 'mine\n');
    assert.equal(await createFileExclusive(file, '{}\n'), false);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');
    rmSync(file);
    const results = await Promise.all(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'].map((t) => createFileExclusive(file, t)));
    assert.equal(results.filter(Boolean).length, 1, 'exactly one creation wins');
    assert.ok(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'].includes(readFileSync(file, 'utf8')));
    assert.deepEqual(readdirSync(dir), ['.release-manager.json']);
  });
});
