import * as vscode from 'vscode';
import { GitError } from '../core/errors';
import type { ReleaseModel, RepoState } from './releaseModel';

/** The repository a command acts on: the one named by `root`, the only one, or the user's pick (undefined when cancelled). */
export async function pickRepository(model: ReleaseModel, root: string | undefined): Promise<RepoState | undefined> {
  const repos = model.repositories;
  if (root !== undefined) {
    const found = model.find(root);
    if (!found) throw new GitError('not-a-repo', `${root} is not a repository of this workspace.`, 'Open the folder, then try again.');
    return found;
  }
  if (repos.length === 0) {
    throw new GitError('not-a-repo', 'No git repository in this workspace.', 'Open a folder that is a git repository.');
  }
  if (repos.length === 1) return repos[0];
  const pick = await vscode.window.showQuickPick(
    repos.map((r) => ({ label: r.name, description: r.notes?.version.next ? `next ${r.notes.version.next}` : undefined, detail: r.root, state: r })),
    { title: 'Draft Release Notes: repository', placeHolder: 'Which repository?' },
  );
  return pick?.state;
}
