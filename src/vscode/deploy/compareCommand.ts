/**
 * Release: Compare with… — what one environment runs that another does not (and the reverse): the
 * deployed commit of each (its last successful deployment, as the Environments rows show it) and
 * the notes of the commits between them, in a read-only markdown document.
 */
import * as vscode from 'vscode';
import { deployedSide, renderEnvironmentCompare, type DeployedSide, type EnvironmentCompare } from '../../core/deploy/compare';
import { draftNotes } from '../../core/draft';
import { GitError, UsageError } from '../../core/errors';
import { githubLinks } from '../../core/render';
import type { CommandContext } from '../commandContext';
import { stringField } from '../commandArgs';
import { rootOf, rowEnvironment, envNodeOf } from './target';
import { COMPARE_SCHEME } from '../ids';

export { COMPARE_SCHEME };

/** The compares this window made, by document URI (as the Draft command keeps its documents). */
const texts = new Map<string, string>();
let made = 0;

function put(a: string, b: string, text: string): vscode.Uri {
  const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${encodeURIComponent(a)} vs ${encodeURIComponent(b)}.md`, query: String(++made) });
  texts.set(uri.toString(), text);
  if (texts.size > 20) texts.delete(texts.keys().next().value!);
  return uri;
}

/** Serves the compare documents this window made, read-only. */
export class CompareDocumentProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    return texts.get(uri.toString()) ?? 'This compare is no longer available: run Release: Compare with… again.';
  }
}

/** What the command produced (returned for tests). */
export interface CompareResult {
  compare: EnvironmentCompare;
  document: vscode.TextDocument;
}

/** Release: Compare with… — on an environment row (then pick the other), or `{ root, environment, toEnvironment }`. */
export function compareEnvironmentsCommand(ctx: Pick<CommandContext, 'model' | 'github' | 'deployView' | 'log' | 'session'>) {
  return async (first?: unknown): Promise<CompareResult | undefined> => {
    const node = typeof (first as { kind?: unknown } | undefined)?.kind === 'string' ? envNodeOf(first) : undefined;
    const root = await rootOf(ctx, node?.root ?? stringField(first, 'root'));
    if (!root) return undefined;
    const snap = await ctx.deployView.snapshot(root);
    if (snap.kind === 'not-github') throw new UsageError(snap.message, 'Configure environments in the release config (deploy.environments).');
    const rows = snap.rows;
    const aName = rowEnvironment(node) ?? stringField(first, 'environment') ?? (await vscode.window.showQuickPick(rows.map((r) => r.env.name), { title: 'Compare environments: which one?' }));
    if (!aName) return undefined;
    const others = rows.filter((r) => r.env.name.toLowerCase() !== aName.toLowerCase());
    if (others.length === 0) throw new UsageError(`${aName} is the only environment: there is nothing to compare it with.`, 'Add another environment to deploy.environments.');
    const bName =
      stringField(first, 'toEnvironment') ??
      (await vscode.window.showQuickPick(
        others.map((r) => ({ label: r.env.name, description: r.last ? `${r.last.version ?? r.last.ref} · ${r.last.sha.slice(0, 7)}` : 'never deployed' })),
        { title: `Compare ${aName} with…` },
      ))?.label;
    if (!bName) return undefined;
    const side = (name: string): DeployedSide => {
      const row = rows.find((r) => r.env.name.toLowerCase() === name.toLowerCase());
      if (!row) throw new UsageError(`There is no environment named ${JSON.stringify(name)}.`, `Use one of: ${rows.map((r) => r.env.name).join(', ')}.`);
      const s = deployedSide(row.env.name, row.last);
      if ('error' in s) throw new UsageError(s.error, s.fix);
      return s;
    };
    const a = side(aName);
    const b = side(bName);
    const state = ctx.model.find(root);
    const repo = ctx.model.repo(root);
    if (!state?.config || !repo) throw state?.configError ?? new GitError('not-a-repo', `${root} is not an open repository.`, 'Refresh the Release view.');
    const config = state.config;
    const compare = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing ${a.environment} with ${b.environment}`, cancellable: true }, async (_p, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        for (const s of [a, b]) {
          if (!(await repo.resolveCommit(s.sha).then(() => true, () => false))) {
            throw new GitError('failed', `${s.environment} runs ${s.sha.slice(0, 7)}, which is not in this clone.`, 'Fetch it (git fetch --all --tags), then compare again.');
          }
        }
        if (a.sha === b.sha) return { a, b, onlyA: null, onlyB: null };
        const opts = { signal: ctl.signal, firstTimeContributors: false };
        const [onlyA, onlyB] = await Promise.all([draftNotes(repo, config, { ...opts, from: b.sha, to: a.sha }), draftNotes(repo, config, { ...opts, from: a.sha, to: b.sha })]);
        return { a, b, onlyA, onlyB };
      } finally {
        sub.dispose();
      }
    });
    const links = await ctx.github.repoFor(root, false).then((ref) => githubLinks(ref), () => ({}));
    const uri = put(a.environment, b.environment, renderEnvironmentCompare(compare, config, links));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: false });
    return { compare, document };
  };
}
