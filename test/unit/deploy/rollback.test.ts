import assert from 'node:assert/strict';
import {
  checkRollbackTarget,
  deploymentOutcome,
  findRollbackTarget,
  isLive,
  rollbackConfirmation,
  rollbackDuration,
  versionFromRef,
  type DeploymentRecord,
  type DeploymentState,
} from '../../../src/core/deploy/rollback';

const sha = (v: string) => v.replace(/\D/g, '').padEnd(40, 'f').slice(0, 40);
let nextId = 100;

/** A deployment of a version at minute `at` of the day, with statuses given oldest first as [state, minute]. */
function dep(version: string, at: number, statuses: [DeploymentState, number][], over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  const time = (m: number) => new Date(Date.UTC(2026, 5, 1, 8, m)).toISOString();
  return {
    id: nextId++,
    environment: 'production',
    sha: sha(version),
    ref: `v${version}`,
    version,
    createdAt: time(at),
    statuses: statuses.map(([state, m]) => ({ state, createdAt: time(m) })).reverse(),
    weight: null,
    ...over,
  };
}

describe('deploy/rollback', () => {
  describe('deploymentOutcome', () => {
    it('keeps a success that was superseded (inactive) as succeeded, and a later failure as failed', () => {
      assert.equal(deploymentOutcome(dep('1.0.0', 0, [['queued', 0], ['in_progress', 1], ['success', 3], ['inactive', 30]])), 'succeeded');
      assert.equal(deploymentOutcome(dep('1.0.0', 0, [['in_progress', 1], ['success', 3], ['failure', 10]])), 'failed');
      assert.equal(deploymentOutcome(dep('1.0.0', 0, [['in_progress', 1], ['error', 3]])), 'failed');
      assert.equal(deploymentOutcome(dep('1.0.0', 0, [['queued', 0], ['inactive', 5]])), 'abandoned');
      assert.equal(deploymentOutcome(dep('1.0.0', 0, [['queued', 0], ['in_progress', 1]])), 'running');
      assert.equal(deploymentOutcome(dep('1.0.0', 0, [])), 'unknown');
    });

    it('orders statuses by time, whatever order they are listed in', () => {
      const d = dep('1.0.0', 0, [['in_progress', 1], ['success', 3], ['inactive', 30]]);
      d.statuses.reverse();
      assert.equal(deploymentOutcome(d), 'succeeded');
      assert.equal(isLive(d), false);
      assert.equal(isLive(dep('1.0.0', 0, [['success', 3]])), true);
    });
  });

  describe('findRollbackTarget', () => {
    it('targets the last successful deployment before the current one, not the previous tag', () => {
      const history = [
        dep('1.4.0', 60, [['in_progress', 61], ['success', 63]]),
        dep('1.3.0', 40, [['in_progress', 41], ['success', 43], ['inactive', 63]]),
        dep('1.2.0', 20, [['in_progress', 21], ['success', 23], ['inactive', 43]]),
      ];
      const t = findRollbackTarget(history, 'production');
      assert.equal(t.kind, 'target');
      assert.ok(t.kind === 'target' && t.target.version === '1.3.0' && t.current.version === '1.4.0' && t.running === null);
    });

    it('passes over failed, errored, abandoned, partial and same-commit deployments, each with its reason', () => {
      const history = [
        dep('1.5.0', 100, [['in_progress', 101], ['failure', 104]]), // current: the failed deploy
        dep('1.5.0', 90, [['in_progress', 91], ['success', 92], ['inactive', 101]], { weight: 10 }), // its canary step
        dep('1.4.1', 80, [['queued', 80], ['inactive', 85]]), // never ran
        dep('1.4.0', 70, [['in_progress', 71], ['error', 72]]),
        dep('1.3.5', 60, [['in_progress', 61], ['success', 62], ['failure', 65]]), // went bad after success
        dep('1.3.0', 50, [['in_progress', 51], ['success', 53], ['inactive', 92]]),
      ];
      const t = findRollbackTarget(history, 'production');
      assert.ok(t.kind === 'target');
      assert.equal(t.target.version, '1.3.0');
      assert.deepEqual(
        t.skipped.map((s) => `${s.deployment.version}: ${s.reason}`),
        ['1.5.0: same commit as the one being rolled back', '1.4.1: inactive without ever succeeding', '1.4.0: failed', '1.3.5: failed'],
      );
    });

    it('passes over canary steps of other versions (partial) and still-running deployments, and reports the running one', () => {
      const history = [
        dep('1.6.0', 100, [['queued', 100], ['in_progress', 101]]),
        dep('1.5.0', 90, [['in_progress', 91], ['success', 92]], { weight: 50 }),
        dep('1.4.0', 80, [['in_progress', 81], ['success', 82]]),
      ];
      const t = findRollbackTarget(history, 'production');
      assert.ok(t.kind === 'target');
      assert.equal(t.target.version, '1.4.0');
      assert.equal(t.running?.version, '1.6.0');
      assert.deepEqual(t.skipped.map((s) => s.reason), ['partial (50% canary or batch step)']);
    });

    it('rolls back further after a rollback: the rollback\'s own deployment is the current one', () => {
      const history = [
        dep('1.3.0', 120, [['in_progress', 121], ['success', 122]]), // the rollback to 1.3.0
        dep('1.4.0', 100, [['in_progress', 101], ['success', 103], ['inactive', 122]]),
        dep('1.3.0', 50, [['in_progress', 51], ['success', 53], ['inactive', 103]]),
        dep('1.2.0', 20, [['in_progress', 21], ['success', 23], ['inactive', 53]]),
      ];
      const t = findRollbackTarget(history, 'production');
      assert.ok(t.kind === 'target');
      assert.equal(t.target.version, '1.4.0', 'the newest successful deployment with another commit');
    });

    it('targets the deployment live before a failed deploy whose own deployment is not listed (automatic rollback)', () => {
      const history = [dep('1.4.0', 80, [['in_progress', 81], ['success', 82]]), dep('1.3.0', 50, [['success', 53], ['inactive', 82]])];
      const t = findRollbackTarget(history, 'production', { from: sha('1.5.0') });
      assert.ok(t.kind === 'target');
      assert.equal(t.target.version, '1.4.0');
      const listed = findRollbackTarget([dep('1.5.0', 90, [['failure', 95]]), ...history], 'production', { from: sha('1.5.0') });
      assert.ok(listed.kind === 'target' && listed.target.version === '1.4.0' && listed.current.version === '1.5.0');
    });

    it('says so when there is nothing to roll back to', () => {
      const none = findRollbackTarget([], 'production');
      assert.equal(none.kind, 'none');
      assert.equal(none.kind === 'none' && none.reason, 'production has no deployments, so there is nothing to roll back to.');
      const only = findRollbackTarget([dep('1.0.0', 10, [['success', 11]]), dep('0.9.0', 5, [['failure', 6]])], 'production');
      assert.equal(only.kind, 'none');
      assert.match(only.kind === 'none' ? only.reason : '', /^No successful deployment of production other than 1\.0\.0 \(100ffff, deployment \d+\) among 2 deployments; nothing to roll back to\.$/);
    });

    it('only looks at the environment asked for (case-insensitive) and sorts by time, not by list order', () => {
      const staging = dep('1.9.0', 70, [['success', 71]], { environment: 'staging' });
      const history = [dep('1.3.0', 50, [['success', 53], ['inactive', 82]]), staging, dep('1.4.0', 80, [['success', 82]])];
      const t = findRollbackTarget(history, 'PRODUCTION');
      assert.ok(t.kind === 'target' && t.target.version === '1.3.0' && t.current.version === '1.4.0');
    });
  });

  describe('checkRollbackTarget', () => {
    const target = dep('1.3.0', 50, [['success', 53]]);

    it('allows the exact deployed commit when its ref still points at it', () => {
      assert.deepEqual(checkRollbackTarget(target, { refCommit: target.sha, commitExists: true }), { ok: true, release: { version: '1.3.0', sha: target.sha, ref: 'v1.3.0' } });
    });

    it('blocks when the ref is gone or was moved, and when the commit no longer exists — tags are never recreated or moved', () => {
      const missing = checkRollbackTarget(target, { refCommit: null, commitExists: true });
      assert.ok(!missing.ok && missing.code === 'ref-missing');
      assert.ok(!missing.ok && /never recreated/.test(missing.fix));
      const moved = checkRollbackTarget(target, { refCommit: 'e'.repeat(40), commitExists: true });
      assert.ok(!moved.ok && moved.code === 'ref-moved');
      assert.ok(!moved.ok && moved.reason === `The ref "v1.3.0" now points at eeeeeeeeeeee, not at the deployed commit ${target.sha.slice(0, 12)}.`);
      const gone = checkRollbackTarget(target, { refCommit: target.sha, commitExists: false });
      assert.ok(!gone.ok && gone.code === 'commit-missing');
      const hostile = checkRollbackTarget({ ...target, ref: '--upload-pack=x' }, { refCommit: target.sha, commitExists: true });
      assert.ok(!hostile.ok && hostile.code === 'ref-missing');
    });

    it('takes the version from the ref when the deployment does not record one', () => {
      assert.deepEqual(checkRollbackTarget({ ...target, version: null, ref: 'api@1.3.0' }, { refCommit: target.sha, commitExists: true }), { ok: true, release: { version: '1.3.0', sha: target.sha, ref: 'api@1.3.0' } });
      const unknown = checkRollbackTarget({ ...target, version: null, ref: 'main' }, { refCommit: target.sha, commitExists: true });
      assert.ok(!unknown.ok && unknown.code === 'unknown-version');
      assert.deepEqual(['v1.2.3', '1.2.3-rc.1', 'pkg@2.0.0', 'release/v3.1.4', 'main', 'v1.2'].map(versionFromRef), ['1.2.3', '1.2.3-rc.1', '2.0.0', '3.1.4', null, null]);
    });
  });

  describe('confirmation and duration', () => {
    it('always confirms, names the target version, says gates are skipped and warns about a running deployment', () => {
      const current = dep('1.4.0', 80, [['success', 82]]);
      const running = dep('1.5.0', 90, [['in_progress', 91]]);
      const c = rollbackConfirmation('production', current, { version: '1.3.0', sha: sha('1.3.0'), ref: 'v1.3.0' }, running);
      assert.equal(c.title, 'Roll back production to 1.3.0?');
      assert.equal(c.confirmLabel, 'Roll back to 1.3.0');
      assert.match(c.detail, /Pre-release gates are skipped/);
      assert.match(c.detail, /A deployment of 1\.5\.0 .* is still running/);
    });

    it('measures the duration against the five-minute target', () => {
      assert.deepEqual(rollbackDuration('2026-06-01T08:00:00Z', '2026-06-01T08:03:12Z'), { ms: 192_000, withinTarget: true, text: '3 min 12 s (target 5 min)' });
      assert.equal(rollbackDuration('2026-06-01T08:00:00Z', '2026-06-01T08:05:00Z').withinTarget, true);
      assert.deepEqual(rollbackDuration('2026-06-01T08:00:00Z', '2026-06-01T08:05:01Z'), { ms: 301_000, withinTarget: false, text: '5 min 1 s (target 5 min, exceeded)' });
    });
  });
});
