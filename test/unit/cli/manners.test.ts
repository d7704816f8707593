import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestRepo } from '../../helpers/testRepo';
import { inert, parseErrorMessage } from '../../../src/cli/main';

const CLI = resolve(__dirname, '../../../dist/cli.js');
const PACKAGE = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string };

function cli(args: string[], cwd = tmpdir()): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function repo(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first', { files: ['packages/web/index.js'] });
  r.tag('v1.0.0');
  r.commit('fix: second');
  return r;
}

describe('CLI manners', () => {
  after(() => TestRepo.cleanup());

  it('says its version with --version and -v', () => {
    for (const flag of ['--version', '-v']) {
      const res = cli([flag]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout, `release-manager ${PACKAGE.version}\n`);
    }
  });

  it('exits 2 without git\'s raw "fatal:" when --from, --to or --repo name nothing', () => {
    const r = repo();
    const missing = join(tmpdir(), `rm-missing-${process.pid}`);
    for (const args of [['notes', '--repo', r.dir, '--from', 'nonexistent'], ['notes', '--repo', r.dir, '--to', 'v9.9.9'], ['changelog', '--repo', r.dir, '--to', 'v9.9.9'], ['notes', '--repo', missing]]) {
      const res = cli(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.doesNotMatch(res.stderr, /fatal:/);
      assert.match(res.stderr, /^error: .+\nfix: .+\n$/);
      assert.equal(res.stdout, '');
    }
  });

  it('names an unknown option once, without a stray quote or advice about positionals', () => {
    const res = cli(['notes', '--bogus']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^error: Unknown option --bogus\.\n/);
    assert.doesNotMatch(res.stderr, /positional/);
    assert.equal(parseErrorMessage("Unknown option '--x'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--x\""), 'Unknown option --x.');
  });

  it('says in terminal words that a folder is not a repository', () => {
    const res = cli(['notes', '--repo', mkdtempSync(join(tmpdir(), 'rm-plain-'))]);
    assert.equal(res.code, 2);
    assert.doesNotMatch(res.stderr, /Open a folder/);
    assert.match(res.stderr, /fix: .*--repo DIR/);
  });

  it('says that --path matches nothing instead of "no notable changes"', () => {
    const r = repo();
    const res = cli(['notes', '--repo', r.dir, '--path', 'nosuchdir']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /"nosuchdir" matches no file or folder/);
    assert.equal(res.stdout, '');
    const ok = cli(['notes', '--repo', r.dir, '--path', 'packages/web']);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('status --env exits 2 naming the known environments', () => {
    const r = repo();
    writeFileSync(join(r.dir, '.release-manager.json'), JSON.stringify({ deploy: { environments: [{ name: 'staging' }, { name: 'production' }] } }));
    const res = cli(['status', '--repo', r.dir, '--env', 'nope']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /Unknown environment "nope"/);
    assert.match(res.stderr, /staging, production/);
    const known = cli(['status', '--repo', r.dir, '--env', 'Staging']);
    assert.equal(known.code, 0, known.stderr);
    assert.match(known.stdout, /No deploys of Staging recorded/);
  });

  it('shows control characters and escapes from the config as text in errors', () => {
    const r = repo();
    writeFileSync(join(r.dir, '.release-manager.json'), '{"tagFormat": "\\u001b[2Jv{version}\\u0000", "gates": [{"kind": "\\u001b]8;;x\\u0007"}]}');
    const res = cli(['notes', '--repo', r.dir]);
    assert.equal(res.code, 2);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(res.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    const option = cli(['notes', '--repo', r.dir, '--\u001b[2Jx']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Unknown option --\\u001b\[2Jx\./);
    assert.equal(inert('a\u001b[31mb\u0000c\u202e'), 'a\\u001b[31mb\\u0000c\\u202e');
    assert.equal(inert('line one\n\tline two'), 'line one\n\tline two');
  });

  it('stops quietly when the reader of its output goes away (changelog | head)', () => {
    const r = TestRepo.create();
    for (let i = 0; i < 40; i++) {
      r.commit(`feat: feature ${i} ${'x'.repeat(3000)}`);
      if (i % 2 === 1) r.tag(`v0.${i}.0`);
    }
    // A real shell pipe: head exits after one line while the CLI is still writing (well over a pipe buffer).
    const res = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" changelog --repo "${r.dir}" | head -1`], { encoding: 'utf8' });
    assert.equal(res.stdout, '# Changelog\n');
    assert.doesNotMatch(res.stderr, /EPIPE|Error|at /);
    assert.equal(res.status, 0, res.stderr);
  });
});
