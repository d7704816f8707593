/**
 * Release: Announce… — picks the stage, the audiences and (for a notice) the planned deploy time, renders
 * every audience's announcement with the shared flow (src/node/announce.ts) and opens the preview beside
 * the editor: markdown, the Slack blocks as Slack draws them, the e-mail subject; the templates are
 * editable there, and Send… confirms natively, sends with progress and cancel, and shows per channel
 * what happened. Restricted Mode: the preview opens, sending is refused.
 */
import * as vscode from 'vscode';
import { servedAudiences } from '../../core/announce/schema';
import { AUDIENCES, STAGES, type Audience, type DeliveryResult, type Stage } from '../../core/announce/types';
import { TrustError, UsageError } from '../../core/errors';
import { loadAnnounce } from '../../node/loadAnnounce';
import { githubAnnouncer } from '../../node/githubAnnouncer';
import { localInputValue, readPlannedTime, suggestedPlannedTime } from '../../shared/plannedTime';
import type { CommandContext } from '../commandContext';
import { COMMANDS } from '../ids';
import { pickRepository } from '../pickRepository';
import { reportError } from '../runCommand';
import { AnnounceSession } from './announceSession';
import { AnnouncePreviewPanel } from './previewPanel';
import { editorSecrets } from './secrets';

/** Arguments for callers that skip the pickers (the checklist's Send notice now, the tree, tests). */
export interface AnnounceArgs {
  root?: string;
  stage?: Stage;
  audiences?: Audience[];
  /** Planned deploy time (ISO with a zone) of a notice. */
  plannedAt?: string;
  version?: string;
  /** Open the preview (default true). */
  preview?: boolean;
  /** Send right away (after the confirmation unless `confirm: false`, which only tests pass). */
  send?: boolean;
  confirm?: boolean;
}

/** What the command did (tests read it). */
export interface AnnounceOutcome {
  version: string;
  stage: Stage;
  audiences: Audience[];
  /** Whether a preview panel is open for it. */
  previewOpen: boolean;
  results: DeliveryResult[] | null;
}

/** The announce arguments in a command's first argument; each field is taken only with its type. */
export function announceArgsOf(value: unknown): AnnounceArgs {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: AnnounceArgs = {};
  if (typeof v.root === 'string') out.root = v.root;
  if (typeof v.stage === 'string' && (STAGES as readonly string[]).includes(v.stage)) out.stage = v.stage as Stage;
  if (Array.isArray(v.audiences)) out.audiences = AUDIENCES.filter((a) => (v.audiences as unknown[]).includes(a));
  if (typeof v.plannedAt === 'string') out.plannedAt = v.plannedAt;
  if (typeof v.version === 'string') out.version = v.version;
  for (const k of ['preview', 'send', 'confirm'] as const) if (typeof v[k] === 'boolean') out[k] = v[k];
  return out;
}

type AnnounceContext = Pick<CommandContext, 'model' | 'log' | 'secrets' | 'extensionUri' | 'announcements' | 'github'>;

const STAGE_PICKS: Record<Stage, { label: string; detail: string }> = {
  notice: { label: 'Notice', detail: 'Scheduled: tells each audience when the deploy happens (the notice gate counts it)' },
  started: { label: 'Started', detail: 'The deploy is under way' },
  completed: { label: 'Completed', detail: 'The release is out' },
  'rolled-back': { label: 'Rolled back', detail: 'The release was rolled back' },
};

/** The open previews, one per repository, version and stage (a second Announce… reveals it). */
const open = new Map<string, { panel: AnnouncePreviewPanel; session: AnnounceSession }>();

/** Release: Announce… */
export function announceCommand(ctx: AnnounceContext): (...args: unknown[]) => Promise<AnnounceOutcome | undefined> {
  return (first) => announce(ctx, announceArgsOf(first));
}

async function announce(ctx: AnnounceContext, args: AnnounceArgs): Promise<AnnounceOutcome | undefined> {
  if (args.send && !vscode.workspace.isTrusted) {
    throw new TrustError('Sending announcements writes files and posts to channels, and is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust), then send again.');
  }
  await ctx.model.settled(); // run from the palette before the first load (it activates the extension): wait for it
  const state = await pickRepository(ctx.model, args.root);
  if (!state) return undefined;
  if (state.configError) throw state.configError;
  const repo = ctx.model.repo(state.root);
  if (!state.config || !repo) throw new UsageError(`${state.name} is not ready to announce (no commits or no configuration read yet).`, 'Refresh the Release view, then try again.');
  const config = state.config;
  const announceConfig = loadAnnounce().announceConfigOf(config);

  const stage = args.stage ?? (await pickStage());
  if (!stage) return undefined;
  const audiences = args.audiences && args.audiences.length > 0 ? args.audiences : await pickAudiences(servedAudiences(announceConfig));
  if (!audiences || audiences.length === 0) return undefined;
  let plannedAt: string | null = null;
  if (stage === 'notice') {
    if (args.plannedAt !== undefined) plannedAt = loadAnnounce().parsePlannedAt(args.plannedAt);
    else {
      const asked = await askPlannedTime(announceConfig.noticeHours, announceConfig.timeZone);
      if (asked === undefined) return undefined;
      plannedAt = asked;
    }
  }

  const session = new AnnounceSession({ repo, config, name: state.name, stage, audiences, plannedAt, ...(args.version ? { version: args.version } : {}), githubApi: () => ctx.github.connect(state.root, { interactive: false }) }, editorSecrets(ctx.secrets), ctx.log, undefined, async () => githubAnnouncer(await ctx.github.connect(state.root, { interactive: true })));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Rendering the announcements' }, () => session.render());
  session.onDidSend((results) => {
    ctx.announcements.refresh(state.root);
    void showResults(results);
  });

  let previewOpen = false;
  if (args.preview !== false) {
    const key = `${state.root}|${session.announcedVersion}|${stage}`;
    open.get(key)?.panel.dispose();
    const panel = new AnnouncePreviewPanel(
      ctx.extensionUri,
      `Announce ${session.announcedVersion} (${STAGE_PICKS[stage].label.toLowerCase()})`,
      {
        state: () => session.state(),
        edit: (a, t) => session.edit(a, t),
        reset: (a) => session.reset(a),
        send: async () => {
          await session.send({ confirm: true });
        },
      },
      ctx.log,
      (source, e) => reportError(source, e, ctx.log),
    );
    const sub = session.onDidChange(() => panel.post());
    panel.onDidClose(() => {
      sub.dispose();
      if (open.get(key)?.panel === panel) open.delete(key);
      session.dispose();
    });
    open.set(key, { panel, session });
    panel.post();
    previewOpen = true;
  }
  let results: DeliveryResult[] | null = null;
  if (args.send) results = (await session.send({ confirm: args.confirm !== false })) ?? null;
  if (!previewOpen) session.dispose();
  return { version: session.announcedVersion, stage, audiences, previewOpen, results };
}

async function pickStage(): Promise<Stage | undefined> {
  const pick = await vscode.window.showQuickPick(
    STAGES.map((s) => ({ label: STAGE_PICKS[s].label, detail: STAGE_PICKS[s].detail, stage: s })),
    { title: 'Release: Announce… (1/3) stage', placeHolder: 'What is announced?', ignoreFocusOut: true },
  );
  return pick?.stage;
}

async function pickAudiences(served: readonly Audience[]): Promise<Audience[] | undefined> {
  const picks = await vscode.window.showQuickPick(
    AUDIENCES.map((a) => ({ label: a, description: served.includes(a) ? undefined : 'no channel receives it', picked: served.includes(a), audience: a })),
    { title: 'Release: Announce… (2/3) audiences', placeHolder: 'Who is told?', canPickMany: true, ignoreFocusOut: true },
  );
  return picks?.map((p) => p.audience);
}

async function askPlannedTime(noticeHours: number, timeZone: string): Promise<string | undefined> {
  const zone = timeZone === 'UTC' ? undefined : timeZone;
  const answer = await vscode.window.showInputBox({
    title: 'Release: Announce… (3/3) planned deploy time',
    prompt: `When the deploy happens (local time, or ISO with a zone). The notice gate wants the notice ${noticeHours} h ahead.`,
    value: localInputValue(suggestedPlannedTime(new Date(), noticeHours)),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = readPlannedTime(v, new Date(), zone);
      if (!r.ok) return { message: r.problem, severity: vscode.InputBoxValidationSeverity.Error };
      return { message: `= ${r.time.utc} · ${r.time.local}`, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (answer === undefined) return undefined;
  const r = readPlannedTime(answer, new Date(), zone);
  if (!r.ok) throw new UsageError(r.problem, 'Run Release: Announce… again.');
  return r.time.iso;
}

/** Tells what a send did, per channel: a short summary, and each failure with its cause and what to do. */
async function showResults(results: readonly DeliveryResult[]): Promise<void> {
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'unconfirmed');
  const sent = results.filter((r) => r.status === 'sent').length;
  const already = results.filter((r) => r.status === 'already-sent').length;
  const head = `Announcement: ${sent} sent, ${already} already sent${failed.length > 0 ? `, ${failed.length} not delivered` : ''}.`;
  if (failed.length === 0) {
    void vscode.window.showInformationMessage(head);
    return;
  }
  const lines = failed.slice(0, 3).map((r) => `${r.audience} → ${r.channel} (${r.status}): ${r.message}`);
  const pick = await vscode.window.showWarningMessage(`${head} ${lines.join(' · ')}`, 'Show Log', 'Set Channel Secret');
  if (pick === 'Show Log') await vscode.commands.executeCommand(COMMANDS.showLog);
  if (pick === 'Set Channel Secret') await vscode.commands.executeCommand(COMMANDS.setChannelSecret);
}
