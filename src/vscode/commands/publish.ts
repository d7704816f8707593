/**
 * Publish GitHub Release: draft the release of HEAD, confirm it in a native modal (version, tag,
 * exact SHA, notes), then tag, draft and publish through the journaled flow with cancellable
 * progress. Resume and Inspect act on an unfinished publish found in the journal.
 */
import * as vscode from 'vscode';
import { draftNotes } from '../../core/draft';
import { GitError, GitHubError, TrustError, UsageError } from '../../core/errors';
import type { GitHubApi } from '../../core/githubApi';
import type { Logger } from '../../core/ports';
import { apiOriginOf, entryOrigin, journalKey, planRelease, publishRelease, type PublishJournal, type PublishPlan, type PublishResult } from '../../core/publish';
import { bumpCommitPush, filesToBump } from '../../node/bump';
import { remoteNameFor } from '../../node/githubRemote';
import { FileJournalStore } from '../../node/journal';
import { githubSettings } from '../github';
import { linkPullRequestsInEditor, type GitHubConnector } from '../github';
import type { GitHubView } from '../githubView';
import type { ReleaseModel } from '../releaseModel';
import type { CommandContext } from '../commandContext';
import { booleanField, stringField } from '../commandArgs';
import { whenText } from '../../shared/time';
import { pickRepository } from '../pickRepository';
import { editedNotesFor } from './draftNotes';

/** Arguments for callers that skip the pickers (tree items, tests). `confirm: false` skips the modal (tests only pass it). */
export interface PublishArgs {
  root?: string;
  draft?: boolean;
  /** Bump the version files, commit and push first (what the modal's "Bump Version, Commit & Publish" does). */
  bump?: boolean;
  body?: string;
  confirm?: boolean;
}

/** What the publish commands use (built from the command context). */
export interface PublishDepsVs {
  model: ReleaseModel;
  connector: GitHubConnector;
  view: GitHubView;
  log: Logger;
  /** The git executable of the settings. */
  gitPath?: () => string;
}

/** The publish commands' services, from the command context. */
function publishDeps(ctx: Pick<CommandContext, 'model' | 'github' | 'githubView' | 'log' | 'settings'>): PublishDepsVs {
  return { model: ctx.model, connector: ctx.github, view: ctx.githubView, log: ctx.log, gitPath: () => ctx.settings().gitPath };
}

/** Release: Publish GitHub Release — `{ root?, draft?, bump?, body?, confirm? }` skips the pickers (`confirm: false` the modal, tests only). */
export function publishReleaseCommand(ctx: Pick<CommandContext, 'model' | 'github' | 'githubView' | 'log' | 'settings'>) {
  return (args?: unknown): Promise<PublishResult | undefined> =>
    publishReleaseFlow(publishDeps(ctx), { root: stringField(args, 'root'), draft: booleanField(args, 'draft'), bump: booleanField(args, 'bump'), body: stringField(args, 'body'), confirm: booleanField(args, 'confirm') });
}

/** Release: Resume Publish — continues an unfinished publish (a journal node, else a pick) after confirming it again. */
export function resumePublishCommand(ctx: Pick<CommandContext, 'model' | 'github' | 'githubView' | 'log' | 'settings'>) {
  return (node?: unknown, args?: unknown): Promise<PublishResult | undefined> => resumePublish(publishDeps(ctx), node, { confirm: booleanField(args, 'confirm') });
}

/** Release: Inspect Unfinished Publish — the journal entry as read-only JSON, and the release on GitHub when there is one. */
export function inspectPublishCommand(ctx: Pick<CommandContext, 'model' | 'github' | 'githubView' | 'log' | 'settings'>) {
  return (node?: unknown): Promise<void> => inspectPublish(publishDeps(ctx), node);
}

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) {
    throw new TrustError('Publishing writes to GitHub and is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust), then publish.');
  }
}

/** The modal: what exactly will be created. Resolves to the plan to run (draft or not, bump or not), or undefined when the user declines. */
async function confirmPlan(plan: PublishPlan, source: string, from: string | null, resume?: PublishJournal, bumpFiles: string[] = []): Promise<(PublishPlan & { bump?: boolean }) | undefined> {
  const lines = plan.body.split('\n');
  const preview = lines.slice(0, 25).join('\n') + (lines.length > 25 ? `\n… (${lines.length - 25} more lines)` : '');
  const detail = [
    resume ? `Resuming a publish started ${whenText(resume.startedAt)} (stopped after: ${resume.step}${resume.lastError ? `; last error: ${resume.lastError.slice(0, 200)}` : ''}).\n` : '',
    `Version: ${plan.version}${from ? ` (last release ${from})` : ' (first release)'}${plan.prerelease ? ', prerelease' : ''}`,
    `Tag: ${plan.tag}`,
    `Commit: ${plan.sha}`,
    `Repository: ${plan.repo}`,
    ...(bumpFiles.length > 0 ? [`Version files not at ${plan.version} yet: ${bumpFiles.join(', ')} ("Bump Version, Commit & Publish" writes, commits and pushes them first; the tag then goes on that commit).`] : []),
    `Notes (${source}):`,
    '',
    preview,
  ].join('\n');
  const publish = resume ? 'Resume' : 'Publish';
  const draftOnly = 'Create Draft Only';
  const bumpFirst = 'Bump Version, Commit & Publish';
  const choices = resume ? [publish] : bumpFiles.length > 0 ? [publish, bumpFirst, draftOnly] : [publish, draftOnly];
  const pick = await vscode.window.showWarningMessage(`${resume ? 'Resume publishing' : 'Publish'} ${plan.name} to ${plan.repo}?`, { modal: true, detail }, ...choices);
  if (pick === publish) return plan;
  if (pick === bumpFirst) return { ...plan, bump: true };
  if (pick === draftOnly) return { ...plan, draft: true };
  return undefined;
}

/** Runs the journaled flow with progress; a 401 gets one new sign-in and resumes from the journal. */
/** Publishes the plan through the connector's API; `resuming`: the journal entry continued, which must be of that same API. */
async function runPublish(deps: PublishDepsVs, root: string, plan: PublishPlan, resuming?: PublishJournal): Promise<PublishResult | undefined> {
  const repo = deps.model.repo(root);
  if (!repo) throw new GitError('not-a-repo', `${root} is no longer a repository.`, 'Refresh the Release view.');
  const journal = new FileJournalStore(repo.gitCommonDir);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Publishing ${plan.name}`, cancellable: true },
      async (progress, token) => {
        const ctl = new AbortController();
        const sub = token.onCancellationRequested(() => ctl.abort());
        try {
          return await deps.connector.withApi(root, { interactive: true }, (api: GitHubApi) => {
            if (resuming && entryOrigin(resuming) !== apiOriginOf(api.repo.apiUrl)) {
              throw new UsageError(
                `This unfinished publish of ${plan.tag} was made against ${entryOrigin(resuming)}, but GitHub is now ${apiOriginOf(api.repo.apiUrl)}.`,
                'Set releaseManager.github.apiUrl back to the server it was started on to resume it, or inspect it.',
              );
            }
            return publishRelease(plan, {
              api,
              journal,
              now: () => new Date(),
              sleep: (ms, signal) => sleep(ms, signal),
              signal: ctl.signal,
              onStep: (e) => {
                if (e.phase === 'start') progress.report({ message: e.message, increment: 30 });
              },
            });
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } finally {
    deps.view.invalidate();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new GitHubError('cancelled', 'Publishing was cancelled.', 'Resume it from the Release view.'))), { once: true });
  });
}

function announce(result: PublishResult, log: Logger): void {
  const r = result.release;
  log.info(`publish ${r.tagName}: ${result.actions.join('; ') || 'nothing to change'}${result.resumed ? ' (resumed)' : ''}`);
  const what = r.draft ? `Draft release ${r.name || r.tagName} is on GitHub` : `Published ${r.name || r.tagName}`;
  const extra = result.actions.length === 0 ? ' (GitHub already had it: nothing changed)' : result.resumed ? ' (resumed)' : '';
  void vscode.window.showInformationMessage(`${what}${extra}.`, 'Open on GitHub').then((a) => {
    if (a && r.htmlUrl) void vscode.env.openExternal(vscode.Uri.parse(r.htmlUrl));
  });
}

/** Publish: pick the repository, draft, confirm, (bump,) then run the journaled flow. */
async function publishReleaseFlow(deps: PublishDepsVs, args: PublishArgs): Promise<PublishResult | undefined> {
  requireTrust();
  await deps.model.settled();
  const state = await pickRepository(deps.model, args.root);
  if (!state) return undefined;
  if (state.configError) throw state.configError;
  const repo = deps.model.repo(state.root);
  if (!state.config || !repo) throw state.error ?? new GitError('failed', `Cannot read ${state.root}.`, 'Show the log for details.');
  const config = state.config;
  const ref = await deps.connector.repoFor(state.root, true);
  const notes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Preparing the release', cancellable: true }, async (_p, token) => {
    const ctl = new AbortController();
    const sub = token.onCancellationRequested(() => ctl.abort());
    try {
      return await linkPullRequestsInEditor(deps.connector, state.root, await draftNotes(repo, config, { signal: ctl.signal }), config, ctl.signal);
    } finally {
      sub.dispose();
    }
  });
  const edited = notes.version.next ? editedNotesFor(state.root, notes.version.next) : undefined;
  const body = args.body ?? edited?.getText();
  const source = args.body !== undefined ? 'given' : edited ? 'your edited draft' : 'drafted from git';
  let plan = planRelease(notes, config, { repo: `${ref.owner}/${ref.repo}`, body, draft: args.draft });
  // Offered only when a version file is behind; a file that cannot be read just means no offer (the log says why).
  const bumpFiles = await filesToBump(state.root, config, plan.version).then(
    (files) => files.map((f) => f.path),
    (e: unknown) => (deps.log.info(`version bump not offered: ${e instanceof Error ? e.message : String(e)}`), [] as string[]),
  );
  let bump = args.bump === true;
  if (args.confirm !== false) {
    const confirmed = await confirmPlan(plan, source, notes.range.from, undefined, bumpFiles);
    if (!confirmed) return undefined;
    bump = confirmed.bump === true;
    plan = { ...confirmed };
    delete (plan as { bump?: boolean }).bump;
  }
  if (bump) {
    const remote = await remoteNameFor(repo, ref, { remote: githubSettings().remote, enterpriseUrl: githubSettings().enterpriseUrl });
    const version = plan.version;
    const bumped = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Bumping the version to ${version}`, cancellable: true }, async (_p, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        return await bumpCommitPush(repo, config, version, { remote, signal: ctl.signal, gitPath: deps.gitPath?.() });
      } finally {
        sub.dispose();
      }
    });
    deps.log.info(`version bump: ${bumped.committed ? `committed ${bumped.changed.join(', ')} as ${bumped.sha.slice(0, 12)}` : 'files already at the version'}; pushed to ${remote}`);
    plan = { ...plan, sha: bumped.sha };
  }
  const result = await runPublish(deps, state.root, plan);
  if (result) announce(result, deps.log);
  return result;
}

/** The journal entry a tree item or argument names. */
async function entryFor(deps: PublishDepsVs, node: unknown): Promise<{ root: string; entry: PublishJournal } | undefined> {
  const n = node as { root?: unknown; entry?: { plan?: { repo?: unknown; tag?: unknown } } } | undefined;
  if (typeof n?.root !== 'string' || typeof n.entry?.plan?.repo !== 'string' || typeof n.entry.plan.tag !== 'string') {
    const all = deps.model.repositories.flatMap((s) => deps.view.unfinished(s.root).map((entry) => ({ root: s.root, entry })));
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No unfinished publish: every publish recorded in the journal completed.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((a) => ({ label: a.entry.plan.tag, description: `${a.entry.plan.repo} · stopped after ${a.entry.step}`, detail: a.entry.lastError ?? undefined, a })),
      { title: 'Release: unfinished publishes' },
    );
    return pick?.a;
  }
  const repo = deps.model.repo(n.root);
  if (!repo) return undefined;
  const entry = await new FileJournalStore(repo.gitCommonDir).read(journalKey(n.entry.plan.repo, n.entry.plan.tag, entryOrigin(n.entry as PublishJournal)));
  return entry ? { root: n.root, entry } : undefined;
}

async function resumePublish(deps: PublishDepsVs, node: unknown, args: { confirm?: boolean }): Promise<PublishResult | undefined> {
  requireTrust();
  await deps.model.settled();
  const found = await entryFor(deps, node);
  if (!found) return undefined;
  const { root, entry } = found;
  if (args.confirm !== false && !(await confirmPlan(entry.plan, 'as confirmed before', null, entry))) return undefined;
  const result = await runPublish(deps, root, entry.plan, entry);
  if (result) announce(result, deps.log);
  return result;
}

async function inspectPublish(deps: PublishDepsVs, node: unknown): Promise<void> {
  const found = await entryFor(deps, node);
  if (!found) return;
  const { entry } = found;
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(entry, null, 2) + '\n' });
  await vscode.window.showTextDocument(doc, { preview: true });
  if (entry.releaseUrl) {
    void vscode.window.showInformationMessage(`Publish of ${entry.plan.tag} stopped after "${entry.step}".`, 'Open on GitHub').then((a) => {
      if (a) void vscode.env.openExternal(vscode.Uri.parse(entry.releaseUrl!));
    });
  }
}
