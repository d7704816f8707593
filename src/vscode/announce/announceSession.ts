/**
 * One announcement being prepared in the editor: what the preview shows (per audience the template in
 * use, the markdown, the Slack blocks and the e-mail, rendered by the shared flow of src/node/announce.ts),
 * the edits made in the preview, and the send: a native modal naming channels and audiences, progress with
 * cancel, results per channel. Whatever the preview shows is what is sent: the same input, edited
 * templates included, goes to `sendAnnouncements`.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { TEMPLATE_DIR, DEFAULT_TEMPLATES, templatePath } from '../../core/announce/templates';
import type { Audience, AnnouncementPreview, DeliveryResult, Stage } from '../../core/announce/types';
import type { ReleaseConfig } from '../../core/config';
import { ConfigError, TrustError, UsageError } from '../../core/errors';
import type { GitHubApi } from '../../core/githubApi';
import type { Logger } from '../../core/ports';
import type { LocalGitRepo } from '../../git/gitRepo';
import type { AnnounceInput, GitHubAnnouncer, SecretSource } from '../../node/announce';
import { loadAnnounce } from '../../node/loadAnnounce';
import { resolveInside } from '../../node/runner';
import type { AnnounceState, AudienceView, ResultView } from '../../shared/announceProtocol';
import { formatIn } from '../../shared/plannedTime';

/** What an announcement in the editor is about. */
export interface AnnounceTarget {
  repo: LocalGitRepo;
  config: ReleaseConfig;
  name: string;
  stage: Stage;
  audiences: Audience[];
  /** Planned deploy time (ISO, UTC) of a notice. */
  plannedAt: string | null;
  version?: string;
  /**
   * The repository's GitHub without asking to sign in (known issues labelled known-issue): the same
   * connection the checklist's notice gate uses, so the gate renders what was sent.
   */
  githubApi?: () => Promise<GitHubApi>;
}

/** How a send is confirmed and shown (the editor's modal and progress; tests skip the modal). */
export interface SendOptions {
  confirm: boolean;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The state of one announcement in the editor. */
export class AnnounceSession {
  private previews: AnnouncementPreview[] = [];
  private readonly errors = new Map<Audience, string>();
  private readonly templates = new Map<Audience, { text: string; source: string }>();
  private readonly edits = new Map<Audience, string>();
  private results: ResultView[] | null = null;
  private busy = false;
  private notice: string | null = null;
  private version = '';
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the state changed (the panel posts it again). */
  readonly onDidChange = this.changed.event;
  /** Fires after a send wrote to the journal (the tree reads it again). */
  private readonly sent = new vscode.EventEmitter<DeliveryResult[]>();
  readonly onDidSend = this.sent.event;

  constructor(
    readonly target: AnnounceTarget,
    private readonly secrets: SecretSource,
    private readonly log: Logger,
    private readonly trusted: () => boolean = () => vscode.workspace.isTrusted,
    /** Connects the GitHub channel (signed in) when the config has one; a failure leaves that channel unconnected. */
    private readonly connectGitHub?: () => Promise<GitHubAnnouncer>,
  ) {}

  /** The version announced (known after the first render). */
  get announcedVersion(): string {
    return this.version;
  }

  /** The rendered announcements (tests read them). */
  get rendered(): readonly AnnouncementPreview[] {
    return this.previews;
  }

  private input(): AnnounceInput {
    const t = this.target;
    const templates: Partial<Record<Audience, string>> = Object.fromEntries(this.edits);
    return {
      repo: t.repo,
      config: t.config,
      stage: t.stage,
      audiences: t.audiences,
      plannedAt: t.plannedAt,
      secrets: this.secrets,
      ...(t.version !== undefined ? { version: t.version } : {}),
      ...(t.githubApi ? { githubApi: t.githubApi } : {}),
      ...(this.edits.size > 0 ? { templates } : {}),
    };
  }

  /** Renders every audience again (an audience whose template fails shows its error; the others render). */
  async render(): Promise<void> {
    const input = this.input();
    try {
      this.previews = await loadAnnounce().previewAnnouncements(input);
      this.errors.clear();
    } catch (e) {
      if (!(e instanceof ConfigError) && !(e instanceof UsageError)) throw e;
      // Find which audience failed: render them one by one.
      const ok: AnnouncementPreview[] = [];
      this.errors.clear();
      for (const a of this.target.audiences) {
        try {
          ok.push(...(await loadAnnounce().previewAnnouncements({ ...input, audiences: [a] })));
        } catch (inner) {
          if (!(inner instanceof ConfigError) && !(inner instanceof UsageError)) throw inner;
          this.errors.set(a, clip(inner instanceof Error ? inner.message : String(inner), 1900));
        }
      }
      if (ok.length === 0 && this.errors.size === this.target.audiences.length && new Set(this.errors.values()).size === 1) throw e; // not a template problem: the release itself
      this.previews = ok;
    }
    this.version = this.previews[0]?.version ?? this.version;
    for (const a of this.target.audiences) if (!this.templates.has(a)) this.templates.set(a, await this.templateOf(a));
    this.changed.fire();
  }

  /** The repository's template of an audience, or the built-in one. */
  private async templateOf(audience: Audience): Promise<{ text: string; source: string }> {
    const path = templatePath(audience);
    const real = await resolveInside(this.target.repo.root, path, 'The announcement template').catch(() => null);
    if (real) {
      const text = await readFile(real, 'utf8').catch(() => null);
      if (text !== null) return { text, source: path };
    }
    return { text: DEFAULT_TEMPLATES[audience], source: `built-in; override in ${TEMPLATE_DIR}/${audience}.md` };
  }

  /** The template of an audience as edited in the preview: rendered again and used by the send. */
  async edit(audience: Audience, template: string): Promise<void> {
    if (!this.target.audiences.includes(audience)) return;
    const original = this.templates.get(audience)?.text;
    if (template === original) this.edits.delete(audience);
    else this.edits.set(audience, template);
    this.results = null;
    await this.render();
  }

  /** Back to the repository's (or the built-in) template. */
  async reset(audience: Audience): Promise<void> {
    this.edits.delete(audience);
    await this.render();
  }

  /** What the preview shows. */
  state(): AnnounceState {
    const t = this.target;
    const zone = loadAnnounce().announceConfigOf(t.config).timeZone;
    const audiences: AudienceView[] = t.audiences.map((a) => {
      const p = this.previews.find((x) => x.audience === a);
      const template = this.edits.get(a) ?? this.templates.get(a)?.text ?? '';
      return {
        audience: a,
        template: clip(template, 64 * 1024),
        templateSource: clip(this.edits.has(a) ? 'edited here' : (this.templates.get(a)?.source ?? ''), 300),
        edited: this.edits.has(a),
        markdown: clip(p?.markdown ?? '', 128 * 1024),
        slack: {
          text: clip(p?.slack.text ?? '', 4000),
          blocks: (p?.slack.blocks ?? []).slice(0, 50).map((b) =>
            b.type === 'context' ? { type: 'context' as const, text: clip(b.elements.map((e) => e.text).join(' '), 3000) } : { type: b.type, text: clip(b.text.text, b.type === 'header' ? 3000 : 3100) },
          ),
        },
        email: { subject: clip(p?.email.subject ?? '', 500), text: clip(p?.email.text ?? '', 128 * 1024) },
        channels: (p?.channels ?? []).slice(0, 20).map((c) => ({ id: clip(c.id, 64), kind: c.kind, label: clip(c.label, 300) })),
        error: this.errors.get(a) ?? null,
      };
    });
    const planned = t.plannedAt ? new Date(t.plannedAt) : null;
    const edited = this.edits.size > 0;
    return {
      repo: clip(t.name, 200),
      version: clip(this.version, 100),
      stage: t.stage,
      planned: planned ? { utc: formatIn(planned, 'UTC'), zoned: formatIn(planned, zone === 'UTC' ? undefined : zone) } : null,
      trusted: this.trusted(),
      busy: this.busy,
      audiences,
      results: this.results,
      notice:
        this.notice ??
        (edited && t.stage === 'notice'
          ? `Edited templates are sent as shown. The notice gate compares notices with the repository's templates: save an edit under ${TEMPLATE_DIR}/ if the gate should count it.`
          : null),
    };
  }

  /** The channels and audiences a send reaches, for the confirmation. */
  reach(): { channels: string[]; audiences: Audience[] } {
    const channels = new Set<string>();
    for (const p of this.previews) for (const c of p.channels) channels.add(`${c.kind} (${c.label})`);
    return { channels: [...channels], audiences: this.previews.map((p) => p.audience) };
  }

  /** Sends what the preview shows: refuses in Restricted Mode, confirms natively, shows progress with cancel. */
  async send(options: SendOptions = { confirm: true }): Promise<DeliveryResult[] | undefined> {
    if (!this.trusted()) throw new TrustError('Sending announcements writes files and posts to channels, and is disabled in Restricted Mode.', 'Trust this workspace (Manage Workspace Trust), then send again.');
    if (this.busy) return undefined;
    if (this.errors.size > 0) throw new UsageError(`The ${[...this.errors.keys()].join(', ')} template has an error.`, 'Fix it in the preview (or press Reset), then send.');
    const { channels, audiences } = this.reach();
    if (channels.length === 0) {
      this.notice = 'No channel receives these audiences: nothing to send.';
      this.changed.fire();
      return [];
    }
    if (options.confirm) {
      const stage = this.target.stage === 'notice' ? 'notice' : `"${this.target.stage}" announcement`;
      const pick = await vscode.window.showWarningMessage(
        `Send the ${stage} of ${this.version} to ${audiences.join(', ')}?`,
        { modal: true, detail: `Channels: ${channels.join('; ')}.\nEach audience and channel gets it once; what was already sent is not sent again.` },
        'Send',
      );
      if (pick !== 'Send') return undefined;
    }
    this.busy = true;
    this.results = [];
    this.notice = null;
    this.changed.fire();
    try {
      let github: GitHubAnnouncer | undefined;
      if (this.connectGitHub && this.previews.some((p) => p.channels.some((c) => c.kind === 'github'))) {
        try {
          github = await this.connectGitHub();
        } catch (e) {
          // The GitHub channel then answers "not connected" per delivery (failed, retried on the next send).
          this.log.warn(`announce: the GitHub channel is not connected: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      }
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Announcing ${this.version}`, cancellable: true },
        async (progress, token) => {
          const ctl = new AbortController();
          const sub = token.onCancellationRequested(() => ctl.abort());
          try {
            return await loadAnnounce().sendAnnouncements(
              { ...this.input(), signal: ctl.signal, ...(github ? { github } : {}) },
              {
                onResult: (r) => {
                  this.results = [...(this.results ?? []), resultView(r)];
                  progress.report({ message: `${r.audience} → ${r.channel}: ${r.status}` });
                  this.changed.fire();
                },
              },
            );
          } finally {
            sub.dispose();
          }
        },
      );
      this.results = results.map(resultView);
      for (const r of results) this.log.info(`announce ${r.version} ${r.stage} ${r.audience} → ${r.channel}: ${r.status}: ${r.message}`);
      this.notice = summary(results);
      this.sent.fire(results);
      return results;
    } finally {
      this.busy = false;
      this.changed.fire();
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.sent.dispose();
  }
}

function resultView(r: DeliveryResult): ResultView {
  return { audience: r.audience, channel: clip(r.channel, 64), channelKind: r.channelKind, status: r.status, message: clip(r.message, 2000) };
}

/** One line on what a send did. */
export function summary(results: readonly DeliveryResult[]): string {
  const count = (s: DeliveryResult['status']) => results.filter((r) => r.status === s).length;
  const parts = [`${count('sent')} sent`, `${count('already-sent')} already sent`];
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('unconfirmed') > 0) parts.push(`${count('unconfirmed')} unconfirmed`);
  return `${parts.join(', ')}.`;
}
