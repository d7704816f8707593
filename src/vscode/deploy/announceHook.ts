/**
 * The announcements a deploy or rollback started in the editor sends (started / completed /
 * rolled-back, where `announce.onDeploy` asks for them): the same `deployAnnouncer` as the CLI, with
 * the channel secrets from VS Code's SecretStorage and the window's GitHub sign-in. Best effort: the
 * shared sequence turns a failed send into a warning, never a failed deploy.
 */
import { loadAnnounce } from '../../node/loadAnnounce';
import type { AnnounceStage } from '../../node/deploySequence';
import { editorSecrets } from '../announce/secrets';
import type { DeployContext } from './target';

/** The announcer of a repository's deploys, or undefined when its config or secrets are not at hand. */
export function editorAnnouncer(ctx: DeployContext, root: string): AnnounceStage | undefined {
  const config = ctx.model.find(root)?.config;
  const repo = ctx.model.repo(root);
  if (!config || !repo || !ctx.secrets || !config.announce?.onDeploy) return undefined;
  return loadAnnounce().deployAnnouncer({ repo, config, secrets: editorSecrets(ctx.secrets), githubApi: () => ctx.github.connect(root, { interactive: false }) });
}
