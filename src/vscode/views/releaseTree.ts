import * as vscode from 'vscode';
import { rollbackTime } from '../../core/deploy/record';
import { checkState } from '../../core/gates/githubChecks';
import type { GateResult, Verdict } from '../../core/gates/types';
import type { GhCheck, GhRelease } from '../../core/githubApi';
import type { PublishJournal } from '../../core/publish';
import type { GitHubSnapshot } from '../githubView';
import type { NoteEntry } from '../../core/notes';
import { journalSummary } from '../../core/deploy/journal';
import type { DeployJournal, JournalState } from '../../core/deploy/journalTypes';
import { promoteIndex } from '../../core/deploy/plan';
import { cursorOf } from '../../core/deploy/transitions';
import { clipLine, deploymentLine, rerunnable, runTarget, type EnvironmentRow, type EnvironmentsSnapshot, type ReviewWait, type RunJobView, type RunOfRow, type RunStepView, type RunView } from '../deployView';
import { COMMANDS, ITEM } from '../ids';
import type { ReleaseModel, ReleaseSummary, RepoState, RepoWarning } from '../releaseModel';

/** Tree elements are plain data; only getTreeItem builds TreeItems (no I/O there). */
export type Node =
  | { kind: 'repo'; root: string }
  | { kind: 'version'; root: string }
  | { kind: 'reason'; root: string; hash: string; why: string }
  | { kind: 'unreleased'; root: string }
  | { kind: 'section'; root: string; index: number }
  | { kind: 'commit'; root: string; entry: NoteEntry }
  | { kind: 'releases'; root: string }
  | { kind: 'release'; root: string; release: ReleaseSummary }
  | { kind: 'warning'; root: string; warning: RepoWarning }
  | { kind: 'verdict'; root: string }
  | { kind: 'gate'; root: string; result: GateResult }
  | { kind: 'message'; root: string; text: string; command?: { command: string; title: string }; icon?: string }
  | { kind: 'github'; root: string }
  | { kind: 'ci'; root: string; head: string; checks: GhCheck[] }
  | { kind: 'check'; root: string; check: GhCheck }
  | { kind: 'ghReleases'; root: string; releases: GhRelease[] }
  | { kind: 'ghRelease'; root: string; release: GhRelease }
  | { kind: 'journal'; root: string; entry: PublishJournal }
  | { kind: 'environments'; root: string }
  | { kind: 'environment'; root: string; row: EnvironmentRow; running: boolean }
  | { kind: 'deployJournal'; root: string; journal: DeployJournal }
  | { kind: 'deployReview'; root: string; wait: ReviewWait }
  | { kind: 'deployRun'; root: string; environment: string; journalId: string; journalState: JournalState; stepLabel: string; live: boolean; run: RunView }
  | { kind: 'deployRunJob'; root: string; runId: number; job: RunJobView }
  | { kind: 'deployRunStep'; root: string; runId: number; jobId: number; step: RunStepView };

/** Where the tree reads GitHub from (releases, CI of HEAD, unfinished publishes). */
export interface GitHubSource {
  snapshot(root: string): Promise<GitHubSnapshot>;
  unfinished(root: string): PublishJournal[];
  onDidChange: vscode.Event<void>;
}

/** Where the tree reads environments, deploy journals and pending reviews from. */
export interface DeploySource {
  snapshot(root: string): Promise<EnvironmentsSnapshot>;
  reviews(root: string): ReviewWait[];
  /** Whether this window drives the operation now. */
  driven(id: string): boolean;
  /** The workflow run an environment row shows (read while the row is expanded), null when none. */
  runOf?(root: string, row: EnvironmentRow): Promise<RunOfRow | null>;
  onDidChange: vscode.Event<void>;
}

/** Where the tree reads the go/no-go verdict from (the gate controller). */
export interface VerdictSource {
  verdictFor(root: string): Verdict | null;
  onDidChange: vscode.Event<void>;
}

/** The release tree: verdict, version and why, unreleased changes by section, past releases, warnings. */
export class ReleaseTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly model: ReleaseModel,
    private readonly verdicts?: VerdictSource,
    private readonly github?: GitHubSource,
    private readonly deploys?: DeploySource,
  ) {
    this.subs = [model.onDidChange(() => this.emitter.fire(undefined))];
    if (deploys) this.subs.push(deploys.onDidChange(() => this.emitter.fire(undefined)));
    if (verdicts) this.subs.push(verdicts.onDidChange(() => this.emitter.fire(undefined)));
    if (github) this.subs.push(github.onDidChange(() => this.emitter.fire(undefined)));
  }

  getChildren(node?: Node): vscode.ProviderResult<Node[]> {
    if (!node) {
      const repos = this.model.repositories;
      if (repos.length === 1) return this.repoChildren(repos[0]!);
      return repos.map((r) => ({ kind: 'repo', root: r.root }));
    }
    const state = this.model.find(node.root);
    if (!state) return [];
    switch (node.kind) {
      case 'repo':
        return this.repoChildren(state);
      case 'version':
        return (state.notes?.version.reasons ?? []).map((r) => ({ kind: 'reason', root: node.root, hash: r.hash, why: r.why }));
      case 'unreleased':
        return (state.notes?.sections ?? []).map((_, index) => ({ kind: 'section', root: node.root, index }));
      case 'section':
        return (state.notes?.sections[node.index]?.entries ?? []).map((entry) => ({ kind: 'commit', root: node.root, entry }));
      case 'verdict':
        return (this.verdicts?.verdictFor(node.root)?.blocking ?? []).map((result) => ({ kind: 'gate', root: node.root, result }));
      case 'github':
        return this.github ? this.github.snapshot(node.root).then((snap) => githubChildren(node.root, snap)) : [];
      case 'environments':
        return this.deploys ? this.deploys.snapshot(node.root).then((snap) => environmentChildren(node.root, snap, this.deploys!.reviews(node.root), (id) => this.deploys!.driven(id))) : [];
      case 'environment':
        return this.deploys?.runOf ? this.deploys.runOf(node.root, node.row).then((r) => runChildren(node.root, r)) : [];
      case 'deployRun':
        return node.run.jobs.map((job) => ({ kind: 'deployRunJob', root: node.root, runId: node.run.runId, job }));
      case 'deployRunJob':
        return node.job.steps.map((step) => ({ kind: 'deployRunStep', root: node.root, runId: node.runId, jobId: node.job.id, step }));
      case 'ci':
        return node.checks.map((check) => ({ kind: 'check', root: node.root, check }));
      case 'ghReleases':
        return node.releases.length > 0 ? node.releases.map((release) => ({ kind: 'ghRelease', root: node.root, release })) : [{ kind: 'message', root: node.root, text: 'No releases on GitHub yet' }];
      case 'releases':
        return this.model.releases(node.root).then(
          (list) => (list.length > 0 ? list.map((release) => ({ kind: 'release', root: node.root, release })) : [{ kind: 'message', root: node.root, text: 'No releases yet' }]),
          () => [{ kind: 'message', root: node.root, text: 'Could not read the releases (see the log)' }],
        );
      default:
        return [];
    }
  }

  private repoChildren(state: RepoState): Node[] {
    const out: Node[] = this.verdicts?.verdictFor(state.root) ? [{ kind: 'verdict', root: state.root }] : [];
    out.push(...state.warnings.map((warning): Node => ({ kind: 'warning', root: state.root, warning })));
    out.push(...(this.github?.unfinished(state.root) ?? []).map((entry): Node => ({ kind: 'journal', root: state.root, entry })));
    if (state.notes) {
      out.push({ kind: 'version', root: state.root }, { kind: 'unreleased', root: state.root }, { kind: 'releases', root: state.root });
      if (this.deploys) out.push({ kind: 'environments', root: state.root });
      if (this.github) out.push({ kind: 'github', root: state.root });
    }
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const state = this.model.find(node.root);
    const notes = state?.notes ?? null;
    switch (node.kind) {
      case 'repo': {
        const item = new vscode.TreeItem(state?.name ?? node.root, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `repo:${node.root}`;
        item.description = notes?.version.next ? `next ${notes.version.next}` : undefined;
        item.tooltip = node.root;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = ITEM.repo;
        return item;
      }
      case 'version': {
        const v = notes!.version;
        const from = v.current ? (notes!.range.from ?? v.current) : 'First release';
        const label = v.next ? `${from} → ${v.next}` : `${from} (no release needed)`;
        const item = new vscode.TreeItem(label, v.reasons.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `version:${node.root}`;
        item.description = v.next ? `${v.firstRelease ? 'first release' : v.bump}${v.hotfix ? ' · hotfix' : ''}` : 'nothing changes the version';
        item.tooltip = v.next ? `Next version ${v.next}: expand to see the commits that decided it.` : 'No commit since the last release changes the version.';
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = ITEM.version;
        return item;
      }
      case 'reason': {
        const item = new vscode.TreeItem(node.why);
        item.id = `reason:${node.root}:${node.hash}:${node.why}`;
        item.description = node.hash.slice(0, 7);
        item.tooltip = node.why;
        item.iconPath = new vscode.ThemeIcon('arrow-up');
        item.contextValue = ITEM.reason;
        item.command = { command: COMMANDS.openCommit, title: 'Open Commit', arguments: [node.root, node.hash] };
        return item;
      }
      case 'unreleased': {
        const count = notes!.sections.reduce((k, s) => k + s.entries.length, 0);
        const item = new vscode.TreeItem('Unreleased changes', count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `unreleased:${node.root}`;
        item.description = count === 0 ? 'none' : `${count}`;
        item.iconPath = new vscode.ThemeIcon('git-commit');
        item.contextValue = ITEM.section;
        return item;
      }
      case 'section': {
        const section = notes!.sections[node.index]!;
        const item = new vscode.TreeItem(section.title, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `section:${node.root}:${section.title}`;
        item.description = `${section.entries.length}`;
        item.iconPath = new vscode.ThemeIcon(section.entries[0]?.breaking ? 'flame' : 'list-unordered');
        item.contextValue = ITEM.section;
        return item;
      }
      case 'commit':
        return commitItem(node.root, node.entry);
      case 'releases': {
        const item = new vscode.TreeItem('Releases', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `releases:${node.root}`;
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = ITEM.releases;
        return item;
      }
      case 'release': {
        const r = node.release;
        const item = new vscode.TreeItem(r.tag);
        item.id = `release:${node.root}:${r.tag}`;
        item.description = `${r.date ?? ''} · ${r.changes} change${r.changes === 1 ? '' : 's'}`;
        item.tooltip = `${r.tag}, released ${r.date ?? 'on an unknown date'}: ${r.changes} change(s). Click to draft its notes.`;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = ITEM.release;
        item.command = { command: COMMANDS.draftReleaseNotesFor, title: 'Draft Notes of This Release', arguments: [node] };
        return item;
      }
      case 'warning': {
        const item = new vscode.TreeItem(node.warning.message);
        item.id = `warning:${node.root}:${node.warning.message}`;
        item.tooltip = node.warning.message;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = node.warning.fix ? ITEM.warningFixable : ITEM.warning;
        if (node.warning.fix) item.command = { command: COMMANDS.fixWarning, title: 'Fix…', arguments: [node] };
        return item;
      }
      case 'verdict': {
        const v = this.verdicts!.verdictFor(node.root)!;
        const item = new vscode.TreeItem(v.decision, v.blocking.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `verdict:${node.root}`;
        item.description = v.summary.replace(/^(NO-GO|GO):\s*/, '');
        item.tooltip = v.summary;
        item.iconPath = new vscode.ThemeIcon(v.decision === 'GO' ? 'pass-filled' : 'error', new vscode.ThemeColor(v.decision === 'GO' ? 'testing.iconPassed' : 'testing.iconFailed'));
        item.contextValue = ITEM.verdict;
        item.command = { command: COMMANDS.showChecklist, title: 'Show Checklist' };
        return item;
      }
      case 'gate': {
        const r = node.result;
        const item = new vscode.TreeItem(r.title);
        item.id = `gate:${node.root}:${r.id}`;
        item.description = `${r.status}: ${r.reason}`;
        item.tooltip = `${r.title} (${r.required ? 'required' : 'advisory'}): ${r.status}\n${r.reason}${r.fix ? `\nFix: ${r.fix.label}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(r.status === 'pending' ? 'clock' : 'error');
        item.contextValue = ITEM.gateFailed;
        item.command = { command: COMMANDS.showChecklist, title: 'Show Checklist' };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
        if (node.command) item.command = node.command;
        return item;
      }
      case 'github': {
        const item = new vscode.TreeItem('GitHub', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `github:${node.root}`;
        item.tooltip = 'Releases on GitHub (drafts included) and the CI state of HEAD; read without prompting for sign-in.';
        item.iconPath = new vscode.ThemeIcon('github');
        item.contextValue = ITEM.github;
        return item;
      }
      case 'ci': {
        const counts = { pass: 0, fail: 0, pending: 0 };
        for (const c of node.checks) counts[checkState(c)]++;
        const label = node.checks.length === 0 ? 'CI on HEAD: no checks' : `CI on HEAD: ${counts.fail > 0 ? `${counts.fail} failing` : counts.pending > 0 ? `${counts.pending} running` : 'passing'}`;
        const item = new vscode.TreeItem(label, node.checks.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `ci:${node.root}`;
        item.description = `${node.head.slice(0, 7)} · ${counts.pass} passed${counts.pending ? `, ${counts.pending} pending` : ''}${counts.fail ? `, ${counts.fail} failed` : ''}`;
        item.iconPath = new vscode.ThemeIcon(counts.fail > 0 ? 'error' : counts.pending > 0 || node.checks.length === 0 ? 'clock' : 'pass');
        return item;
      }
      case 'check': {
        const c = node.check;
        const state = checkState(c);
        const item = new vscode.TreeItem(c.name);
        item.id = `check:${node.root}:${c.source}:${c.name}`;
        item.description = c.conclusion ?? c.status;
        item.iconPath = new vscode.ThemeIcon(state === 'pass' ? 'pass' : state === 'fail' ? 'error' : 'clock');
        if (c.url) {
          item.contextValue = ITEM.link;
          item.command = { command: COMMANDS.openOnGitHub, title: 'Open on GitHub', arguments: [c.url] };
        }
        return item;
      }
      case 'ghReleases': {
        const drafts = node.releases.filter((r) => r.draft).length;
        const item = new vscode.TreeItem('GitHub releases', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `ghReleases:${node.root}`;
        item.description = `${node.releases.length}${drafts ? ` · ${drafts} draft${drafts === 1 ? '' : 's'}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('tag');
        return item;
      }
      case 'ghRelease': {
        const r = node.release;
        const item = new vscode.TreeItem(r.name || r.tagName);
        item.id = `ghRelease:${node.root}:${r.id}`;
        item.description = [r.draft ? 'draft' : (r.publishedAt ?? '').slice(0, 10), r.prerelease ? 'prerelease' : '', r.name && r.name !== r.tagName ? r.tagName : ''].filter(Boolean).join(' · ');
        item.tooltip = `${r.tagName}${r.draft ? ' (draft)' : ''}\n${r.htmlUrl}`;
        item.iconPath = new vscode.ThemeIcon(r.draft ? 'edit' : 'rocket');
        item.contextValue = ITEM.link;
        if (r.htmlUrl) item.command = { command: COMMANDS.openOnGitHub, title: 'Open on GitHub', arguments: [r.htmlUrl] };
        return item;
      }
      case 'journal': {
        const e = node.entry;
        const item = new vscode.TreeItem(`Unfinished publish: ${e.plan.tag}`);
        item.id = `journal:${node.root}:${e.plan.repo}:${e.plan.tag}`;
        item.description = `stopped after ${e.step} · resume / inspect`;
        item.tooltip = `Publishing ${e.plan.tag} to ${e.plan.repo} (at ${e.plan.sha.slice(0, 12)}) started ${e.startedAt} and did not finish.${e.lastError ? `\nLast error: ${e.lastError}` : ''}\nResume continues from what GitHub has; nothing is repeated blindly.`;
        item.iconPath = new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = ITEM.journal;
        item.command = { command: COMMANDS.inspectPublish, title: 'Inspect', arguments: [node] };
        return item;
      }
      case 'environments': {
        const item = new vscode.TreeItem('Environments', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `environments:${node.root}`;
        item.tooltip = 'Deploy environments (the deploy config, or the GitHub environments) with their last deployment and what runs now (preview).';
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = ITEM.environments;
        return item;
      }
      case 'environment':
        return environmentItem(node.root, node.row, node.running);
      case 'deployJournal': {
        const j = node.journal;
        const item = new vscode.TreeItem(`Unfinished ${j.plan.operation}: ${j.plan.release.version} to ${j.plan.environment}`);
        item.id = `deployJournal:${node.root}:${j.id}`;
        item.description = `${j.paused !== null ? 'paused' : 'interrupted'} · resume / inspect`;
        item.tooltip = `${journalSummary(j)}\nStarted ${j.startedAt}${j.lastError ? `\nLast error: ${j.lastError}` : ''}\nResume continues from the journal; nothing is sent twice blindly.`;
        item.iconPath = new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = ITEM.deployJournal;
        item.command = { command: COMMANDS.inspectDeploy, title: 'Inspect', arguments: [node] };
        return item;
      }
      case 'deployReview': {
        const w = node.wait;
        const item = new vscode.TreeItem(`Pending review: ${w.environment}`);
        item.id = `deployReview:${node.root}:${w.key}`;
        item.description = w.reviews.map((r) => `${r.environment}${r.reviewers.length ? ` (${r.reviewers.join(', ')})` : ''}${r.canApprove ? '' : ' · you cannot approve'}`).join('; ');
        item.tooltip = 'A deploy step waits for a reviewer: approve or reject it (with a comment).';
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = ITEM.deployReview;
        return item;
      }
      case 'deployRun':
        return runItem(node);
      case 'deployRunJob': {
        const j = node.job;
        const open = j.status !== 'completed' || j.conclusion === 'failure' || j.conclusion === 'timed_out';
        const item = new vscode.TreeItem(clipLine(j.name) || `job ${j.id}`, j.steps.length === 0 ? vscode.TreeItemCollapsibleState.None : open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `deployRunJob:${node.root}:${node.runId}:${j.id}`;
        item.description = statusWord(j.status, j.conclusion);
        item.tooltip = `Job ${clipLine(j.name, 200)}: ${statusWord(j.status, j.conclusion)}${j.url ? `\n${j.url}` : ''}`;
        item.iconPath = statusIcon(j.status, j.conclusion);
        if (j.url) item.contextValue = ITEM.deployRunJob;
        return item;
      }
      case 'deployRunStep': {
        const st = node.step;
        const item = new vscode.TreeItem(clipLine(st.name) || `step ${st.number}`);
        item.id = `deployRunStep:${node.root}:${node.runId}:${node.jobId}:${st.number}`;
        item.description = statusWord(st.status, st.conclusion);
        item.iconPath = statusIcon(st.status, st.conclusion);
        return item;
      }
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

/** The children of the GitHub node: what could be read, or what is missing and how to fix it. */
function githubChildren(root: string, snap: GitHubSnapshot): Node[] {
  switch (snap.kind) {
    case 'signed-out':
      return [{ kind: 'message', root, text: 'Sign in to GitHub to see releases and CI', icon: 'account', command: { command: COMMANDS.signIn, title: 'Sign in to GitHub' } }];
    case 'not-github':
      return [{ kind: 'message', root, text: snap.message }];
    case 'error':
      return [{ kind: 'message', root, text: snap.message, icon: 'warning', command: { command: COMMANDS.showLog, title: 'Show Log' } }];
    case 'ok': {
      const out: Node[] = [];
      if (snap.head && snap.checks) out.push({ kind: 'ci', root, head: snap.head, checks: snap.checks });
      else if (snap.head) out.push({ kind: 'message', root, text: 'CI on HEAD: could not be read (see the log)', icon: 'warning' });
      out.push({ kind: 'ghReleases', root, releases: snap.releases });
      return out;
    }
  }
}

/** The rows under Environments: each environment, unfinished operations of other sessions, pending reviews. */
function environmentChildren(root: string, snap: EnvironmentsSnapshot, reviews: ReviewWait[], driven: (id: string) => boolean): Node[] {
  if (snap.kind === 'not-github') return [{ kind: 'message', root, text: snap.message }];
  const out: Node[] = [];
  if (snap.kind === 'signed-out') out.push({ kind: 'message', root, text: 'Sign in to GitHub to see deployments', icon: 'account', command: { command: COMMANDS.signIn, title: 'Sign in to GitHub' } });
  if (snap.kind === 'error') out.push({ kind: 'message', root, text: snap.message, icon: 'warning', command: { command: COMMANDS.showLog, title: 'Show Log' } });
  for (const row of snap.rows) out.push({ kind: 'environment', root, row, running: row.journal?.state === 'running' });
  for (const row of snap.rows) {
    const j = row.journal;
    // Running but not driven here (paused, or another window / the CLI / a crash): resume or inspect.
    if (j && j.state === 'running' && (j.paused !== null || !driven(j.id))) out.push({ kind: 'deployJournal', root, journal: j });
  }
  out.push(...reviews.map((wait): Node => ({ kind: 'deployReview', root, wait })));
  if (snap.rows.length === 0 && snap.kind === 'ok') out.push({ kind: 'message', root, text: 'No environments yet: Deploy… creates one' });
  return out;
}

/** "canary 10% · analysing" of a running operation. */
function currentStep(j: DeployJournal): string {
  const c = cursorOf(j);
  if (c === null) return 'finishing';
  const s = j.steps[c]!;
  const doing = s.plan.kind === 'analyse' ? 'analysing' : s.plan.kind === 'wait' ? 'waiting' : s.state.status === 'sent' ? 'running' : s.state.status === 'sending' ? 'sending' : 'starting';
  return `${s.plan.label} · ${doing}${j.paused !== null ? ' · paused' : ''}`;
}

/** The children of an environment row: its workflow run, or why it cannot be shown. */
function runChildren(root: string, r: RunOfRow | null): Node[] {
  if (r === null) return [];
  if (r.kind === 'message') return [{ kind: 'message', root, text: r.text, icon: 'warning' }];
  return [{ kind: 'deployRun', root, environment: r.environment, journalId: r.journalId, journalState: r.journalState, stepLabel: r.stepLabel, live: r.live, run: r.run }];
}

/** "in progress", "success", "timed out" of a run, job or step. */
export function statusWord(status: string, conclusion: string | null): string {
  return (status === 'completed' ? (conclusion ?? 'completed') : status).replace(/_/g, ' ');
}

function statusIcon(status: string, conclusion: string | null): vscode.ThemeIcon {
  if (status !== 'completed') return new vscode.ThemeIcon(status === 'in_progress' ? 'sync~spin' : 'clock');
  switch (conclusion) {
    case 'success':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'skipped':
      return new vscode.ThemeIcon('debug-step-over');
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
    case 'neutral':
      return new vscode.ThemeIcon('circle-outline');
    default:
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
}

function runItem(node: Extract<Node, { kind: 'deployRun' }>): vscode.TreeItem {
  const r = node.run;
  const item = new vscode.TreeItem(`Workflow run: ${clipLine(r.title, 80) || r.runId}`, r.jobs.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = `deployRun:${node.root}:${r.runId}`;
  const again = rerunnable(node);
  item.description = `${statusWord(r.status, r.conclusion)}${r.attempt > 1 ? ` · attempt ${r.attempt}` : ''} · ${clipLine(node.stepLabel, 60)}`;
  item.tooltip = [
    `${clipLine(node.stepLabel, 200)} of the deploy to ${node.environment}: run ${r.runId}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}, ${statusWord(r.status, r.conclusion)}`,
    ...(r.url ? [r.url] : []),
    ...(again ? [`The deploy ${node.journalState === 'failed' ? 'failed' : `is ${node.journalState}`}: re-running the failed jobs does not change it (deploy again to continue).`] : []),
  ].join('\n');
  item.iconPath = statusIcon(r.status, r.conclusion);
  item.contextValue = again ? ITEM.deployRunFailed : ITEM.deployRun;
  return item;
}

function environmentItem(root: string, row: EnvironmentRow, running: boolean): vscode.TreeItem {
  const j = row.journal;
  const item = new vscode.TreeItem(row.env.name, runTarget(j) !== null ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `environment:${root}:${row.env.name.toLowerCase()}`;
  const last = row.last ? deploymentLine(row.last) : 'never deployed';
  // The last rollback's duration against the 5-minute target (a rollback takes minutes, not a meeting).
  const rolledBack = !running && j && j.finishedAt && j.state === 'rolled-back' ? rollbackTime(j) : null;
  item.description = running && j ? `${j.plan.operation === 'rollback' ? 'rolling back to' : 'deploying'} ${j.plan.release.version} · ${currentStep(j)}` : rolledBack ? `${last} · rolled back in ${rolledBack.text}` : last;
  item.tooltip = [`${row.env.name} (${row.env.provider.kind}, ${row.env.strategy.kind})`, `Last deployment: ${last}`, ...(j ? [`Last operation: ${journalSummary(j)}`] : []), ...(rolledBack ? [`Rollback took ${rolledBack.text}`] : [])].join('\n');
  item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : row.last ? 'server-environment' : 'circle-outline');
  const promotable = running && j !== null && cursorOf(j) !== null && promoteIndex(j.plan, cursorOf(j)!) !== null;
  item.contextValue = promotable ? ITEM.environmentPromotable : running ? ITEM.environmentRunning : ITEM.environment;
  return item;
}

/** A commit leaf: plain-text label and tooltip (never markdown: commit text is untrusted). */
function commitItem(root: string, e: NoteEntry): vscode.TreeItem {
  const label = e.scope ? `${e.scope}: ${e.subject}` : e.subject;
  const item = new vscode.TreeItem(label.length > 200 ? `${label.slice(0, 199)}…` : label);
  item.id = `commit:${root}:${e.hash}:${label.slice(0, 100)}`;
  item.description = `${e.pr !== null ? `#${e.pr} · ` : ''}${e.hash.slice(0, 7)}`;
  item.tooltip = `${e.type ? `${e.type}${e.scope ? `(${e.scope})` : ''}${e.breaking ? '!' : ''}: ` : ''}${e.subject}\n\n${e.authors.join(', ')} · ${e.date.slice(0, 10)}\n${e.hash}${e.breakingNotes.length ? `\n\nBREAKING CHANGE: ${e.breakingNotes.join('\n')}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(e.breaking ? 'warning' : 'git-commit');
  item.contextValue = ITEM.commit;
  item.command = { command: COMMANDS.openCommit, title: 'Open Commit', arguments: [root, e.hash] };
  return item;
}
