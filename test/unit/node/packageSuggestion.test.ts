import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultConfig, parseConfig } from '../../../src/core/config';
import { draftNotes, isIgnoredTagsWarning } from '../../../src/core/draft';
import { ConfigError } from '../../../src/core/errors';
import { mergePackages, proposePackages, tagFamilies } from '../../../src/core/monorepo';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { suggestPackages, suggestionText, writePackages } from '../../../src/node/packageSuggestion';
import { TestRepo } from '../../helpers/testRepo';

/** A monorepo like vite's: tag families per package, package folders under packages/, no config. */
function monorepo(): TestRepo {
  const r = TestRepo.create('rm-monorepo-');
  r.write('packages/create-vite/package.json', JSON.stringify({ name: 'create-vite' }));
  r.write('packages/plugin-legacy/package.json', JSON.stringify({ name: '@vitejs/plugin-legacy' }));
  r.write('packages/vite/package.json', JSON.stringify({ name: 'vite' }));
  r.write('docs/package.json', JSON.stringify({ name: 'docs' }));
  r.commit('chore: initial import', { files: ['packages/create-vite/package.json', 'packages/plugin-legacy/package.json', 'packages/vite/package.json', 'docs/package.json'] });
  r.tag('create-vite@5.0.0');
  r.tag('plugin-legacy@5.0.0');
  r.tag('vite@5.0.0');
  r.tag('docs@1.0.0'); // one tag only: not a family
  r.commit('feat(create-vite): a template', { file: 'packages/create-vite/template.ts' });
  r.tag('create-vite@5.1.0');
  r.commit('fix(plugin-legacy): polyfills', { file: 'packages/plugin-legacy/index.ts' });
  r.tag('plugin-legacy@5.1.0');
  r.tag('@vitejs/plugin-legacy@5.1.0'); // the same package under its package.json name
  r.commit('feat(vite): faster', { file: 'packages/vite/index.ts' });
  r.tag('vite@5.1.0');
  r.tag('release-2024'); // not name@version
  return r;
}

describe('monorepo packages proposed from tag families (no config)', () => {
  after(() => TestRepo.cleanup());

  it('finds the tag families (≥ 2 name@version tags) and matches them to their package folders', async () => {
    const r = monorepo();
    const tags = (await (await LocalGitRepo.open(r.dir)).tags()).map((t) => t.name);
    assert.deepEqual([...tagFamilies(tags)], [['create-vite', 2], ['plugin-legacy', 2], ['vite', 2]]);
    const proposals = await suggestPackages(r.dir, tags, defaultConfig());
    assert.deepEqual(proposals, [
      { name: 'create-vite', path: 'packages/create-vite', tags: 2 },
      { name: 'plugin-legacy', path: 'packages/plugin-legacy', tags: 2 },
      { name: 'vite', path: 'packages/vite', tags: 2 },
    ]);
    assert.match(suggestionText(proposals), /add "packages": create-vite \(packages\/create-vite\), plugin-legacy \(packages\/plugin-legacy\), vite \(packages\/vite\) to \.release-manager\.json/);
  });

  it('the notes of such a repository warn about the ignored tags; with the proposal written, each package is released on its own', async () => {
    const r = monorepo();
    const repo = await LocalGitRepo.open(r.dir);
    const before = await draftNotes(repo, defaultConfig());
    assert.ok(before.warnings.some(isIgnoredTagsWarning), before.warnings.join('\n'));
    const proposals = await suggestPackages(r.dir, (await repo.tags()).map((t) => t.name), defaultConfig());
    const { file, created } = await writePackages(r.dir, proposals);
    assert.equal(created, true);
    const config = parseConfig(readFileSync(file, 'utf8'));
    assert.deepEqual(config.packages.map((p) => [p.name, p.path, p.tagFormat]), [
      ['create-vite', 'packages/create-vite', '{name}@{version}'],
      ['plugin-legacy', 'packages/plugin-legacy', '{name}@{version}'],
      ['vite', 'packages/vite', '{name}@{version}'],
    ]);
    const vite = await draftNotes(await LocalGitRepo.open(r.dir), config, { path: 'packages/vite' });
    assert.equal(vite.version.current, '5.1.0');
    assert.deepEqual(await suggestPackages(r.dir, (await repo.tags()).map((t) => t.name), config), [], 'nothing left to propose');
  });

  it('merges into an existing config, keeping its other keys and packages, and never writes a config that would not load', async () => {
    const r = monorepo();
    const file = join(r.dir, '.release-manager.json');
    writeFileSync(file, JSON.stringify({ tagFormat: 'v{version}', decisionLog: 'docs/DECISIONS.md', packages: [{ name: 'vite', path: 'packages/vite' }] }, null, 2));
    const config = parseConfig(readFileSync(file, 'utf8'));
    const proposals = await suggestPackages(r.dir, (await (await LocalGitRepo.open(r.dir)).tags()).map((t) => t.name), config);
    assert.deepEqual(proposals.map((p) => p.name), ['create-vite', 'plugin-legacy'], 'a configured family is not proposed again');
    await writePackages(r.dir, proposals);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(written.tagFormat, 'v{version}');
    assert.equal(written.decisionLog, 'docs/DECISIONS.md');
    assert.deepEqual(written.packages.map((p: { name: string }) => p.name), ['vite', 'create-vite', 'plugin-legacy']);
    writeFileSync(file, '{ "tagFormat": ');
    await assert.rejects(writePackages(r.dir, proposals), ConfigError);
    assert.equal(readFileSync(file, 'utf8'), '{ "tagFormat": ', 'a broken file is left as it is');
  });

  it('release-manager notes names the suggestion under the warning (built CLI)', () => {
    const r = monorepo();
    const res = spawnSync(process.execPath, [resolve(__dirname, '../../../dist/cli.js'), 'notes', '--repo', r.dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stderr, /^warning: Ignored \d+ tags that are not releases of the form v\{version\}/m);
    assert.match(res.stderr, /^suggestion: These look like packages of a monorepo: add "packages": create-vite \(packages\/create-vite\), plugin-legacy \(packages\/plugin-legacy\), vite \(packages\/vite\) to \.release-manager\.json/m);
  });

  it('leaves out a family whose folder is ambiguous or missing, and names that are not usable in a tag', () => {
    const families = new Map([['web', 3], ['api', 2], ['ghost', 2]]);
    const folders = [{ path: 'apps/web', name: null }, { path: 'packages/web', name: null }, { path: 'services/api', name: 'api' }];
    assert.deepEqual(proposePackages(families, folders), [{ name: 'api', path: 'services/api', tags: 2 }]);
    assert.equal(mergePackages(null, [{ name: 'api', path: 'services/api', tags: 2 }]), '{\n  "packages": [\n    {\n      "name": "api",\n      "path": "services/api"\n    }\n  ]\n}\n');
  });
});
