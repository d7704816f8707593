/** The data shapes of announcements: who they are for, which stage, and what a delivery left behind. */

/** Who an announcement is written for. */
export type Audience = 'internal' | 'external' | 'support';
/** Every audience, in the order they are listed. */
export const AUDIENCES: readonly Audience[] = ['internal', 'external', 'support'];

/** Where a release stands, as a maintenance notice tells it. */
export type Stage = 'notice' | 'started' | 'completed' | 'rolled-back';
/** Every stage, in lifecycle order. */
export const STAGES: readonly Stage[] = ['notice', 'started', 'completed', 'rolled-back'];

/** The kinds of channel an announcement goes through. */
export type ChannelKind = 'slack' | 'email' | 'github' | 'file';

/** A Slack incoming-webhook message: fallback text plus Block Kit blocks. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** The Block Kit blocks we send (header, section with mrkdwn, context). */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: false } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** An e-mail: subject, plain text and an HTML part that carries the same text, escaped. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** One channel an announcement goes to, as shown (never with a secret). */
export interface ChannelTarget {
  /** Stable id of the channel within the config (`slack`, `email`, `file`, or the configured `id`). */
  id: string;
  kind: ChannelKind;
  /** What it points at, without secrets: `#env SLACK_WEBHOOK_URL`, `team@example.com`, `release-announcements/1.2.0/internal.md`. */
  label: string;
}

/** One audience's announcement, rendered for every channel (what the preview shows and the send delivers). */
export interface AnnouncementPreview {
  audience: Audience;
  stage: Stage;
  version: string;
  /** The release's tag (v1.4.0), whether or not it exists yet. */
  tag: string;
  /** Planned deploy time (ISO, UTC), null when none was given. */
  plannedAt: string | null;
  /** The template that was used: `built-in` or the repository-relative override. */
  template: string;
  /** The announcement as markdown (file, GitHub, preview); hostile text escaped. */
  markdown: string;
  slack: SlackPayload;
  email: EmailMessage;
  /** The channels configured for this audience. */
  channels: ChannelTarget[];
  /** sha256 of the markdown: what the journal and the notice gate compare. */
  contentHash: string;
}

/** What a channel answered, as journaled (never a secret). */
export interface ChannelAnswer {
  ok: boolean;
  /** HTTP status, SMTP reply, file path, URL of the discussion or comment. */
  detail: string;
}

/** One journaled delivery: an attempt first, its answer once the channel replied. */
export interface DeliveryRecord {
  version: string;
  stage: Stage;
  audience: Audience;
  channel: string;
  channelKind: ChannelKind;
  plannedAt: string | null;
  contentHash: string;
  /** When the attempt started (written before anything was sent). */
  attemptedAt: string;
  /** When the channel confirmed; null while only attempted or failed. */
  sentAt: string | null;
  /** attempted: sent or not, nobody knows (a crash mid-send); sent: confirmed; failed: the channel refused. */
  state: 'attempted' | 'sent' | 'failed';
  answer: ChannelAnswer | null;
  /** Process that attempted it (an attempt of a live process is not resumed by another). */
  pid: number;
  host: string;
}

/** What one send did for one audience and channel. */
export interface DeliveryResult {
  audience: Audience;
  stage: Stage;
  version: string;
  channel: string;
  channelKind: ChannelKind;
  /** sent now; already-sent (journal says so, nothing sent); failed; unconfirmed (an earlier attempt may have gone out: not repeated). */
  status: 'sent' | 'already-sent' | 'failed' | 'unconfirmed';
  /** One line for people (no secret). */
  message: string;
  record: DeliveryRecord | null;
}

/** What the notice gate reads (src/node/announce.ts builds it from the delivery journal). */
export interface NoticeFacts {
  /** The version the gates judge; null when there is nothing to release. */
  version: string | null;
  /** Audiences with at least one channel. */
  served: Audience[];
  /** announce.noticeHours. */
  noticeHours: number;
  /** Every journaled delivery of the version (any stage, any state). */
  records: DeliveryRecord[];
  /** The content hash an audience's notice would have now, for a planned time (tells changed content). */
  currentHash(audience: Audience, plannedAt: string | null): Promise<string>;
}

