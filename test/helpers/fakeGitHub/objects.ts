/**
 * Builders of complete REST objects (every required field of GitHub's OpenAPI description filled
 * with a plausible value) from the fake server's records.
 */
import type { GitCommit } from './git';
import type { CheckRunRecord, IssueCommentRecord, IssueRecord, MilestoneRecord, PullRecord, ReleaseRecord, RepoState, StatusRecord } from './state';

/** What the builders need from the server. */
export interface World {
  /** API base URL, prefix included, no trailing slash. */
  api: string;
  /** Web UI base URL (github.com, or the GHES origin). */
  web: string;
  /** Stable numeric id of a login (users are created on first mention). */
  userId(login: string): number;
  /** Stable numeric id of anything else (labels, apps), by key. */
  idFor(key: string): number;
  /** GitHub login of a commit email, when one is known. */
  loginOfEmail(email: string): string | null;
  /** Whether `release.immutable` is part of the description in use. */
  releaseHasImmutable: boolean;
  /** ISO time of the server's clock, without milliseconds (GitHub's format). */
  now(): string;
}

const EPOCH = '2020-01-01T00:00:00Z';

export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(`fake:${id}`).toString('base64').replace(/=+$/, '')}`;
}

export function simpleUser(w: World, login: string): Record<string, unknown> {
  const id = w.userId(login);
  const url = `${w.api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `${w.web}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${w.web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

export function privateUser(w: World, login: string): Record<string, unknown> {
  return {
    ...simpleUser(w, login),
    user_view_type: 'private',
    name: login,
    company: null,
    blog: '',
    location: null,
    email: null,
    notification_email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: EPOCH,
    updated_at: EPOCH,
    private_gists: 0,
    total_private_repos: 1,
    owned_private_repos: 1,
    disk_usage: 1024,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { collaborators: 0, name: 'pro', space: 976562499, private_repos: 9999 },
  };
}

function repoUrls(w: World, r: RepoState): Record<string, string> {
  const u = `${w.api}/repos/${r.owner}/${r.name}`;
  return {
    url: u,
    html_url: `${w.web}/${r.owner}/${r.name}`,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    hooks_url: `${u}/hooks`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
    git_url: `${w.web.replace(/^https?:/, 'git:')}/${r.owner}/${r.name}.git`,
    ssh_url: `git@${new URL(w.web).host}:${r.owner}/${r.name}.git`,
    clone_url: `${w.web}/${r.owner}/${r.name}.git`,
    svn_url: `${w.web}/${r.owner}/${r.name}`,
  };
}

/** `repository` / `full-repository` (the latter adds a few counters). */
export function repository(w: World, r: RepoState, full = false): Record<string, unknown> {
  const openIssues = r.issues.filter((i) => i.state === 'open').length + r.pulls.filter((p) => p.state === 'open').length;
  const base: Record<string, unknown> = {
    id: r.id,
    node_id: nodeId('R', r.id),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: simpleUser(w, r.owner),
    private: true,
    description: null,
    fork: false,
    ...repoUrls(w, r),
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 100,
    default_branch: r.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'private',
    pushed_at: r.created_at,
    created_at: r.created_at,
    updated_at: r.created_at,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
  if (full) {
    base.network_count = 0;
    base.subscribers_count = 1;
    base.temp_clone_token = null;
  }
  return base;
}

export function releaseObject(w: World, r: RepoState, rel: ReleaseRecord): Record<string, unknown> {
  const u = `${w.api}/repos/${r.owner}/${r.name}/releases/${rel.id}`;
  const tagPath = rel.draft ? `untagged-${rel.untagged}` : encodeURIComponent(rel.tag_name);
  const out: Record<string, unknown> = {
    url: u,
    assets_url: `${u}/assets`,
    upload_url: `${w.api}/repos/${r.owner}/${r.name}/releases/${rel.id}/assets{?name,label}`,
    html_url: `${w.web}/${r.owner}/${r.name}/releases/tag/${tagPath}`,
    id: rel.id,
    author: simpleUser(w, rel.author),
    node_id: nodeId('RE', rel.id),
    tag_name: rel.tag_name,
    target_commitish: rel.target_commitish,
    name: rel.name,
    draft: rel.draft,
    prerelease: rel.prerelease,
    created_at: rel.created_at,
    updated_at: rel.updated_at,
    published_at: rel.published_at,
    assets: [],
    tarball_url: rel.draft ? null : `${w.api}/repos/${r.owner}/${r.name}/tarball/${encodeURIComponent(rel.tag_name)}`,
    zipball_url: rel.draft ? null : `${w.api}/repos/${r.owner}/${r.name}/zipball/${encodeURIComponent(rel.tag_name)}`,
    body: rel.body,
    mentions_count: 0,
  };
  if (w.releaseHasImmutable) out.immutable = rel.immutable;
  if (rel.discussion_category_name !== undefined) out.discussion_url = `${w.web}/${r.owner}/${r.name}/discussions/${rel.id}`;
  return out;
}

export function issueCommentObject(w: World, r: RepoState, c: IssueCommentRecord): Record<string, unknown> {
  const repoUrl = `${w.api}/repos/${r.owner}/${r.name}`;
  return {
    id: c.id,
    node_id: nodeId('IC', c.id),
    url: `${repoUrl}/issues/comments/${c.id}`,
    html_url: `${w.web}/${r.owner}/${r.name}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${repoUrl}/issues/${c.issue}`,
    body: c.body,
    user: simpleUser(w, c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'OWNER',
  };
}

export function gitRefObject(w: World, r: RepoState, ref: string, sha: string, type: string): Record<string, unknown> {
  const base = `${w.api}/repos/${r.owner}/${r.name}/git`;
  return {
    ref,
    node_id: nodeId('REF', `${r.id}:${ref}`),
    url: `${base}/${ref}`,
    object: { type, sha, url: `${base}/${type}s/${sha}` },
  };
}

const ACTIONS_APP_ID = 15368;

export function app(w: World, a: { slug: string; name: string }): Record<string, unknown> {
  const id = a.slug === 'github-actions' ? ACTIONS_APP_ID : w.idFor(`app:${a.slug}`);
  return {
    id,
    slug: a.slug,
    node_id: nodeId('A', id),
    client_id: `Iv1.${id}`,
    owner: simpleUser(w, 'github'),
    name: a.name,
    description: null,
    external_url: `${w.web}/apps/${a.slug}`,
    html_url: `${w.web}/apps/${a.slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: { checks: 'write', contents: 'read', metadata: 'read' },
    events: ['check_run', 'check_suite', 'push'],
  };
}

export function checkRunObject(w: World, r: RepoState, c: CheckRunRecord): Record<string, unknown> {
  const url = `${w.api}/repos/${r.owner}/${r.name}/check-runs/${c.id}`;
  const html = `${w.web}/${r.owner}/${r.name}/runs/${c.id}`;
  return {
    id: c.id,
    head_sha: c.head_sha,
    node_id: nodeId('CR', c.id),
    external_id: '',
    url,
    html_url: html,
    details_url: c.details_url ?? html,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.started_at,
    completed_at: c.completed_at,
    output: { title: c.output.title, summary: c.output.summary, text: null, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: c.name,
    check_suite: { id: c.check_suite_id },
    app: app(w, c.app),
    pull_requests: [],
  };
}

export function statusObject(w: World, r: RepoState, s: StatusRecord): Record<string, unknown> {
  return {
    id: s.id,
    node_id: nodeId('SC', s.id),
    state: s.state,
    description: s.description,
    target_url: s.target_url,
    context: s.context,
    avatar_url: `${w.web}/avatars/u/${w.userId(s.creator)}?v=4`,
    url: `${w.api}/repos/${r.owner}/${r.name}/statuses/${s.sha}`,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

export function labelObject(w: World, r: RepoState, name: string): Record<string, unknown> {
  let meta = r.labels.get(name);
  if (!meta) {
    meta = { id: w.idFor(`label:${r.id}:${name}`), color: 'ededed', description: '' };
    r.labels.set(name, meta);
  }
  return {
    id: meta.id,
    node_id: nodeId('LA', meta.id),
    url: `${w.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(name)}`,
    name,
    // GitHub sends null for a label without description; the description's pull-request labels
    // declare a non-null string, so the fake always sends a string.
    description: meta.description,
    color: meta.color,
    default: false,
  };
}

export function milestoneObject(w: World, r: RepoState, m: MilestoneRecord): Record<string, unknown> {
  const url = `${w.api}/repos/${r.owner}/${r.name}/milestones/${m.number}`;
  const all = [...r.issues.filter((i) => i.milestone === m.number), ...r.pulls.filter((p) => p.milestone === m.number)];
  return {
    url,
    html_url: `${w.web}/${r.owner}/${r.name}/milestone/${m.number}`,
    labels_url: `${url}/labels`,
    id: m.id,
    node_id: nodeId('MI', m.id),
    number: m.number,
    state: m.state,
    title: m.title,
    description: m.description,
    creator: simpleUser(w, m.creator),
    open_issues: all.filter((i) => i.state === 'open').length,
    closed_issues: all.filter((i) => i.state === 'closed').length,
    created_at: m.created_at,
    updated_at: m.updated_at,
    closed_at: m.closed_at,
    due_on: m.due_on,
  };
}

function milestoneOf(w: World, r: RepoState, number: number | null): Record<string, unknown> | null {
  const m = number === null ? undefined : r.milestones.find((x) => x.number === number);
  return m ? milestoneObject(w, r, m) : null;
}

export function issueObject(w: World, r: RepoState, i: IssueRecord | PullRecord): Record<string, unknown> {
  const repoUrl = `${w.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoUrl}/issues/${i.number}`;
  const isPull = 'head' in i || i.pull_request;
  const out: Record<string, unknown> = {
    id: i.id,
    node_id: nodeId(isPull ? 'PR' : 'I', i.id),
    url,
    repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${w.web}/${r.owner}/${r.name}/${isPull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: 'head' in i ? null : i.state_reason,
    title: i.title,
    body: i.body,
    user: simpleUser(w, i.user),
    labels: i.labels.map((l) => labelObject(w, r, l)),
    assignee: null,
    assignees: [],
    milestone: milestoneOf(w, r, i.milestone),
    locked: false,
    active_lock_reason: null,
    comments: 0,
    closed_at: i.closed_at,
    created_at: i.created_at,
    updated_at: i.updated_at,
    author_association: 'MEMBER',
    timeline_url: `${url}/timeline`,
  };
  if ('head' in i) out.draft = i.draft;
  if (isPull) {
    out.pull_request = {
      url: `${repoUrl}/pulls/${i.number}`,
      html_url: `${w.web}/${r.owner}/${r.name}/pull/${i.number}`,
      diff_url: `${w.web}/${r.owner}/${r.name}/pull/${i.number}.diff`,
      patch_url: `${w.web}/${r.owner}/${r.name}/pull/${i.number}.patch`,
      merged_at: 'head' in i ? i.merged_at : null,
    };
  }
  return out;
}

/** `pull-request-simple`, or `pull-request` when `full`. */
export function pullObject(w: World, r: RepoState, p: PullRecord, full = false): Record<string, unknown> {
  const repoUrl = `${w.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoUrl}/pulls/${p.number}`;
  const html = `${w.web}/${r.owner}/${r.name}/pull/${p.number}`;
  const repo = repository(w, r);
  const side = (s: { ref: string; sha: string }) => ({ label: `${r.owner}:${s.ref}`, ref: s.ref, repo, sha: s.sha, user: simpleUser(w, r.owner) });
  const link = (href: string) => ({ href });
  const out: Record<string, unknown> = {
    url,
    id: p.id,
    node_id: nodeId('PR', p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${repoUrl}/issues/${p.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: `${repoUrl}/issues/${p.number}/comments`,
    statuses_url: `${repoUrl}/statuses/${p.head.sha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: simpleUser(w, p.user),
    body: p.body,
    labels: p.labels.map((l) => labelObject(w, r, l)),
    milestone: milestoneOf(w, r, p.milestone),
    active_lock_reason: null,
    created_at: p.created_at,
    updated_at: p.updated_at,
    closed_at: p.closed_at,
    merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head),
    base: side(p.base),
    _links: {
      self: link(url),
      html: link(html),
      issue: link(`${repoUrl}/issues/${p.number}`),
      comments: link(`${repoUrl}/issues/${p.number}/comments`),
      review_comments: link(`${url}/comments`),
      review_comment: link(`${repoUrl}/pulls/comments{/number}`),
      commits: link(`${url}/commits`),
      statuses: link(`${repoUrl}/statuses/${p.head.sha}`),
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: p.draft,
  };
  if (full) {
    const merged = p.merged_at !== null;
    Object.assign(out, {
      merged,
      mergeable: p.state === 'open' ? true : null,
      rebaseable: p.state === 'open' ? true : null,
      mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
      merged_by: merged && p.merged_by ? simpleUser(w, p.merged_by) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: p.commits.length,
      additions: p.commits.length,
      deletions: 0,
      changed_files: p.commits.length,
    });
  }
  return out;
}

/** `commit` as compare and the commits endpoints return it. */
export function commitObject(w: World, r: RepoState, c: GitCommit): Record<string, unknown> {
  const repoUrl = `${w.api}/repos/${r.owner}/${r.name}`;
  const url = `${repoUrl}/commits/${c.sha}`;
  const userOf = (email: string) => {
    const login = w.loginOfEmail(email);
    return login ? simpleUser(w, login) : null;
  };
  return {
    url,
    sha: c.sha,
    node_id: nodeId('C', c.sha),
    html_url: `${w.web}/${r.owner}/${r.name}/commit/${c.sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${repoUrl}/git/commits/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${repoUrl}/git/trees/${c.tree}` },
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: userOf(c.author.email),
    committer: userOf(c.committer.email),
    parents: c.parents.map((sha) => ({ sha, url: `${repoUrl}/commits/${sha}`, html_url: `${w.web}/${r.owner}/${r.name}/commit/${sha}` })),
  };
}

/** A GitHub error body. */
export function errorBody(message: string, documentationUrl: string, status: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message, ...extra, documentation_url: documentationUrl, status: String(status) };
}
