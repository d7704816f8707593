import { once } from '../lazy';
import * as z from 'zod';
import { calendarGateSchema, calendarKind } from './calendar';
import { blockersGateSchema, blockersKind } from './blockers';
import { changelogGateSchema, changelogKind } from './changelog';
import { cleanTreeGateSchema, cleanTreeKind } from './cleanTree';
import { commandGateSchema, commandKind } from './command';
import { flagGateSchema, flagKind } from './flag';
import { githubChecksGateSchema, githubChecksKind } from './githubChecks';
import type { GateKind } from './kind';
import { manualGateSchema, manualKind } from './manual';
import { milestoneGateSchema, milestoneKind } from './milestone';
import { noFixupsGateSchema, noFixupsKind } from './noFixups';
import { noticeGateSchema, noticeKind } from './notice';
import { pushedGateSchema, pushedKind } from './pushed';
import { releaseBranchGateSchema, releaseBranchKind } from './releaseBranch';
import { riskGateSchema, riskKind } from './risk';
import { upToDateGateSchema, upToDateKind } from './upToDate';
import { versionBumpedGateSchema, versionBumpedKind } from './versionBumped';

const members = once(() => [
  cleanTreeGateSchema(),
  releaseBranchGateSchema(),
  upToDateGateSchema(),
  versionBumpedGateSchema(),
  changelogGateSchema(),
  noFixupsGateSchema(),
  calendarGateSchema(),
  commandGateSchema(),
  manualGateSchema(),
  githubChecksGateSchema(),
  pushedGateSchema(),
  blockersGateSchema(),
  milestoneGateSchema(),
  noticeGateSchema(),
  flagGateSchema(),
  riskGateSchema(),
] as const);

/** Every gate kind's name. */
export const GATE_KINDS = once(() => members().map((m) => m.shape.kind.value));

/** One configured gate: a discriminated union on `kind`. */
export const gateSchema = once(() => z.discriminatedUnion('kind', members(), {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const kind: unknown = issue.input !== null && typeof issue.input === 'object' ? (issue.input as { kind?: unknown }).kind : undefined;
    const what = kind === undefined ? 'missing gate kind' : `unknown gate kind ${JSON.stringify(kind).slice(0, 60)}`;
    return `${what}; expected one of: ${GATE_KINDS().join(', ')}`;
  },
}));

/** A parsed gate of any kind. */
export type GateConfig = z.infer<ReturnType<typeof gateSchema>>;
/** The kind names. */
export type GateKindName = GateConfig['kind'];

/** The checks, by kind. */
export const GATE_KIND_REGISTRY: { [K in GateKindName]: GateKind<Extract<GateConfig, { kind: K }>> } = {
  cleanTree: cleanTreeKind,
  releaseBranch: releaseBranchKind,
  upToDate: upToDateKind,
  versionBumped: versionBumpedKind,
  changelog: changelogKind,
  noFixups: noFixupsKind,
  calendar: calendarKind,
  command: commandKind,
  manual: manualKind,
  githubChecks: githubChecksKind,
  pushed: pushedKind,
  blockers: blockersKind,
  milestone: milestoneKind,
  notice: noticeKind,
  flag: flagKind,
  risk: riskKind,
};

/** The gates that run when the config has none: they pass on a healthy repository. */
export function defaultGates(): GateConfig[] {
  return z.array(gateSchema()).parse([
    { id: 'clean-tree', kind: 'cleanTree' },
    { id: 'on-branch', kind: 'releaseBranch', title: 'On a branch', patterns: ['**'] },
    { id: 'up-to-date', kind: 'upToDate' },
    { id: 'no-fixups', kind: 'noFixups' },
  ]);
}

/** The gates list of the config file: omitted = the default set. */
export const gatesSchema = once(() => z
  .array(gateSchema())
  .max(100)
  .default(defaultGates)
  .describe('Readiness gates, checked before a release. Omitted: clean tree, on a branch, not behind upstream, no fixup/WIP commits.'));
