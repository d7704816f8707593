import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseConfigSchema } from '../../../src/core/config';
import { runGates, verdict } from '../../../src/core/gates/engine';
import { contextFor, runOn, runOne } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

/** A released repository with one feature since: the next version is 1.3.0. */
function released(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.2.0');
  r.commit('feat: export as CSV');
  return r;
}

/** Gives the repository a bare "origin" with main pushed and tracked. */
function withOrigin(r: TestRepo): string {
  const bare = mkdtempSync(join(tmpdir(), 'rm-origin-'));
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  r.git('remote', 'add', 'origin', bare);
  r.git('push', '-q', '-u', 'origin', 'main');
  return bare;
}

const outside: string[] = [];

describe('gates on real repositories', () => {
  after(() => {
    TestRepo.cleanup();
    for (const d of outside.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  describe('the default set', () => {
    it('passes on a healthy repository (GO)', async () => {
      const r = released();
      const results = await runGates(releaseConfigSchema().parse({}).gates, await contextFor(r));
      assert.deepEqual(results.map((x) => [x.id, x.status]), [['clean-tree', 'pass'], ['on-branch', 'pass'], ['up-to-date', 'warn'], ['no-fixups', 'pass']]);
      const v = verdict(results);
      assert.equal(v.decision, 'GO', v.summary);
      assert.match(v.summary, /^GO: all 4 required gates pass; 1 advisory: Up to date with upstream \(warn: main has no upstream/);
    });

    it('passes without any advisory on a pushed repository', async () => {
      const r = released();
      outside.push(withOrigin(r));
      const v = verdict(await runGates(releaseConfigSchema().parse({}).gates, await contextFor(r)));
      assert.equal(v.summary, 'GO: all 4 required gates pass');
    });

    it('fails on a dirty one (NO-GO), naming what is dirty', async () => {
      const r = released();
      r.write('file-1.txt', 'edited\n');
      r.write('notes.txt', 'scratch\n');
      const v = verdict(await runGates(releaseConfigSchema().parse({}).gates, await contextFor(r)));
      assert.equal(v.decision, 'NO-GO');
      assert.equal(v.summary, 'NO-GO: 1 required gate failing: Clean working tree (1 modified file, 1 untracked file)');
    });
  });

  describe('cleanTree', () => {
    it('counts staged, modified and untracked files and lists them in the details', async () => {
      const r = released();
      r.write('staged.txt', 'x\n');
      r.git('add', 'staged.txt');
      r.write('file-1.txt', 'edited\n');
      r.write('new dir/untracked file.txt', 'x\n');
      const res = await runOne(r, { kind: 'cleanTree' });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, '1 staged file, 1 modified file, 1 untracked file');
      assert.match(res.details!, /staged \(1\):\n {2}staged\.txt/);
      assert.match(res.details!, /untracked \(1\):\n {2}new dir\//);
      const allowed = await runOne(r, { kind: 'cleanTree', allowUntracked: true });
      assert.equal(allowed.reason, '1 staged file, 1 modified file');
    });

    it('lets untracked files through when allowed', async () => {
      const r = released();
      r.write('scratch.txt', 'x\n');
      const res = await runOne(r, { kind: 'cleanTree', allowUntracked: true });
      assert.equal(res.status, 'pass');
      assert.equal(res.reason, 'working tree clean (1 untracked file allowed)');
    });

    it('names a merge in progress and its conflicts', async () => {
      const r = released();
      r.checkout('topic', true);
      r.commit('fix: topic side', { file: 'shared.txt' });
      r.checkout('main');
      r.write('shared.txt', 'main side\n');
      r.git('add', 'shared.txt');
      r.git('commit', '-q', '-m', 'fix: main side');
      assert.throws(() => r.git('merge', '-q', 'topic'));
      const res = await runOne(r, { kind: 'cleanTree' });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, 'merge in progress, 1 conflicted file');
      assert.match(res.fix!.label, /git merge --abort/);
    });

    it('names a rebase in progress', async () => {
      const r = released();
      r.checkout('topic', true);
      r.commit('fix: topic side', { file: 'shared.txt' });
      r.checkout('main');
      r.commit('fix: main side', { file: 'shared.txt' });
      r.checkout('topic');
      assert.throws(() => r.git('rebase', '-q', 'main'));
      const res = await runOne(r, { kind: 'cleanTree' });
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /^rebase in progress/);
      assert.match(res.fix!.label, /git rebase --abort/);
    });

    it('names a leftover index.lock and never deletes it', async () => {
      const r = released();
      const lock = join(r.dir, '.git', 'index.lock');
      writeFileSync(lock, '');
      const res = await runOne(r, { kind: 'cleanTree' });
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /a leftover \.git\/index\.lock exists/);
      assert.match(res.fix!.label, /delete \.git\/index\.lock yourself/);
      assert.ok(existsSync(lock), 'the lock is left alone');
    });
  });

  describe('releaseBranch', () => {
    it('passes on a release branch and fails elsewhere, naming the patterns', async () => {
      const r = released();
      assert.equal((await runOne(r, { kind: 'releaseBranch' })).reason, 'on main, a release branch');
      r.checkout('release/1.x', true);
      assert.equal((await runOne(r, { kind: 'releaseBranch' })).status, 'pass');
      r.checkout('feature/search', true);
      const res = await runOne(r, { kind: 'releaseBranch' });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, 'on feature/search, which is not a release branch (main, master, release/*, hotfix/*, maint/*, *.x)');
      assert.deepEqual(res.fix!.action, { kind: 'openConfig' });
      assert.equal((await runOne(r, { kind: 'releaseBranch', patterns: ['feature/**'] })).status, 'pass');
    });

    it('fails on a detached HEAD', async () => {
      const r = released();
      r.git('checkout', '-q', '--detach', 'HEAD');
      const res = await runOne(r, { kind: 'releaseBranch', patterns: ['**'] });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, `HEAD is detached at ${r.head().slice(0, 7)}: releases are cut from a branch`);
    });
  });

  describe('upToDate', () => {
    it('warns (or fails, when configured) without an upstream, and never fetches', async () => {
      const r = released();
      const res = await runOne(r, { kind: 'upToDate' });
      assert.equal(res.status, 'warn');
      assert.equal(res.reason, 'main has no upstream: cannot tell whether it is behind');
      assert.equal((await runOne(r, { kind: 'upToDate', noUpstream: 'fail' })).status, 'fail');
    });

    it('passes when even, warns when ahead, fails when behind or diverged, saying the data may be stale', async () => {
      const r = released();
      outside.push(withOrigin(r));
      const even = await runOne(r, { kind: 'upToDate' });
      assert.equal(even.status, 'pass');
      assert.equal(even.reason, 'up to date with origin/main (as of the last fetch; nothing was fetched)');
      r.commit('fix: local only');
      const ahead = await runOne(r, { kind: 'upToDate' });
      assert.equal(ahead.status, 'warn');
      assert.equal(ahead.reason, '1 local commit not pushed to origin/main (as of the last fetch)');
      assert.equal((await runOne(r, { kind: 'upToDate', ahead: 'pass' })).status, 'pass');
      r.git('push', '-q');
      r.git('reset', '-q', '--hard', 'HEAD~1');
      const behind = await runOne(r, { kind: 'upToDate' });
      assert.equal(behind.status, 'fail');
      assert.equal(behind.reason, 'main is 1 commit behind origin/main (as of the last fetch)');
      r.commit('fix: another local one');
      const diverged = await runOne(r, { kind: 'upToDate' });
      assert.equal(diverged.status, 'fail');
      assert.equal(diverged.reason, 'main and origin/main have diverged: 1 ahead, 1 behind (as of the last fetch)');
    });

    it('names an upstream that is gone', async () => {
      const r = released();
      outside.push(withOrigin(r));
      r.git('config', 'branch.main.merge', 'refs/heads/deleted');
      const res = await runOne(r, { kind: 'upToDate' });
      assert.equal(res.status, 'warn');
      assert.equal(res.reason, 'the upstream origin/deleted of main is gone (as of the last fetch)');
    });
  });

  describe('versionBumped', () => {
    const pkg = (version: string) => JSON.stringify({ name: 'app', private: true, version }, null, 2) + '\n';

    it('passes when package.json has the next version', async () => {
      const r = released();
      r.write('package.json', pkg('1.3.0'));
      const res = await runOne(r, { kind: 'versionBumped' });
      assert.equal(res.status, 'pass', res.reason);
      assert.equal(res.reason, 'package.json has 1.3.0, the next version after 1.2.0');
    });

    it('fails naming the file, its value and the expected version, with a fix that opens the line', async () => {
      const r = released();
      r.write('package.json', pkg('1.2.0'));
      const res = await runOne(r, { kind: 'versionBumped' });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, 'package.json has 1.2.0, expected 1.3.0 (not bumped since the last release 1.2.0)');
      assert.deepEqual(res.fix!.action, { kind: 'openFile', path: 'package.json', line: 4 });
      r.write('package.json', pkg('1.4.0'));
      assert.equal((await runOne(r, { kind: 'versionBumped' })).reason, 'package.json has 1.4.0, expected 1.3.0 (the computed next version)');
      r.write('package.json', pkg('1.1.0'));
      assert.match((await runOne(r, { kind: 'versionBumped' })).reason, /lower than the last release 1\.2\.0/);
    });

    it('fails on a missing file, a non-semver value and a missing key', async () => {
      const r = released();
      assert.equal((await runOne(r, { kind: 'versionBumped' })).reason, 'package.json does not exist');
      r.write('package.json', pkg('v1.3.0'));
      assert.equal((await runOne(r, { kind: 'versionBumped' })).reason, 'package.json has v1.3.0, which is not a valid semver version');
      r.write('package.json', pkg('banana'));
      assert.match((await runOne(r, { kind: 'versionBumped' })).reason, /banana, which is not a valid semver/);
      r.write('package.json', '{"name": "app"}');
      assert.equal((await runOne(r, { kind: 'versionBumped' })).reason, 'package.json has no version');
      r.write('package.json', '{"version": 1.3}');
      assert.equal((await runOne(r, { kind: 'versionBumped' })).reason, 'package.json version is 1.3, not a version string');
      r.write('package.json', '{"version": ');
      assert.match((await runOne(r, { kind: 'versionBumped' })).reason, /package\.json is not valid JSON/);
    });

    it('reads a version by regex and requires every file to agree', async () => {
      const r = released();
      r.write('package.json', pkg('1.3.0'));
      r.write('src/version.ts', '// generated\nexport const VERSION = \'1.3.1\';\n');
      r.write('Cargo.toml', '[package]\nname = "app"\nversion = "1.3.0"\n');
      const files = [
        { path: 'package.json', jsonPath: 'version' },
        { path: 'Cargo.toml', regex: '^version\\s*=\\s*"([^"]+)"' },
        { path: 'src/version.ts', regex: "VERSION = '([^']+)'" },
      ];
      const res = await runOne(r, { kind: 'versionBumped', files });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, 'version files disagree: package.json has 1.3.0, src/version.ts has 1.3.1');
      assert.deepEqual(res.fix!.action, { kind: 'openFile', path: 'src/version.ts', line: 2 });
      r.write('src/version.ts', '// generated\nexport const VERSION = \'1.3.0\';\n');
      const ok = await runOne(r, { kind: 'versionBumped', files });
      assert.equal(ok.status, 'pass', ok.reason);
      assert.equal(ok.reason, '3 files have 1.3.0, the next version after 1.2.0');
      const none = await runOne(r, { kind: 'versionBumped', files: [{ path: 'Cargo.toml', regex: '^release = "(.+)"' }] });
      assert.equal(none.reason, 'Cargo.toml has no line matching ^release = "(.+)"');
    });

    it('stops a pathological regex in time instead of freezing (unknown, blocks)', async () => {
      const r = released();
      // Accepted by the syntax check (no repeated group), yet polynomially slow on a long line of "=".
      r.write('VERSION', `${'='.repeat(400)}\n`);
      const t0 = Date.now();
      const res = await runOne(r, { kind: 'versionBumped', files: [{ path: 'VERSION', regex: '.*=.*=.*=.*=.*=(x)' }] });
      // Unguarded, this regex runs for hours: a generous bound that a busy machine still meets.
      assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
      assert.equal(res.status, 'unknown');
      assert.match(res.reason, /took longer than 500 ms/);
    });

    it('refuses a version file that is a link to outside the repository', async () => {
      const r = released();
      const dir = mkdtempSync(join(tmpdir(), 'rm-outside-'));
      outside.push(dir);
      writeFileSync(join(dir, 'package.json'), pkg('1.3.0'));
      symlinkSync(join(dir, 'package.json'), join(r.dir, 'package.json'));
      const res = await runOne(r, { kind: 'versionBumped' });
      assert.equal(res.status, 'unknown');
      assert.match(res.reason, /package\.json" resolves outside the repository/);
    });

    it('uses the initial version for a first release', async () => {
      const r = TestRepo.create();
      r.commit('feat: first');
      r.write('package.json', pkg('0.1.0'));
      const res = await runOne(r, { kind: 'versionBumped' });
      assert.equal(res.status, 'pass', res.reason);
      assert.equal(res.reason, 'package.json has 0.1.0, the next version');
    });

    it('fails when there is nothing to release', async () => {
      const r = released();
      r.tag('v1.3.0');
      r.write('package.json', pkg('1.3.0'));
      const res = await runOne(r, { kind: 'versionBumped' });
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /nothing to release/);
    });
  });

  describe('changelog', () => {
    it('passes when the changelog mentions the next version, pointing at the line', async () => {
      const r = released();
      r.write('CHANGELOG.md', '# Changelog\n\n## [1.3.0] - 2026-03-03\n\n- CSV\n\n## 1.2.0\n');
      const res = await runOne(r, { kind: 'changelog' });
      assert.equal(res.status, 'pass');
      assert.equal(res.reason, 'CHANGELOG.md mentions 1.3.0 (line 3)');
    });

    it('fails when it does not (a prerelease or a longer version is not a mention), or is missing', async () => {
      const r = released();
      assert.equal((await runOne(r, { kind: 'changelog' })).reason, 'CHANGELOG.md does not exist');
      r.write('docs/CHANGES.md', '## 1.3.0-rc.1\n## 11.3.0\n## 1.3.0.1\n## 1.2.0\n');
      const res = await runOne(r, { kind: 'changelog', path: 'docs/CHANGES.md' });
      assert.equal(res.status, 'fail');
      assert.equal(res.reason, 'docs/CHANGES.md does not mention 1.3.0');
      assert.deepEqual(res.fix!.action, { kind: 'openFile', path: 'docs/CHANGES.md', line: 1 });
      r.write('docs/CHANGES.md', 'Released v1.3.0.\n');
      assert.equal((await runOne(r, { kind: 'changelog', path: 'docs/CHANGES.md' })).status, 'pass');
    });
  });

  describe('noFixups', () => {
    it('passes on a clean range and names fixup, squash, amend and WIP commits', async () => {
      const r = released();
      r.commit('feat: wipe the cache'); // "wipe" is not WIP
      assert.equal((await runOne(r, { kind: 'noFixups' })).reason, 'none in 2 commits of the release range');
      const fixup = r.commit('fixup! feat: export as CSV');
      r.commit('WIP: half a feature');
      r.commit('squash! feat: wipe the cache');
      const res = await runOne(r, { kind: 'noFixups' });
      assert.equal(res.status, 'fail');
      assert.match(res.reason, /^3 commits to squash or reword before the release: [0-9a-f]{7} squash! feat: wipe the cache, [0-9a-f]{7} WIP: half a feature, [0-9a-f]{7} fixup! feat: export as CSV$/);
      assert.ok(res.details!.includes(`${fixup} fixup! feat: export as CSV`));
    });

    it('only looks at the release range', async () => {
      const r = TestRepo.create();
      r.commit('WIP: old history');
      r.tag('v1.0.0');
      r.commit('fix: new');
      assert.equal((await runOne(r, { kind: 'noFixups' })).status, 'pass');
    });
  });

  it('fails closed for the gates that need history in a repository without commits', async () => {
    const r = TestRepo.create();
    const res = await runOn(r, [{ id: 'tree', kind: 'cleanTree' }, { id: 'fix', kind: 'noFixups' }]);
    assert.equal(res.tree!.status, 'pass');
    assert.equal(res.fix!.status, 'unknown');
    assert.match(res.fix!.reason, /no commits yet/);
  });
});
