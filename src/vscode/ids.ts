/** Every command, view, container and context-key id of the extension, in one place (checked against package.json by a test). */
export const COMMANDS = {
  draftNotes: 'releaseManager.draftNotes',
  copyNextVersion: 'releaseManager.copyNextVersion',
  refresh: 'releaseManager.refresh',
  showLog: 'releaseManager.showLog',
  openConfig: 'releaseManager.openConfig',
  createConfig: 'releaseManager.createConfig',
  openCommit: 'releaseManager.openCommit',
  fixWarning: 'releaseManager.fixWarning',
  draftReleaseNotesFor: 'releaseManager.draftReleaseNotesFor',
  validateGates: 'releaseManager.validateGates',
  recordDecision: 'releaseManager.recordDecision',
  showChecklist: 'releaseManager.showChecklist',
  rerunGate: 'releaseManager.rerunGate',
  publishRelease: 'releaseManager.publishRelease',
  resumePublish: 'releaseManager.resumePublish',
  inspectPublish: 'releaseManager.inspectPublish',
  signIn: 'releaseManager.signInToGitHub',
  openOnGitHub: 'releaseManager.openOnGitHub',
  refreshGitHub: 'releaseManager.refreshGitHub',
  deploy: 'releaseManager.deploy',
  rollBack: 'releaseManager.rollBack',
  promoteDeploy: 'releaseManager.promoteDeploy',
  abortDeploy: 'releaseManager.abortDeploy',
  approveDeploy: 'releaseManager.approveDeploy',
  rejectDeploy: 'releaseManager.rejectDeploy',
  resumeDeploy: 'releaseManager.resumeDeploy',
  inspectDeploy: 'releaseManager.inspectDeploy',
  openRunLogs: 'releaseManager.openRunLogs',
  rerunFailedJobs: 'releaseManager.rerunFailedJobs',
  saveNotesToChangelog: 'releaseManager.saveNotesToChangelog',
  compareEnvironments: 'releaseManager.compareEnvironments',
  showMetrics: 'releaseManager.showMetrics',
  copyMetricsMarkdown: 'releaseManager.copyMetricsMarkdown',
  refreshMetrics: 'releaseManager.refreshMetrics',
  showCalendar: 'releaseManager.showCalendar',
  exportCalendar: 'releaseManager.exportCalendar',
  announce: 'releaseManager.announce',
  setChannelSecret: 'releaseManager.setChannelSecret',
  clearChannelSecret: 'releaseManager.clearChannelSecret',
  rampFlag: 'releaseManager.rampFlag',
  killFlag: 'releaseManager.killFlag',
  openFlagInUnleash: 'releaseManager.openFlagInUnleash',
  setFlagToken: 'releaseManager.setFlagToken',
  addFlagsConfig: 'releaseManager.addFlagsConfig',
} as const;

/** Commands that only make sense on a tree item: hidden from the command palette. */
export const TREE_ONLY_COMMANDS: readonly string[] = [COMMANDS.openCommit, COMMANDS.fixWarning, COMMANDS.draftReleaseNotesFor, COMMANDS.rerunGate, COMMANDS.openOnGitHub, COMMANDS.openRunLogs, COMMANDS.rerunFailedJobs, COMMANDS.openFlagInUnleash];

export const VIEW_CONTAINER = 'releaseManager';
export const VIEWS = {
  tree: 'releaseManager.tree',
  checklist: 'releaseManager.checklist',
} as const;

/** The view type of the Release Metrics webview panel (an editor panel, not a contributed view). */
export const METRICS_PANEL = 'releaseManager.metrics';
/** The view type of the Release Calendar webview panel. */
export const CALENDAR_PANEL = 'releaseManager.calendar';

/** Context keys set by the extension (for `when` clauses). */
export const CONTEXT = {
  state: 'releaseManager.state',
  /** The URIs of the open drafted notes documents (editor title: Save to CHANGELOG.md). */
  draftedNotes: 'releaseManager.draftedNotes',
  /** A running canary or blue-green of this window can be promoted. */
  canPromote: 'releaseManager.canPromote',
  /** A deploy or rollback is running (here or elsewhere). */
  canAbort: 'releaseManager.canAbort',
  /** A deploy waits for a review. */
  canReview: 'releaseManager.canReview',
  /** A deploy or rollback runs that this window does not drive. */
  canResumeDeploy: 'releaseManager.canResumeDeploy',
  /** A publish stopped before it finished. */
  canResumePublish: 'releaseManager.canResumePublish',
  /** A repository of the workspace has a `.release-manager.json` (the Get Started walkthrough's config step). */
  hasConfig: 'releaseManager.hasConfig',
  /** A GitHub (or GitHub Enterprise Server) session with the extension's scopes exists (walkthrough: sign in). */
  signedIn: 'releaseManager.signedIn',
  /** A repository's config names at least one deploy environment (walkthrough: configure an environment). */
  hasEnvironment: 'releaseManager.hasEnvironment',
  /** A deploy of a repository of the workspace finished healthy (walkthrough: first deploy). */
  deployed: 'releaseManager.deployed',
} as const;

/** The Get Started walkthrough (`contributes.walkthroughs`; opened as `<publisher>.<name>#<id>`). */
export const WALKTHROUGH = 'getStarted';

/** Values of `releaseManager.state`, which drives the welcome views. */
export type ViewState = 'loading' | 'noFolder' | 'noRepo' | 'noCommits' | 'ready';

/** `contextValue`s of tree items (menus match on them). */
export const ITEM = {
  repo: 'repo',
  version: 'version',
  reason: 'reason',
  section: 'section',
  commit: 'commit',
  releases: 'releases',
  release: 'release',
  warning: 'warning',
  warningFixable: 'warning.fixable',
  verdict: 'verdict',
  gate: 'gate',
  gateFailed: 'gate.failed',
  github: 'github',
  link: 'link',
  journal: 'journal',
  environments: 'environments',
  /** An environment with nothing running. */
  environment: 'environment',
  /** An environment with an operation running in this window. */
  environmentRunning: 'environment.running',
  /** An environment with a running canary or blue-green that may be promoted. */
  environmentPromotable: 'environment.promotable',
  deployJournal: 'deployJournal',
  deployReview: 'deployReview',
  /** The workflow run of an environment's deploy step (Open Run Logs). */
  deployRun: 'deployRun',
  /** A finished, failed workflow run of an environment's latest deploy (Open Run Logs, Re-run Failed Jobs). */
  deployRunFailed: 'deployRun.failed',
  /** A job of a deploy step's workflow run (Open Run Logs). */
  deployRunJob: 'deployRunJob',
  /** The Metrics row of a repository (Show Release Metrics, Refresh Metrics). */
  metrics: 'metrics',
  /** A target verdict under Metrics. */
  metricVerdict: 'metricVerdict',
  /** The announcements of a repository (per version, which notices went out and when). */
  announcements: 'announcements',
  /** One announced version under Announcements. */
  announcedVersion: 'announcedVersion',
  /** One journaled delivery (audience, stage, channel, when). */
  announcement: 'announcement',
  /** The Plan section of a repository (the release milestone; Refresh GitHub reads it again). */
  plan: 'plan',
  /** The Flags section of a repository (Set Unleash Token). */
  flags: 'flags',
  /** An environment of the flag provider. */
  flagEnvironment: 'flagEnvironment',
  /** A flag that is on (Ramp Up, Kill Switch, Open in Unleash). */
  flagOn: 'flag.on',
  /** A flag that is off (Ramp Up, Kill Switch, Open in Unleash). */
  flagOff: 'flag.off',
  /** A flag whose state could not be read (Kill Switch stays offered: it is the emergency switch). */
  flagUnknown: 'flag.unknown',
} as const;

export const OUTPUT_CHANNEL = 'Release Manager';

/** Scheme of the read-only compare documents (Release: Compare with…). */
export const COMPARE_SCHEME = 'release-manager-compare';
