import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gone } from '../../helpers/gates';
import { poll } from '../../helpers/poll';
import { TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function healthy(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.0.0');
  r.commit('fix: second');
  return r;
}

function configure(r: TestRepo, config: unknown): void {
  writeFileSync(join(r.dir, '.release-manager.json'), JSON.stringify(config));
  r.git('add', '.release-manager.json');
  r.git('commit', '-q', '-m', 'chore: config');
}

describe('release-manager gates', () => {
  after(() => TestRepo.cleanup());

  it('exits 0 with one line per gate and the GO verdict on a healthy repository', () => {
    const r = healthy();
    const res = cli(['gates', '--repo', r.dir]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'PASS     Clean working tree: working tree clean');
    assert.equal(lines[1], 'PASS     On a branch: on branch main');
    assert.match(lines[2]!, /^WARN {5}Up to date with upstream: main has no upstream/);
    assert.match(lines.at(-1)!, /^GO: all 4 required gates pass; 1 advisory/);
  });

  it('exits 1 with the NO-GO verdict and the fix on a dirty repository', () => {
    const r = healthy();
    r.write('file-1.txt', 'edited\n');
    const res = cli(['gates', '--repo', r.dir]);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /^FAIL {5}Clean working tree: 1 modified file\n {9}fix: Commit or stash/m);
    assert.match(res.stdout, /\nNO-GO: 1 required gate failing: Clean working tree \(1 modified file\)\n$/);
  });

  it('names the untracked file of a dirty tree under its failing gate', () => {
    const r = healthy();
    r.write('notes-draft.txt', 'scratch\n');
    const res = cli(['gates', '--repo', r.dir]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(res.stdout, /^FAIL {5}Clean working tree: 1 untracked file\n {9}fix: [^\n]*\n {9}untracked \(1\):\n {11}notes-draft\.txt\n/m);
    // A passing gate shows no details.
    assert.match(res.stdout, /^PASS {5}On a branch: on branch main\nWARN/m);
  });

  it('shows at most 10 detail lines of a gate, then says how many more there are', () => {
    const r = healthy();
    for (let i = 1; i <= 6; i++) r.write(`new-${i}.txt`, 'x\n');
    for (let i = 1; i <= 3; i++) {
      r.write(`staged-${i}.txt`, 'x\n');
      r.git('add', `staged-${i}.txt`);
    }
    const res = cli(['gates', '--repo', r.dir]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const lines = res.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('FAIL     Clean working tree:')) + 2; // after the reason and the fix
    // The JSON output has every line: staged (3): + 3 names, untracked (6): + 5 names + "… 1 more", and maybe a note.
    const all: string[] = JSON.parse(cli(['gates', '--repo', r.dir, '--format', 'json']).stdout).results[0].details.split('\n');
    assert.ok(all.length >= 11, all.join('\n'));
    assert.deepEqual(lines.slice(start, start + 10), [
      '         staged (3):',
      '           staged-1.txt',
      '           staged-2.txt',
      '           staged-3.txt',
      '         untracked (6):',
      '           new-1.txt',
      '           new-2.txt',
      '           new-3.txt',
      '           new-4.txt',
      '           new-5.txt',
    ]);
    const more = all.length - 10;
    assert.equal(lines[start + 10], `         … and ${more} more line${more === 1 ? '' : 's'} (--format json has them all)`);
    assert.match(lines[start + 11]!, /^PASS {5}On a branch/);
  });

  it('keeps a hostile file name inert: no escape sequence reaches the terminal', function () {
    const r = healthy();
    const name = 'evil\u001b[2J\u001b]0;pwned\u0007\u001b[31mred.txt';
    try {
      writeFileSync(join(r.dir, name), 'x\n');
    } catch {
      this.skip(); // the filesystem refuses control characters in names
    }
    const res = cli(['gates', '--repo', r.dir]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(res.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(res.stdout, /^ {11}evil.*red\.txt$/m);
    // The JSON output names the file too (sanitized the same way).
    const json = JSON.parse(cli(['gates', '--repo', r.dir, '--format', 'json']).stdout);
    assert.match(json.results[0].details, /evil.*red\.txt/);
  });

  it('prints { verdict, results } as JSON', () => {
    const r = healthy();
    const res = cli(['gates', '--repo', r.dir, '--format', 'json']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(Object.keys(out), ['verdict', 'results']);
    assert.equal(out.verdict.decision, 'GO');
    assert.deepEqual(out.results.map((x: { id: string }) => x.id), ['clean-tree', 'on-branch', 'up-to-date', 'no-fixups']);
    assert.deepEqual(Object.keys(out.results[0]).sort(), ['durationMs', 'id', 'kind', 'reason', 'required', 'status', 'title']);
  });

  it('exits 2 on config and usage errors, naming the path, and runs no gate', () => {
    const r = healthy();
    for (const args of [['--format', 'markdown'], ['--from', 'v1.0.0'], ['--only', 'nope'], ['--bogus']]) {
      const res = cli(['gates', '--repo', r.dir, ...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, /^error: /);
    }
    assert.equal(cli(['notes', '--repo', r.dir, '--allow-commands']).code, 2);
    writeFileSync(join(r.dir, '.release-manager.json'), JSON.stringify({ gates: [{ id: 'a', kind: 'cleanTree' }, { id: 'a', kind: 'upToDate' }, { id: 'c', kind: 'cleanTree', timeoutMs: -5 }] }));
    const bad = cli(['gates', '--repo', r.dir]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /gates\[2\]\.timeoutMs/);
  });

  it('runs command gates only with --allow-commands', () => {
    const r = healthy();
    const marker = join(r.dir, 'ran.txt');
    writeFileSync(join(r.dir, '.gitignore'), 'ran.txt\n');
    r.git('add', '.gitignore');
    configure(r, {
      gates: [
        { id: 'tree', kind: 'cleanTree' },
        { id: 'tests', kind: 'command', title: 'Tests', argv: [process.execPath, '-e', 'require("fs").writeFileSync("ran.txt", "x"); console.log(process.argv[1])', '$(rm -rf ~)'] },
      ],
    });
    const refused = cli(['gates', '--repo', r.dir]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^UNKNOWN {2}Tests: requires --allow-commands$/m);
    assert.match(refused.stdout, /NO-GO: 1 required gate unknown: Tests \(requires --allow-commands\)/);
    assert.equal(existsSync(marker), false);
    const allowed = cli(['gates', '--repo', r.dir, '--allow-commands', '--format', 'json']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.equal(existsSync(marker), true);
    const tests = JSON.parse(allowed.stdout).results[1];
    assert.equal(tests.status, 'pass');
    assert.match(tests.details, /\n\$\(rm -rf ~\)\n/);
  });

  it('re-runs one gate with --only', () => {
    const r = healthy();
    r.write('scratch.txt', 'x\n');
    const res = cli(['gates', '--repo', r.dir, '--only', 'no-fixups', '--format', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout).results.map((x: { id: string }) => x.id), ['no-fixups']);
  });

  it('on Ctrl-C cancels the run, kills the gate\'s process tree and exits 130', async () => {
    const r = healthy();
    writeFileSync(join(r.dir, '.gitignore'), 'pid\n');
    r.git('add', '.gitignore');
    const script = 'require("fs").writeFileSync("pid", String(process.pid)); setInterval(() => {}, 1000)';
    configure(r, { gates: [{ id: 'hang', kind: 'command', argv: [process.execPath, '-e', script] }] });
    const child = spawn(process.execPath, [CLI, 'gates', '--repo', r.dir, '--allow-commands'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const pidFile = join(r.dir, 'pid');
    await poll('the gate process to write its pid', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', { timeoutMs: 10_000, intervalMs: 20 });
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stdout, /^SKIPPED {2}Command: cancelled$/m);
    assert.ok(await gone(Number(readFileSync(pidFile, 'utf8'))), 'the gate process was killed');
  });
});
