import type { CommandContext } from '../commandContext';

/** Refresh GitHub: forgets what the tree read from GitHub (releases, checks, environments, deploys); the views read it again. */
export function refreshGitHubCommand({ githubView, deployView }: Pick<CommandContext, 'githubView' | 'deployView'>) {
  return (): void => {
    githubView.invalidate();
    deployView.invalidate();
  };
}
