import * as vscode from 'vscode';
import { CONFIG_FILE } from './core/config';
import { checklistActions } from './vscode/checklist/actions';
import { ChecklistViewProvider } from './vscode/checklist/checklistView';
import { GateController } from './vscode/checklist/gateController';
import { copyNextVersionCommand } from './vscode/commands/copyNextVersion';
import { recordDecisionCommand, showChecklistCommand, validateGatesCommand } from './vscode/commands/gates';
import { draftNotesCommand, type DraftArgs } from './vscode/commands/draftNotes';
import { fixWarningCommand } from './vscode/commands/fixWarning';
import { openCommitCommand } from './vscode/commands/openCommit';
import { openConfigCommand } from './vscode/commands/openConfig';
import { inspectPublishCommand, publishReleaseCommand, resumePublishCommand, type PublishArgs } from './vscode/commands/publish';
import type { CommandContext } from './vscode/commandContext';
import { abortDeployCommand, approveDeployCommand, inspectDeployCommand, promoteDeployCommand, rejectDeployCommand, reportUnfinishedDeploys, resumeDeployCommand } from './vscode/deploy/controlCommands';
import { deployCommand } from './vscode/deploy/deployCommand';
import { rollBackCommand } from './vscode/deploy/rollBackCommand';
import { openRunLogsCommand, rerunFailedJobsCommand } from './vscode/deploy/runCommands';
import { DeployView } from './vscode/deployView';
import { GitHubConnector } from './vscode/github';
import { GitHubView } from './vscode/githubView';
import { ConfigDiagnostics } from './vscode/configDiagnostics';
import { COMMANDS, CONTEXT, VIEWS } from './vscode/ids';
import { createLog } from './vscode/log';
import { ReleaseModel } from './vscode/releaseModel';
import { RepositoryDiscovery } from './vscode/repositories';
import { registerCommand } from './vscode/runCommand';
import { readSettings } from './vscode/settings';
import { COMMIT_SCHEME, CommitDocumentProvider } from './vscode/views/commitDocument';
import { ReleaseTreeProvider, type Node } from './vscode/views/releaseTree';
import { DeployStatusBar } from './vscode/views/deployStatusBar';
import { ReleaseStatusBar } from './vscode/views/statusBar';
import { newSession } from './node/session';

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
  /** The status bar item of a running deploy. */
  deployStatusBar: DeployStatusBar;
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
  const gates = new GateController(model, context.workspaceState, settings, log, (root) => github.connect(root, { interactive: false }));
  const deployView = new DeployView(model, github, log);
  const tree = new ReleaseTreeProvider(model, gates, githubView, deployView);
  const ctx: CommandContext = { extensionUri: context.extensionUri, model, gates, github, githubView, deployView, log, session: newSession('editor'), settings };
  const publishDeps = { model, connector: github, view: githubView, log, gitPath: () => settings().gitPath };
  const statusBar = new ReleaseStatusBar(model, settings, () => gates.verdict);
  const deployStatusBar = new DeployStatusBar(deployView);
  const diagnostics = new ConfigDiagnostics(model);
  const checklist = new ChecklistViewProvider(context.extensionUri, gates, checklistActions(model, gates, log), log);
  const view = vscode.window.createTreeView(VIEWS.tree, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(log, discovery, model, github, githubView, deployView, gates, tree, statusBar, deployStatusBar, diagnostics, checklist, view);
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
    registerCommand(COMMANDS.draftNotes, (args) => draftNotesCommand(model, log, (args ?? {}) as DraftArgs, github), log),
    registerCommand(
      COMMANDS.draftReleaseNotesFor,
      (node) => {
        const n = node as Extract<Node, { kind: 'release' }> | undefined;
        return n ? draftNotesCommand(model, log, { root: n.root, to: n.release.tag }, github) : undefined;
      },
      log,
    ),
    registerCommand(COMMANDS.copyNextVersion, (node) => copyNextVersionCommand(model, node as { root?: string }), log),
    registerCommand(COMMANDS.refresh, () => vscode.window.withProgress({ location: { viewId: VIEWS.tree } }, () => model.refresh()), log),
    registerCommand(COMMANDS.showLog, () => log.show(true), log),
    registerCommand(COMMANDS.openConfig, (node) => openConfigCommand(model, node as { root?: string }), log),
    registerCommand(COMMANDS.openCommit, (root, hash) => openCommitCommand(root, hash), log),
    registerCommand(COMMANDS.validateGates, () => validateGatesCommand(gates), log),
    registerCommand(COMMANDS.recordDecision, (args) => recordDecisionCommand(model, gates, log, args as { why?: string; confirm?: boolean } | undefined), log),
    registerCommand(COMMANDS.showChecklist, () => showChecklistCommand(), log),
    registerCommand(
      COMMANDS.rerunGate,
      (node) => {
        const n = node as { result?: { id?: string } } | undefined;
        return typeof n?.result?.id === 'string' ? gates.run({ only: [n.result.id] }) : undefined;
      },
      log,
    ),
    registerCommand(COMMANDS.fixWarning, (node) => fixWarningCommand(node as Parameters<typeof fixWarningCommand>[0]), log),
    registerCommand(COMMANDS.publishRelease, (args) => publishReleaseCommand(publishDeps, (args ?? {}) as PublishArgs), log),
    registerCommand(COMMANDS.resumePublish, (node, args) => resumePublishCommand(publishDeps, node, (args ?? {}) as { confirm?: boolean }), log),
    registerCommand(COMMANDS.inspectPublish, (node) => inspectPublishCommand(publishDeps, node), log),
    registerCommand(COMMANDS.signIn, async (root) => {
      await model.settled();
      const target = typeof root === 'string' ? root : model.repositories[0]?.root;
      if (!target) return undefined;
      const login = await github.withApi(target, { interactive: true }, (api) => api.whoami());
      githubView.invalidate();
      void vscode.window.showInformationMessage(`Signed in to GitHub as ${login}.`);
      return login;
    }, log),
    registerCommand(COMMANDS.openOnGitHub, (url) => (typeof url === 'string' && /^https?:\/\//.test(url) ? vscode.env.openExternal(vscode.Uri.parse(url)) : undefined), log),
    registerCommand(COMMANDS.refreshGitHub, () => (githubView.invalidate(), deployView.invalidate()), log),
    registerCommand(COMMANDS.deploy, deployCommand(ctx), log),
    registerCommand(COMMANDS.rollBack, rollBackCommand(ctx), log),
    registerCommand(COMMANDS.promoteDeploy, promoteDeployCommand(ctx), log),
    registerCommand(COMMANDS.abortDeploy, abortDeployCommand(ctx), log),
    registerCommand(COMMANDS.approveDeploy, approveDeployCommand(ctx), log),
    registerCommand(COMMANDS.rejectDeploy, rejectDeployCommand(ctx), log),
    registerCommand(COMMANDS.resumeDeploy, resumeDeployCommand(ctx), log),
    registerCommand(COMMANDS.inspectDeploy, inspectDeployCommand(ctx), log),
    registerCommand(COMMANDS.openRunLogs, openRunLogsCommand(ctx), log),
    registerCommand(COMMANDS.rerunFailedJobs, rerunFailedJobsCommand(ctx), log),
  );

  // Event-driven refresh, debounced: repository state, the config file, refs, folders, trust, settings.
  const watcher = vscode.workspace.createFileSystemWatcher(`**/{${CONFIG_FILE},.git/HEAD,.git/packed-refs,.git/refs/**}`);
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
  if (vscode.workspace.isTrusted) setTimeout(() => void reportUnfinishedDeploys(ctx).catch((e: unknown) => log.warn(`unfinished deploys not checked: ${e instanceof Error ? e.message : String(e)}`)), 0);
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { settled: () => model.settled(), model, tree, gates, checklist, github, githubView, deployView, deployStatusBar, activationMs };
}

/** Nothing to tear down beyond the subscriptions. */
export function deactivate(): void {}
