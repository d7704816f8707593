/**
 * Deployments, deployment statuses and environments of the fake GitHub, with GitHub's semantics:
 * a deployment of a branch behind the default branch is auto-merged in the real git repository
 * (202, nothing deployed) or refused on conflicts (409); failing commit statuses and check runs
 * refuse it (409 naming the contexts); `auto_inactive` marks earlier successful deployments of the
 * environment inactive; deploying to a new environment name creates the environment.
 */
import { checkBody, HttpError, iso, notFound, paginate, unprocessable, validationFailed, type Ctx, type Engine, type Reply, type Route } from './http';
import { app, errorBody, nodeId, simpleUser, type World } from './objects';
import type { DeploymentRecord, DeploymentState, DeploymentStatusRecord, EnvironmentRecord, RepoState, ReviewerSpec } from './state';

export const DEPLOYMENT_STATES: readonly DeploymentState[] = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const ACTIONS_APP = { slug: 'github-actions', name: 'GitHub Actions' };
/** Who GitHub's server-side merges are committed by. */
const MERGE_IDENTITY = { name: 'GitHub', email: 'noreply@github.com' };

// ---------------------------------------------------------------------------------------------
// environments

/** Environment names are case-insensitive on GitHub. */
export function findEnvironment(r: RepoState, name: string): EnvironmentRecord | undefined {
  const lower = name.toLowerCase();
  return r.environments.find((env) => env.name.toLowerCase() === lower);
}

export interface EnvironmentSeed {
  name: string;
  /** Minutes a job waits before it may run (0–43200). */
  wait_timer?: number;
  /** Required reviewers: users by login, or teams with their members (only one needs to approve). */
  reviewers?: ReviewerSpec[];
  /** Whether the user who triggered the run may not approve it. */
  prevent_self_review?: boolean;
  deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  created_at?: string;
}

/** Creates an environment, or updates the protection rules of an existing one. */
export function putEnvironment(e: Engine, r: RepoState, seed: EnvironmentSeed): EnvironmentRecord {
  if (seed.wait_timer !== undefined && (!Number.isInteger(seed.wait_timer) || seed.wait_timer < 0 || seed.wait_timer > 43200)) {
    throw new Error(`fake GitHub: wait_timer must be 0–43200 minutes, got ${seed.wait_timer}`);
  }
  if ((seed.reviewers?.length ?? 0) > 6) throw new Error('fake GitHub: an environment has at most six reviewers');
  const now = seed.created_at ?? iso(e.clock());
  let env = findEnvironment(r, seed.name);
  if (!env) {
    env = {
      id: e.nextId(),
      name: seed.name,
      created_at: now,
      updated_at: now,
      wait_timer: 0,
      reviewers: [],
      prevent_self_review: false,
      deployment_branch_policy: null,
      ruleIds: { wait_timer: e.nextId(), required_reviewers: e.nextId(), branch_policy: e.nextId() },
    };
    r.environments.push(env);
  } else {
    env.updated_at = now;
  }
  if (seed.wait_timer !== undefined) env.wait_timer = seed.wait_timer;
  if (seed.reviewers !== undefined) env.reviewers = seed.reviewers;
  if (seed.prevent_self_review !== undefined) env.prevent_self_review = seed.prevent_self_review;
  if (seed.deployment_branch_policy !== undefined) env.deployment_branch_policy = seed.deployment_branch_policy;
  return env;
}

/** The environment of this name, created without protection rules when missing (as GitHub does on first use). */
export function ensureEnvironment(e: Engine, r: RepoState, name: string): EnvironmentRecord {
  return findEnvironment(r, name) ?? putEnvironment(e, r, { name });
}

/** Whether `login` may approve a run waiting for `env` that `actor` triggered. */
export function canApprove(env: EnvironmentRecord, login: string, actor: string): boolean {
  const lower = login.toLowerCase();
  if (env.prevent_self_review && actor.toLowerCase() === lower) return false;
  return env.reviewers.some((rv) => (rv.type === 'User' ? rv.login.toLowerCase() === lower : rv.members.some((m) => m.toLowerCase() === lower)));
}

function teamObject(w: World, r: RepoState, slug: string): Record<string, unknown> {
  const id = w.idFor(`team:${r.owner}:${slug}`);
  const url = `${w.api}/organizations/${w.userId(r.owner)}/team/${id}`;
  return {
    id,
    node_id: nodeId('T', id),
    url,
    html_url: `${w.web}/orgs/${r.owner}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    type: 'organization',
  };
}

export function reviewerObjects(w: World, r: RepoState, env: EnvironmentRecord): Array<Record<string, unknown>> {
  return env.reviewers.map((rv) => ({ type: rv.type, reviewer: rv.type === 'User' ? simpleUser(w, rv.login) : teamObject(w, r, rv.slug) }));
}

/** The short environment object that pending deployments and approvals carry. */
export function environmentRef(w: World, r: RepoState, env: EnvironmentRecord): Record<string, unknown> {
  return {
    id: env.id,
    node_id: nodeId('EN', env.id),
    name: env.name,
    url: `${w.api}/repos/${r.owner}/${r.name}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${w.web}/${r.owner}/${r.name}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
  };
}

export function environmentObject(w: World, r: RepoState, env: EnvironmentRecord): Record<string, unknown> {
  const rules: Array<Record<string, unknown>> = [];
  if (env.wait_timer > 0) rules.push({ id: env.ruleIds.wait_timer, node_id: nodeId('GA', env.ruleIds.wait_timer), type: 'wait_timer', wait_timer: env.wait_timer });
  if (env.reviewers.length > 0) {
    rules.push({
      id: env.ruleIds.required_reviewers,
      node_id: nodeId('GA', env.ruleIds.required_reviewers),
      prevent_self_review: env.prevent_self_review,
      type: 'required_reviewers',
      reviewers: reviewerObjects(w, r, env),
    });
  }
  if (env.deployment_branch_policy) rules.push({ id: env.ruleIds.branch_policy, node_id: nodeId('GA', env.ruleIds.branch_policy), type: 'branch_policy' });
  return {
    ...environmentRef(w, r, env),
    created_at: env.created_at,
    updated_at: env.updated_at,
    protection_rules: rules,
    deployment_branch_policy: env.deployment_branch_policy,
  };
}

async function listEnvironments(ctx: Ctx): Promise<Reply> {
  const all = [...ctx.repo.environments].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  const page = paginate(ctx, all);
  return { status: 200, body: { total_count: all.length, environments: page.items.map((env) => environmentObject(ctx.w, ctx.repo, env)) }, headers: page.headers };
}

async function getEnvironment(ctx: Ctx): Promise<Reply> {
  const env = findEnvironment(ctx.repo, ctx.params.environment_name ?? '');
  if (!env) throw notFound(ctx);
  return { status: 200, body: environmentObject(ctx.w, ctx.repo, env) };
}

// ---------------------------------------------------------------------------------------------
// deployments and statuses

export interface DeploymentFields {
  ref: string;
  sha: string;
  task?: string;
  payload?: Record<string, unknown> | string;
  environment?: string;
  description?: string | null;
  creator: string;
  transient_environment?: boolean;
  /** Default: true for the environment `production`. */
  production_environment?: boolean;
  viaActions?: boolean;
  created_at?: string;
}

/** Records a deployment (and its environment, when new). */
export function recordDeployment(e: Engine, r: RepoState, f: DeploymentFields): DeploymentRecord {
  const environment = f.environment ?? 'production';
  ensureEnvironment(e, r, environment);
  const at = f.created_at ?? iso(e.clock());
  const d: DeploymentRecord = {
    id: e.nextId(),
    sha: f.sha,
    ref: f.ref,
    task: f.task ?? 'deploy',
    payload: f.payload ?? {},
    original_environment: environment,
    environment,
    description: f.description === undefined ? null : f.description,
    creator: f.creator,
    created_at: at,
    updated_at: at,
    transient_environment: f.transient_environment ?? false,
    production_environment: f.production_environment ?? environment === 'production',
    viaActions: f.viaActions ?? false,
    statuses: [],
  };
  r.deployments.push(d);
  return d;
}

export interface StatusFields {
  state: DeploymentState;
  creator: string;
  description?: string;
  environment?: string;
  target_url?: string;
  log_url?: string;
  environment_url?: string;
  /** Default true: a `success` marks earlier successful deployments of the environment inactive. */
  auto_inactive?: boolean;
  viaActions?: boolean;
  created_at?: string;
}

function latestState(d: DeploymentRecord): DeploymentState | null {
  return d.statuses.at(-1)?.state ?? null;
}

/** Adds a status to a deployment, with GitHub's `environment` carry-over and `auto_inactive`. */
export function recordDeploymentStatus(e: Engine, r: RepoState, d: DeploymentRecord, f: StatusFields): DeploymentStatusRecord {
  const at = f.created_at ?? iso(e.clock());
  if (f.environment !== undefined && f.environment !== d.environment) {
    ensureEnvironment(e, r, f.environment);
    d.environment = f.environment;
  }
  const logUrl = f.log_url ?? f.target_url ?? '';
  const s: DeploymentStatusRecord = {
    id: e.nextId(),
    state: f.state,
    creator: f.creator,
    description: f.description ?? '',
    environment: d.environment,
    target_url: f.log_url ?? f.target_url ?? '',
    log_url: logUrl,
    environment_url: f.environment_url ?? '',
    created_at: at,
    updated_at: at,
    viaActions: f.viaActions ?? false,
  };
  d.statuses.push(s);
  d.updated_at = at;
  if (f.state === 'success' && f.auto_inactive !== false) {
    const env = d.environment.toLowerCase();
    for (const older of r.deployments) {
      if (older.id >= d.id || older.transient_environment || older.environment.toLowerCase() !== env || latestState(older) !== 'success') continue;
      const inactive: DeploymentStatusRecord = { ...s, id: e.nextId(), state: 'inactive', description: '', environment: older.environment, target_url: '', log_url: '', environment_url: '' };
      older.statuses.push(inactive);
      older.updated_at = at;
    }
  }
  return s;
}

export function deploymentObject(w: World, r: RepoState, d: DeploymentRecord): Record<string, unknown> {
  const repoUrl = `${w.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoUrl}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('DE', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: simpleUser(w, d.creator),
    created_at: d.created_at,
    updated_at: d.updated_at,
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl,
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
    performed_via_github_app: d.viaActions ? app(w, ACTIONS_APP) : null,
  };
}

export function deploymentStatusObject(w: World, r: RepoState, d: DeploymentRecord, s: DeploymentStatusRecord): Record<string, unknown> {
  const repoUrl = `${w.api}/repos/${r.owner}/${r.name}`;
  const deploymentUrl = `${repoUrl}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES', s.id),
    state: s.state,
    creator: simpleUser(w, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.target_url,
    created_at: s.created_at,
    updated_at: s.updated_at,
    deployment_url: deploymentUrl,
    repository_url: repoUrl,
    environment_url: s.environment_url,
    log_url: s.log_url,
    performed_via_github_app: s.viaActions ? app(w, ACTIONS_APP) : null,
  };
}

function findDeployment(ctx: Ctx): DeploymentRecord {
  const id = ctx.params.deployment_id ?? '';
  const d = /^\d+$/.test(id) ? ctx.repo.deployments.find((x) => x.id === Number(id)) : undefined;
  if (!d) throw notFound(ctx);
  return d;
}

/** Latest state of every commit status context and check run of a commit, as the deployments API verifies them. */
function contextsOf(r: RepoState, sha: string): Array<{ context: string; state: string; passing: boolean }> {
  const statuses = new Map<string, RepoState['statuses'][number]>();
  for (const s of r.statuses.filter((x) => x.sha === sha)) {
    const seen = statuses.get(s.context);
    if (!seen || s.created_at > seen.created_at || (s.created_at === seen.created_at && s.id > seen.id)) statuses.set(s.context, s);
  }
  const checks = new Map<string, RepoState['checkRuns'][number]>();
  for (const c of r.checkRuns.filter((x) => x.head_sha === sha)) {
    const seen = checks.get(c.name);
    if (!seen || (c.started_at ?? '') > (seen.started_at ?? '') || ((c.started_at ?? '') === (seen.started_at ?? '') && c.id > seen.id)) checks.set(c.name, c);
  }
  const out = [...statuses.values()].map((s) => ({ context: s.context, state: s.state as string, passing: s.state === 'success' }));
  for (const c of checks.values()) {
    const state = c.status === 'completed' ? (c.conclusion ?? 'neutral') : c.status;
    out.push({ context: c.name, state, passing: state === 'success' || state === 'neutral' || state === 'skipped' });
  }
  return out;
}

const DEPLOYMENT_FIELDS = {
  ref: 'string',
  task: 'string',
  auto_merge: 'boolean',
  required_contexts: 'string[]',
  environment: 'string',
  description: 'string',
  transient_environment: 'boolean',
  production_environment: 'boolean',
} as const;

async function createDeployment(ctx: Ctx): Promise<Reply> {
  const b = checkBody(ctx, DEPLOYMENT_FIELDS, ['ref'], { nullable: ['description'] });
  const payload = b.payload;
  if (payload !== undefined && typeof payload !== 'string' && (typeof payload !== 'object' || payload === null || Array.isArray(payload))) {
    throw unprocessable(ctx, `Invalid request.\n\nFor 'properties/payload', ${JSON.stringify(payload)} is not an object or a string.`);
  }
  const r = ctx.repo;
  const ref = b.ref as string;
  const sha = await r.git.resolveCommit(ref);
  if (!sha) throw unprocessable(ctx, `No ref found for: ${ref}`);

  // auto_merge (default true): a branch behind the default branch gets the default branch merged
  // into it instead of a deployment.
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  const isBranch = sha !== ref.toLowerCase() && (await r.git.readRef(`refs/heads/${branch}`)) !== null;
  if (b.auto_merge !== false && isBranch && branch !== r.defaultBranch) {
    const base = await r.git.resolveCommit(r.defaultBranch);
    if (base && !(await r.git.isAncestor(base, sha))) {
      const message = `Auto-merged ${r.defaultBranch} into ${branch} on deployment.`;
      const merged = await r.git.mergeInto(`refs/heads/${branch}`, sha, base, message, { ...MERGE_IDENTITY, dateSec: Math.floor(ctx.clock() / 1000) });
      if (!merged) throw new HttpError(409, errorBody(`Conflict merging ${r.defaultBranch} into ${branch}.`, ctx.docs, 409));
      return { status: 202, body: { message } };
    }
  }

  const required = b.required_contexts as string[] | undefined;
  if (required === undefined || required.length > 0) {
    const all = contextsOf(r, sha);
    const considered = required === undefined ? all : all.filter((c) => required.includes(c.context));
    const missing = required === undefined ? [] : required.filter((name) => !all.some((c) => c.context === name));
    if (missing.length > 0 || considered.some((c) => !c.passing)) {
      throw new HttpError(
        409,
        errorBody(`Conflict: Commit status checks failed for ${ref}.`, ctx.docs, 409, {
          errors: [{ resource: 'Deployment', field: 'required_contexts', code: 'invalid', contexts: considered.map(({ context, state }) => ({ context, state })) }],
        }),
      );
    }
  }

  const d = recordDeployment(ctx, r, {
    ref,
    sha,
    task: b.task as string | undefined,
    payload: payload as Record<string, unknown> | string | undefined,
    environment: b.environment as string | undefined,
    description: b.description as string | null | undefined,
    creator: ctx.login,
    transient_environment: b.transient_environment as boolean | undefined,
    production_environment: b.production_environment as boolean | undefined,
  });
  const body = deploymentObject(ctx.w, r, d);
  return { status: 201, body, headers: { location: String(body.url) } };
}

async function listDeployments(ctx: Ctx): Promise<Reply> {
  const q = ctx.query;
  const list = ctx.repo.deployments
    .filter((d) => (q.sha === undefined || q.sha === '' || d.sha === q.sha) && (q.ref === undefined || q.ref === '' || d.ref === q.ref))
    .filter((d) => (q.task === undefined || q.task === '' || d.task === q.task) && (q.environment === undefined || q.environment === '' || d.environment === q.environment))
    .sort((a, b) => b.id - a.id);
  const page = paginate(ctx, list);
  return { status: 200, body: page.items.map((d) => deploymentObject(ctx.w, ctx.repo, d)), headers: page.headers };
}

async function getDeployment(ctx: Ctx): Promise<Reply> {
  return { status: 200, body: deploymentObject(ctx.w, ctx.repo, findDeployment(ctx)) };
}

async function createDeploymentStatus(ctx: Ctx): Promise<Reply> {
  const d = findDeployment(ctx);
  const b = checkBody(
    ctx,
    { state: DEPLOYMENT_STATES, target_url: 'string', log_url: 'string', description: 'string', environment: 'string', environment_url: 'string', auto_inactive: 'boolean' },
    ['state'],
  );
  const description = b.description as string | undefined;
  if (description !== undefined && description.length > 140) {
    throw validationFailed(ctx, [{ resource: 'DeploymentStatus', code: 'custom', field: 'description', message: 'description is too long (maximum is 140 characters)' }]);
  }
  const s = recordDeploymentStatus(ctx, ctx.repo, d, {
    state: b.state as DeploymentState,
    creator: ctx.login,
    description,
    environment: b.environment as string | undefined,
    target_url: b.target_url as string | undefined,
    log_url: b.log_url as string | undefined,
    environment_url: b.environment_url as string | undefined,
    auto_inactive: b.auto_inactive as boolean | undefined,
  });
  const body = deploymentStatusObject(ctx.w, ctx.repo, d, s);
  return { status: 201, body, headers: { location: String(body.url) } };
}

async function listDeploymentStatuses(ctx: Ctx): Promise<Reply> {
  const d = findDeployment(ctx);
  // Newest first, as GitHub lists them.
  const page = paginate(ctx, [...d.statuses].reverse());
  return { status: 200, body: page.items.map((s) => deploymentStatusObject(ctx.w, ctx.repo, d, s)), headers: page.headers };
}

export const DEPLOYMENT_ROUTES: Route[] = [
  { method: 'GET', template: '/repos/{owner}/{repo}/deployments', permission: 'deployments=read', handler: listDeployments },
  { method: 'POST', template: '/repos/{owner}/{repo}/deployments', permission: 'deployments=write', handler: createDeployment },
  { method: 'GET', template: '/repos/{owner}/{repo}/deployments/{deployment_id}', permission: 'deployments=read', handler: getDeployment },
  { method: 'GET', template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', permission: 'deployments=read', handler: listDeploymentStatuses },
  { method: 'POST', template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', permission: 'deployments=write', handler: createDeploymentStatus },
  { method: 'GET', template: '/repos/{owner}/{repo}/environments', permission: 'actions=read', handler: listEnvironments },
  { method: 'GET', template: '/repos/{owner}/{repo}/environments/{environment_name}', permission: 'actions=read', handler: getEnvironment },
];
