/**
 * GitHub Actions in the fake GitHub: workflows found in the git repository, `workflow_dispatch`
 * validated against the workflow file at the ref, runs with jobs and steps, re-runs, cancel, logs,
 * and environments that hold a run (`waiting`) for required reviewers and wait timers.
 *
 * Nothing runs by itself: a run moves when the test says so (`FakeGitHub.advanceRun`) or when the
 * injected clock passes a scripted step (`FakeGitHub.scriptRuns`); the server settles due steps and
 * wait timers before each request (`settle`). Jobs with an environment get deployments, as GitHub
 * Actions creates them.
 */
import { crc32 } from 'node:zlib';
import {
  canApprove,
  deploymentObject,
  ensureEnvironment,
  environmentRef,
  recordDeployment,
  recordDeploymentStatus,
  reviewerObjects,
} from './deployments';
import type { GitCommit } from './git';
import { checkBody, HttpError, iso, notFound, paginate, unprocessable, type Ctx, type Engine, type FieldType, type Reply, type Route } from './http';
import { errorBody, nodeId, repository, simpleUser, type World } from './objects';
import type { JobAdvance, JobConclusion, JobPlan, JobRecord, JobStatus, PendingRecord, RepoState, RunConclusion, RunRecord, RunStatus, StepRecord, WorkflowRecord } from './state';
import { evaluate, parseWorkflow, type ExprContext, type WorkflowFile } from './workflowFile';

export const WORKFLOW_DIR = '.github/workflows';
/** API versions whose behaviour differs here: from 2026-03-10 a dispatch always answers 200 with the run. */
export const API_VERSIONS = ['2022-11-28', '2026-03-10'] as const;
const DAY_MS = 24 * 3600 * 1000;
const RERUN_WINDOW_MS = 30 * DAY_MS;

// ---------------------------------------------------------------------------------------------
// workflows

const parsedFiles = new Map<string, WorkflowFile>();

/** The workflow file at `path` in `commit`, parsed (cached by blob SHA); null when the file is missing. */
export async function workflowFileAt(r: RepoState, commit: string, path: string): Promise<WorkflowFile | null> {
  const obj = await r.git.objectAt(commit, path);
  if (!obj || obj.type !== 'blob') return null;
  let file = parsedFiles.get(obj.sha);
  if (!file) {
    file = parseWorkflow((await r.git.blob(obj.sha)).toString('utf8'));
    parsedFiles.set(obj.sha, file);
  }
  return file;
}

/** Synchronous variant for seeding. */
export function workflowFileAtSync(r: RepoState, commit: string, path: string): WorkflowFile | null {
  try {
    return parseWorkflow(r.git.runSync(['cat-file', 'blob', `${commit}:${path}`]));
  } catch {
    return null;
  }
}

/** A workflow's path from a file name (`deploy.yml`) or path (`.github/workflows/deploy.yml`). */
export function workflowPath(nameOrPath: string): string {
  return nameOrPath.includes('/') ? nameOrPath : `${WORKFLOW_DIR}/${nameOrPath}`;
}

export function registerWorkflow(e: Engine, r: RepoState, path: string): WorkflowRecord {
  let wf = r.workflows.get(path);
  if (!wf) {
    const now = iso(e.clock());
    wf = { id: e.w.idFor(`workflow:${r.id}:${path}`), path, state: 'active', created_at: now, updated_at: now, nextRunNumber: 1 };
    r.workflows.set(path, wf);
  }
  return wf;
}

/** Registers the workflow files of the default branch (as GitHub lists them) and returns every known workflow. */
export async function discoverWorkflows(e: Engine, r: RepoState): Promise<WorkflowRecord[]> {
  const head = await r.git.resolveCommit(r.defaultBranch);
  if (head) {
    const dir = await r.git.objectAt(head, WORKFLOW_DIR);
    if (dir?.type === 'tree') {
      for (const entry of await r.git.tree(dir.sha)) if (entry.type === 'blob' && /\.ya?ml$/.test(entry.name)) registerWorkflow(e, r, `${WORKFLOW_DIR}/${entry.name}`);
    }
  }
  return [...r.workflows.values()].sort((a, b) => a.id - b.id);
}

async function workflowName(r: RepoState, wf: WorkflowRecord): Promise<string> {
  const head = await r.git.resolveCommit(r.defaultBranch);
  const file = head ? await workflowFileAt(r, head, wf.path) : null;
  return file?.name ?? wf.path;
}

/** `{workflow_id}`: the numeric id or the file name. */
async function findWorkflow(ctx: Ctx): Promise<WorkflowRecord> {
  const key = ctx.params.workflow_id ?? '';
  const all = await discoverWorkflows(ctx, ctx.repo);
  const wf = /^\d+$/.test(key) ? all.find((w) => w.id === Number(key)) : all.find((w) => w.path.slice(w.path.lastIndexOf('/') + 1) === key);
  if (!wf) throw notFound(ctx);
  return wf;
}

function workflowObject(w: World, r: RepoState, wf: WorkflowRecord, name: string): Record<string, unknown> {
  return {
    id: wf.id,
    node_id: nodeId('W', wf.id),
    name,
    path: wf.path,
    state: wf.state,
    created_at: wf.created_at,
    updated_at: wf.updated_at,
    url: `${w.api}/repos/${r.owner}/${r.name}/actions/workflows/${wf.id}`,
    html_url: `${w.web}/${r.owner}/${r.name}/blob/${r.defaultBranch}/${wf.path}`,
    badge_url: `${w.web}/${r.owner}/${r.name}/workflows/${encodeURIComponent(name)}/badge.svg`,
  };
}

// ---------------------------------------------------------------------------------------------
// the run engine

export interface RunOptions {
  event: string;
  head_branch: string | null;
  head_sha: string;
  actor: string;
  /** Inputs as strings (what the run records); `typedInputs` feed expressions. */
  inputs: Record<string, string> | null;
  typedInputs?: Record<string, string | boolean | number>;
  file: WorkflowFile | null;
  createdMs?: number;
  display_title?: string;
  /** Jobs instead of the workflow file's. */
  jobs?: JobPlan[];
  hiddenFromLists?: number;
}

function exprContext(r: RepoState, run: Pick<RunRecord, 'head_branch' | 'head_sha' | 'actor' | 'event' | 'run_number' | 'name'>, inputs: Record<string, string | boolean | number>): ExprContext {
  return {
    inputs,
    github: {
      ref_name: run.head_branch ?? '',
      sha: run.head_sha,
      actor: run.actor,
      triggering_actor: run.actor,
      event_name: run.event,
      repository: `${r.owner}/${r.name}`,
      repository_owner: r.owner,
      workflow: run.name,
      run_number: run.run_number,
    },
  };
}

/** The jobs a workflow file describes, expressions evaluated (a file without jobs gets one `build` job). */
export function planJobs(file: WorkflowFile | null, ctx: ExprContext): JobPlan[] {
  const jobs = file?.jobs ?? [];
  if (jobs.length === 0) return [{ name: 'build', environment: null, environment_url: null, steps: ['Set up job', 'Complete job'], labels: ['ubuntu-latest'] }];
  return jobs.map((j) => {
    const url = j.environmentUrl === null ? '' : evaluate(j.environmentUrl, ctx);
    return {
      name: evaluate(j.name, ctx) || j.key,
      environment: j.environment === null ? null : evaluate(j.environment, ctx) || null,
      environment_url: /^https?:\/\//.test(url) ? url : null,
      steps: ['Set up job', ...j.steps, 'Complete job'],
      labels: j.labels,
    };
  });
}

function newJob(e: Engine, plan: JobPlan, attempt: number, at: number): JobRecord {
  const stamp = iso(at);
  return {
    id: e.nextId(),
    name: plan.name,
    run_attempt: attempt,
    status: 'queued',
    conclusion: null,
    created_at: stamp,
    started_at: stamp,
    completed_at: null,
    steps: plan.steps.map((name, i) => ({ name, number: i + 1, status: 'queued', conclusion: null, started_at: null, completed_at: null })),
    labels: plan.labels,
    runner_name: null,
    environment: plan.environment,
    environment_url: plan.environment_url,
    deploymentId: null,
  };
}

/** The latest execution of each job (`filter=latest`). */
export function latestJobs(run: RunRecord): JobRecord[] {
  const byName = new Map<string, JobRecord>();
  for (const j of run.jobs) {
    const seen = byName.get(j.name);
    if (!seen || j.run_attempt > seen.run_attempt || (j.run_attempt === seen.run_attempt && j.id > seen.id)) byName.set(j.name, j);
  }
  return [...byName.values()].sort((a, b) => a.id - b.id);
}

function jobUrl(w: World, r: RepoState, run: RunRecord, job: JobRecord): string {
  return `${w.web}/${r.owner}/${r.name}/actions/runs/${run.id}/job/${job.id}`;
}

/** The deployment GitHub Actions creates when a job with an environment is about to run. */
function deployJob(e: Engine, r: RepoState, run: RunRecord, job: JobRecord, at: number): void {
  if (job.environment === null || job.deploymentId !== null) return;
  const d = recordDeployment(e, r, {
    ref: run.head_branch ?? run.head_sha,
    sha: run.head_sha,
    environment: job.environment,
    creator: run.triggering_actor,
    viaActions: true,
    created_at: iso(at),
  });
  recordDeploymentStatus(e, r, d, { state: 'queued', creator: run.triggering_actor, viaActions: true, log_url: jobUrl(e.w, r, run, job), created_at: iso(at) });
  job.deploymentId = d.id;
}

function deploymentStatusForJob(e: Engine, r: RepoState, run: RunRecord, job: JobRecord, state: 'in_progress' | 'success' | 'failure', at: number): void {
  const d = job.deploymentId === null ? undefined : r.deployments.find((x) => x.id === job.deploymentId);
  if (!d) return;
  recordDeploymentStatus(e, r, d, {
    state,
    creator: run.triggering_actor,
    viaActions: true,
    log_url: jobUrl(e.w, r, run, job),
    environment_url: state === 'success' ? (job.environment_url ?? '') : '',
    created_at: iso(at),
  });
}

/** Creates the jobs of a new attempt; jobs whose environment has protection rules wait. */
function startAttempt(e: Engine, r: RepoState, run: RunRecord, plans: JobPlan[], at: number): void {
  const jobs = plans.map((p) => newJob(e, p, run.run_attempt, at));
  run.jobs.push(...jobs);
  run.pending = [];
  for (const job of jobs) {
    if (job.environment === null) continue;
    const env = ensureEnvironment(e, r, job.environment);
    if (env.reviewers.length === 0 && env.wait_timer === 0) continue;
    job.status = 'waiting';
    let p = run.pending.find((x) => x.environmentId === env.id);
    if (!p) {
      p = { environmentId: env.id, jobs: [], waitStartedMs: at, waitTimerMin: env.wait_timer, needsReview: env.reviewers.length > 0, approvedMs: null };
      run.pending.push(p);
    }
    p.jobs.push(job.name);
  }
  for (const job of jobs) if (job.status === 'queued') deployJob(e, r, run, job, at);
  run.status = run.pending.length > 0 ? 'waiting' : 'queued';
  run.conclusion = null;
  run.readyMs = run.pending.length > 0 ? null : at;
  run.applied = [];
}

export function createRun(e: Engine, r: RepoState, wf: WorkflowRecord, o: RunOptions): RunRecord {
  const at = o.createdMs ?? e.clock();
  const stamp = iso(at);
  const run: RunRecord = {
    id: e.nextId(),
    workflowId: wf.id,
    name: o.file?.name ?? wf.path,
    path: wf.path,
    display_title: '',
    event: o.event,
    head_branch: o.head_branch,
    head_sha: o.head_sha,
    run_number: wf.nextRunNumber++,
    run_attempt: 1,
    status: 'queued',
    conclusion: null,
    actor: o.actor,
    triggering_actor: o.actor,
    created_at: stamp,
    updated_at: stamp,
    run_started_at: stamp,
    inputs: o.inputs,
    jobs: [],
    pending: [],
    approvals: [],
    readyMs: at,
    script: [...(r.runScripts.get(wf.id) ?? [])],
    applied: [],
    hiddenFromLists: o.hiddenFromLists ?? 0,
    plan: [],
  };
  const ctx = exprContext(r, run, o.typedInputs ?? o.inputs ?? {});
  // Without `run-name`, a dispatched run is titled by the workflow name (a push by its commit subject).
  run.display_title = o.display_title ?? ((o.file?.runName ? evaluate(o.file.runName, ctx) : '') || run.name);
  run.plan = o.jobs ?? planJobs(o.file, ctx);
  r.runs.push(run);
  startAttempt(e, r, run, run.plan, at);
  return run;
}

function startJob(e: Engine, r: RepoState, run: RunRecord, job: JobRecord, at: number): void {
  if (job.status === 'in_progress' || job.status === 'completed') return;
  const stamp = iso(at);
  job.status = 'in_progress';
  job.started_at = stamp;
  job.runner_name = `GitHub Actions ${(job.id % 1000) + 1}`;
  const first = job.steps[0];
  if (first && first.status === 'queued') Object.assign(first, { status: 'in_progress', started_at: stamp });
  deployJob(e, r, run, job, at);
  deploymentStatusForJob(e, r, run, job, 'in_progress', at);
}

function closeStep(step: StepRecord, conclusion: JobConclusion, stamp: string): void {
  step.status = 'completed';
  step.conclusion = conclusion;
  step.started_at ??= stamp;
  step.completed_at = stamp;
}

function completeJob(e: Engine, r: RepoState, run: RunRecord, job: JobRecord, conclusion: JobConclusion, at: number): void {
  if (job.status === 'completed') return;
  const stamp = iso(at);
  const started = job.status === 'in_progress';
  if (!started || conclusion === 'skipped') {
    // A job that never ran (skipped, cancelled or rejected before it started) has no steps.
    job.steps = job.steps.filter((s) => s.status === 'completed');
  } else {
    const steps = job.steps;
    const open = steps.filter((s) => s.status !== 'completed');
    if (conclusion === 'failure' || conclusion === 'timed_out') {
      let failed = steps.findIndex((s) => s.conclusion === 'failure');
      if (failed < 0) {
        const work = open.filter((s) => s.name !== 'Complete job');
        const target = work.at(-1) ?? open.at(-1);
        failed = target ? steps.indexOf(target) : -1;
      }
      steps.forEach((s, i) => {
        if (s.status === 'completed') return;
        closeStep(s, i === failed ? 'failure' : i < failed || s.name === 'Complete job' ? 'success' : 'skipped', stamp);
      });
    } else if (conclusion === 'cancelled') {
      open.forEach((s, i) => closeStep(s, i === 0 ? 'cancelled' : 'skipped', stamp));
    } else {
      for (const s of open) closeStep(s, conclusion, stamp);
    }
  }
  job.status = 'completed';
  job.conclusion = conclusion;
  job.completed_at = stamp;
  if (started || job.deploymentId !== null) deploymentStatusForJob(e, r, run, job, conclusion === 'success' ? 'success' : 'failure', at);
}

function jobConclusionOf(c: RunConclusion): JobConclusion {
  return c === 'stale' || c === 'startup_failure' ? 'failure' : c;
}

/** A run's conclusion from its jobs: a failure wins, then a cancellation; all skipped is skipped. */
export function conclusionOf(jobs: JobRecord[]): RunConclusion {
  const cs = jobs.map((j) => j.conclusion);
  if (cs.some((c) => c === 'failure' || c === 'timed_out')) return 'failure';
  if (cs.some((c) => c === 'cancelled')) return 'cancelled';
  if (cs.length > 0 && cs.every((c) => c === 'skipped')) return 'skipped';
  return 'success';
}

function applyJobAdvance(e: Engine, r: RepoState, run: RunRecord, job: JobRecord, ja: JobAdvance, runStatus: RunStatus, at: number): void {
  const stamp = iso(at);
  for (const sa of ja.steps ?? []) {
    let step = job.steps.find((s) => s.name === sa.name);
    if (!step) {
      step = { name: sa.name, number: 0, status: 'queued', conclusion: null, started_at: null, completed_at: null };
      const end = job.steps.findIndex((s) => s.name === 'Complete job');
      job.steps.splice(end < 0 ? job.steps.length : end, 0, step);
      job.steps.forEach((s, i) => (s.number = i + 1));
    }
    const status = sa.status ?? (sa.conclusion ? 'completed' : 'in_progress');
    if (status === 'completed') closeStep(step, sa.conclusion ?? 'success', stamp);
    else Object.assign(step, { status, conclusion: null, started_at: status === 'in_progress' ? (step.started_at ?? stamp) : null, completed_at: null });
  }
  const target: JobStatus = ja.status ?? (ja.conclusion ? 'completed' : runStatus === 'completed' ? 'completed' : runStatus === 'in_progress' ? 'in_progress' : job.status);
  if (target === 'in_progress') startJob(e, r, run, job, at);
  else if (target === 'completed') {
    if (ja.conclusion !== 'skipped') startJob(e, r, run, job, at);
    completeJob(e, r, run, job, ja.conclusion ?? 'success', at);
  } else job.status = target;
}

/** What `advanceRun` and scripted steps apply. */
export interface RunAdvance {
  status: RunStatus;
  conclusion?: RunConclusion | null;
  jobs?: JobAdvance[];
}

/**
 * Moves a run: `in_progress` starts its queued jobs, `completed` finishes every unfinished job
 * (with the run's conclusion, default success, unless a job says otherwise). Named jobs and steps
 * change as given. Throws for a run that still waits for reviews or timers.
 */
export function advance(e: Engine, r: RepoState, run: RunRecord, to: RunAdvance, at: number): void {
  if (run.status === 'completed') throw new Error(`fake GitHub: run ${run.id} is completed; re-run it first`);
  if (run.pending.length > 0 && (to.status === 'in_progress' || to.status === 'completed')) {
    const names = run.pending.map((p) => r.environments.find((env) => env.id === p.environmentId)?.name ?? p.environmentId).join(', ');
    throw new Error(`fake GitHub: run ${run.id} is waiting for ${names}; approve it (POST …/pending_deployments) or let the wait timer pass`);
  }
  const current = latestJobs(run);
  const named = new Set<string>();
  for (const ja of to.jobs ?? []) {
    let job = current.find((j) => j.name === ja.name);
    if (!job) {
      job = newJob(e, { name: ja.name, environment: null, environment_url: null, steps: ['Set up job', 'Complete job'], labels: ['ubuntu-latest'] }, run.run_attempt, at);
      run.jobs.push(job);
    }
    named.add(job.name);
    applyJobAdvance(e, r, run, job, ja, to.status, at);
  }
  for (const job of latestJobs(run)) {
    if (named.has(job.name) || job.status === 'completed') continue;
    if (to.status === 'in_progress') startJob(e, r, run, job, at);
    else if (to.status === 'completed') {
      const c = jobConclusionOf(to.conclusion ?? 'success');
      if (c !== 'skipped') startJob(e, r, run, job, at);
      completeJob(e, r, run, job, c, at);
    }
  }
  run.status = to.status;
  run.conclusion = to.status === 'completed' ? (to.conclusion ?? conclusionOf(latestJobs(run))) : null;
  run.updated_at = iso(at);
}

/** Releases environments whose reviews and wait timers are done, then applies due scripted steps. */
export function settleRun(e: Engine, r: RepoState, run: RunRecord, now: number): void {
  if (run.status === 'completed') return;
  let lastRelease = -Infinity;
  for (const p of [...run.pending]) {
    if (p.needsReview && p.approvedMs === null) continue;
    const at = Math.max(p.waitStartedMs + p.waitTimerMin * 60_000, p.approvedMs ?? -Infinity);
    if (at > now) continue;
    run.pending = run.pending.filter((x) => x !== p);
    for (const job of latestJobs(run)) {
      if (job.status !== 'waiting' || !p.jobs.includes(job.name)) continue;
      job.status = 'queued';
      deployJob(e, r, run, job, at);
    }
    lastRelease = Math.max(lastRelease, at);
  }
  if (run.pending.length === 0 && run.readyMs === null && lastRelease > -Infinity) {
    run.readyMs = lastRelease;
    if (run.status === 'waiting') run.status = 'queued';
    run.updated_at = iso(lastRelease);
  }
  if (run.readyMs === null) return;
  const due = run.script
    .map((step, i) => ({ step, i }))
    .filter(({ step, i }) => !run.applied.includes(i) && (step.attempt === undefined || step.attempt === run.run_attempt))
    .sort((a, b) => a.step.after - b.step.after);
  for (const { step, i } of due) {
    const at = run.readyMs + step.after;
    if (at > now || (run.status as RunStatus) === 'completed') break;
    run.applied.push(i);
    advance(e, r, run, step, at);
  }
}

/** Settles every unfinished run of the repository at the clock's time. */
export function settle(e: Engine, r: RepoState): void {
  const now = e.clock();
  for (const run of r.runs) settleRun(e, r, run, now);
}

// ---------------------------------------------------------------------------------------------
// objects

function simpleCommit(c: GitCommit | undefined): Record<string, unknown> | null {
  if (!c) return null;
  return {
    id: c.sha,
    tree_id: c.tree,
    message: c.message,
    timestamp: c.committer.date,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}

export function runObject(w: World, r: RepoState, run: RunRecord, commits: Map<string, GitCommit>): Record<string, unknown> {
  const repoApi = `${w.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoApi}/actions/runs/${run.id}`;
  const suite = w.idFor(`suite:run:${run.id}:${run.run_attempt}`);
  const repo = repository(w, r);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WFR', run.id),
    check_suite_id: suite,
    check_suite_node_id: nodeId('CS', suite),
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.path,
    display_title: run.display_title,
    run_number: run.run_number,
    run_attempt: run.run_attempt,
    referenced_workflows: [],
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${w.web}/${r.owner}/${r.name}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor: simpleUser(w, run.actor),
    triggering_actor: simpleUser(w, run.triggering_actor),
    run_started_at: run.run_started_at,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoApi}/check-suites/${suite}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.run_attempt > 1 ? `${url}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${repoApi}/actions/workflows/${run.workflowId}`,
    head_commit: simpleCommit(commits.get(run.head_sha)),
    repository: repo,
    head_repository: repo,
  };
}

export function jobObject(w: World, r: RepoState, run: RunRecord, job: JobRecord): Record<string, unknown> {
  const repoApi = `${w.api}/repos/${r.owner}/${r.name}`;
  const assigned = job.runner_name !== null;
  return {
    id: job.id,
    run_id: run.id,
    run_url: `${repoApi}/actions/runs/${run.id}`,
    run_attempt: job.run_attempt,
    node_id: nodeId('CR', job.id),
    head_sha: run.head_sha,
    url: `${repoApi}/actions/jobs/${job.id}`,
    html_url: jobUrl(w, r, run, job),
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
    name: job.name,
    steps: job.steps.map((s) => ({ ...s })),
    check_run_url: `${repoApi}/check-runs/${job.id}`,
    labels: job.labels,
    runner_id: assigned ? (job.id % 1000) + 1 : null,
    runner_name: job.runner_name,
    runner_group_id: assigned ? 2 : null,
    runner_group_name: assigned ? 'GitHub Actions' : null,
    workflow_name: run.name,
    head_branch: run.head_branch,
  };
}

async function commitsOf(r: RepoState, runs: RunRecord[]): Promise<Map<string, GitCommit>> {
  const shas = [...new Set(runs.map((x) => x.head_sha))];
  const known: string[] = [];
  for (const sha of shas) if ((await r.git.objectType(sha)) === 'commit') known.push(sha);
  return new Map((await r.git.commits(known)).map((c) => [c.sha, c]));
}

function findRun(ctx: Ctx): RunRecord {
  const id = ctx.params.run_id ?? '';
  const run = /^\d+$/.test(id) ? ctx.repo.runs.find((x) => x.id === Number(id)) : undefined;
  if (!run) throw notFound(ctx);
  return run;
}

// ---------------------------------------------------------------------------------------------
// workflows and dispatch

async function listWorkflows(ctx: Ctx): Promise<Reply> {
  const all = await discoverWorkflows(ctx, ctx.repo);
  const page = paginate(ctx, all);
  const body = await Promise.all(page.items.map(async (wf) => workflowObject(ctx.w, ctx.repo, wf, await workflowName(ctx.repo, wf))));
  return { status: 200, body: { total_count: all.length, workflows: body }, headers: page.headers };
}

async function getWorkflow(ctx: Ctx): Promise<Reply> {
  const wf = await findWorkflow(ctx);
  return { status: 200, body: workflowObject(ctx.w, ctx.repo, wf, await workflowName(ctx.repo, wf)) };
}

/** A dispatch `ref`: a branch or tag name, or a full `refs/heads/…` / `refs/tags/…` name (not a SHA). */
async function dispatchRef(ctx: Ctx, ref: string): Promise<{ sha: string; name: string } | null> {
  const git = ctx.repo.git;
  const candidates = ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const full of candidates) {
    if (!(await git.readRef(full))) continue;
    const sha = await git.peelToCommit(full);
    if (sha) return { sha, name: full.replace(/^refs\/(?:heads|tags)\//, '') };
  }
  return null;
}

function inputValue(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return null;
}

async function dispatch(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const wf = await findWorkflow(ctx);
  // github.com takes `return_run_details` with the 2022-11-28 API; from 2026-03-10 the key is gone
  // and every dispatch answers 200 with the run. GHES 3.19 does not know the key.
  const version = ctx.headers['x-github-api-version'] ?? '2022-11-28';
  const detailsAlways = ctx.flavor === 'api.github.com' && version === '2026-03-10';
  const fields: Record<string, FieldType> = { ref: 'string', inputs: 'object' };
  if (ctx.flavor === 'api.github.com' && !detailsAlways) fields.return_run_details = 'boolean';
  const b = checkBody(ctx, fields, ['ref'], { strict: true, nullable: [] });
  const given = (b.inputs as Record<string, unknown> | undefined) ?? {};
  if (Object.keys(given).length > 25) throw unprocessable(ctx, `Invalid request.\n\nFor 'properties/inputs', the object has ${Object.keys(given).length} properties; the maximum is 25.`);
  if (wf.state !== 'active') throw unprocessable(ctx, "Cannot trigger a 'workflow_dispatch' on a disabled workflow");
  const ref = b.ref as string;
  const target = await dispatchRef(ctx, ref);
  if (!target) throw unprocessable(ctx, `No ref found for: ${ref}`);
  const file = await workflowFileAt(r, target.sha, wf.path);
  if (!file?.dispatch) throw unprocessable(ctx, "Workflow does not have 'workflow_dispatch' trigger");

  const declared = file.dispatch.inputs;
  const unexpected = Object.keys(given).filter((k) => !declared.some((d) => d.name === k));
  if (unexpected.length > 0) throw unprocessable(ctx, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const resolved: Record<string, string> = {};
  const typed: Record<string, string | boolean | number> = {};
  for (const input of declared) {
    const raw = given[input.name];
    const provided = raw === undefined ? undefined : inputValue(raw);
    if (raw !== undefined && provided === null) throw unprocessable(ctx, `Invalid request.\n\nFor 'properties/inputs/${input.name}', ${JSON.stringify(raw)} is not a string.`);
    if (input.required && (provided === undefined || provided === '') && input.default === undefined) throw unprocessable(ctx, `Required input '${input.name}' not provided`);
    const value = provided ?? input.default ?? (input.type === 'boolean' ? 'false' : '');
    if (input.type === 'choice' && !input.options.includes(value)) throw unprocessable(ctx, `Provided value '${value}' for input '${input.name}' not in the list of allowed values`);
    if (input.type === 'boolean' && value !== 'true' && value !== 'false') throw unprocessable(ctx, `Provided value '${value}' for input '${input.name}' not in the list of allowed values`);
    if (input.type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) throw unprocessable(ctx, `Provided value '${value}' for input '${input.name}' is not a valid number`);
    resolved[input.name] = value;
    typed[input.name] = input.type === 'boolean' ? value === 'true' : input.type === 'number' ? Number(value) : value;
  }

  const run = createRun(ctx, r, wf, {
    event: 'workflow_dispatch',
    head_branch: target.name,
    head_sha: target.sha,
    actor: ctx.login,
    inputs: resolved,
    typedInputs: typed,
    file,
    hiddenFromLists: r.runListLag,
  });
  const details = detailsAlways || b.return_run_details === true;
  r.dispatches.push({ workflowId: wf.id, workflowPath: wf.path, ref, inputs: { ...given }, resolvedInputs: resolved, returnRunDetails: details, runId: run.id, at: ctx.now() });
  if (!details) return { status: 204 };
  return {
    status: 200,
    body: {
      workflow_run_id: run.id,
      run_url: `${ctx.w.api}/repos/${r.owner}/${r.name}/actions/runs/${run.id}`,
      html_url: `${ctx.w.web}/${r.owner}/${r.name}/actions/runs/${run.id}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// runs and jobs

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** One bound of GitHub's date search syntax, as epoch ms (a date alone is its whole day). */
function bound(text: string, end: boolean): number | null {
  if (text === '*') return end ? Infinity : -Infinity;
  const ms = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) return null;
  return end && DATE_ONLY.test(text) ? ms + DAY_MS - 1 : ms;
}

/** `created` filter: `2024-01-15`, `>=2024-01-15`, `<2024-01-15T12:00:00Z`, `2024-01-01..2024-01-31`, `*..x`. */
function createdMatcher(q: string): ((iso: string) => boolean) | null {
  const range = /^(.+)\.\.(.+)$/.exec(q);
  let lo: number | null;
  let hi: number | null;
  if (range) {
    lo = bound(range[1] ?? '', false);
    hi = bound(range[2] ?? '', true);
  } else {
    const m = /^(>=|<=|>|<)?(.+)$/.exec(q);
    const op = m?.[1] ?? '';
    const v = m?.[2] ?? '';
    if (op === '>=') [lo, hi] = [bound(v, false), Infinity];
    else if (op === '>') [lo, hi] = [(bound(v, true) ?? NaN) + 1, Infinity];
    else if (op === '<=') [lo, hi] = [-Infinity, bound(v, true)];
    else if (op === '<') [lo, hi] = [-Infinity, (bound(v, false) ?? NaN) - 1];
    else [lo, hi] = [bound(v, false), bound(v, true)];
  }
  if (lo === null || hi === null || Number.isNaN(lo) || Number.isNaN(hi)) return null;
  const [from, to] = [lo, hi];
  return (stamp) => {
    const t = Date.parse(stamp);
    return t >= from && t <= to;
  };
}

async function listRuns(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const q = ctx.query;
  const wf = ctx.params.workflow_id === undefined ? null : await findWorkflow(ctx);
  const created = q.created === undefined ? null : createdMatcher(q.created);
  if (q.created !== undefined && !created) throw unprocessable(ctx, `Invalid request.\n\nFor 'created', ${JSON.stringify(q.created)} is not a valid date range.`);
  const visible: RunRecord[] = [];
  for (const run of r.runs) {
    if (wf && run.workflowId !== wf.id) continue;
    if (run.hiddenFromLists > 0) {
      run.hiddenFromLists--;
      continue;
    }
    visible.push(run);
  }
  const runs = visible
    .filter((run) => q.event === undefined || run.event === q.event)
    .filter((run) => q.branch === undefined || run.head_branch === q.branch)
    .filter((run) => q.status === undefined || run.status === q.status || run.conclusion === q.status)
    .filter((run) => q.head_sha === undefined || run.head_sha === q.head_sha)
    .filter((run) => q.actor === undefined || run.actor.toLowerCase() === q.actor.toLowerCase())
    .filter((run) => q.check_suite_id === undefined || String(ctx.w.idFor(`suite:run:${run.id}:${run.run_attempt}`)) === q.check_suite_id)
    .filter((run) => !created || created(run.created_at))
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
  const page = paginate(ctx, runs);
  const commits = await commitsOf(r, page.items);
  return { status: 200, body: { total_count: runs.length, workflow_runs: page.items.map((run) => runObject(ctx.w, r, run, commits)) }, headers: page.headers };
}

async function getRun(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  return { status: 200, body: runObject(ctx.w, ctx.repo, run, await commitsOf(ctx.repo, [run])) };
}

async function listJobs(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  const filter = ctx.query.filter ?? 'latest';
  if (filter !== 'latest' && filter !== 'all') throw unprocessable(ctx, `Invalid request.\n\nFor 'filter', ${JSON.stringify(filter)} is not one of ["latest","all"].`);
  const jobs = filter === 'all' ? [...run.jobs].sort((a, b) => a.id - b.id) : latestJobs(run);
  const page = paginate(ctx, jobs);
  return { status: 200, body: { total_count: jobs.length, jobs: page.items.map((j) => jobObject(ctx.w, ctx.repo, run, j)) }, headers: page.headers };
}

function forbidden(ctx: Ctx, message: string): HttpError {
  return new HttpError(403, errorBody(message, ctx.docs, 403));
}

/** Starts the next attempt: every job (`rerun`) or the failed ones and what did not run (`rerun-failed-jobs`). */
function rerun(ctx: Ctx, onlyFailed: boolean): Reply {
  checkBody(ctx, { enable_debug_logging: 'boolean' });
  const run = findRun(ctx);
  const now = ctx.clock();
  if (run.status !== 'completed') throw forbidden(ctx, 'This workflow is already running');
  if (now - Date.parse(run.created_at) > RERUN_WINDOW_MS) throw forbidden(ctx, 'Unable to re-run this workflow run because it was created over a month ago');
  const latest = latestJobs(run);
  const again = onlyFailed ? latest.filter((j) => j.conclusion !== 'success' && j.conclusion !== 'neutral') : latest;
  if (again.length === 0) throw forbidden(ctx, 'This workflow run has no failed jobs to re-run');
  run.run_attempt++;
  run.run_started_at = iso(now);
  run.updated_at = iso(now);
  run.triggering_actor = ctx.login;
  const plans = again.map((j) => run.plan.find((p) => p.name === j.name) ?? { name: j.name, environment: j.environment, environment_url: j.environment_url, steps: j.steps.map((s) => s.name), labels: j.labels });
  startAttempt(ctx, ctx.repo, run, plans, now);
  return { status: 201, body: {} };
}

async function rerunRun(ctx: Ctx): Promise<Reply> {
  return rerun(ctx, false);
}

async function rerunFailedJobs(ctx: Ctx): Promise<Reply> {
  return rerun(ctx, true);
}

async function cancelRun(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  if (run.status === 'completed') throw new HttpError(409, errorBody('Cannot cancel a workflow run that is completed.', ctx.docs, 409));
  const now = ctx.clock();
  run.pending = [];
  for (const job of latestJobs(run)) completeJob(ctx, ctx.repo, run, job, 'cancelled', now);
  run.status = 'completed';
  run.conclusion = 'cancelled';
  run.updated_at = iso(now);
  return { status: 202, body: {} };
}

/** The archive a logs download redirects to: one text file per job of the attempt. */
export function logsArchive(r: RepoState, run: RunRecord, attempt: number): Buffer {
  const jobs = run.jobs.filter((j) => j.run_attempt <= attempt);
  const latest = new Map<string, JobRecord>();
  for (const j of jobs) if ((latest.get(j.name)?.run_attempt ?? 0) <= j.run_attempt) latest.set(j.name, j);
  return zip(
    [...latest.values()].map((j, i) => ({
      name: `${i}_${j.name.replace(/[/\\:*?"<>|]/g, '_')}.txt`,
      data: Buffer.from(j.steps.map((s) => `${s.completed_at ?? s.started_at ?? j.created_at} ${s.name}: ${s.conclusion ?? s.status}`).join('\n') + '\n'),
    })),
  );
}

async function downloadLogs(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  const origin = new URL(ctx.w.api).origin;
  const r = ctx.repo;
  return { status: 302, headers: { location: `${origin}/_fake-blob/actions-logs/${r.owner}/${r.name}/${run.id}/${run.run_attempt}.zip?sig=${ctx.w.idFor(`logs:${run.id}`)}` } };
}

// ---------------------------------------------------------------------------------------------
// reviews

function pendingObject(ctx: Ctx, run: RunRecord, p: PendingRecord): Record<string, unknown> {
  const env = ctx.repo.environments.find((x) => x.id === p.environmentId);
  if (!env) throw new Error(`fake GitHub: environment ${p.environmentId} vanished`);
  return {
    environment: environmentRef(ctx.w, ctx.repo, env),
    wait_timer: p.waitTimerMin,
    wait_timer_started_at: iso(p.waitStartedMs),
    current_user_can_approve: p.needsReview && p.approvedMs === null && canApprove(env, ctx.login, run.triggering_actor),
    reviewers: reviewerObjects(ctx.w, ctx.repo, env),
  };
}

async function getPendingDeployments(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  return { status: 200, body: run.pending.map((p) => pendingObject(ctx, run, p)) };
}

async function reviewPendingDeployments(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  const b = checkBody(ctx, { environment_ids: 'integer[]', state: ['approved', 'rejected'], comment: 'string' }, ['environment_ids', 'state', 'comment']);
  const ids = b.environment_ids as number[];
  const state = b.state as 'approved' | 'rejected';
  const r = ctx.repo;
  if (ids.length === 0) throw unprocessable(ctx, 'No pending deployment requests to approve or reject');
  const targets: PendingRecord[] = [];
  for (const id of ids) {
    const p = run.pending.find((x) => x.environmentId === id);
    const env = r.environments.find((x) => x.id === id);
    if (!p || !env) throw unprocessable(ctx, `No pending deployment requests to approve or reject for environment ${id}`);
    if (!p.needsReview || !canApprove(env, ctx.login, run.triggering_actor)) {
      throw unprocessable(ctx, `${ctx.login} is not allowed to ${state === 'approved' ? 'approve' : 'reject'} deployments to ${env.name}`);
    }
    targets.push(p);
  }
  const now = ctx.clock();
  run.approvals.push({ environmentIds: ids, state, user: ctx.login, comment: b.comment as string });
  if (state === 'approved') {
    for (const p of targets) p.approvedMs = now;
    settleRun(ctx, r, run, now);
    const jobs = latestJobs(run).filter((j) => j.environment !== null && targets.some((p) => p.jobs.includes(j.name)) && j.deploymentId !== null);
    const deployments = jobs.map((j) => r.deployments.find((d) => d.id === j.deploymentId)).filter((d) => d !== undefined);
    return { status: 200, body: deployments.map((d) => deploymentObject(ctx.w, r, d)) };
  }
  // Rejected: the waiting jobs fail without running; the run ends when nothing else is left.
  run.pending = run.pending.filter((p) => !targets.includes(p));
  for (const job of latestJobs(run)) if (job.status === 'waiting' && targets.some((p) => p.jobs.includes(job.name))) completeJob(ctx, r, run, job, 'failure', now);
  const open = latestJobs(run).filter((j) => j.status !== 'completed');
  if (run.pending.length === 0 && open.every((j) => j.status === 'queued' || j.status === 'waiting')) {
    for (const job of open) completeJob(ctx, r, run, job, 'skipped', now);
    run.status = 'completed';
    run.conclusion = 'failure';
  }
  run.updated_at = iso(now);
  return { status: 200, body: [] };
}

async function getApprovals(ctx: Ctx): Promise<Reply> {
  const run = findRun(ctx);
  const r = ctx.repo;
  const body = run.approvals.map((a) => ({
    environments: a.environmentIds
      .map((id) => r.environments.find((env) => env.id === id))
      .filter((env) => env !== undefined)
      .map((env) => ({ ...environmentRef(ctx.w, r, env), created_at: env.created_at, updated_at: env.updated_at })),
    state: a.state,
    user: simpleUser(ctx.w, a.user),
    comment: a.comment,
  }));
  return { status: 200, body };
}

// ---------------------------------------------------------------------------------------------
// repository contents (workflow files are read this way)

function contentItem(ctx: Ctx, ref: string, path: string, type: 'file' | 'dir' | 'symlink' | 'submodule', sha: string, size: number): Record<string, unknown> {
  const r = ctx.repo;
  const encPath = path.split('/').map(encodeURIComponent).join('/');
  const url = `${ctx.w.api}/repos/${r.owner}/${r.name}/contents/${encPath}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${ctx.w.api}/repos/${r.owner}/${r.name}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const html = `${ctx.w.web}/${r.owner}/${r.name}/${type === 'dir' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${encPath}`;
  const raw = ctx.flavor === 'api.github.com' ? `https://raw.githubusercontent.com/${r.owner}/${r.name}/${encodeURIComponent(ref)}/${encPath}` : `${ctx.w.web}/${r.owner}/${r.name}/raw/${encodeURIComponent(ref)}/${encPath}`;
  return {
    type,
    size,
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: html,
    download_url: type === 'file' ? raw : null,
    _links: { self: url, git: gitUrl, html },
  };
}

/** GitHub's base64: lines of 60 characters, each ending in a newline. */
function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}

async function getContent(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const ref = ctx.query.ref ?? r.defaultBranch;
  const commit = await r.git.resolveCommit(ref);
  if (!commit) throw notFound(ctx, `No commit found for the ref ${ref}`);
  const path = (ctx.params.path ?? '').replace(/\/+$/, '');
  if (path === '' || path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) throw notFound(ctx);
  const obj = await r.git.objectAt(commit, path);
  if (!obj) throw notFound(ctx);
  if (obj.type === 'tree') {
    const entries = await r.git.tree(obj.sha);
    const body = entries.map((en) => contentItem(ctx, ref, `${path}/${en.name}`, en.type === 'tree' ? 'dir' : en.type === 'commit' ? 'submodule' : en.mode === '120000' ? 'symlink' : 'file', en.sha, en.size));
    return { status: 200, body };
  }
  if (obj.type !== 'blob') throw notFound(ctx);
  // Over 1 MB the object format carries no content (GitHub: encoding "none").
  const big = obj.size > 1024 * 1024;
  const content = big ? '' : base64Lines(await r.git.blob(obj.sha));
  return { status: 200, body: { ...contentItem(ctx, ref, path, 'file', obj.sha, obj.size), content, encoding: big ? 'none' : 'base64' } };
}

// ---------------------------------------------------------------------------------------------
// a minimal zip (stored, no compression) for log archives

function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(f.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += local.length + name.length + f.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

export const ACTIONS_ROUTES: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/contents/{path}', multiSegment: ['path'], permission: 'contents=read', handler: getContent },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/workflows', permission: 'actions=read', handler: listWorkflows },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}', permission: 'actions=read', handler: getWorkflow },
  { method: 'POST', template: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', permission: 'actions=write', handler: dispatch },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', permission: 'actions=read', handler: listRuns },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs', permission: 'actions=read', handler: listRuns },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs/{run_id}', permission: 'actions=read', handler: getRun },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', permission: 'actions=read', handler: listJobs },
  { method: 'POST', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/rerun', permission: 'actions=write', handler: rerunRun },
  { method: 'POST', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', permission: 'actions=write', handler: rerunFailedJobs },
  { method: 'POST', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel', permission: 'actions=write', handler: cancelRun },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/logs', permission: 'actions=read', handler: downloadLogs },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', permission: 'actions=read', handler: getPendingDeployments },
  { method: 'POST', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', permission: 'deployments=write', handler: reviewPendingDeployments },
  { method: 'GET', template: '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals', permission: 'actions=read', handler: getApprovals },
];

