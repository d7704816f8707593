import { readFileSync } from 'node:fs';
import { releaseConfigSchema, type ReleaseConfig } from '../../src/core/config';
import type { GateContext, SignOff, WorkingTreeState } from '../../src/core/gates/context';
import { runGates } from '../../src/core/gates/engine';
import { gateSchema, type GateConfig } from '../../src/core/gates/schema';
import type { GateResult } from '../../src/core/gates/types';
import type { ReleaseNotes } from '../../src/core/notes';
import { LocalGitRepo } from '../../src/git/gitRepo';
import { createGateContext, type GateContextOptions } from '../../src/node/gateContext';
import { poll } from './poll';
import type { TestRepo } from './testRepo';

/** Parses one gate config (fills defaults) from its raw form. */
export function gate(raw: Record<string, unknown>): GateConfig {
  return gateSchema().parse(raw);
}

/** A context over a real repository; commands are not allowed unless asked. */
export async function contextFor(r: TestRepo, over: Partial<GateContextOptions> = {}, config: ReleaseConfig = releaseConfigSchema().parse({})): Promise<GateContext> {
  return createGateContext({ repo: await LocalGitRepo.open(r.dir), config, commandsAllowed: false, killGraceMs: 300, ...over });
}

/** Runs gates (raw configs) against a real repository and returns the results by id. */
export async function runOn(r: TestRepo, raws: Record<string, unknown>[], over: Partial<GateContextOptions> = {}): Promise<Record<string, GateResult>> {
  const results = await runGates(raws.map(gate), await contextFor(r, over));
  return Object.fromEntries(results.map((x) => [x.id, x]));
}

/** Runs one gate (raw config) against a real repository. */
export async function runOne(r: TestRepo, raw: Record<string, unknown>, over: Partial<GateContextOptions> = {}): Promise<GateResult> {
  const results = await runOn(r, [{ id: 'g', ...raw }], over);
  return results.g!;
}

/** A clean working tree on main with no upstream. */
export function cleanTree(over: Partial<WorkingTreeState> = {}): WorkingTreeState {
  return {
    branch: 'main',
    detached: false,
    head: 'a'.repeat(40),
    upstream: null,
    ahead: null,
    behind: null,
    upstreamGone: false,
    staged: 0,
    modified: 0,
    untracked: 0,
    conflicted: 0,
    samples: { staged: [], modified: [], untracked: [], conflicted: [] },
    inProgress: [],
    indexLock: null,
    ...over,
  };
}

/** A release draft with the given version decision (the rest empty). */
export function fakeRelease(version: Partial<ReleaseNotes['version']> = {}): ReleaseNotes {
  return {
    range: { from: 'v1.2.0', to: 'HEAD', fromHash: 'b'.repeat(40), toHash: 'c'.repeat(40) },
    version: { current: '1.2.0', next: '1.3.0', bump: 'minor', prerelease: null, hotfix: false, firstRelease: false, reasons: [], warnings: [], ...version },
    date: null,
    sections: [],
    contributors: [],
    firstTimeContributors: [],
    warnings: [],
  };
}

/** A context with no repository behind it: every fact is given (or throws when asked for and not given). */
export function fakeContext(over: Partial<GateContext> = {}): GateContext {
  const missing = (what: string) => () => Promise.reject(new Error(`fake context has no ${what}`));
  return {
    workingTree: async () => cleanTree(),
    release: async () => fakeRelease(),
    rangeCommits: async () => [],
    readFile: missing('files'),
    now: () => new Date('2026-03-03T12:00:00Z'),
    commandsAllowed: false,
    runCommand: missing('runner'),
    signOffs: async (): Promise<SignOff[]> => [],
    github: missing('GitHub'),
    ...over,
  };
}

/** True while a process with this pid is alive (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Waits until the process is gone (true) or the time is up (false). */
export async function gone(pid: number, withinMs = 3000): Promise<boolean> {
  return poll(`process ${pid} to exit`, () => !alive(pid), { timeoutMs: withinMs, intervalMs: 25 }).catch(() => !alive(pid));
}
