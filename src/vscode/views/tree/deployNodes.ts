import * as vscode from 'vscode';
import { journalSummary } from '../../../core/deploy/journal';
import type { DeployJournal, JournalState } from '../../../core/deploy/journalTypes';
import { promoteIndex } from '../../../core/deploy/plan';
import { rollbackTime } from '../../../core/deploy/record';
import { cursorOf } from '../../../core/deploy/transitions';
import { clipLine, deploymentLine, rerunnable, runTarget, type EnvironmentRow, type EnvironmentsSnapshot, type ReviewWait, type RunJobView, type RunOfRow, type RunStepView, type RunView } from '../../deployView';
import { whenText } from '../../../shared/time';
import { COMMANDS, ITEM } from '../../ids';
import type { MessageNode } from './messageNode';

/** The deploy rows: environments, unfinished operations, pending reviews, and a deploy's workflow run, jobs and steps. */
export type DeployNode =
  | { kind: 'environments'; root: string }
  | { kind: 'environment'; root: string; row: EnvironmentRow; running: boolean }
  | { kind: 'deployJournal'; root: string; journal: DeployJournal }
  | { kind: 'deployReview'; root: string; wait: ReviewWait }
  | { kind: 'deployRun'; root: string; environment: string; journalId: string; journalState: JournalState; stepLabel: string; live: boolean; run: RunView }
  | { kind: 'deployRunJob'; root: string; runId: number; job: RunJobView }
  | { kind: 'deployRunStep'; root: string; runId: number; jobId: number; step: RunStepView };

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

const KINDS: Record<DeployNode['kind'], true> = { environments: true, environment: true, deployJournal: true, deployReview: true, deployRun: true, deployRunJob: true, deployRunStep: true };

/** Whether a tree node is a deploy row. */
export function isDeployNode(node: { kind: string }): node is DeployNode {
  return Object.prototype.hasOwnProperty.call(KINDS, node.kind);
}

/** The rows under a deploy row (Environments and an environment read from the source). */
export function deployChildren(node: DeployNode, deploys: DeploySource | undefined): (DeployNode | MessageNode)[] | Promise<(DeployNode | MessageNode)[]> {
  switch (node.kind) {
    case 'environments':
      return deploys ? deploys.snapshot(node.root).then((snap) => environmentChildren(node.root, snap, deploys.reviews(node.root), (id) => deploys.driven(id))) : [];
    case 'environment':
      return deploys?.runOf ? deploys.runOf(node.root, node.row).then((r) => runChildren(node.root, r)) : [];
    case 'deployRun':
      return node.run.jobs.map((job) => ({ kind: 'deployRunJob', root: node.root, runId: node.run.runId, job }));
    case 'deployRunJob':
      return node.job.steps.map((step) => ({ kind: 'deployRunStep', root: node.root, runId: node.runId, jobId: node.job.id, step }));
    default:
      return [];
  }
}

/** The rows under Environments: each environment, unfinished operations of other sessions, pending reviews. */
function environmentChildren(root: string, snap: EnvironmentsSnapshot, reviews: ReviewWait[], driven: (id: string) => boolean): (DeployNode | MessageNode)[] {
  if (snap.kind === 'not-github') return [{ kind: 'message', root, text: snap.message }];
  const out: (DeployNode | MessageNode)[] = [];
  if (snap.kind === 'signed-out') out.push({ kind: 'message', root, text: 'Sign in to GitHub to see deployments', icon: 'account', command: { command: COMMANDS.signIn, title: 'Sign in to GitHub' } });
  if (snap.kind === 'error') out.push({ kind: 'message', root, text: snap.message, icon: 'warning', command: { command: COMMANDS.showLog, title: 'Show Log' } });
  for (const row of snap.rows) out.push({ kind: 'environment', root, row, running: row.journal?.state === 'running' });
  for (const row of snap.rows) {
    const j = row.journal;
    // Running but not driven here (paused, or another window / the CLI / a crash): resume or inspect.
    if (j && j.state === 'running' && (j.paused !== null || !driven(j.id))) out.push({ kind: 'deployJournal', root, journal: j });
  }
  out.push(...reviews.map((wait): DeployNode => ({ kind: 'deployReview', root, wait })));
  if (snap.rows.length === 0 && snap.kind === 'ok') out.push({ kind: 'message', root, text: 'No environments yet: Deploy… creates one' });
  return out;
}

/** The children of an environment row: its workflow run, or why it cannot be shown. */
function runChildren(root: string, r: RunOfRow | null): (DeployNode | MessageNode)[] {
  if (r === null) return [];
  if (r.kind === 'message') return [{ kind: 'message', root, text: r.text, icon: 'warning' }];
  return [{ kind: 'deployRun', root, environment: r.environment, journalId: r.journalId, journalState: r.journalState, stepLabel: r.stepLabel, live: r.live, run: r.run }];
}

/** The TreeItem of a deploy row. */
export function deployItem(node: DeployNode): vscode.TreeItem {
  switch (node.kind) {
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
      item.tooltip = `${journalSummary(j)}\nStarted ${whenText(j.startedAt)}${j.lastError ? `\nLast error: ${j.lastError}` : ''}\nResume continues from the journal; nothing is sent twice blindly.`;
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

/** "canary 10% · analysing" of a running operation. */
function currentStep(j: DeployJournal): string {
  const c = cursorOf(j);
  if (c === null) return 'finishing';
  const s = j.steps[c]!;
  const doing = s.plan.kind === 'analyse' ? 'analysing' : s.plan.kind === 'wait' ? 'waiting' : s.state.status === 'sent' ? 'running' : s.state.status === 'sending' ? 'sending' : 'starting';
  return `${s.plan.label} · ${doing}${j.paused !== null ? ' · paused' : ''}`;
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

function runItem(node: Extract<DeployNode, { kind: 'deployRun' }>): vscode.TreeItem {
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
