import assert from 'node:assert/strict';
import type { Change } from '../../../src/core/commits';
import { ConfigError } from '../../../src/core/errors';
import type { GhPull } from '../../../src/core/githubApi';
import { contributorsOf, groupSections, type Contributor, type ReleaseNotes } from '../../../src/core/notes';
import { linkPullRequests, type PullData } from '../../../src/core/prNotes';
import { parseReleaseYml, type ReleaseYml } from '../../../src/core/releaseYml';
import { renderMarkdown } from '../../../src/core/render';
import { change, config, sha } from '../../helpers/fixtures';

const ALICE = { name: 'Alice Doe', email: 'alice@example.com' };
const BOB = { name: 'Bob Roe', email: 'bob@example.com' };

/** A change at minute `n` (higher is newer), by Alice unless told. */
function at(n: number, over: Partial<Change>): Change {
  return change({ author: ALICE, date: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(), ...over });
}

/** Git-only notes of changes given newest first, as draftNotes builds them. */
function notesOf(changes: Change[], cfg = config(), first: Contributor[] = []): ReleaseNotes {
  return {
    range: { from: 'v1.0.0', to: 'HEAD', fromHash: sha('base'), toHash: changes[0]?.hash ?? sha('base') },
    version: { current: '1.0.0', next: '1.1.0', bump: 'minor', prerelease: null, hotfix: false, firstRelease: false, reasons: [], warnings: [] },
    date: null,
    sections: groupSections(changes, cfg),
    contributors: contributorsOf(changes),
    firstTimeContributors: first,
    warnings: [],
  };
}

function pull(number: number, over: Partial<GhPull> = {}): GhPull {
  return { number, title: `PR ${number}`, labels: [], author: 'alice', url: `https://github.com/o/r/pull/${number}`, mergedAt: '2024-01-02T00:00:00Z', mergeCommitSha: null, ...over };
}

function data(pulls: [string, GhPull | null][], over: Partial<PullData> = {}): PullData {
  return { pulls: new Map(pulls), logins: new Map(), releaseYml: null, ...over };
}

function yml(changelog: unknown): ReleaseYml {
  return parseReleaseYml({ changelog });
}

/** Section titles with the subjects of their entries. */
function outline(n: ReleaseNotes) {
  return n.sections.map((s) => [s.title, s.entries.map((e) => e.subject)]);
}

/** Mentions that would ping once rendered: outside code spans, backslash escapes resolved. */
function livePings(md: string): string[] {
  const text = md.replace(/`[^`\n]*`/g, ' ').replace(/\\(.)/g, '$1');
  return [...text.matchAll(/(?:^|\W)@([A-Za-z0-9][A-Za-z0-9-]*)/g)].map((m) => m[1]!);
}

describe('core/prNotes', () => {
  describe('parseReleaseYml', () => {
    it('reads exclusions and categories, with "*" and per-category exclusions', () => {
      const parsed = parseReleaseYml(
        {
          changelog: {
            exclude: { labels: ['ignore-for-release'], authors: ['octocat'] },
            categories: [
              { title: 'Breaking Changes 🛠', labels: ['Semver-Major', 'breaking-change'] },
              { title: 'Other Changes', labels: ['*'], exclude: { labels: ['dependencies'] } },
            ],
          },
        },
        '.github/release.yaml',
      );
      assert.deepEqual(parsed, {
        file: '.github/release.yaml',
        exclude: { labels: ['ignore-for-release'], authors: ['octocat'] },
        categories: [
          { title: 'Breaking Changes 🛠', labels: ['Semver-Major', 'breaking-change'], exclude: { labels: [], authors: [] } },
          { title: 'Other Changes', labels: ['*'], exclude: { labels: ['dependencies'], authors: [] } },
        ],
      });
    });

    it('treats an empty file, an empty changelog and empty lists as "nothing configured"', () => {
      const none = { file: '.github/release.yml', exclude: { labels: [], authors: [] }, categories: [] };
      assert.deepEqual(parseReleaseYml(null), none);
      assert.deepEqual(parseReleaseYml({ changelog: null }), none);
      assert.deepEqual(parseReleaseYml({ changelog: { exclude: { labels: null }, categories: null } }), none);
    });

    it('reads labels YAML typed as numbers as text and ignores keys GitHub does not know', () => {
      const parsed = parseReleaseYml({ other: 1, changelog: { categories: [{ title: 'v1', labels: [1.5], extra: true }] } });
      assert.deepEqual(parsed.categories, [{ title: 'v1', labels: ['1.5'], exclude: { labels: [], authors: [] } }]);
    });

    it('names every problem by its path', () => {
      const err = (() => {
        try {
          parseReleaseYml({ changelog: { exclude: { labels: 'bug' }, categories: [{ title: 'Fixes', labels: [] }, { labels: ['x'] }] } });
        } catch (e) {
          return e;
        }
        return null;
      })();
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        err.problems.map((p) => p.split(':')[0]),
        ['changelog.exclude.labels', 'changelog.categories[0].labels', 'changelog.categories[1].title'],
      );
      assert.equal(err.file, '.github/release.yml');
      assert.deepEqual(err.issues[1]!.path, ['changelog', 'categories', 0, 'labels']);
    });
  });

  describe('linkPullRequests', () => {
    it('changes nothing but logins when no commit belongs to a pull request', () => {
      const changes = [at(3, { type: 'feat', subject: 'a' }), at(2, { type: 'fix', subject: 'b' }), at(1, { type: null, subject: 'Revert "c"', isRevert: true })];
      const notes = notesOf(changes);
      const linked = linkPullRequests(notes, data(changes.map((c) => [c.hash, null])), config());
      assert.deepEqual(linked, notes);
    });

    it('merges the entries of one pull request into one titled by the PR; direct commits stay', () => {
      const c1 = at(4, { type: 'feat', subject: 'parse input', pr: 7, author: BOB });
      const direct = at(3, { type: 'feat', subject: 'direct feature' });
      const c2 = at(2, { type: 'fix', subject: 'typo', scope: 'cli', pr: 7 });
      const notes = notesOf([c1, direct, c2]);
      const seven = pull(7, { title: 'feat(parser): read stdin', labels: ['enhancement'], author: 'bob' });
      const linked = linkPullRequests(notes, data([[c1.hash, seven], [c2.hash, seven], [direct.hash, null]]), config());
      assert.deepEqual(outline(linked), [['Features', ['read stdin', 'direct feature']]]);
      const merged = linked.sections[0]!.entries[0]!;
      assert.equal(merged.hash, c1.hash, 'the newest commit when no merge commit is among them');
      assert.deepEqual(merged.hashes, [c1.hash, c2.hash]);
      assert.equal(merged.type, 'feat');
      assert.equal(merged.scope, 'parser');
      assert.equal(merged.pr, 7);
      assert.equal(merged.prTitle, 'feat(parser): read stdin');
      assert.deepEqual(merged.labels, ['enhancement']);
      assert.equal(merged.login, 'bob');
      assert.deepEqual(merged.authors, ['Bob Roe', 'Alice Doe']);
      assert.equal(merged.date, c1.date);
      assert.deepEqual(linked.sections[0]!.entries[1], notes.sections[0]!.entries[1], 'a direct commit is unchanged');
    });

    it('takes type and section from the commits when the PR title is not conventional', () => {
      const c1 = at(2, { type: 'docs', subject: 'explain', pr: 3 });
      const c2 = at(1, { type: 'fix', subject: 'crash', scope: 'io', pr: 3 });
      const three = pull(3, { title: 'Fix the crash on empty files (#3)' });
      const linked = linkPullRequests(notesOf([c1, c2]), data([[c1.hash, three], [c2.hash, three]]), config());
      assert.deepEqual(outline(linked), [['Bug Fixes', ['Fix the crash on empty files']]]);
      const e = linked.sections[0]!.entries[0]!;
      assert.equal(e.type, 'fix');
      assert.equal(e.scope, null, 'commits with different scopes give none');
      assert.equal(e.prTitle, 'Fix the crash on empty files (#3)');
    });

    it('follows a conventional PR title over its commits, but never hides what git showed', () => {
      const feat = at(2, { type: 'feat', subject: 'x', pr: 4 });
      const fix = at(1, { type: 'feat', subject: 'y', pr: 5 });
      const linked = linkPullRequests(notesOf([feat, fix]), data([[feat.hash, pull(4, { title: 'chore: bump deps' })], [fix.hash, pull(5, { title: 'fix: y' })]]), config());
      assert.deepEqual(outline(linked), [['Features', ['bump deps']], ['Bug Fixes', ['y']]]);
    });

    it('uses the squash merge commit as the hash and merges the entries split from its body', () => {
      const squash = sha('squash');
      const a = at(2, { hash: squash, type: 'feat', subject: 'a', pr: 9, fromSquash: true });
      const b = at(2, { hash: squash, type: 'fix', subject: 'b', pr: 9, fromSquash: true });
      const linked = linkPullRequests(notesOf([a, b]), data([[squash, pull(9, { title: 'feat: a and b', mergeCommitSha: squash })]]), config());
      assert.deepEqual(outline(linked), [['Features', ['a and b']]]);
      assert.equal(linked.sections[0]!.entries[0]!.hash, squash);
      assert.deepEqual(linked.sections[0]!.entries[0]!.hashes, [squash]);
    });

    it('is breaking when any commit or the title says so, and goes first', () => {
      const c1 = at(3, { type: 'feat', subject: 'a', pr: 1 });
      const c2 = at(2, { type: 'feat', subject: 'b', pr: 1, breaking: true, breakingNotes: ['config moved'] });
      const c3 = at(1, { type: 'fix', subject: 'c', pr: 2 });
      const one = pull(1, { title: 'feat: new config', labels: ['enhancement'] });
      const linked = linkPullRequests(
        notesOf([c1, c2, c3]),
        data([[c1.hash, one], [c2.hash, one], [c3.hash, pull(2, { title: 'fix!: drop node 18' })]], {
          releaseYml: yml({ categories: [{ title: 'New', labels: ['enhancement'] }] }),
        }),
        config(),
      );
      assert.deepEqual(outline(linked), [['⚠ Breaking Changes', ['new config', 'drop node 18']]]);
      assert.deepEqual(linked.sections[0]!.entries.map((e) => e.breakingNotes), [['config moved'], ['drop node 18']]);
    });

    describe('with .github/release.yml', () => {
      const release = yml({
        exclude: { labels: ['ignore-for-release'], authors: ['dependabot'] },
        categories: [
          { title: 'Exciting New Features 🎉', labels: ['enhancement', 'feature'] },
          { title: 'Bug Fixes', labels: ['bug'], exclude: { authors: ['renovate'] } },
          { title: 'Other Changes', labels: ['*'], exclude: { labels: ['documentation'] } },
        ],
      });

      it('puts a labelled PR in the first category with one of its labels, case-insensitively', () => {
        const c = at(1, { type: 'fix', subject: 'x', pr: 1 });
        const linked = linkPullRequests(notesOf([c]), data([[c.hash, pull(1, { title: 'fix: x', labels: ['Feature', 'bug'] })]], { releaseYml: release }), config());
        assert.deepEqual(outline(linked), [['Exciting New Features 🎉', ['x']]]);
      });

      it('skips a category whose own exclusion matches, down to the "*" catch-all', () => {
        const c = at(1, { type: 'fix', subject: 'x', pr: 1 });
        const linked = linkPullRequests(notesOf([c]), data([[c.hash, pull(1, { title: 'fix: x', labels: ['bug'], author: 'renovate' })]], { releaseYml: release }), config());
        assert.deepEqual(outline(linked), [['Other Changes', ['x']]]);
      });

      it('falls back to the commit type when no category takes a labelled PR', () => {
        const c = at(1, { type: 'docs', subject: 'guide', pr: 1 });
        const linked = linkPullRequests(notesOf([c]), data([[c.hash, pull(1, { title: 'docs: guide', labels: ['documentation'] })]], { releaseYml: release }), config());
        assert.deepEqual(outline(linked), [['Documentation', ['guide']]]);
      });

      it('keeps unlabelled PRs and direct commits in their commit-type sections ("*" catches labelled PRs only)', () => {
        const unlabelled = at(3, { type: 'perf', subject: 'faster', pr: 1 });
        const direct = at(2, { type: 'feat', subject: 'direct' });
        const labelled = at(1, { type: 'feat', subject: 'labelled', pr: 2 });
        const linked = linkPullRequests(
          notesOf([unlabelled, direct, labelled]),
          data([[unlabelled.hash, pull(1, { title: 'perf: faster' })], [direct.hash, null], [labelled.hash, pull(2, { title: 'feat: labelled', labels: ['question'] })]], { releaseYml: release }),
          config(),
        );
        assert.deepEqual(outline(linked), [['Other Changes', ['labelled']], ['Features', ['direct']], ['Performance', ['faster']]]);
      });

      it('drops PRs excluded by label or author (a bot by its bare name) and warns about a breaking one', () => {
        const kept = at(4, { type: 'feat', subject: 'kept', pr: 1 });
        const byLabel = at(3, { type: 'feat', subject: 'by label', pr: 2 });
        const byBot = at(2, { type: 'fix', subject: 'bump', pr: 3 });
        const breaking = at(1, { type: 'feat', subject: 'gone', pr: 4, breaking: true, breakingNotes: ['gone'] });
        const linked = linkPullRequests(
          notesOf([kept, byLabel, byBot, breaking]),
          data(
            [
              [kept.hash, pull(1, { title: 'feat: kept', labels: ['enhancement'] })],
              [byLabel.hash, pull(2, { title: 'feat: by label', labels: ['enhancement', 'Ignore-For-Release'] })],
              [byBot.hash, pull(3, { title: 'fix: bump', labels: ['bug'], author: 'dependabot[bot]' })],
              [breaking.hash, pull(4, { title: 'feat!: gone', labels: ['ignore-for-release'] })],
            ],
            { releaseYml: release },
          ),
          config(),
        );
        assert.deepEqual(outline(linked), [['Exciting New Features 🎉', ['kept']]]);
        assert.equal(linked.warnings.length, 1);
        assert.match(linked.warnings[0]!, /Breaking pull request #4 is left out of the notes by \.github\/release\.yml/);
      });

      it('orders breaking, categories, then type sections, merging sections of the same title', () => {
        const labelledFix = at(3, { type: 'fix', subject: 'labelled fix', pr: 1 });
        const directFix = at(2, { type: 'fix', subject: 'direct fix' });
        const feat = at(1, { type: 'feat', subject: 'feat', pr: 2 });
        const linked = linkPullRequests(
          notesOf([labelledFix, directFix, feat]),
          data([[labelledFix.hash, pull(1, { title: 'fix: labelled fix', labels: ['bug'] })], [directFix.hash, null], [feat.hash, pull(2, { title: 'feat: feat', labels: ['enhancement'] })]], {
            releaseYml: release,
          }),
          config(),
        );
        assert.deepEqual(outline(linked), [
          ['Exciting New Features 🎉', ['feat']],
          ['Bug Fixes', ['labelled fix', 'direct fix']],
        ]);
      });
    });

    describe('logins', () => {
      it('attaches logins to direct commits, contributors and first-time contributors', () => {
        const a = at(2, { type: 'feat', subject: 'a', author: ALICE });
        const b = at(1, { type: 'fix', subject: 'b', author: BOB });
        const notes = notesOf([a, b], config(), [{ ...BOB }]);
        const linked = linkPullRequests(notes, data([[a.hash, null], [b.hash, null]], { logins: new Map([[a.hash, 'alice-d'], [b.hash, 'bobr']]) }), config());
        assert.deepEqual(linked.sections.map((s) => s.entries.map((e) => e.login)), [['alice-d'], ['bobr']]);
        assert.deepEqual(linked.contributors, [{ ...BOB, login: 'bobr' }, { ...ALICE, login: 'alice-d' }]);
        assert.deepEqual(linked.firstTimeContributors, [{ ...BOB, login: 'bobr' }]);
      });

      it('leaves out logins that are ambiguous or not shaped like GitHub logins', () => {
        const twin = { name: 'Alice Doe', email: 'other-alice@example.com' };
        const a = at(3, { type: 'feat', subject: 'a', author: ALICE });
        const t = at(2, { type: 'feat', subject: 't', author: twin });
        const b = at(1, { type: 'fix', subject: 'b', author: BOB });
        const linked = linkPullRequests(
          notesOf([a, t, b]),
          data([], { logins: new Map([[a.hash, 'alice'], [t.hash, 'alice2'], [b.hash, 'bob](javascript:x)']]) }),
          config(),
        );
        assert.ok(linked.contributors.every((c) => c.login === undefined));
        assert.equal(linked.sections[1]!.entries[0]!.login, undefined);
      });

      it('ignores a PR author login that is not shaped like one', () => {
        const c = at(1, { type: 'feat', subject: 'x', pr: 1 });
        const linked = linkPullRequests(notesOf([c]), data([[c.hash, pull(1, { title: 'feat: x', author: '<img src=x>' })]]), config());
        assert.equal(linked.sections[0]!.entries[0]!.login, undefined);
      });
    });

    describe('rendering', () => {
      const c = at(2, { type: 'feat', subject: 'x', pr: 5, author: BOB });
      const d = at(1, { type: 'fix', subject: 'y', author: ALICE });
      const linkedWith = (cfg = config()) =>
        linkPullRequests(
          notesOf([c, d], cfg, [{ ...BOB }]),
          data([[c.hash, pull(5, { title: 'feat: greet @everyone', author: 'bobr' })], [d.hash, null]], { logins: new Map([[c.hash, 'bobr'], [d.hash, 'alice']]) }),
          cfg,
        );

      it('credits PR authors and contributors by login with mentions neutralised by default', () => {
        const md = renderMarkdown(linkedWith(), config());
        assert.match(md, /- greet `@everyone` by `@bobr` \(#5\) \([0-9a-f]{7}\)/);
        assert.match(md, /- y \([0-9a-f]{7}\)$/m, 'a direct commit line is unchanged');
        assert.match(md, /- Bob Roe \(`@bobr`\) \(first contribution\)/);
        assert.match(md, /- Alice Doe \(`@alice`\)$/m);
        assert.deepEqual(livePings(md), []);
      });

      it('lets logins ping when the config allows mentions', () => {
        const cfg = config({ mentions: 'allow' });
        const md = renderMarkdown(linkedWith(cfg), cfg);
        assert.deepEqual([...new Set(livePings(md))].sort(), ['alice', 'bobr', 'everyone']);
      });
    });
  });
});
