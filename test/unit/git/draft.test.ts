import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, releaseConfigSchema, type ReleaseConfig } from '../../../src/core/config';
import { draftNotes } from '../../../src/core/draft';
import { GitError, UsageError } from '../../../src/core/errors';
import type { ReleaseNotes } from '../../../src/core/notes';
import { renderMarkdown } from '../../../src/core/render';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { ALICE, BOB, CAROL, TestRepo } from '../../helpers/testRepo';

const cfg = (over: Record<string, unknown> = {}): ReleaseConfig => releaseConfigSchema().parse(over);
const draft = async (r: TestRepo, opts: Parameters<typeof draftNotes>[2] = {}, config = defaultConfig()) =>
  draftNotes(await LocalGitRepo.open(r.dir), config, opts);
const titles = (n: ReleaseNotes) => n.sections.map((s) => s.title);
const subjects = (n: ReleaseNotes, title: string) => n.sections.find((s) => s.title === title)?.entries.map((e) => e.subject) ?? [];
const allHashes = (n: ReleaseNotes) => n.sections.flatMap((s) => s.entries.map((e) => e.hash));

describe('drafting notes from a real repository', () => {
  after(() => TestRepo.cleanup());

  it('drafts the range from the last release tag to HEAD with the next version and why', async () => {
    const r = TestRepo.create();
    r.commit('feat: first feature');
    r.tag('v1.0.0', { message: 'release 1.0.0' });
    const fix = r.commit('fix(parser): handle empty input (#12)');
    const feat = r.commit('feat: add export');
    r.commit('chore: tidy');
    const n = await draft(r);
    assert.equal(n.range.from, 'v1.0.0');
    assert.equal(n.range.toHash, r.head());
    assert.equal(n.version.current, '1.0.0');
    assert.equal(n.version.next, '1.1.0');
    assert.equal(n.version.bump, 'minor');
    assert.deepEqual(n.version.reasons.map((x) => x.hash), [feat]);
    assert.deepEqual(titles(n), ['Features', 'Bug Fixes']);
    const fixEntry = n.sections[1]!.entries[0]!;
    assert.equal(fixEntry.hash, fix);
    assert.equal(fixEntry.scope, 'parser');
    assert.equal(fixEntry.pr, 12);
    assert.equal(fixEntry.subject, 'handle empty input');
  });

  it('lists a merged PR once: the merge commit adds its PR number, not a second entry', async () => {
    const r = TestRepo.create();
    r.commit('feat: base');
    r.tag('v1.0.0');
    r.checkout('feature', true);
    const a = r.commit('feat: part a');
    const b = r.commit('fix: part b');
    r.checkout('main');
    const direct = r.commit('docs: readme');
    r.merge('feature', 'Merge pull request #42 from someone/feature\n\nfeat: the feature');
    const n = await draft(r);
    assert.deepEqual(allHashes(n).sort(), [a, b, direct].sort());
    assert.equal(n.sections.flatMap((s) => s.entries).find((e) => e.hash === a)!.pr, 42);
    assert.equal(n.sections.flatMap((s) => s.entries).find((e) => e.hash === direct)!.pr, null);
  });

  it('splits a squash merge whose body lists several conventional entries', async () => {
    const r = TestRepo.create();
    r.commit('feat: base');
    r.tag('v0.1.0');
    r.commit('Big PR (#7)\n\n* feat: add search\n\n* fix: crash on start\n\n* feat!: new config format\n\nCo-authored-by: Bob Roe <bob@example.com>');
    const n = await draft(r);
    assert.deepEqual(subjects(n, 'Features'), ['add search']);
    assert.deepEqual(subjects(n, 'Bug Fixes'), ['crash on start']);
    assert.deepEqual(subjects(n, '⚠ Breaking Changes'), ['new config format']);
    assert.ok(n.sections.flatMap((s) => s.entries).every((e) => e.pr === 7));
    assert.equal(n.version.next, '0.2.0', 'breaking below 1.0.0 is a minor by default');
    assert.deepEqual(n.contributors.map((c) => c.email).sort(), [ALICE.email, BOB.email]);
  });

  it('cancels a revert and its target inside the range, and lists a revert of released work', async () => {
    const r = TestRepo.create();
    const released = r.commit('feat: old feature');
    r.tag('v1.0.0');
    const oops = r.commit('feat: risky thing');
    r.git('revert', '--no-edit', oops);
    r.git('revert', '--no-edit', released);
    const n = await draft(r);
    const entries = n.sections.flatMap((s) => s.entries);
    assert.ok(!entries.some((e) => e.hash === oops), 'reverted commit is gone');
    assert.equal(entries.length, 1);
    assert.deepEqual(titles(n), ['Reverts']);
    assert.match(entries[0]!.subject, /^Revert "feat: old feature"/);
    assert.equal(n.version.bump, 'patch');
  });

  it('ignores non-semver tags with a warning and orders prereleases numerically', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    r.tag('nightly');
    r.tag('v1.0');
    r.commit('feat: b');
    r.tag('v1.1.0-rc.9');
    r.commit('fix: c');
    r.tag('v1.1.0-rc.10');
    r.commit('fix: d');
    const n = await draft(r, { prerelease: 'rc' });
    assert.equal(n.range.from, 'v1.0.0', 'prereleases do not end the range of a release');
    assert.equal(n.version.next, '1.1.0-rc.11');
    assert.ok(n.warnings.some((w) => w.includes('nightly') && w.includes('v1.0')), n.warnings.join('\n'));
    const stable = await draft(r);
    assert.equal(stable.version.next, '1.1.0');
  });

  it('starts prerelease numbering at rc.0', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.2.0');
    r.commit('feat: b');
    assert.equal((await draft(r, { prerelease: 'rc' })).version.next, '1.3.0-rc.0');
    r.tag('v1.3.0-rc.0');
    r.commit('fix: c');
    assert.equal((await draft(r, { prerelease: 'rc' })).version.next, '1.3.0-rc.1');
  });

  it('treats a repository without tags as a first release over the whole history', async () => {
    const r = TestRepo.create();
    const first = r.commit('initial import');
    r.commit('feat: something');
    const n = await draft(r);
    assert.equal(n.range.from, null);
    assert.equal(n.version.firstRelease, true);
    assert.equal(n.version.next, '0.1.0');
    assert.ok(allHashes(n).includes(first));
    assert.match(renderMarkdown(n, defaultConfig()), /first release/);
    assert.equal(n.firstTimeContributors.length, 1);
  });

  it('scopes a monorepo package to its path and tag format', async () => {
    const r = TestRepo.create();
    r.commit('feat(api): api start', { file: 'packages/api/a.ts' });
    r.commit('feat(web): web start', { file: 'packages/web/a.ts' });
    r.tag('api@1.0.0');
    r.tag('web@2.0.0');
    r.commit('fix(api): api fix', { file: 'packages/api/b.ts' });
    r.commit('feat(web): web feature', { file: 'packages/web/b.ts' });
    const config = cfg({ packages: [{ name: 'api', path: 'packages/api' }, { name: 'web', path: 'packages/web' }] });
    const api = await draft(r, { path: 'packages/api' }, config);
    assert.equal(api.range.from, 'api@1.0.0');
    assert.equal(api.version.next, '1.0.1');
    assert.deepEqual(api.sections.flatMap((s) => s.entries.map((e) => e.subject)), ['api fix']);
    assert.deepEqual(api.warnings, [], 'tags of the other package are not warned about');
    const web = await draft(r, { path: 'packages/web/' }, config);
    assert.equal(web.version.next, '2.1.0');
    assert.deepEqual(web.sections.flatMap((s) => s.entries.map((e) => e.subject)), ['web feature']);
  });

  it('refuses a shallow clone with the fix instead of partial notes', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    r.commit('feat: b');
    r.commit('feat: c');
    const clone = mkdtempSync(join(tmpdir(), 'rm-shallow-'));
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone]);
    await assert.rejects(draft({ dir: clone } as TestRepo), (e: unknown) => e instanceof GitError && e.code === 'shallow' && /--unshallow/.test(e.fix));
  });

  it('drafts on a detached HEAD', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    const fix = r.commit('fix: b');
    r.commit('feat: c');
    r.git('checkout', '-q', '--detach', fix);
    const n = await draft(r);
    assert.deepEqual(allHashes(n), [fix]);
    assert.equal(n.version.next, '1.0.1');
  });

  it('never passes option-like or malformed refs to git', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    for (const bad of ['--upload-pack=touch /tmp/pwned', '-cfoo=bar', 'a..b', 'HEAD~1', 'v1:x', 'a b', 'x\u0001y']) {
      await assert.rejects(draft(r, { from: bad }), UsageError, bad);
      await assert.rejects(draft(r, { to: bad }), UsageError, bad);
    }
    await assert.rejects(draft(r, { from: 'does-not-exist' }), (e: unknown) => e instanceof GitError && e.code === 'unknown-ref');
    await assert.rejects(draft(r, { path: '../outside' }), UsageError);
  });

  it('warns when the highest release tag is not in the branch history and cuts a hotfix on a maintenance branch', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.2.0');
    r.checkout('release/1.2.x', true);
    r.checkout('main');
    r.commit('feat: b');
    r.tag('v1.3.0');
    r.checkout('release/1.2.x');
    const fix = r.commit('fix: backport');
    r.commit('feat: sneaky feature');
    const n = await draft(r);
    assert.equal(n.range.from, 'v1.2.0');
    assert.equal(n.version.hotfix, true);
    assert.equal(n.version.next, '1.2.1');
    assert.ok(n.warnings.some((w) => w.includes('v1.3.0') && /not in the history/.test(w)), n.warnings.join('\n'));
    assert.ok(n.warnings.some((w) => /hotfix/.test(w)), n.warnings.join('\n'));
    assert.ok(allHashes(n).includes(fix));
  });

  it('finds first-time contributors, counting co-authors', async () => {
    const r = TestRepo.create();
    r.commit('feat: a', { author: ALICE });
    r.commit('fix: b\n\nCo-authored-by: Carol Poe <carol@example.com>', { author: ALICE });
    r.tag('v1.0.0');
    r.commit('feat: c', { author: BOB });
    r.commit('feat: d', { author: CAROL });
    r.commit('fix: e', { author: ALICE });
    const n = await draft(r);
    assert.deepEqual(n.contributors.map((c) => c.email), [BOB.email, CAROL.email, ALICE.email]);
    assert.deepEqual(n.firstTimeContributors.map((c) => c.email), [BOB.email]);
  });

  it('drafts a past release when --to names its tag', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    const b = r.commit('fix: b');
    r.tag('v1.0.1');
    r.commit('feat: c');
    const n = await draft(r, { to: 'v1.0.1' });
    assert.equal(n.range.from, 'v1.0.0');
    assert.deepEqual(allHashes(n), [b]);
    assert.equal(n.version.next, '1.0.1');
    assert.equal(n.version.bump, 'patch');
    assert.match(n.date ?? '', /^\d{4}-\d{2}-\d{2}$/);
  });

  it('keeps hostile commit text inert and survives messages that contain the log separators', async () => {
    const r = TestRepo.create();
    r.commit('chore: base');
    r.tag('v1.0.0');
    r.commit('feat: <img src=x onerror=alert(1)> [x](javascript:alert(1)) @everyone \u202egnp.exe\u001b[31mred');
    r.commit('fix: sneaky \u001e\u001f separators %x00 %H\n\nbody \u001e with \u001f record marks');
    const n = await draft(r);
    const md = renderMarkdown(n, defaultConfig());
    assert.ok(!md.includes('<img'), md);
    assert.ok(!/\]\(javascript:/i.test(md), md);
    assert.ok(md.includes('`@everyone`'), md);
    assert.ok(!md.includes('\u202e') && !md.includes('\u001b'), 'bidi and ANSI controls are stripped');
    assert.deepEqual(subjects(n, 'Bug Fixes'), ['sneaky  separators %x00 %H']);
    assert.equal(allHashes(n).length, 2);
  });

  it('reads CRLF and non-UTF-8 commit encodings as text', async () => {
    const r = TestRepo.create();
    r.commit('chore: base');
    r.tag('v1.0.0');
    r.commit('fix: windows line endings\r\n\r\nBREAKING CHANGE: crlf body\r\n');
    r.git('config', 'i18n.commitEncoding', 'ISO-8859-1');
    r.commit('feat: café déjà vu', { encoding: 'latin1' });
    const n = await draft(r);
    assert.deepEqual(subjects(n, '⚠ Breaking Changes'), ['windows line endings']);
    assert.deepEqual(subjects(n, 'Features'), ['café déjà vu']);
  });

  it('handles a 10,000-character subject and a multi-megabyte body', async () => {
    const r = TestRepo.create();
    r.commit('chore: base');
    r.tag('v1.0.0');
    r.commit(`feat: ${'x'.repeat(10_000)}\n\n${'body line\n'.repeat(300_000)}`);
    const n = await draft(r);
    assert.equal(n.sections[0]!.entries[0]!.subject.length, 10_000);
  });

  it('sees tags created, moved, deleted and packed since the last draft (the tag list is cached)', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    r.tag('v1.0.0');
    const b = r.commit('fix: b');
    const repo = await LocalGitRepo.open(r.dir);
    assert.equal((await draftNotes(repo, defaultConfig())).range.from, 'v1.0.0');
    r.tag('v1.0.1');
    assert.equal((await draftNotes(repo, defaultConfig())).range.from, 'v1.0.1', 'a new loose tag');
    r.git('pack-refs', '--all');
    assert.equal((await draftNotes(await LocalGitRepo.open(r.dir), defaultConfig())).range.from, 'v1.0.1', 'after packing');
    r.git('tag', '-d', 'v1.0.1');
    assert.equal((await draftNotes(repo, defaultConfig())).range.from, 'v1.0.0', 'a deleted packed tag');
    r.commit('fix: c');
    r.git('tag', '-f', 'v1.0.0', b);
    const moved = await draftNotes(repo, defaultConfig());
    assert.equal(moved.range.fromHash, b, 'a moved tag');
  });

  it('can be cancelled', async () => {
    const r = TestRepo.create();
    r.commit('feat: a');
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(draft(r, { signal: ctl.signal }), (e: unknown) => e instanceof GitError && e.code === 'cancelled');
  });

  it('names the state of an empty repository and of a folder that is not a repository', async () => {
    const r = TestRepo.create();
    await assert.rejects(draft(r), (e: unknown) => e instanceof GitError && e.code === 'no-commits');
    const plain = mkdtempSync(join(tmpdir(), 'rm-plain-'));
    await assert.rejects(LocalGitRepo.open(plain), (e: unknown) => e instanceof GitError && e.code === 'not-a-repo');
  });
});
