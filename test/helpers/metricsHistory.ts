// A deploy history for the metrics tests of every tier: the demo repository's releases deployed to an
// environment over the last weeks, written through the real LocalDeployHistory (the file the command
// and task providers write, in the repository's git directory) with its clock set to each moment.
// Plain Node (no 'vscode', no mocha globals): in-host suites and e2e specs import it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalDeployHistory } from '../../src/node/localDeployHistory';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** One seeded deployment: which tag, how long ago it started, how long it took and how it ended. */
export interface SeededDeploy {
  tag: string;
  daysAgo: number;
  minutes: number;
  outcome: 'success' | 'failure';
}

/**
 * The demo's story on one environment: v0.1.0 and v0.1.1 go out fine, v0.2.0-rc.0 fails, and v0.2.0
 * fixes it 15 minutes later. 4 deployments: 3 succeeded, 1 failed; recovered in 21 minutes.
 */
export const DEMO_STORY: SeededDeploy[] = [
  { tag: 'v0.1.0', daysAgo: 40, minutes: 5, outcome: 'success' },
  { tag: 'v0.1.1', daysAgo: 30, minutes: 4, outcome: 'success' },
  { tag: 'v0.2.0-rc.0', daysAgo: 20, minutes: 3, outcome: 'failure' },
  { tag: 'v0.2.0', daysAgo: 20 - 15 / (24 * 60), minutes: 6, outcome: 'success' },
];

/** Writes `deploys` of `environment` into the local deploy history of the repository at `root`; returns the history's folder. */
export async function seedDeployHistory(root: string, environment: string, deploys: SeededDeploy[], now = Date.now()): Promise<string> {
  const gitDir = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' }).trim();
  for (const [i, d] of deploys.entries()) {
    const sha = execFileSync('git', ['rev-parse', `${d.tag}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
    const start = now - d.daysAgo * DAY;
    const at = (ms: number) => new LocalDeployHistory(gitDir, () => new Date(ms));
    const executionId = `seed-${environment}-${i}`;
    await at(start).started({ environment, sha, ref: d.tag, version: d.tag.replace(/^v/, ''), weight: null, provider: 'command', correlationId: `seed-${environment}-${i}`, executionId, operation: 'deploy', step: 1 });
    await at(start + d.minutes * MIN).finished(environment, executionId, d.outcome, d.outcome === 'success' ? 'deployed' : 'the deploy command failed');
  }
  return join(gitDir, 'release-manager', 'deployments');
}

/** Removes the local deploy history of the repository at `root`. */
export function dropDeployHistory(root: string): void {
  const gitDir = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' }).trim();
  rmSync(join(gitDir, 'release-manager', 'deployments'), { recursive: true, force: true });
}
