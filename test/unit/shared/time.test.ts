import assert from 'node:assert/strict';
import { whenText } from '../../../src/shared/time';

describe('whenText', () => {
  const now = new Date(2026, 10, 26, 14, 5, 0); // local time
  it('says how long ago, then the local clock time, without milliseconds or ISO', () => {
    assert.equal(whenText(new Date(2026, 10, 26, 14, 2, 0, 123).toISOString(), now), '3 min ago (14:02)');
    assert.equal(whenText(new Date(2026, 10, 26, 14, 4, 50).toISOString(), now), 'just now (14:04)');
    assert.equal(whenText(new Date(2026, 10, 26, 11, 0).toISOString(), now), '3 hours ago (11:00)');
    assert.equal(whenText(new Date(2026, 10, 26, 13, 5).toISOString(), now), '1 hour ago (13:05)');
  });
  it('adds the local date for another day, and keeps unparsable text as text', () => {
    assert.equal(whenText(new Date(2026, 10, 24, 9, 30).toISOString(), now), '2 days ago (2026-11-24 09:30)');
    assert.equal(whenText('not a date <b>', now), 'not a date <b>');
  });
});
