import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';

describe('the deploy section of .release-manager.json', () => {
  it('is optional: no deploy key means the GitHub Deployments API, one environment at a time', () => {
    assert.equal(parseConfig('{}').deploy, undefined);
  });

  it('parses an environment ladder with defaults filled in', () => {
    const config = parseConfig(
      JSON.stringify({
        deploy: {
          environments: [
            { name: 'staging', strategy: { kind: 'canary' } },
            { name: 'production', provider: { kind: 'workflow', workflow: 'deploy.yml' } },
          ],
        },
      }),
    );
    const [staging, production] = config.deploy!.environments;
    assert.equal(staging!.provider.kind, 'deployments');
    assert.equal(staging!.strategy.kind, 'canary');
    assert.equal(production!.strategy.kind, 'direct');
  });

  it('names every problem by its path in the file', () => {
    assert.throws(
      () => parseConfig(JSON.stringify({ deploy: { environments: [{ name: 'staging', strategy: { kind: 'canary', steps: [{ weight: 50 }, { weight: 10 }] } }] } })),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('deploy.environments[0].strategy.steps')),
    );
  });
});
