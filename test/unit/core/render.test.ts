import assert from 'node:assert/strict';
import type { NoteEntry, ReleaseNotes, Section } from '../../../src/core/notes';
import { escapeMarkdown, githubLinks, renderMarkdown } from '../../../src/core/render';
import type { VersionDecision } from '../../../src/core/version';
import { config, sha } from '../../helpers/fixtures';

const HASH = sha('entry');
const SHORT = HASH.slice(0, 7);

function entry(over: Partial<NoteEntry> = {}): NoteEntry {
  return { hash: HASH, type: 'feat', scope: null, subject: 'add x', breaking: false, breakingNotes: [], pr: null, authors: ['Ann'], date: '2026-01-02T03:04:05Z', ...over };
}

function notes(over: { sections?: Section[]; next?: string | null; date?: string | null; firstRelease?: boolean; to?: string; contributors?: ReleaseNotes['contributors']; first?: ReleaseNotes['contributors'] } = {}): ReleaseNotes {
  const version: VersionDecision = {
    current: '1.0.0',
    next: over.next === undefined ? '1.1.0' : over.next,
    bump: 'minor',
    prerelease: null,
    hotfix: false,
    firstRelease: over.firstRelease ?? false,
    reasons: [],
    warnings: [],
  };
  return {
    range: { from: 'v1.0.0', to: over.to ?? 'HEAD', fromHash: sha('from'), toHash: sha('to') },
    version,
    date: over.date ?? null,
    sections: over.sections ?? [],
    contributors: over.contributors ?? [],
    firstTimeContributors: over.first ?? [],
    warnings: [],
  };
}

/**
 * The text a markdown renderer would leave for GitHub's mention filter: backslash escapes resolved to their literal
 * character, code spans (single backticks, the only kind escapeMarkdown produces) removed.
 */
function renderedText(md: string): string {
  let out = '';
  for (let i = 0; i < md.length; i++) {
    const ch = md[i]!;
    if (ch === '\\' && i + 1 < md.length) {
      out += md[i + 1];
      i++;
    } else if (ch === '`' && md.indexOf('`', i + 1) !== -1) {
      out += ' ';
      i = md.indexOf('`', i + 1);
    } else out += ch;
  }
  return out;
}

/** Mentions that would ping: `@name` or `@org/team` after the start or a non-word character, outside code. */
function livePings(md: string): string[] {
  return [...renderedText(md).matchAll(/(?:^|\W)@([A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_.-]+)?)/g)].map((m) => m[1]!);
}

describe('core/render', () => {
  describe('escapeMarkdown', () => {
    it('turns HTML into inert text', () => {
      assert.equal(escapeMarkdown('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert\\(1\\)&gt;');
      assert.equal(escapeMarkdown('<script>alert(1)</script>'), '&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    });

    it('escapes existing entities so they cannot smuggle markup', () => {
      assert.equal(escapeMarkdown('&lt;b&gt; &amp;'), '&amp;lt;b&amp;gt; &amp;amp;');
    });

    it('breaks markdown links, including javascript: targets', () => {
      assert.equal(escapeMarkdown('[click](javascript:alert(1))'), '\\[click\\]\\(javascript&#58;alert\\(1\\)\\)');
    });

    it('breaks command: links and other dangerous schemes whatever their case', () => {
      assert.equal(escapeMarkdown('[run](command:workbench.action.terminal.new)'), '\\[run\\]\\(command&#58;workbench.action.terminal.new\\)');
      assert.equal(escapeMarkdown('JavaScript:x'), 'JavaScript&#58;x');
      assert.equal(escapeMarkdown('vscode:extension/x'), 'vscode&#58;extension/x');
      assert.equal(escapeMarkdown('data:text/html,x'), 'data&#58;text/html,x');
    });

    it('escapes markdown emphasis and structure characters', () => {
      assert.equal(escapeMarkdown('*bold* _it_ ~~s~~ `code` # h | t + ! {x} \\'), '\\*bold\\* \\_it\\_ \\~\\~s\\~\\~ `code` \\# h \\| t \\+ \\! \\{x\\} \\\\');
    });

    it('neutralises @mentions and team mentions in code spans', () => {
      assert.equal(escapeMarkdown('hi @everyone!'), 'hi `@everyone`\\!');
      assert.equal(escapeMarkdown('@org/team please review'), '`@org/team` please review');
      assert.equal(escapeMarkdown('(@octocat)'), '\\(`@octocat`\\)');
    });

    it('does not treat email addresses as mentions', () => {
      assert.equal(escapeMarkdown('mail ann@example.com'), 'mail ann@example.com');
    });

    it("keeps @mentions when mentions: 'allow', still escaping the rest", () => {
      assert.equal(escapeMarkdown('thanks @octocat *a*', 'allow'), 'thanks @octocat \\*a\\*');
    });

    it('leaves no live mention in any hostile text', () => {
      for (const text of ['@everyone', 'x @org/team y', 'a.@here', '"@admins"', '**@user**', '[@user](x)', '\\@user', '`@everyone']) {
        // Regression (was a bug for the last input, now fixed): MENTION in src/core/render.ts line 4 excludes a preceding backtick as if the
        // mention were inside a code span, but escapePlain escapes that backtick, so "\`@everyone" pings everyone.
        // Fix: drop ` from the excluded characters: /(^|[^\w/])(@…)/.
        assert.deepEqual(livePings(escapeMarkdown(text)), [], text);
      }
    });

    it('keeps balanced code spans, whose content markdown shows literally', () => {
      assert.equal(escapeMarkdown('use `<img onerror=x>` and `@everyone` *now*'), 'use `<img onerror=x>` and `@everyone` \\*now\\*');
      assert.equal(escapeMarkdown('one ` tick <b>'), 'one \\` tick &lt;b&gt;');
    });

    it('leaves plain text alone', () => {
      assert.equal(escapeMarkdown('fix the parser in 1.2.3 - really'), 'fix the parser in 1.2.3 - really');
    });
  });

  describe('renderMarkdown', () => {
    it('renders a release with its sections and contributors', () => {
      const md = renderMarkdown(
        notes({
          sections: [{ title: 'Features', entries: [entry({ pr: 12 })] }],
          contributors: [
            { name: 'Ann', email: 'ann@example.com' },
            { name: 'Bob', email: 'bob@example.com' },
          ],
          first: [{ name: 'Bob', email: 'bob@example.com' }],
        }),
        config(),
      );
      assert.equal(
        md,
        ['## 1.1.0 (unreleased)', '', '### Features', '', `- add x (#12) (${SHORT})`, '', '### Contributors', '', '- Ann', '- Bob (first contribution)', ''].join('\n'),
      );
    });

    it('renders PR and commit links when URL builders are given', () => {
      const md = renderMarkdown(notes({ sections: [{ title: 'Features', entries: [entry({ pr: 12 })] }] }), config(), {
        prUrl: (n) => `https://github.com/o/r/pull/${n}`,
        commitUrl: (h) => `https://github.com/o/r/commit/${h}`,
      });
      assert.ok(md.includes(`- add x ([#12](https://github.com/o/r/pull/12)) ([${SHORT}](https://github.com/o/r/commit/${HASH}))`), md);
    });

    it('links full hashes and parsed PR numbers to the GitHub repository (githubLinks), never the commit text', () => {
      const hostile = entry({ pr: 7, subject: 'see #99 and [x](https://evil.example) abc1234' });
      const md = renderMarkdown(notes({ sections: [{ title: 'Features', entries: [hostile] }] }), config(), githubLinks({ host: 'github.com', owner: 'acme', repo: 'demo' }));
      assert.ok(md.includes(`([#7](https://github.com/acme/demo/pull/7)) ([${SHORT}](https://github.com/acme/demo/commit/${HASH}))`), md);
      // Exactly the two links built from parsed values: the subject's #99, link and hash stay text.
      assert.deepEqual([...md.matchAll(/\]\((https?:[^)]*)\)/g)].map((m) => m[1]), [`https://github.com/acme/demo/pull/7`, `https://github.com/acme/demo/commit/${HASH}`]);
      assert.ok(md.includes('see \\#99 and \\[x\\]\\(https://evil.example\\) abc1234'), md);
    });

    it('leaves a hash that is not a full object id and a PR number that is not positive as plain text', () => {
      const links = githubLinks({ host: 'ghe.example.com', owner: 'o', repo: 'r.js' });
      assert.equal(links.commitUrl!('abc1234'), null);
      assert.equal(links.commitUrl!(`${HASH})[x](javascript:alert(1)`), null);
      assert.equal(links.prUrl!(0), null);
      assert.equal(links.prUrl!(1.5), null);
      assert.equal(links.commitUrl!(HASH.toUpperCase()), `https://ghe.example.com/o/r.js/commit/${HASH}`);
      const md = renderMarkdown(notes({ sections: [{ title: 'Features', entries: [entry({ hash: 'abc1234' })] }] }), config(), links);
      assert.ok(md.includes('- add x (abc1234)'), md);
    });

    it('renders the scope in bold and the breaking notes as quotes, skipping a note equal to the subject', () => {
      const md = renderMarkdown(
        notes({
          sections: [
            {
              title: '⚠ Breaking Changes',
              entries: [
                entry({ scope: 'api', subject: 'new api', breaking: true, breakingNotes: ['old api removed\nuse *v2*'] }),
                entry({ subject: 'drop node 6', breaking: true, breakingNotes: ['drop node 6'] }),
              ],
            },
          ],
        }),
        config(),
      );
      assert.equal(
        md,
        ['## 1.1.0 (unreleased)', '', '### ⚠ Breaking Changes', '', `- **api:** new api (${SHORT})\n  > old api removed\n  > use \\*v2\\*`, `- drop node 6 (${SHORT})`, ''].join('\n'),
      );
    });

    it('says so when there are no notable changes', () => {
      const md = renderMarkdown(notes({ next: null }), config());
      assert.equal(md, '## Unreleased\n\n_No notable changes._\n');
    });

    it('titles a released range with its version, date and first-release mark, at the asked heading level', () => {
      const md = renderMarkdown(notes({ next: '0.1.0', date: '2024-03-01', firstRelease: true }), config(), { level: 3 });
      assert.ok(md.startsWith('### 0.1.0 (2024-03-01, first release)\n'), md);
    });

    it('titles a range without a next version by its escaped end ref', () => {
      const md = renderMarkdown(notes({ next: null, to: 'feature/<b>' }), config());
      assert.ok(md.startsWith('## feature/&lt;b&gt;\n'), md);
    });

    it('makes hostile subjects, scopes, notes and names inert', () => {
      const hostile = '<img src=x onerror=alert(1)> <script>x</script> [click](javascript:alert(1)) [run](command:evil) @everyone *em*';
      const md = renderMarkdown(
        notes({
          sections: [{ title: 'Features', entries: [entry({ scope: hostile, subject: hostile, breaking: true, breakingNotes: [hostile] })] }],
          contributors: [{ name: hostile, email: 'x@example.com' }],
        }),
        config(),
      );
      assert.equal(/<[a-z/]/i.test(md), false, 'no raw HTML tag');
      assert.equal(/(?<!\\)\]\(/.test(md), false, 'no markdown link');
      assert.equal(/(javascript|command):/i.test(md), false, 'no dangerous scheme');
      assert.equal(/(?<!\\)\*em/.test(md), false, 'no emphasis');
      assert.deepEqual(livePings(md), []);
    });

    it("lets mentions through in the notes when mentions: 'allow'", () => {
      const md = renderMarkdown(notes({ sections: [{ title: 'Features', entries: [entry({ subject: 'thanks @octocat' })] }] }), config({ mentions: 'allow' }));
      assert.deepEqual(livePings(md), ['octocat']);
    });
  });
});
