import type { AnnounceNode } from './announceNodes';
import type { DeployNode } from './deployNodes';
import type { FlagNode } from './flagNodes';
import type { GateNode } from './gateNodes';
import type { GitHubNode } from './githubNodes';
import type { MessageNode } from './messageNode';
import type { MetricsNode } from './metricsNodes';
import type { NotesNode } from './notesNodes';
import type { PlanNode } from './planNodes';

/** The row of one repository (shown when the workspace has several). */
export type RepoNode = { kind: 'repo'; root: string };

/**
 * An element of the release tree: plain data (only the families' item functions build TreeItems,
 * with no I/O there), one family per section; a new section such as metrics or flags adds its
 * family here and one dispatch line in the provider.
 */
export type Node = RepoNode | NotesNode | GateNode | GitHubNode | DeployNode | MetricsNode | AnnounceNode | FlagNode | PlanNode | MessageNode;
