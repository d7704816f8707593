import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { announcementView, kacSectionOf } from '../../../src/core/announce/content';
import { defaultAnnounceConfig } from '../../../src/core/announce/schema';
import { DEFAULT_TEMPLATES, SLACK_SECTION_LIMIT, escapeSlack, renderMarkdownAnnouncement, renderSlackAnnouncement } from '../../../src/core/announce/templates';
import { TEMPLATE_VARIABLES, validateTemplate } from '../../../src/core/announce/variables';
import { defaultConfig, parseConfig } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';
import type { NoteEntry, ReleaseNotes } from '../../../src/core/notes';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { previewAnnouncements } from '../../../src/node/announce';
import { TestRepo } from '../../helpers/testRepo';

function entry(over: Partial<NoteEntry>): NoteEntry {
  return { hash: 'a'.repeat(40), type: 'feat', scope: null, subject: 'thing', breaking: false, breakingNotes: [], pr: null, authors: ['A'], date: '2026-12-01T00:00:00Z', ...over };
}

function notes(entries: NoteEntry[]): ReleaseNotes {
  return {
    range: { from: 'v1.0.0', to: 'HEAD', fromHash: null, toHash: 'b'.repeat(40) },
    version: { current: '1.0.0', next: '1.1.0', bump: 'minor', prerelease: null, hotfix: false, firstRelease: false, reasons: [], warnings: [] },
    date: null,
    sections: [{ title: 'Features', entries }],
    contributors: [],
    firstTimeContributors: [],
    warnings: [],
  };
}

const facts = { version: '1.1.0', previousVersion: '1.0.0', tag: 'v1.1.0', repository: 'shop', stage: 'notice' as const, audience: 'external' as const, plannedAt: Date.parse('2026-12-08T14:00:00Z') };

describe('announcement templates', () => {
  after(() => TestRepo.cleanup());

  it('names the file, line and variable of an unknown variable', () => {
    const text = '# {{headline}}\n\nHello\n{{#sections}}\n## {{title}}\n{{#entries}}- {{txet}}\n{{/entries}}\n{{/sections}}\n';
    assert.throws(
      () => validateTemplate(text, '.release-manager/announcements/external.md'),
      (e: unknown) => e instanceof ConfigError && /^\.release-manager\/announcements\/external\.md:6: unknown variable "txet"/.test(e.message),
    );
  });

  it('knows the fields of list items only inside their section', () => {
    assert.throws(() => validateTemplate('{{title}}\n', 'f.md'), /f\.md:1: unknown variable "title"/);
    validateTemplate('{{#knownIssues}}{{title}} {{workaround}}{{/knownIssues}}', 'f.md');
  });

  it('refuses unescaped variables and partials', () => {
    assert.throws(() => validateTemplate('a\n{{{headline}}}', 'f.md'), /f\.md:2: unescaped variable "headline"/);
    assert.throws(() => validateTemplate('{{&version}}', 'f.md'), /unescaped variable/);
    assert.throws(() => validateTemplate('{{> other}}', 'f.md'), /partials/);
    assert.throws(() => validateTemplate('{{#sections}}\n', 'f.md'), /f\.md:\d+: the template does not parse/);
  });

  it('uses only documented variables in the built-in templates', () => {
    for (const [audience, text] of Object.entries(DEFAULT_TEMPLATES)) validateTemplate(text, `built-in ${audience}`);
    assert.ok(Object.keys(TEMPLATE_VARIABLES).length > 20);
  });

  it('maps commit types and PR labels to Keep a Changelog sections', () => {
    assert.equal(kacSectionOf(entry({ type: 'feat' })), 'Added');
    assert.equal(kacSectionOf(entry({ type: 'fix' })), 'Fixed');
    assert.equal(kacSectionOf(entry({ type: 'perf' })), 'Changed');
    assert.equal(kacSectionOf(entry({ type: 'feat', subject: 'remove the v1 API' })), 'Removed');
    assert.equal(kacSectionOf(entry({ type: 'feat', subject: 'deprecate XML export' })), 'Deprecated');
    assert.equal(kacSectionOf(entry({ type: 'fix', labels: ['security'] })), 'Security');
    assert.equal(kacSectionOf(entry({ type: 'chore' })), null);
  });

  it('leaves internal PRs out of the external and support announcements and lists breaking changes first with migration notes', () => {
    const n = notes([
      entry({ hash: '1'.repeat(40), subject: 'public search' }),
      entry({ hash: '2'.repeat(40), subject: 'secret admin tool', labels: ['internal'] }),
      entry({ hash: '3'.repeat(40), subject: 'new auth', breaking: true, breakingNotes: ['Tokens expire after 1 h; refresh them.'] }),
    ]);
    const md = renderMarkdownAnnouncement(DEFAULT_TEMPLATES.external, announcementView(n, defaultConfig(), defaultAnnounceConfig(), facts), 'x');
    assert.ok(!md.includes('secret admin tool'));
    assert.ok(md.indexOf('## Breaking changes') < md.indexOf('## Added'), md);
    assert.match(md, /Migration: Tokens expire after 1 h; refresh them\./);
    const internal = renderMarkdownAnnouncement(DEFAULT_TEMPLATES.internal, announcementView(n, defaultConfig(), defaultAnnounceConfig(), { ...facts, audience: 'internal' }), 'x');
    assert.match(internal, /secret admin tool/);
    assert.match(internal, /Rollback plan:\*\* roll back to 1\.0\.0/);
  });

  it('shows the deploy window in UTC and the named time zone', () => {
    const announce = { ...defaultAnnounceConfig(), timeZone: 'Europe/Berlin' };
    const md = renderMarkdownAnnouncement(DEFAULT_TEMPLATES.internal, announcementView(notes([]), defaultConfig(), announce, { ...facts, audience: 'internal' }), 'x');
    assert.match(md, /2026-12-08 14:00 UTC \(2026-12-08 15:00 Europe\/Berlin\)/);
  });

  it("cuts Slack's section at its limit with a link to the full notes", () => {
    const many = Array.from({ length: 200 }, (_, i) => entry({ hash: String(i).padStart(40, '0'), subject: `change number ${i} with a rather long description & more` }));
    const view = announcementView(notes(many), defaultConfig(), defaultAnnounceConfig(), facts);
    const slack = renderSlackAnnouncement(DEFAULT_TEMPLATES.external, view, 'x', { url: 'https://example.com/notes/1.1.0', where: 'release-announcements/1.1.0/external.md' });
    const section = slack.blocks[0]!;
    assert.equal(section.type, 'section');
    const text = (section as { text: { text: string } }).text.text;
    assert.ok(text.length <= SLACK_SECTION_LIMIT, String(text.length));
    assert.match(text, /<https:\/\/example\.com\/notes\/1\.1\.0\|Full notes>$/);
    assert.doesNotMatch(text, /&[a-z]*$/m);
    const noUrl = renderSlackAnnouncement(DEFAULT_TEMPLATES.external, view, 'x', { url: null, where: 'release-announcements/1.1.0/external.md' });
    assert.match((noUrl.blocks[0] as { text: { text: string } }).text.text, /Full notes: release-announcements\/1\.1\.0\/external\.md$/);
  });

  it('escapes what Slack would read as mentions or links', () => {
    assert.equal(escapeSlack('<!channel> <@U1> <https://x|y> a & b'), '&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; a &amp; b');
    assert.doesNotMatch(escapeSlack('@here @channel @everyone'), /(^|\s)@(here|channel|everyone)/);
  });

  it('reads a repository override and fails naming it when a variable is unknown', async () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    mkdirSync(join(r.dir, '.release-manager/announcements'), { recursive: true });
    writeFileSync(join(r.dir, '.release-manager/announcements/support.md'), '# {{headline}}\n\n{{oncall}}\n');
    const repo = await LocalGitRepo.open(r.dir);
    await assert.rejects(previewAnnouncements({ repo, config: parseConfig('{}'), stage: 'notice', audiences: ['support'] }), (e: unknown) => e instanceof ConfigError && /\.release-manager\/announcements\/support\.md:3: unknown variable "oncall" \(did you mean "onCall"\?\)/.test(e.message));
    writeFileSync(join(r.dir, '.release-manager/announcements/support.md'), '# {{headline}}\n\nCall {{onCall}}.\n');
    const [p] = await previewAnnouncements({ repo, config: parseConfig(JSON.stringify({ announce: { onCall: 'Dana <b>' } })), stage: 'notice', audiences: ['support'] });
    assert.match(p!.markdown, /Call Dana &lt;b&gt;\./);
    assert.equal(p!.template, '.release-manager/announcements/support.md');
  });
});
