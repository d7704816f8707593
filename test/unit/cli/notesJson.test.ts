import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');

/** Runs the built CLI as a real process and parses its JSON output. */
function json(args: string[]): unknown {
  const r = spawnSync(process.execPath, [CLI, ...args, '--format', 'json'], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

interface Entry {
  hash: string;
  type: string | null;
  scope: string | null;
  subject: string;
}
interface Notes {
  version: { current: string | null; next: string | null; bump: string; reasons: { hash: string }[] };
  sections: { title: string; entries: Entry[] }[];
}

const entries = (n: Notes) => n.sections.flatMap((s) => s.entries.map((e) => ({ section: s.title, ...e })));

function configure(r: TestRepo, config: unknown): void {
  writeFileSync(join(r.dir, '.release-manager.json'), JSON.stringify(config));
  r.git('add', '.release-manager.json');
  r.git('commit', '-q', '-m', 'chore: config');
}

describe('release-manager notes and changelog JSON', function () {
  this.timeout(60_000); // each test spawns the CLI a few times, on a shared machine
  after(() => TestRepo.cleanup());

  it('gives a git-style revert type "revert" in notes and changelog, keeping its other fields', () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    const target = r.commit('fix(x): handle null');
    r.tag('v1.0.0');
    r.git('revert', '--no-edit', 'HEAD');
    const revertHash = r.head();
    const notes = json(['notes', '--repo', r.dir]) as Notes;
    const changelog = json(['changelog', '--repo', r.dir]) as Notes[];
    for (const n of [notes, changelog[0]!]) {
      const all = entries(n);
      assert.equal(all.length, 1);
      const e = all[0]!;
      assert.equal(e.section, 'Reverts');
      assert.equal(e.type, 'revert');
      assert.equal(e.scope, null);
      assert.equal(e.subject, 'Revert "fix(x): handle null"');
      assert.equal(e.hash, revertHash);
      assert.notEqual(e.hash, target);
      assert.deepEqual(Object.keys(e).sort(), ['authors', 'breaking', 'breakingNotes', 'date', 'hash', 'pr', 'scope', 'section', 'subject', 'type']);
    }
    assert.equal(notes.version.next, '1.0.1');
  });

  /** Since v1.0.0: a feature, then every kind of release commit. */
  function released(): { r: TestRepo; feat: string } {
    const r = TestRepo.create();
    r.commit('feat: first');
    r.tag('v1.0.0');
    const feat = r.commit('feat: search');
    r.commit('release: v1.1.0');
    r.commit('1.1.0');
    r.commit('chore: release 1.1.0');
    r.commit('chore(release): 1.1.0');
    return { r, feat };
  }

  /** Since v1.0.0: release commits only. */
  function onlyCut(): TestRepo {
    const cut = TestRepo.create();
    cut.commit('feat: first');
    cut.tag('v1.0.0');
    cut.commit('1.0.1');
    cut.commit('release: v1.0.1');
    return cut;
  }

  it('leaves release commits out of the notes, the changelog count and the version by default', () => {
    const { r, feat } = released();
    const notes = json(['notes', '--repo', r.dir]) as Notes;
    assert.deepEqual(entries(notes).map((e) => e.subject), ['search']);
    assert.equal(notes.version.next, '1.1.0');
    assert.deepEqual(notes.version.reasons.map((x) => x.hash), [feat]);
    // The changelog's unreleased release counts the same changes as the notes (one shared filter).
    const changelog = json(['changelog', '--repo', r.dir]) as Notes[];
    assert.deepEqual(entries(changelog[0]!).map((e) => e.subject), ['search']);
    // Only release commits since the last release: nothing to release (a plain `1.0.1` used to bump a patch).
    const none = json(['notes', '--repo', onlyCut().dir]) as Notes;
    assert.deepEqual(entries(none), []);
    assert.equal(none.version.next, null);
  });

  it('lists release commits with releaseCommits: "show", and they still never bump', () => {
    const { r, feat } = released();
    const cut = onlyCut();
    configure(r, { releaseCommits: 'show' });
    configure(cut, { releaseCommits: 'show' });
    const shown = json(['notes', '--repo', r.dir]) as Notes;
    // chore(release) and chore: stay out through excludeScopes and hiddenTypes; the others are listed.
    assert.deepEqual(entries(shown).map((e) => [e.section, e.subject]), [['Features', 'search'], ['Other changes', '1.1.0'], ['Other changes', 'v1.1.0']]);
    assert.deepEqual(shown.version.reasons.map((x) => x.hash), [feat], 'a listed release commit still does not bump');
    const shownCut = json(['notes', '--repo', cut.dir]) as Notes;
    assert.equal(entries(shownCut).length, 2);
    assert.equal(shownCut.version.next, null);
    assert.equal(entries((json(['changelog', '--repo', r.dir]) as Notes[])[0]!).length, 3);
  });
});
