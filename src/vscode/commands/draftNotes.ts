import * as vscode from 'vscode';
import type { ReleaseConfig } from '../../core/config';
import { draftNotes, type DraftOptions } from '../../core/draft';
import { GitError } from '../../core/errors';
import type { ReleaseNotes } from '../../core/notes';
import type { Logger } from '../../core/ports';
import { githubLinks, renderMarkdown } from '../../core/render';
import { linkPullRequestsInEditor, type GitHubConnector } from '../github';
import type { CommandContext } from '../commandContext';
import { stringField } from '../commandArgs';
import { pickRepository } from '../pickRepository';
import type { ReleaseModel, RepoState } from '../releaseModel';
import { CONTEXT } from '../ids';


/** Arguments other code (tests, other extensions, tree items) may pass to skip the pickers. */
export interface DraftArgs {
  root?: string;
  from?: string;
  to?: string;
  path?: string;
  prerelease?: string;
}

/** What the command produced (returned for callers such as tests). */
export interface DraftResult {
  notes: ReleaseNotes;
  document: vscode.TextDocument;
}

/** The notes documents the Draft command opened (by URI): Publish uses their edited text for the same release. */
const drafted = new Map<string, { root: string; version: string | null; path: string | undefined; to: string }>();

/** The editor title's `resource in releaseManager.draftedNotes`: the open drafted documents. */
function publishDraftedContext(): void {
  void vscode.commands.executeCommand('setContext', CONTEXT.draftedNotes, [...drafted.keys()]);
}

/**
 * Forgets a drafted document when it closes (an untitled URI is reused by the next untitled
 * document, which must not pass for drafted notes). Registered once by activate().
 */
export function trackDraftedNotes(): vscode.Disposable {
  return vscode.workspace.onDidCloseTextDocument((d) => {
    if (drafted.delete(d.uri.toString())) publishDraftedContext();
  });
}

/** What the Draft command knows of a drafted notes document it opened (undefined for any other document). */
export function draftedNotesOf(uri: vscode.Uri): { root: string; version: string | null; path: string | undefined } | undefined {
  const meta = drafted.get(uri.toString());
  return meta ? { root: meta.root, version: meta.version, path: meta.path } : undefined;
}

/** The newest still-open drafted notes document for a repository's next release, if any. */
export function editedNotesFor(root: string, version: string): vscode.TextDocument | undefined {
  const docs = vscode.workspace.textDocuments.filter((d) => {
    const meta = drafted.get(d.uri.toString());
    return !d.isClosed && meta !== undefined && meta.root === root && meta.version === version && meta.path === undefined && meta.to === 'HEAD';
  });
  return docs[docs.length - 1];
}

/** Draft Release Notes: `{ root?, from?, to?, path?, prerelease? }` skips the pickers. */
export function draftNotesCommand(ctx: Pick<CommandContext, 'model' | 'log' | 'github'>) {
  return (args?: unknown): Promise<DraftResult | undefined> => draftReleaseNotes(ctx.model, ctx.log, draftArgs(args), ctx.github);
}

/** Draft Release Notes for…: the notes of a release node of the tree (its range ends at the release's tag). */
export function draftReleaseNotesForCommand(ctx: Pick<CommandContext, 'model' | 'log' | 'github'>) {
  return async (node?: unknown): Promise<DraftResult | undefined> => {
    const n = node as { kind?: unknown; root?: unknown; release?: { tag?: unknown } } | undefined;
    if (n?.kind !== 'release' || typeof n.root !== 'string' || typeof n.release?.tag !== 'string') return undefined;
    return draftReleaseNotes(ctx.model, ctx.log, { root: n.root, to: n.release.tag }, ctx.github);
  };
}

/** The draft arguments a caller passed (fields of other types are ignored). */
function draftArgs(arg: unknown): DraftArgs {
  return { root: stringField(arg, 'root'), from: stringField(arg, 'from'), to: stringField(arg, 'to'), path: stringField(arg, 'path'), prerelease: stringField(arg, 'prerelease') };
}

/** Pick repository, package and range; draft with progress and cancel; open markdown beside a preview. */
async function draftReleaseNotes(model: ReleaseModel, log: Logger, args: DraftArgs, github?: GitHubConnector): Promise<DraftResult | undefined> {
  await model.settled();
  const state = await pickRepository(model, args.root);
  if (!state) return undefined;
  if (state.configError) throw state.configError;
  if (!state.config) throw state.error ?? new GitError('failed', `Cannot read ${state.root}.`, 'Show the log for details.');
  const config = state.config;
  const interactive = args.from === undefined && args.to === undefined && args.path === undefined && args.root === undefined;
  const path = args.path ?? (interactive ? await pickPackage(config) : undefined);
  if (path === null) return undefined;
  const range = args.from !== undefined || args.to !== undefined || !interactive ? { from: args.from, to: args.to } : await pickRange(model, state);
  if (!range) return undefined;
  const repo = model.repo(state.root);
  if (!repo) throw new GitError('not-a-repo', `${state.root} is no longer a repository.`, 'Refresh the Release view.');
  const notes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Drafting release notes', cancellable: true },
    async (progress, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        progress.report({ message: `${state.name}${path ? ` · ${path}` : ''}` });
        const options: DraftOptions = { from: range.from, to: range.to, path: path ?? undefined, prerelease: args.prerelease, signal: ctl.signal };
        const drafted = await draftNotes(repo, config, options);
        if (!github) return drafted;
        progress.report({ message: 'linking pull requests' });
        return await linkPullRequestsInEditor(github, state.root, drafted, config, ctl.signal);
      } finally {
        sub.dispose();
      }
    },
  );
  for (const w of notes.warnings) log.warn(`${state.name}: ${w}`);
  // On GitHub, hashes and pull request numbers link to the repository (no GitHub remote: plain text).
  const links = github ? await github.repoFor(state.root, false).then((ref) => githubLinks(ref), () => ({})) : {};
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: renderMarkdown(notes, config, links) });
  drafted.set(document.uri.toString(), { root: state.root, version: notes.version.next, path: path ?? undefined, to: notes.range.to });
  publishDraftedContext();
  // Two drafts finishing at the same moment (two ranges asked for at once) open two editors in one group: the workbench
  // may drop the first opening ("Could NOT open editor") while the second takes the group. The document exists; show it
  // again once instead of failing the draft.
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Active }).then(undefined, (e: unknown) => {
    log.debug(`showing the drafted notes again: ${e instanceof Error ? e.message : String(e)}`);
    return vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Active });
  });
  await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri).then(undefined, (e: unknown) => log.warn(`markdown preview unavailable: ${String(e)}`));
  if (notes.warnings.length > 0) {
    void vscode.window.showWarningMessage(`Drafted with ${notes.warnings.length} warning${notes.warnings.length === 1 ? '' : 's'}: ${notes.warnings[0]}`, 'Show Log').then((a) => {
      if (a) void vscode.commands.executeCommand('releaseManager.showLog');
    });
  }
  return { notes, document };
}

/** The package folder, undefined for the whole repository, null when the user cancelled. */
async function pickPackage(config: ReleaseConfig): Promise<string | undefined | null> {
  if (config.packages.length === 0) return undefined;
  const items = [
    { label: '$(repo) Whole repository', description: config.tagFormat, path: undefined as string | undefined },
    ...config.packages.map((p) => ({ label: `$(package) ${p.name}`, description: p.path, path: p.path })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Draft Release Notes: package', placeHolder: 'Which package?' });
  return pick ? pick.path : null;
}

async function pickRange(model: ReleaseModel, state: RepoState): Promise<{ from?: string; to?: string } | undefined> {
  const last = state.notes?.range.from;
  const pick = await vscode.window.showQuickPick(
    [
      { label: `$(git-commit) ${last ?? 'First commit'} → HEAD`, description: 'unreleased changes', detail: last ? 'Since the last release' : 'No release tag yet: the whole history (first release)', custom: false },
      { label: '$(arrow-swap) Choose a range…', description: 'any two tags, branches or commits', custom: true },
    ],
    { title: 'Draft Release Notes: range' },
  );
  if (!pick) return undefined;
  if (!pick.custom) return {};
  const repo = model.repo(state.root);
  const refs = repo ? await repo.refNames() : { branches: [], tags: [] };
  const items = [...refs.tags.map((t) => ({ label: t, description: 'tag' })), ...refs.branches.map((b) => ({ label: b, description: 'branch' }))];
  const from = await vscode.window.showQuickPick(items, { title: 'Draft Release Notes: from (exclusive)', placeHolder: 'Start after…' });
  if (!from) return undefined;
  const to = await vscode.window.showQuickPick([{ label: 'HEAD', description: 'current checkout' }, ...items.filter((i) => i.label !== from.label)], {
    title: 'Draft Release Notes: to (inclusive)',
  });
  if (!to) return undefined;
  return { from: from.label, to: to.label };
}
