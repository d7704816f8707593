/**
 * The Release Calendar webview panel (issue 19): strict CSP with a fresh nonce, resources from the
 * bundle folder only, zod-validated messages both ways, state owned here. Reading shows a cancellable
 * progress notification; closing the panel or a newer read aborts it. An event is revealed by its id:
 * its GitHub page (release, milestone, deployments), else the tag's commit, else the config (freezes,
 * release days) or the Release view (a local deploy).
 */
import * as vscode from 'vscode';
import type { CalendarEvent, CalendarReport } from '../../core/calendar/model';
import type { Logger } from '../../core/ports';
import { MAX_VIEW_EVENTS, parseFromCalendarWebview, toCalendarWebview, type CalendarViewState, type FromCalendarWebview } from '../../shared/calendarProtocol';
import { CALENDAR_PANEL, COMMANDS, VIEWS } from '../ids';
import { openReportPanel, postChecked, receiveChecked, withCancellableProgress } from '../panelHost';
import type { ReleaseModel } from '../releaseModel';
import type { ErrorReporter } from '../runCommand';
import { calendarHtml } from './calendarHtml';
import type { CalendarService } from './calendarService';

/** The panel of one repository (one per window; showing another repository retargets it). */
export class CalendarPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private root = '';
  private calendar: CalendarReport | null = null;
  private error: CalendarViewState['error'] = null;
  private signedOut = false;
  private running: AbortController | undefined;
  private current: Promise<void> = Promise.resolve();
  /** Messages rejected by the protocol (tests read it). */
  rejected = 0;
  /** The last state posted to the webview (tests read what the user sees through it). */
  lastState: CalendarViewState | null = null;
  /** What the last reveal did (tests read it): the URL opened, the command run, or null. */
  lastReveal: { event: string; action: string } | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: ReleaseModel,
    private readonly service: CalendarService,
    private readonly log: Logger,
    private readonly reportError: ErrorReporter,
    /** The Export command (the view's button runs it for the repository shown). */
    private readonly exportCalendar: (root: string) => Promise<unknown>,
  ) {}

  /** Opens (or reveals) the panel on a repository and reads its calendar; resolves to it (null after an error). */
  async show(root: string): Promise<CalendarReport | null> {
    if (root !== this.root) {
      this.calendar = null;
      this.error = null;
    }
    this.root = root;
    if (!this.panel) this.create();
    else this.panel.reveal(vscode.ViewColumn.Active);
    await this.compute();
    return this.calendar;
  }

  /** Whether the panel is open. */
  get open(): boolean {
    return this.panel !== undefined;
  }

  /** The calendar shown now and its repository (null before the first, or after an error). */
  get shown(): { root: string; calendar: CalendarReport } | null {
    return this.calendar ? { root: this.root, calendar: this.calendar } : null;
  }

  /** Resolves when the read in flight (if any) ended. */
  settled(): Promise<void> {
    return this.current;
  }

  private create(): void {
    const panel = openReportPanel(this.extensionUri, CALENDAR_PANEL, 'Release Calendar', calendarHtml, this.subs, {
      message: (raw) => void this.receive(raw),
      disposed: () => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.running?.abort();
      },
      visible: () => this.post(),
    });
    this.panel = panel;
  }

  /** Reads the calendar with a cancellable progress notification; a newer read supersedes this one. */
  private compute(): Promise<void> {
    this.running?.abort();
    const ctl = new AbortController();
    this.running = ctl;
    const root = this.root;
    this.post();
    const run = async () => {
      const outcome = await withCancellableProgress('Release calendar', ctl, (signal, onProgress) => this.service.compute(root, { signal, onProgress }));
      if (this.running !== ctl) return;
      this.running = undefined;
      if (outcome.kind === 'ok') {
        this.calendar = outcome.calendar;
        this.signedOut = outcome.signedOut;
        this.error = null;
        if (this.panel) this.panel.title = `Release Calendar: ${this.model.find(root)?.name ?? outcome.calendar.repository}`;
      } else this.error = { message: outcome.message, fix: outcome.fix };
      this.post();
    };
    this.current = run().catch((e: unknown) => this.reportError('calendar', e));
    return this.current;
  }

  /** The state the webview shows. */
  state(): CalendarViewState {
    const c = this.calendar;
    return {
      repo: this.model.find(this.root)?.name ?? null,
      today: new Date().toISOString().slice(0, 10),
      loading: this.running !== undefined,
      calendar: c ? { window: c.window, generatedAt: c.generatedAt, events: c.events.slice(0, MAX_VIEW_EVENTS).map(bounded), notes: c.notes.slice(0, 50).map((n) => n.slice(0, 2000)) } : null,
      error: this.error,
      signedOut: this.signedOut,
      hasCadence: this.root !== '' && this.service.hasCadence(this.root),
    };
  }

  private post(): void {
    const state = this.state();
    this.lastState = state;
    postChecked(this.panel, toCalendarWebview(), { type: 'state', state }, this.log, 'calendar view');
  }

  /** Handles one message from the webview: parse, dispatch, never trust. */
  receive(raw: unknown): Promise<void> {
    return receiveChecked(raw, parseFromCalendarWebview, (m) => this.dispatch(m), { log: this.log, what: 'calendar view', source: 'calendar', rejected: () => this.rejected++, reportError: this.reportError });
  }

  private async dispatch(m: FromCalendarWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.post();
        return;
      case 'refresh':
        await this.compute();
        return;
      case 'cancel':
        this.running?.abort();
        return;
      case 'reveal':
        await this.reveal(m.id);
        return;
      case 'export':
        if (this.root) await this.exportCalendar(this.root);
        return;
      case 'signIn':
        await vscode.commands.executeCommand(COMMANDS.signIn);
        await this.compute();
        return;
      case 'openConfig':
        await vscode.commands.executeCommand(COMMANDS.openConfig, { root: this.root });
        return;
    }
  }

  /** Reveals the event with this id of the calendar shown (an unknown id does nothing). */
  async reveal(id: string): Promise<void> {
    const e = this.calendar?.events.find((x) => x.id === id);
    if (!e) return;
    const action = await this.revealEvent(e);
    this.lastReveal = { event: e.id, action };
  }

  private async revealEvent(e: CalendarEvent): Promise<string> {
    // Links come from GitHub's API or are built from the repository: still, only https pages are opened.
    if (e.url && /^https:\/\//i.test(e.url)) {
      await vscode.env.openExternal(vscode.Uri.parse(e.url, true));
      return e.url;
    }
    if (e.kind === 'release' && e.sha) {
      await vscode.commands.executeCommand(COMMANDS.openCommit, this.root, e.sha);
      return `${COMMANDS.openCommit} ${e.sha}`;
    }
    if (e.kind === 'freeze' || e.kind === 'planned') {
      await vscode.commands.executeCommand(COMMANDS.openConfig, { root: this.root });
      return COMMANDS.openConfig;
    }
    // A local deploy: the Release view lists its environment.
    await vscode.commands.executeCommand(`${VIEWS.tree}.focus`);
    return `${VIEWS.tree}.focus`;
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}

/** An event cut to the protocol's bounds (long texts are clipped, not refused). */
function bounded(e: CalendarEvent): CalendarEvent {
  const clip = (s: string | undefined, max: number) => (s === undefined ? undefined : s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const out: CalendarEvent = { ...e, title: clip(e.title, 300)!, ...(e.description !== undefined ? { description: clip(e.description, 4000) } : {}) };
  if (out.url && out.url.length > 1000) delete out.url;
  return out;
}
