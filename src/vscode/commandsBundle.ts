// The editor's bundle of commands that act (dist/commands.js), loaded on first use through loadCommands()
// (src/vscode/loadCommands.ts): deploy, rollback and their controls, compare, publish, announce (session and preview),
// Create Configuration…, Export Release Calendar (.ics)…,
// channel secrets and the feature-flag commands. Activation and the Release view's first paint do not need them.
export { announceCommand } from './announce/announceCommand';
export { clearChannelSecretCommand, setChannelSecretCommand } from './announce/secrets';
export { inspectPublishCommand, publishReleaseCommand, resumePublishCommand } from './commands/publish';
export { addFlagsConfigCommand, killFlagCommand, openFlagInUnleashCommand, rampFlagCommand, setFlagTokenCommand } from './commands/flags';
export { createConfigCommand } from './commands/createConfig';
export { exportCalendarCommand } from './commands/exportCalendar';
export { CompareDocumentProvider, compareEnvironmentsCommand } from './deploy/compareCommand';
export { abortDeployCommand, approveDeployCommand, inspectDeployCommand, promoteDeployCommand, rejectDeployCommand, reportUnfinishedDeploys, resumeDeployCommand } from './deploy/controlCommands';
export { deployCommand } from './deploy/deployCommand';
export { rollBackCommand } from './deploy/rollBackCommand';
export { openRunLogsCommand, rerunFailedJobsCommand } from './deploy/runCommands';
