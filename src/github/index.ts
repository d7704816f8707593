// The GitHub bundle of the extension (dist/github.js), loaded on first use: Octokit, PR linking and
// the release.yml reader (yaml) stay out of the activation path.
export { OctokitGitHubApi } from './api';
export { fetchPullData, linkNotes } from './prNotes';
export { readReleaseYml } from '../node/releaseYml';
export { GitHubDeployer } from './deployer';
