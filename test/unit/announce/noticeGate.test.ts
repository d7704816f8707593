import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { runGates, verdict } from '../../../src/core/gates/engine';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { sendAnnouncements } from '../../../src/node/announce';
import { createGateContext } from '../../../src/node/gateContext';
import { TestRepo } from '../../helpers/testRepo';

const HOUR = 3_600_000;
const SENT = Date.parse('2026-12-01T10:00:00Z');
const PLANNED = new Date(SENT + 48 * HOUR).toISOString();

async function repoWithNotice(audiences: ('internal' | 'external' | 'support')[] = ['internal', 'external']) {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.0.0');
  r.commit('feat: search');
  const config: ReleaseConfig = parseConfig(JSON.stringify({ gates: [], announce: { channels: [{ kind: 'file', audiences: ['internal', 'external'] }] } }));
  const repo = await LocalGitRepo.open(r.dir);
  await sendAnnouncements({ repo, config, stage: 'notice', plannedAt: PLANNED, audiences, now: () => new Date(SENT) });
  return { r, repo, config };
}

async function gateAt(s: { repo: LocalGitRepo; config: ReleaseConfig }, at: number, environment?: string) {
  const ctx = createGateContext({ repo: s.repo, config: s.config, commandsAllowed: false, now: () => new Date(at), ...(environment ? { environment } : {}) });
  const results = await runGates(s.config.gates, ctx);
  const notice = results.find((g) => g.kind === 'notice');
  assert.ok(notice, 'the notice gate is on by default once a channel is configured');
  return { notice, verdict: verdict(results) };
}

describe('notice gate (injected clock)', () => {
  after(() => TestRepo.cleanup());

  it('is NO-GO 47 h after the notice, naming the hour missing, and GO at 48 h', async () => {
    const s = await repoWithNotice();
    const early = await gateAt(s, SENT + 47 * HOUR);
    assert.equal(early.notice.status, 'fail');
    assert.equal(early.verdict.decision, 'NO-GO');
    assert.match(early.notice.reason, /internal: notice sent 47 h ago; 1 hour missing \(48 h required\)/);
    assert.equal(early.notice.fix?.action?.kind, 'sendNotice');
    const onTime = await gateAt(s, SENT + 48 * HOUR);
    assert.equal(onTime.notice.status, 'pass', onTime.notice.reason);
    assert.equal(onTime.verdict.decision, 'GO');
  });

  it('no longer counts a notice whose content changed since', async () => {
    const s = await repoWithNotice();
    s.r.commit('fix: a late fix');
    const later = await gateAt(s, SENT + 72 * HOUR);
    assert.equal(later.notice.status, 'fail');
    assert.match(later.notice.reason, /for other content/);
  });

  it('no longer counts a notice when the template changed since', async () => {
    const s = await repoWithNotice();
    const before = await gateAt(s, SENT + 50 * HOUR);
    assert.equal(before.notice.status, 'pass', before.notice.reason);
    mkdirSync(join(s.r.dir, '.release-manager/announcements'), { recursive: true });
    writeFileSync(join(s.r.dir, '.release-manager/announcements/external.md'), '# {{headline}}\n\nNew wording.\n');
    const after = await gateAt(s, SENT + 50 * HOUR);
    assert.equal(after.notice.status, 'fail');
    assert.match(after.notice.reason, /external: the notice of .* was for other content/);
  });

  it('names the audience that got no notice', async () => {
    const s = await repoWithNotice(['internal']);
    const g = await gateAt(s, SENT + 100 * HOUR);
    assert.equal(g.notice.status, 'fail');
    assert.match(g.notice.reason, /missing notice for external/);
    assert.deepEqual(g.notice.fix?.action, { kind: 'sendNotice', version: '1.1.0', audiences: ['external'] });
  });

  it('does not count a notice when the deploy comes earlier than announced', async () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    const config = parseConfig(JSON.stringify({ gates: [], announce: { channels: [{ kind: 'file', audiences: ['internal'] }], noticeHours: 24 } }));
    const repo = await LocalGitRepo.open(r.dir);
    await sendAnnouncements({ repo, config, stage: 'notice', plannedAt: new Date(SENT + 72 * HOUR).toISOString(), now: () => new Date(SENT) });
    const g = await gateAt({ repo, config }, SENT + 30 * HOUR);
    assert.equal(g.notice.status, 'fail');
    assert.match(g.notice.reason, /earlier than announced/);
    assert.equal((await gateAt({ repo, config }, SENT + 72 * HOUR)).notice.status, 'pass');
  });

  it('passes deploys to environments other than production', async () => {
    const s = await repoWithNotice();
    const g = await gateAt(s, SENT + HOUR, 'staging');
    assert.equal(g.notice.status, 'pass');
    assert.match(g.notice.reason, /no notice needed for staging/);
    assert.equal((await gateAt(s, SENT + HOUR, 'production')).notice.status, 'fail');
  });

  it('sends a revised notice only with resend, and counts the hours from the revision', async () => {
    const s = await repoWithNotice();
    s.r.commit('fix: a late fix');
    const later = SENT + 10 * HOUR;
    const plain = await sendAnnouncements({ repo: s.repo, config: s.config, stage: 'notice', plannedAt: PLANNED, now: () => new Date(later) });
    assert.deepEqual(plain.map((r) => r.status), ['already-sent', 'already-sent']);
    assert.match(plain[0]!.message, /with other content: not sent again \(pass --resend/);
    const revised = await sendAnnouncements({ repo: s.repo, config: s.config, stage: 'notice', plannedAt: new Date(later + 48 * HOUR).toISOString(), now: () => new Date(later) }, { resend: true });
    assert.deepEqual(revised.map((r) => r.status), ['sent', 'sent']);
    assert.match((await gateAt(s, later + 47 * HOUR)).notice.reason, /1 hour missing/);
    assert.equal((await gateAt(s, later + 48 * HOUR)).notice.status, 'pass');
  });
});
