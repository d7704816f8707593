/**
 * The built-in templates (one per audience; a repository overrides them with
 * `.release-manager/announcements/<audience>.md`) and their rendering for each channel. Templates are
 * mustache (logic-less); every value is escaped for the channel it goes to, so hostile commit and PR
 * text is inert everywhere: markdown gets no HTML, links or dangerous schemes; Slack mrkdwn gets no
 * mentions or `<url|text>` links; e-mail HTML carries only escaped text.
 */
import { Mustache } from './mustache';
import { escapeMarkdown } from '../render';
import type { Audience, EmailMessage, SlackBlock, SlackPayload } from './types';
import type { TemplateView } from './content';
import { validateTemplate } from './variables';

/** Folder (repository-relative) of the template overrides. */
export const TEMPLATE_DIR = '.release-manager/announcements';

/** Repository-relative path of an audience's template override. */
export function templatePath(audience: Audience): string {
  return `${TEMPLATE_DIR}/${audience}.md`;
}

const CHANGES = `{{#hasBreaking}}
## Breaking changes

{{#breaking}}
- {{text}}
{{#migration}}
  - Migration: {{text}}
{{/migration}}
{{/breaking}}

{{/hasBreaking}}
{{#sections}}
## {{title}}

{{#entries}}
- {{text}}
{{/entries}}

{{/sections}}`;

/** The built-in template of each audience. */
export const DEFAULT_TEMPLATES: Readonly<Record<Audience, string>> = {
  internal: `# {{headline}}

{{#isNotice}}
**Deploy window:** {{plannedUtc}}{{#hasPlanned}} ({{plannedLocal}}){{/hasPlanned}}{{^hasPlanned}}not scheduled yet{{/hasPlanned}}

{{/isNotice}}
**Version:** {{version}}{{#previousVersion}} (replaces {{previousVersion}}){{/previousVersion}}
{{#environments}}
- Environment {{name}}: {{strategy}}
{{/environments}}
**Rollback plan:** {{#rollbackVersion}}roll back to {{rollbackVersion}}{{/rollbackVersion}}{{^rollbackVersion}}no earlier release to return to{{/rollbackVersion}}
{{#flags}}
- Flag: {{name}}
{{/flags}}
{{#owners}}
- Owner: {{name}}
{{/owners}}

${CHANGES}`,
  external: `# {{headline}}

{{#isNotice}}
{{#hasPlanned}}
We will update to {{version}} on {{plannedUtc}} ({{plannedLocal}}).
{{/hasPlanned}}
{{/isNotice}}
{{#isRolledBack}}
We returned to the previous version while we look into a problem with {{version}}.
{{/isRolledBack}}

${CHANGES}`,
  support: `# {{headline}}

{{#isNotice}}
{{#hasPlanned}}
Planned: {{plannedUtc}} ({{plannedLocal}}).

{{/hasPlanned}}
{{/isNotice}}
{{#hasChanges}}
## What users will notice

{{/hasChanges}}
${CHANGES}
## Known issues

{{#knownIssues}}
- {{title}}{{#workaround}} (workaround: {{workaround}}){{/workaround}}
{{/knownIssues}}
{{^hasKnownIssues}}
- None known.
{{/hasKnownIssues}}

## Escalation

- Contact: {{#escalation}}{{escalation}}{{/escalation}}{{^escalation}}not configured{{/escalation}}
- On call: {{#onCall}}{{onCall}}{{/onCall}}{{^onCall}}not configured{{/onCall}}
`,
};

/** Slack's limit of a section block's text. */
export const SLACK_SECTION_LIMIT = 3000;

/** The markdown of a template (file, GitHub, preview): values escaped for markdown, mentions neutralised. */
export function renderMarkdownAnnouncement(template: string, view: TemplateView, file: string): string {
  validateTemplate(template, file);
  return tidy(Mustache.render(template, view, {}, { escape: (v: unknown) => escapeMarkdown(String(v)) }));
}

/** The plain text of a template (the e-mail's text part): values as plain text (already single, safe lines). */
export function renderPlainAnnouncement(template: string, view: TemplateView, file: string): string {
  validateTemplate(template, file);
  return tidy(Mustache.render(template, view, {}, { escape: (v: unknown) => String(v) }));
}

/** Escapes text for Slack mrkdwn: the three characters Slack requires, and broadcast words made inert. */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/**
 * The Slack message of a template: values escaped for mrkdwn, headings as bold lines, one section cut at
 * Slack's limit with a link to the full notes (or where to find them).
 */
export function renderSlackAnnouncement(template: string, view: TemplateView, file: string, fullNotes: { url: string | null; where: string }): SlackPayload {
  validateTemplate(template, file);
  const rendered = tidy(Mustache.render(template, view, {}, { escape: (v: unknown) => escapeSlack(String(v)) }));
  const mrkdwn = rendered
    .split('\n')
    .map((l) => l.replace(/^#{1,6} (.*)$/, '*$1*').replace(/\*\*([^*\n]+)\*\*/g, '*$1*'))
    .join('\n');
  const blocks: SlackBlock[] = [];
  if (mrkdwn.length <= SLACK_SECTION_LIMIT) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } });
  else {
    const link = fullNotes.url !== null && /^https:\/\/[^\s<>|]+$/i.test(fullNotes.url) ? `<${fullNotes.url}|Full notes>` : `Full notes: ${escapeSlack(fullNotes.where)}`;
    const room = SLACK_SECTION_LIMIT - link.length - 8;
    let cut = mrkdwn.lastIndexOf('\n', room);
    if (cut < room / 2) cut = room;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${cutSafely(mrkdwn, cut)}\n…\n${link}` } });
  }
  const text = escapeSlack(String(view.headline ?? ''));
  return { text, blocks };
}

/** Never cut inside an escape such as `&amp;` (a half escape would show as text, or worse, as `&`). */
function cutSafely(text: string, at: number): string {
  const head = text.slice(0, at);
  const amp = head.lastIndexOf('&');
  return amp >= 0 && amp > head.length - 6 && !head.slice(amp).includes(';') ? head.slice(0, amp) : head;
}

/** The e-mail of a template: the plain text, and an HTML part that is the same text escaped (no markup from any value). */
export function renderEmailAnnouncement(template: string, view: TemplateView, file: string): EmailMessage {
  const text = renderPlainAnnouncement(template, view, file);
  const subject = String(view.headline ?? '').replace(/[\r\n]+/g, ' ').slice(0, 200);
  const html = `<!doctype html>\n<html><body><div style="white-space: pre-wrap; font-family: sans-serif">${escapeHtml(text)}</div></body></html>\n`;
  return { subject, text, html };
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** At most one blank line in a row, no trailing spaces, one final newline. */
function tidy(text: string): string {
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
