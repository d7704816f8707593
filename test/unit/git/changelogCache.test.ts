import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { buildChangelogJson, buildChangelogMarkdown, type ChangelogOptions } from '../../../src/core/changelog';
import type { ChangelogCacheStore } from '../../../src/core/changelogCache';
import { writeJsonChangelog } from '../../../src/core/changelogJson';
import { changelogCacheDir, FileChangelogCache } from '../../../src/git/changelogCache';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { loadConfig } from '../../../src/node/configFile';
import { FileSpill } from '../../../src/node/textSpill';
import { CAROL, linearChangelogRepo, TestRepo, type Author } from '../../helpers/testRepo';

const DANA: Author = { name: 'Dana Moe', email: 'dana@example.com' };

/** A store that counts what the changelog found in the cache and what it kept. */
function counting(store: ChangelogCacheStore): ChangelogCacheStore & { hits: number; writes: number } {
  const spy = {
    hits: 0,
    writes: 0,
    latest: async (...args: Parameters<ChangelogCacheStore['latest']>) => {
      const found = await store.latest(...args);
      if (found) spy.hits++;
      return found;
    },
    write: async (...args: Parameters<ChangelogCacheStore['write']>) => {
      spy.writes++;
      return store.write(...args);
    },
  };
  return spy;
}

/** The JSON changelog's text as the CLI writes it (cached blobs read in chunks, decoded as one stream). */
async function jsonText(repo: LocalGitRepo, options: ChangelogOptions): Promise<{ text: string; warnings: string[]; cached: boolean }> {
  const spill = new FileSpill();
  try {
    const { releases, warnings, cached } = await buildChangelogJson(repo, await loadConfig(repo.root), options, spill);
    const parts: Buffer[] = [];
    await writeJsonChangelog(releases, (piece) => {
      if (typeof piece === 'string') parts.push(Buffer.from(piece));
      else if ('spilled' in piece) parts.push(Buffer.from(spill.read(piece.spilled)));
      else for (const chunk of piece.cached.chunks()) parts.push(Buffer.from(chunk));
    });
    return { text: Buffer.concat(parts).toString('utf8'), warnings, cached: cached === true };
  } finally {
    spill.dispose();
  }
}

/**
 * Runs the markdown and JSON changelogs with the cache and without, asserts both give the same text and warnings,
 * and tells for each kind whether the run read the cache (`warm`) and whether it kept state.
 */
async function compare(r: TestRepo, to?: string): Promise<{ markdown: { warm: boolean; kept: boolean }; json: { warm: boolean; kept: boolean }; text: string }> {
  const repo = await LocalGitRepo.open(r.dir);
  const config = await loadConfig(repo.root);
  const result = { markdown: { warm: false, kept: false }, json: { warm: false, kept: false }, text: '' };
  for (const kind of ['markdown', 'json'] as const) {
    const store = counting(new FileChangelogCache(repo.gitCommonDir, repo.root));
    const cache = { store, tool: 'test' };
    let warm = false;
    if (kind === 'markdown') {
      const { cached: fromCache, ...cached } = await buildChangelogMarkdown(repo, config, { to, cache });
      const whole = await buildChangelogMarkdown(repo, config, { to });
      assert.deepEqual(cached, whole, 'markdown with the cache = without');
      warm = fromCache === true;
      result.text = whole.releases.join('\n');
    } else {
      const cached = await jsonText(repo, { to, cache });
      const whole = await jsonText(repo, { to });
      assert.equal(cached.text, whole.text, 'JSON with the cache = without');
      assert.equal(whole.cached, false);
      warm = cached.cached;
      assert.deepEqual(cached.warnings, whole.warnings);
      JSON.parse(cached.text);
    }
    assert.ok(!warm || store.hits > 0, 'read from the cache only when the store gave an entry');
    result[kind] = { warm, kept: store.writes > 0 };
  }
  return result;
}

const WARM = { warm: true, kept: false };
const COLD_KEPT = { warm: false, kept: true };
const COLD = { warm: false, kept: false };

function expectBoth(got: { markdown: object; json: object }, want: object, why: string): void {
  assert.deepEqual(got.markdown, want, `markdown: ${why}`);
  assert.deepEqual(got.json, want, `json: ${why}`);
}

/** The changelog tests' linear history, its unreleased work by a newcomer to the release above. */
function linearRepo(): TestRepo {
  return linearChangelogRepo();
}

/** The header's JSON (its first line is the HMAC of the rest). */
function headerOf(file: string): { blob?: string } {
  const text = readFileSync(file, 'utf8');
  return JSON.parse(text.slice(text.indexOf('\n') + 1)) as { blob?: string };
}

describe('changelog cache: the releases up to the newest one kept between runs', function () {
  this.timeout(120_000);
  // The cache's secret is kept in the user's cache folder: a folder of this test's own.
  const saved = process.env.XDG_CACHE_HOME;
  const userCache = mkdtempSync(join(tmpdir(), 'rm-user-cache-'));
  before(() => void (process.env.XDG_CACHE_HOME = userCache));
  after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(userCache, { recursive: true, force: true });
    TestRepo.cleanup();
  });

  it('gives the same text as a whole run through new commits, new releases, tags added and removed, .mailmap and config changes', async () => {
    const r = linearRepo();
    expectBoth(await compare(r), COLD_KEPT, 'the first run reads the whole history and keeps its state');
    expectBoth(await compare(r), WARM, 'the second reads the cache');
    r.commit('fix: by a newcomer', { author: DANA });
    r.commit('docs: more');
    const warm = await compare(r);
    expectBoth(warm, WARM, 'new untagged commits above the release');
    assert.match(warm.text, /Dana Moe/);

    r.tag('v1.2.0');
    expectBoth(await compare(r), COLD, 'the target is a release: nothing above it, nothing kept');
    r.commit('feat: after 1.2.0', { author: CAROL });
    expectBoth(await compare(r), COLD_KEPT, 'a new release: the tags changed, kept again at v1.2.0');
    expectBoth(await compare(r), WARM, 'then read');

    r.tag('v0.2.0', { ref: 'v0.1.0' });
    expectBoth(await compare(r), COLD_KEPT, 'a tag added below the kept release');
    r.git('tag', '-d', 'v0.2.0');
    expectBoth(await compare(r), COLD_KEPT, 'a tag removed');
    r.git('tag', '-d', 'v1.0.1');
    expectBoth(await compare(r), COLD_KEPT, 'a release tag removed');
    r.git('tag', '-f', '-a', '-m', 'moved', 'v1.0.0', 'v1.0.0-rc.0');
    expectBoth(await compare(r), COLD_KEPT, 'a release tag moved');
    expectBoth(await compare(r), WARM, 'then read');

    r.write('.mailmap', 'Robert Roe <robert@example.com> Bob Roe <bob@example.com>\n');
    const mapped = await compare(r);
    expectBoth(mapped, COLD_KEPT, 'another .mailmap');
    assert.match(mapped.text, /Robert Roe/);
    expectBoth(await compare(r), WARM, 'then read');

    writeFileSync(join(r.dir, '.release-manager.json'), '{"sections": [{"title": "Shiny", "types": ["feat"]}, {"title": "Mended", "types": ["fix"]}]}\n');
    const configured = await compare(r);
    expectBoth(configured, COLD_KEPT, 'another configuration');
    assert.match(configured.text, /Shiny/);
    expectBoth(await compare(r), WARM, 'then read');
  });

  it('reads the whole history when a merge is above the kept release, or the target is below it', async () => {
    const r = linearRepo();
    const below = r.head('v1.0.0');
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    r.checkout('topic', true);
    r.commit('feat: on a branch', { author: CAROL });
    r.checkout('main');
    r.commit('fix: on main');
    r.merge('topic', 'Merge branch topic');
    expectBoth(await compare(r), COLD, 'a merge above the kept release: read whole (and nothing kept from a history read whole)');
    expectBoth(await compare(r, below), COLD, 'a target below the kept release');
    r.git('reset', '-q', '--hard', 'v1.1.0');
    r.commit('fix: rewritten history');
    expectBoth(await compare(r), WARM, 'history rewritten above the release: the kept state still holds');
  });

  it('credits a newcomer above the release as a first-time contributor in every run', async () => {
    const r = TestRepo.create();
    r.commit('feat: start');
    r.tag('v1.0.0');
    r.commit('fix: by a newcomer', { author: { name: 'Eve New', email: 'eve@example.com' } });
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    const warm = await compare(r);
    expectBoth(warm, WARM, 'read');
    assert.match(warm.text, /Eve New \(first contribution\)/);
  });

  it('finds the release nearest the target, not the highest version: a release of another branch does not keep it cold', async () => {
    const r = linearRepo();
    r.checkout('next', true);
    r.commit('feat!: the next major');
    r.tag('v3.0.0');
    r.commit('fix: after 3.0.0');
    expectBoth(await compare(r), COLD_KEPT, 'the other branch, kept at v3.0.0');
    r.checkout('main');
    expectBoth(await compare(r), COLD_KEPT, 'main: kept at v1.1.0 (v3.0.0 is not in its history)');
    expectBoth(await compare(r), WARM, 'main reads its own entry');
    r.checkout('next');
    expectBoth(await compare(r), WARM, 'and the other branch its own');
  });

  it('reads the whole history when git shows commits other than their objects: replace refs, grafts, a mailmap of the config', async () => {
    const r = linearRepo();
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    const mailmap = join(r.dir, '..', `${r.dir.split(/[\\/]/).pop()}.mailmap`);
    writeFileSync(mailmap, 'Robert Roe <robert@example.com> Bob Roe <bob@example.com>\n');
    r.git('config', 'mailmap.file', mailmap);
    const mapped = await compare(r);
    expectBoth(mapped, COLD_KEPT, 'mailmap.file set');
    assert.match(mapped.text, /Robert Roe/);
    expectBoth(await compare(r), WARM, 'then read');
    writeFileSync(mailmap, 'Roberta Roe <roberta@example.com> Bob Roe <bob@example.com>\n');
    const remapped = await compare(r);
    expectBoth(remapped, COLD_KEPT, 'the file it names changed');
    assert.match(remapped.text, /Roberta Roe/);
    rmSync(mailmap);
    r.git('config', '--unset', 'mailmap.file');
    // A commit below the release replaced by another with a different message.
    const target = r.head('v0.1.0');
    const replacement = r.git('commit-tree', `${target}^{tree}`, '-m', 'feat: replaced start');
    r.git('replace', target, replacement);
    const replaced = await compare(r);
    expectBoth(replaced, COLD_KEPT, 'a replace ref: asked to keep, refused');
    assert.match(replaced.text, /replaced start/);
    expectBoth(await compare(r), COLD_KEPT, 'never read while a replace ref exists');
    r.git('replace', '-d', target);
    expectBoth(await compare(r), COLD_KEPT, 'replace ref gone: kept again');
    expectBoth(await compare(r), WARM, 'then read');
  });

  it('does not hang on a FIFO or read through a link planted in the cache folder; lets go of every file it opened; stops when cancelled', async function () {
    if (process.platform !== 'linux') this.skip();
    const r = linearRepo();
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    const dir = changelogCacheDir(join(r.dir, '.git'));
    const header = readdirSync(dir).find((n) => n.endsWith('.markdown.json'))!;
    rmSync(join(dir, header));
    execFileSync('mkfifo', [join(dir, header)]);
    const blob = readdirSync(dir).find((n) => n.endsWith('.blob'))!;
    rmSync(join(dir, blob));
    symlinkSync('/dev/zero', join(dir, blob));
    expectBoth(await compare(r), COLD_KEPT, 'a FIFO header and a blob linked to /dev/zero: not read, kept again');
    expectBoth(await compare(r), WARM, 'read');
    // Above the release only a commit the notes leave out: each JSON run opens the kept blob, finds no change above
    // the release, and reads whole.
    r.git('reset', '-q', '--hard', 'v1.1.0');
    r.commit('chore: tidy [skip changelog]');
    const open = () => readdirSync('/proc/self/fd').length;
    await compare(r);
    const before = open();
    for (let i = 0; i < 4; i++) expectBoth(await compare(r), COLD, 'nothing above the release');
    assert.equal(open(), before, 'no descriptor left open');
    const repo = await LocalGitRepo.open(r.dir);
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(buildChangelogMarkdown(repo, await loadConfig(r.dir), { signal: stop.signal, cache: { store: new FileChangelogCache(repo.gitCommonDir, repo.root), tool: 'test' } }), /Cancelled/);
  });

  it('keeps the version a prerelease carries and the odd commit texts below the kept release', async () => {
    const r = TestRepo.create();
    r.commit('feat: start');
    r.tag('v1.0.0');
    r.commit('feat: big thing');
    // A raw commit with a NUL in its message (git commit would not write it), below the release.
    const tree = r.git('rev-parse', 'HEAD^{tree}');
    const parent = r.git('rev-parse', 'HEAD');
    const raw = Buffer.concat([Buffer.from(`tree ${tree}\nparent ${parent}\nauthor Ada <ada@example.com> 1700000000 +0000\ncommitter Ada <ada@example.com> 1700000000 +0000\n\n`), Buffer.from('fix: before\u0000after the nul\n')]);
    const hash = execFileSync('git', ['hash-object', '-w', '-t', 'commit', '--literally', '--stdin'], { cwd: r.dir, input: raw, encoding: 'utf8' }).trim();
    r.git('update-ref', 'HEAD', hash);
    r.tag('v1.1.0-rc.0');
    r.commit('fix: after the rc');
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    const warm = await compare(r);
    expectBoth(warm, WARM, 'read: the unreleased version counts the rc changes (1.1.0), the NUL warning is kept');
    assert.match(warm.text, /1\.1\.0/);
    const md = await buildChangelogMarkdown(await LocalGitRepo.open(r.dir), await loadConfig(r.dir), { cache: { store: new FileChangelogCache(join(r.dir, '.git'), r.dir), tool: 'test' } });
    assert.ok(md.warnings.some((w) => w.includes(hash.slice(0, 7)) && w.includes('NUL')), md.warnings.join('\n'));
  });

  it('ignores a kept state that is corrupt, cut short or of another version of the tool, and keeps it again', async () => {
    const r = linearRepo();
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    const dir = changelogCacheDir(join(r.dir, '.git'));
    const blob = readdirSync(dir).find((n) => n.endsWith('.blob'))!;
    truncateSync(join(dir, blob), 10);
    const header = readdirSync(dir).find((n) => n.endsWith('.markdown.json'))!;
    writeFileSync(join(dir, header), '{"kind": "release-manager-changelog", "state": {');
    expectBoth(await compare(r), COLD_KEPT, 'a blob cut short and a header that is not JSON');
    expectBoth(await compare(r), WARM, 'kept again, then read');
    const repo = await LocalGitRepo.open(r.dir);
    const store = counting(new FileChangelogCache(repo.gitCommonDir, repo.root));
    await buildChangelogMarkdown(repo, await loadConfig(r.dir), { cache: { store, tool: 'another version' } });
    assert.equal(store.hits, 0, 'another version of the tool reads the whole history');
  });

  it('reads only what this user wrote: a cache copied from elsewhere, or a byte changed, is ignored', async () => {
    const r = linearRepo();
    expectBoth(await compare(r), COLD_KEPT, 'first run');
    // The same entries, signed with another secret (a hostile archive of a repository with its .git).
    const planted = linearRepo();
    const plantedDir = changelogCacheDir(join(planted.dir, '.git'));
    const other = mkdtempSync(join(tmpdir(), 'rm-other-user-'));
    const repo = await LocalGitRepo.open(r.dir);
    const elsewhere = new FileChangelogCache(join(planted.dir, '.git'), planted.dir, other);
    await buildChangelogMarkdown(await LocalGitRepo.open(planted.dir), await loadConfig(planted.dir), { cache: { store: elsewhere, tool: 'test' } });
    assert.ok(readdirSync(plantedDir).some((n) => n.endsWith('.markdown.json')));
    rmSync(other, { recursive: true, force: true });
    expectBoth(await compare(planted), COLD_KEPT, 'entries signed by another secret are not read (and are replaced)');
    // A byte changed in the blob (same size) or in the header: not read.
    const dir = changelogCacheDir(repo.gitCommonDir);
    const blob = join(dir, readdirSync(dir).find((n) => n.endsWith('.blob'))!);
    const bytes = readFileSync(blob);
    bytes[bytes.length - 10] = bytes[bytes.length - 10] === 0x61 ? 0x62 : 0x61;
    writeFileSync(blob, bytes);
    const header = join(dir, readdirSync(dir).find((n) => n.endsWith('.markdown.json'))!);
    const text = readFileSync(header, 'utf8');
    assert.ok(text.includes('- start ('), 'the header holds the released text');
    writeFileSync(header, text.replace('- start (', '- stark ('));
    expectBoth(await compare(r), COLD_KEPT, 'changed bytes');
    expectBoth(await compare(r), WARM, 'then read');
  });

  it('neither reads, writes nor prunes through a cache folder that is a link (a .git from an archive)', async () => {
    const r = linearRepo();
    const elsewhere = mkdtempSync(join(tmpdir(), 'rm-elsewhere-'));
    writeFileSync(join(elsewhere, 'precious.blob'), 'keep me');
    mkdirSync(join(r.dir, '.git', 'release-manager', 'cache'), { recursive: true });
    symlinkSync(elsewhere, changelogCacheDir(join(r.dir, '.git')));
    // The changelog asks to keep its state both times; the store refuses the folder, so nothing is there to read.
    expectBoth(await compare(r), COLD_KEPT, 'a whole run');
    expectBoth(await compare(r), COLD_KEPT, 'nothing read through the link');
    assert.deepEqual(readdirSync(elsewhere), ['precious.blob'], 'nothing written or removed there');
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('keeps a few entries per kind and removes the blobs no entry names', async () => {
    const r = linearRepo();
    const dir = changelogCacheDir(join(r.dir, '.git'));
    const backdate = () => {
      // Blobs younger than a minute may be another run's whose header is not written yet: only older ones go.
      const old = new Date(Date.now() - 5 * 60_000);
      for (const n of readdirSync(dir)) if (n.endsWith('.blob')) utimesSync(join(dir, n), old, old);
    };
    for (let i = 0; i < 5; i++) {
      r.tag(`v2.${i}.0`);
      r.commit(`fix: number ${i}`);
      if (i > 0) backdate();
      expectBoth(await compare(r), COLD_KEPT, `release ${i}`);
    }
    // A temporary file left by a run that was stopped, old enough to be gone at the next write; a fresh one stays.
    writeFileSync(join(dir, '.abandoned.tmp'), 'x');
    const old = new Date(Date.now() - 60 * 60_000);
    utimesSync(join(dir, '.abandoned.tmp'), old, old);
    writeFileSync(join(dir, '.running.tmp'), 'x');
    r.tag('v2.5.0');
    r.commit('fix: one more');
    backdate();
    expectBoth(await compare(r), COLD_KEPT, 'a sixth release');
    const names = readdirSync(dir);
    assert.ok(!names.includes('.abandoned.tmp') && names.includes('.running.tmp'), names.join(' '));
    assert.equal(names.filter((n) => n.endsWith('.markdown.json')).length, 3, names.join(' '));
    assert.equal(names.filter((n) => n.endsWith('.json.json')).length, 3, names.join(' '));
    const named = names.filter((n) => n.endsWith('.json.json')).map((n) => headerOf(join(changelogCacheDir(join(r.dir, '.git')), n)).blob);
    assert.deepEqual(names.filter((n) => n.endsWith('.blob')).sort(), named.sort());
  });

  it('release-manager changelog keeps the cache in the git directory; --no-cache neither reads nor keeps it', async () => {
    const r = linearRepo();
    const run = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(['changelog', '--repo', r.dir, ...args], { out: (t) => void (out += t), err: (t) => void (err += t), cwd: r.dir, env: {} });
      assert.equal(code, 0, err);
      return out;
    };
    const dir = changelogCacheDir(join(r.dir, '.git'));
    const whole = await run('--no-cache');
    assert.equal(existsSync(dir), false, '--no-cache keeps nothing');
    assert.equal(await run(), whole);
    assert.ok(readdirSync(dir).some((n) => n.endsWith('.markdown.json')));
    assert.equal(await run(), whole, 'read from the cache');
    const json = await run('--format', 'json', '--no-cache');
    assert.equal(await run('--format', 'json'), json);
    assert.equal(await run('--format', 'json'), json, 'read from the cache (the blob decoded as one stream)');
    let err = '';
    const code = await runCli(['notes', '--no-cache', '--repo', r.dir], { out: () => undefined, err: (t) => void (err += t), cwd: r.dir, env: {} });
    assert.equal(code, 2);
    assert.match(err, /--no-cache applies to changelog only/);
  });
});
