/**
 * The feature-flag commands: Ramp Up (the configured ramp, or one percentage now), Kill Switch (a
 * native modal naming flag and environment, then one call), Open in Unleash, Set Unleash Token (into
 * SecretStorage, bound to the server) and Add Feature Flags to Config. The flows themselves are the
 * CLI's (src/node/flags.ts); these commands only ask, show progress and tell how it ended.
 * Ramp and kill refuse in Restricted Mode: the server they write to comes from the workspace's config.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, type ReleaseConfig } from '../../core/config';
import { TrustError, UsageError } from '../../core/errors';
import type { FlagJournal } from '../../core/flags/journal';
import { flagStagesAfter, type FlagsConfig } from '../../core/flags/schema';
import { decisionLogTarget, type DecisionLogTarget } from '../../node/deployFlow';
import { FileFlagJournalStore } from '../../node/flagJournal';
import type { FlagRolloutResult, KillResult } from '../../node/flags';
import { loadFlags } from '../../node/loadFlags';
import type { LocalGitRepo } from '../../git/gitRepo';
import type { CommandContext } from '../commandContext';
import { editorPrompter } from '../deploy/prompter';
import { flagArgsOf, flagsIn, flagsSection, percentProblem, progressLine, serverOf, type FlagArgs, type RolloutProgress } from '../flagsModel';
import { pickRepository } from '../pickRepository';
import { flagsExampleEdit } from '../flagsExample';

/** What the flag commands use of the command context. */
export type FlagContext = Pick<CommandContext, 'model' | 'flagsView' | 'log' | 'session'>;

/** Refuses in Restricted Mode: `what` sends the token to, and changes flags on, the server the workspace's config names. */
function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new TrustError(`${what} changes feature flags on the server named by this workspace's config and is disabled in Restricted Mode.`, 'Trust this workspace (Manage Workspace Trust), then try again (or use the provider\'s own UI).');
  }
}

/** The repository, its config with a `flags` section, and its git repository. */
async function flagsTarget(ctx: FlagContext, root: string | undefined): Promise<{ root: string; config: ReleaseConfig; flags: FlagsConfig; repo: LocalGitRepo } | undefined> {
  await ctx.model.settled();
  const state = await pickRepository(ctx.model, root);
  if (!state) return undefined;
  if (state.configError) throw state.configError;
  const config = state.config;
  if (!config) throw new UsageError(`The config of ${state.name} could not be read.`, 'Open the config and fix it.');
  const flags = loadFlags().requireFlagsConfig(config.flags);
  const repo = ctx.model.repo(state.root);
  if (!repo) throw new UsageError(`${state.root} is no longer a repository.`, 'Refresh the Release view.');
  return { root: state.root, config, flags, repo };
}

/** The flag and environment: given, else picked from those the config names. */
async function flagOf(config: ReleaseConfig, args: FlagArgs, title: string): Promise<{ flag: string; environment: string } | undefined> {
  if (args.flag !== undefined && args.environment !== undefined) return { flag: args.flag, environment: args.environment };
  const section = flagsSection(config, true);
  const envs = section.kind === 'configured' ? section.environments : [];
  const pairs = envs.flatMap((environment) => flagsIn(config, environment).map((flag) => ({ flag, environment }))).filter((p) => (args.flag === undefined || p.flag === args.flag) && (args.environment === undefined || p.environment === args.environment));
  if (pairs.length === 0) throw new UsageError('No feature flag is configured here.', 'Add a rollout to "flags.rollouts" (or a "flag" gate) in .release-manager.json.');
  if (pairs.length === 1 || args.confirm === false) return pairs[0];
  const pick = await vscode.window.showQuickPick(
    pairs.map((p) => ({ label: p.flag, description: p.environment, p })),
    { title, placeHolder: 'Which flag, in which environment?' },
  );
  return pick?.p;
}

function decisionLogOf(ctx: FlagContext, repo: LocalGitRepo, config: ReleaseConfig): DecisionLogTarget {
  return decisionLogTarget(repo, config, {
    onWritten: (path) => ctx.log.info(`recorded in the decision log: ${path}`),
    onError: (e) => void vscode.window.showWarningMessage(`The flag change was made, but the decision log could not be written: ${e instanceof Error ? e.message : String(e)}`),
  });
}

/**
 * The flag stages of a deploy plan, after the editor's Deploy… ended healthy: each rollout whose
 * `afterDeploy` is the environment runs as Ramp Up would (with the deploy's `confirm`); the first that
 * does not end done stops the rest. The results, in order (empty when there is none).
 */
export async function runDeployFlagStages(ctx: FlagContext, root: string, deployEnvironment: string, confirm: boolean): Promise<FlagRolloutResult[]> {
  const config = ctx.model.find(root)?.config;
  const out: FlagRolloutResult[] = [];
  for (const r of flagStagesAfter(config?.flags, deployEnvironment)) {
    ctx.log.info(`flag stage after the deploy to ${deployEnvironment}: ${r.flag} in ${r.environment}`);
    const result = await rampFlag(ctx, { root, flag: r.flag, environment: r.environment, confirm, ramp: true });
    if (!result) break;
    out.push(result);
    if (result.kind !== 'done') break;
  }
  return out;
}

/** Release: Ramp Up Flag — the configured ramp with progress (step ladder, health, hold countdown), or a percentage now. */
export function rampFlagCommand(ctx: FlagContext) {
  return async (arg?: unknown): Promise<FlagRolloutResult | undefined> => rampFlag(ctx, parseArgs(arg));
}

async function rampFlag(ctx: FlagContext, args: FlagArgs & { ramp?: boolean }): Promise<FlagRolloutResult | undefined> {
  requireTrust('Ramping a flag');
  const t = await flagsTarget(ctx, args.root);
  if (!t) return undefined;
  const which = await flagOf(t.config, args, 'Ramp Up: which flag?');
  if (!which) return undefined;
  const interactive = args.confirm !== false;
  const configured = t.flags.rollouts.find((r) => r.flag === which.flag && r.environment === which.environment);
  let to = args.to;
  if (to === undefined && interactive && !args.ramp) {
    const picked = await pickTarget(which.flag, which.environment, configured ? `${configured.steps.map((s) => `${s}%`).join(' → ')}, hold ${configured.hold}${configured.health.length ? `, health: ${configured.health.map((h) => h.id).join(', ')}` : ''}` : null);
    if (picked === undefined) return undefined;
    to = picked === 'ramp' ? undefined : picked;
  }
  const provider = await ctx.flagsView.provider(t.flags);
  const store = new FileFlagJournalStore(t.repo.gitCommonDir);
  const steps: { percent: number }[] = to !== undefined ? [{ percent: to }] : (configured?.steps ?? []).map((percent) => ({ percent }));
  const view = ctx.flagsView;
  const title = to !== undefined ? `${which.flag} → ${to}% in ${which.environment}` : `Ramping ${which.flag} in ${which.environment}`;
  const live = new LiveProgress(title);
  try {
    const result = await loadFlags().runFlagRollout(
      {
        flags: t.flags,
        provider,
        flag: which.flag,
        environment: which.environment,
        ...(to !== undefined ? { to } : {}),
        yes: !interactive,
        store,
        session: ctx.session,
        signal: live.signal,
        decisionLog: decisionLogOf(ctx, t.repo, t.config),
        onEvent: (j: FlagJournal, event: RolloutProgress) => {
          const ladder = j.steps.length > 0 ? j.steps : steps;
          const line = progressLine(event, ladder, Date.now());
          live.report(line, event.type === 'holding' ? (now) => progressLine(event, ladder, now) : undefined);
          view.setRunning(t.root, which.flag, which.environment, event.type === 'finished' ? undefined : line);
          if (event.type === 'set' || event.type === 'rolling-back') view.invalidate();
        },
      },
      editorPrompter(ctx.log, { interactive }),
    );
    tellRollout(ctx, which.flag, which.environment, result);
    return result;
  } finally {
    live.end();
    view.setRunning(t.root, which.flag, which.environment, undefined);
    view.invalidate();
  }
}

/** The QuickPick of Ramp Up: the configured ramp first (when there is one), then percentages to set now. */
async function pickTarget(flag: string, environment: string, ramp: string | null): Promise<'ramp' | number | undefined> {
  type Item = vscode.QuickPickItem & { value: 'ramp' | number | 'other' };
  const items: Item[] = [
    ...(ramp ? [{ label: '$(rocket) Run the configured ramp', description: ramp, value: 'ramp' as const }] : []),
    ...[0, 1, 5, 10, 25, 50, 100].map((p): Item => ({ label: `${p}%`, description: `set the rollout to ${p}% now (read back, no hold)`, value: p })),
    { label: 'Another percentage…', value: 'other' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Ramp Up ${flag} in ${environment}`, placeHolder: ramp ? 'Run the ramp, or set a percentage now' : 'No ramp is configured: set a percentage now' });
  if (!pick) return undefined;
  if (pick.value !== 'other') return pick.value;
  const typed = await vscode.window.showInputBox({ title: `Rollout of ${flag} in ${environment}`, prompt: 'Percentage of users (0–100)', validateInput: (v) => percentProblem(v) ?? undefined, ignoreFocusOut: true });
  return typed === undefined ? undefined : Number(typed.replace('%', '').trim());
}

function tellRollout(ctx: FlagContext, flag: string, environment: string, r: FlagRolloutResult): void {
  ctx.log.info(`flag rollout ${flag} in ${environment}: ${r.kind} — ${r.outcome}`);
  const text = `${flag} in ${environment}: ${r.outcome}`;
  if (r.kind === 'done' || r.kind === 'declined') void vscode.window.showInformationMessage(text);
  else if (r.kind === 'cancelled') void vscode.window.showInformationMessage(`${text} Ramp Up again resumes it from what the server shows.`);
  else void vscode.window.showWarningMessage(text);
}

/** Release: Kill Switch — a native modal naming flag and environment, then the flag off now (no gates), read back, recorded. */
export function killFlagCommand(ctx: FlagContext) {
  return async (arg?: unknown): Promise<KillResult | undefined> => {
    requireTrust('The kill switch');
    const args = parseArgs(arg);
    const t = await flagsTarget(ctx, args.root);
    if (!t) return undefined;
    const which = await flagOf(t.config, args, 'Kill Switch: which flag?');
    if (!which) return undefined;
    const provider = await ctx.flagsView.provider(t.flags);
    const prompter = editorPrompter(ctx.log, { interactive: args.confirm !== false });
    const result = await loadFlags().killFlag(
      {
        flags: t.flags,
        provider,
        flag: which.flag,
        environment: which.environment,
        yes: args.confirm === false,
        store: new FileFlagJournalStore(t.repo.gitCommonDir),
        decisionLog: decisionLogOf(ctx, t.repo, t.config),
      },
      {
        ...prompter,
        // The native modal names the flag, the environment and the server.
        confirm: async (c) => prompter.confirm({ ...c, detail: `${c.detail}\nServer: ${serverOf(t.flags.provider.url)}` }),
      },
    ).finally(() => ctx.flagsView.invalidate());
    if (result.kind === 'killed') void vscode.window.showInformationMessage(`${which.flag} is off in ${which.environment} (read back).${result.recordedIn ? ` Recorded in ${result.recordedIn}.` : ''}`);
    else if (result.kind === 'unknown') void vscode.window.showWarningMessage(`The kill switch for ${which.flag} in ${which.environment} was sent, but ${result.reason}. Check the flag in Unleash.`);
    ctx.log.info(`flag kill ${which.flag} in ${which.environment}: ${result.kind}`);
    return result;
  };
}

/** Release: Open in Unleash — the flag's page on the configured server, in the browser. */
export function openFlagInUnleashCommand(ctx: Pick<CommandContext, 'model'>) {
  return async (arg?: unknown): Promise<boolean> => {
    const args = parseArgs(arg);
    await ctx.model.settled();
    const state = await pickRepository(ctx.model, args.root);
    const flags = state?.config?.flags;
    if (!state || !flags) throw new UsageError('No "flags" section in the config.', 'Add one (Release: Add Feature Flags to Config).');
    if (args.flag === undefined || args.environment === undefined) throw new UsageError('Open in Unleash needs a flag of the Flags view.', 'Use the action on a flag row.');
    const url = flagPageUrl(flags, args.flag, args.environment);
    return vscode.env.openExternal(vscode.Uri.parse(url, true));
  };
}

/** The flag's page in Unleash's UI on the configured server (no token in it). */
export function flagPageUrl(flags: FlagsConfig, flag: string, environment: string): string {
  const base = flags.provider.url.replace(/\/+$/, '');
  return `${base}/projects/${encodeURIComponent(flags.provider.project)}/features/${encodeURIComponent(flag)}?environment=${encodeURIComponent(environment)}`;
}

/** Release: Set Unleash Token — a password input box; kept in SecretStorage for the configured server only, never shown or logged. */
export function setFlagTokenCommand(ctx: Pick<CommandContext, 'model' | 'flagsView' | 'log'>) {
  return async (arg?: unknown): Promise<boolean> => {
    const args = parseArgs(arg);
    await ctx.model.settled();
    const state = await pickRepository(ctx.model, args.root);
    if (!state) return false;
    if (state.configError) throw state.configError;
    const flags = loadFlags().requireFlagsConfig(state.config?.flags);
    const server = serverOf(flags.provider.url);
    const token = await vscode.window.showInputBox({
      title: `Unleash token for ${server}`,
      prompt: `An Unleash Admin API token or personal access token for ${flags.provider.url} (project ${flags.provider.project}). Kept in VS Code's secret storage for this server only; never written to a file.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Paste the token' : /\s/.test(v.trim()) ? 'A token has no spaces or line breaks' : undefined),
    });
    if (token === undefined) return false;
    await ctx.flagsView.storeToken(flags, token.trim());
    ctx.log.info(`Unleash token saved for ${server} (${flags.provider.tokenEnv})`);
    ctx.flagsView.invalidate();
    void vscode.window.showInformationMessage(`Unleash token saved for ${server}.`);
    return true;
  };
}

/** Release: Add Feature Flags to Config — inserts a `flags` example into .release-manager.json (as an unsaved edit to review). */
export function addFlagsConfigCommand(ctx: Pick<CommandContext, 'model'>) {
  return async (arg?: unknown): Promise<vscode.TextEditor | undefined> => {
    const args = parseArgs(arg);
    await ctx.model.settled();
    const state = await pickRepository(ctx.model, args.root);
    if (!state) return undefined;
    const uri = vscode.Uri.file(join(state.root, CONFIG_FILE));
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    const doc = exists ? await vscode.workspace.openTextDocument(uri) : await vscode.workspace.openTextDocument(uri.with({ scheme: 'untitled' }));
    const edit = flagsExampleEdit(doc.getText());
    if (edit === null) {
      void vscode.window.showInformationMessage(`${CONFIG_FILE} already has a "flags" section.`);
      return vscode.window.showTextDocument(doc);
    }
    const we = new vscode.WorkspaceEdit();
    we.replace(uri.with({ scheme: doc.uri.scheme }), new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), edit);
    await vscode.workspace.applyEdit(we);
    return vscode.window.showTextDocument(doc);
  };
}

function parseArgs(arg: unknown): FlagArgs {
  try {
    return flagArgsOf(arg);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), 'Pass { flag, environment, to } with to a whole percentage.');
  }
}

/**
 * A progress notification opened on the first event of a rollout (after its confirmation), cancellable,
 * and ticking once a second while a step holds (the hold's countdown).
 */
class LiveProgress {
  private readonly ctl = new AbortController();
  private reporter: vscode.Progress<{ message?: string }> | undefined;
  private last = '';
  private ticking: ((now: number) => string) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private finish: (() => void) | undefined;
  readonly signal = this.ctl.signal;

  constructor(private readonly title: string) {}

  report(line: string, tick?: (now: number) => string): void {
    this.last = line;
    this.ticking = tick;
    if (!this.finish) this.open();
    this.reporter?.report({ message: line });
    if (tick && !this.timer) {
      this.timer = setInterval(() => {
        if (this.ticking) this.reporter?.report({ message: this.ticking(Date.now()) });
      }, 1000);
    } else if (!tick && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private open(): void {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: this.title, cancellable: true }, async (progress, token) => {
      this.reporter = progress;
      progress.report({ message: this.last });
      const sub = token.onCancellationRequested(() => this.ctl.abort());
      try {
        await done;
      } finally {
        sub.dispose();
      }
    });
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.finish?.();
  }
}
