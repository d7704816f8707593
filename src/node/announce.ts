/**
 * Announcements, once for the CLI and the editor: which release, what each audience is told (rendered
 * for every channel: the preview), and the journaled, idempotent send. The editor passes its own
 * SecretSource (SecretStorage) and may pass edited templates; the CLI reads environment variables.
 */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { announcementView, type AnnouncementFacts } from '../core/announce/content';
import { decideDelivery, deliveryKey, latestByKey, type DeliveryDecision } from '../core/announce/journal';
import { defaultAnnounceConfig, effectiveChannels, servedAudiences, type AnnounceConfig } from '../core/announce/schema';
import { DEFAULT_TEMPLATES, renderEmailAnnouncement, renderMarkdownAnnouncement, renderSlackAnnouncement, templatePath } from '../core/announce/templates';
import { AUDIENCES, type Audience, type AnnouncementPreview, type DeliveryRecord, type DeliveryResult, type NoticeFacts, type Stage } from '../core/announce/types';
import type { ReleaseConfig } from '../core/config';
import { draftNotes } from '../core/draft';
import { UsageError } from '../core/errors';
import type { ReleaseNotes } from '../core/notes';
import type { GitHubApi } from '../core/githubApi';
import { stripUnsafe } from '../core/sanitize';
import { TagFormat } from '../core/tags';
import type { LocalGitRepo } from '../git/gitRepo';
import { announcementFile, channelSenders, type ChannelSender, type GitHubAnnouncer, type SecretSource } from './announceChannels';
import { AnnounceJournal, checkVersionName, contentHash, listDeliveries } from './announceJournal';
import { githubAnnouncer } from './githubAnnouncer';
import { readFile } from 'node:fs/promises';
import { resolveInside } from './runner';

export { envSecrets, type SecretSource, type GitHubAnnouncer } from './announceChannels';
export { listDeliveries };
export type { AnnouncementPreview, DeliveryRecord, DeliveryResult, Audience, Stage };

/** What a preview or a send is about. */
export interface AnnounceInput {
  repo: LocalGitRepo;
  config: ReleaseConfig;
  /** The version announced; default the next release of HEAD (or the release tagged at HEAD). */
  version?: string;
  /** Default: every audience that a channel receives. */
  audiences?: readonly Audience[];
  stage: Stage;
  /** Planned deploy time (ISO with Z or an offset); the notice stage's deploy window. */
  plannedAt?: string | null;
  /** Secrets of the channels (never needed for a preview). */
  secrets?: SecretSource;
  /** Templates edited in the editor's preview, instead of the repository's or the built-in ones. */
  templates?: Partial<Record<Audience, string>>;
  /** Enriches the notes from GitHub (PR titles and labels); the notice gate uses the same, so the hashes agree. */
  linkNotes?: (notes: ReleaseNotes) => Promise<ReleaseNotes>;
  /** Open issues labelled as known issues (support); default none. */
  knownIssues?: (label: string) => Promise<{ title: string; url: string }[]>;
  /**
   * The repository's GitHub, signed in: open issues labelled `knownIssueLabel` become known issues
   * (support), and a `github` channel posts through it. Give the same to the send and to the gate
   * context, so that the notice gate renders what was sent.
   */
  githubApi?: () => Promise<GitHubApi>;
  /** Repository name shown in the headline; default the folder name. */
  repository?: string;
  /** The version a rollback returns to; default the previous release. */
  rollbackVersion?: string | null;
  github?: GitHubAnnouncer;
  now?: () => Date;
  signal?: AbortSignal;
  /** Milliseconds a channel may take to answer (default 15 s). */
  timeoutMs?: number;
}

/** How a send treats what the journal already holds. */
export interface SendOptions {
  /** Send again where the journaled content differs from the current (a revised notice). */
  resend?: boolean;
  /** Send again attempts whose outcome is unknown (the person checked that they did not arrive). */
  retryUnconfirmed?: boolean;
  /** Called with each result as it completes. */
  onResult?: (r: DeliveryResult) => void;
}

/** The announced release, resolved once. */
interface Release {
  version: string;
  tag: string;
  previousVersion: string | null;
  notes: ReleaseNotes;
}

/** The announce config in effect (defaults without an `announce` key). */
export function announceConfigOf(config: ReleaseConfig): AnnounceConfig {
  return config.announce ?? defaultAnnounceConfig();
}

/** Parses `--at`: an ISO date-time with Z or an offset. */
export function parsePlannedAt(text: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--at ${JSON.stringify(text.slice(0, 40))} is not an ISO date-time with a time zone.`, 'Write it like 2026-12-08T14:00:00Z or 2026-12-08T15:00:00+01:00.');
  return new Date(ms).toISOString();
}

/** Which release is announced: a version with a tag (a released range), or the next release of HEAD. */
async function resolveRelease(input: AnnounceInput): Promise<Release> {
  const { repo, config } = input;
  const format = new TagFormat(config.tagFormat);
  let notes: ReleaseNotes;
  if (input.version !== undefined) {
    checkVersionName(input.version);
    const tag = format.tagFor(input.version);
    const tagged = (await repo.tags()).some((t) => t.name === tag);
    notes = await draftNotes(repo, config, { ...(tagged ? { to: tag } : {}), firstTimeContributors: false, ...(input.signal ? { signal: input.signal } : {}) });
    const version = tagged ? input.version : notes.version.next;
    if (!tagged && version !== input.version) {
      throw new UsageError(`${input.version} is neither a release tag (${tag}) nor the next release (${notes.version.next ?? 'none'}).`, `Announce the next release (omit --version), or tag ${input.version} first.`);
    }
  } else {
    notes = await draftNotes(repo, config, { firstTimeContributors: false, ...(input.signal ? { signal: input.signal } : {}) });
    if (notes.version.next === null) {
      // Nothing unreleased: the release at HEAD, if HEAD is tagged.
      const head = notes.range.toHash;
      const atHead = (await repo.tags()).map((t) => ({ t, r: format.parse(t.name) })).find((x) => x.r !== null && x.t.commit === head);
      if (!atHead) throw new UsageError('Nothing to announce: no unreleased changes and no release tag at HEAD.', 'Pass --version X for a tagged release.');
      notes = await draftNotes(repo, config, { to: atHead.t.name, firstTimeContributors: false });
    }
  }
  if (input.linkNotes) notes = await input.linkNotes(notes);
  const version = input.version ?? notes.version.next!;
  return { version, tag: format.tagFor(version), previousVersion: notes.version.current, notes };
}

/** The template of an audience: the editor's edit, the repository's override, or the built-in one. */
async function templateOf(input: AnnounceInput, audience: Audience): Promise<{ text: string; file: string }> {
  const edited = input.templates?.[audience];
  if (edited !== undefined) return { text: stripUnsafe(edited), file: `${templatePath(audience)} (edited)` };
  const path = templatePath(audience);
  const real = await resolveInside(input.repo.root, path, 'The announcement template');
  const own = real === null ? null : await readFile(real, 'utf8');
  if (own !== null && own.length > 256 * 1024) throw new UsageError(`${path} is too large for a template.`, 'Keep templates under 256 KiB.');
  // A template is repository content: its control characters and terminal escapes never reach a channel.
  return own !== null ? { text: stripUnsafe(own), file: path } : { text: DEFAULT_TEMPLATES[audience], file: `built-in ${audience} template` };
}

async function render(input: AnnounceInput, release: Release, audience: Audience, stage: Stage, plannedAt: string | null, senders: readonly ChannelSender[], known: { title: string; url: string }[]): Promise<AnnouncementPreview> {
  const announce = announceConfigOf(input.config);
  const facts: AnnouncementFacts = {
    version: release.version,
    previousVersion: release.previousVersion,
    tag: release.tag,
    repository: input.repository ?? basename(input.repo.root),
    stage,
    audience,
    plannedAt: plannedAt !== null ? Date.parse(plannedAt) : null,
    rollbackVersion: input.rollbackVersion ?? release.previousVersion,
    knownIssues: audience === 'support' ? known : [],
    notesUrl: notesUrlOf(announce, release.version),
  };
  const view = announcementView(release.notes, input.config, announce, facts);
  const template = await templateOf(input, audience);
  const markdown = renderMarkdownAnnouncement(template.text, view, template.file);
  const slack = renderSlackAnnouncement(template.text, view, template.file, { url: facts.notesUrl ?? null, where: announcementFile(release.version, audience, stage) });
  const email = renderEmailAnnouncement(template.text, view, template.file);
  const mine = senders.filter((s) => channelAudiences(announce, s.id).includes(audience));
  return {
    audience,
    stage,
    version: release.version,
    tag: release.tag,
    plannedAt,
    template: template.file,
    markdown,
    slack,
    email,
    channels: mine.map((s) => s.target({ version: release.version, audience, stage })),
    contentHash: contentHash(markdown),
  };
}

function notesUrlOf(announce: AnnounceConfig, version: string): string | null {
  const slack = announce.channels.find((c) => c.kind === 'slack' && c.notesUrl !== undefined);
  return slack && slack.kind === 'slack' && slack.notesUrl ? slack.notesUrl.split('{version}').join(encodeURIComponent(version)) : null;
}

function channelAudiences(announce: AnnounceConfig, id: string): Audience[] {
  return effectiveChannels(announce).find((c) => (c.id ?? c.kind) === id)?.audiences ?? [];
}

function audiencesOf(input: AnnounceInput): Audience[] {
  const served = servedAudiences(announceConfigOf(input.config));
  if (!input.audiences || input.audiences.length === 0) return served;
  for (const a of input.audiences) if (!AUDIENCES.includes(a)) throw new UsageError(`Unknown audience ${JSON.stringify(String(a).slice(0, 40))}.`, 'Use internal, external or support.');
  return AUDIENCES.filter((a) => input.audiences!.includes(a));
}

function sendersOf(input: AnnounceInput): ChannelSender[] {
  return channelSenders(effectiveChannels(announceConfigOf(input.config)), {
    root: input.repo.root,
    secrets: input.secrets ?? { get: async () => undefined },
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    ...(input.github ? { github: input.github } : input.githubApi ? { github: lazyAnnouncer(input.githubApi) } : {}),
    tagFor: (v) => new TagFormat(input.config.tagFormat).tagFor(v),
  });
}

async function knownIssuesFor(input: AnnounceInput, audiences: readonly Audience[]): Promise<{ title: string; url: string }[]> {
  if (!audiences.includes('support')) return [];
  const label = announceConfigOf(input.config).knownIssueLabel;
  if (input.knownIssues) return input.knownIssues(label);
  if (!input.githubApi) return [];
  try {
    const api = await input.githubApi();
    return (await api.openWithLabel(label, input.signal)).filter((i) => !i.isPull).map((i) => ({ title: i.title, url: i.url }));
  } catch {
    // Not connected, or GitHub did not answer: the config's known issues only (a notice rendered so
    // differs from one rendered with GitHub's, which the notice gate then reads as changed: fail closed).
    return [];
  }
}

/** Renders the announcement of each audience for every channel (nothing is sent, no secret is read). */
export async function previewAnnouncements(input: AnnounceInput): Promise<AnnouncementPreview[]> {
  const plannedAt = input.plannedAt ? parsePlannedAt(input.plannedAt) : null;
  const release = await resolveRelease(input);
  const audiences = audiencesOf(input);
  const senders = sendersOf(input);
  const known = await knownIssuesFor(input, audiences);
  const out: AnnouncementPreview[] = [];
  for (const a of audiences) out.push(await render(input, release, a, input.stage, plannedAt, senders, known));
  return out;
}

/**
 * Sends each audience's announcement to each of its channels, journaled: an attempt is recorded before
 * anything goes out and its answer after, so a rerun never sends twice (per version, stage, audience,
 * channel) and an attempt a crash interrupted is checked with the channel where it can tell (a file),
 * and otherwise reported as unconfirmed and not repeated unless `retryUnconfirmed`.
 */
export async function sendAnnouncements(input: AnnounceInput, options: SendOptions = {}): Promise<DeliveryResult[]> {
  const previews = await previewAnnouncements(input);
  const journal = new AnnounceJournal(input.repo.gitCommonDir);
  const senders = sendersOf(input);
  const now = input.now ?? (() => new Date());
  const results: DeliveryResult[] = [];
  const host = hostname();
  const emit = (r: DeliveryResult) => {
    results.push(r);
    try {
      options.onResult?.(r);
    } catch {
      // a listener's fault changes nothing that was sent
    }
  };
  for (const p of previews) {
    for (const target of p.channels) {
      const sender = senders.find((s) => s.id === target.id)!;
      const base = { audience: p.audience, stage: p.stage, version: p.version, channel: sender.id, channelKind: sender.kind };
      // Decided again when another process journaled an attempt between our read and our claim.
      deliver: for (let tries = 0; ; tries++) {
        const latest = latestByKey(await journal.list(p.version)).get(deliveryKey(base));
        let decision: DeliveryDecision = decideDelivery(latest, p.contentHash, {
          resend: options.resend === true,
          retryUnconfirmed: options.retryUnconfirmed === true,
          isAlive: (r) => r.host === host && (r.pid === process.pid ? IN_FLIGHT.has(`${deliveryKey(r)}|${r.attemptedAt}`) : alive(r.pid)),
        });
        if (decision.kind === 'unconfirmed' && sender.verify) {
          // The channel can tell whether the interrupted attempt arrived: settle it from there.
          const seen = await sender.verify(decision.record);
          if (seen === 'sent') {
            const settled: DeliveryRecord = { ...decision.record, state: 'sent', sentAt: now().toISOString(), answer: { ok: true, detail: 'found at the channel after an interrupted attempt' } };
            await journal.settle(settled);
            decision = settled.contentHash === p.contentHash ? { kind: 'already-sent', record: settled } : { kind: 'changed', record: settled };
          } else if (seen === 'not-sent') decision = { kind: 'send', previous: decision.record };
        }
        switch (decision.kind) {
          case 'already-sent':
            emit({ ...base, status: 'already-sent', message: `already sent on ${decision.record.sentAt ?? decision.record.attemptedAt} (${decision.record.answer?.detail ?? 'sent'}): not sent again`, record: decision.record });
            break deliver;
          case 'changed':
            emit({ ...base, status: 'already-sent', message: `sent on ${decision.record.sentAt} with other content: not sent again (pass --resend to send the revised announcement)`, record: decision.record });
            break deliver;
          case 'in-flight':
            emit({ ...base, status: 'unconfirmed', message: `another process (pid ${decision.record.pid}) is sending it right now`, record: decision.record });
            break deliver;
          case 'unconfirmed':
            emit({ ...base, status: 'unconfirmed', message: `an attempt on ${decision.record.attemptedAt} got no answer (${decision.record.answer?.detail ?? 'interrupted'}); ${sender.kind} cannot tell whether it arrived, so it is not sent again. Check the ${sender.kind} channel; if it did not arrive, run again with --retry-unconfirmed`, record: decision.record });
            break deliver;
          case 'send':
            break;
        }
        const attempt: DeliveryRecord = { ...base, plannedAt: p.plannedAt, contentHash: p.contentHash, attemptedAt: now().toISOString(), sentAt: null, state: 'attempted', answer: null, pid: process.pid, host };
        if (!(await journal.appendIf(attempt, latest))) {
          if (tries < 3) continue deliver;
          emit({ ...base, status: 'unconfirmed', message: 'another process is sending the same announcement at this moment: not sent here', record: null });
          break deliver;
        }
        const flight = `${deliveryKey(attempt)}|${attempt.attemptedAt}`;
        IN_FLIGHT.add(flight);
        let outcome;
        try {
          outcome = await sender.send(p, input.signal);
        } catch (e) {
          // A fault of ours before or while sending (a file we could not write): nothing confirmed went out.
          outcome = { kind: 'refused' as const, answer: { ok: false, detail: e instanceof Error ? e.message.split('\n')[0]!.slice(0, 300) : String(e) } };
        } finally {
          IN_FLIGHT.delete(flight);
        }
        if (outcome.kind === 'sent') {
          const record: DeliveryRecord = { ...attempt, state: 'sent', sentAt: now().toISOString(), answer: outcome.answer };
          await journal.settle(record);
          emit({ ...base, status: 'sent', message: outcome.answer.detail, record });
        } else if (outcome.kind === 'refused') {
          const record: DeliveryRecord = { ...attempt, state: 'failed', answer: outcome.answer };
          await journal.settle(record);
          emit({ ...base, status: 'failed', message: `${outcome.answer.detail}; nothing was sent, a rerun tries again`, record });
        } else {
          const record: DeliveryRecord = { ...attempt, answer: outcome.answer };
          await journal.settle(record);
          emit({ ...base, status: 'unconfirmed', message: `${outcome.answer.detail}; not sent again on a rerun unless --retry-unconfirmed`, record });
        }
        break;
      }
    }
  }
  return results;
}

/** A GitHubAnnouncer that connects on first use. */
function lazyAnnouncer(api: () => Promise<GitHubApi>): GitHubAnnouncer {
  let made: Promise<GitHubAnnouncer> | undefined;
  const get = () => (made ??= api().then(githubAnnouncer));
  return {
    discussion: async (i, signal) => (await get()).discussion(i, signal),
    comment: async (i, signal) => (await get()).comment(i, signal),
    find: async (i, signal) => (await get()).find(i, signal),
  };
}

/** Attempts this process is sending right now (a second send in the same process sees them as in flight). */
const IN_FLIGHT = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What the notice gate reads: the journal of the version and the hash each audience's notice would
 * have now (the same rendering as a send, so a changed release or template shows as changed content).
 */
export function noticeFacts(input: Omit<AnnounceInput, 'stage' | 'audiences' | 'plannedAt'>): () => Promise<NoticeFacts> {
  return async () => {
    const announce = announceConfigOf(input.config);
    let release: Release;
    try {
      release = await resolveRelease({ ...input, stage: 'notice' });
    } catch (e) {
      if (e instanceof UsageError && input.version === undefined) return { version: null, served: servedAudiences(announce), noticeHours: announce.noticeHours, records: [], currentHash: async () => '' };
      throw e;
    }
    const senders = sendersOf({ ...input, stage: 'notice' });
    const known = await knownIssuesFor({ ...input, stage: 'notice' }, ['support']);
    return {
      version: release.version,
      served: servedAudiences(announce),
      noticeHours: announce.noticeHours,
      records: await listDeliveries(input.repo.gitCommonDir, release.version),
      currentHash: async (audience, plannedAt) => (await render({ ...input, stage: 'notice' }, release, audience, 'notice', plannedAt, senders, known)).contentHash,
    };
  };
}

/**
 * The announce hook of deploy and rollback: sends started / completed / rolled-back to the audiences of
 * `announce.onDeploy` for its environments; returns warnings for what was not delivered (never throws
 * for a channel's fault). Without `announce.onDeploy`, or for another environment, it does nothing.
 */
export function deployAnnouncer(base: Omit<AnnounceInput, 'stage' | 'version' | 'audiences' | 'plannedAt'>): (event: { stage: 'started' | 'completed' | 'rolled-back'; version: string; environment: string }) => Promise<string[]> {
  return async (event) => {
    const on = base.config.announce?.onDeploy;
    if (!on || !on.environments.some((e) => e.toLowerCase() === event.environment.toLowerCase())) return [];
    const results = await sendAnnouncements({ ...base, stage: event.stage, version: event.version, ...(on.audiences ? { audiences: on.audiences } : {}) });
    return results.filter((r) => r.status === 'failed' || r.status === 'unconfirmed').map((r) => `the ${event.stage} announcement to ${r.audience} via ${r.channel} was not confirmed: ${r.message}`);
  };
}
