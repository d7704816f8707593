import assert from 'node:assert/strict';
import { isReleaseCommit, mergePrNumber, parseHeader, parseMessage, parsePerson, squashEntries, toChanges, type RawCommit } from '../../../src/core/commits';
import { sha } from '../../helpers/fixtures';

function rawCommit(message: string, over: Partial<RawCommit> = {}): RawCommit {
  return {
    hash: sha(message),
    parents: [sha('parent')],
    authorName: 'Ann Author',
    authorEmail: 'ann@example.com',
    date: '2024-01-01T00:00:00.000Z',
    message,
    ...over,
  };
}

/** The only change of a commit that must not be split. */
function single(message: string, over: Partial<RawCommit> = {}) {
  const changes = toChanges(rawCommit(message, over));
  assert.equal(changes.length, 1, 'expected exactly one change');
  return changes[0]!;
}

describe('core/commits', () => {
  describe('parseHeader', () => {
    it('reads type, scope, bang and subject', () => {
      assert.deepEqual(parseHeader('feat(lang): add Polish language'), { type: 'feat', scope: 'lang', bang: false, subject: 'add Polish language' });
      assert.deepEqual(parseHeader('feat(api)!: send an email to the customer when a product is shipped'), {
        type: 'feat',
        scope: 'api',
        bang: true,
        subject: 'send an email to the customer when a product is shipped',
      });
      assert.deepEqual(parseHeader('docs: correct spelling of CHANGELOG'), { type: 'docs', scope: null, bang: false, subject: 'correct spelling of CHANGELOG' });
    });

    it('lowercases the type but keeps the scope and subject as written', () => {
      assert.deepEqual(parseHeader('FEAT: Add Thing'), { type: 'feat', scope: null, bang: false, subject: 'Add Thing' });
      assert.deepEqual(parseHeader('Fix(API): handle Null'), { type: 'fix', scope: 'API', bang: false, subject: 'handle Null' });
    });

    it('treats an empty scope as no scope', () => {
      assert.equal(parseHeader('feat(): x')?.scope, null);
      assert.equal(parseHeader('feat( ): x')?.scope, null);
    });

    it('rejects headers that do not follow the convention', () => {
      for (const line of [
        'feat:no space after the colon',
        'feat: ',
        'feat:',
        'feat : space before the colon',
        'feat!(api): bang before the scope',
        'feat(a(b)): nested parentheses',
        '1feat: type starting with a digit',
        'Update README.md',
        'Merge pull request #123 from owner/branch',
        'Revert "feat: x"',
        '',
      ]) {
        assert.equal(parseHeader(line), null, line);
      }
    });
  });

  describe('parseMessage (Conventional Commits 1.0.0 examples)', () => {
    it('reads a BREAKING CHANGE footer ("allow provided config object to extend other configs")', () => {
      const p = parseMessage(
        'feat: allow provided config object to extend other configs\n\nBREAKING CHANGE: `extends` key in config file is now used for extending other config files',
      );
      assert.deepEqual(p.header, { type: 'feat', scope: null, bang: false, subject: 'allow provided config object to extend other configs' });
      assert.equal(p.body, '');
      assert.deepEqual(p.footers, [{ key: 'BREAKING CHANGE', value: '`extends` key in config file is now used for extending other config files' }]);
      assert.deepEqual(p.breakingNotes, ['`extends` key in config file is now used for extending other config files']);
    });

    it('reads "feat!:" and "feat(api)!:" as breaking headers without footers', () => {
      const bang = parseMessage('feat!: send an email to the customer when a product is shipped');
      assert.equal(bang.header?.bang, true);
      assert.equal(bang.header?.scope, null);
      assert.deepEqual(bang.footers, []);
      const scoped = parseMessage('feat(api)!: send an email to the customer when a product is shipped');
      assert.equal(scoped.header?.bang, true);
      assert.equal(scoped.header?.scope, 'api');
    });

    it('reads both ! and a BREAKING CHANGE footer ("chore!: drop support for Node 6")', () => {
      const p = parseMessage('chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.');
      assert.deepEqual(p.header, { type: 'chore', scope: null, bang: true, subject: 'drop support for Node 6' });
      assert.deepEqual(p.breakingNotes, ['use JavaScript features not available in Node 6.']);
    });

    it('reads a commit with no body ("docs: correct spelling of CHANGELOG")', () => {
      const p = parseMessage('docs: correct spelling of CHANGELOG');
      assert.equal(p.subject, 'docs: correct spelling of CHANGELOG');
      assert.equal(p.body, '');
      assert.deepEqual(p.footers, []);
      assert.deepEqual(p.breakingNotes, []);
    });

    it('reads a scope ("feat(lang): add Polish language")', () => {
      const p = parseMessage('feat(lang): add Polish language');
      assert.deepEqual(p.header, { type: 'feat', scope: 'lang', bang: false, subject: 'add Polish language' });
    });

    it('separates a multi-paragraph body from its footers ("fix: prevent racing of requests")', () => {
      const p = parseMessage(
        [
          'fix: prevent racing of requests',
          '',
          'Introduce a request id and a reference to latest request. Dismiss',
          'incoming responses other than from latest request.',
          '',
          'Remove timeouts which were used to mitigate the racing issue but are',
          'obsolete now.',
          '',
          'Reviewed-by: Z',
          'Refs: #123',
        ].join('\n'),
      );
      assert.equal(p.header?.type, 'fix');
      assert.equal(
        p.body,
        'Introduce a request id and a reference to latest request. Dismiss\nincoming responses other than from latest request.\n\n' +
          'Remove timeouts which were used to mitigate the racing issue but are\nobsolete now.',
      );
      assert.deepEqual(p.footers, [
        { key: 'Reviewed-by', value: 'Z' },
        { key: 'Refs', value: '#123' },
      ]);
      assert.deepEqual(p.breakingNotes, []);
    });
  });

  describe('parseMessage (footers)', () => {
    it('accepts BREAKING-CHANGE with a hyphen as a synonym', () => {
      const p = parseMessage('feat: x\n\nBREAKING-CHANGE: the old flag is gone');
      assert.deepEqual(p.breakingNotes, ['the old flag is gone']);
    });

    it('does not treat a lowercase "breaking change" footer as breaking (the token must be uppercase)', () => {
      const p = parseMessage('feat: x\n\nbreaking-change: not really');
      assert.deepEqual(p.breakingNotes, []);
      assert.deepEqual(p.footers, [{ key: 'breaking-change', value: 'not really' }]);
    });

    it('keeps the continuation lines of a multi-line footer value until the next footer token', () => {
      const p = parseMessage('feat: x\n\nBREAKING CHANGE: line one\n  line two\nline three\nRefs: #1');
      assert.deepEqual(p.footers, [
        { key: 'BREAKING CHANGE', value: 'line one\n  line two\nline three' },
        { key: 'Refs', value: '#1' },
      ]);
      assert.deepEqual(p.breakingNotes, ['line one\n  line two\nline three']);
    });

    it('reads `token #value` footers, keeping the #', () => {
      const p = parseMessage('fix: x\n\nCloses #42\nFixes #7');
      assert.deepEqual(p.footers, [
        { key: 'Closes', value: '#42' },
        { key: 'Fixes', value: '#7' },
      ]);
    });

    it('reads footers split over several trailing paragraphs', () => {
      const p = parseMessage('fix: x\n\nthe body\n\nReviewed-by: Z\n\nRefs: #1');
      assert.equal(p.body, 'the body');
      assert.deepEqual(p.footers, [
        { key: 'Reviewed-by', value: 'Z' },
        { key: 'Refs', value: '#1' },
      ]);
    });

    it('keeps a footer-looking paragraph in the body when a plain paragraph follows it', () => {
      const p = parseMessage('fix: x\n\nNote: first\n\nplain closing words');
      assert.deepEqual(p.footers, []);
      assert.equal(p.body, 'Note: first\n\nplain closing words');
    });

    it('tolerates a BREAKING CHANGE paragraph inside the body', () => {
      const p = parseMessage('feat: x\n\nBREAKING CHANGE: the api\nchanged shape\n\nmore prose here');
      assert.deepEqual(p.breakingNotes, ['the api\nchanged shape']);
      assert.deepEqual(p.footers, []);
    });

    it('reads a CRLF message like an LF one', () => {
      const p = parseMessage('feat(api): add x\r\n\r\nbody line\r\nsecond line\r\n\r\nRefs: #7\r\n');
      assert.deepEqual(p.header, { type: 'feat', scope: 'api', bang: false, subject: 'add x' });
      assert.equal(p.subject, 'feat(api): add x');
      assert.equal(p.body, 'body line\nsecond line');
      assert.deepEqual(p.footers, [{ key: 'Refs', value: '#7' }]);
    });

    it('returns a null header and the first line as subject for a non-conventional message', () => {
      const p = parseMessage('Update README.md\n\nSome words.');
      assert.equal(p.header, null);
      assert.equal(p.subject, 'Update README.md');
      assert.equal(p.body, 'Some words.');
    });

    it('handles an empty message', () => {
      const p = parseMessage('');
      assert.equal(p.header, null);
      assert.equal(p.subject, '');
      assert.equal(p.body, '');
      assert.deepEqual(p.footers, []);
    });

    it('strips terminal escapes and bidi controls from the subject', () => {
      const p = parseMessage('fix: \u001b[31mred\u001b[0m \u202eevil\u0000\n\nbody');
      assert.equal(p.subject, 'fix: red evil');
      assert.equal(p.header?.subject, 'red evil');
    });
  });

  describe('parsePerson', () => {
    it('reads `Name <email>` and lowercases the email', () => {
      assert.deepEqual(parsePerson('Jane Doe <Jane.Doe@Example.COM>'), { name: 'Jane Doe', email: 'jane.doe@example.com' });
    });

    it('uses the email as the name when the name is missing', () => {
      assert.deepEqual(parsePerson('<bot@example.com>'), { name: 'bot@example.com', email: 'bot@example.com' });
    });

    it('rejects values that are not a person', () => {
      assert.equal(parsePerson('nobody'), null);
      assert.equal(parsePerson('Jane <not-an-email>'), null);
      assert.equal(parsePerson('Jane jane@example.com'), null);
    });
  });

  describe('mergePrNumber', () => {
    it('reads the PR number of a GitHub merge commit', () => {
      assert.equal(mergePrNumber('Merge pull request #123 from owner/branch'), 123);
    });

    it('ignores other merges and other subjects', () => {
      assert.equal(mergePrNumber("Merge branch 'main' into feature"), null);
      assert.equal(mergePrNumber('feat: add x (#123)'), null);
      assert.equal(mergePrNumber('Merge pull request #123'), null);
      assert.equal(mergePrNumber('Not a Merge pull request #123 from owner/branch'), null);
    });
  });

  describe('toChanges', () => {
    it('turns a conventional commit into one change with author and date', () => {
      const c = single('feat(lang): add Polish language', { authorName: 'Ann Author', authorEmail: 'Ann@Example.com' });
      assert.equal(c.type, 'feat');
      assert.equal(c.scope, 'lang');
      assert.equal(c.subject, 'add Polish language');
      assert.equal(c.breaking, false);
      assert.deepEqual(c.author, { name: 'Ann Author', email: 'ann@example.com' });
      assert.equal(c.date, '2024-01-01T00:00:00.000Z');
      assert.equal(c.isRevert, false);
      assert.deepEqual(c.reverts, []);
      assert.equal(c.fromSquash, false);
      assert.equal(c.pr, null);
    });

    it('marks a `!` header breaking and uses its subject as the breaking note', () => {
      const c = single('feat!: send an email to the customer when a product is shipped');
      assert.equal(c.breaking, true);
      assert.deepEqual(c.breakingNotes, ['send an email to the customer when a product is shipped']);
    });

    it('prefers the BREAKING CHANGE footer text over the subject as the breaking note', () => {
      const c = single('chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.');
      assert.equal(c.breaking, true);
      assert.deepEqual(c.breakingNotes, ['use JavaScript features not available in Node 6.']);
    });

    it('marks a commit breaking from its BREAKING CHANGE footer alone', () => {
      const c = single('feat: allow provided config object to extend other configs\n\nBREAKING CHANGE: `extends` key is now used for extending');
      assert.equal(c.breaking, true);
      assert.deepEqual(c.breakingNotes, ['`extends` key is now used for extending']);
    });

    it('does not mark a non-conventional commit breaking even with a BREAKING CHANGE footer', () => {
      const c = single('Update everything\n\nBREAKING CHANGE: maybe');
      assert.equal(c.type, null);
      assert.equal(c.breaking, false);
      assert.deepEqual(c.breakingNotes, []);
    });

    it('keeps non-conventional messages as typeless changes with their first line as subject', () => {
      assert.equal(single('feat:no space').type, null);
      assert.equal(single('feat:no space').subject, 'feat:no space');
      const empty = single('feat: ');
      assert.equal(empty.type, null);
      assert.equal(empty.subject, 'feat:');
    });

    it('lowercases an uppercase type', () => {
      assert.equal(single('FEAT: shout').type, 'feat');
    });

    it('reads the PR number from a `(#123)` suffix and drops it from the subject', () => {
      const c = single('feat: add x (#123)');
      assert.equal(c.pr, 123);
      assert.equal(c.subject, 'add x');
    });

    it('ignores a PR reference that is not a suffix', () => {
      const c = single('fix: follow up on (#12) properly');
      assert.equal(c.pr, null);
      assert.equal(c.subject, 'follow up on (#12) properly');
    });

    it('reads the PR number of a `Merge pull request #123 from owner/branch` commit', () => {
      const c = single('Merge pull request #123 from owner/branch\n\nfeat: title', { parents: [sha('a'), sha('b')] });
      assert.equal(c.pr, 123);
      assert.equal(c.type, null);
    });

    it('reads Co-authored-by trailers, leaving out the author and non-persons', () => {
      const c = single(
        'feat: pair work\n\nCo-authored-by: Jane Doe <Jane@Example.com>\nco-authored-by: Ann Again <ANN@example.com>\nCo-authored-by: not a person',
        { authorEmail: 'ann@example.com' },
      );
      assert.deepEqual(c.coAuthors, [{ name: 'Jane Doe', email: 'jane@example.com' }]);
    });

    it('uses the email as the author name when the name is empty', () => {
      const c = single('fix: x', { authorName: '  ', authorEmail: 'bot@example.com' });
      assert.deepEqual(c.author, { name: 'bot@example.com', email: 'bot@example.com' });
    });

    it('strips unsafe characters from the author name', () => {
      const c = single('fix: x', { authorName: 'Ann\u001b[2J\u202e Author' });
      assert.equal(c.author.name, 'Ann Author');
    });

    describe('squash merges', () => {
      const squash = [
        'feat: big feature (#42)',
        '',
        '* feat(ui): add button',
        '',
        '* fix: handle null',
        '',
        '* chore: tidy',
        '',
        'Co-authored-by: Bob <bob@example.com>',
      ].join('\n');

      it("yields one change per conventional entry of a squash merge's body", () => {
        const changes = toChanges(rawCommit(squash));
        assert.deepEqual(
          changes.map((c) => [c.type, c.scope, c.subject]),
          [
            ['feat', 'ui', 'add button'],
            ['fix', null, 'handle null'],
            ['chore', null, 'tidy'],
          ],
        );
        const hash = sha(squash);
        for (const c of changes) {
          assert.equal(c.hash, hash);
          assert.equal(c.pr, 42);
          assert.equal(c.fromSquash, true);
          assert.deepEqual(c.coAuthors, [{ name: 'Bob', email: 'bob@example.com' }]);
        }
      });

      it('splits `- ` bullets written without blank lines too', () => {
        const changes = toChanges(rawCommit('Squashed (#5)\n\n- feat: a\n- fix: b'));
        assert.deepEqual(
          changes.map((c) => [c.type, c.subject, c.pr]),
          [
            ['feat', 'a', 5],
            ['fix', 'b', 5],
          ],
        );
      });

      it('does not split a body with only one conventional bullet', () => {
        const c = single('fix: one thing (#7)\n\n* fix: one thing\n* update the readme');
        assert.equal(c.type, 'fix');
        assert.equal(c.subject, 'one thing');
        assert.equal(c.fromSquash, false);
        assert.equal(c.pr, 7);
      });

      it('attaches a BREAKING CHANGE line in the body to the entry above it', () => {
        const changes = toChanges(rawCommit('feat: big (#42)\n\n* feat: new api\n\nBREAKING CHANGE: old api removed\n\n* fix: thing'));
        assert.equal(changes.length, 2);
        assert.equal(changes[0]!.breaking, true);
        assert.deepEqual(changes[0]!.breakingNotes, ['old api removed']);
        assert.equal(changes[1]!.breaking, false);
      });

      it('marks a `!` bullet breaking', () => {
        const changes = toChanges(rawCommit('feat: big (#42)\n\n* feat!: drop v1\n* fix: thing'));
        assert.equal(changes[0]!.breaking, true);
        assert.deepEqual(changes[0]!.breakingNotes, ['drop v1']);
      });

      it("keeps a squash merge's `!` header breaking when its body is split", () => {
        // Regression (was a bug, now fixed): toChanges (src/core/commits.ts, the squash branch at line 168) builds each entry from the bullet's own
        // header only; the outer header's `!` is dropped, so a breaking PR titled `feat!: …` bumps minor, not major.
        const changes = toChanges(rawCommit('feat!: rework config loading (#40)\n\n* feat: new loader\n* fix: old path'));
        assert.ok(
          changes.some((c) => c.breaking),
          'the release must still be breaking',
        );
      });

      it("keeps a squash merge's trailing BREAKING CHANGE footer when its body is split", () => {
        // Regression (was a bug, now fixed): the trailing BREAKING CHANGE paragraph is parsed as a footer, so squashEntries (which only sees the
        // body) never sees it and the squash branch of toChanges ignores parsed.breakingNotes: the note is lost.
        const changes = toChanges(rawCommit('feat: big (#12)\n\n* feat: a\n* fix: b\n\nBREAKING CHANGE: removes the x option'));
        assert.equal(changes.length, 2);
        assert.ok(
          changes.some((c) => c.breaking && c.breakingNotes.includes('removes the x option')),
          'the breaking note must survive the split',
        );
      });
    });

    describe('isReleaseCommit', () => {
      for (const message of [
        'chore(release): 1.2.0',
        'chore(Release): publish packages',
        'chore(release): 1.2.0 (#45)',
        'release: v1.2.3',
        'release(api): 2.0.0',
        'chore: release 1.2.3',
        'chore: Release v1.2.3-rc.1',
        'chore: bump version to 1.2.3',
        '1.2.3',
        'v1.2.3',
        'Release 1.2.3',
        'version 1.2.3+build.7',
      ]) {
        it(`recognises ${JSON.stringify(message)}`, () => assert.equal(isReleaseCommit(single(message)), true));
      }
      for (const message of [
        'fix: release 1.2.3 crashed on start',
        'feat: 1.2.3',
        'chore: release notes tooling',
        'chore(deps): release 4.17.21',
        'chore(deps): bump lodash to 4.17.21',
        'Update to 1.2.3',
        'Release the kraken',
        '1.2',
        'Revert "chore(release): 1.2.3"',
      ]) {
        it(`does not take ${JSON.stringify(message)} for a release commit`, () => assert.equal(isReleaseCommit(single(message)), false));
      }
    });

    describe('reverts', () => {
      const target = 'ABCDEF0123456789abcdef0123456789ABCDEF01';

      it('detects git\'s `Revert "…"` with `This reverts commit <hash>.` and lowercases the hash', () => {
        const c = single(`Revert "feat: x"\n\nThis reverts commit ${target}.`);
        assert.equal(c.isRevert, true);
        assert.deepEqual(c.reverts, [target.toLowerCase()]);
      });

      it('types a git-style revert `revert` and keeps its other fields as a plain commit has them', () => {
        const c = single(`Revert "fix(x): handle null (#12)"\n\nThis reverts commit ${target}.`);
        assert.equal(c.type, 'revert');
        assert.equal(c.scope, null);
        assert.equal(c.subject, 'Revert "fix(x): handle null (#12)"');
        assert.equal(c.breaking, false);
        assert.deepEqual(c.breakingNotes, []);
        assert.equal(c.pr, null);
        assert.equal(c.fromSquash, false);
      });

      it('types a `Revert "…"` subject without a body `revert` too, and leaves a conventional type as written', () => {
        assert.equal(single('Revert "feat: x"').type, 'revert');
        assert.equal(single(`fix: undo the cache\n\nThis reverts commit ${target}.`).type, 'fix');
        assert.equal(single('Reverted the cache by hand').type, null);
      });

      it('detects `revert: …` with a `Refs: <hash>, <hash>` footer (the spec example)', () => {
        const c = single('revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868');
        assert.equal(c.isRevert, true);
        assert.equal(c.type, 'revert');
        assert.deepEqual(c.reverts, ['676104e', 'a215868']);
      });

      it('detects a `revert:` header without any target', () => {
        const c = single('revert: undo the thing');
        assert.equal(c.isRevert, true);
        assert.deepEqual(c.reverts, []);
      });

      it('detects a `Revert "…"` subject without a body', () => {
        assert.equal(single('Revert "feat: x"').isRevert, true);
      });

      it('ignores issue references in a Refs footer of a revert', () => {
        assert.deepEqual(single('revert: x\n\nRefs: #123').reverts, []);
      });

      it('does not treat a Refs footer that points at a commit as a revert of it in a non-revert commit', () => {
        // Regression (was a bug, now fixed): revertTargets (src/core/commits.ts line 208) reads Refs footers of every commit, and toChanges (line 184) then
        // sets isRevert from `reverts.length > 0`; a follow-up `feat: … Refs: <hash>` cancels the commit it cites.
        const c = single('feat: follow-up to the parser work\n\nRefs: 1a2b3c4d');
        assert.equal(c.isRevert, false);
        assert.deepEqual(c.reverts, []);
      });
    });
  });

  describe('squashEntries', () => {
    it('reads only bullets that are conventional headers', () => {
      const entries = squashEntries('* feat: a\n* not conventional\n  * fix: indented is not a bullet here\n- fix(x): b');
      assert.deepEqual(
        entries.map((e) => e.header),
        [
          { type: 'feat', scope: null, bang: false, subject: 'a' },
          { type: 'fix', scope: 'x', bang: false, subject: 'b' },
        ],
      );
    });

    it('ignores a BREAKING CHANGE line before any entry', () => {
      assert.deepEqual(squashEntries('BREAKING CHANGE: orphan\n* feat: a'), [{ header: { type: 'feat', scope: null, bang: false, subject: 'a' }, breakingNotes: [] }]);
    });
  });
});
