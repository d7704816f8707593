import * as vscode from 'vscode';
import { runGates, verdict } from '../../core/gates/engine';
import type { SignOff } from '../../core/gates/context';
import type { GateConfig } from '../../core/gates/schema';
import type { GateResult, Verdict } from '../../core/gates/types';
import type { FlagsConfig } from '../../core/flags/schema';
import type { SecretSource } from '../../core/flags/ports';
import type { GitHubApi } from '../../core/githubApi';
import { UsageError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { SIGNOFF_FILE } from '../../core/gates/manual';
import { execGit } from '../../git/gitProcess';
import { createGateContext } from '../../node/gateContext';
import { recordSignOff, revokeSignOff as revokeRecordedSignOff, signOffCommitArgs, signOffsFor as readSignOffs } from '../../node/signOffFile';
import { changeBetween, Coalescer, EMPTY_GUIDANCE, emptyStateOf, rejudgePlan, staleReason, type EmptyState, type JudgeBasis } from '../../core/gates/freshness';
import type { ChecklistState, GateView, RiskView } from '../../shared/protocol';
import { answerGateId, answersFrom } from '../../core/risk/assess';
import { riskConfigOf } from '../../core/risk/schema';
import { riskPanelOf } from './riskPanel';
import { redactSecrets } from '../../core/secrets';
import { isExpected } from '../errorReport';
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
  /** What the last run was judged on (null before the first run). */
  basis: JudgeBasis | null;
  /** Command gates whose result predates a change, with the change: they count as not run until re-run. */
  stale: Map<string, string>;
}

/** Quiet period before gates are re-judged after the state they read changed (bursts coalesce into one run). */
export const REJUDGE_DELAY_MS = 500;

/** Runs the readiness gates of the first repository and holds their state for the checklist, tree and status bar. */
export class GateController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires whenever a gate starts or finishes, or sign-offs change. */
  readonly onDidChange = this.changed.event;
  private readonly runs = new Map<string, GateRun>();
  private inflight: AbortController | undefined;
  /** True while the run in flight is an automatic re-judge. */
  private inflightAuto = false;
  /** Resolves when the last started run has ended (a new run waits for it: never two runs of a gate at once). */
  private ended: Promise<void> = Promise.resolve();
  private notice: string | null = null;
  /** The sign-offs last read from the repository's sign-off file, per root (for the checklist rows and the decision log). */
  private readonly signOffCache = new Map<string, { version: string; signOffs: SignOff[] }>();
  /** The risk panel of each repository's version, from the last run that scored it (a string: why it could not be computed), and what it was judged on. */
  private readonly riskPanels = new Map<string, { version: string | null; view: RiskView | string; basis: string }>();
  private riskScorings = 0;
  /** Set once gates were asked for (checklist opened, validate, re-run): from then on every change re-judges them. */
  private judged = false;
  private readonly rejudge: Coalescer;
  private readonly modelSub: vscode.Disposable;

  constructor(
    private readonly model: ReleaseModel,
    private readonly memento: vscode.Memento,
    private readonly settings: () => Settings,
    private readonly log: Logger,
    /** Connects GitHub gates silently (no sign-in prompt from a gate run); absent: they are unknown. */
    private readonly github?: (root: string) => Promise<GitHubApi>,
    /** Where flag gates' provider token comes from (the flags view's SecretStorage); absent: flag gates are unknown. */
    private readonly flagSecrets?: (flags: FlagsConfig) => SecretSource,
  ) {
    // Sign-offs kept in this editor's workspace state by earlier versions are dropped, not migrated: nobody else
    // could see them, so a release must not pass on them. Said once in the log.
    const legacy = this.memento.get<Record<string, Record<string, SignOff[]>>>(LEGACY_STORE_KEY);
    if (legacy !== undefined) {
      const n = Object.values(legacy).flatMap((byVersion) => Object.values(byVersion ?? {})).flat().length;
      if (n > 0) this.log.info(`${n} sign-off(s) kept only in this editor by an earlier version were dropped: sign off again (sign-offs now live in ${SIGNOFF_FILE}, shared through git).`);
      void this.memento.update(LEGACY_STORE_KEY, undefined);
    }
    this.rejudge = new Coalescer(() => this.autoRun(), REJUDGE_DELAY_MS, (e) => this.log.error(`gates not re-judged: ${redactSecrets(e instanceof Error ? e.message : String(e))}`));
    // Every refresh, changed or not: a gate may read what the model does not (the working tree, the index).
    this.modelSub = model.onDidRefresh(() => {
      this.changed.fire(); // the empty state and the version show at once; the verdict follows the re-judge
      if (this.judged) this.rejudge.request();
    });
  }

  /** Nothing to judge (no folder, no repository, no commits): the views show guidance instead of a verdict. */
  emptyState(): EmptyState | null {
    const t = this.target();
    return emptyStateOf({ folders: vscode.workspace.workspaceFolders?.length ?? 0, repository: t ? { errorCode: t.error && 'code' in t.error ? String(t.error.code) : null } : undefined });
  }

  /** True when no automatic re-judge is waiting or running (for tests). */
  get current(): boolean {
    return this.rejudge.idle && !this.inflightAuto;
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
    return t && !this.emptyState() ? (this.runs.get(t.root)?.verdict ?? null) : null;
  }

  /** The last verdict of a repository (for the tree). */
  verdictFor(root: string): Verdict | null {
    const t = this.target();
    return t?.root === root && !this.emptyState() ? (this.runs.get(root)?.verdict ?? null) : null;
  }

  /** How many runs scored the risk (git diffs, GitHub calls): for tests. */
  get riskReads(): number {
    return this.riskScorings;
  }

  /** True while gates run. */
  get running(): boolean {
    return this.inflight !== undefined;
  }

  /**
   * Runs the gates (all, or `only`). Command gates spawn only in a trusted workspace; with `includeCommands`
   * false (the automatic run when the checklist opens) they are left "not run" and keep the verdict NO-GO.
   */
  async run(options: { only?: string[]; includeCommands?: boolean; token?: vscode.CancellationToken; risk?: boolean } = {}): Promise<Verdict | null> {
    return this.start({ ...options, auto: false });
  }

  /**
   * `risk`: score the risk panel even when no `risk` gate runs (an answer to a business-risk question). Else it
   * is scored by a run of every gate, a run that includes a `risk` gate, or an automatic re-judge after the
   * commit, version or config changed; any other run (one gate re-run, a sign-off) keeps the last panel.
   */
  private async start(options: { only?: string[]; includeCommands?: boolean; token?: vscode.CancellationToken; auto: boolean; risk?: boolean }): Promise<Verdict | null> {
    this.judged = true;
    await this.model.settled();
    const state = this.target();
    if (this.emptyState() || !state?.config) {
      // Guidance, not a verdict: nothing runs in an empty repository, a folder without git, or with a broken config.
      this.notice = null;
      this.changed.fire();
      return null;
    }
    if (options.auto && this.inflight && !this.inflightAuto) {
      // Never cut short what a person asked for (a sign-off, Re-run): re-judge after it instead.
      this.rejudge.request();
      return null;
    }
    const interrupted = this.inflight !== undefined && this.inflightAuto;
    this.inflight?.abort();
    const ctl = new AbortController();
    this.inflight = ctl;
    this.inflightAuto = options.auto;
    const previous = this.ended;
    let end!: () => void;
    this.ended = new Promise((resolve) => (end = resolve));
    await previous; // the run this one replaces has stopped its gates
    if (interrupted) this.rejudge.request(); // the automatic re-judge this run cut short comes again
    const all = this.gates(state);
    const version = state.notes?.version.next ?? null;
    const run = this.runFor(state.root, version);
    if (ctl.signal.aborted) {
      end();
      return run.verdict;
    }
    const sub = options.token?.onCancellationRequested(() => ctl.abort());
    const basis = basisOf(state);
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
        ...(this.flagSecrets && state.config.flags ? { flagSecrets: this.flagSecrets(state.config.flags) } : {}),
        ...(vscode.workspace.isTrusted ? {} : { flagsBlockedReason: 'requires trust: the flag server and its token come from this workspace\'s config' }),
      });
      // The risk panel, shared with the risk gate (the context computes it once per run). Scoring costs git diffs
      // and GitHub calls: only when the run judges the whole state or a risk gate, else the last panel stays.
      const basisKey = JSON.stringify(basis);
      const shown = this.riskPanels.get(state.root);
      const scoreRisk =
        options.risk === true || !options.only || selected.some((g) => g.kind === 'risk') || (options.auto && (shown === undefined || shown.version !== version || shown.basis !== basisKey));
      if (scoreRisk && ctx.risk) this.riskScorings++;
      const riskRead = (scoreRisk ? ctx.risk : undefined)?.(ctl.signal).then(
        async (facts) => {
          if (ctl.signal.aborted) return;
          const answers = answersFrom(version ? await this.signOffsFor(state.root, version) : []);
          this.riskPanels.set(state.root, { version, view: riskPanelOf(facts.assessment, riskConfigOf(state.config!), answers), basis: basisKey });
          this.changed.fire();
        },
        (e: unknown) => {
          if (ctl.signal.aborted) return;
          this.riskPanels.set(state.root, { version, view: `The risk could not be computed: ${redactSecrets(e instanceof Error ? e.message : String(e)).slice(0, 500)}`, basis: basisKey });
          this.changed.fire();
        },
      );
      await runGates(selected, ctx, {
        concurrency: state.config.gateConcurrency,
        signal: ctl.signal,
        only: selected.map((g) => g.id),
        onResult: (r) => {
          if (ctl.signal.aborted && this.inflight !== ctl && this.inflight !== undefined) return; // replaced: its results are not current
          run.results.set(r.id, r);
          run.stale.delete(r.id);
          run.running.delete(r.id);
          this.changed.fire();
        },
      });
      await riskRead;
      // A run of every gate but command gates judges the new state; one gate (a sign-off, Re-run Gate) does not.
      if (!ctl.signal.aborted && (options.auto || !options.only)) run.basis = basis;
    } catch (e) {
      // An expected refusal (config, git state, sign-in) is a warning without a stack; a fault is an error.
      (isExpected(e) ? this.log.warn : this.log.error).call(this.log, `gates failed to run: ${redactSecrets(e instanceof Error ? e.message : String(e))}`);
      this.notice = `Gates could not run: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      sub?.dispose();
      for (const g of selected) run.running.delete(g.id);
      if (this.inflight === ctl) {
        this.inflight = undefined;
        this.inflightAuto = false;
      }
      run.verdict = this.computeVerdict(state, run);
      end();
      this.changed.fire();
    }
    return run.verdict;
  }

  /**
   * The automatic re-judge after a change: every gate but command gates runs again; a command gate judged
   * before the change is marked stale (not passing) until a person re-runs it.
   */
  private async autoRun(): Promise<void> {
    await this.model.settled();
    const state = this.target();
    if (!state?.config || this.emptyState()) {
      this.changed.fire();
      return;
    }
    const run = this.runFor(state.root, state.notes?.version.next ?? null);
    const change = run.basis ? changeBetween(run.basis, basisOf(state)) : null;
    const plan = rejudgePlan(this.gates(state), new Set(run.results.keys()), change);
    for (const id of plan.stale) if (change) run.stale.set(id, change);
    if (plan.run.length === 0) {
      run.verdict = this.computeVerdict(state, run);
      this.changed.fire();
      return;
    }
    await this.start({ only: plan.run, includeCommands: false, auto: true });
  }

  /** Cancels the run in progress (running gates end "skipped", their processes are killed). */
  cancel(): void {
    this.inflight?.abort();
  }

  private runFor(root: string, version: string | null): GateRun {
    let run = this.runs.get(root);
    if (!run || run.version !== version) {
      run = { results: new Map(), running: new Set(), verdict: null, version, basis: null, stale: new Map() };
      this.runs.set(root, run);
    }
    return run;
  }

  /** The verdict over every configured gate: a gate that has not run counts as not passing (fail closed). */
  private computeVerdict(state: RepoState, run: GateRun): Verdict {
    const results = this.gates(state).map(
      (g): GateResult =>
        staleResult(g, run) ??
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
    if (!gate || (gate.kind !== 'manual' && gate.kind !== 'risk')) throw new UsageError(`No manual gate "${gateId}".`, 'Refresh the checklist: the gates come from the release configuration.');
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

  /** Records `who`'s answer to a business-risk question for the next version (a sign-off `risk:<id>`), then re-scores the risk. */
  async answerRisk(questionId: string, answer: 'yes' | 'no', who: string): Promise<string> {
    const state = this.target();
    const version = state?.notes?.version.next;
    if (!state?.config || !version) throw new UsageError('There is no next version to answer for.', 'Open a repository with unreleased changes and a readable release configuration.');
    if (!riskConfigOf(state.config).questions.some((q) => q.id === questionId)) throw new UsageError(`No business-risk question "${questionId}".`, 'Refresh the checklist: the questions come from risk.questions in the release configuration.');
    if (!vscode.workspace.isTrusted) throw new UsageError(`Answering writes ${SIGNOFF_FILE} in the repository and is disabled in Restricted Mode.`, 'Trust this workspace (Manage Workspace Trust), then answer.');
    const head = await this.model.repo(state.root)?.head().catch(() => undefined);
    await recordSignOff(state.root, { version, gateId: answerGateId(questionId), who, when: new Date().toISOString(), note: answer, ...(head?.hash ? { commit: head.hash } : {}) });
    this.log.info(`risk answer recorded in ${SIGNOFF_FILE}: ${questionId}=${answer} for ${version} by ${who}`);
    await this.run({ only: this.gates(state).filter((g) => g.kind === 'risk').map((g) => g.id), risk: true });
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
    const empty = this.emptyState();
    if (!state || empty) return { repo: state ? clip(state.name, 200) : null, version: null, trusted, running: false, gates: [], verdict: null, notice: EMPTY_GUIDANCE[empty ?? 'noRepo'], empty: empty ?? 'noRepo' };
    const version = state.notes?.version.next ?? null;
    const stored = this.runs.get(state.root);
    const run = stored?.version === version ? stored : undefined; // results of another version do not count
    const signOffs = version ? this.cachedSignOffs(state.root, version) : [];
    const gates: GateView[] = this.gates(state).map((g) => {
      const r = (run && staleResult(g, run)) ?? run?.results.get(g.id);
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
        manual: g.kind === 'manual' || g.kind === 'risk',
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
      ...(this.riskPanels.get(state.root)?.version === version ? { risk: this.riskPanels.get(state.root)!.view } : {}),
    };
  }

  dispose(): void {
    this.rejudge.dispose();
    this.modelSub.dispose();
    this.inflight?.abort();
    this.changed.dispose();
  }
}

/** What the gates of a repository state read, as a comparable value. */
function basisOf(state: RepoState): JudgeBasis {
  return { head: state.notes?.range.toHash ?? null, version: state.notes?.version.next ?? null, config: JSON.stringify(state.config) };
}

/** A stale command gate's result: not run since a change (fail closed when required). */
function staleResult(g: GateConfig, run: GateRun): GateResult | undefined {
  const change = run.stale.get(g.id);
  if (change === undefined) return undefined;
  return { id: g.id, title: g.title ?? g.id, kind: g.kind, required: g.required, status: 'skipped', reason: staleReason(change), durationMs: 0 };
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
