/** What identifies a step a deploy provider started (stored in the journal, passed to the provider to observe it). */
import type { ProviderConfig } from './schema';

/** The provider kinds. */
export type ProviderKind = ProviderConfig['kind'];

/** What identifies a started step so it can be observed: a workflow run, a deployment, a local execution. */
export interface RunHandle {
  provider: ProviderKind;
  /** GitHub Actions run id (workflow provider). */
  runId?: number;
  /** GitHub deployment id (deployments provider). */
  deploymentId?: number;
  /** A local command's or task's execution id, valid in the session that started it. */
  executionId?: string;
  /** Where people can look at it. */
  url?: string;
}
