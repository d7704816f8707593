import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BOB, TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');

/** Runs the built CLI as a real process (what CI and other tools call). */
function cli(args: string[], cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: cwd ?? tmpdir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function fixture(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.0.0', { message: 'v1.0.0' });
  r.commit('fix(core): null check (#3)');
  r.commit('feat(ui)!: new layout\n\nBREAKING CHANGE: the sidebar moved', { author: BOB });
  r.tag('v2.0.0');
  r.commit('feat: search');
  r.commit('docs: usage');
  return r;
}

describe('release-manager CLI', () => {
  after(() => TestRepo.cleanup());

  it('prints the notes JSON contract with full hashes', () => {
    const r = fixture();
    const { code, stdout, stderr } = cli(['notes', '--repo', r.dir, '--format', 'json']);
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout);
    assert.deepEqual(Object.keys(out).sort(), ['contributors', 'date', 'firstTimeContributors', 'range', 'sections', 'version', 'warnings']);
    assert.equal(out.range.from, 'v2.0.0');
    assert.equal(out.range.to, 'HEAD');
    assert.equal(out.version.current, '2.0.0');
    assert.equal(out.version.next, '2.1.0');
    assert.equal(out.version.bump, 'minor');
    assert.equal(out.version.reasons.length, 1);
    assert.match(out.version.reasons[0].hash, /^[0-9a-f]{40}$/);
    assert.equal(typeof out.version.reasons[0].why, 'string');
    const entry = out.sections[0].entries[0];
    assert.deepEqual(Object.keys(entry).sort(), ['authors', 'breaking', 'breakingNotes', 'date', 'hash', 'pr', 'scope', 'subject', 'type']);
    assert.match(entry.hash, /^[0-9a-f]{40}$/);
    assert.equal(entry.hash, r.head('HEAD~1'));
  });

  it('defaults to markdown for the cwd repository, and honours --from/--to', () => {
    const r = fixture();
    const md = cli(['notes'], r.dir);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^## 2\.1\.0 \(unreleased\)/);
    assert.match(md.stdout, /### Features\n\n- search \([0-9a-f]{7}\)/);
    const past = cli(['notes', '--repo', r.dir, '--from', 'v1.0.0', '--to', 'v2.0.0', '--format', 'json']);
    const out = JSON.parse(past.stdout);
    assert.equal(out.version.next, '2.0.0');
    assert.equal(out.version.bump, 'major');
    assert.equal(out.sections[0].title, '⚠ Breaking Changes');
    assert.deepEqual(out.firstTimeContributors.map((c: { email: string }) => c.email), [BOB.email]);
  });

  it('prints the next version and why', () => {
    const r = fixture();
    const text = cli(['version', '--repo', r.dir]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^2\.1\.0 \(minor, from 2\.0\.0\)\nWhy:\n {2}[0-9a-f]{7} feat: search → minor\n$/);
    const json = JSON.parse(cli(['version', '--repo', r.dir, '--prerelease', 'beta', '--format', 'json']).stdout);
    assert.equal(json.next, '2.1.0-beta.0');
  });

  it('prints every release newest first for a CHANGELOG', () => {
    const r = fixture();
    const md = cli(['changelog', '--repo', r.dir]);
    assert.equal(md.code, 0, md.stderr);
    const headings = [...md.stdout.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.split(' ')[0]);
    assert.deepEqual(headings, ['2.1.0', '2.0.0', '1.0.0']);
    const json = JSON.parse(cli(['changelog', '--repo', r.dir, '--format', 'json']).stdout);
    assert.equal(json.length, 3);
    assert.deepEqual(json.map((n: { version: { next: string } }) => n.version.next), ['2.1.0', '2.0.0', '1.0.0']);
    const hashes = json.flatMap((n: { sections: { entries: { hash: string }[] }[] }) => n.sections.flatMap((s) => s.entries.map((e) => e.hash)));
    assert.equal(new Set(hashes).size, hashes.length, 'each change appears in exactly one release');
  });

  it('exits 2 with cause and fix on usage errors', () => {
    const r = fixture();
    for (const args of [['bogus'], ['notes', '--nope'], ['notes', '--format', 'xml'], ['notes', '--from=--upload-pack=evil'], ['changelog', '--from', 'v1.0.0'], []]) {
      const res = cli(['--repo', r.dir, ...args].filter((a) => args.length > 0 || a !== '--repo'), r.dir);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.ok(res.stderr.length > 0);
      assert.equal(res.stdout, '');
    }
    const help = cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: release-manager/);
  });

  it('exits 2 naming every config problem by path, and nothing is printed as notes', () => {
    const r = fixture();
    writeFileSync(join(r.dir, '.release-manager.json'), JSON.stringify({ tagFormat: 'v', sections: [{ title: 'X', types: 'feat' }], bogus: 1 }));
    const res = cli(['notes', '--repo', r.dir]);
    assert.equal(res.code, 2);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /tagFormat/);
    assert.match(res.stderr, /sections\[0\]\.types/);
    assert.match(res.stderr, /bogus/);
    writeFileSync(join(r.dir, '.release-manager.json'), '{ // comment\n}');
    assert.equal(cli(['notes', '--repo', r.dir]).code, 2);
  });

  it('uses the config file: tag format, sections, hidden other changes', () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('release-1.0.0');
    r.commit('docs: manual');
    r.commit('plain message');
    writeFileSync(
      join(r.dir, '.release-manager.json'),
      JSON.stringify({ tagFormat: 'release-{version}', sections: [{ title: 'Docs', types: ['docs'] }], other: { hidden: true }, otherBump: 'none', bump: { docs: 'patch' } }),
    );
    const out = JSON.parse(cli(['notes', '--repo', r.dir, '--format', 'json']).stdout);
    assert.equal(out.range.from, 'release-1.0.0');
    assert.deepEqual(out.sections.map((s: { title: string }) => s.title), ['Docs']);
    assert.equal(out.version.next, '1.0.1');
  });

  it('refuses a config that links outside the repository', () => {
    const r = fixture();
    const outside = join(mkdtempSync(join(tmpdir(), 'rm-outside-')), 'cfg.json');
    writeFileSync(outside, '{}');
    symlinkSync(outside, join(r.dir, '.release-manager.json'));
    const res = cli(['notes', '--repo', r.dir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /outside the repository/);
  });

  it('exits 2 with cause and fix when the repository or a ref named on the command line is not there', () => {
    const plain = mkdtempSync(join(tmpdir(), 'rm-plain-'));
    const res = cli(['notes', '--repo', plain]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /not inside a git repository/);
    assert.match(res.stderr, /fix:/);
    const r = fixture();
    const unknown = cli(['notes', '--repo', r.dir, '--from', 'v9.9.9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /v9\.9\.9/);
  });
});
