import type { CommandContext } from '../commandContext';

/** Refresh GitHub: forgets what the tree read from GitHub (releases, checks, environments, deploys, the plan); the views read it again. */
export function refreshGitHubCommand({ githubView, deployView, plans }: Pick<CommandContext, 'githubView' | 'deployView'> & Partial<Pick<CommandContext, 'plans'>>) {
  return (): void => {
    githubView.invalidate();
    deployView.invalidate();
    plans?.invalidate();
  };
}
