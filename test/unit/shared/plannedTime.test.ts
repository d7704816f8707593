import * as assert from 'node:assert/strict';
import { formatIn, readPlannedTime, suggestedPlannedTime } from '../../../src/shared/plannedTime';

describe('the planned deploy time of a notice (Release: Announce…)', () => {
  const now = new Date('2026-12-06T10:00:00Z');

  it('reads ISO times with a zone to the exact instant and shows it in UTC and in the named zone', () => {
    const r = readPlannedTime('2026-12-08T15:00+01:00', now, 'Europe/Berlin');
    assert.ok(r.ok);
    assert.equal(r.time.iso, '2026-12-08T14:00:00.000Z');
    assert.equal(r.time.utc, '2026-12-08 14:00 UTC');
    assert.equal(r.time.local, '2026-12-08 15:00 Europe/Berlin');
    const z = readPlannedTime('2026-12-08 14:00Z', now);
    assert.ok(z.ok);
    assert.equal(z.time.iso, '2026-12-08T14:00:00.000Z');
  });

  it('reads a local YYYY-MM-DD HH:MM in the runtime time zone', () => {
    const r = readPlannedTime('2026-12-08 14:30', now);
    assert.ok(r.ok);
    assert.equal(r.time.iso, new Date(2026, 11, 8, 14, 30).toISOString());
  });

  it('refuses text that is no time, a rolled-over date, the past and more than a year ahead', () => {
    for (const bad of ['tomorrow', '2026-02-31 10:00', '2026-12-08T14:00+1', '2026-12-05T10:00Z', '2028-01-01T00:00Z', '']) {
      const r = readPlannedTime(bad, now);
      assert.equal(r.ok, false, bad);
    }
    const past = readPlannedTime('2026-12-05T10:00Z', now);
    assert.ok(!past.ok && /past/.test(past.problem));
  });

  it('suggests the next full hour at least the lead time ahead', () => {
    const s = suggestedPlannedTime(new Date('2026-12-06T10:20:00Z'), 48);
    assert.equal(s.toISOString(), '2026-12-08T11:00:00.000Z');
    assert.equal(formatIn(s, 'UTC'), '2026-12-08 11:00 UTC');
  });
});
