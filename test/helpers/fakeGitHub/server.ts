/**
 * A local HTTP server that speaks the GitHub REST API, for tests (see /work/shared/TESTING.md,
 * "GitHub without GitHub"). Point Octokit at `server.url`.
 *
 * - Git data comes from a real repository on disk per repository (`addRepo(…, { gitDir })`): the
 *   real `git` binary answers what commits exist, what a compare contains and where tags point;
 *   tags created through the API are written into it.
 * - Releases, check runs, statuses, pulls, issues and milestones are JSON state seeded by tests.
 * - GitHub Actions: workflows are the files in `.github/workflows` of the default branch, a
 *   `workflow_dispatch` is validated against the file at the ref and creates a `queued` run (the
 *   dispatch and its inputs are recorded in `state(…).dispatches`). Runs move only when the test
 *   says so (`advanceRun`) or when the injected clock passes a scripted step (`scriptRuns`), so
 *   time is compressed by moving the clock. Jobs whose environment has required reviewers or a
 *   wait timer make the run `waiting` until approved (`POST …/pending_deployments`) or the timer
 *   has passed; jobs with an environment get deployments, as GitHub Actions creates them.
 * - Deployments, deployment statuses and environments (seeded or created through the API).
 * - Every response is validated against GitHub's OpenAPI description (`@octokit/openapi`); an
 *   invalid one is recorded in `validationErrors` and sent as a 500. Call `assertValid()` in
 *   `afterEach`.
 * - Faults are injected per request (`inject`): statuses, permission and rate-limit 403s, 429,
 *   hangs, connection resets, a 5xx after the write was applied, delays, tampered bodies.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { advance, API_VERSIONS, createRun, logsArchive, registerWorkflow, settle, settleRun, workflowFileAtSync, workflowPath, type RunAdvance } from './actions';
import { putEnvironment, recordDeployment, recordDeploymentStatus, type EnvironmentSeed } from './deployments';
import { GitRemote } from './git';
import { errorBody, type World } from './objects';
import { docsUrl, load, schemaHasProperty, validateResponse, type Flavor, type SchemaProblem } from './openapi';
import { compileRoutes, HttpError, matchRoute, ROUTES, type CompiledRoute, type Ctx, type Engine, type Reply, type Route } from './routes';
import type {
  CheckRunRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  EnvironmentRecord,
  IssueRecord,
  MilestoneRecord,
  PullRecord,
  ReleaseRecord,
  RepoState,
  RunRecord,
  ScriptStep,
  StatusRecord,
  WorkflowRecord,
} from './state';
import type { Fault, FaultRule, FiredFault } from './faults';
import type { AddRepoOptions, SeedCheckRun, SeedDeployment, SeedDeploymentStatus, SeedIssue, SeedMilestone, SeedPull, SeedRelease, SeedRun, SeedStatus } from './seeds';

export type {
  ApprovalRecord,
  CheckRunRecord,
  DeploymentRecord,
  DeploymentState,
  DeploymentStatusRecord,
  DispatchRecord,
  EnvironmentRecord,
  IssueRecord,
  JobAdvance,
  JobRecord,
  MilestoneRecord,
  PendingRecord,
  PullRecord,
  ReleaseRecord,
  RepoState,
  ReviewerSpec,
  RunConclusion,
  RunRecord,
  RunStatus,
  ScriptStep,
  StatusRecord,
  StepRecord,
  WorkflowRecord,
} from './state';
export type { RunAdvance } from './actions';
export type { EnvironmentSeed } from './deployments';
export type { Route } from './routes';
export type { Fault, FaultRule, FiredFault } from './faults';
export type { AddRepoOptions, SeedCheckRun, SeedDeployment, SeedDeploymentStatus, SeedIssue, SeedMilestone, SeedPull, SeedRelease, SeedRun, SeedStatus } from './seeds';

export interface FakeGitHubOptions {
  /** `''` for github.com, `'/api/v3'` for GitHub Enterprise Server (validated against ghes-3.19). */
  prefix?: '' | '/api/v3';
  /** The only accepted token (default `'test-token'`). */
  token?: string;
  /** Milliseconds since the epoch; timestamps and rate-limit reset times come from it. */
  clock?: () => number;
  /** Login the token belongs to (default `'octocat'`). */
  login?: string;
}

/** One request as the server saw it. The token is never stored. */
export interface RecordedRequest {
  method: string;
  /** Path without the prefix and without the query, percent-encoding as sent. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Whether it carried the configured token. */
  authorized: boolean;
  /** GitHub's operationId (e.g. `repos/create-release`) when a route matched. */
  operationId: string | null;
  /** Request headers except `authorization`, `cookie` and `proxy-authorization`. */
  headers: Record<string, string>;
  /** Status sent; null while pending or when the connection was hung or reset. */
  status: number | null;
}

/** A response that did not match GitHub's OpenAPI description. */
export interface ValidationFailure extends SchemaProblem {
  method: string;
  path: string;
  body: unknown;
}

const RATE_LIMIT = 5000;
const DOCS_ROOT = 'https://docs.github.com/rest';
const RATE_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_DOCS = 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const REDACTED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Bad credentials',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
};

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Where the logs download redirects to (outside the API prefix, no token needed, like a signed blob URL). */
const LOGS_BLOB = /^\/_fake-blob\/actions-logs\/([^/]+)\/([^/]+)\/(\d+)\/(\d+)\.zip$/;

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

export class FakeGitHub {
  /** API base URL including the prefix, e.g. `http://127.0.0.1:41234/api/v3`. */
  readonly url: string;
  readonly origin: string;
  readonly prefix: '' | '/api/v3';
  readonly flavor: Flavor;
  readonly requests: RecordedRequest[] = [];
  readonly validationErrors: ValidationFailure[] = [];
  /** Handler crashes (bugs in the fake, git failures): also fail `assertValid()`. */
  readonly internalErrors: Array<{ method: string; path: string; error: string }> = [];
  readonly faultsFired: FiredFault[] = [];

  private readonly token: string;
  private readonly clock: () => number;
  private readonly login: string;
  private readonly repos = new Map<string, RepoState>();
  private readonly users = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  private readonly emailLogins = new Map<string, string>();
  private readonly faults: Array<FaultRule & { left: number }> = [];
  private readonly routes: CompiledRoute[];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly world: World;
  private lastId = 100_000;
  private rateUsed = 0;
  private rateReset: number;
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Use `startFakeGitHub`. */
  constructor(
    private readonly server: Server,
    origin: string,
    opts: FakeGitHubOptions,
  ) {
    this.prefix = opts.prefix ?? '';
    this.flavor = this.prefix === '/api/v3' ? 'ghes-3.19' : 'api.github.com';
    this.origin = origin;
    this.url = origin + this.prefix;
    this.token = opts.token ?? 'test-token';
    this.clock = opts.clock ?? Date.now;
    this.login = opts.login ?? 'octocat';
    this.rateReset = Math.floor(this.clock() / 1000) + 3600;
    this.routes = compileRoutes(ROUTES);
    const releaseHasImmutable = schemaHasProperty(this.flavor, 'release', 'immutable');
    this.world = {
      api: this.url,
      web: this.prefix === '' ? 'https://github.com' : origin,
      userId: (login) => this.userId(login),
      idFor: (key) => {
        let id = this.ids.get(key);
        if (id === undefined) this.ids.set(key, (id = this.nextId()));
        return id;
      },
      loginOfEmail: (email) => this.emailLogins.get(email.toLowerCase()) ?? null,
      releaseHasImmutable,
      now: () => iso(this.clock()),
    };
  }

  // -------------------------------------------------------------------------------------------
  // seeding

  /** Declares a repository whose git data is the real repository at `gitDir`. */
  addRepo(owner: string, name: string, opts: AddRepoOptions): RepoState {
    const git = new GitRemote(opts.gitDir);
    git.runSync(['rev-parse', '--git-dir']);
    let defaultBranch = opts.defaultBranch;
    if (!defaultBranch) {
      try {
        defaultBranch = git.runSync(['symbolic-ref', '--short', 'HEAD']);
      } catch {
        defaultBranch = 'main';
      }
    }
    const state: RepoState = {
      owner,
      name,
      id: this.nextId(),
      git,
      defaultBranch,
      immutableReleases: opts.immutableReleases ?? false,
      listLag: opts.listLag ?? 0,
      created_at: iso(this.clock()),
      releases: [],
      latestReleaseId: null,
      apiRefs: [],
      checkRuns: [],
      statuses: [],
      pulls: [],
      issues: [],
      comments: [],
      milestones: [],
      labels: new Map(),
      nextNumber: 1,
      nextMilestone: 1,
      workflows: new Map(),
      runs: [],
      runScripts: new Map(),
      runListLag: opts.runListLag ?? 0,
      dispatches: [],
      deployments: [],
      environments: [],
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), state);
    return state;
  }

  /**
   * The state of a repository (releases, refs created through the API, runs, dispatches with their
   * inputs, deployments, …) for assertions; runs are settled at the clock's time first.
   */
  state(owner: string, repo: string): RepoState {
    const r = this.repos.get(`${owner}/${repo}`.toLowerCase());
    if (!r) throw new Error(`fake GitHub: no repository ${owner}/${repo} (call addRepo first)`);
    settle(this.engine, r);
    return r;
  }

  /** The GitHub login of commits authored with this email (compare's `author.login`). */
  setUserLogin(email: string, login: string): void {
    this.emailLogins.set(email.toLowerCase(), login);
    this.userId(login);
  }

  /** Seeds a release; a published one gets its tag created at `target_commitish` when missing. */
  addRelease(owner: string, repo: string, seed: SeedRelease): ReleaseRecord {
    const r = this.state(owner, repo);
    const now = iso(this.clock());
    const draft = seed.draft ?? false;
    const target = seed.target_commitish ?? r.defaultBranch;
    if (!draft) {
      const ref = `refs/tags/${seed.tag_name}`;
      let exists = true;
      try {
        r.git.runSync(['show-ref', '--verify', '--quiet', ref]);
      } catch {
        exists = false;
      }
      if (!exists) {
        const sha = r.git.resolveCommitSync(target);
        if (!sha) throw new Error(`fake GitHub: cannot resolve target_commitish ${target}`);
        r.git.createRefSync(ref, sha);
      }
    }
    const rel: ReleaseRecord = {
      id: this.nextId(),
      tag_name: seed.tag_name,
      target_commitish: target,
      name: seed.name === undefined ? seed.tag_name : seed.name,
      body: seed.body === undefined ? '' : seed.body,
      draft,
      prerelease: seed.prerelease ?? false,
      author: seed.author ?? this.login,
      created_at: seed.created_at ?? now,
      updated_at: seed.created_at ?? now,
      published_at: draft ? null : (seed.published_at ?? seed.created_at ?? now),
      immutable: !draft && (seed.immutable ?? r.immutableReleases),
      hiddenFromLists: 0,
      untagged: String(this.lastId).padStart(20, '0'),
    };
    r.releases.push(rel);
    return rel;
  }

  /** Seeds a check run; returns its id. */
  addCheckRun(owner: string, repo: string, seed: SeedCheckRun): number {
    const r = this.state(owner, repo);
    const status = seed.status ?? 'completed';
    const started = seed.started_at === undefined ? iso(this.clock()) : seed.started_at;
    const run: CheckRunRecord = {
      id: this.nextId(),
      head_sha: seed.head_sha,
      name: seed.name,
      status,
      conclusion: seed.conclusion === undefined ? (status === 'completed' ? 'success' : null) : seed.conclusion,
      started_at: started,
      completed_at: seed.completed_at === undefined ? (status === 'completed' ? started : null) : seed.completed_at,
      check_suite_id: seed.check_suite_id ?? this.world.idFor(`suite:${r.id}:${seed.head_sha}:${seed.app?.slug ?? 'github-actions'}`),
      details_url: seed.details_url ?? null,
      app: seed.app ?? { slug: 'github-actions', name: 'GitHub Actions' },
      output: { title: seed.output?.title ?? null, summary: seed.output?.summary ?? null },
    };
    r.checkRuns.push(run);
    return run.id;
  }

  /** Seeds a commit status; returns its id. A later status of the same context supersedes it. */
  addStatus(owner: string, repo: string, sha: string, seed: SeedStatus): number {
    const r = this.state(owner, repo);
    const at = seed.created_at ?? iso(this.clock());
    const s: StatusRecord = {
      id: this.nextId(),
      sha,
      context: seed.context,
      state: seed.state,
      description: seed.description ?? null,
      target_url: seed.target_url ?? null,
      creator: seed.creator ?? this.login,
      created_at: at,
      updated_at: at,
    };
    r.statuses.push(s);
    return s.id;
  }

  /** Seeds a pull request (also listed by the issues API); returns its number. */
  addPull(owner: string, repo: string, seed: SeedPull): number {
    const r = this.state(owner, repo);
    const number = this.takeNumber(r, seed.number);
    const now = iso(this.clock());
    const commits = seed.commits ?? [];
    const headSha = seed.head?.sha ?? commits[commits.length - 1] ?? seed.merge_commit_sha ?? '0'.repeat(40);
    const merged = seed.merged_at ?? null;
    const state = seed.state ?? (merged ? 'closed' : 'open');
    const baseRef = seed.base ?? r.defaultBranch;
    const p: PullRecord = {
      number,
      id: this.nextId(),
      title: seed.title,
      body: seed.body ?? null,
      state,
      draft: seed.draft ?? false,
      labels: seed.labels ?? [],
      user: seed.user ?? 'octocat',
      milestone: seed.milestone ?? null,
      head: { ref: seed.head?.ref ?? `pr-${number}`, sha: headSha },
      base: { ref: baseRef, sha: r.git.resolveCommitSync(baseRef) ?? headSha },
      commits,
      merged_at: merged,
      merge_commit_sha: seed.merge_commit_sha ?? null,
      merged_by: seed.merged_by ?? (merged ? this.login : null),
      created_at: seed.created_at ?? now,
      updated_at: seed.closed_at ?? merged ?? seed.created_at ?? now,
      closed_at: seed.closed_at ?? (state === 'closed' ? (merged ?? now) : null),
    };
    this.userId(p.user);
    r.pulls.push(p);
    return number;
  }

  /** Seeds an issue; returns its number. */
  addIssue(owner: string, repo: string, seed: SeedIssue): number {
    const r = this.state(owner, repo);
    const number = this.takeNumber(r, seed.number);
    const now = iso(this.clock());
    const state = seed.state ?? 'open';
    const i: IssueRecord = {
      number,
      id: this.nextId(),
      title: seed.title,
      body: seed.body ?? null,
      state,
      state_reason: seed.state_reason ?? (state === 'closed' ? 'completed' : null),
      labels: seed.labels ?? [],
      milestone: seed.milestone ?? null,
      user: seed.user ?? 'octocat',
      pull_request: seed.pull_request ?? false,
      created_at: seed.created_at ?? now,
      updated_at: seed.closed_at ?? seed.created_at ?? now,
      closed_at: seed.closed_at ?? (state === 'closed' ? now : null),
    };
    r.issues.push(i);
    return number;
  }

  /** Seeds a milestone; returns its number. */
  addMilestone(owner: string, repo: string, seed: SeedMilestone): number {
    const r = this.state(owner, repo);
    const number = seed.number ?? r.nextMilestone;
    if (r.milestones.some((m) => m.number === number)) throw new Error(`fake GitHub: milestone ${number} exists`);
    r.nextMilestone = Math.max(r.nextMilestone, number + 1);
    const now = iso(this.clock());
    const state = seed.state ?? 'open';
    const m: MilestoneRecord = {
      number,
      id: this.nextId(),
      title: seed.title,
      description: seed.description ?? null,
      state,
      creator: seed.creator ?? this.login,
      due_on: seed.due_on ?? null,
      created_at: now,
      updated_at: now,
      closed_at: state === 'closed' ? now : null,
    };
    r.milestones.push(m);
    return number;
  }

  // -------------------------------------------------------------------------------------------
  // Actions, deployments and environments

  /** Creates an environment or updates its protection rules (required reviewers, wait timer). */
  addEnvironment(owner: string, repo: string, seed: EnvironmentSeed): EnvironmentRecord {
    return putEnvironment(this.engine, this.state(owner, repo), seed);
  }

  /** Seeds a deployment with its statuses (oldest first); its environment is created when new. */
  addDeployment(owner: string, repo: string, seed: SeedDeployment): DeploymentRecord {
    const r = this.state(owner, repo);
    const sha = seed.sha ?? r.git.resolveCommitSync(seed.ref);
    if (!sha) throw new Error(`fake GitHub: cannot resolve deployment ref ${seed.ref}`);
    const d = recordDeployment(this.engine, r, { ...seed, sha, creator: seed.creator ?? this.login });
    for (const st of seed.statuses ?? []) this.addDeploymentStatus(owner, repo, d.id, st);
    return d;
  }

  /** Seeds a deployment status (no `auto_inactive` unless asked). */
  addDeploymentStatus(owner: string, repo: string, deploymentId: number, seed: SeedDeploymentStatus): DeploymentStatusRecord {
    const r = this.state(owner, repo);
    const d = r.deployments.find((x) => x.id === deploymentId);
    if (!d) throw new Error(`fake GitHub: no deployment ${deploymentId}`);
    return recordDeploymentStatus(this.engine, r, d, { ...seed, creator: seed.creator ?? this.login, auto_inactive: seed.auto_inactive ?? false, viaActions: d.viaActions });
  }

  /** Sets a workflow's state (e.g. `disabled_manually`: dispatches are refused). */
  setWorkflowState(owner: string, repo: string, workflow: string, state: WorkflowRecord['state']): WorkflowRecord {
    const wf = registerWorkflow(this.engine, this.state(owner, repo), workflowPath(workflow));
    wf.state = state;
    wf.updated_at = iso(this.clock());
    return wf;
  }

  /**
   * Seeds a workflow run (default: a completed, successful `push` run of the default branch head),
   * with the jobs of the workflow file at its commit.
   */
  addRun(owner: string, repo: string, seed: SeedRun): RunRecord {
    const r = this.state(owner, repo);
    const wf = registerWorkflow(this.engine, r, workflowPath(seed.workflow));
    const branch = seed.head_branch === undefined ? r.defaultBranch : seed.head_branch;
    const sha = seed.head_sha ?? (branch ? r.git.resolveCommitSync(branch) : null);
    if (!sha) throw new Error(`fake GitHub: cannot resolve the head of run ${seed.workflow}`);
    const event = seed.event ?? 'push';
    let title = seed.display_title;
    if (title === undefined && event !== 'workflow_dispatch') {
      try {
        title = r.git.runSync(['log', '-1', '--format=%s', sha]);
      } catch {
        title = undefined;
      }
    }
    const createdMs = seed.created_at === undefined ? this.clock() : Date.parse(seed.created_at);
    const run = createRun(this.engine, r, wf, {
      event,
      head_branch: branch,
      head_sha: sha,
      actor: seed.actor ?? this.login,
      inputs: seed.inputs ?? null,
      file: workflowFileAtSync(r, sha, wf.path),
      createdMs,
      display_title: title,
      jobs: seed.jobs?.map((name) => ({ name, environment: null, environment_url: null, steps: ['Set up job', 'Complete job'], labels: ['ubuntu-latest'] })),
    });
    const status = seed.status ?? 'completed';
    if (status !== 'queued' && status !== 'waiting') {
      // A seeded run is past its environment checks.
      for (const job of run.jobs) if (job.status === 'waiting') job.status = 'queued';
      run.pending = [];
      run.readyMs = createdMs;
      advance(this.engine, r, run, { status, conclusion: seed.conclusion }, createdMs);
    }
    return run;
  }

  /** A run, settled at the clock's time. */
  getRun(owner: string, repo: string, runId: number): RunRecord {
    const run = this.state(owner, repo).runs.find((x) => x.id === runId);
    if (!run) throw new Error(`fake GitHub: no run ${runId} in ${owner}/${repo}`);
    return run;
  }

  /**
   * Moves a run now: `in_progress` starts its queued jobs, `completed` finishes the unfinished ones
   * with the run's conclusion (default success); `jobs` sets single jobs and steps by name. Throws
   * for a run that waits for reviews or a wait timer, or that is completed (re-run it first).
   */
  advanceRun(owner: string, repo: string, runId: number, to: RunAdvance): RunRecord {
    const run = this.getRun(owner, repo, runId);
    advance(this.engine, this.state(owner, repo), run, to, this.clock());
    return run;
  }

  /**
   * Scripts every later run of a workflow (file name, path or id): each step applies when the
   * clock passes `after` ms from the moment the run (or re-run attempt) became runnable, i.e. was
   * created or released by reviews and wait timers. Steps with `attempt` apply to that attempt only.
   */
  scriptRuns(owner: string, repo: string, workflow: string | number, steps: ScriptStep[]): void {
    const r = this.state(owner, repo);
    const wf = typeof workflow === 'number' ? [...r.workflows.values()].find((w) => w.id === workflow) : registerWorkflow(this.engine, r, workflowPath(workflow));
    if (!wf) throw new Error(`fake GitHub: no workflow ${workflow}`);
    r.runScripts.set(wf.id, steps.map((st) => ({ ...st })));
  }

  /** Adds scripted steps to one existing run (relative to when it became runnable). */
  scriptRun(owner: string, repo: string, runId: number, steps: ScriptStep[]): void {
    const r = this.state(owner, repo);
    const run = this.getRun(owner, repo, runId);
    run.script.push(...steps.map((st) => ({ ...st })));
    settleRun(this.engine, r, run, this.clock());
  }

  // -------------------------------------------------------------------------------------------
  // faults and checks

  /**
   * Adds a fault rule. Rules are tried in the order added and the first match fires (one fault per
   * request). Faults apply to authorized requests only: a wrong token is answered 401 first.
   * Match paths with a RegExp or `operationId` when a parameter is percent-encoded (`tags%2Fv1`).
   */
  inject(rule: FaultRule): void {
    const left = rule.times ?? 1;
    if (left > 0) this.faults.push({ ...rule, left });
  }

  /** Removes every pending fault rule. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Fault rules that have not used up their `times`. */
  get pendingFaults(): FaultRule[] {
    return this.faults.map(({ left, ...rule }) => ({ ...rule, times: left }));
  }

  /** Throws when a response failed validation or a handler crashed (mocha: call in `afterEach`). */
  assertValid(): void {
    const problems = [
      ...this.validationErrors.map((v) => `${v.method} ${v.path} → ${v.status} (${v.operationId}): ${v.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`),
      ...this.internalErrors.map((e) => `${e.method} ${e.path}: handler crashed: ${e.error}`),
    ];
    if (problems.length > 0) throw new Error(`fake GitHub sent responses that GitHub would not send:\n${problems.join('\n')}`);
  }

  /** Stops the server, dropping open connections (hung requests included). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    });
  }

  // -------------------------------------------------------------------------------------------
  // internals

  /** @internal Wires the node server to this instance. */
  attach(): void {
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        this.internalErrors.push({ method: req.method ?? '', path: req.url ?? '', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        if (!res.headersSent && !res.destroyed) this.write(res, 500, { message: 'fake GitHub crashed', documentation_url: DOCS_ROOT });
      });
    });
  }

  private nextId(): number {
    return ++this.lastId;
  }

  /** What the simulation (runs, deployments) needs from the server. */
  private get engine(): Engine {
    return { w: this.world, login: this.login, nextId: () => this.nextId(), clock: this.clock };
  }

  private userId(login: string): number {
    let id = this.users.get(login);
    if (id === undefined) this.users.set(login, (id = this.nextId()));
    return id;
  }

  private takeNumber(r: RepoState, wanted: number | undefined): number {
    const n = wanted ?? r.nextNumber;
    if (r.issues.some((i) => i.number === n) || r.pulls.some((p) => p.number === n)) throw new Error(`fake GitHub: issue or pull #${n} exists`);
    r.nextNumber = Math.max(r.nextNumber, n + 1);
    return n;
  }

  private rateHeaders(): Record<string, string> {
    const nowSec = Math.floor(this.clock() / 1000);
    if (nowSec >= this.rateReset) {
      this.rateReset = nowSec + 3600;
      this.rateUsed = 0;
    }
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(RATE_LIMIT - this.rateUsed, 0)),
      'x-ratelimit-reset': String(this.rateReset),
      'x-ratelimit-used': String(this.rateUsed),
      'x-ratelimit-resource': 'core',
    };
  }

  private write(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.headersSent) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    const all: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
      ...this.rateHeaders(),
      ...headers,
    };
    if (text !== '') {
      all['content-type'] = 'application/json; charset=utf-8';
      all['content-length'] = String(Buffer.byteLength(text));
    }
    res.writeHead(status, all);
    res.end(text);
  }

  private takeFault(method: string, path: string, operationId: string | null): Fault | null {
    for (let i = 0; i < this.faults.length; i++) {
      const rule = this.faults[i]!;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.operationId && rule.operationId !== operationId) continue;
      if (rule.path !== undefined && (typeof rule.path === 'string' ? rule.path !== path : !rule.path.test(path))) continue;
      rule.left--;
      if (rule.left <= 0) this.faults.splice(i, 1);
      this.faultsFired.push({ kind: rule.fault.kind, method, path, operationId });
      return rule.fault;
    }
    return null;
  }

  private operationIdOf(route: Route): string | null {
    return load(this.flavor).doc.paths[route.template]?.[route.method.toLowerCase()]?.operationId ?? null;
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.origin);
    const text = await this.readBody(req);
    let body: unknown = undefined;
    let badJson = false;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        badJson = true;
        body = text;
      }
    }
    const blob = LOGS_BLOB.exec(url.pathname);
    if (blob && method === 'GET') {
      this.serveLogs(res, blob);
      return;
    }
    const inPrefix = this.prefix === '' || url.pathname === this.prefix || url.pathname.startsWith(`${this.prefix}/`);
    const path = inPrefix ? url.pathname.slice(this.prefix.length) || '/' : url.pathname;
    const match = inPrefix ? matchRoute(this.routes, method, path) : null;
    const operationId = match ? this.operationIdOf(match.route) : null;
    const query = Object.fromEntries(url.searchParams);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!REDACTED_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const auth = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const authorized = auth?.[1] === this.token;
    const rec: RecordedRequest = { method, path, query, body, authorized, operationId, headers, status: null };
    this.requests.push(rec);
    const asked = headers['x-github-api-version'];
    const versions: readonly string[] = this.flavor === 'api.github.com' ? API_VERSIONS : ['2022-11-28'];
    const selected: Record<string, string> = asked !== undefined && versions.includes(asked) ? { 'x-github-api-version-selected': asked } : {};
    const send = (status: number, b: unknown, h: Record<string, string> = {}) => {
      rec.status = status;
      this.write(res, status, b, { ...selected, ...h });
    };

    if (!authorized) {
      const message = req.headers.authorization === undefined ? 'Requires authentication' : 'Bad credentials';
      send(401, errorBody(message, DOCS_ROOT, 401));
      return;
    }
    this.rateUsed++;
    const docs = match ? docsUrl(this.flavor, method, match.route.template) : DOCS_ROOT;

    const fault = this.takeFault(method, path, operationId);
    let tamper: ((b: unknown) => unknown) | null = null;
    let canned: Reply | null = null;
    if (fault) {
      switch (fault.kind) {
        case 'status': {
          const status = fault.status;
          const defaultBody = status === 422 ? errorBody('Validation Failed', docs, 422, { errors: [] }) : errorBody(DEFAULT_MESSAGES[status] ?? 'Error', docs, status);
          send(status, fault.body === undefined ? defaultBody : fault.body, fault.headers ?? {});
          return;
        }
        case 'permission':
          send(403, errorBody('Resource not accessible by personal access token', docs, 403), {
            'x-accepted-github-permissions': fault.permission ?? match?.route.permission ?? 'contents=read',
          });
          return;
        case 'rateLimit': {
          const status = fault.status ?? 403;
          const reset = Math.floor(this.clock() / 1000) + fault.resetInSec;
          send(status, errorBody(`API rate limit exceeded for user ID ${this.userId(this.login)}. If you reach out to GitHub Support for help, please include the request ID ${randomUUID()}.`, RATE_DOCS, status), {
            'x-ratelimit-limit': String(RATE_LIMIT),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(reset),
            'x-ratelimit-used': String(RATE_LIMIT),
            'x-ratelimit-resource': 'core',
          });
          return;
        }
        case 'secondaryRateLimit':
        case 'tooMany': {
          const status = fault.kind === 'tooMany' ? 429 : 403;
          const message = `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${randomUUID()}.`;
          send(status, errorBody(message, SECONDARY_DOCS, status), { 'retry-after': String(fault.retryAfterSec) });
          return;
        }
        case 'hang':
          // Keep the request open; close() destroys the socket.
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'delay':
          await sleep(fault.ms, this.timers);
          if (this.closed) return;
          break;
        case 'afterApply': {
          if (match && !badJson) await this.execute(match.route, match.params, query, body, headers, docs, url);
          send(fault.status, errorBody(DEFAULT_MESSAGES[fault.status] ?? 'Server Error', docs, fault.status));
          return;
        }
        case 'tamper':
          tamper = fault.edit;
          break;
        case 'reply':
          canned = { status: fault.status, body: fault.body, headers: fault.headers };
          break;
      }
    }

    if (badJson) {
      send(400, errorBody('Problems parsing JSON', docs, 400));
      return;
    }
    if (!match) {
      send(404, errorBody('Not Found', DOCS_ROOT, 404));
      return;
    }
    const reply = canned ?? (await this.execute(match.route, match.params, query, body, headers, docs, url));
    if (tamper) reply.body = tamper(structuredClone(reply.body));
    const problem = validateResponse(this.flavor, method, match.route.template, reply.status, reply.body);
    if (problem) {
      this.validationErrors.push({ ...problem, method, path, body: reply.body });
      send(500, { message: `fake GitHub: the ${reply.status} response of ${problem.operationId} does not match GitHub's OpenAPI description`, errors: problem.errors, documentation_url: DOCS_ROOT });
      return;
    }
    send(reply.status, reply.body, reply.headers ?? {});
  }

  /** Answers the redirect target of a logs download: a zip with one text file per job. */
  private serveLogs(res: ServerResponse, m: RegExpExecArray): void {
    const r = this.repos.get(`${m[1]}/${m[2]}`.toLowerCase());
    const run = r?.runs.find((x) => x.id === Number(m[3]));
    if (!r || !run) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('The specified blob does not exist.');
      return;
    }
    const data = logsArchive(r, run, Number(m[4]));
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(data.length) });
    res.end(data);
  }

  /** Runs a handler; writes are serialized so concurrent requests see each other's effects. */
  private async execute(
    route: Route,
    params: Record<string, string>,
    query: Record<string, string>,
    body: unknown,
    headers: Record<string, string>,
    docs: string,
    url: URL,
  ): Promise<Reply> {
    let repo: RepoState | undefined;
    if (route.template.startsWith('/repos/{owner}/{repo}')) {
      repo = this.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
      if (!repo) return { status: 404, body: errorBody('Not Found', docs, 404) };
    }
    const ctx: Ctx = {
      w: this.world,
      get repo(): RepoState {
        if (!repo) throw new Error('route has no repository');
        return repo;
      },
      params,
      query,
      body,
      headers,
      flavor: this.flavor,
      docs,
      login: this.login,
      nextId: () => this.nextId(),
      clock: this.clock,
      now: () => iso(this.clock()),
      urlWith: (q) => {
        const u = new URL(url.pathname, this.origin);
        for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
        return u.toString();
      },
    };
    const exec = async (): Promise<Reply> => {
      try {
        // Scripted run steps and wait timers that the clock has passed happen before anything is read.
        if (repo) settle(this.engine, repo);
        return await route.handler(ctx);
      } catch (err) {
        if (err instanceof HttpError) return { status: err.status, body: err.body, headers: err.headers };
        throw err;
      }
    };
    if (route.method === 'GET') return exec();
    const result = this.writes.then(exec, exec);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

/** Starts a fake GitHub on 127.0.0.1 (random port); loads the OpenAPI description once per process. */
export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const flavor: Flavor = opts.prefix === '/api/v3' ? 'ghes-3.19' : 'api.github.com';
  load(flavor);
  const server = createServer();
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake GitHub: no TCP address');
  const fake = new FakeGitHub(server, `http://127.0.0.1:${address.port}`, opts);
  fake.attach();
  return fake;
}

