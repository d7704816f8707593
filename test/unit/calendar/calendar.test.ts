import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { runCli, type CliIo } from '../../../src/cli/main';
import { calendarIcs, ICS_PRODID } from '../../../src/core/calendar/ics';
import type { CalendarEvent, CalendarReport } from '../../../src/core/calendar/model';
import type { GitHubApi } from '../../../src/core/githubApi';
import { OctokitGitHubApi } from '../../../src/github/api';
import { collectCalendar } from '../../../src/node/calendar';
import { LocalDeployHistory } from '../../../src/node/localDeployHistory';
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fakeGitHub/server';
import { TestRepo } from '../../helpers/testRepo';

// The release calendar (issue 19) of one real repository: tags backdated to fixed days, a calendar gate
// with a cadence and two freezes (one over whole days, one of hours), a local deploy history of
// production, and — through the local server that speaks GitHub's REST API — a release, a milestone
// whose title has commas and semicolons and whose description is long, and a deployment to staging.
// The .ics is read back with ical.js, the same library that wrote it.

const NOW = new Date('2026-12-07T12:00:00Z');
const MILESTONE = 'Q4: payments, refunds; and "exports"';
const LONG = 'Everything the payments team ships before the holiday freeze. '.repeat(12).trim();

describe('the release calendar', function () {
  this.timeout(60_000);
  let test: TestRepo;
  let server: FakeGitHub;
  let api: GitHubApi;
  let report: CalendarReport;
  let out: string;

  function commitOn(message: string, iso: string): void {
    test.write(`src/${message.replace(/\W+/g, '-')}.txt`, message);
    test.git('add', '-A');
    const date = `${Math.floor(Date.parse(iso) / 1000)} +0000`;
    test.gitWith({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, 'commit', '-q', '-m', message);
  }
  const ids = (r: CalendarReport, kind?: CalendarEvent['kind']) => r.events.filter((e) => !kind || e.kind === kind).map((e) => e.id);
  const event = (r: CalendarReport, kind: CalendarEvent['kind'], match: (e: CalendarEvent) => boolean = () => true) => {
    const e = r.events.find((x) => x.kind === kind && match(x));
    assert.ok(e, `no ${kind} event in ${JSON.stringify(r.events.map((x) => x.title))}`);
    return e;
  };

  before(async () => {
    test = TestRepo.create('rm-calendar-');
    test.write(
      '.release-manager.json',
      JSON.stringify({
        gates: [
          {
            kind: 'calendar',
            id: 'calendar',
            cadence: { anchor: '2026-12-01', everyWeeks: 2 },
            freezes: [
              { from: '2026-12-21', to: '2027-01-02', reason: 'Holiday freeze' },
              { from: '2026-12-10T18:00:00Z', to: '2026-12-11T06:00:00Z', reason: 'Database migration' },
            ],
          },
        ],
        deploy: {
          environments: [
            { name: 'staging', provider: { kind: 'deployments' } },
            { name: 'production', provider: { kind: 'command', argv: ['node', '-e', '0'] } },
          ],
        },
      }),
    );
    commitOn('feat: first', '2026-05-01T10:00:00Z');
    test.tag('v0.9.0'); // before the window
    commitOn('feat: payments', '2026-10-05T09:30:00Z');
    test.tag('v1.0.0');
    commitOn('feat: refunds', '2026-11-02T14:00:00Z');
    test.tag('v1.1.0');
    commitOn('feat: exports', '2026-12-01T16:00:00Z');
    test.tag('v1.2.0-rc.1');
    test.tag('not-a-release');

    const gitDir = join(test.dir, '.git');
    const at = (iso: string) => new LocalDeployHistory(gitDir, () => new Date(iso));
    const sha = test.head('v1.1.0');
    await at('2026-11-03T10:00:00Z').started({ environment: 'production', sha, ref: 'v1.1.0', version: '1.1.0', weight: null, provider: 'command', correlationId: 'c1', executionId: 'e1', operation: 'deploy', step: 1 });
    await at('2026-11-03T10:07:00Z').finished('production', 'e1', 'success', 'deployed');
    await at('2026-12-02T10:00:00Z').started({ environment: 'production', sha: test.head('v1.2.0-rc.1'), ref: 'v1.2.0-rc.1', version: '1.2.0-rc.1', weight: null, provider: 'command', correlationId: 'c2', executionId: 'e2', operation: 'deploy', step: 1 });
    await at('2026-12-02T10:03:00Z').finished('production', 'e2', 'failure', 'the deploy command failed');

    server = await startFakeGitHub();
    server.addRepo('acme', 'shop', { gitDir: test.dir });
    server.addRelease('acme', 'shop', { tag_name: 'v1.1.0', name: 'Refunds', published_at: '2026-11-02T15:00:00Z', created_at: '2026-11-02T15:00:00Z' });
    server.addMilestone('acme', 'shop', { title: MILESTONE, description: LONG, due_on: '2026-12-18T08:00:00Z' });
    server.addMilestone('acme', 'shop', { title: 'Someday' });
    const d = server.addDeployment('acme', 'shop', { ref: 'v1.1.0', environment: 'staging', created_at: '2026-11-02T16:00:00Z', statuses: [{ state: 'in_progress', created_at: '2026-11-02T16:00:00Z' }, { state: 'success', created_at: '2026-11-02T16:05:00Z' }] });
    assert.ok(d.id > 0);
    api = new OctokitGitHubApi({ owner: 'acme', repo: 'shop', host: 'github.com', apiUrl: server.url, provider: 'github' }, { token: 'test-token', writeSpacingMs: 0, retryBaseMs: 1, timeoutMs: 5000 });
    report = await collectCalendar({ repoRoot: test.dir, github: api, now: NOW });
    out = calendarIcs(report);
  });
  after(async () => {
    await server?.close();
    TestRepo.cleanup();
  });

  it('gathers releases, planned days, freezes, milestones and deploys in the default window (90 days each way)', () => {
    assert.deepEqual(report.window, { from: '2026-09-08', to: '2027-03-07' });
    assert.equal(report.repository, 'acme/shop');
    assert.deepEqual(report.notes, []);
    // Releases: the version tags in the window (v0.9.0 is older, not-a-release is no version); GitHub's page when it has one.
    assert.deepEqual(report.events.filter((e) => e.kind === 'release').map((e) => [e.title, e.start, e.status]), [
      ['Release v1.0.0', '2026-10-05T09:30:00.000Z', 'released'],
      ['Release v1.1.0', '2026-11-02T14:00:00.000Z', 'released'],
      ['Prerelease v1.2.0-rc.1', '2026-12-01T16:00:00.000Z', 'prerelease'],
    ]);
    assert.match(event(report, 'release', (e) => e.version === '1.1.0').url!, /\/acme\/shop\/releases\/tag\/v1\.1\.0$/);
    assert.equal(event(report, 'release', (e) => e.version === '1.0.0').url, `https://github.com/acme/shop/commit/${test.head('v1.0.0')}`);
    // Planned: every second Tuesday from 2026-12-01, from today on; the one in the holiday freeze says so.
    const planned = report.events.filter((e) => e.kind === 'planned');
    assert.deepEqual(planned.map((e) => e.start), ['2026-12-15', '2026-12-29', '2027-01-12', '2027-01-26', '2027-02-09', '2027-02-23']);
    assert.ok(planned.every((e) => e.allDay && e.end === new Date(Date.parse(e.start) + 86_400_000).toISOString().slice(0, 10)));
    assert.deepEqual(planned.filter((e) => e.status === 'frozen').map((e) => e.start), ['2026-12-29']);
    // Freezes: whole UTC days as an all-day span with an exclusive end; hours as a timed span.
    const holiday = event(report, 'freeze', (e) => e.title.includes('Holiday'));
    assert.deepEqual([holiday.start, holiday.end, holiday.allDay, holiday.status], ['2026-12-21', '2027-01-03', true, 'upcoming']);
    const migration = event(report, 'freeze', (e) => e.title.includes('Database'));
    assert.deepEqual([migration.start, migration.end, migration.allDay], ['2026-12-10T18:00:00.000Z', '2026-12-11T06:00:00.000Z', false]);
    // Milestones: the ones with a due date, on that UTC day.
    const milestone = event(report, 'milestone');
    assert.deepEqual([milestone.title, milestone.start, milestone.end, milestone.status], [`Milestone due: ${MILESTONE}`, '2026-12-18', '2026-12-19', 'open']);
    assert.equal(report.events.filter((e) => e.kind === 'milestone').length, 1, 'a milestone without a due date is not an event');
    // Deploys per environment: the local history and GitHub's, from start to their last status.
    const deploys = report.events.filter((e) => e.kind === 'deploy').map((e) => [e.environment, e.version, e.status, e.start, e.end]);
    assert.deepEqual(deploys, [
      ['staging', '1.1.0', 'succeeded', '2026-11-02T16:00:00.000Z', '2026-11-02T16:05:00.000Z'],
      ['production', '1.1.0', 'succeeded', '2026-11-03T10:00:00.000Z', '2026-11-03T10:07:00.000Z'],
      ['production', '1.2.0-rc.1', 'failed', '2026-12-02T10:00:00.000Z', '2026-12-02T10:03:00.000Z'],
    ]);
    assert.equal(event(report, 'deploy', (e) => e.status === 'failed').title, 'Deploy 1.2.0-rc.1 → production (failed)');
    // Sorted by start.
    const starts = report.events.map((e) => Date.parse(e.start));
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  });

  it('keeps every event\'s id across runs (a subscribed calendar updates instead of duplicating), unique within one', async () => {
    assert.equal(new Set(ids(report)).size, report.events.length);
    assert.ok(ids(report).every((id) => /^[a-z]+-[A-Za-z0-9._+-]+@shop\.acme\.github\.com$/.test(id)), ids(report).join('\n'));
    const tomorrow = await collectCalendar({ repoRoot: test.dir, github: api, now: new Date('2026-12-08T09:00:00Z') });
    const later = new Set(ids(tomorrow));
    assert.deepEqual(ids(report).filter((id) => !later.has(id)), [], 'every event of today is there tomorrow with the same id');
    // A narrower window is a subset with the same ids.
    const december = await collectCalendar({ repoRoot: test.dir, github: api, now: NOW, from: '2026-12-01', to: '2026-12-31' });
    assert.ok(ids(december).every((id) => ids(report).includes(id)));
    assert.deepEqual(december.events.filter((e) => e.kind === 'release').map((e) => e.version), ['1.2.0-rc.1']);
    // The holiday freeze overlaps the window's end: still shown, whole.
    assert.equal(event(december, 'freeze', (e) => e.title.includes('Holiday')).end, '2027-01-03');
  });

  it('offline or signed out: still the local events, with a note of what is missing', async () => {
    const down = new OctokitGitHubApi({ owner: 'acme', repo: 'shop', host: 'github.com', apiUrl: 'http://127.0.0.1:9', provider: 'github' }, { token: 'test-token', writeSpacingMs: 0, retryBaseMs: 1, timeoutMs: 2000 });
    const offline = await collectCalendar({ repoRoot: test.dir, github: down, now: NOW });
    assert.ok(offline.notes.some((n) => /GitHub milestones of acme\/shop not read/.test(n)), offline.notes.join('\n'));
    assert.ok(!offline.notes.join('\n').includes('test-token'));
    assert.deepEqual(ids(offline, 'release'), ids(report, 'release').filter((id) => id.includes('v1.0.0') || id.includes('v1.1.0') || id.includes('rc.1')));
    assert.equal(offline.events.filter((e) => e.kind === 'deploy' && e.environment === 'production').length, 2);
    assert.equal(offline.events.filter((e) => e.kind === 'milestone').length, 0);
    const signedOut = await collectCalendar({ repoRoot: test.dir, github: null, repo: api.repo, now: NOW });
    assert.match(signedOut.notes[0]!, /^No GitHub token: .*acme\/shop/);
    assert.deepEqual(ids(signedOut, 'planned'), ids(report, 'planned'));
    // A cancelled collection stops.
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(collectCalendar({ repoRoot: test.dir, github: api, now: NOW, signal: ctl.signal }));
  });

  it('writes a valid iCalendar file that ical.js reads back: UIDs, all-day dates, spans, escaping and folding', () => {
    assert.ok(out.startsWith('BEGIN:VCALENDAR\r\n') && out.endsWith('END:VCALENDAR\r\n'));
    // RFC 5545: lines end in CRLF and are at most 75 octets (the library folds longer ones).
    const lines = out.split('\r\n');
    assert.ok(lines.every((l) => Buffer.byteLength(l) <= 75), lines.filter((l) => Buffer.byteLength(l) > 75).join('\n'));
    assert.ok(lines.some((l) => l.startsWith(' ')), 'the long description is folded');
    assert.ok(out.includes('Q4: payments\\, refunds\\; and "exports"'), 'commas and semicolons escaped in SUMMARY');

    const cal = new ICAL.Component(ICAL.parse(out));
    assert.equal(cal.getFirstPropertyValue('prodid'), ICS_PRODID);
    assert.equal(cal.getFirstPropertyValue('version'), '2.0');
    const vevents = cal.getAllSubcomponents('vevent');
    assert.equal(vevents.length, report.events.length);
    const byUid = new Map(vevents.map((v) => [String(v.getFirstPropertyValue('uid')), v]));
    assert.deepEqual([...byUid.keys()], ids(report));
    for (const v of vevents) {
      for (const p of ['uid', 'dtstamp', 'dtstart', 'summary', 'categories']) assert.ok(v.hasProperty(p), `${p} in ${v.toString()}`);
    }

    const holiday = new ICAL.Event(byUid.get(event(report, 'freeze', (e) => e.title.includes('Holiday')).id)!);
    assert.equal(holiday.startDate.isDate, true, 'all-day: a DATE value');
    assert.equal(holiday.startDate.toString(), '2026-12-21');
    assert.equal(holiday.endDate.toString(), '2027-01-03');
    assert.equal(holiday.duration.toSeconds(), 13 * 86_400, 'the freeze spans 13 days');

    const milestoneEvent = event(report, 'milestone');
    const milestone = new ICAL.Event(byUid.get(milestoneEvent.id)!);
    assert.equal(milestone.summary, `Milestone due: ${MILESTONE}`);
    assert.ok(milestone.description.includes(LONG), 'the long description reads back whole');
    assert.equal(milestone.component.getFirstPropertyValue('url'), milestoneEvent.url);
    assert.equal(milestone.startDate.isDate, true);

    const failed = new ICAL.Event(byUid.get(event(report, 'deploy', (e) => e.status === 'failed').id)!);
    assert.equal(failed.startDate.isDate, false);
    assert.equal(failed.startDate.toJSDate().toISOString(), '2026-12-02T10:00:00.000Z');
    assert.equal(failed.endDate.toJSDate().toISOString(), '2026-12-02T10:03:00.000Z');
    assert.deepEqual(failed.component.getFirstProperty('categories')!.getValues(), ['Deploy', 'production']);

    const release = byUid.get(event(report, 'release', (e) => e.version === '1.0.0').id)!;
    assert.equal(release.hasProperty('dtend'), false, 'a tag is an instant');
    assert.equal(new ICAL.Event(byUid.get(event(report, 'planned').id)!).component.getFirstPropertyValue('status'), 'TENTATIVE');
  });

  it('escapes a newline in a title and reads it back', () => {
    const r: CalendarReport = { kind: 'release-calendar', version: 1, repository: 'x/y', window: { from: '2026-12-01', to: '2026-12-31' }, generatedAt: NOW.toISOString(), notes: [], events: [{ id: 'release-a@x', kind: 'release', title: 'line one\nline two, three; four\\five', start: '2026-12-02T10:00:00Z', allDay: false }] };
    const text = calendarIcs(r);
    assert.ok(text.includes('SUMMARY:line one\\nline two\\, three\\; four\\\\five'), text);
    const v = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    assert.equal(v.getFirstPropertyValue('summary'), 'line one\nline two, three; four\\five');
  });

  describe('release-manager calendar', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rm-calendar-out-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
      const o: string[] = [];
      const e: string[] = [];
      const io: CliIo = { out: (t) => void o.push(t), err: (t) => void e.push(t), cwd: test.dir, now: NOW, env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: 'test-token', GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'acme/shop' } };
      const code = await runCli(argv, io);
      return { code, out: o.join(''), err: e.join('') };
    }

    it('prints the JSON contract and writes the .ics atomically with --out', async () => {
      const json = await cli('calendar', '--format', 'json', '--from', '2026-11-01', '--to', '2026-12-31');
      assert.equal(json.code, 0, json.err);
      const parsed = JSON.parse(json.out) as CalendarReport;
      assert.deepEqual(Object.keys(parsed), ['kind', 'version', 'repository', 'window', 'generatedAt', 'events', 'notes']);
      assert.deepEqual([parsed.kind, parsed.version, parsed.repository, parsed.generatedAt], ['release-calendar', 1, 'acme/shop', NOW.toISOString()]);
      assert.deepEqual(parsed.window, { from: '2026-11-01', to: '2026-12-31' });
      assert.ok(parsed.events.some((e) => e.kind === 'milestone'));
      assert.ok(parsed.events.every((e) => Date.parse(e.start) >= Date.parse('2026-10-31') && Date.parse(e.start) < Date.parse('2027-01-01')));

      const file = join(dir, 'releases.ics');
      const ics = await cli('calendar', '--out', file);
      assert.equal(ics.code, 0, ics.err);
      assert.equal(ics.out, '');
      assert.match(ics.err, new RegExp(`Wrote ${report.events.length} events \\(2026-09-08 to 2027-03-07\\) to `));
      const written = readFileSync(file, 'utf8');
      const uids = new ICAL.Component(ICAL.parse(written)).getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid'));
      // GITHUB_API_URL names the server's host: the ids are the same but for that domain.
      assert.deepEqual(uids, ids(report).map((id) => id.replace('@shop.acme.github.com', '@shop.acme.127.0.0.1')));
      const stdout = await cli('calendar', '--format', 'ics');
      assert.ok(stdout.out.startsWith('BEGIN:VCALENDAR'));
    });

    it('refuses a bad format, window or option with exit 2 and the fix', async () => {
      const bad = await cli('calendar', '--format', 'xml');
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--format "xml" is not supported by calendar[\s\S]*ics, json/);
      const reversed = await cli('calendar', '--from', '2027-01-01', '--to', '2026-12-01');
      assert.equal(reversed.code, 2);
      assert.match(reversed.err, /ends \(2026-12-01\) before it starts \(2027-01-01\)/);
      const notADate = await cli('calendar', '--from', 'HEAD~3');
      assert.equal(notADate.code, 2);
      assert.match(notADate.err, /--from "HEAD~3" is not a date/);
      const stray = await cli('calendar', '--env', 'production');
      assert.equal(stray.code, 2);
      assert.match(stray.err, /--env does not apply to calendar/);
      const outElsewhere = await cli('version', '--out', join(dir, 'x'));
      assert.equal(outElsewhere.code, 2);
      assert.match(outElsewhere.err, /--out applies to calendar only/);
    });
  });
});
