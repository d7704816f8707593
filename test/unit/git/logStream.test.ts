import assert from 'node:assert/strict';
import type { RawCommit } from '../../../src/core/commits';
import { parseRecordBytes } from '../../../src/git/logStream';

/** One record as git prints it with logFormat()'s fields (%H %P %aN %aE %aI %B), NUL-separated, inside other bytes. */
function parse(fields: string[]): RawCommit | null {
  const bytes = Buffer.from(`junk${fields.join('\u0000')}junk`, 'utf8');
  return parseRecordBytes(bytes, 4, bytes.length - 4);
}

describe('log records from bytes', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const C = 'c'.repeat(40);
  const date = '2024-01-02T03:04:05+02:00';

  it('decodes every field, multi-byte text included', () => {
    assert.deepEqual(parse([A, '', 'Zoë Müller', 'zoe@example.de', date, 'feat: ünïcödé 🎉\n\nbody line\n']), {
      hash: A,
      parents: [],
      authorName: 'Zoë Müller',
      authorEmail: 'zoe@example.de',
      date,
      message: 'feat: ünïcödé 🎉\n\nbody line',
    });
  });

  it('splits parents and drops the trailing blank lines of the message', () => {
    const c = parse([A, `${B} ${C}`, 'A', 'a@x', date, 'Merge pull request #1 from x/y\n \n\n']);
    assert.deepEqual([c?.parents, c?.message], [[B, C], 'Merge pull request #1 from x/y']);
  });

  it('keeps a NUL inside the message and accepts an empty message', () => {
    assert.equal(parse([A, B, 'A', 'a@x', date, 'with\u0000nul\n'])?.message, 'with\u0000nul');
    assert.equal(parse([A, B, 'A', 'a@x', date, ''])?.message, '');
  });

  it('refuses a record with missing fields', () => {
    assert.equal(parse([A, B, 'A', 'a@x']), null);
  });
});
