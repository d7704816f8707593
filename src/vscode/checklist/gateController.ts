import * as vscode from 'vscode';
import { runGates, verdict } from '../../core/gates/engine';
import type { SignOff } from '../../core/gates/context';
import type { GateConfig } from '../../core/gates/schema';
import type { GateResult, Verdict } from '../../core/gates/types';
import type { GitHubApi } from '../../core/githubApi';
import { UsageError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { SIGNOFF_FILE } from '../../core/gates/manual';
import { execGit } from '../../git/gitProcess';
import { createGateContext } from '../../node/gateContext';
import { recordSignOff, revokeSignOff as revokeRecordedSignOff, signOffCommitArgs, signOffsFor as readSignOffs } from '../../node/signOffFile';
import type { ChecklistState, GateView } from '../../shared/protocol';
import { redactSecrets } from '../../core/secrets';
import type { ReleaseModel, RepoState } from '../releaseModel';
import type { Settings } from '../settings';

/** Where sign-offs lived before they moved to the repository's sign-off file (one editor only); no longer read. */
const LEGACY_STORE_KEY = 'releaseManager.signOffs';

/** The gates of one repository as last run: results, what is running, the verdict. */
interface GateRun {
  results: Map<string, GateResult>;
  running: Set<string>;
  verdict: Verdict | null;
  /** Release version the results are about (a sign-off belongs to one version). */
  version: string | null;
}

/** Runs the readiness gates of the first repository and holds their state for the checklist, tree and status bar. */
export class GateController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires whenever a gate starts or finishes, or sign-offs change. */
  readonly onDidChange = this.changed.event;
  private readonly runs = new Map<string, GateRun>();
  private inflight: AbortController | undefined;
  private notice: string | null = null;
  /** The sign-offs last read from the repository's sign-off file, per root (for the checklist rows and the decision log). */
  private readonly signOffCache = new Map<string, { version: string; signOffs: SignOff[] }>();

  constructor(
    private readonly model: ReleaseModel,
    private readonly memento: vscode.Memento,
    private readonly settings: () => Settings,
    private readonly log: Logger,
    /** Connects GitHub gates silently (no sign-in prompt from a gate run); absent: they are unknown. */
    private readonly github?: (root: string) => Promise<GitHubApi>,
  ) {
    // Sign-offs kept in this editor's workspace state by earlier versions are dropped, not migrated: nobody else
    // could see them, so a release must not pass on them. Said once in the log.
    const legacy = this.memento.get<Record<string, Record<string, SignOff[]>>>(LEGACY_STORE_KEY);
    if (legacy !== undefined) {
      const n = Object.values(legacy).flatMap((byVersion) => Object.values(byVersion ?? {})).flat().length;
      if (n > 0) this.log.info(`${n} sign-off(s) kept only in this editor by an earlier version were dropped: sign off again (sign-offs now live in ${SIGNOFF_FILE}, shared through git).`);
      void this.memento.update(LEGACY_STORE_KEY, undefined);
    }
  }

  /** The repository the checklist is about: the first one with a readable config. */
  target(): RepoState | undefined {
    return this.model.repositories.find((r) => r.config) ?? this.model.repositories[0];
  }

  /** The configured gates of a repository (the default set when the config has none). */
  gates(state: RepoState): GateConfig[] {
    return state.config?.gates ?? [];
  }

  /** The last verdict of the target repository, if gates ran. */
  get verdict(): Verdict | null {
    const t = this.target();
    return t ? (this.runs.get(t.root)?.verdict ?? null) : null;
  }

  /** The last verdict of a repository (for the tree). */
  verdictFor(root: string): Verdict | null {
    const t = this.target();
    return t?.root === root ? (this.runs.get(root)?.verdict ?? null) : null;
  }

  /** True while gates run. */
  get running(): boolean {
    return this.inflight !== undefined;
  }

  /**
   * Runs the gates (all, or `only`). Command gates spawn only in a trusted workspace; with `includeCommands`
   * false (the automatic run when the checklist opens) they are left "not run" and keep the verdict NO-GO.
   */
  async run(options: { only?: string[]; includeCommands?: boolean; token?: vscode.CancellationToken } = {}): Promise<Verdict | null> {
    await this.model.settled();
    const state = this.target();
    if (!state?.config) {
      this.notice = state?.configError ? `Config problem: ${state.configError.problems[0] ?? state.configError.message}` : 'No repository to check.';
      this.changed.fire();
      return null;
    }
    this.inflight?.abort();
    const ctl = new AbortController();
    this.inflight = ctl;
    const sub = options.token?.onCancellationRequested(() => ctl.abort());
    const all = this.gates(state);
    const version = state.notes?.version.next ?? null;
    const run = this.runFor(state.root, version);
    const selected = all.filter((g) => (options.only ? options.only.includes(g.id) : true) && (options.includeCommands !== false || g.kind !== 'command'));
    for (const g of selected) run.running.add(g.id);
    this.notice = null;
    this.changed.fire();
    try {
      const ctx = createGateContext({
        repo: this.model.repo(state.root)!,
        config: state.config,
        commandsAllowed: vscode.workspace.isTrusted,
        commandsBlockedReason: 'requires trust: trust this workspace to run command gates',
        signOffs: (v) => this.signOffsFor(state.root, v),
        gitPath: this.settings().gitPath,
        signal: ctl.signal,
        ...(this.github ? { github: () => this.github!(state.root) } : {}),
      });
      await runGates(selected, ctx, {
        concurrency: state.config.gateConcurrency,
        signal: ctl.signal,
        only: selected.map((g) => g.id),
        onResult: (r) => {
          run.results.set(r.id, r);
          run.running.delete(r.id);
          this.changed.fire();
        },
      });
    } catch (e) {
      this.log.error(`gates failed to run: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      this.notice = `Gates could not run: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      sub?.dispose();
      run.running.clear();
      if (this.inflight === ctl) this.inflight = undefined;
      run.verdict = this.computeVerdict(state, run);
      this.changed.fire();
    }
    return run.verdict;
  }

  /** Cancels the run in progress (running gates end "skipped", their processes are killed). */
  cancel(): void {
    this.inflight?.abort();
  }

  private runFor(root: string, version: string | null): GateRun {
    let run = this.runs.get(root);
    if (!run || run.version !== version) {
      run = { results: new Map(), running: new Set(), verdict: null, version };
      this.runs.set(root, run);
    }
    return run;
  }

  /** The verdict over every configured gate: a gate that has not run counts as not passing (fail closed). */
  private computeVerdict(state: RepoState, run: GateRun): Verdict {
    const results = this.gates(state).map(
      (g): GateResult =>
        run.results.get(g.id) ?? { id: g.id, title: g.title ?? g.id, kind: g.kind, required: g.required, status: 'skipped', reason: g.kind === 'command' ? 'not run yet (runs a command: use Re-run)' : 'not run yet', durationMs: 0 },
    );
    return verdict(results);
  }

  /** Sign-offs of a version in a repository, read from its sign-off file (what the CLI, CI and the team read). */
  async signOffsFor(root: string, version: string): Promise<SignOff[]> {
    const signOffs = await readSignOffs(root, version);
    this.signOffCache.set(root, { version, signOffs });
    return signOffs;
  }

  /** The sign-offs last read for a repository's version (empty when none was read for it). */
  private cachedSignOffs(root: string, version: string): SignOff[] {
    const c = this.signOffCache.get(root);
    return c?.version === version ? c.signOffs : [];
  }

  /** The manual gate `gateId` of the target and its next version, or a UsageError naming the fix. */
  private signOffTarget(gateId: string): { state: RepoState; version: string } {
    const state = this.target();
    const version = state?.notes?.version.next;
    if (!state || !version) throw new UsageError('There is no next version to sign off.', 'Open a repository with unreleased changes and a readable release configuration, then sign off.');
    const gate = this.gates(state).find((g) => g.id === gateId);
    if (!gate || gate.kind !== 'manual') throw new UsageError(`No manual gate "${gateId}".`, 'Refresh the checklist: the gates come from the release configuration.');
    if (!vscode.workspace.isTrusted) throw new UsageError(`Signing off writes ${SIGNOFF_FILE} in the repository and is disabled in Restricted Mode.`, 'Trust this workspace (Manage Workspace Trust), then sign off.');
    return { state, version };
  }

  /**
   * Records `who`'s sign-off of a manual gate for the next version in the repository's sign-off file (replacing their
   * earlier one), then re-checks that gate. Nothing is committed: the caller offers that. Returns the version.
   */
  async signOff(gateId: string, note: string, who: string): Promise<string> {
    const { state, version } = this.signOffTarget(gateId);
    const head = await this.model.repo(state.root)?.head().catch(() => undefined);
    await recordSignOff(state.root, { version, gateId, who, when: new Date().toISOString(), ...(note.trim() ? { note: note.trim() } : {}), ...(head?.hash ? { commit: head.hash } : {}) });
    this.log.info(`sign-off recorded in ${SIGNOFF_FILE}: ${gateId} for ${version} by ${who}`);
    await this.run({ only: [gateId] });
    return version;
  }

  /** Removes `who`'s sign-off of a manual gate for the next version (other people's stay), then re-checks that gate. */
  async revokeSignOff(gateId: string, who: string): Promise<void> {
    const { state, version } = this.signOffTarget(gateId);
    const removed = await revokeRecordedSignOff(state.root, version, gateId, who);
    await this.run({ only: [gateId] });
    if (!removed) {
      const others = this.cachedSignOffs(state.root, version).filter((s) => s.gateId === gateId).map((s) => s.who);
      throw new UsageError(
        `${who} has no sign-off of "${gateId}" for ${version} to revoke${others.length ? ` (signed off by ${others.join(', ')})` : ''}.`,
        `Only the person who signed off revokes their sign-off; to remove another, edit ${SIGNOFF_FILE} and commit it.`,
      );
    }
  }

  /** Commits the sign-off file alone (the user's "Commit sign-off"); never pushes. */
  async commitSignOff(gateId: string, version: string): Promise<void> {
    const state = this.target();
    if (!state) return;
    const git = (args: string[]) => execGit(this.settings().gitPath ?? 'git', state.root, args);
    try {
      for (const args of signOffCommitArgs(version, gateId)) await git(args);
    } catch (e) {
      // Leaves the index as it was: the file stays changed, not staged.
      await git(['reset', '-q', '--', SIGNOFF_FILE]).catch(() => undefined);
      const why = e instanceof Error ? e.message : String(e);
      throw new UsageError(`The sign-off was not committed: ${why}`, `Fix what git reports (e.g. set user.name and user.email), then commit ${SIGNOFF_FILE} yourself or sign off again.`);
    }
    this.log.info(`sign-off committed: ${gateId} for ${version} (${SIGNOFF_FILE}); not pushed`);
  }

  /** The result of one gate of the target repository. */
  result(gateId: string): GateResult | undefined {
    const t = this.target();
    return t ? this.runs.get(t.root)?.results.get(gateId) : undefined;
  }

  /** Every result of the target (configured gates, not-run ones included) and the verdict, for the decision log. */
  snapshot(): { state: RepoState; results: GateResult[]; verdict: Verdict; signOffs: SignOff[] } | null {
    const state = this.target();
    if (!state?.config) return null;
    const run = this.runFor(state.root, state.notes?.version.next ?? null);
    const v = this.computeVerdict(state, run);
    const results = this.gates(state).map((g) => run.results.get(g.id) ?? v.blocking.find((b) => b.id === g.id)!).filter(Boolean);
    return { state, results, verdict: v, signOffs: state.notes?.version.next ? this.cachedSignOffs(state.root, state.notes.version.next) : [] };
  }

  /** The checklist state the webview renders (plain text only). */
  view(): ChecklistState {
    const state = this.target();
    const trusted = vscode.workspace.isTrusted;
    if (!state) return { repo: null, version: null, trusted, running: false, gates: [], verdict: null, notice: this.notice ?? 'Open a git repository to check its readiness.' };
    const version = state.notes?.version.next ?? null;
    const stored = this.runs.get(state.root);
    const run = stored?.version === version ? stored : undefined; // results of another version do not count
    const signOffs = version ? this.cachedSignOffs(state.root, version) : [];
    const gates: GateView[] = this.gates(state).map((g) => {
      const r = run?.results.get(g.id);
      const s = signOffs.filter((x) => x.gateId === g.id).sort((a, b) => b.when.localeCompare(a.when))[0];
      return {
        id: g.id,
        title: clip(g.title ?? g.id, 200),
        kind: g.kind,
        required: g.required,
        status: run?.running.has(g.id) ? 'running' : (r?.status ?? 'notRun'),
        reason: clip(r?.reason ?? (g.kind === 'command' ? 'Not run yet: it runs a command, so it waits for you (Re-run).' : 'Not run yet.'), 2000),
        fixLabel: r?.fix?.label ? clip(r.fix.label, 200) : undefined,
        canFix: Boolean(r?.fix?.action),
        ...(r?.fix?.action ? { fixAction: r.fix.action.kind } : {}),
        details: r?.details ? clip(r.details, 64 * 1024) : undefined,
        manual: g.kind === 'manual',
        signOff: s ? { who: clip(s.who, 200), when: s.when.slice(0, 40), note: clip(s.note ?? '', 500) } : undefined,
      };
    });
    const v = run?.verdict;
    return {
      repo: clip(state.name, 200),
      version: state.notes ? { current: state.notes.version.current, next: state.notes.version.next } : null,
      trusted,
      running: this.running,
      gates,
      verdict: v ? { decision: v.decision, summary: clip(v.summary, 2000) } : null,
      notice: this.notice ?? (state.configError ? `Config problem: ${clip(state.configError.problems[0] ?? '', 500)}` : null),
    };
  }

  dispose(): void {
    this.inflight?.abort();
    this.changed.dispose();
  }
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
