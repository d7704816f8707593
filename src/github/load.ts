import type * as GitHubBundle from './index';

/**
 * The GitHub code (Octokit, PR linking, the release.yml reader), bundled apart as dist/github.js and
 * loaded on first use, so the CLI's start and the extension's activation do not pay for it. Run from
 * sources (tests, tsx), it is the module itself.
 */
export function loadGitHub(): typeof GitHubBundle {
  const path = __filename.endsWith('.ts') ? './index' : './github.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as typeof GitHubBundle;
}
