import * as vscode from 'vscode';
import type { ReleaseModel } from '../releaseModel';

/** Scheme of the read-only documents that show a commit's message and diff. */
export const COMMIT_SCHEME = 'release-manager-commit';

/** URI of the document for a commit of a repository. */
export function commitUri(root: string, hash: string): vscode.Uri {
  return vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${hash.slice(0, 7)}.diff`, query: JSON.stringify({ root, hash }) });
}

/** Serves `git show` of a commit as plain text (language diff): commit text is never rendered as markdown or HTML. */
export class CommitDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly model: ReleaseModel) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { root, hash } = JSON.parse(uri.query) as { root: string; hash: string };
    const repo = this.model.repo(root);
    if (!repo) return `Repository ${root} is not open in this window any more.`;
    return repo.showCommit(hash);
  }
}
