import assert from 'node:assert/strict';
import { parseRecord, parseRecordBytes } from '../../../src/git/logStream';

/** One record as git prints it with logFormat()'s fields (%H %P %aN %aE %aI %B), NUL-separated. */
const record = (fields: string[]) => fields.join('\u0000');

describe('log records from bytes', () => {
  const samples = [
    record(['a'.repeat(40), '', 'Zoë Müller', 'zoe@example.de', '2024-01-02T03:04:05+02:00', 'feat: ünïcödé 🎉\n\nbody line\n']),
    record(['b'.repeat(40), `${'c'.repeat(40)} ${'d'.repeat(40)}`, 'A', 'a@x', '2024-01-02T03:04:05Z', 'Merge pull request #1 from x/y\n']),
    record(['e'.repeat(40), 'f'.repeat(40), 'A', 'a@x', '2024-01-02T03:04:05Z', 'with\u0000nul\n\n']),
    record(['e'.repeat(40), 'f'.repeat(40), 'A', 'a@x', '2024-01-02T03:04:05Z', '']),
    record(['e'.repeat(40), 'f'.repeat(40), 'A', 'a@x']),
  ];

  it('parses every field like the text parser, at any offset of a larger buffer', () => {
    for (const text of samples) {
      const bytes = Buffer.from(`junk${text}junk`, 'utf8');
      const start = 4;
      const end = bytes.length - 4;
      assert.deepEqual(parseRecordBytes(bytes, start, end), parseRecord(text), JSON.stringify(text));
    }
  });
});
