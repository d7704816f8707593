import type * as GitHubBundle from './index';
import { loadBundle } from '../node/bundle';

/**
 * The GitHub code (Octokit, PR linking, the release.yml reader), bundled apart as dist/github.js and
 * loaded on first use, so the CLI's start and the extension's activation do not pay for it.
 */
export function loadGitHub(): typeof GitHubBundle {
  return loadBundle('github.js', './github/index');
}
