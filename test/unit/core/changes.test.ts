import assert from 'node:assert/strict';
import { attributeMerges, cancelReverts, collectChanges, isSkipped } from '../../../src/core/changes';
import { toChanges } from '../../../src/core/commits';
import { change, config, history, sha, type Row } from '../../helpers/fixtures';

/** Labels of the remaining changes, newest first, with the subject for squash entries. */
function labels(rows: Row[]) {
  const h = history(rows);
  const result = collectChanges(h.commits, config());
  return {
    changes: result.changes.map((c) => h.label(c.hash)),
    commits: result.commits.map((c) => h.label(c.hash)),
    result,
    h,
  };
}

describe('core/changes', () => {
  describe('attributeMerges', () => {
    // M2 <- M1 <- C0 on the mainline; PR #1 brought A1, A2; PR #2 (branched from M1) brought B1, B2.
    const rows: Row[] = [
      ['M2', ['M1', 'B2'], 'Merge pull request #2 from owner/feat-b\n\nfeat: b'],
      ['B2', ['B1'], 'feat: b2'],
      ['B1', ['M1'], 'fix: b1'],
      ['M1', ['C0', 'A2'], 'Merge pull request #1 from owner/feat-a'],
      ['A2', ['A1'], 'feat: a2'],
      ['A1', ['C0'], 'fix: a1'],
      ['C0', ['BASE'], 'docs: direct commit on main'],
    ];

    it('attaches the PR number of a merge to the commits it brings in', () => {
      const h = history(rows);
      const claimed = attributeMerges(h.commits);
      const byLabel = Object.fromEntries([...claimed].map(([hash, pr]) => [h.label(hash), pr]));
      assert.deepEqual(byLabel, { A2: 1, A1: 1, B2: 2, B1: 2 });
    });

    it('never claims a commit of the first-parent mainline', () => {
      const h = history(rows);
      const claimed = attributeMerges(h.commits);
      for (const l of ['M2', 'M1', 'C0']) assert.equal(claimed.has(sha(l)), false, l);
    });

    it('does not claim a mainline commit that a PR branch merged in from main', () => {
      const h = history([
        ['M', ['C1', 'FM'], 'Merge pull request #5 from owner/feature'],
        ['FM', ['F1', 'C1'], "Merge branch 'main' into feature"],
        ['C1', ['C0'], 'fix: on main'],
        ['F1', ['C0'], 'feat: on the branch'],
        ['C0', [], 'chore: root'],
      ]);
      const claimed = attributeMerges(h.commits);
      assert.equal(claimed.get(sha('F1')), 5);
      assert.equal(claimed.has(sha('C1')), false);
      assert.equal(claimed.has(sha('C0')), false);
    });

    it('ignores merges that are not GitHub PR merges', () => {
      const h = history([
        ['M', ['C0', 'F1'], "Merge branch 'feature'"],
        ['F1', ['C0'], 'feat: x'],
        ['C0', [], 'chore: root'],
      ]);
      assert.equal(attributeMerges(h.commits).size, 0);
    });

    it("attributes a stacked PR's commits to the PR that brought them in", () => {
      // PR #4 (branch y, based on x) was merged into x, then PR #3 (x) into main.
      const h = history([
        ['M3', ['C0', 'X2'], 'Merge pull request #3 from owner/x'],
        ['X2', ['M4'], 'feat: x2'],
        ['M4', ['X1', 'Y1'], 'Merge pull request #4 from owner/y'],
        ['Y1', ['X1'], 'fix: y1'],
        ['X1', ['C0'], 'feat: x1'],
        ['C0', [], 'chore: root'],
      ]);
      const claimed = attributeMerges(h.commits);
      assert.equal(claimed.get(sha('Y1')), 4);
      assert.equal(claimed.get(sha('X2')), 3);
      // Regression (was a bug, now fixed): attributeMerges (src/core/changes.ts lines 33-39) walks everything reachable from a merge's second parent
      // that is not on the range tip's mainline, including the merge's own first-parent history: X1 is reachable
      // from M4's first parent (it was not brought in by #4) but is claimed by #4 because M4 is walked first.
      assert.equal(claimed.get(sha('X1')), 3);
    });
  });

  describe('collectChanges', () => {
    it('never produces entries for merge commits and gives their PR number to the commits they bring in', () => {
      const { changes, result } = labels([
        ['M1', ['C0', 'A1'], 'Merge pull request #1 from owner/feat-a\n\nfeat: title of the PR'],
        ['A1', ['C0'], 'feat: a1'],
        ['C0', [], 'fix: base'],
      ]);
      assert.deepEqual(changes, ['A1', 'C0']);
      assert.equal(result.changes[0]!.pr, 1);
      assert.equal(result.changes[1]!.pr, null);
      assert.deepEqual(result.commits.map((c) => c.hash), [sha('A1'), sha('C0')]);
    });

    it('keeps the PR suffix a commit already has over the merge that brings it in', () => {
      const { result } = labels([
        ['M1', ['C0', 'A1'], 'Merge pull request #1 from owner/feat-a'],
        ['A1', ['C0'], 'feat: cherry-picked (#9)'],
        ['C0', [], 'fix: base'],
      ]);
      assert.equal(result.changes[0]!.pr, 9);
    });

    it("treats a squash merge's inner commits once: one change per entry, no duplicate", () => {
      const { result } = labels([['S', ['C0'], 'feat: big (#7)\n\n* feat: a\n\n* fix: b']]);
      assert.deepEqual(
        result.changes.map((c) => [c.type, c.subject, c.pr, c.fromSquash]),
        [
          ['feat', 'a', 7, true],
          ['fix', 'b', 7, true],
        ],
      );
    });

    it('leaves out commits with a skip marker (any case) from changes but keeps them for contributors', () => {
      const { changes, commits } = labels([
        ['S1', ['S2'], 'fix: noisy\n\n[skip changelog]'],
        ['S2', ['K'], 'feat: also noisy [Skip-Changelog]'],
        ['K', [], 'fix: kept'],
      ]);
      assert.deepEqual(changes, ['K']);
      assert.deepEqual(commits, ['S1', 'S2', 'K']);
    });

    it('leaves out release commits `chore(release): 1.2.0`', () => {
      const { changes } = labels([
        ['R', ['K'], 'chore(release): 1.2.0'],
        ['R2', ['K'], 'CHORE(Release)!: 2.0.0'],
        ['K', [], 'fix: kept'],
      ]);
      assert.deepEqual(changes, ['K']);
    });

    it('leaves out every kind of release commit by default, and keeps them with releaseCommits: "show"', () => {
      const rows: Row[] = [
        ['R1', ['R2'], 'release: v1.2.0'],
        ['R2', ['R3'], '1.2.0'],
        ['R3', ['R4'], 'v1.2.0 (#9)'],
        ['R4', ['R5'], 'Release 1.2.0'],
        ['R5', ['K'], 'chore: release 1.2.0'],
        ['K', [], 'fix: kept'],
      ];
      const h = history(rows);
      const hidden = collectChanges(h.commits, config());
      assert.deepEqual(hidden.changes.map((c) => h.label(c.hash)), ['K']);
      assert.deepEqual(hidden.commits.map((c) => h.label(c.hash)), ['R1', 'R2', 'R3', 'R4', 'R5', 'K'], 'still credited as commits');
      const shown = collectChanges(history(rows).commits, config({ releaseCommits: 'show' }));
      assert.deepEqual(shown.changes.map((c) => h.label(c.hash)), ['R1', 'R2', 'R3', 'R4', 'R5', 'K']);
    });

    it('cancels a revert and its target when both are in the range', () => {
      const { changes } = labels([
        ['R', ['B'], `Revert "feat: add x"\n\nThis reverts commit ${sha('A')}.`],
        ['B', ['A'], 'fix: y'],
        ['A', [], 'feat: add x'],
      ]);
      assert.deepEqual(changes, ['B']);
    });

    it('cancels a revert that names its target by an abbreviated hash', () => {
      const short = sha('A').slice(0, 7);
      assert.equal(['B', 'R'].some((l) => sha(l).startsWith(short)), false, 'fixture prefix must be unique');
      const { changes } = labels([
        ['R', ['B'], `Revert "feat: add x"\n\nThis reverts commit ${short}.`],
        ['B', ['A'], 'fix: y'],
        ['A', [], 'feat: add x'],
      ]);
      assert.deepEqual(changes, ['B']);
    });

    it('cancels a `revert:` commit whose Refs footer names the target', () => {
      const { changes } = labels([
        ['R', ['A'], `revert: add x\n\nRefs: ${sha('A').slice(0, 10)}`],
        ['A', ['B'], 'feat: add x'],
        ['B', [], 'fix: y'],
      ]);
      assert.deepEqual(changes, ['B']);
    });

    it('restores the original when a revert is itself reverted', () => {
      const { changes } = labels([
        ['R2', ['R1'], `Reapply "feat: add x"\n\nThis reverts commit ${sha('R1')}.`],
        ['R1', ['A'], `Revert "feat: add x"\n\nThis reverts commit ${sha('A')}.`],
        ['A', [], 'feat: add x'],
      ]);
      assert.deepEqual(changes, ['A']);
    });

    it('removes the original again when the revert of a revert is reverted', () => {
      // A applied, reverted (R1), reapplied (R2), reverted again (R3): A is not in the release.
      // Regression (was a bug, now fixed): cancelReverts (src/core/changes.ts line 98) restores A for R2 but records nothing in cancelledBy for
      // R2, so R3 (whose target R2 is already inactive) finds nothing to undo and A stays.
      const { changes } = labels([
        ['R3', ['R2'], `Revert "Reapply "feat: add x""\n\nThis reverts commit ${sha('R2')}.`],
        ['R2', ['R1'], `Reapply "feat: add x"\n\nThis reverts commit ${sha('R1')}.`],
        ['R1', ['A'], `Revert "feat: add x"\n\nThis reverts commit ${sha('A')}.`],
        ['A', [], 'feat: add x'],
      ]);
      assert.deepEqual(changes, []);
    });

    it('keeps a revert whose target is outside the range', () => {
      const { changes, result } = labels([
        ['R', ['B'], `Revert "feat: old"\n\nThis reverts commit ${sha('OUTSIDE')}.`],
        ['B', [], 'fix: y'],
      ]);
      assert.deepEqual(changes, ['R', 'B']);
      assert.equal(result.changes[0]!.isRevert, true);
    });

    it('cancels a revert of an out-of-range commit together with its own revert', () => {
      const { changes } = labels([
        ['R2', ['R1'], `Reapply "feat: old"\n\nThis reverts commit ${sha('R1')}.`],
        ['R1', ['B'], `Revert "feat: old"\n\nThis reverts commit ${sha('OUTSIDE')}.`],
        ['B', [], 'fix: y'],
      ]);
      assert.deepEqual(changes, ['B']);
    });

    it('cancels every entry of a reverted squash merge', () => {
      const { changes } = labels([
        ['R', ['S'], `Revert "feat: big (#7)"\n\nThis reverts commit ${sha('S')}.`],
        ['S', ['B'], 'feat: big (#7)\n\n* feat: a\n* fix: b'],
        ['B', [], 'fix: y'],
      ]);
      assert.deepEqual(changes, ['B']);
    });

    it('does not let a follow-up commit that cites another in a Refs footer cancel it', () => {
      // Regression (was a bug, now fixed): see commits.test.ts: a non-revert commit with `Refs: <hash>` is taken as a revert of that commit.
      const { changes } = labels([
        ['F', ['A'], `feat: follow-up\n\nRefs: ${sha('A').slice(0, 8)}`],
        ['A', [], 'feat: first part'],
      ]);
      assert.deepEqual(changes, ['F', 'A']);
    });
  });

  describe('cancelReverts', () => {
    it('leaves a revert whose abbreviated target is ambiguous', () => {
      const a = change({ hash: 'abcdef1' + '0'.repeat(33), type: 'feat', subject: 'a' });
      const b = change({ hash: 'abcdef1' + '1'.repeat(33), type: 'feat', subject: 'b' });
      const r = change({ hash: 'f'.repeat(40), type: null, subject: 'Revert "a"', isRevert: true, reverts: ['abcdef1'] });
      assert.deepEqual(cancelReverts([r, b, a]), [r, b, a]);
    });

    it('does not let a revert cancel itself', () => {
      const r = change({ hash: 'f'.repeat(40), type: 'revert', subject: 'x', isRevert: true, reverts: ['fffffff'] });
      assert.deepEqual(cancelReverts([r]), [r]);
    });
  });

  describe('isSkipped', () => {
    it('skips a release commit unless releaseCommits is "show", whatever excludeScopes says', () => {
      const release = change({ type: 'release', scope: null, subject: 'v1.2.0', message: 'release: v1.2.0' });
      assert.equal(isSkipped(release, config({ excludeScopes: [] })), true);
      assert.equal(isSkipped(release, config({ excludeScopes: [], releaseCommits: 'show' })), false);
      assert.equal(isSkipped(change({ type: 'fix', subject: 'release 1.2.0 crashed' }), config()), false);
    });


    it('matches configured skip markers case-insensitively anywhere in the message', () => {
      const [c] = toChanges(history([['A', [], 'fix: x\n\nsome text [NO CHANGELOG] here']]).commits[0]!);
      assert.equal(isSkipped(c!, config()), true);
      assert.equal(isSkipped(c!, config({ skipMarkers: ['[other]'] })), false);
    });

    it('matches excluded type(scope) pairs only for conventional commits with that scope', () => {
      assert.equal(isSkipped(change({ type: 'chore', scope: 'release', message: 'chore(release): 1.2.0' }), config()), true);
      assert.equal(isSkipped(change({ type: 'chore', scope: null, subject: 'release 1.2.0', message: 'chore: release 1.2.0' }), config({ releaseCommits: 'show' })), false);
      assert.equal(isSkipped(change({ type: 'fix', scope: 'release', message: 'fix(release): x' }), config()), false);
    });
  });
});
