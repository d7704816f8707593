import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const GATES = [
  { id: 'qa', kind: 'manual', title: 'QA sign-off', description: 'QA ran the regression suite' },
  { id: 'two', kind: 'manual', title: 'Two reviewers', description: 'Two people reviewed the rollout', approvals: 2 },
  { id: 'clean', kind: 'cleanTree' },
];

/** A repository with a release to make (1.1.0) and the gates above. */
function repoWithGates(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.0.0');
  r.commit('feat: second');
  writeFileSync(join(r.dir, '.release-manager.json'), JSON.stringify({ gates: GATES }));
  r.git('add', '.release-manager.json');
  r.git('commit', '-q', '-m', 'chore: config');
  return r;
}

describe('release-manager signoff', () => {
  after(() => TestRepo.cleanup());

  it('turns the manual gate from PENDING (naming the command) to PASS, and the file alone does not make the tree dirty', () => {
    const r = repoWithGates();
    const before = cli(['gates', '--repo', r.dir, '--only', 'qa']);
    assert.equal(before.code, 1, before.stdout + before.stderr);
    assert.match(before.stdout, /^PENDING {2}QA sign-off: awaiting sign-off for 1\.1\.0: QA ran the regression suite\n {9}fix: Sign off: [^\n]*release-manager signoff --gate qa/m);
    const res = cli(['signoff', '--repo', r.dir, '--gate', 'qa', '--note', 'regression green']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /^Signed off qa for 1\.1\.0 as Alice Doe <alice@example\.com> \(1 of 1 approval\)\.\n/);
    assert.match(res.stdout, /nothing was committed or pushed[^\n]*\n {2}git add -- \.release-manager\/signoffs\.json && git commit -m 'chore\(release\): sign off qa for 1\.1\.0' -- \.release-manager\/signoffs\.json && git push\n$/);
    assert.equal(git(r.dir, 'log', '-1', '--format=%s'), 'chore: config\n', 'nothing was committed');
    const after = cli(['gates', '--repo', r.dir, '--only', 'qa', '--only', 'clean']);
    assert.match(after.stdout, /^PASS {5}QA sign-off: signed off for 1\.1\.0 by Alice Doe <alice@example\.com> on \d{4}-[^:]+:\d\d:\d\d\.\d+Z: regression green$/m);
    assert.match(after.stdout, /^PASS {5}Clean working tree: working tree clean$/m);
    assert.equal(after.code, 0, after.stdout);
  });

  it('a second clone sees the sign-off after a pull; two approvals need two people', () => {
    const r = repoWithGates();
    const base = mkdtempSync(join(tmpdir(), 'rm-signoff-'));
    const origin = join(base, 'origin.git');
    git(base, 'clone', '-q', '--bare', r.dir, origin);
    const alice = join(base, 'alice');
    const bob = join(base, 'bob');
    git(base, 'clone', '-q', origin, alice);
    git(base, 'clone', '-q', origin, bob);
    git(bob, 'config', 'user.name', 'Bob Roe');
    git(bob, 'config', 'user.email', 'bob@example.com');
    git(alice, 'config', 'user.name', 'Alice Doe');
    git(alice, 'config', 'user.email', 'alice@example.com');
    assert.equal(cli(['signoff', '--repo', alice, '--gate', 'two']).code, 0);
    assert.equal(cli(['signoff', '--repo', alice, '--gate', 'two', '--note', 'twice']).code, 0);
    git(alice, 'add', '--', '.release-manager/signoffs.json');
    git(alice, 'commit', '-q', '-m', 'chore(release): sign off two for 1.1.0', '--', '.release-manager/signoffs.json');
    git(alice, 'push', '-q', 'origin', 'HEAD');
    const stale = cli(['gates', '--repo', bob, '--only', 'two']);
    assert.match(stale.stdout, /^PENDING {2}Two reviewers: awaiting sign-off for 1\.1\.0 \(0 of 2 approvals\)/m, `not pulled yet: ${stale.stdout}${stale.stderr}`);
    git(bob, 'pull', '-q', '--ff-only');
    const half = cli(['gates', '--repo', bob, '--only', 'two']);
    assert.match(half.stdout, /^PENDING {2}Two reviewers: awaiting sign-off for 1\.1\.0 \(1 of 2 approvals\)/m, 'the same person twice counts once');
    const res = cli(['signoff', '--repo', bob, '--gate', 'two']);
    assert.match(res.stdout, /as Bob Roe <bob@example\.com> \(2 of 2 approvals\)/);
    const done = cli(['gates', '--repo', bob, '--only', 'two']);
    assert.equal(done.code, 0, done.stdout);
    assert.match(done.stdout, /^PASS {5}Two reviewers: signed off for 1\.1\.0 by 2 people: Bob Roe <bob@example\.com>, Alice Doe <alice@example\.com>$/m);
  });

  it('refuses with exit 2: no --gate, an unknown gate, a gate that is not manual, no next version, a stray option', () => {
    const r = repoWithGates();
    const cases: [string[], RegExp][] = [
      [['signoff', '--repo', r.dir], /error: signoff needs --gate ID\.\nfix: /],
      [['signoff', '--repo', r.dir, '--gate', 'nope'], /error: No gate with id "nope"\.\nfix: Use one of the manual gates: qa, two\./],
      [['signoff', '--repo', r.dir, '--gate', 'clean'], /error: Gate clean is a cleanTree gate: only manual and risk gates are signed off\./],
      [['signoff', '--repo', r.dir, '--gate', 'qa', '--yes'], /error: --yes does not apply to signoff\./],
      [['gates', '--repo', r.dir, '--gate', 'qa'], /error: --gate applies to signoff only\./],
      [['signoff', '--repo', r.dir, '--gate', 'qa', '--note', 'x'.repeat(501)], /error: --note is 501 characters long \(limit 500\)/],
    ];
    for (const [args, err] of cases) {
      const res = cli(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stdout}${res.stderr}`);
      assert.match(res.stderr, err);
    }
    r.tag('v1.1.0');
    const none = cli(['signoff', '--repo', r.dir, '--gate', 'qa']);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /error: There is no next version to sign off/);
  });
});
