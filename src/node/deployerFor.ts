/**
 * The one place a provider kind is mapped to its `Deployer`: GitHub (Deployments API, workflow
 * dispatch), a local command, a VS Code task. Each front end passes the makers it has (the CLI has
 * no task maker; the editor's task maker needs 'vscode', which src/node may not import) and the fix
 * to show when the provider may not run here.
 */
import type { Deployer } from '../core/deploy/ports';
import { providerBlockedReason, type EnvironmentConfig, type ProviderHost } from '../core/deploy/schema';
import { UsageError } from '../core/errors';
import type { LocalGitRepo } from '../git/gitRepo';
import { localDeploySlug } from './commandDeployer';
import { localSlugOf } from './localDeployHistory';

/** The GitHub provider kinds. */
export type GitHubProviderKind = 'deployments' | 'workflow';

/** How a front end builds the deployer of each provider kind it runs. */
export interface DeployerMakers {
  /** A GitHub deployer of the repository, with the repository's slug (owner/repo). */
  github: (kind: GitHubProviderKind) => Promise<{ deployer: Deployer; slug: string }>;
  /** A local command's deployer (after the trust check). */
  command: () => Deployer;
  /** A VS Code task's deployer: the editor only. */
  task?: () => Deployer;
}

/** Where the deployer is wanted, what builds it, and what to say when the provider may not run here. */
export interface DeployerChoice {
  repo: LocalGitRepo;
  host: ProviderHost;
  makers: DeployerMakers;
  /** The fix of the error raised when the environment's provider may not, or cannot, run here. */
  blockedFix: (env: EnvironmentConfig) => string;
}

/** The deployer of `env`'s provider and the journal slug of its operations (owner/repo on GitHub, the local slug otherwise), with how a person is shown the repository. */
export async function deployerFor(env: EnvironmentConfig, how: DeployerChoice): Promise<{ deployer: Deployer; slug: string; label: string }> {
  const kind = env.provider.kind;
  const blocked = providerBlockedReason(env, how.host);
  if (blocked !== null) throw new UsageError(blocked, how.blockedFix(env));
  if (kind === 'deployments' || kind === 'workflow') {
    const made = await how.makers.github(kind);
    return { ...made, label: made.slug };
  }
  // A local command or a VS Code task: no GitHub needed; each dispatch checks the trust again.
  const make = kind === 'command' ? how.makers.command : how.makers.task;
  if (!make) throw new UsageError(`${env.name} deploys with the ${kind} provider, which this front end does not run.`, how.blockedFix(env));
  const slug = await localDeploySlug(how.repo);
  // `local/<repository id>` keys the journal; a person is shown the folder it is in now.
  return { deployer: make(), slug, label: slug.startsWith('local/') ? localSlugOf(how.repo.root) : slug };
}
