import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../src/core/errors';
import { saveToChangelog } from '../../../src/node/changelogFile';

describe('saveToChangelog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-changelog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates CHANGELOG.md, then refuses the same release and leaves the file as it was', async () => {
    const saved = await saveToChangelog(dir, '## 1.0.0 (2026-01-01)\n\n- first\n');
    assert.deepEqual(saved, { file: join(dir, 'CHANGELOG.md'), title: '1.0.0 (2026-01-01)', created: true });
    const text = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    await assert.rejects(saveToChangelog(dir, '## 1.0.0 (2026-01-02)\n\n- again\n'), (e: unknown) => e instanceof UsageError && /already has 1\.0\.0 \(line 3\)/.test(e.message));
    assert.equal(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'), text);
    assert.deepEqual(readdirSync(dir), ['CHANGELOG.md'], 'no temporary file left behind');
  });

  it('updates an existing file in place', async () => {
    writeFileSync(join(dir, 'CHANGELOG.md'), '# Changelog\n\n## 1.0.0\n\n- first\n');
    const saved = await saveToChangelog(dir, '## 1.1.0\n\n- second\n');
    assert.equal(saved.created, false);
    assert.equal(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'), '# Changelog\n\n## 1.1.0\n\n- second\n\n## 1.0.0\n\n- first\n');
  });
});
