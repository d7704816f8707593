import assert from 'node:assert/strict';
import { deployedSide, renderEnvironmentCompare, type DeployedSide } from '../../../src/core/deploy/compare';
import type { DeploymentRecord } from '../../../src/core/deploy/rollback';
import type { NoteEntry, ReleaseNotes, Section } from '../../../src/core/notes';
import { githubLinks } from '../../../src/core/render';
import { config, sha } from '../../helpers/fixtures';

function dep(over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return { id: 1, environment: 'production', sha: sha('prod'), ref: 'v1.2.0', version: '1.2.0', createdAt: '2026-06-01T08:00:00Z', statuses: [{ state: 'success', createdAt: '2026-06-01T08:05:00Z' }], weight: null, ...over };
}

function entry(subject: string, over: Partial<NoteEntry> = {}): NoteEntry {
  return { hash: sha(subject), type: 'feat', scope: null, subject, breaking: false, breakingNotes: [], pr: null, authors: ['Ann'], date: '2026-01-02T03:04:05Z', ...over };
}

function notes(sections: Section[]): ReleaseNotes {
  return {
    range: { from: 'a', to: 'b', fromHash: sha('a'), toHash: sha('b') },
    version: { current: '1.2.0', next: '1.3.0', bump: 'minor', prerelease: null, hotfix: false, firstRelease: false, reasons: [], warnings: [] },
    date: null,
    sections,
    contributors: [],
    firstTimeContributors: [],
    warnings: [],
  };
}

const PROD: DeployedSide = { environment: 'production', sha: sha('prod'), version: '1.2.0', ref: 'v1.2.0', at: '2026-06-01T08:00:00Z' };
const STAGING: DeployedSide = { environment: 'staging', sha: sha('staging'), version: '1.3.0-rc.1', ref: 'v1.3.0-rc.1', at: '2026-06-02T09:30:00Z' };

describe('environment compare', () => {
  it('takes the deployed commit of an environment from its last successful deployment', () => {
    assert.deepEqual(deployedSide('production', dep()), PROD);
  });

  it('refuses an environment never deployed, or whose last deployment has not succeeded, naming the fix', () => {
    const none = deployedSide('qa', null);
    assert.ok('error' in none && /qa has no deployment/.test(none.error) && /Deploy to qa/.test(none.fix));
    const failed = deployedSide('production', dep({ statuses: [{ state: 'failure', createdAt: '2026-06-01T08:05:00Z' }] }));
    assert.ok('error' in failed && /has not succeeded \(failed\)/.test(failed.error), JSON.stringify(failed));
  });

  it('lists both sides and the changes of each direction, grouped by the notes sections', () => {
    const md = renderEnvironmentCompare(
      { a: STAGING, b: PROD, onlyA: notes([{ title: 'Features', entries: [entry('search')] }, { title: 'Bug Fixes', entries: [entry('paging', { type: 'fix', pr: 4 })] }]), onlyB: notes([]) },
      config(),
    );
    assert.ok(md.startsWith('# staging compared with production\n\n'), md);
    assert.ok(md.includes(`- **staging**: 1.3.0-rc.1 at ${sha('staging').slice(0, 7)} (\`${sha('staging')}\`), deployed 2026-06-02 09:30`), md);
    assert.ok(md.includes(`- **production**: 1.2.0 at ${sha('prod').slice(0, 7)}`), md);
    assert.ok(md.includes('## In staging, not in production (2 changes)\n\n### Features\n\n- search ('), md);
    assert.ok(md.includes('### Bug Fixes\n\n- paging (#4) ('), md);
    assert.ok(md.includes('## In production, not in staging (0 changes)\n\n_None._'), md);
  });

  it('says both run the same commit', () => {
    const md = renderEnvironmentCompare({ a: PROD, b: { ...STAGING, sha: PROD.sha }, onlyA: null, onlyB: null }, config());
    assert.ok(md.includes('Both environments run the same commit.'), md);
    assert.ok(!md.includes('## In'), md);
  });

  it('keeps hostile environment names and versions inert, and links only the parsed commit', () => {
    const evil: DeployedSide = { ...STAGING, environment: '<img src=x onerror=alert(1)>', version: '[x](javascript:alert(1))' };
    const md = renderEnvironmentCompare({ a: evil, b: PROD, onlyA: notes([]), onlyB: notes([]) }, config(), githubLinks({ host: 'github.com', owner: 'acme', repo: 'demo' }));
    assert.ok(!md.includes('<img'), md);
    assert.ok(!/\]\(javascript/.test(md), md);
    assert.deepEqual([...md.matchAll(/\]\((https?:[^)]*)\)/g)].map((m) => m[1]), [`https://github.com/acme/demo/commit/${sha('staging')}`, `https://github.com/acme/demo/commit/${sha('prod')}`]);
  });
});
