import assert from 'node:assert/strict';
import type * as semver from 'semver';
import type { Change } from '../../../src/core/commits';
import type { ReleaseConfig } from '../../../src/core/config';
import { changeBump, decideVersion, isMaintenanceBranch, nextPrerelease, type VersionInput } from '../../../src/core/version';
import { change, config, sha, v } from '../../helpers/fixtures';

const TARGET = sha('target');

function decide(current: string | null, changes: Change[], over: Partial<Omit<VersionInput, 'current' | 'changes' | 'config'>> & { config?: Partial<ReleaseConfig> } = {}) {
  const { config: cfg, ...rest } = over;
  return decideVersion({
    current: current === null ? null : v(current),
    changes,
    config: config(cfg),
    initialVersion: '0.1.0',
    allVersions: current === null ? [] : [v(current)],
    branch: 'main',
    prerelease: null,
    targetHash: TARGET,
    ...rest,
  });
}

const feat = change({ hash: sha('feat'), type: 'feat', subject: 'add x' });
const fix = change({ hash: sha('fix'), type: 'fix', subject: 'repair y' });
const perf = change({ hash: sha('perf'), type: 'perf', subject: 'speed z' });
const docs = change({ hash: sha('docs'), type: 'docs', subject: 'explain' });
const chore = change({ hash: sha('chore'), type: 'chore', subject: 'tidy' });
const plain = change({ hash: sha('plain'), type: null, subject: 'Update stuff' });
const breaking = change({ hash: sha('breaking'), type: 'feat', subject: 'new api', breaking: true, breakingNotes: ['old api removed'] });

describe('core/version', () => {
  describe('decideVersion', () => {
    it('bumps major for a breaking change at 1.x and above', () => {
      const d = decide('1.4.2', [fix, breaking, feat]);
      assert.equal(d.next, '2.0.0');
      assert.equal(d.bump, 'major');
      assert.equal(d.current, '1.4.2');
      assert.equal(d.firstRelease, false);
      assert.equal(d.hotfix, false);
    });

    it('bumps minor for a breaking change below 1.0.0 by default', () => {
      const d = decide('0.4.2', [breaking]);
      assert.equal(d.next, '0.5.0');
      assert.equal(d.bump, 'minor');
      assert.match(d.reasons[0]!.why, /breakingBelow1/);
    });

    it("bumps major for a breaking change below 1.0.0 with breakingBelow1: 'major'", () => {
      const d = decide('0.4.2', [breaking], { config: { breakingBelow1: 'major' } });
      assert.equal(d.next, '1.0.0');
      assert.equal(d.bump, 'major');
    });

    it('bumps minor for a feature', () => {
      assert.equal(decide('1.2.3', [fix, feat]).next, '1.3.0');
    });

    it('bumps patch for a fix or a perf change', () => {
      assert.equal(decide('1.2.3', [fix]).next, '1.2.4');
      assert.equal(decide('1.2.3', [perf]).next, '1.2.4');
    });

    it('proposes no release for docs and chores only', () => {
      const d = decide('1.2.3', [docs, chore]);
      assert.equal(d.next, null);
      assert.equal(d.bump, 'none');
      assert.deepEqual(d.reasons, []);
    });

    it('proposes no release for an empty range', () => {
      assert.equal(decide('1.2.3', []).next, null);
    });

    it('bumps a commit without a Conventional Commits type by otherBump', () => {
      assert.equal(decide('1.2.3', [plain]).next, '1.2.4');
      assert.equal(decide('1.2.3', [plain], { config: { otherBump: 'minor' } }).next, '1.3.0');
      assert.equal(decide('1.2.3', [plain], { config: { otherBump: 'none' } }).next, null);
    });

    it('follows a configured bump table', () => {
      assert.equal(decide('1.2.3', [docs], { config: { bump: { docs: 'patch' } } }).next, '1.2.4');
      assert.equal(decide('1.2.3', [feat], { config: { bump: { feat: 'patch' } } }).next, '1.2.4');
    });

    it('lists as reasons exactly the commits at the winning level', () => {
      const feat2 = change({ hash: sha('feat2'), type: 'feat', subject: 'add w' });
      const d = decide('1.2.3', [fix, feat, docs, feat2, plain]);
      assert.deepEqual(
        d.reasons.map((r) => r.hash),
        [feat.hash, feat2.hash],
      );
      assert.match(d.reasons[0]!.why, /add x/);
      const major = decide('1.2.3', [fix, breaking, feat]);
      assert.deepEqual(
        major.reasons.map((r) => r.hash),
        [breaking.hash],
      );
      assert.match(major.reasons[0]!.why, /old api removed/);
    });

    it('uses initialVersion for a first release, whatever the changes', () => {
      const d = decide(null, [breaking, feat], { initialVersion: '1.0.0' });
      assert.equal(d.next, '1.0.0');
      assert.equal(d.current, null);
      assert.equal(d.bump, 'initial');
      assert.equal(d.firstRelease, true);
      assert.deepEqual(
        d.reasons.map((r) => r.hash),
        [TARGET],
      );
      assert.match(d.reasons[0]!.why, /1\.0\.0/);
    });

    it('numbers a first prerelease from the initial version', () => {
      assert.equal(decide(null, [feat], { prerelease: 'beta' }).next, '0.1.0-beta.0');
      assert.equal(decide(null, [feat], { prerelease: 'beta', allVersions: [v('0.1.0-beta.0')] }).next, '0.1.0-beta.1');
    });

    it('numbers prereleases rc.0, then rc.1', () => {
      const first = decide('1.2.3', [feat], { prerelease: 'rc' });
      assert.equal(first.next, '1.3.0-rc.0');
      assert.equal(first.prerelease, 'rc');
      assert.equal(first.bump, 'minor');
      assert.equal(decide('1.2.3', [feat], { prerelease: 'rc', allVersions: [v('1.2.3'), v('1.3.0-rc.0')] }).next, '1.3.0-rc.1');
    });

    it('numbers the prerelease after rc.9 as rc.10 (numeric, not text, order)', () => {
      const existing = Array.from({ length: 10 }, (_, i) => v(`1.3.0-rc.${i}`)).reverse();
      assert.equal(decide('1.2.3', [feat], { prerelease: 'rc', allVersions: [v('1.2.3'), ...existing] }).next, '1.3.0-rc.10');
    });

    it('is not a hotfix when only a newer prerelease exists', () => {
      const d = decide('1.2.3', [feat], { allVersions: [v('1.2.3'), v('1.3.0-rc.0')] });
      assert.equal(d.hotfix, false);
      assert.equal(d.next, '1.3.0');
      assert.deepEqual(d.warnings, []);
    });

    it('caps a release from a maintenance branch (release/1.x) to a patch, with a warning', () => {
      const d = decide('1.2.3', [feat, fix], { branch: 'release/1.x' });
      assert.equal(d.next, '1.2.4');
      assert.equal(d.bump, 'patch');
      assert.equal(d.hotfix, true);
      assert.equal(d.warnings.length, 1);
      assert.match(d.warnings[0]!, /minor/);
      assert.match(d.warnings[0]!, /release\/1\.x/);
      assert.equal(d.reasons[0]!.hash, TARGET);
      assert.deepEqual(
        d.reasons.slice(1).map((r) => r.hash),
        [feat.hash],
      );
    });

    it('caps a breaking change on a `1.2.x` maintenance branch to a patch', () => {
      const d = decide('1.2.3', [breaking], { branch: '1.2.x' });
      assert.equal(d.next, '1.2.4');
      assert.equal(d.hotfix, true);
      assert.match(d.warnings[0]!, /major/);
    });

    it('marks a patch from a maintenance branch as a hotfix without a warning', () => {
      const d = decide('1.2.3', [fix], { branch: 'hotfix/login' });
      assert.equal(d.next, '1.2.4');
      assert.equal(d.hotfix, true);
      assert.deepEqual(d.warnings, []);
    });

    it('is not a hotfix when nothing is released', () => {
      const d = decide('1.2.3', [docs], { branch: 'release/1.x' });
      assert.equal(d.hotfix, false);
      assert.equal(d.next, null);
    });

    it('treats a release behind a newer release elsewhere as a hotfix', () => {
      const d = decide('1.2.3', [feat], { branch: 'main', allVersions: [v('1.2.3'), v('1.3.0')] });
      assert.equal(d.next, '1.2.4');
      assert.equal(d.hotfix, true);
      assert.match(d.warnings[0]!, /newer release/);
    });

    it('numbers a prerelease of a hotfix from the capped version', () => {
      const d = decide('1.2.3', [feat], { branch: 'release/1.x', prerelease: 'rc', allVersions: [v('1.2.3'), v('1.2.4-rc.0')] });
      assert.equal(d.next, '1.2.4-rc.1');
    });

    it('does not silently propose a version that is already tagged', () => {
      // 1.2.4 was released from a branch that is not in this history (e.g. history rewritten after the tag).
      // Regression (was a bug, now fixed): decideVersion (src/core/version.ts lines 117-121) never checks `next` against allVersions, so it proposes
      // 1.2.4 again and the release fails (or worse, is confused with the old one) at tag time.
      const allVersions = [v('1.2.3'), v('1.2.4')];
      const d = decide('1.2.3', [fix], { branch: 'release/1.x', allVersions });
      const taken = allVersions.some((x) => x.version === d.next);
      assert.ok(!taken || d.warnings.some((w) => w.includes('1.2.4')), `proposed ${d.next}, which already exists, without a warning`);
    });
  });

  describe('release commits', () => {
    it('never bump the version, even when listed (releaseCommits: "show") or plain (otherBump)', () => {
      const cut = [
        change({ hash: sha('r1'), type: null, subject: '1.0.1' }),
        change({ hash: sha('r2'), type: 'release', subject: 'v1.0.1' }),
        change({ hash: sha('r3'), type: 'chore', scope: 'release', subject: '2.0.0', breaking: true, breakingNotes: ['2.0.0'] }),
      ];
      for (const over of [{}, { config: { releaseCommits: 'show' as const, bump: { release: 'minor' as const } } }]) {
        const d = decide('1.0.0', cut, over);
        assert.equal(d.next, null);
        assert.equal(d.bump, 'none');
      }
      const withFix = decide('1.0.0', [...cut, fix]);
      assert.equal(withFix.next, '1.0.1');
      assert.deepEqual(withFix.reasons.map((r) => r.hash), [fix.hash]);
      assert.match(changeBump(cut[0]!, config(), null).why, /→ none \(a release commit\)$/);
    });
  });

  describe('changeBump', () => {
    const current: semver.SemVer = v('1.0.0');

    it('gives an unknown type no bump', () => {
      assert.equal(changeBump(change({ type: 'wip' }), config(), current).level, 'none');
    });

    it('gives no bump to a `constructor:` commit (a type named like an Object.prototype member)', () => {
      // Types are lowercased and start with a letter, so `constructor` is the member a commit header can name.
      // Regression (was a bug, now fixed): changeBump (src/core/version.ts line 61) reads `config.bump[change.type]` on a plain object, so a commit
      // `constructor: x` gets the Object function as its level (and a nonsense reason). Use Object.hasOwn.
      assert.equal(changeBump(change({ type: 'constructor' }), config(), current).level, 'none');
    });
  });

  describe('isMaintenanceBranch', () => {
    const patterns = config().maintenanceBranches;

    it('matches the default maintenance patterns', () => {
      for (const b of ['release/1.x', 'release/2024-01', 'maint/1.2', 'hotfix/login', '1.x', '1.2.x']) {
        assert.equal(isMaintenanceBranch(b, patterns), true, b);
      }
    });

    it('lets * match within one path segment only', () => {
      for (const b of ['main', 'feature/1.x', 'release/1/x', 'release', 'my-release/1', '1.xy']) {
        assert.equal(isMaintenanceBranch(b, patterns), false, b);
      }
    });

    it('treats regex characters in patterns literally', () => {
      assert.equal(isMaintenanceBranch('v1+2', ['v1+2']), true);
      assert.equal(isMaintenanceBranch('v112', ['v1+2']), false);
      assert.equal(isMaintenanceBranch('1a2', ['1.2']), false);
    });

    it('is false for a detached HEAD', () => {
      assert.equal(isMaintenanceBranch(null, patterns), false);
    });
  });

  describe('nextPrerelease', () => {
    it('ignores other channels, other bases and malformed prereleases', () => {
      const existing = [v('1.3.0-beta.4'), v('1.4.0-rc.7'), v('1.3.0-rc'), v('1.3.0-rc.2.1'), v('1.3.0-rc.x')];
      assert.equal(nextPrerelease('1.3.0', 'rc', existing), '1.3.0-rc.0');
    });

    it('continues after the highest number, not the last seen', () => {
      assert.equal(nextPrerelease('1.3.0', 'rc', [v('1.3.0-rc.3'), v('1.3.0-rc.11'), v('1.3.0-rc.2')]), '1.3.0-rc.12');
    });
  });
});
