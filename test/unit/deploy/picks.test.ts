import assert from 'node:assert/strict';
import { compareReleaseTags, environmentDescription, environmentsRunning, releasePicks } from '../../../src/core/deploy/picks';
import type { DeploymentRecord } from '../../../src/core/deploy/rollback';

const deployment = (over: Partial<DeploymentRecord>, state: 'success' | 'failure' | 'in_progress' = 'success'): DeploymentRecord => ({
  id: 1,
  environment: 'staging',
  sha: 'a'.repeat(40),
  ref: 'v0.2.0',
  version: '0.2.0',
  createdAt: '2026-11-30T10:00:00Z',
  statuses: [{ state, createdAt: '2026-11-30T10:01:00Z' }],
  weight: null,
  ...over,
});

describe('the deploy pickers (order and words)', () => {
  it('orders releases by version, newest first, a stable release before its own prereleases', () => {
    const tags = ['v0.1.0', 'v0.10.0', 'v0.2.0-rc.0', 'v0.2.0', 'v0.3.0-beta.1', 'v0.9.1'];
    assert.deepEqual([...tags].sort(compareReleaseTags), ['v0.10.0', 'v0.9.1', 'v0.3.0-beta.1', 'v0.2.0', 'v0.2.0-rc.0', 'v0.1.0']);
  });

  it('puts the repository\'s own tag before the packages\' tags of the same version', () => {
    const tags = ['web@0.2.0', 'api@0.2.0', 'v0.2.0', 'web@0.1.0', 'v0.1.0', 'api@0.1.0'];
    assert.deepEqual([...tags].sort(compareReleaseTags), ['v0.2.0', 'api@0.2.0', 'web@0.2.0', 'v0.1.0', 'api@0.1.0', 'web@0.1.0']);
    assert.equal(releasePicks(tags.map((name) => ({ name })), [])[0]!.tag, 'v0.2.0', 'the preselected (first) item is the repository\'s own release');
  });

  it('lists version tags only, each with its date and the environments that run it', () => {
    const envs = [
      { name: 'staging', last: deployment({}) },
      { name: 'production', last: deployment({ environment: 'production' }) },
      { name: 'qa', last: deployment({ environment: 'qa' }, 'failure') },
      { name: 'preview', last: null },
    ];
    const picks = releasePicks(
      [
        { name: 'v0.1.0', date: '2026-10-01T09:00:00+02:00' },
        { name: 'not-a-version', date: '2026-12-01T00:00:00Z' },
        { name: 'v0.2.0', date: '2026-11-29T18:00:00+01:00' },
        { name: 'web@0.2.0', date: '2026-11-29T18:00:00+01:00' },
      ],
      envs,
    );
    assert.deepEqual(
      picks.map((p) => [p.tag, p.description]),
      [
        ['v0.2.0', '2026-11-29 · staging · production'],
        ['web@0.2.0', '2026-11-29'],
        ['v0.1.0', '2026-10-01'],
      ],
    );
  });

  it('matches a package\'s deployment by its ref, not by the shared version number', () => {
    const envs = [{ name: 'web-staging', last: deployment({ ref: 'web@0.2.0' }) }];
    assert.deepEqual(environmentsRunning('web@0.2.0', envs), ['web-staging']);
    assert.deepEqual(environmentsRunning('v0.2.0', envs), []);
  });

  it('describes an environment by the version it runs and its health', () => {
    assert.equal(environmentDescription(deployment({})), '0.2.0, healthy');
    assert.equal(environmentDescription(deployment({}, 'failure')), '0.2.0, failing');
    assert.equal(environmentDescription(deployment({ version: null, ref: 'v0.3.0' }, 'in_progress')), '0.3.0, deploying');
    assert.equal(environmentDescription(null), 'never deployed');
  });
});
