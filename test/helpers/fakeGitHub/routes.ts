/**
 * The endpoints of the fake GitHub: one table row per operation (method + the OpenAPI path
 * template, which is also how its response is validated), with GitHub's semantics, status codes
 * and error bodies. Add a row (and its handler) to support another endpoint.
 */
import { isPlainRefName } from './git';
import { ACTIONS_ROUTES } from './actions';
import { DEPLOYMENT_ROUTES } from './deployments';
import { checkBody, linkHeader, notFound, paginate, unprocessable, validationFailed, intParam, type Ctx, type Reply, type Route } from './http';
import {
  checkRunObject,
  commitObject,
  gitRefObject,
  issueCommentObject,
  issueObject,
  milestoneObject,
  privateUser,
  pullObject,
  releaseObject,
  repository,
  statusObject, simpleUser,
} from './objects';
import type { IssueRecord, PullRecord, ReleaseRecord, RepoState } from './state';

export { HttpError, type Ctx, type Engine, type Reply, type Route } from './http';

// ---------------------------------------------------------------------------------------------
// releases

const RELEASE_FIELDS = {
  tag_name: 'string',
  target_commitish: 'string',
  name: 'string',
  body: 'string',
  draft: 'boolean',
  prerelease: 'boolean',
  discussion_category_name: 'string',
  generate_release_notes: 'boolean',
  make_latest: ['true', 'false', 'legacy'],
} as const;

function findRelease(ctx: Ctx): ReleaseRecord {
  const id = ctx.params.release_id ?? '';
  const rel = /^\d+$/.test(id) ? ctx.repo.releases.find((r) => r.id === Number(id)) : undefined;
  if (!rel) throw notFound(ctx);
  return rel;
}

/** Newest first, as GitHub lists releases. */
function byNewest(a: ReleaseRecord, b: ReleaseRecord): number {
  return b.created_at.localeCompare(a.created_at) || b.id - a.id;
}

/**
 * Makes `rel` published: its tag must not belong to another published release; a missing tag is
 * created at `target_commitish` (ignored when the tag exists), as GitHub does on publish.
 */
async function publish(ctx: Ctx, rel: { tag_name: string; target_commitish: string }, self: ReleaseRecord | null): Promise<void> {
  const r = ctx.repo;
  if (r.releases.some((x) => x !== self && !x.draft && x.tag_name === rel.tag_name)) {
    throw validationFailed(ctx, [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
  }
  const fullRef = `refs/tags/${rel.tag_name}`;
  if (await r.git.readRef(fullRef)) return;
  if (!isPlainRefName(rel.tag_name) || !(await r.git.validRefName(fullRef))) {
    throw validationFailed(ctx, [{ resource: 'Release', code: 'invalid', field: 'tag_name' }]);
  }
  const sha = await r.git.resolveCommit(rel.target_commitish);
  if (!sha) throw validationFailed(ctx, [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  if (await r.git.createRef(fullRef, sha)) r.apiRefs.push({ ref: fullRef, sha, created_at: ctx.now() });
}

function applyMakeLatest(r: RepoState, rel: ReleaseRecord, makeLatest: unknown): void {
  if (rel.draft || rel.prerelease) return;
  if (makeLatest === undefined || makeLatest === 'true') r.latestReleaseId = rel.id;
  else if (makeLatest === 'legacy' && r.latestReleaseId === rel.id) r.latestReleaseId = null;
}

async function listReleases(ctx: Ctx): Promise<Reply> {
  const visible: ReleaseRecord[] = [];
  for (const rel of ctx.repo.releases) {
    if (rel.hiddenFromLists > 0) rel.hiddenFromLists--;
    else visible.push(rel);
  }
  const page = paginate(ctx, visible.sort(byNewest));
  return { status: 200, body: page.items.map((rel) => releaseObject(ctx.w, ctx.repo, rel)), headers: page.headers };
}

async function getRelease(ctx: Ctx): Promise<Reply> {
  return { status: 200, body: releaseObject(ctx.w, ctx.repo, findRelease(ctx)) };
}

async function getReleaseByTag(ctx: Ctx): Promise<Reply> {
  // Drafts have no tag yet: GitHub does not find them by tag.
  const rel = ctx.repo.releases.find((r) => !r.draft && r.tag_name === ctx.params.tag);
  if (!rel) throw notFound(ctx);
  return { status: 200, body: releaseObject(ctx.w, ctx.repo, rel) };
}

async function getLatestRelease(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const candidates = r.releases.filter((x) => !x.draft && !x.prerelease);
  const marked = candidates.find((x) => x.id === r.latestReleaseId);
  const rel = marked ?? candidates.sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '') || b.id - a.id)[0];
  if (!rel) throw notFound(ctx);
  return { status: 200, body: releaseObject(ctx.w, r, rel) };
}

async function createRelease(ctx: Ctx): Promise<Reply> {
  const b = checkBody(ctx, RELEASE_FIELDS, ['tag_name']);
  const r = ctx.repo;
  const tag = b.tag_name as string;
  if (tag === '') throw validationFailed(ctx, [{ resource: 'Release', code: 'missing_field', field: 'tag_name' }]);
  const target = (b.target_commitish as string | undefined) ?? r.defaultBranch;
  const draft = b.draft === true;
  if (draft) {
    if (!(await r.git.readRef(`refs/tags/${tag}`)) && !(await r.git.resolveCommit(target))) {
      throw validationFailed(ctx, [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
    }
  } else {
    await publish(ctx, { tag_name: tag, target_commitish: target }, null);
  }
  const now = ctx.now();
  const rel: ReleaseRecord = {
    id: ctx.nextId(),
    tag_name: tag,
    target_commitish: target,
    name: (b.name as string | null | undefined) ?? null,
    body: (b.body as string | null | undefined) ?? null,
    draft,
    prerelease: b.prerelease === true,
    author: ctx.login,
    created_at: now,
    updated_at: now,
    published_at: draft ? null : now,
    immutable: !draft && r.immutableReleases,
    hiddenFromLists: r.listLag,
    untagged: Math.random().toString(16).slice(2, 22).padEnd(20, '0'),
    ...(typeof b.discussion_category_name === 'string' ? { discussion_category_name: b.discussion_category_name } : {}),
  };
  r.releases.push(rel);
  applyMakeLatest(r, rel, b.make_latest);
  const body = releaseObject(ctx.w, r, rel);
  return { status: 201, body, headers: { location: String(body.url) } };
}

async function updateRelease(ctx: Ctx): Promise<Reply> {
  const b = checkBody(ctx, RELEASE_FIELDS);
  const r = ctx.repo;
  const rel = findRelease(ctx);
  const published = !rel.draft;
  if (published && rel.immutable) {
    // GitHub locks the tag and the published state of an immutable release; title, notes,
    // prerelease and make_latest stay editable.
    if (b.draft === true) {
      throw validationFailed(ctx, [{ resource: 'Release', code: 'custom', field: 'draft', message: 'state cannot be changed when release is immutable' }]);
    }
    if ((b.tag_name !== undefined && b.tag_name !== rel.tag_name) || (b.target_commitish !== undefined && b.target_commitish !== rel.target_commitish)) {
      throw validationFailed(ctx, [{ resource: 'Release', code: 'custom', field: 'tag_name', message: 'tag_name cannot be changed when release is immutable' }]);
    }
  }
  const next = {
    tag_name: (b.tag_name as string | undefined) ?? rel.tag_name,
    target_commitish: (b.target_commitish as string | undefined) ?? rel.target_commitish,
  };
  const willPublish = b.draft === false && rel.draft;
  if (willPublish || (published && b.draft !== true && next.tag_name !== rel.tag_name)) await publish(ctx, next, rel);
  const now = ctx.now();
  rel.tag_name = next.tag_name;
  rel.target_commitish = next.target_commitish;
  if (b.name !== undefined) rel.name = b.name as string | null;
  if (b.body !== undefined) rel.body = b.body as string | null;
  if (typeof b.prerelease === 'boolean') rel.prerelease = b.prerelease;
  if (typeof b.discussion_category_name === 'string' && rel.discussion_category_name === undefined) rel.discussion_category_name = b.discussion_category_name;
  if (willPublish) {
    rel.draft = false;
    rel.published_at = now;
    rel.immutable = r.immutableReleases;
  } else if (b.draft === true && published) {
    rel.draft = true;
    rel.published_at = null;
  }
  rel.updated_at = now;
  if (willPublish || b.make_latest !== undefined) applyMakeLatest(r, rel, b.make_latest);
  return { status: 200, body: releaseObject(ctx.w, r, rel) };
}

// ---------------------------------------------------------------------------------------------
// git refs

async function getRef(ctx: Ctx): Promise<Reply> {
  const ref = `refs/${ctx.params.ref ?? ''}`;
  const found = await ctx.repo.git.readRef(ref);
  if (!found) throw notFound(ctx);
  return { status: 200, body: gitRefObject(ctx.w, ctx.repo, ref, found.sha, found.type) };
}

async function createRef(ctx: Ctx): Promise<Reply> {
  const b = checkBody(ctx, { ref: 'string', sha: 'string' }, ['ref', 'sha']);
  const ref = b.ref as string;
  const sha = b.sha as string;
  const git = ctx.repo.git;
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
    throw unprocessable(ctx, 'Reference name must contain at least three slash-separated components.');
  }
  if (!isPlainRefName(ref) || !(await git.validRefName(ref))) throw unprocessable(ctx, `${ref} is not a valid ref name.`);
  const type = await git.objectType(sha);
  if (!type) throw unprocessable(ctx, 'Object does not exist');
  if ((await git.readRef(ref)) || !(await git.createRef(ref, sha))) throw unprocessable(ctx, 'Reference already exists');
  ctx.repo.apiRefs.push({ ref, sha, created_at: ctx.now() });
  const body = gitRefObject(ctx.w, ctx.repo, ref, sha, type);
  return { status: 201, body, headers: { location: String(body.url) } };
}

// ---------------------------------------------------------------------------------------------
// commits, checks and statuses

async function commitOf(ctx: Ctx, ref: string, status: 404 | 422): Promise<string> {
  const sha = await ctx.repo.git.resolveCommit(ref);
  if (!sha) throw status === 404 ? notFound(ctx, `No commit found for SHA: ${ref}`) : unprocessable(ctx, `No commit found for SHA: ${ref}`);
  return sha;
}

async function listCheckRuns(ctx: Ctx): Promise<Reply> {
  const sha = await commitOf(ctx, ctx.params.ref ?? '', 422);
  let runs = ctx.repo.checkRuns.filter((c) => c.head_sha === sha);
  if (ctx.query.check_name !== undefined) runs = runs.filter((c) => c.name === ctx.query.check_name);
  if (ctx.query.status !== undefined) runs = runs.filter((c) => c.status === ctx.query.status);
  if ((ctx.query.filter ?? 'latest') === 'latest') {
    const latest = new Map<string, (typeof runs)[number]>();
    for (const c of runs) {
      const seen = latest.get(c.name);
      const newer = !seen || (c.started_at ?? '') > (seen.started_at ?? '') || ((c.started_at ?? '') === (seen.started_at ?? '') && c.id > seen.id);
      if (newer) latest.set(c.name, c);
    }
    runs = [...latest.values()];
  }
  runs.sort((a, b) => b.id - a.id);
  const page = paginate(ctx, runs);
  return { status: 200, body: { total_count: runs.length, check_runs: page.items.map((c) => checkRunObject(ctx.w, ctx.repo, c)) }, headers: page.headers };
}

async function combinedStatus(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const sha = await commitOf(ctx, ctx.params.ref ?? '', 404);
  const latest = new Map<string, (typeof r.statuses)[number]>();
  for (const s of r.statuses.filter((x) => x.sha === sha)) {
    const seen = latest.get(s.context);
    if (!seen || s.created_at > seen.created_at || (s.created_at === seen.created_at && s.id > seen.id)) latest.set(s.context, s);
  }
  const statuses = [...latest.values()].sort((a, b) => b.id - a.id);
  const states = statuses.map((s) => s.state);
  const state = states.some((s) => s === 'error' || s === 'failure') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
  const page = paginate(ctx, statuses);
  const repoUrl = `${ctx.w.api}/repos/${r.owner}/${r.name}`;
  return {
    status: 200,
    body: {
      state,
      statuses: page.items.map((s) => statusObject(ctx.w, r, s)),
      sha,
      total_count: statuses.length,
      repository: repository(ctx.w, r),
      commit_url: `${repoUrl}/commits/${sha}`,
      url: `${repoUrl}/commits/${sha}/status`,
    },
    headers: page.headers,
  };
}

/** Every status of the commit, newest first (GitHub answers an empty list for a commit it does not know). */
async function listStatusesForRef(ctx: Ctx): Promise<Reply> {
  const sha = await ctx.repo.git.resolveCommit(ctx.params.ref ?? '');
  const statuses = sha ? ctx.repo.statuses.filter((x) => x.sha === sha).sort((a, b) => (a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1)) : [];
  const page = paginate(ctx, statuses);
  return { status: 200, body: page.items.map((s) => ({ ...statusObject(ctx.w, ctx.repo, s), creator: simpleUser(ctx.w, s.creator) })), headers: page.headers };
}

async function getCommit(ctx: Ctx): Promise<Reply> {
  const sha = await commitOf(ctx, ctx.params.ref ?? '', 422);
  const [c] = await ctx.repo.git.commits([sha]);
  if (!c) throw unprocessable(ctx, `No commit found for SHA: ${ctx.params.ref}`);
  return { status: 200, body: { ...commitObject(ctx.w, ctx.repo, c), stats: { total: 0, additions: 0, deletions: 0 }, files: [] } };
}

async function listCommits(ctx: Ctx): Promise<Reply> {
  const git = ctx.repo.git;
  const ref = ctx.query.sha ?? ctx.repo.defaultBranch;
  const head = await commitOf(ctx, ref, 404);
  const perPage = Math.min(Math.max(intParam(ctx.query.per_page, 30), 1), 100);
  const page = Math.max(intParam(ctx.query.page, 1), 1);
  const total = await git.count(head, null);
  const shas = await git.revList(head, null, { skip: (page - 1) * perPage, max: perPage });
  const commits = await git.commits(shas);
  return { status: 200, body: commits.map((c) => commitObject(ctx.w, ctx.repo, c)), headers: linkHeader(ctx, total, perPage, page) };
}

async function compare(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const basehead = ctx.params.basehead ?? '';
  const at = basehead.indexOf('...');
  if (at <= 0) throw notFound(ctx);
  const side = (s: string) => (s.includes(':') ? (s.startsWith(`${r.owner}:`) ? s.slice(r.owner.length + 1) : null) : s);
  const baseName = side(basehead.slice(0, at));
  const headName = side(basehead.slice(at + 3));
  const base = baseName ? await r.git.resolveCommit(baseName) : null;
  const head = headName ? await r.git.resolveCommit(headName) : null;
  if (!base || !head) throw notFound(ctx);
  const mergeBase = await r.git.mergeBase(base, head);
  if (!mergeBase) throw notFound(ctx, `No common ancestor between ${baseName} and ${headName}.`);
  const [aheadBy, behindBy] = await Promise.all([r.git.count(head, base), r.git.count(base, head)]);
  const status = aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';
  // Chronological (oldest first), as the API returns them.
  const all = (await r.git.revList(head, base)).reverse();
  let shas: string[];
  let headers: Record<string, string> = {};
  if (ctx.query.per_page !== undefined || ctx.query.page !== undefined) {
    const page = paginate(ctx, all);
    shas = page.items;
    headers = page.headers;
  } else {
    // Without paging parameters GitHub returns at most 250 commits, ending with the newest.
    shas = all.slice(-250);
  }
  const [commits, [baseCommit], [mergeBaseCommit]] = await Promise.all([r.git.commits(shas), r.git.commits([base]), r.git.commits([mergeBase])]);
  if (!baseCommit || !mergeBaseCommit) throw notFound(ctx);
  const web = `${ctx.w.web}/${r.owner}/${r.name}`;
  return {
    status: 200,
    body: {
      url: `${ctx.w.api}/repos/${r.owner}/${r.name}/compare/${basehead}`,
      html_url: `${web}/compare/${basehead}`,
      permalink_url: `${web}/compare/${r.owner}:${base.slice(0, 7)}...${r.owner}:${head.slice(0, 7)}`,
      diff_url: `${web}/compare/${basehead}.diff`,
      patch_url: `${web}/compare/${basehead}.patch`,
      base_commit: commitObject(ctx.w, r, baseCommit),
      merge_base_commit: commitObject(ctx.w, r, mergeBaseCommit),
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      commits: commits.map((c) => commitObject(ctx.w, r, c)),
    },
    headers,
  };
}

// ---------------------------------------------------------------------------------------------
// pulls, issues, milestones

async function pullsForCommit(ctx: Ctx): Promise<Reply> {
  const sha = await commitOf(ctx, ctx.params.commit_sha ?? '', 422);
  const pulls = ctx.repo.pulls.filter((p) => p.commits.includes(sha) || p.merge_commit_sha === sha || p.head.sha === sha).sort((a, b) => b.number - a.number);
  const page = paginate(ctx, pulls);
  return { status: 200, body: page.items.map((p) => pullObject(ctx.w, ctx.repo, p)), headers: page.headers };
}

async function getPull(ctx: Ctx): Promise<Reply> {
  const n = ctx.params.pull_number ?? '';
  const pull = /^\d+$/.test(n) ? ctx.repo.pulls.find((p) => p.number === Number(n)) : undefined;
  if (!pull) throw notFound(ctx);
  return { status: 200, body: pullObject(ctx.w, ctx.repo, pull, true) };
}

async function listIssues(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const q = ctx.query;
  let items: Array<IssueRecord | PullRecord> = [...r.issues, ...r.pulls];
  const state = q.state ?? 'open';
  if (state !== 'all') items = items.filter((i) => i.state === state);
  if (q.labels !== undefined && q.labels !== '') {
    const wanted = q.labels.split(',').map((l) => l.trim().toLowerCase()).filter((l) => l !== '');
    items = items.filter((i) => wanted.every((l) => i.labels.some((x) => x.toLowerCase() === l)));
  }
  if (q.milestone !== undefined) {
    if (q.milestone === '*') items = items.filter((i) => i.milestone !== null);
    else if (q.milestone === 'none') items = items.filter((i) => i.milestone === null);
    else items = items.filter((i) => String(i.milestone) === q.milestone);
  }
  if (q.creator !== undefined) items = items.filter((i) => i.user.toLowerCase() === q.creator!.toLowerCase());
  const key = q.sort === 'updated' ? 'updated_at' : 'created_at';
  const asc = q.direction === 'asc';
  items.sort((a, b) => (asc ? 1 : -1) * (a[key].localeCompare(b[key]) || a.number - b.number));
  const page = paginate(ctx, items);
  return { status: 200, body: page.items.map((i) => issueObject(ctx.w, r, i)), headers: page.headers };
}

function findIssue(ctx: Ctx): IssueRecord | PullRecord {
  const n = ctx.params.issue_number ?? '';
  const issue = /^\d+$/.test(n) ? [...ctx.repo.issues, ...ctx.repo.pulls].find((i) => i.number === Number(n)) : undefined;
  if (!issue) throw notFound(ctx);
  return issue;
}

async function listIssueComments(ctx: Ctx): Promise<Reply> {
  const issue = findIssue(ctx);
  const page = paginate(ctx, ctx.repo.comments.filter((c) => c.issue === issue.number));
  return { status: 200, body: page.items.map((c) => issueCommentObject(ctx.w, ctx.repo, c)), headers: page.headers };
}

async function createIssueComment(ctx: Ctx): Promise<Reply> {
  const b = checkBody(ctx, { body: 'string' }, ['body'], { nullable: [] });
  const issue = findIssue(ctx);
  const now = ctx.now();
  const c = { id: ctx.nextId(), issue: issue.number, body: b.body as string, user: ctx.login, created_at: now, updated_at: now };
  ctx.repo.comments.push(c);
  const body = issueCommentObject(ctx.w, ctx.repo, c);
  return { status: 201, body, headers: { location: String(body.url) } };
}

async function listMilestones(ctx: Ctx): Promise<Reply> {
  const r = ctx.repo;
  const state = ctx.query.state ?? 'open';
  const list = r.milestones.filter((m) => state === 'all' || m.state === state);
  const desc = ctx.query.direction === 'desc';
  const dueKey = (d: string | null) => d ?? '9999';
  list.sort((a, b) => (desc ? -1 : 1) * (dueKey(a.due_on).localeCompare(dueKey(b.due_on)) || a.number - b.number));
  const page = paginate(ctx, list);
  return { status: 200, body: page.items.map((m) => milestoneObject(ctx.w, r, m)), headers: page.headers };
}

// ---------------------------------------------------------------------------------------------
// user and repository

async function getUser(ctx: Ctx): Promise<Reply> {
  return { status: 200, body: privateUser(ctx.w, ctx.login) };
}

async function getRepo(ctx: Ctx): Promise<Reply> {
  return { status: 200, body: repository(ctx.w, ctx.repo, true) };
}

/**
 * The route table. Order matters only where templates overlap: a more specific template (a fixed
 * suffix after a multi-segment parameter) comes before the general one.
 */
export const ROUTES: Route[] = [
  { method: 'GET', template: '/user', permission: 'metadata=read', handler: getUser },
  { method: 'GET', template: '/repos/{owner}/{repo}', permission: 'metadata=read', handler: getRepo },
  { method: 'GET', template: '/repos/{owner}/{repo}/git/ref/{ref}', multiSegment: ['ref'], permission: 'contents=read', handler: getRef },
  { method: 'POST', template: '/repos/{owner}/{repo}/git/refs', permission: 'contents=write', handler: createRef },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases', permission: 'contents=read', handler: listReleases },
  { method: 'POST', template: '/repos/{owner}/{repo}/releases', permission: 'contents=write', handler: createRelease },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/latest', permission: 'contents=read', handler: getLatestRelease },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/tags/{tag}', permission: 'contents=read', handler: getReleaseByTag },
  { method: 'GET', template: '/repos/{owner}/{repo}/releases/{release_id}', permission: 'contents=read', handler: getRelease },
  { method: 'PATCH', template: '/repos/{owner}/{repo}/releases/{release_id}', permission: 'contents=write', handler: updateRelease },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}/check-runs', multiSegment: ['ref'], permission: 'checks=read', handler: listCheckRuns },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}/status', multiSegment: ['ref'], permission: 'statuses=read', handler: combinedStatus },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}/statuses', multiSegment: ['ref'], permission: 'statuses=read', handler: listStatusesForRef },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', permission: 'pull_requests=read', handler: pullsForCommit },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits', permission: 'contents=read', handler: listCommits },
  { method: 'GET', template: '/repos/{owner}/{repo}/commits/{ref}', multiSegment: ['ref'], permission: 'contents=read', handler: getCommit },
  { method: 'GET', template: '/repos/{owner}/{repo}/compare/{basehead}', multiSegment: ['basehead'], permission: 'contents=read', handler: compare },
  { method: 'GET', template: '/repos/{owner}/{repo}/pulls/{pull_number}', permission: 'pull_requests=read', handler: getPull },
  { method: 'GET', template: '/repos/{owner}/{repo}/issues', permission: 'issues=read', handler: listIssues },
  { method: 'GET', template: '/repos/{owner}/{repo}/issues/{issue_number}/comments', permission: 'issues=read', handler: listIssueComments },
  { method: 'POST', template: '/repos/{owner}/{repo}/issues/{issue_number}/comments', permission: 'issues=write', handler: createIssueComment },
  { method: 'GET', template: '/repos/{owner}/{repo}/milestones', permission: 'issues=read', handler: listMilestones },
  ...ACTIONS_ROUTES,
  ...DEPLOYMENT_ROUTES,
];

/** A compiled route: the template as a regular expression over the raw (percent-encoded) path. */
export interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return route.multiSegment?.includes(name) ? '(.+?)' : '([^/]+)';
    });
    return { route, regex: new RegExp(`^${source}/?$`), names };
  });
}

/** The route and decoded path parameters of a request, or null. */
export function matchRoute(compiled: CompiledRoute[], method: string, path: string): { route: Route; params: Record<string, string> } | null {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    let ok = true;
    c.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        ok = false;
      }
    });
    if (ok) return { route: c.route, params };
  }
  return null;
}
