import * as vscode from 'vscode';
import { runGates, verdict } from '../../core/gates/engine';
import type { SignOff } from '../../core/gates/context';
import type { GateConfig } from '../../core/gates/schema';
import type { GateResult, Verdict } from '../../core/gates/types';
import type { GitHubApi } from '../../core/githubApi';
import { UsageError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { createGateContext } from '../../node/gateContext';
import type { ChecklistState, GateView } from '../../shared/protocol';
import { redactSecrets } from '../../core/secrets';
import { isExpected } from '../errorReport';
import type { ReleaseModel, RepoState } from '../releaseModel';
import type { Settings } from '../settings';

/** Sign-offs per repository root, per release version (kept in the workspace state, never in settings). */
type SignOffStore = Record<string, Record<string, SignOff[]>>;
const STORE_KEY = 'releaseManager.signOffs';

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

  constructor(
    private readonly model: ReleaseModel,
    private readonly memento: vscode.Memento,
    private readonly settings: () => Settings,
    private readonly log: Logger,
    /** Connects GitHub gates silently (no sign-in prompt from a gate run); absent: they are unknown. */
    private readonly github?: (root: string) => Promise<GitHubApi>,
  ) {}

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
        signOffs: async (v) => this.signOffsFor(state.root, v),
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
      // An expected refusal (config, git state, sign-in) is a warning without a stack; a fault is an error.
      (isExpected(e) ? this.log.warn : this.log.error).call(this.log, `gates failed to run: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
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

  /** Sign-offs of a version in a repository. */
  signOffsFor(root: string, version: string): SignOff[] {
    return this.memento.get<SignOffStore>(STORE_KEY, {})[root]?.[version] ?? [];
  }

  /** Records (or replaces) the sign-off of a manual gate for the next version, then re-checks that gate. */
  async signOff(gateId: string, note: string, who: string): Promise<void> {
    const state = this.target();
    const version = state?.notes?.version.next;
    if (!state || !version) throw new UsageError('There is no next version to sign off.', 'Open a repository with unreleased changes and a readable release configuration, then sign off.');
    const gate = this.gates(state).find((g) => g.id === gateId);
    if (!gate || gate.kind !== 'manual') throw new UsageError(`No manual gate "${gateId}".`, 'Refresh the checklist: the gates come from the release configuration.');
    const store = { ...this.memento.get<SignOffStore>(STORE_KEY, {}) };
    const byVersion = { ...(store[state.root] ?? {}) };
    byVersion[version] = [...(byVersion[version] ?? []).filter((s) => s.gateId !== gateId), { gateId, who, when: new Date().toISOString(), note: note.trim() || undefined }];
    store[state.root] = byVersion;
    await this.memento.update(STORE_KEY, store);
    this.log.info(`sign-off recorded: ${gateId} for ${version} by ${who}`);
    await this.run({ only: [gateId] });
  }

  /** Removes the sign-off of a manual gate for the next version, then re-checks that gate. */
  async revokeSignOff(gateId: string): Promise<void> {
    const state = this.target();
    const version = state?.notes?.version.next;
    if (!state || !version) return;
    const store = { ...this.memento.get<SignOffStore>(STORE_KEY, {}) };
    const byVersion = { ...(store[state.root] ?? {}) };
    byVersion[version] = (byVersion[version] ?? []).filter((s) => s.gateId !== gateId);
    store[state.root] = byVersion;
    await this.memento.update(STORE_KEY, store);
    await this.run({ only: [gateId] });
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
    return { state, results, verdict: v, signOffs: state.notes?.version.next ? this.signOffsFor(state.root, state.notes.version.next) : [] };
  }

  /** The checklist state the webview renders (plain text only). */
  view(): ChecklistState {
    const state = this.target();
    const trusted = vscode.workspace.isTrusted;
    if (!state) return { repo: null, version: null, trusted, running: false, gates: [], verdict: null, notice: this.notice ?? 'Open a git repository to check its readiness.' };
    const version = state.notes?.version.next ?? null;
    const stored = this.runs.get(state.root);
    const run = stored?.version === version ? stored : undefined; // results of another version do not count
    const signOffs = version ? this.signOffsFor(state.root, version) : [];
    const gates: GateView[] = this.gates(state).map((g) => {
      const r = run?.results.get(g.id);
      const s = signOffs.find((x) => x.gateId === g.id);
      return {
        id: g.id,
        title: clip(g.title ?? g.id, 200),
        kind: g.kind,
        required: g.required,
        status: run?.running.has(g.id) ? 'running' : (r?.status ?? 'notRun'),
        reason: clip(r?.reason ?? (g.kind === 'command' ? 'Not run yet: it runs a command, so it waits for you (Re-run).' : 'Not run yet.'), 2000),
        fixLabel: r?.fix?.label ? clip(r.fix.label, 200) : undefined,
        canFix: Boolean(r?.fix?.action),
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
