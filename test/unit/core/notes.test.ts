import assert from 'node:assert/strict';
import { contributorsOf, groupSections } from '../../../src/core/notes';
import { change, config, sha } from '../../helpers/fixtures';

/** Section titles with the subjects of their entries, for compact assertions. */
function outline(sections: ReturnType<typeof groupSections>) {
  return sections.map((s) => [s.title, s.entries.map((e) => e.subject)]);
}

describe('core/notes', () => {
  describe('groupSections', () => {
    it('puts breaking changes first, then the configured sections in their order', () => {
      const sections = groupSections(
        [
          change({ type: 'fix', subject: 'f1' }),
          change({ type: 'feat', subject: 'a1' }),
          change({ type: 'feat', subject: 'b1', breaking: true, breakingNotes: ['gone'] }),
          change({ type: 'docs', subject: 'd1' }),
          change({ type: 'feat', subject: 'a2' }),
          change({ type: 'perf', subject: 'p1' }),
          change({ type: 'refactor', subject: 'r1' }),
        ],
        config(),
      );
      assert.deepEqual(outline(sections), [
        ['⚠ Breaking Changes', ['b1']],
        ['Features', ['a1', 'a2']],
        ['Bug Fixes', ['f1']],
        ['Performance', ['p1']],
        ['Documentation', ['d1']],
        ['Refactoring', ['r1']],
      ]);
    });

    it('follows a custom section order and titles, grouping several types in one section', () => {
      const cfg = config({
        sections: [
          { title: 'Fixed', types: ['fix', 'perf'] },
          { title: 'Added', types: ['feat'] },
        ],
        breakingTitle: 'BREAKING',
      });
      const sections = groupSections(
        [change({ type: 'feat', subject: 'a' }), change({ type: 'perf', subject: 'p' }), change({ type: 'fix', subject: 'f' })],
        cfg,
      );
      assert.deepEqual(outline(sections), [
        ['Fixed', ['p', 'f']],
        ['Added', ['a']],
      ]);
    });

    it('matches section types case-insensitively', () => {
      const cfg = config({ sections: [{ title: 'Added', types: ['Feat'] }] });
      assert.deepEqual(outline(groupSections([change({ type: 'feat', subject: 'a' })], cfg)), [['Added', ['a']]]);
    });

    it('drops hidden types unless they are breaking', () => {
      const sections = groupSections(
        [
          change({ type: 'chore', subject: 'tidy' }),
          change({ type: 'ci', subject: 'pipeline' }),
          change({ type: 'chore', subject: 'drop node 6', breaking: true, breakingNotes: ['drop node 6'] }),
        ],
        config(),
      );
      assert.deepEqual(outline(sections), [['⚠ Breaking Changes', ['drop node 6']]]);
    });

    it('lists non-conventional commits and types without a section under Other changes', () => {
      const sections = groupSections([change({ type: null, subject: 'Update stuff' }), change({ type: 'wip', subject: 'half done' }), change({ type: 'feat', subject: 'a' })], config());
      assert.deepEqual(outline(sections), [
        ['Features', ['a']],
        ['Other changes', ['Update stuff', 'half done']],
      ]);
    });

    it('uses the configured Other title and drops Other entirely when other.hidden', () => {
      const input = [change({ type: null, subject: 'Update stuff' }), change({ type: 'wip', subject: 'half done' })];
      assert.deepEqual(outline(groupSections(input, config({ other: { title: 'Misc', hidden: false } }))), [['Misc', ['Update stuff', 'half done']]]);
      assert.deepEqual(groupSections(input, config({ other: { title: 'Misc', hidden: true } })), []);
    });

    it('puts reverts (by header or by body) in the Reverts section', () => {
      const sections = groupSections(
        [
          change({ type: null, subject: 'Revert "feat: x"', isRevert: true, reverts: ['abcdef1'] }),
          change({ type: 'revert', subject: 'undo y', isRevert: true }),
        ],
        config(),
      );
      assert.deepEqual(outline(sections), [['Reverts', ['Revert "feat: x"', 'undo y']]]);
    });

    it('puts a revert under Other changes when no section takes revert', () => {
      const cfg = config({ sections: [{ title: 'Features', types: ['feat'] }] });
      const sections = groupSections([change({ type: null, subject: 'Revert "feat: x"', isRevert: true })], cfg);
      assert.deepEqual(outline(sections), [['Other changes', ['Revert "feat: x"']]]);
    });

    it('returns no sections for no visible changes', () => {
      assert.deepEqual(groupSections([], config()), []);
      assert.deepEqual(groupSections([change({ type: 'test', subject: 't' })], config()), []);
    });

    it('carries the entry fields and names the author and co-authors', () => {
      const c = change({
        hash: sha('x'),
        type: 'feat',
        scope: 'ui',
        subject: 'add button',
        pr: 12,
        author: { name: 'Ann', email: 'ann@example.com' },
        coAuthors: [{ name: 'Bob', email: 'bob@example.com' }],
      });
      const [section] = groupSections([c], config());
      assert.deepEqual(section!.entries, [
        { hash: sha('x'), type: 'feat', scope: 'ui', subject: 'add button', breaking: false, breakingNotes: [], pr: 12, authors: ['Ann', 'Bob'], date: c.date },
      ]);
    });
  });

  describe('contributorsOf', () => {
    it('lists authors and co-authors once by email, oldest first', () => {
      const ann = { name: 'Ann', email: 'ann@example.com' };
      const bob = { name: 'Bob', email: 'bob@example.com' };
      const cat = { name: 'Cat', email: 'cat@example.com' };
      // Newest first, as in a range.
      const commits = [
        change({ subject: 'newest', author: cat, coAuthors: [ann] }),
        change({ subject: 'middle', author: { name: 'Ann (laptop)', email: 'ann@example.com' } }),
        change({ subject: 'oldest', author: bob, coAuthors: [ann] }),
      ];
      assert.deepEqual(contributorsOf(commits), [bob, ann, cat]);
    });

    it('returns nobody for no commits', () => {
      assert.deepEqual(contributorsOf([]), []);
    });
  });
});
