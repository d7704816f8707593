import * as vscode from 'vscode';
import { GitError } from '../../core/errors';
import type { CommandContext } from '../commandContext';

/** Sign in to GitHub: asks VS Code's GitHub sign-in for the repository (the argument's root, or the first) and says who. */
export function signInCommand({ model, github, githubView }: Pick<CommandContext, 'model' | 'github' | 'githubView'>) {
  return async (root?: unknown): Promise<string | undefined> => {
    await model.settled();
    const target = typeof root === 'string' ? root : model.repositories[0]?.root;
    if (!target) throw new GitError('not-a-repo', 'No git repository in this workspace to sign in to GitHub for.', 'Open a folder that is a git repository with a GitHub remote.');
    const login = await github.withApi(target, { interactive: true }, (api) => api.whoami());
    githubView.invalidate();
    void vscode.window.showInformationMessage(`Signed in to GitHub as ${login}.`);
    return login;
  };
}
