/** The GitHubApi port over Octokit: plain values out, GitHubError for every fault (mapped in client.ts). */
import type { BranchRelation, GhCheck, GhComment, GhDeployment, GhDeploymentStatus, GhIssue, GhLabeledIssue, GhMilestone, GhMilestoneItem, GhPull, GhRelease, GhWorkflowRun, GitHubApi, NewRelease } from '../core/githubApi';
import type { GitHubRepoRef } from '../core/remote';
import { GitHubError } from '../core/errors';
import { createOctokit, isAlreadyExists, toGitHubError, type GitHubClientOptions, type RmOctokitInstance } from './client';

export { isAlreadyExists };

type Json = Record<string, unknown>;

export class OctokitGitHubApi implements GitHubApi {
  private readonly octokit: RmOctokitInstance;
  private readonly owner: string;
  private readonly name: string;

  constructor(
    readonly repo: GitHubRepoRef,
    options: Omit<GitHubClientOptions, 'apiUrl'> & { apiUrl?: string },
  ) {
    this.octokit = createOctokit({ ...options, apiUrl: options.apiUrl ?? repo.apiUrl });
    this.owner = repo.owner;
    this.name = repo.repo;
  }

  private get slug(): string {
    return `${this.owner}/${this.name}`;
  }

  /** Runs one call, mapping its faults; `notFound` turns a 404 into a value. */
  private async call<T>(what: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw toGitHubError(new Error('cancelled'), what, signal);
    try {
      return await run();
    } catch (e) {
      throw toGitHubError(e, what, signal);
    }
  }

  private async orNull<T>(what: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T | null> {
    try {
      return await this.call(what, signal, run);
    } catch (e) {
      if (e instanceof GitHubError && e.code === 'not-found') return null;
      throw e;
    }
  }

  async whoami(signal?: AbortSignal): Promise<string> {
    const { data } = await this.call('reading the signed-in account', signal, () => this.octokit.rest.users.getAuthenticated({ request: { signal } }));
    return data.login;
  }

  async tagCommit(tag: string, signal?: AbortSignal): Promise<string | null> {
    const ref = await this.orNull(`reading tag ${tag} of ${this.slug}`, signal, () =>
      this.octokit.rest.git.getRef({ owner: this.owner, repo: this.name, ref: `tags/${tag}`, request: { signal } }),
    );
    if (!ref) return null;
    let object = ref.data.object;
    // An annotated tag points at a tag object; peel it (tags of tags included, bounded).
    for (let depth = 0; object.type === 'tag' && depth < 5; depth++) {
      const sha = object.sha;
      const tagObject = await this.call(`reading tag ${tag} of ${this.slug}`, signal, () =>
        this.octokit.rest.git.getTag({ owner: this.owner, repo: this.name, tag_sha: sha, request: { signal } }),
      );
      object = tagObject.data.object;
    }
    return object.type === 'commit' ? object.sha : null;
  }

  async createTag(tag: string, sha: string, signal?: AbortSignal): Promise<void> {
    await this.call(`creating tag ${tag} on ${this.slug}`, signal, () =>
      this.octokit.rest.git.createRef({ owner: this.owner, repo: this.name, ref: `refs/tags/${tag}`, sha, request: { signal } }),
    );
  }

  async listReleases(signal?: AbortSignal): Promise<GhRelease[]> {
    const data = await this.call(`reading the releases of ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.repos.listReleases, { owner: this.owner, repo: this.name, per_page: 100, request: { signal } }),
    );
    return data.map((r) => toRelease(r as unknown as Json));
  }

  async getRelease(id: number, signal?: AbortSignal): Promise<GhRelease | null> {
    const res = await this.orNull(`reading release ${id} of ${this.slug}`, signal, () =>
      this.octokit.rest.repos.getRelease({ owner: this.owner, repo: this.name, release_id: id, request: { signal } }),
    );
    return res ? toRelease(res.data as unknown as Json) : null;
  }

  async createRelease(release: NewRelease, signal?: AbortSignal): Promise<GhRelease> {
    const res = await this.call(`creating release ${release.tagName} on ${this.slug}`, signal, () =>
      this.octokit.rest.repos.createRelease({
        owner: this.owner,
        repo: this.name,
        tag_name: release.tagName,
        target_commitish: release.targetSha,
        name: release.name,
        body: release.body,
        draft: release.draft,
        prerelease: release.prerelease,
        make_latest: release.makeLatest ? 'true' : 'false',
        request: { signal },
      }),
    );
    return toRelease(res.data as unknown as Json);
  }

  async updateRelease(id: number, patch: { body?: string; name?: string; draft?: boolean; makeLatest?: boolean; discussionCategoryName?: string }, signal?: AbortSignal): Promise<GhRelease> {
    const res = await this.call(`updating release ${id} of ${this.slug}`, signal, () =>
      this.octokit.rest.repos.updateRelease({
        owner: this.owner,
        repo: this.name,
        release_id: id,
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.draft !== undefined ? { draft: patch.draft } : {}),
        ...(patch.makeLatest !== undefined ? { make_latest: patch.makeLatest ? ('true' as const) : ('false' as const) } : {}),
        ...(patch.discussionCategoryName !== undefined ? { discussion_category_name: patch.discussionCategoryName } : {}),
        request: { signal },
      }),
    );
    return toRelease(res.data as unknown as Json);
  }

  async commentOnIssue(issue: number, body: string, signal?: AbortSignal): Promise<GhComment> {
    const res = await this.call(`commenting on issue #${issue} of ${this.slug}`, signal, () =>
      this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.name, issue_number: issue, body, request: { signal } }),
    );
    return toComment(res.data as unknown as Json);
  }

  async issueComments(issue: number, signal?: AbortSignal): Promise<GhComment[]> {
    const data = await this.call(`reading the comments of issue #${issue} of ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, { owner: this.owner, repo: this.name, issue_number: issue, per_page: 100, request: { signal } }),
    );
    return data.map((c) => toComment(c as unknown as Json));
  }

  async checksFor(sha: string, signal?: AbortSignal): Promise<GhCheck[]> {
    const what = `reading CI checks of ${sha.slice(0, 12)} on ${this.slug}`;
    const [runs, statuses] = await Promise.all([
      this.call(what, signal, () =>
        this.octokit.paginate(this.octokit.rest.checks.listForRef, { owner: this.owner, repo: this.name, ref: sha, filter: 'latest', per_page: 100, request: { signal } }),
      ),
      this.call(what, signal, () =>
        this.octokit.paginate(this.octokit.rest.repos.listCommitStatusesForRef, { owner: this.owner, repo: this.name, ref: sha, per_page: 100, request: { signal } }),
      ),
    ]);
    const checks: GhCheck[] = [];
    // Re-runs: keep the latest attempt of each name (GitHub's filter=latest does too; this also covers servers that ignore it).
    const latestRun = new Map<string, (typeof runs)[number]>();
    for (const run of runs) {
      if (run.head_sha !== sha) continue;
      const seen = latestRun.get(run.name);
      if (!seen || newer(run.started_at, run.id, seen.started_at, seen.id)) latestRun.set(run.name, run);
    }
    for (const run of latestRun.values()) {
      checks.push({ source: 'check-run', name: run.name, status: run.status, conclusion: run.conclusion ?? null, url: run.html_url ?? null });
    }
    // Statuses come newest first: the first of each context is its current state.
    const seenContexts = new Set<string>();
    for (const s of statuses) {
      if (seenContexts.has(s.context)) continue;
      seenContexts.add(s.context);
      const pending = s.state === 'pending';
      checks.push({ source: 'status', name: s.context, status: pending ? 'pending' : 'completed', conclusion: pending ? null : s.state, url: s.target_url ?? null });
    }
    return checks;
  }

  async branchContains(branch: string, sha: string, signal?: AbortSignal): Promise<BranchRelation> {
    const res = await this.orNull(`comparing ${sha.slice(0, 12)} with ${branch} on ${this.slug}`, signal, () =>
      this.octokit.rest.repos.compareCommitsWithBasehead({ owner: this.owner, repo: this.name, basehead: `${sha}...${branch}`, per_page: 1, request: { signal } }),
    );
    if (!res) {
      // 404 from compare: an unknown commit or branch — or no access to the repository at all, which is not "not pushed".
      await this.call(`reading repository ${this.slug}`, signal, () => this.octokit.rest.repos.get({ owner: this.owner, repo: this.name, request: { signal } }));
      return 'unknown-commit';
    }
    return res.data.status === 'identical' || res.data.status === 'ahead' ? 'contained' : 'not-contained';
  }

  async openWithLabel(label: string, signal?: AbortSignal): Promise<GhIssue[]> {
    const data = await this.call(`reading open issues labelled ${label} on ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listForRepo, { owner: this.owner, repo: this.name, state: 'open', labels: label, per_page: 100, request: { signal } }),
    );
    return data.map((i) => toIssue(i as unknown as Json));
  }

  async openInMilestone(title: string, signal?: AbortSignal): Promise<GhIssue[] | null> {
    const what = `reading milestone ${title} of ${this.slug}`;
    const milestones = await this.call(what, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listMilestones, { owner: this.owner, repo: this.name, state: 'all', per_page: 100, request: { signal } }),
    );
    const milestone = milestones.find((m) => m.title === title);
    if (!milestone) return null;
    const data = await this.call(what, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listForRepo, { owner: this.owner, repo: this.name, state: 'open', milestone: String(milestone.number), per_page: 100, request: { signal } }),
    );
    return data.map((i) => toIssue(i as unknown as Json));
  }

  async listMilestones(signal?: AbortSignal): Promise<GhMilestone[]> {
    const data = await this.call(`reading the milestones of ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listMilestones, { owner: this.owner, repo: this.name, state: 'all', per_page: 100, request: { signal } }),
    );
    return data.map((m) => toMilestone(m as unknown as Json));
  }

  async milestoneItems(milestone: number, signal?: AbortSignal): Promise<GhMilestoneItem[]> {
    const data = await this.call(`reading the issues and pull requests of milestone ${milestone} of ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listForRepo, { owner: this.owner, repo: this.name, state: 'all', milestone: String(milestone), per_page: 100, request: { signal } }),
    );
    return data.map((i) => toMilestoneItem(i as unknown as Json));
  }

  async pullsForCommit(sha: string, signal?: AbortSignal): Promise<GhPull[]> {
    const data = await this.call(`reading pull requests of ${sha.slice(0, 12)} on ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.repos.listPullRequestsAssociatedWithCommit, { owner: this.owner, repo: this.name, commit_sha: sha, per_page: 100, request: { signal } }),
    );
    const pulls = data.map((p) => toPull(p as unknown as Json));
    return pulls.sort((a, b) => Number(b.mergedAt !== null) - Number(a.mergedAt !== null));
  }

  async getPull(number: number, signal?: AbortSignal): Promise<GhPull | null> {
    const res = await this.orNull(`reading pull request #${number} of ${this.slug}`, signal, () =>
      this.octokit.rest.pulls.get({ owner: this.owner, repo: this.name, pull_number: number, request: { signal } }),
    );
    return res ? toPull(res.data as unknown as Json) : null;
  }

  async deploymentHistory(environment: string, options: { since: string; before?: number }, signal?: AbortSignal): Promise<GhDeployment[]> {
    const since = Date.parse(options.since);
    const before = options.before ?? 20;
    const raw: Json[] = [];
    let older = 0;
    // Newest first: read pages until `before` deployments older than the window were seen (or the list ends).
    for (let page = 1; older < before; page++) {
      const res = await this.call(`reading the deployments of ${environment} in ${this.slug}`, signal, () =>
        this.octokit.rest.repos.listDeployments({ owner: this.owner, repo: this.name, environment, per_page: 100, page, request: { signal } }),
      );
      for (const d of res.data as unknown as Json[]) {
        if (Date.parse(str(d.created_at)) < since) {
          if (older >= before) continue;
          older++;
        }
        raw.push(d);
      }
      if (res.data.length < 100) break;
    }
    const out: GhDeployment[] = [];
    for (const d of raw) {
      const id = Number(d.id);
      const statuses = await this.call(`reading the statuses of deployment ${id} in ${this.slug}`, signal, () =>
        this.octokit.paginate(this.octokit.rest.repos.listDeploymentStatuses, { owner: this.owner, repo: this.name, deployment_id: id, per_page: 100, request: { signal } }),
      );
      const rm = ((d.payload as Json | null | undefined)?.release_manager ?? null) as Json | null;
      const creator = d.creator as Json | null | undefined;
      out.push({
        id,
        environment: str(d.environment),
        sha: str(d.sha),
        ref: str(d.ref),
        createdAt: str(d.created_at),
        creator: creator && typeof creator.login === 'string' ? creator.login : null,
        ours:
          rm && typeof rm === 'object'
            ? {
                correlationId: typeof rm.correlation_id === 'string' ? rm.correlation_id : null,
                operation: typeof rm.operation === 'string' ? rm.operation : null,
                weight: typeof rm.weight === 'number' ? rm.weight : null,
                version: typeof rm.version === 'string' ? rm.version : null,
                ref: typeof rm.ref === 'string' ? rm.ref : null,
              }
            : null,
        statuses: statuses
          .filter((s) => DEPLOYMENT_STATES.has(s.state))
          .map((s) => ({ state: s.state as GhDeploymentStatus['state'], createdAt: s.created_at, ...(s.description ? { description: s.description } : {}) }))
          .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)),
      });
    }
    return out;
  }

  async issuesWithLabel(label: string, since: string | null, signal?: AbortSignal): Promise<GhLabeledIssue[]> {
    const data = await this.call(`reading the issues labelled ${label} in ${this.slug}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.issues.listForRepo, { owner: this.owner, repo: this.name, labels: label, state: 'all', per_page: 100, ...(since ? { since } : {}), request: { signal } }),
    );
    return (data as unknown as Json[])
      .filter((i) => i.pull_request === undefined || i.pull_request === null)
      .map((i) => ({
        number: Number(i.number),
        title: str(i.title),
        body: str(i.body).slice(0, 4000),
        labels: labelsOf(i.labels),
        state: i.state === 'closed' ? ('closed' as const) : ('open' as const),
        createdAt: str(i.created_at),
        closedAt: typeof i.closed_at === 'string' ? i.closed_at : null,
      }));
  }

  async commitLogins(base: string | null, head: string, signal?: AbortSignal): Promise<Map<string, string>> {
    const logins = new Map<string, string>();
    if (base === null) return logins;
    const what = `reading the commits ${base.slice(0, 12)}...${head.slice(0, 12)} of ${this.slug}`;
    // compare lists up to 250 commits per page (per_page 100 here); read every page, stopping at total_commits.
    const commits: { sha: string; author: { login?: string } | null }[] = [];
    for (let page = 1; ; page++) {
      const res = await this.call(what, signal, () =>
        this.octokit.rest.repos.compareCommitsWithBasehead({ owner: this.owner, repo: this.name, basehead: `${base}...${head}`, per_page: 100, page, request: { signal } }),
      );
      commits.push(...res.data.commits);
      if (res.data.commits.length === 0 || commits.length >= res.data.total_commits) break;
    }
    for (const c of commits) {
      if (c.author?.login) logins.set(c.sha, c.author.login);
    }
    return logins;
  }


  async workflowRunsSince(since: string, signal?: AbortSignal): Promise<GhWorkflowRun[]> {
    const data = await this.call(`reading the workflow runs of ${this.slug} since ${since.slice(0, 25)}`, signal, () =>
      this.octokit.paginate(this.octokit.rest.actions.listWorkflowRunsForRepo, { owner: this.owner, repo: this.name, created: `>=${since}`, per_page: 100, request: { signal } }),
    );
    return (data as unknown as Json[]).map((r) => ({
      id: Number(r.id),
      name: str(r.name) || str(r.display_title) || `run ${String(r.id)}`,
      headSha: str(r.head_sha),
      status: str(r.status),
      conclusion: typeof r.conclusion === 'string' ? r.conclusion : null,
      attempt: typeof r.run_attempt === 'number' ? r.run_attempt : 1,
      createdAt: str(r.created_at),
      url: str(r.html_url),
    }));
  }
}

const DEPLOYMENT_STATES = new Set<string>(['success', 'inactive', 'failure', 'error', 'in_progress', 'queued', 'pending']);

function newer(aStarted: string | null | undefined, aId: number, bStarted: string | null | undefined, bId: number): boolean {
  const a = aStarted ? Date.parse(aStarted) : 0;
  const b = bStarted ? Date.parse(bStarted) : 0;
  return a !== b ? a > b : aId > bId;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function toRelease(r: Json): GhRelease {
  return {
    id: Number(r.id),
    tagName: str(r.tag_name),
    name: str(r.name),
    body: str(r.body),
    draft: r.draft === true,
    prerelease: r.prerelease === true,
    targetCommitish: str(r.target_commitish),
    htmlUrl: str(r.html_url),
    immutable: r.immutable === true,
    createdAt: str(r.created_at),
    publishedAt: typeof r.published_at === 'string' ? r.published_at : null,
    discussionUrl: typeof r.discussion_url === 'string' ? r.discussion_url : null,
  };
}

function toComment(c: Json): GhComment {
  return { id: Number(c.id), body: str(c.body), url: str(c.html_url) };
}

function labelsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((l: unknown) => (typeof l === 'string' ? l : str((l as Json | null)?.name))).filter((l) => l !== '');
}

function toIssue(i: Json): GhIssue {
  return { number: Number(i.number), title: str(i.title), url: str(i.html_url), isPull: i.pull_request !== undefined && i.pull_request !== null, labels: labelsOf(i.labels) };
}

function toMilestone(m: Json): GhMilestone {
  return {
    number: Number(m.number),
    title: str(m.title),
    state: m.state === 'closed' ? 'closed' : 'open',
    description: typeof m.description === 'string' ? m.description : null,
    dueOn: typeof m.due_on === 'string' ? m.due_on : null,
    openItems: Number(m.open_issues ?? 0),
    closedItems: Number(m.closed_issues ?? 0),
    url: str(m.html_url),
  };
}

function toMilestoneItem(i: Json): GhMilestoneItem {
  const pull = i.pull_request as Json | null | undefined;
  return {
    ...toIssue(i),
    state: i.state === 'closed' ? 'closed' : 'open',
    mergedAt: pull && typeof pull.merged_at === 'string' ? pull.merged_at : null,
  };
}

function toPull(p: Json): GhPull {
  const user = p.user as Json | null | undefined;
  return {
    number: Number(p.number),
    title: str(p.title),
    labels: labelsOf(p.labels),
    author: user && typeof user.login === 'string' ? user.login : null,
    url: str(p.html_url),
    mergedAt: typeof p.merged_at === 'string' ? p.merged_at : null,
    mergeCommitSha: typeof p.merge_commit_sha === 'string' ? p.merge_commit_sha : null,
  };
}
