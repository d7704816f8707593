/** The `announce` key of the config file: channels per audience, the notice lead time and what the templates say. */
import { once } from '../lazy';
import * as z from 'zod';
import { environmentNameSchema } from '../deploy/schema';
import { AUDIENCES, type Audience } from './types';

const audienceSchema = once(() => z.enum(['internal', 'external', 'support']));
const audiencesSchema = once(() => z
  .array(audienceSchema())
  .min(1)
  .max(3)
  .refine((a) => new Set(a).size === a.length, 'must not name an audience twice')
  .describe('Audiences this channel receives (internal, external, support).'));

/** The name of an environment variable (also the key of the editor's secret): letters, digits, "_". */
export const secretNameSchema = once(() => z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name (letters, digits, "_")'));

const channelIdSchema = once(() => z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
  .describe('Id of the channel in the journal (default: its kind; give one when two channels share a kind).'));

const slackChannelSchema = once(() => z.strictObject({
  kind: z.literal('slack'),
  id: channelIdSchema().optional(),
  webhookEnv: secretNameSchema().describe('Environment variable (CLI) or channel secret (editor: Release: Set Channel Secret) holding the incoming-webhook URL. Never put the URL in this file.'),
  audiences: audiencesSchema().default(() => [...AUDIENCES]),
  notesUrl: z.string().url().max(2000).refine((u) => /^https:\/\//i.test(u), 'must be an https URL').optional().describe('Link to the full notes, shown when a message is cut at Slack\'s limit ({version} is replaced).'),
}));

const emailChannelSchema = once(() => z.strictObject({
  kind: z.literal('email'),
  id: channelIdSchema().optional(),
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or address').describe('SMTP server.'),
  port: z.number().int().min(1).max(65535).default(587).describe('SMTP port (465: TLS from the start; others: STARTTLS when offered).'),
  secure: z.boolean().optional().describe('TLS from the start (default: true on port 465).'),
  from: z.email().max(320).describe('Sender address.'),
  to: z.array(z.email().max(320)).min(1).max(100).describe('Recipients.'),
  userEnv: secretNameSchema().optional().describe('Environment variable / channel secret holding the SMTP user name.'),
  passwordEnv: secretNameSchema().optional().describe('Environment variable / channel secret holding the SMTP password.'),
  audiences: audiencesSchema().default(() => [...AUDIENCES]),
}));

const githubChannelSchema = once(() => z.strictObject({
  kind: z.literal('github'),
  id: channelIdSchema().optional(),
  discussionCategory: z.string().min(1).max(100).optional().describe('Create a Discussion for the release in this category (the releases API\'s discussion_category_name).'),
  issue: z.number().int().min(1).optional().describe('Comment on this tracking issue instead.'),
  audiences: audiencesSchema().default(() => ['external'] as Audience[]),
}));

const fileChannelSchema = once(() => z.strictObject({
  kind: z.literal('file'),
  id: channelIdSchema().optional(),
  audiences: audiencesSchema().default(() => [...AUDIENCES]),
}));

/** One configured channel. */
export const channelSchema = once(() => z.discriminatedUnion('kind', [slackChannelSchema(), emailChannelSchema(), githubChannelSchema(), fileChannelSchema()]));
/** A parsed channel. */
export type ChannelConfig = z.infer<ReturnType<typeof channelSchema>>;

const knownIssueSchema = once(() => z.strictObject({
  title: z.string().min(1).max(300),
  workaround: z.string().max(1000).optional(),
}));

/** The `announce` key. */
export const announceConfigSchema = once(() => z
  .strictObject({
    channels: z
      .array(channelSchema())
      .max(20)
      .default(() => [])
      .describe('Where announcements go. Omitted or empty: every audience is written to release-announcements/<version>/<audience>.md.'),
    noticeHours: z.number().min(0).max(24 * 60).default(48).describe('Hours a notice must go out before the deploy (the notice gate\'s default leadHours).'),
    timeZone: z
      .string()
      .max(64)
      .refine((tz) => validTimeZone(tz), 'must be an IANA time zone such as Europe/Berlin')
      .default('UTC')
      .describe('Named time zone the deploy window is shown in, next to UTC.'),
    owners: z.array(z.string().min(1).max(200)).max(50).default(() => []).describe('Owners of the release (internal announcement).'),
    flags: z.array(z.string().min(1).max(200)).max(100).default(() => []).describe('Feature flags that matter for this release (internal announcement).'),
    escalation: z.string().max(300).optional().describe('Escalation contact (support announcement).'),
    onCall: z.string().max(300).optional().describe('Who is on call (support announcement).'),
    knownIssues: z.array(knownIssueSchema()).max(100).default(() => []).describe('Known issues with workarounds (support announcement).'),
    knownIssueLabel: z.string().min(1).max(100).default('known-issue').describe('Open GitHub issues with this label are listed as known issues.'),
    internalLabels: z.array(z.string().min(1).max(100)).max(20).default(() => ['internal']).describe('Pull requests with one of these labels never reach external or support announcements.'),
    onDeploy: z
      .strictObject({
        environments: z.array(environmentNameSchema()).min(1).max(20).default(() => ['production']).describe('Environments whose deploys and rollbacks are announced.'),
        audiences: z.array(audienceSchema()).min(1).max(3).optional().describe('Audiences told (default: every audience with a channel).'),
      })
      .optional()
      .describe('Send started / completed / rolled-back automatically on deploy and rollback (best effort: a failed send is a warning).'),
  })
  .superRefine((a, ctx) => {
    const ids = new Map<string, number>();
    a.channels.forEach((c, i) => {
      const id = c.id ?? c.kind;
      const prev = ids.get(id);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: `channel id "${id}" is also channels[${prev}]; give each an "id"` });
      else ids.set(id, i);
      if (c.kind === 'github' && (c.discussionCategory === undefined) === (c.issue === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['channels', i], message: 'set exactly one of discussionCategory and issue' });
      }
    });
  }));
/** The parsed `announce` key. */
export type AnnounceConfig = z.infer<ReturnType<typeof announceConfigSchema>>;

/** The config used without an `announce` key. */
export function defaultAnnounceConfig(): AnnounceConfig {
  return announceConfigSchema().parse({});
}

/** A channel's id in the journal. */
export function channelId(c: ChannelConfig): string {
  return c.id ?? c.kind;
}

/** The channels in effect: the configured ones, or the file channel for every audience when none is configured. */
export function effectiveChannels(a: AnnounceConfig): ChannelConfig[] {
  return a.channels.length > 0 ? a.channels : [{ kind: 'file', audiences: [...AUDIENCES] }];
}

/** Audiences that at least one channel receives. */
export function servedAudiences(a: AnnounceConfig): Audience[] {
  const served = new Set(effectiveChannels(a).flatMap((c) => c.audiences));
  return AUDIENCES.filter((x) => served.has(x));
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
