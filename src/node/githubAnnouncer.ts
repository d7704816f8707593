/**
 * The GitHub channel over the GitHubApi port: a Discussion for the release (the releases API's
 * `discussion_category_name` on the published release of the tag) or a comment on a tracking issue.
 */
import { UsageError } from '../core/errors';
import type { GitHubApi } from '../core/githubApi';
import type { GitHubAnnouncer } from './announceChannels';

/** A GitHubAnnouncer for one repository's API. */
export function githubAnnouncer(api: GitHubApi): GitHubAnnouncer {
  const releaseOf = async (tag: string, signal?: AbortSignal) => (await api.listReleases(signal)).find((r) => r.tagName === tag && !r.draft) ?? null;
  return {
    async discussion({ tag, category }, signal) {
      const release = await releaseOf(tag, signal);
      if (!release) throw new UsageError(`There is no published GitHub release for ${tag} to open a Discussion on.`, `Publish the release first (release-manager publish), or use a tracking issue ("issue") for this channel.`);
      if (release.discussionUrl) return release.discussionUrl;
      const updated = await api.updateRelease(release.id, { discussionCategoryName: category }, signal);
      return updated.discussionUrl ?? updated.htmlUrl;
    },
    async comment({ issue, body }, signal) {
      return (await api.commentOnIssue(issue, body, signal)).url;
    },
    async find({ issue, tag, marker }, signal) {
      if (issue !== undefined) return (await api.issueComments(issue, signal)).find((c) => c.body.includes(marker))?.url ?? null;
      if (tag === undefined) return null;
      return (await releaseOf(tag, signal))?.discussionUrl ?? null;
    },
  };
}
