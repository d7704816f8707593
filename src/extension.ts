import * as vscode from 'vscode';
import { CONFIG_FILE } from './core/config';
import { loadCalendar } from './node/loadCalendar';
import { loadMetrics } from './node/loadMetrics';
import { newSession } from './node/session';
import { checklistActions } from './vscode/checklist/actions';
import { ChecklistViewProvider } from './vscode/checklist/checklistView';
import { GateController } from './vscode/checklist/gateController';
import type { CommandContext, CommandFactory } from './vscode/commandContext';
import { AnnounceHistory } from './vscode/announce/history';
import { copyNextVersionCommand } from './vscode/commands/copyNextVersion';
import { draftNotesCommand, draftReleaseNotesForCommand, trackDraftedNotes } from './vscode/commands/draftNotes';
import { fixWarningCommand } from './vscode/commands/fixWarning';
import { recordDecisionCommand, rerunGateCommand, showChecklistCommand, validateGatesCommand } from './vscode/commands/gates';
import { openCommitCommand } from './vscode/commands/openCommit';
import { openConfigCommand } from './vscode/commands/openConfig';
import { openOnGitHubCommand } from './vscode/commands/openOnGitHub';
import { refreshCommand } from './vscode/commands/refresh';
import { refreshGitHubCommand } from './vscode/commands/refreshGitHub';
import { saveNotesToChangelogCommand } from './vscode/commands/saveToChangelog';
import { showLogCommand } from './vscode/commands/showLog';
import { signInCommand } from './vscode/commands/signIn';
import { copyMetricsMarkdownCommand, refreshMetricsCommand, showMetricsCommand } from './vscode/commands/metrics';
import { showCalendarCommand } from './vscode/commands/calendar';
import { CalendarPanel } from './vscode/calendar/calendarPanel';
import { CalendarService } from './vscode/calendar/calendarService';
import { ConfigDiagnostics } from './vscode/configDiagnostics';
import { trackControlContext } from './vscode/controlContext';
import { DeployView } from './vscode/deployView';
import { FlagsView } from './vscode/flagsView';
import { GitHubConnector } from './vscode/github';
import { GitHubView } from './vscode/githubView';
import { COMMANDS, COMPARE_SCHEME, CONTEXT, VIEWS } from './vscode/ids';
import { lazyCommand, lazyCompareDocuments, loadCommands } from './vscode/loadCommands';
import { createLog } from './vscode/log';
import { MetricsPanel } from './vscode/metrics/metricsPanel';
import { MetricsService } from './vscode/metrics/metricsService';
import { loadPlan } from './node/loadPlan';
import { PlanService } from './vscode/plan/planService';
import { ReleaseModel } from './vscode/releaseModel';
import { RepositoryDiscovery } from './vscode/repositories';
import { registerCommand, reportError } from './vscode/runCommand';
import { readSettings } from './vscode/settings';
import { COMMIT_SCHEME, CommitDocumentProvider } from './vscode/views/commitDocument';
import { DeployStatusBar } from './vscode/views/deployStatusBar';
import { ReleaseTreeProvider } from './vscode/views/tree/provider';
import { ReleaseStatusBar } from './vscode/views/statusBar';
import { WalkthroughContext } from './vscode/walkthroughContext';

/** What activate returns: a small API for tests and other extensions (read-only). */
export interface ReleaseManagerApi {
  /** Resolves when the state is current (after the refresh in flight, if any). */
  settled(): Promise<void>;
  /** The model behind the views. */
  model: ReleaseModel;
  /** The tree provider (tests read what users see through it). */
  tree: ReleaseTreeProvider;
  /** The readiness gates. */
  gates: GateController;
  /** The checklist webview provider. */
  checklist: ChecklistViewProvider;
  /** GitHub connections (sign-in, repository, API). */
  github: GitHubConnector;
  /** What the tree shows of GitHub. */
  githubView: GitHubView;
  /** What the tree shows of environments and deploys. */
  deployView: DeployView;
  /** What the tree shows of feature flags (and the Unleash token in SecretStorage). */
  flagsView: FlagsView;
  /** The release status bar item (version, changes, verdict or guidance). */
  statusBar: ReleaseStatusBar;
  /** The status bar item of a running deploy. */
  deployStatusBar: DeployStatusBar;
  /** Release metrics (the tree's Metrics rows read it). */
  metrics: MetricsService;
  /** The Release Metrics webview panel. */
  metricsPanel: MetricsPanel;
  /** The Release Calendar webview panel. */
  calendarPanel: CalendarPanel;
  /** The release plans (the tree's Plan rows read them). */
  plans: PlanService;
  /** The context keys the Get Started walkthrough completes on (config, sign-in, environment, deploy). */
  walkthrough: WalkthroughContext;
  /** How long activate() took, in milliseconds (the benchmark reports it). */
  activationMs: number;
}

/** The one composition root: builds every service by hand and registers each disposable. */
export function activate(context: vscode.ExtensionContext): ReleaseManagerApi {
  const started = performance.now();
  const log = createLog();
  const settings = readSettings;
  const discovery = new RepositoryDiscovery(log);
  const model = new ReleaseModel(discovery, settings, log);
  const github = new GitHubConnector(model, context.workspaceState, log);
  const githubView = new GitHubView(model, github, log);
  const flagsView = new FlagsView(model, context.secrets, log);
  const gates = new GateController(model, context.workspaceState, settings, log, (root) => github.connect(root, { interactive: false }), (flags) => flagsView.secretSource(flags));
  const deployView = new DeployView(model, github, log);
  const metrics = new MetricsService(model, github, (input) => loadMetrics().collectMetrics(input), log);
  const metricsPanel = new MetricsPanel(context.extensionUri, model, metrics, log, (source, e) => reportError(source, e, log));
  const calendar = new CalendarService(model, github, (input) => loadCalendar().collectCalendar(input), log);
  const calendarPanel = new CalendarPanel(context.extensionUri, model, calendar, log, (source, e) => reportError(source, e, log), (root) => Promise.resolve(vscode.commands.executeCommand(COMMANDS.exportCalendar, { root })));
  const announcements = new AnnounceHistory(model, log);
  const plans = new PlanService(model, github, (input) => loadPlan().collectPlan(input), log);
  const tree = new ReleaseTreeProvider(model, gates, githubView, deployView, metrics, announcements, flagsView, plans);
  const statusBar = new ReleaseStatusBar(model, settings, () => gates.verdict);
  const deployStatusBar = new DeployStatusBar(deployView);
  const diagnostics = new ConfigDiagnostics(model);
  const checklist = new ChecklistViewProvider(context.extensionUri, gates, checklistActions(model, gates, log), log, (source, e) => reportError(source, e, log));
  const view = vscode.window.createTreeView(VIEWS.tree, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(log, discovery, model, github, githubView, deployView, metrics, metricsPanel, calendarPanel, gates, announcements, flagsView, plans, tree, statusBar, deployStatusBar, diagnostics, checklist, view);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(VIEWS.checklist, checklist, { webviewOptions: { retainContextWhenHidden: false } }),
    gates.onDidChange(() => statusBar.update()),
  );

  const setState = () => void vscode.commands.executeCommand('setContext', CONTEXT.state, model.viewState);
  setState();
  context.subscriptions.push(
    model.onDidChange(() => {
      setState();
      const next = model.repositories.find((r) => r.notes)?.notes?.version.next;
      view.description = next ? `next ${next}` : undefined;
    }),
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, new CommitDocumentProvider(model)),
    vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, lazyCompareDocuments()),
    trackControlContext(model, deployView, githubView, log),
  );
  const walkthrough = new WalkthroughContext(model, githubView, deployView, log);
  context.subscriptions.push(walkthrough);

  const ctx: CommandContext = { extensionUri: context.extensionUri, model, gates, github, githubView, deployView, metrics, metricsPanel, calendar, calendarPanel, flagsView, plans, log, session: newSession('editor'), settings, secrets: context.secrets, announcements };
  for (const [id, factory] of commandTable()) context.subscriptions.push(registerCommand(id, factory(ctx), log));
  context.subscriptions.push(trackDraftedNotes());

  // Event-driven refresh, debounced: repository state (HEAD, refs, the index, the repository's config), the config file,
  // folders, trust, settings. Every refresh re-judges gates that were judged before (see GateController).
  const watcher = vscode.workspace.createFileSystemWatcher(`**/{${CONFIG_FILE},.git/HEAD,.git/index,.git/config,.git/packed-refs,.git/refs/**}`);
  context.subscriptions.push(
    watcher,
    watcher.onDidChange(() => model.schedule()),
    watcher.onDidCreate(() => model.schedule()),
    watcher.onDidDelete(() => model.schedule()),
    discovery.onDidChange(() => model.schedule()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => model.schedule()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.schedule()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('releaseManager')) return;
      statusBar.update();
      model.schedule();
    }),
  );
  // The first load runs after activation returns: activation itself stays cheap.
  setTimeout(() => void vscode.window.withProgress({ location: { viewId: VIEWS.tree } }, () => model.refresh()), 0);
  // Deploys a crash or a closed window left unfinished are reported once (trusted: they can be resumed here).
  if (vscode.workspace.isTrusted) setTimeout(() => void model.settled().then(() => loadCommands().reportUnfinishedDeploys(ctx)).catch((e: unknown) => log.warn(`unfinished deploys not checked: ${e instanceof Error ? e.message : String(e)}`)), 0);
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { settled: () => model.settled(), model, tree, gates, checklist, github, githubView, deployView, statusBar, deployStatusBar, metrics, metricsPanel, calendarPanel, flagsView, plans, walkthrough, activationMs };
}

/** Every command of the extension and the factory of its handler (registered in one loop behind the error funnel). */
function commandTable(): [string, CommandFactory][] {
  return [
    [COMMANDS.draftNotes, draftNotesCommand],
    [COMMANDS.draftReleaseNotesFor, draftReleaseNotesForCommand],
    [COMMANDS.copyNextVersion, copyNextVersionCommand],
    [COMMANDS.refresh, refreshCommand],
    [COMMANDS.showLog, showLogCommand],
    [COMMANDS.openConfig, openConfigCommand],
    [COMMANDS.createConfig, lazyCommand((b) => b.createConfigCommand)],
    [COMMANDS.openCommit, openCommitCommand],
    [COMMANDS.validateGates, validateGatesCommand],
    [COMMANDS.recordDecision, recordDecisionCommand],
    [COMMANDS.showChecklist, showChecklistCommand],
    [COMMANDS.rerunGate, rerunGateCommand],
    [COMMANDS.fixWarning, fixWarningCommand],
    [COMMANDS.publishRelease, lazyCommand((b) => b.publishReleaseCommand)],
    [COMMANDS.resumePublish, lazyCommand((b) => b.resumePublishCommand)],
    [COMMANDS.inspectPublish, lazyCommand((b) => b.inspectPublishCommand)],
    [COMMANDS.signIn, signInCommand],
    [COMMANDS.openOnGitHub, openOnGitHubCommand],
    [COMMANDS.refreshGitHub, refreshGitHubCommand],
    [COMMANDS.deploy, lazyCommand((b) => b.deployCommand)],
    [COMMANDS.rollBack, lazyCommand((b) => b.rollBackCommand)],
    [COMMANDS.promoteDeploy, lazyCommand((b) => b.promoteDeployCommand)],
    [COMMANDS.abortDeploy, lazyCommand((b) => b.abortDeployCommand)],
    [COMMANDS.approveDeploy, lazyCommand((b) => b.approveDeployCommand)],
    [COMMANDS.rejectDeploy, lazyCommand((b) => b.rejectDeployCommand)],
    [COMMANDS.resumeDeploy, lazyCommand((b) => b.resumeDeployCommand)],
    [COMMANDS.inspectDeploy, lazyCommand((b) => b.inspectDeployCommand)],
    [COMMANDS.openRunLogs, lazyCommand((b) => b.openRunLogsCommand)],
    [COMMANDS.rerunFailedJobs, lazyCommand((b) => b.rerunFailedJobsCommand)],
    [COMMANDS.saveNotesToChangelog, saveNotesToChangelogCommand],
    [COMMANDS.compareEnvironments, lazyCommand((b) => b.compareEnvironmentsCommand)],
    [COMMANDS.showMetrics, showMetricsCommand],
    [COMMANDS.copyMetricsMarkdown, copyMetricsMarkdownCommand],
    [COMMANDS.refreshMetrics, refreshMetricsCommand],
    [COMMANDS.showCalendar, showCalendarCommand],
    [COMMANDS.exportCalendar, lazyCommand((b) => b.exportCalendarCommand)],
    [COMMANDS.announce, lazyCommand((b) => b.announceCommand)],
    [COMMANDS.setChannelSecret, lazyCommand((b) => b.setChannelSecretCommand)],
    [COMMANDS.clearChannelSecret, lazyCommand((b) => b.clearChannelSecretCommand)],
    [COMMANDS.rampFlag, lazyCommand((b) => b.rampFlagCommand)],
    [COMMANDS.killFlag, lazyCommand((b) => b.killFlagCommand)],
    [COMMANDS.openFlagInUnleash, lazyCommand((b) => b.openFlagInUnleashCommand)],
    [COMMANDS.setFlagToken, lazyCommand((b) => b.setFlagTokenCommand)],
    [COMMANDS.addFlagsConfig, lazyCommand((b) => b.addFlagsConfigCommand)],
  ];
}


/** Nothing to tear down beyond the subscriptions. */
export function deactivate(): void {}
