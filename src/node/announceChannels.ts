/**
 * The announcement channels: Slack incoming webhooks, e-mail over SMTP (nodemailer), files in the
 * repository, and GitHub. Each send answers sent, refused (nothing went out: safe to try again) or
 * unknown (it may have gone out: a cut connection or a timeout after the message was handed over).
 * Secrets (webhook URLs, SMTP credentials) come from a SecretSource and never reach a message, a log,
 * the journal or a file.
 */
import { mkdir } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { createTransport } from 'nodemailer';
import { channelId, type ChannelConfig } from '../core/announce/schema';
import type { AnnouncementPreview, ChannelAnswer, ChannelTarget, DeliveryRecord } from '../core/announce/types';
import { GitHubError, UsageError } from '../core/errors';
import { oneLine } from '../core/sanitize';
import { readTextOrNull, writeFileAtomic } from './atomicFile';
import { checkVersionName, contentHash } from './announceJournal';

/** Where secrets come from: environment variables (CLI) or VS Code SecretStorage (editor). */
export interface SecretSource {
  /** The secret of that name, or undefined when it is not set. */
  get(name: string): Promise<string | undefined>;
}

/** A SecretSource over environment variables. */
export function envSecrets(env: Record<string, string | undefined>): SecretSource {
  return { get: async (name) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined) };
}

/** How one send came out. */
export type SendOutcome =
  | { kind: 'sent'; answer: ChannelAnswer }
  /** Nothing went out (the channel refused, or nothing could be sent): another try may send it. */
  | { kind: 'refused'; answer: ChannelAnswer }
  /** It may have gone out: not repeated on its own. */
  | { kind: 'unknown'; answer: ChannelAnswer };

/** One configured channel, ready to send. */
export interface ChannelSender {
  readonly id: string;
  readonly kind: ChannelConfig['kind'];
  target(p: Pick<AnnouncementPreview, 'version' | 'audience' | 'stage'>): ChannelTarget;
  send(p: AnnouncementPreview, signal?: AbortSignal): Promise<SendOutcome>;
  /** Whether an attempt without an answer reached the channel, where the channel can tell (a file can). */
  verify?(record: DeliveryRecord): Promise<'sent' | 'not-sent' | 'unknown'>;
}

/** What building the senders needs. */
export interface ChannelDeps {
  root: string;
  secrets: SecretSource;
  /** Milliseconds a channel may take to answer (default 15 s). */
  timeoutMs?: number;
  /** Posts to GitHub (a Discussion on the release, or a tracking-issue comment). */
  github?: GitHubAnnouncer;
  /** The tag of a version (the config's tag format). */
  tagFor?: (version: string) => string;
}

/** What the GitHub channel needs from the GitHub adapter. */
export interface GitHubAnnouncer {
  /** Creates a Discussion for the release (releases API `discussion_category_name`); returns its URL. */
  discussion(input: { tag: string; title: string; body: string; category: string }, signal?: AbortSignal): Promise<string>;
  /** Comments on an issue; returns the comment's URL. */
  comment(input: { issue: number; body: string }, signal?: AbortSignal): Promise<string>;
  /** Whether a comment or discussion with this marker already exists (a resumed attempt). */
  find(input: { issue?: number; tag?: string; marker: string }, signal?: AbortSignal): Promise<string | null>;
}

/** Repository-relative path of an announcement file: `<audience>.md` for the notice, `<audience>-<stage>.md` for the later stages. */
export function announcementFile(version: string, audience: string, stage = 'notice'): string {
  return `release-announcements/${checkVersionName(version)}/${audience}${stage === 'notice' ? '' : `-${stage}`}.md`;
}

/** The sender of each channel. */
export function channelSenders(channels: readonly ChannelConfig[], deps: ChannelDeps): ChannelSender[] {
  return channels.map((c) => {
    switch (c.kind) {
      case 'slack':
        return slackSender(c, deps);
      case 'email':
        return emailSender(c, deps);
      case 'file':
        return fileSender(c, deps);
      case 'github':
        return githubSender(c, deps);
    }
  });
}

// ---------------------------------------------------------------- file

function fileSender(c: Extract<ChannelConfig, { kind: 'file' }>, deps: ChannelDeps): ChannelSender {
  return {
    id: channelId(c),
    kind: 'file',
    target: (p) => ({ id: channelId(c), kind: 'file', label: announcementFile(p.version, p.audience, p.stage) }),
    async send(p) {
      const rel = announcementFile(p.version, p.audience, p.stage);
      const path = join(deps.root, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, p.markdown);
      return { kind: 'sent', answer: { ok: true, detail: `wrote ${rel}` } };
    },
    async verify(record) {
      const text = await readTextOrNull(join(deps.root, announcementFile(record.version, record.audience, record.stage)));
      return text !== null && contentHash(text) === record.contentHash ? 'sent' : 'not-sent';
    },
  };
}

// ---------------------------------------------------------------- slack

/** Refuses a webhook URL that is not https, except http on the loopback interface. Never echoes the URL. */
export function checkWebhookUrl(raw: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`The Slack webhook URL in ${name} is not a URL.`, `Set ${name} to the incoming-webhook URL Slack gave you (https://hooks.slack.com/services/…).`);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`The Slack webhook URL in ${name} is not https: refused (the URL is a secret and the message would travel in clear).`, `Use the https URL Slack gave you; plain http is accepted on 127.0.0.1 only.`);
  }
  if (url.username !== '' || url.password !== '') throw new UsageError(`The Slack webhook URL in ${name} carries credentials: refused.`, 'Use the URL Slack gave you.');
  return url;
}

/** What Slack's answers mean, in words (https://api.slack.com/messaging/webhooks#handling_errors). */
const SLACK_ERRORS: Record<string, string> = {
  channel_is_archived: 'the Slack channel is archived',
  channel_not_found: 'the Slack channel no longer exists',
  no_service: 'the webhook was removed or disabled in Slack',
  no_team: 'the Slack workspace no longer exists',
  team_disabled: 'the Slack workspace is disabled',
  invalid_token: 'the webhook URL is not valid any more',
  action_prohibited: 'a Slack admin prohibits posting there',
  posting_to_general_channel_denied: 'only admins may post to that channel',
  invalid_payload: 'Slack refused the message as malformed',
  too_many_attachments: 'Slack refused the message as too large',
  rollup_error: 'Slack had an internal error',
};

function slackSender(c: Extract<ChannelConfig, { kind: 'slack' }>, deps: ChannelDeps): ChannelSender {
  const id = channelId(c);
  return {
    id,
    kind: 'slack',
    target: () => ({ id, kind: 'slack', label: `Slack webhook from ${c.webhookEnv}` }),
    async send(p, signal) {
      const raw = await deps.secrets.get(c.webhookEnv);
      if (raw === undefined) return { kind: 'refused', answer: { ok: false, detail: `no webhook URL: ${c.webhookEnv} is not set (CLI: the environment variable; editor: Release: Set Channel Secret)` } };
      let url: URL;
      try {
        url = checkWebhookUrl(raw, c.webhookEnv);
      } catch (e) {
        return { kind: 'refused', answer: { ok: false, detail: (e as Error).message } };
      }
      const body = JSON.stringify({ text: p.slack.text, blocks: p.slack.blocks });
      const out = await postJson(url, body, deps.timeoutMs ?? 15_000, signal);
      const redact = (s: string) => oneLine(s.split(raw).join('<webhook URL>').split(url.pathname).join('/…')).slice(0, 300);
      if (out.kind === 'answer') {
        const text = redact(out.body.trim());
        if (out.status === 200 && text === 'ok') return { kind: 'sent', answer: { ok: true, detail: 'Slack answered 200 ok' } };
        const meaning = SLACK_ERRORS[text];
        const detail = `Slack answered ${out.status}${text ? ` ${text}` : ''}${meaning ? `: ${meaning}` : ''}`;
        return { kind: 'refused', answer: { ok: false, detail } };
      }
      if (out.kind === 'not-sent') return { kind: 'refused', answer: { ok: false, detail: `not sent: ${redact(out.error)}` } };
      return { kind: 'unknown', answer: { ok: false, detail: `no answer from Slack after the message was sent (${redact(out.error)}): it may have been posted` } };
    },
  };
}

type PostOutcome = { kind: 'answer'; status: number; body: string } | { kind: 'not-sent'; error: string } | { kind: 'maybe-sent'; error: string };

/** POSTs JSON; tells apart "never reached the server" from "sent, then no answer". */
function postJson(url: URL, body: string, timeoutMs: number, signal?: AbortSignal): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let written = false;
    let settled = false;
    const done = (o: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) } }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < 4096) text += chunk;
      });
      res.on('end', () => done({ kind: 'answer', status: res.statusCode ?? 0, body: text }));
      res.on('error', (e) => done({ kind: 'answer', status: res.statusCode ?? 0, body: text || e.message }));
    });
    req.on('finish', () => (written = true));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const what = e.code ?? e.message;
      // Refused or unresolvable before a byte went out: nothing was posted.
      if (!written && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID'].includes(e.code ?? '')) done({ kind: 'not-sent', error: what });
      else done({ kind: written ? 'maybe-sent' : 'not-sent', error: what === 'ECONNRESET' ? 'connection cut' : what });
    });
    const timer = setTimeout(() => {
      done({ kind: written ? 'maybe-sent' : 'not-sent', error: `timed out after ${Math.round(timeoutMs / 1000)} s` });
      req.destroy();
    }, timeoutMs);
    const onAbort = () => {
      done({ kind: written ? 'maybe-sent' : 'not-sent', error: 'cancelled' });
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

// ---------------------------------------------------------------- email

function emailSender(c: Extract<ChannelConfig, { kind: 'email' }>, deps: ChannelDeps): ChannelSender {
  const id = channelId(c);
  return {
    id,
    kind: 'email',
    target: () => ({ id, kind: 'email', label: `e-mail to ${c.to.join(', ')} via ${c.host}:${c.port}` }),
    async send(p) {
      const user = c.userEnv ? await deps.secrets.get(c.userEnv) : undefined;
      const pass = c.passwordEnv ? await deps.secrets.get(c.passwordEnv) : undefined;
      if (c.userEnv && user === undefined) return { kind: 'refused', answer: { ok: false, detail: `not sent: ${c.userEnv} is not set` } };
      if (c.passwordEnv && pass === undefined) return { kind: 'refused', answer: { ok: false, detail: `not sent: ${c.passwordEnv} is not set` } };
      const timeout = deps.timeoutMs ?? 15_000;
      // The SMTP dialogue is watched (never stored) to tell "nothing sent" from "the message went out":
      // once the DATA command is on its way, a cut connection or a timeout may have delivered it.
      let dataSent = false;
      const watch = (data: unknown, message: unknown) => {
        if ((data as { tnx?: string } | null)?.tnx === 'client' && /^DATA\b/i.test(String(message))) dataSent = true;
      };
      const logger = { trace: watch, debug: watch, info: watch, warn: watch, error: watch, fatal: watch, level: () => undefined };
      const transport = createTransport({
        logger: logger as never,
        transactionLog: true,
        host: c.host,
        port: c.port,
        secure: c.secure ?? c.port === 465,
        ...(user !== undefined ? { auth: { user, pass: pass ?? '' } } : {}),
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const redact = (s: string) => {
        let t = s;
        for (const secret of [user, pass]) if (secret) t = t.split(secret).join('<secret>');
        return oneLine(t).slice(0, 300);
      };
      try {
        const info = (await transport.sendMail({ from: c.from, to: c.to, subject: p.email.subject, text: p.email.text, html: p.email.html })) as { response?: string; accepted?: unknown[]; rejected?: unknown[] };
        const rejected = Array.isArray(info.rejected) ? info.rejected.length : 0;
        return { kind: 'sent', answer: { ok: true, detail: `SMTP ${redact(info.response ?? 'accepted')}${rejected > 0 ? ` (${rejected} recipients rejected)` : ''}` } };
      } catch (e) {
        const err = e as { code?: string; command?: string; responseCode?: number; response?: string; message?: string };
        if (err.responseCode !== undefined) {
          return { kind: 'refused', answer: { ok: false, detail: `the SMTP server refused it (${err.command ?? 'SMTP'}: ${redact(err.response ?? String(err.responseCode))})` } };
        }
        // Before the DATA command went out nothing was sent; after it, the server may have the message.
        const detail = redact(`${err.code ?? ''} ${err.message ?? ''}`.trim());
        if (!dataSent) return { kind: 'refused', answer: { ok: false, detail: `not sent: ${detail}` } };
        return { kind: 'unknown', answer: { ok: false, detail: `no answer from the SMTP server after the message was sent (${detail}): it may have been delivered` } };
      } finally {
        transport.close();
      }
    },
  };
}

// ---------------------------------------------------------------- github

function githubSender(c: Extract<ChannelConfig, { kind: 'github' }>, deps: ChannelDeps): ChannelSender {
  const id = channelId(c);
  const marker = (p: Pick<AnnouncementPreview, 'version' | 'audience' | 'stage' | 'contentHash'>) => `<!-- release-manager:announce ${p.version} ${p.stage} ${p.audience} ${p.contentHash.slice(0, 16)} -->`;
  return {
    id,
    kind: 'github',
    target: () => ({ id, kind: 'github', label: c.issue !== undefined ? `comment on issue #${c.issue}` : `GitHub Discussion (${c.discussionCategory})` }),
    async send(p, signal) {
      if (!deps.github) return { kind: 'refused', answer: { ok: false, detail: 'not sent: GitHub is not connected (CLI: set GITHUB_TOKEN; editor: sign in to GitHub)' } };
      const body = `${p.markdown}\n${marker(p)}\n`;
      try {
        const url = c.issue !== undefined ? await deps.github.comment({ issue: c.issue, body }, signal) : await deps.github.discussion({ tag: p.tag, title: p.slack.text, body, category: c.discussionCategory! }, signal);
        return { kind: 'sent', answer: { ok: true, detail: url } };
      } catch (e) {
        const message = oneLine(e instanceof Error ? e.message : String(e)).slice(0, 300);
        // A refusal we can name (no release, no permission, no such issue) sent nothing; anything else is read back on the next run.
        if (e instanceof UsageError || (e instanceof GitHubError && ['not-found', 'forbidden', 'no-token', 'unauthorized', 'invalid', 'not-github', 'host-blocked'].includes(e.code))) return { kind: 'refused', answer: { ok: false, detail: `GitHub refused it: ${message}` } };
        return { kind: 'unknown', answer: { ok: false, detail: `GitHub did not confirm (${message})` } };
      }
    },
    async verify(record) {
      if (!deps.github) return 'unknown';
      const found = await deps.github.find({ ...(c.issue !== undefined ? { issue: c.issue } : {}), tag: deps.tagFor ? deps.tagFor(record.version) : record.version, marker: marker(record) }).catch(() => undefined);
      return found === undefined ? 'unknown' : found === null ? 'not-sent' : 'sent';
    },
  };
}
