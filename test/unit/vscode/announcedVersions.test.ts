import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryRecord } from '../../../src/core/announce/types';
import { AnnounceJournal } from '../../../src/node/announceJournal';
import { announcedVersions } from '../../../src/vscode/announce/announcedVersions';

const record = (over: Partial<DeliveryRecord>): DeliveryRecord => ({
  version: '1.2.0',
  stage: 'notice',
  audience: 'internal',
  channel: 'file',
  channelKind: 'file',
  plannedAt: '2026-12-10T14:00:00.000Z',
  contentHash: 'a'.repeat(64),
  attemptedAt: '2026-12-06T10:00:00.000Z',
  sentAt: '2026-12-06T10:00:01.000Z',
  state: 'sent',
  answer: { ok: true, detail: 'wrote it' },
  pid: 1,
  host: 'h',
  ...over,
});

describe('the announced versions the Release view lists', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-announced-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is empty when nothing was ever announced', async () => {
    assert.deepEqual(await announcedVersions(dir), []);
  });

  it('lists each version once, newest send first, with the latest record per stage, audience and channel', async () => {
    const journal = new AnnounceJournal(dir);
    await journal.append(record({ state: 'failed', sentAt: null, attemptedAt: '2026-12-06T09:00:00.000Z' }));
    await journal.append(record({}));
    await journal.append(record({ audience: 'external', sentAt: '2026-12-06T11:00:00.000Z', attemptedAt: '2026-12-06T11:00:00.000Z' }));
    await journal.append(record({ version: '1.1.0', sentAt: '2026-11-01T08:00:00.000Z', attemptedAt: '2026-11-01T08:00:00.000Z' }));
    const versions = await announcedVersions(dir);
    assert.deepEqual(versions.map((v) => v.version), ['1.2.0', '1.1.0']);
    const latest = versions[0]!;
    assert.equal(latest.lastSentAt, '2026-12-06T11:00:00.000Z');
    assert.deepEqual(latest.deliveries.map((d) => `${d.audience}:${d.state}`), ['external:sent', 'internal:sent'], 'the failed try was superseded by the send');
  });

  it('skips files that are not a version journal', async () => {
    const journal = new AnnounceJournal(dir);
    await journal.append(record({}));
    writeFileSync(join(journal.dir, '..bad.json'), '{}');
    writeFileSync(join(journal.dir, 'notes.txt'), 'x');
    assert.deepEqual((await announcedVersions(dir)).map((v) => v.version), ['1.2.0']);
  });
});
