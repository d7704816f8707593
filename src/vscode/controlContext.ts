/** Keeps the context keys of the control commands (Promote, Abort, Approve/Reject, Resume Deploy, Resume Publish) true to what there is to act on. */
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { controlState } from './deployControls';
import type { DeployView } from './deployView';
import type { GitHubView } from './githubView';
import { CONTEXT } from './ids';
import type { ReleaseModel } from './releaseModel';

/** Sets the keys now and again after each change of the repositories, the deploys or the publish journals (debounced). */
export function trackControlContext(model: ReleaseModel, deployView: DeployView, githubView: GitHubView, log: Logger): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const update = async (): Promise<void> => {
    const roots = model.repositories.map((r) => r.root);
    const journals = (await Promise.all(roots.map((r) => deployView.journals(r)))).flat();
    const s = controlState(
      journals,
      (id) => deployView.driven(id),
      roots.reduce((n, r) => n + deployView.reviews(r).length, 0),
      roots.reduce((n, r) => n + githubView.unfinished(r).length, 0),
    );
    const keys: [string, boolean][] = [
      [CONTEXT.canPromote, s.promote],
      [CONTEXT.canAbort, s.abort],
      [CONTEXT.canReview, s.review],
      [CONTEXT.canResumeDeploy, s.resume],
      [CONTEXT.canResumePublish, s.resumePublish],
    ];
    const now = JSON.stringify(keys);
    if (now === last) return;
    last = now;
    await Promise.all(keys.map(([k, v]) => vscode.commands.executeCommand('setContext', k, v)));
  };
  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      update().catch((e: unknown) => log.warn(`control commands' context not updated: ${e instanceof Error ? e.message : String(e)}`));
    }, 150);
  };
  const subs = [model.onDidChange(schedule), deployView.onDidChange(schedule), githubView.onDidChange(schedule)];
  schedule();
  return new vscode.Disposable(() => {
    if (timer !== undefined) clearTimeout(timer);
    for (const s of subs) s.dispose();
  });
}
