import * as assert from 'node:assert/strict';
import { markdownBlocks, markdownSpans, slackSpans } from '../../../src/shared/markdownBlocks';

describe('the announce preview reads markdown and Slack mrkdwn as plain text blocks', () => {
  it('reads headings, lists, paragraphs, rules, quotes and fenced code', () => {
    const blocks = markdownBlocks('# Release 1.2.0\n\nPlanned for **Tuesday**.\n\n## Fixed\n- a fix\n- another\n  continued\n\n---\n> note\n```\n<b>code</b>\n```\n');
    assert.deepEqual(
      blocks.map((b) => b.kind),
      ['heading', 'paragraph', 'heading', 'list', 'rule', 'quote', 'code'],
    );
    assert.deepEqual(blocks[0], { kind: 'heading', level: 1, spans: [{ kind: 'text', text: 'Release 1.2.0' }] });
    assert.deepEqual(blocks[1], { kind: 'paragraph', spans: [{ kind: 'text', text: 'Planned for ' }, { kind: 'strong', text: 'Tuesday' }, { kind: 'text', text: '.' }] });
    const list = blocks[3];
    assert.ok(list?.kind === 'list');
    assert.equal(list.items.length, 2);
    assert.equal(list.items[1]!.map((s) => s.text).join(''), 'another continued');
    assert.deepEqual(blocks[6], { kind: 'code', text: '<b>code</b>' });
  });

  it('keeps hostile text as text: HTML stays characters, links keep their href only as data', () => {
    const spans = markdownSpans('<img src=x onerror=alert(1)> \\<script\\> [click](javascript:void) `a`');
    assert.equal(spans[0]!.kind, 'text');
    assert.match(spans[0]!.text, /<img src=x onerror=alert\(1\)> <script> $/);
    assert.deepEqual(spans[1], { kind: 'link', text: 'click', href: 'javascript:void' });
    assert.deepEqual(spans.at(-1), { kind: 'code', text: 'a' });
  });

  it('reads Slack mrkdwn: bold, italics, code, links, and undoes Slack entities for display', () => {
    const spans = slackSpans('*Release 1.2.0* _soon_ `x` <https://example.com/notes|full notes> &lt;!channel&gt; &amp;');
    assert.deepEqual(
      spans.filter((s) => s.kind !== 'text'),
      [
        { kind: 'strong', text: 'Release 1.2.0' },
        { kind: 'em', text: 'soon' },
        { kind: 'code', text: 'x' },
        { kind: 'link', text: 'full notes', href: 'https://example.com/notes' },
      ],
    );
    assert.equal(spans.at(-1)!.text, ' <!channel> &');
  });

  it('shows the HTML character references the notes escape with as the characters they stand for, still as text', () => {
    const spans = markdownSpans('web: &lt;b&gt;escape&lt;/b&gt; [x](javascript&#58;alert) &amp;amp; &#x1F600; &bogus;');
    assert.equal(spans.map((s) => s.text).join(''), 'web: <b>escape</b> x &amp; \u{1F600} &bogus;');
    assert.ok(spans.some((s) => s.kind === 'link' && s.href === 'javascript&#58;alert'), 'an escaped scheme stays broken in the href');
  });
});
