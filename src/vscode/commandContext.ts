/**
 * The one context every command factory receives from the composition root (src/extension.ts).
 * A command file exports `xCommand(ctx) => (...args: unknown[]) => …`; the handler narrows its own
 * arguments. Factories may take a narrower `Pick<CommandContext, …>` so their tests build less.
 */
import type * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { AnnounceHistory } from './announce/history';
import type { GateController } from './checklist/gateController';
import type { DeployView } from './deployView';
import type { FlagsView } from './flagsView';
import type { GitHubConnector } from './github';
import type { GitHubView } from './githubView';
import type { CalendarPanel } from './calendar/calendarPanel';
import type { CalendarService } from './calendar/calendarService';
import type { MetricsPanel } from './metrics/metricsPanel';
import type { MetricsService } from './metrics/metricsService';
import type { PlanService } from './plan/planService';
import type { ReleaseModel } from './releaseModel';
import type { Settings } from './settings';

/** The services a command may use, built once by activate(). */
export interface CommandContext {
  /** The extension's own folder (webview bundles, media). */
  extensionUri: vscode.Uri;
  /** Repositories, their notes and config (what the views show). */
  model: ReleaseModel;
  /** The readiness gates and sign-offs. */
  gates: GateController;
  /** GitHub sign-in, repository and API. */
  github: GitHubConnector;
  /** What the tree shows of GitHub (releases, checks). */
  githubView: GitHubView;
  /** What the tree shows of environments and deploys. */
  deployView: DeployView;
  /** Release metrics (computed reports, the tree's default report). */
  metrics: MetricsService;
  /** The Release Metrics webview panel. */
  metricsPanel: MetricsPanel;
  /** The release calendar (read on demand). */
  calendar: CalendarService;
  /** The Release Calendar webview panel. */
  calendarPanel: CalendarPanel;
  /** The release plans (the tree's Plan rows; Refresh GitHub reads them again). */
  plans: PlanService;
  /** Feature flags: the Unleash token (SecretStorage), the provider, what the Flags section shows. */
  flagsView: FlagsView;
  /** The one LogOutputChannel. */
  log: Logger;
  /** This window's session id (random per activation; journals name their driver by it). */
  session: string;
  /** What the tree shows of announcements (read again after a send). */
  announcements: AnnounceHistory;
  /** The editor's secret storage (channel secrets of announcements). */
  secrets: vscode.SecretStorage;
  /** The current settings (read on each call). */
  settings: () => Settings;
}

/** A command factory: given the context, the handler VS Code calls with the command's arguments. */
export type CommandFactory = (ctx: CommandContext) => (...args: unknown[]) => unknown;
