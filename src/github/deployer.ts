/**
 * The `Deployer` port over Octokit for the two GitHub providers — the Deployments API and Actions
 * workflow_dispatch — and the `WorkflowSource` that reads a workflow file at a ref from GitHub.
 * Writes (create deployment, dispatch, status, re-run, cancel, review) are sent once and never
 * retried blindly (client.ts); expected refusals (422, 202, 409 with contexts) come back as values.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError, GitHubError, UsageError } from '../core/errors';
import type { DispatchRequest, DispatchResult, Deployer, FindResult, PendingReview, RunObservation, WorkflowSource } from '../core/deploy/ports';
import type { RunHandle } from '../core/deploy/runHandle';
import { deploymentOutcome, type DeploymentRecord, type DeploymentState } from '../core/deploy/rollback';
import { githubEnvironment, isProduction, type EnvironmentConfig } from '../core/deploy/schema';
import { correlationInputOf, findCorrelatedRun, parseWorkflowDispatch, prepareWorkflowDispatch, problemLines, type WorkflowDispatch } from '../core/deploy/workflowInputs';
import type { PlanStep } from '../core/deploy/plan';
import type { GitHubRepoRef } from '../core/remote';
import { createOctokit, toGitHubError, type GitHubClientOptions, type RmOctokitInstance } from './client';

type Json = Record<string, unknown>;

/** The payload key under which Release Manager records what a deployment is (correlation id, operation, weight, version, ref). */
export const PAYLOAD_KEY = 'release_manager';

/** Largest workflow file read (GitHub's own limit on workflow files is 512 KiB). */
export const MAX_WORKFLOW_BYTES = 512 * 1024;

/** Options of the GitHub deployer. */
export interface GitHubDeployerOptions extends Omit<GitHubClientOptions, 'apiUrl'> {
  apiUrl?: string;
  /** Where workflow files are read (default: GitHub contents at the dispatched ref). */
  workflows?: WorkflowSource;
  /** Waits between looks for a dispatched run that is not listed yet (default: setTimeout). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Looks for the run a 204 dispatch started (eventual consistency), default 5, `lookDelayMs` apart (default 2000). */
  runLookups?: number;
  lookDelayMs?: number;
  /** Deployments read for rollback targets, newest first (default 50). */
  historyLimit?: number;
  /** Milliseconds since the epoch (default Date.now): when a dispatch was sent, for the run lookup. */
  now?: () => number;
}

interface HttpFault {
  status: number;
  response?: { data?: unknown };
}

function httpFault(e: unknown): HttpFault | null {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number' && 'request' in e ? (e as unknown as HttpFault) : null;
}

function messageOf(data: unknown): string {
  const m = (data as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m.slice(0, 300) : '';
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    }, { once: true });
  });

/** The `workflow_id` GitHub takes: the numeric id or the file name (the config may give `.github/workflows/deploy.yml`, which GitHub answers with 404). */
export function workflowId(workflow: string | number): string | number {
  return typeof workflow === 'string' ? workflow.replace(/^\.github\/workflows\//, '') : workflow;
}

/** Reads `.github/workflows/<file>` at a ref through the contents API and parses it as YAML (1.2: `on` stays a key). */
export class GitHubWorkflowSource implements WorkflowSource {
  constructor(
    private readonly octokit: RmOctokitInstance,
    private readonly repo: { owner: string; repo: string },
  ) {}

  async read(workflow: string | number, ref: string, signal?: AbortSignal): Promise<{ file: string; value: unknown } | null> {
    const { owner, repo } = this.repo;
    let path: string;
    if (typeof workflow === 'number') {
      const wf = await call(`reading workflow ${workflow} of ${owner}/${repo}`, signal, () => this.octokit.rest.actions.getWorkflow({ owner, repo, workflow_id: workflow, request: { signal } })).catch(notFoundAsNull);
      if (!wf) return null;
      path = wf.data.path;
    } else path = workflow.startsWith('.github/workflows/') ? workflow : `.github/workflows/${workflow}`;
    const res = await call(`reading ${path} at ${ref} in ${owner}/${repo}`, signal, () => this.octokit.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}), request: { signal } })).catch(notFoundAsNull);
    if (!res || Array.isArray(res.data)) return null;
    const data = res.data as { type?: string; content?: string; encoding?: string; size?: number };
    if (data.type !== 'file' || typeof data.content !== 'string') return null;
    if ((data.size ?? 0) > MAX_WORKFLOW_BYTES) throw new UsageError(`${path} is larger than ${MAX_WORKFLOW_BYTES} bytes.`, 'Point the provider at the deploy workflow.');
    const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    return { file: path, value: parseWorkflowYaml(text, path) };
  }
}

/** Parses workflow YAML (bounded aliases); a syntax error is a ConfigError naming the file. */
export function parseWorkflowYaml(text: string, file: string): unknown {
  try {
    return parseYaml(text, { version: '1.2', maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new ConfigError(`${file} is not valid YAML: ${msg}`, [msg], `Fix ${file}.`, file);
  }
}

async function call<T>(what: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  if (signal?.aborted) throw toGitHubError(new Error('cancelled'), what, signal);
  try {
    return await run();
  } catch (e) {
    throw toGitHubError(e, what, signal);
  }
}

function notFoundAsNull(e: unknown): null {
  if (e instanceof GitHubError && (e.code === 'not-found' || e.status === 422)) return null;
  throw e;
}

const RUN_STATES: Record<string, RunObservation['status']> = { queued: 'queued', requested: 'queued', pending: 'queued', waiting: 'waiting', in_progress: 'running' };
const DEPLOYMENT_STATES = new Set<DeploymentState>(['success', 'inactive', 'failure', 'error', 'in_progress', 'queued', 'pending']);

/**
 * A Deployer for one GitHub provider kind (`deployments` or `workflow`) of one repository. Besides
 * the port it offers what the UI needs around a run: jobs, re-run of failed jobs, cancel, and
 * posting a deployment status.
 */
export class GitHubDeployer implements Deployer {
  readonly octokit: RmOctokitInstance;
  readonly workflows: WorkflowSource;
  private readonly owner: string;
  private readonly name: string;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** False once the server refused `return_run_details` (GHES, or an API version without it). */
  private runDetails = true;

  constructor(
    readonly kind: 'deployments' | 'workflow',
    readonly repo: GitHubRepoRef,
    private readonly options: GitHubDeployerOptions,
  ) {
    this.octokit = createOctokit({ ...options, apiUrl: options.apiUrl ?? repo.apiUrl });
    this.owner = repo.owner;
    this.name = repo.repo;
    this.workflows = options.workflows ?? new GitHubWorkflowSource(this.octokit, repo);
    this.sleep = options.sleep ?? defaultSleep;
  }

  private get slug(): string {
    return `${this.owner}/${this.name}`;
  }

  private get base() {
    return { owner: this.owner, repo: this.name };
  }

  async dispatch(request: DispatchRequest, signal?: AbortSignal): Promise<DispatchResult> {
    const p = request.environment.provider;
    if (p.kind !== this.kind) return { kind: 'refused', reason: `${request.environment.name} deploys with the ${p.kind} provider, not ${this.kind}.` };
    if (!/^[0-9a-f]{40}$/.test(request.release.sha)) return { kind: 'refused', reason: `${request.release.sha.slice(0, 50)} is not a full commit SHA.` };
    return p.kind === 'deployments' ? this.createDeployment(request, signal) : this.dispatchWorkflow(request, signal);
  }

  // --------------------------------------------------------------------------------------------
  // Deployments API

  private async createDeployment(request: DispatchRequest, signal?: AbortSignal): Promise<DispatchResult> {
    const env = request.environment;
    const p = env.provider as Extract<EnvironmentConfig['provider'], { kind: 'deployments' }>;
    const environment = githubEnvironment(env);
    const { release, step } = request;
    if (!(await this.commitExists(release.sha, signal))) return { kind: 'refused', reason: `commit ${release.sha.slice(0, 12)} does not exist in ${this.slug} (push it first).` };
    const payload = { ...step.inputs, [PAYLOAD_KEY]: { correlation_id: request.correlationId, operation: request.operation, weight: step.weight, step: step.step, version: release.version, ref: release.ref } };
    const what = `creating a deployment of ${release.version} to ${environment} in ${this.slug}`;
    try {
      const res = (await this.octokit.rest.repos.createDeployment({
        ...this.base,
        ref: release.sha,
        environment,
        task: p.task,
        auto_merge: false,
        ...(p.requiredContexts !== undefined ? { required_contexts: p.requiredContexts } : {}),
        payload,
        description: `Release Manager: ${request.operation} ${release.version} (${step.label})`.slice(0, 140),
        production_environment: isProduction(env),
        request: { signal },
      })) as { status: number; data: unknown };
      if (res.status === 202) return { kind: 'nothing-deployed', reason: messageOf(res.data) || 'GitHub answered 202 without creating a deployment' };
      const id = (res.data as { id?: unknown }).id;
      if (typeof id !== 'number') throw new GitHubError('server', `GitHub answered ${res.status} without a deployment while ${what}.`, 'Check the deployments of the environment before trying again.');
      return { kind: 'started', handle: { provider: 'deployments', deploymentId: id } };
    } catch (e) {
      const f = httpFault(e);
      if (f?.status === 409) {
        const errors = (f.response?.data as { errors?: unknown } | undefined)?.errors;
        const contexts = Array.isArray(errors) ? errors.flatMap((x: unknown) => ((x as { contexts?: unknown })?.contexts as unknown[] | undefined) ?? []) : [];
        const failing = contexts
          .map((c) => c as { context?: unknown; state?: unknown })
          .filter((c) => typeof c.context === 'string' && c.state !== 'success')
          .map((c) => ({ context: String(c.context), state: String(c.state) }));
        if (Array.isArray(errors) && contexts.length > 0) return { kind: 'contexts-failing', contexts: failing };
        return { kind: 'refused', reason: `GitHub refused the deployment (409): ${messageOf(f.response?.data) || 'conflict'}` };
      }
      if (f?.status === 422) return { kind: 'refused', reason: `GitHub refused the deployment (422): ${messageOf(f.response?.data) || 'invalid'}` };
      throw toGitHubError(e, what, signal);
    }
  }

  /** Posts a status of a deployment (the CD side reports progress; Release Manager marks what it verified). */
  async postStatus(deploymentId: number, state: DeploymentState, description: string, signal?: AbortSignal): Promise<void> {
    await call(`posting a ${state} status of deployment ${deploymentId} in ${this.slug}`, signal, () =>
      this.octokit.rest.repos.createDeploymentStatus({ ...this.base, deployment_id: deploymentId, state, description: description.slice(0, 140), request: { signal } }),
    );
  }

  async markFailed(request: { environment: EnvironmentConfig; sha: string; since: string; description: string }, signal?: AbortSignal): Promise<number> {
    const from = Date.parse(request.since);
    const mine = (await this.listDeployments(githubEnvironment(request.environment), signal)).filter((d) => d.sha === request.sha && Date.parse(d.createdAt) >= from && deploymentOutcome(d) !== 'failed');
    for (const d of mine) await this.postStatus(d.id, 'failure', request.description, signal);
    return mine.length;
  }

  private async deploymentStatuses(id: number, signal?: AbortSignal): Promise<DeploymentRecord['statuses']> {
    const res = await call(`reading the statuses of deployment ${id} in ${this.slug}`, signal, () => this.octokit.rest.repos.listDeploymentStatuses({ ...this.base, deployment_id: id, per_page: 100, request: { signal } }));
    return res.data
      .filter((s) => DEPLOYMENT_STATES.has(s.state as DeploymentState))
      .map((s) => ({ state: s.state as DeploymentState, createdAt: s.created_at, ...(s.description ? { description: s.description } : {}) }));
  }

  private async listRaw(environment: string, limit: number, signal?: AbortSignal): Promise<Json[]> {
    const out: Json[] = [];
    for (let page = 1; out.length < limit; page++) {
      const res = await call(`reading the deployments of ${environment} in ${this.slug}`, signal, () =>
        this.octokit.rest.repos.listDeployments({ ...this.base, environment, per_page: 100, page, request: { signal } }),
      );
      out.push(...(res.data as unknown as Json[]));
      if (res.data.length < 100) break;
    }
    return out.slice(0, limit);
  }

  async listDeployments(environment: string, signal?: AbortSignal): Promise<DeploymentRecord[]> {
    const raw = await this.listRaw(environment, this.options.historyLimit ?? 50, signal);
    const records: DeploymentRecord[] = [];
    for (const d of raw) {
      const rm = ((d.payload as Json | null | undefined)?.[PAYLOAD_KEY] ?? null) as Json | null;
      records.push({
        id: d.id as number,
        environment: String(d.environment),
        sha: String(d.sha),
        ref: typeof rm?.ref === 'string' ? rm.ref : String(d.ref),
        version: typeof rm?.version === 'string' ? rm.version : null,
        createdAt: String(d.created_at),
        statuses: await this.deploymentStatuses(d.id as number, signal),
        weight: typeof rm?.weight === 'number' ? rm.weight : null,
      });
    }
    return records;
  }

  // --------------------------------------------------------------------------------------------
  // workflow_dispatch

  /** The dispatch trigger of the environment's workflow at `ref` (the provider's `ref` when it names one); null when the file is not there. */
  async readDispatch(environment: EnvironmentConfig, ref: string, signal?: AbortSignal): Promise<{ file: string; dispatch: WorkflowDispatch | null } | null> {
    const p = environment.provider;
    if (p.kind !== 'workflow') return null;
    const read = await this.workflows.read(p.workflow, p.ref ?? ref, signal);
    return read ? { file: read.file, dispatch: parseWorkflowDispatch(read.value, read.file) } : null;
  }

  private async dispatchWorkflow(request: DispatchRequest, signal?: AbortSignal): Promise<DispatchResult> {
    const p = request.environment.provider as Extract<EnvironmentConfig['provider'], { kind: 'workflow' }>;
    const ref = p.ref ?? request.release.ref;
    if ((await this.resolveRef(ref, signal)) === null) return { kind: 'refused', reason: `ref ${JSON.stringify(ref.slice(0, 100))} does not exist in ${this.slug}.` };
    let dispatch;
    let file = String(p.workflow);
    try {
      const read = await this.workflows.read(p.workflow, ref, signal);
      if (!read) return { kind: 'refused', reason: `workflow ${file} does not exist at ${ref}.` };
      file = read.file;
      dispatch = parseWorkflowDispatch(read.value, read.file);
    } catch (e) {
      if (e instanceof ConfigError || e instanceof UsageError) return { kind: 'refused', reason: e.message };
      throw e;
    }
    const prepared = prepareWorkflowDispatch(p, dispatch, request.step, request.correlationId, { serverReturnsRun: this.runDetails });
    if (!prepared.ok) return { kind: 'refused', reason: `${file} at ${ref}: ${problemLines(prepared.problems).join('; ')}` };
    const what = `dispatching ${file} at ${ref} in ${this.slug}`;
    const send = async (details: boolean) =>
      (await this.octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...this.base,
        workflow_id: workflowId(p.workflow),
        ref,
        inputs: prepared.inputs,
        ...(details ? { return_run_details: true } : {}),
        request: { signal },
      } as never)) as { status: number; data: unknown };
    let res: { status: number; data: unknown };
    try {
      try {
        res = await send(this.runDetails);
      } catch (e) {
        const f = httpFault(e);
        // GHES (and newer API versions) refuse the key with 422 before starting anything: send again without it.
        if (this.runDetails && f?.status === 422 && /return_run_details/.test(JSON.stringify(f.response?.data ?? ''))) {
          this.runDetails = false;
          res = await send(false);
        } else throw e;
      }
    } catch (e) {
      const f = httpFault(e);
      if (f?.status === 422 || f?.status === 404) return { kind: 'refused', reason: `GitHub refused the dispatch of ${file} (${f.status}): ${messageOf(f.response?.data) || 'invalid'}` };
      throw toGitHubError(e, what, signal);
    }
    const body = (res.data ?? {}) as { workflow_run_id?: unknown; html_url?: unknown };
    if (typeof body.workflow_run_id === 'number') {
      return { kind: 'started', handle: { provider: 'workflow', runId: body.workflow_run_id, ...(typeof body.html_url === 'string' ? { url: body.html_url } : {}) } };
    }
    const correlation = correlationInputOf(dispatch!, p.correlationInput);
    if (correlation.input === null) return { kind: 'started', handle: null, note: 'could not identify the run: the server returned no run and the workflow declares no correlation input' };
    // The dispatch is done: look for its run by the correlation id in its title, a bounded number of times.
    const since = (this.options.now ?? Date.now)();
    const lookups = this.options.runLookups ?? 5;
    for (let i = 0; i < lookups; i++) {
      const found = await this.findRun(p.workflow, request.correlationId, since - 5 * 60_000, signal).catch(() => null);
      if (found?.kind === 'found') return { kind: 'started', handle: found.handle };
      if (found?.kind === 'ambiguous') return { kind: 'started', handle: null, note: found.detail };
      if (i < lookups - 1) await this.sleep(this.options.lookDelayMs ?? 2000, signal);
    }
    return { kind: 'started', handle: null, note: `the run with correlation id ${request.correlationId} was not listed yet` };
  }

  private async findRun(workflow: string | number, correlationId: string, since: number, signal?: AbortSignal): Promise<FindResult> {
    const created = `>=${new Date(since - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    const res = await call(`listing the runs of ${workflow} in ${this.slug}`, signal, () =>
      this.octokit.rest.actions.listWorkflowRuns({ ...this.base, workflow_id: workflowId(workflow), event: 'workflow_dispatch', created, per_page: 100, request: { signal } }),
    );
    const runs = res.data.workflow_runs.map((r) => ({ id: r.id, title: r.display_title ?? '', event: r.event, createdAt: Date.parse(r.created_at), url: r.html_url }));
    const hit = findCorrelatedRun(runs, correlationId, since);
    if (hit.kind === 'found') return { kind: 'found', handle: { provider: 'workflow', runId: hit.run.id, url: runs.find((r) => r.id === hit.run.id)!.url } };
    if (hit.kind === 'ambiguous') return { kind: 'ambiguous', detail: `runs ${hit.ids.join(', ')}` };
    return { kind: 'absent' };
  }

  async find(request: { environment: EnvironmentConfig; step: PlanStep; correlationId: string; since: number }, signal?: AbortSignal): Promise<FindResult> {
    const p = request.environment.provider;
    if (p.kind === 'workflow') return this.findRun(p.workflow, request.correlationId, request.since, signal);
    if (p.kind !== 'deployments') return { kind: 'cannot-identify', reason: `the ${p.kind} provider is not a GitHub provider` };
    const raw = await this.listRaw(githubEnvironment(request.environment), 100, signal);
    const hits = raw.filter((d) => (((d.payload as Json | null | undefined)?.[PAYLOAD_KEY] ?? null) as Json | null)?.correlation_id === request.correlationId);
    if (hits.length > 1) return { kind: 'ambiguous', detail: `deployments ${hits.map((d) => d.id).join(', ')}` };
    if (hits.length === 1) return { kind: 'found', handle: { provider: 'deployments', deploymentId: hits[0]!.id as number } };
    return { kind: 'absent' };
  }

  async observe(handle: RunHandle, signal?: AbortSignal): Promise<RunObservation> {
    if (handle.deploymentId !== undefined) {
      const latest = (await this.deploymentStatuses(handle.deploymentId, signal))[0];
      const reason = latest?.description;
      const o = (status: RunObservation['status']): RunObservation => ({ status, ...(reason ? { reason } : {}) });
      if (!latest) return { status: 'queued', reason: `no status yet: nothing has picked deployment ${handle.deploymentId} up. Its statuses come from your CD system (e.g. a workflow on deployment events)` };
      if (latest.state === 'queued' || latest.state === 'pending') return o('queued');
      if (latest.state === 'in_progress') return o('running');
      if (latest.state === 'success') return o('succeeded');
      if (latest.state === 'inactive') return o('cancelled');
      return o('failed');
    }
    if (handle.runId === undefined) throw new UsageError('Nothing to observe: the step has no run or deployment.', 'Check it on GitHub.');
    const runId = handle.runId;
    const run = (await call(`reading run ${runId} of ${this.slug}`, signal, () => this.octokit.rest.actions.getWorkflowRun({ ...this.base, run_id: runId, request: { signal } }))).data;
    const url = run.html_url;
    if (run.status !== 'completed') {
      const status = RUN_STATES[run.status ?? 'queued'] ?? 'running';
      if (status === 'waiting') return { status, url, reason: 'waiting for a review or a wait timer', reviews: await this.pendingReviews(runId, signal) };
      return { status, url };
    }
    if (run.conclusion === 'success') return { status: 'succeeded', url, reason: 'all jobs passed' };
    if (run.conclusion === 'cancelled') return { status: 'cancelled', url };
    return { status: 'failed', url, reason: (await this.failureOf(runId, signal)) ?? `run ${run.conclusion ?? 'failed'}` };
  }

  /** A run and the jobs of its latest attempt with their pages and steps (the tree shows them while a deploy runs). */
  async workflowRun(runId: number, signal?: AbortSignal): Promise<WorkflowRunDetails> {
    const [run, jobs] = await Promise.all([
      call(`reading run ${runId} of ${this.slug}`, signal, () => this.octokit.rest.actions.getWorkflowRun({ ...this.base, run_id: runId, request: { signal } })),
      this.jobs(runId, signal),
    ]);
    const r = run.data;
    return { runId, title: r.display_title ?? r.name ?? `run ${runId}`, status: r.status ?? 'queued', conclusion: r.conclusion ?? null, attempt: r.run_attempt ?? 1, url: r.html_url ?? null, jobs };
  }

  /** The jobs of the run's latest attempt with their pages and steps. */
  async jobs(runId: number, signal?: AbortSignal): Promise<RunJobDetails[]> {
    const res = await call(`reading the jobs of run ${runId} of ${this.slug}`, signal, () => this.octokit.rest.actions.listJobsForWorkflowRun({ ...this.base, run_id: runId, filter: 'latest', per_page: 100, request: { signal } }));
    return res.data.jobs.map((j) => ({
      id: j.id,
      name: j.name,
      status: j.status,
      conclusion: j.conclusion ?? null,
      url: j.html_url ?? null,
      steps: (j.steps ?? []).map((st) => ({ name: st.name, number: st.number, status: st.status, conclusion: st.conclusion ?? null })),
    }));
  }

  private async failureOf(runId: number, signal?: AbortSignal): Promise<string | null> {
    const jobs = await this.jobs(runId, signal).catch(() => []);
    const job = jobs.find((j) => j.conclusion === 'failure' || j.conclusion === 'timed_out' || j.conclusion === 'cancelled');
    if (!job) return null;
    const step = job.steps.find((s) => s.conclusion === 'failure' || s.conclusion === 'timed_out');
    return `job "${job.name}" ${job.conclusion}${step ? ` at step "${step.name}"` : ''}`;
  }

  /** The environments the run waits for, with whether the signed-in user may approve. */
  async pendingReviews(runId: number, signal?: AbortSignal): Promise<PendingReview[]> {
    const res = await call(`reading the pending deployments of run ${runId} of ${this.slug}`, signal, () => this.octokit.rest.actions.getPendingDeploymentsForRun({ ...this.base, run_id: runId, request: { signal } }));
    return res.data.map((p) => ({
      environment: p.environment.name ?? '',
      environmentId: p.environment.id ?? 0,
      canApprove: p.current_user_can_approve,
      reviewers: p.reviewers.map((r) => {
        const who = r.reviewer as { login?: string; slug?: string; name?: string } | undefined;
        return who?.login ?? who?.slug ?? who?.name ?? '';
      }),
    }));
  }

  async review(handle: RunHandle, decision: { approve: boolean; comment: string; environmentIds: number[] }, signal?: AbortSignal): Promise<void> {
    if (handle.runId === undefined) throw new UsageError('Only workflow runs wait for reviews.', 'Review the deployment on GitHub.');
    const runId = handle.runId;
    await call(`${decision.approve ? 'approving' : 'rejecting'} the pending deployments of run ${runId} of ${this.slug}`, signal, () =>
      this.octokit.rest.actions.reviewPendingDeploymentsForRun({ ...this.base, run_id: runId, environment_ids: decision.environmentIds, state: decision.approve ? 'approved' : 'rejected', comment: decision.comment, request: { signal } }),
    );
  }

  /** Re-runs the failed jobs of a run (a new attempt of the same run id). */
  async rerunFailedJobs(runId: number, signal?: AbortSignal): Promise<void> {
    await call(`re-running the failed jobs of run ${runId} of ${this.slug}`, signal, () => this.octokit.rest.actions.reRunWorkflowFailedJobs({ ...this.base, run_id: runId, request: { signal } }));
  }

  /** Cancels a run. */
  async cancel(runId: number, signal?: AbortSignal): Promise<void> {
    await call(`cancelling run ${runId} of ${this.slug}`, signal, () => this.octokit.rest.actions.cancelWorkflowRun({ ...this.base, run_id: runId, request: { signal } }));
  }

  async resolveRef(ref: string, signal?: AbortSignal): Promise<string | null> {
    if (ref === '' || ref.startsWith('-') || /[\s~^:?*[\\]|\.\./.test(ref)) return null;
    const res = await call(`resolving ${ref} in ${this.slug}`, signal, () => this.octokit.rest.repos.getCommit({ ...this.base, ref, per_page: 1, request: { signal } })).catch(notFoundAsNull);
    return res ? res.data.sha : null;
  }

  async commitExists(sha: string, signal?: AbortSignal): Promise<boolean> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return false;
    return (await this.resolveRef(sha, signal)) === sha;
  }
}

/** A step of a job of a workflow run, as GitHub reported it (names untrusted: clip before showing). */
export interface RunStepDetails {
  name: string;
  number: number;
  status: string;
  conclusion: string | null;
}

/** A job of a workflow run's latest attempt. */
export interface RunJobDetails {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  /** Its page on GitHub (the job's logs). */
  url: string | null;
  steps: RunStepDetails[];
}

/** A workflow run with the jobs of its latest attempt. */
export interface WorkflowRunDetails {
  runId: number;
  title: string;
  status: string;
  conclusion: string | null;
  attempt: number;
  url: string | null;
  jobs: RunJobDetails[];
}
