/**
 * Deployments as the metrics count them: each recorded deployment's outcome (its latest
 * non-`inactive` status), the deployments of one strategy run grouped into one (our correlation id;
 * others: same commit within an hour), and which runs are rollbacks (our rollback operations, or
 * found by ancestry) and which were rolled back. Pure.
 */
import type { DeploymentStatusRecord } from '../deploy/rollback';
import type { CommitGraph } from './graph';
import type { MetricDeployment } from './inputs';
import { HOUR } from './stats';

/** A deployment's outcome for the metrics. */
export type RunOutcome = 'succeeded' | 'failed' | 'inProgress';

/** The outcome of one recorded deployment: its latest non-inactive status (success, failure/error; anything else is in progress) and that status's time. */
export function statusOutcome(statuses: readonly DeploymentStatusRecord[]): { outcome: RunOutcome; at: number | null } {
  let latest: DeploymentStatusRecord | null = null;
  let latestAt = -Infinity;
  for (const s of statuses) {
    if (s.state === 'inactive') continue;
    const at = Date.parse(s.createdAt);
    if (Number.isNaN(at)) continue;
    if (at >= latestAt) {
      latest = s;
      latestAt = at;
    }
  }
  if (latest === null) return { outcome: 'inProgress', at: null };
  if (latest.state === 'success') return { outcome: 'succeeded', at: latestAt };
  if (latest.state === 'failure' || latest.state === 'error') return { outcome: 'failed', at: latestAt };
  return { outcome: 'inProgress', at: null };
}

/** One counted deployment: the recorded deployments of one strategy run. */
export interface DeploymentRun {
  key: string;
  source: MetricDeployment['source'];
  members: MetricDeployment[];
  sha: string;
  ref: string;
  version: string | null;
  /** When the first of its deployments was created (ms). */
  createdAt: number;
  outcome: RunOutcome;
  /** When it succeeded or failed (ms); null while in progress. */
  finishedAt: number | null;
  /** The earliest failure or error status of its deployments (ms), null without one. */
  firstFailureAt: number | null;
  /** Our rollback operation (or the automatic rollback phase of a deploy). */
  ourRollback: boolean;
  /** Our operation id, null for deployments others made. */
  operationId: string | null;
  rollback: boolean;
  rolledBack: boolean;
  /** The rollback that replaced it. */
  rolledBackBy: DeploymentRun | null;
}

const CORRELATION = /^(.+)-([a-z])(\d+)$/;

function groupKey(d: MetricDeployment): { key: string; operationId: string; phase: string } | null {
  if (d.correlationId === null) return null;
  const m = CORRELATION.exec(d.correlationId);
  const operationId = m ? m[1]! : d.correlationId;
  // An abort (phase a) belongs to the deploy it stops; an automatic rollback (phase r) is a run of its own.
  const phase = m ? (m[2] === 'r' ? 'r' : 'm') : 'm';
  return { key: `${d.source}:${operationId}:${phase}`, operationId, phase };
}

/** Groups the deployments into runs, oldest first. */
export function groupRuns(deployments: readonly MetricDeployment[]): DeploymentRun[] {
  const sorted = [...deployments].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id);
  const byKey = new Map<string, { members: MetricDeployment[]; operationId: string | null; phase: string }>();
  const order: string[] = [];
  /** Open groups of deployments others made, by source and commit: the last group's key and start. */
  const foreign = new Map<string, { key: string; start: number }>();
  let n = 0;
  for (const d of sorted) {
    const at = Date.parse(d.createdAt);
    if (Number.isNaN(at)) continue;
    const ours = groupKey(d);
    let key: string;
    if (ours) key = ours.key;
    else {
      const open = foreign.get(`${d.source}:${d.sha}`);
      if (open && at - open.start <= HOUR) key = open.key;
      else {
        key = `${d.source}:foreign:${n++}`;
        foreign.set(`${d.source}:${d.sha}`, { key, start: at });
      }
    }
    let group = byKey.get(key);
    if (!group) {
      group = { members: [], operationId: ours?.operationId ?? null, phase: ours?.phase ?? 'm' };
      byKey.set(key, group);
      order.push(key);
    }
    group.members.push(d);
  }
  return order.map((key) => makeRun(key, byKey.get(key)!));
}

function makeRun(key: string, group: { members: MetricDeployment[]; operationId: string | null; phase: string }): DeploymentRun {
  const members = group.members;
  const first = members[0]!;
  const last = members[members.length - 1]!;
  const ourRollback = group.phase === 'r' || members.some((m) => m.operation === 'rollback');
  // What it deploys: the last step of the deploy itself (an abort's steps send the stable release back).
  const main = [...members].reverse().find((m) => !/-a\d+$/.test(m.correlationId ?? '')) ?? last;
  let outcome: RunOutcome;
  let finishedAt: number | null = null;
  let firstFailureAt: number | null = null;
  const outcomes = members.map((m) => statusOutcome(m.statuses));
  for (const m of members) {
    for (const s of m.statuses) {
      if (s.state !== 'failure' && s.state !== 'error') continue;
      const at = Date.parse(s.createdAt);
      if (!Number.isNaN(at) && (firstFailureAt === null || at < firstFailureAt)) firstFailureAt = at;
    }
  }
  const failed = outcomes.filter((o) => o.outcome === 'failed');
  if (failed.length > 0) {
    outcome = 'failed';
    finishedAt = Math.max(...failed.map((o) => o.at!));
  } else {
    const end = outcomes[outcomes.length - 1]!;
    outcome = end.outcome;
    finishedAt = end.at;
  }
  return {
    key,
    source: first.source,
    members,
    sha: main.sha,
    ref: main.ref,
    version: main.version,
    createdAt: Date.parse(first.createdAt),
    outcome,
    finishedAt,
    firstFailureAt,
    ourRollback,
    operationId: group.operationId,
    rollback: ourRollback,
    rolledBack: false,
    rolledBackBy: null,
  };
}

/** Whether `ancestor` is reachable from `descendant` (or equal) in the graph; false when either is not in it. */
export function isAncestorIn(graph: CommitGraph, ancestor: string, descendant: string): boolean {
  if (ancestor === descendant) return true;
  const a = graph.idOf(ancestor);
  const d = graph.idOf(descendant);
  if (a < 0 || d < 0) return false;
  const seen = new Uint8Array(graph.size);
  seen[d] = 1;
  const stack = [d];
  let found = false;
  while (stack.length > 0 && !found) {
    graph.forEachParent(stack.pop()!, (p) => {
      if (p === a) found = true;
      else if (!seen[p]) {
        seen[p] = 1;
        stack.push(p);
      }
    });
  }
  return found;
}

/**
 * Marks every commit reachable from `tip` that is not marked in `deployed` yet; returns the ids of those
 * newly marked (the commits `git rev-list <earlier deployed commits>..tip` lists), or null when the tip is
 * not in the graph. Commits only named as parents (beyond the walk) are not counted.
 */
export function addReachable(graph: CommitGraph, deployed: Uint8Array, tip: string): number[] | null {
  const t = graph.idOf(tip);
  if (t < 0) return null;
  if (deployed[t]) return [];
  const added: number[] = [t];
  deployed[t] = 1;
  const stack = [t];
  const visit = (p: number) => {
    if (deployed[p] || Number.isNaN(graph.timeOf(p))) return;
    deployed[p] = 1;
    added.push(p);
    stack.push(p);
  };
  while (stack.length > 0) graph.forEachParent(stack.pop()!, visit);
  return added;
}

/** What walking the runs in order found: the commits each succeeded run deployed first, and the rollbacks. */
export interface RunWalk {
  /** Per succeeded run: the ids of the commits it deployed that no earlier succeeded run had (null: its commit is not in the clone; absent: the first known deployment, whose range is unknown). */
  newCommits: Map<DeploymentRun, number[] | null>;
  /** Succeeded runs whose commit is not in the clone. */
  missing: DeploymentRun[];
}

/**
 * Walks the runs oldest first: marks rollbacks found by ancestry (a run whose commit is an ancestor
 * of, or equal to, a commit an earlier succeeded run deployed, other than what the environment ran
 * just before it, and not newer than that), marks the runs each rollback replaced, and collects the
 * commits each succeeded run deployed first (one walk of the graph for all of them).
 */
export function walkRuns(runs: readonly DeploymentRun[], graph: CommitGraph): RunWalk {
  const deployed = new Uint8Array(graph.size);
  const shas = new Set<string>();
  const newCommits = new Map<DeploymentRun, number[] | null>();
  const missing: DeploymentRun[] = [];
  let previous: DeploymentRun | null = null;
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index]!;
    if (!run.ourRollback && previous !== null && run.sha !== previous.sha) {
      const id = graph.idOf(run.sha);
      const older = id >= 0 ? deployed[id] === 1 : shas.has(run.sha);
      if (older && !isAncestorIn(graph, previous.sha, run.sha)) run.rollback = true;
    }
    if (run.rollback && run.outcome !== 'failed') {
      // The run it replaced: the deploy of the same operation (automatic rollback), else the latest finished run before it.
      const own = run.operationId !== null ? runs.find((r) => r !== run && r.operationId === run.operationId && !r.ourRollback) : undefined;
      let replaced: DeploymentRun | null = own ?? null;
      for (let i = index - 1; replaced === null && i >= 0; i--) if (runs[i]!.outcome !== 'inProgress') replaced = runs[i]!;
      if (replaced) {
        replaced.rolledBack = true;
        replaced.rolledBackBy = run;
      }
    }
    if (run.outcome !== 'succeeded') continue;
    const added = addReachable(graph, deployed, run.sha);
    if (added === null) missing.push(run);
    if (previous !== null) newCommits.set(run, added);
    shas.add(run.sha);
    previous = run;
  }
  return { newCommits, missing };
}
