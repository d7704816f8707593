import assert from 'node:assert/strict';
import { insertChangelogSection, releaseKeyOf } from '../../../src/core/changelogFile';

const DRAFT = ['## 1.3.0 (2026-02-01)', '', '### Features', '', '- add x (abc1234)', '', ''].join('\n');

function inserted(existing: string | null, section = DRAFT): string {
  const r = insertChangelogSection(existing, section);
  assert.equal(r.kind, 'inserted', JSON.stringify(r));
  return (r as { text: string }).text;
}

describe('insertChangelogSection', () => {
  it('creates a changelog with a title when the file is missing', () => {
    const r = insertChangelogSection(null, DRAFT);
    assert.equal(r.kind, 'inserted');
    assert.equal((r as { created: boolean }).created, true);
    assert.equal((r as { text: string }).text, '# Changelog\n\n## 1.3.0 (2026-02-01)\n\n### Features\n\n- add x (abc1234)\n');
  });

  it('inserts below the title and intro, above the newest release, with one blank line around it', () => {
    const existing = '# Changelog\n\nAll notable changes.\nSecond line.\n\n## 1.2.0 (2026-01-01)\n\n### Bug Fixes\n\n- fix y (def5678)\n';
    assert.equal(
      inserted(existing),
      '# Changelog\n\nAll notable changes.\nSecond line.\n\n## 1.3.0 (2026-02-01)\n\n### Features\n\n- add x (abc1234)\n\n## 1.2.0 (2026-01-01)\n\n### Bug Fixes\n\n- fix y (def5678)\n',
    );
  });

  it('takes the heading level of the existing release sections (### releases, #### sections)', () => {
    const existing = '# Changelog\n\n### [1.2.0] - 2026-01-01\n\n#### Fixed\n\n- y\n';
    const text = inserted(existing);
    assert.ok(text.startsWith('# Changelog\n\n### 1.3.0 (2026-02-01)\n\n#### Features\n\n- add x (abc1234)\n\n### [1.2.0] - 2026-01-01\n'), text);
  });

  it('keeps CRLF line endings (and a byte-order mark) when the file uses them', () => {
    const existing = '\uFEFF# Changelog\r\n\r\n## 1.2.0\r\n\r\n- y\r\n';
    const text = inserted(existing);
    assert.ok(text.startsWith('\uFEFF# Changelog\r\n\r\n## 1.3.0'), JSON.stringify(text));
    assert.ok(!/[^\r]\n/.test(text), `a bare LF in ${JSON.stringify(text)}`);
    assert.ok(text.endsWith('## 1.2.0\r\n\r\n- y\r\n'));
  });

  it('refuses a version the file already has (v prefix, brackets, other date) and names its line', () => {
    for (const heading of ['## 1.3.0', '## v1.3.0 (2026-01-30)', '## [1.3.0] - 2026-01-30']) {
      const r = insertChangelogSection(`# Changelog\n\n${heading}\n\n- old\n`, DRAFT);
      assert.deepEqual(r, { kind: 'duplicate', title: '1.3.0 (2026-02-01)', line: 3 }, heading);
    }
  });

  it('does not take a longer version or a version inside a code block for the same one', () => {
    const existing = '# Changelog\n\n```\n## 1.3.0\n```\n\n## 1.3.0-rc.1\n\n- pre\n';
    const text = inserted(existing);
    assert.ok(text.includes('## 1.3.0 (2026-02-01)\n\n### Features\n\n- add x (abc1234)\n\n## 1.3.0-rc.1'), text);
  });

  it('adds below the title and intro of a changelog with no release yet', () => {
    assert.equal(inserted('# Changelog\n\nNotable changes.\n'), '# Changelog\n\nNotable changes.\n\n## 1.3.0 (2026-02-01)\n\n### Features\n\n- add x (abc1234)\n');
  });

  it('puts the section at the top of a file with no title', () => {
    assert.equal(inserted('## 1.2.0\n\n- y\n'), '## 1.3.0 (2026-02-01)\n\n### Features\n\n- add x (abc1234)\n\n## 1.2.0\n\n- y\n');
  });

  it('refuses an empty draft', () => {
    assert.deepEqual(insertChangelogSection('# Changelog\n', '\n\n'), { kind: 'empty' });
  });

  it('reads the release a heading names', () => {
    assert.equal(releaseKeyOf('[v2.0.0-beta.1] - 2026-01-01'), '2.0.0-beta.1');
    assert.equal(releaseKeyOf('Unreleased'), 'unreleased');
    assert.equal(releaseKeyOf('1.2.0\\+build.5 (unreleased)'), '1.2.0+build.5');
    assert.equal(releaseKeyOf('Features'), null);
  });
});
