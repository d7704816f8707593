import assert from 'node:assert/strict';
import { TagFormat, isObjectName, refNameProblem, sortDescending, type ReleaseTag } from '../../../src/core/tags';
import { v } from '../../helpers/fixtures';

function tag(name: string, version: string): ReleaseTag {
  return { name, version: v(version) };
}

describe('core/tags', () => {
  describe('TagFormat v{version}', () => {
    const format = new TagFormat('v{version}');

    it('writes the tag of a version', () => {
      assert.equal(format.tagFor('1.2.3'), 'v1.2.3');
      assert.equal(format.tagFor('1.3.0-rc.0'), 'v1.3.0-rc.0');
    });

    it('reads release and prerelease tags', () => {
      assert.equal(format.parse('v1.2.3')?.version.version, '1.2.3');
      assert.equal(format.parse('v1.2.3')?.name, 'v1.2.3');
      assert.deepEqual(format.parse('v1.3.0-rc.10')?.version.prerelease, ['rc', 10]);
      assert.equal(format.parse('v1.2.3+build.5')?.version.build[0], 'build');
    });

    it('round-trips tagFor and parse', () => {
      for (const version of ['0.0.1', '1.2.3', '10.20.30-beta.1', '2.0.0-rc.1+sha.abc']) {
        assert.equal(format.parse(format.tagFor(version))?.version.raw, version);
      }
    });

    it('rejects names that are not strict semver or not of the format', () => {
      for (const name of ['v1.2', 'v1', 'v1.2.3.4', 'v01.2.3', 'vlatest', 'v', '1.2.3', 'release-1.2.3', 'v1.2.3-', 'V1.2.3']) {
        assert.equal(format.parse(name), null, name);
      }
    });

    it('does not read a doubled prefix as a release', () => {
      // Regression (was a bug, now fixed): TagFormat.parse (src/core/tags.ts line 37) hands the captured text to semver.parse, which accepts a
      // leading "v" even with loose: false, so "vv1.2.3" is taken as release 1.2.3 (and "pkg@v1.2.3" as pkg 1.2.3).
      // Fix: require the captured text to start with a digit (or compare it with the parsed version's raw form).
      assert.equal(format.parse('vv1.2.3'), null);
      assert.equal(new TagFormat('{version}').parse('v1.2.3'), null);
    });

    it('tells shape from validity', () => {
      assert.equal(format.matchesShape('vbanana'), true);
      assert.equal(format.parse('vbanana'), null);
      assert.equal(format.matchesShape('banana'), false);
    });
  });

  describe('TagFormat {name}@{version}', () => {
    it('writes and reads tags of a scoped package', () => {
      const format = new TagFormat('{name}@{version}', '@scope/pkg');
      assert.equal(format.format, '@scope/pkg@{version}');
      assert.equal(format.tagFor('1.0.0'), '@scope/pkg@1.0.0');
      assert.equal(format.parse('@scope/pkg@1.0.0')?.version.version, '1.0.0');
      assert.equal(format.parse('@scope/pkg@2.0.0-beta.3')?.version.version, '2.0.0-beta.3');
    });

    it('does not read tags of other packages or the root', () => {
      const format = new TagFormat('{name}@{version}', '@scope/pkg');
      for (const name of ['@scope/other@1.0.0', '@scope/pkg-extra@1.0.0', 'pkg@1.0.0', 'v1.0.0', '@scope/pkg@1.0']) {
        assert.equal(format.parse(name), null, name);
      }
    });

    it('does not read a package name with regex characters as a pattern', () => {
      const format = new TagFormat('{name}@{version}', 'a.b+c');
      assert.equal(format.parse('a.b+c@1.0.0')?.version.version, '1.0.0');
      assert.equal(format.parse('axbbc@1.0.0'), null);
      assert.equal(format.parse('a.bbc@1.0.0'), null);
    });

    it('keeps {name} literally when no package name is given', () => {
      const format = new TagFormat('{name}@{version}');
      assert.equal(format.tagFor('1.0.0'), '{name}@1.0.0');
      assert.equal(format.parse('pkg@1.0.0'), null);
    });
  });

  describe('sortDescending', () => {
    it('sorts by semver precedence, prereleases below their release and rc.10 above rc.9', () => {
      const sorted = sortDescending([
        tag('v1.0.0', '1.0.0'),
        tag('v1.1.0-rc.9', '1.1.0-rc.9'),
        tag('v0.9.0', '0.9.0'),
        tag('v1.1.0', '1.1.0'),
        tag('v1.1.0-rc.10', '1.1.0-rc.10'),
        tag('v1.1.0-beta.2', '1.1.0-beta.2'),
        tag('v10.0.0', '10.0.0'),
        tag('v2.0.0', '2.0.0'),
      ]);
      assert.deepEqual(
        sorted.map((t) => t.name),
        ['v10.0.0', 'v2.0.0', 'v1.1.0', 'v1.1.0-rc.10', 'v1.1.0-rc.9', 'v1.1.0-beta.2', 'v1.0.0', 'v0.9.0'],
      );
    });

    it('ignores build metadata and breaks ties by name, without mutating its input', () => {
      const input = [tag('v1.0.0+b', '1.0.0+b'), tag('v1.0.0+a', '1.0.0+a')];
      assert.deepEqual(
        sortDescending(input).map((t) => t.name),
        ['v1.0.0+a', 'v1.0.0+b'],
      );
      assert.deepEqual(
        input.map((t) => t.name),
        ['v1.0.0+b', 'v1.0.0+a'],
      );
    });
  });

  describe('refNameProblem', () => {
    it('accepts ordinary refs', () => {
      for (const ref of ['HEAD', 'main', 'v1.2.3', 'release/1.x', 'feature/foo-bar_baz', '@scope/pkg@1.0.0', 'a1b2c3d', 'refs/tags/v1.0.0']) {
        assert.equal(refNameProblem(ref), null, ref);
      }
    });

    it('rejects refs that git would read as options', () => {
      assert.match(refNameProblem('--upload-pack=x')!, /option/);
      assert.match(refNameProblem('-c')!, /option/);
      assert.match(refNameProblem('--output=/tmp/x')!, /option/);
    });

    it('rejects revision syntax and forbidden characters', () => {
      for (const ref of ['a..b', 'a...b', 'a~1', 'a^', 'HEAD^{tree}', 'a:b', 'HEAD:path', 'a?', 'a*', 'a[b', 'a\\b']) {
        assert.notEqual(refNameProblem(ref), null, ref);
      }
    });

    it('rejects spaces and control characters', () => {
      for (const ref of ['a b', 'a\tb', 'a\nb', 'a\u0000b', 'a\u001bb', 'a\u007fb', ' a']) {
        assert.match(refNameProblem(ref)!, /space, control character/, JSON.stringify(ref));
      }
    });

    it('rejects .lock components, @{, @, dots and slashes in the wrong places', () => {
      const cases: [string, RegExp][] = [
        ['x.lock', /\.lock/],
        ['refs/x.lock/y', /\.lock/],
        ['a@{1}', /@\{/],
        ['@{-1}', /@\{/],
        ['@', /"@"/],
        ['a.', /ends with/],
        ['a/', /ends with/],
        ['a//b', /\/\//],
        ['.hidden', /starting with "\."/],
        ['a/.b', /starting with "\."/],
      ];
      for (const [ref, problem] of cases) assert.match(refNameProblem(ref)!, problem, ref);
    });

    it('rejects empty and overlong refs', () => {
      assert.equal(refNameProblem(''), 'is empty');
      assert.equal(refNameProblem('a'.repeat(1025)), 'is too long');
      assert.equal(refNameProblem('a'.repeat(1024)), null);
    });

    it('rejects a leading slash, like git check-ref-format', () => {
      // Regression (was a bug, now fixed): refNameProblem (src/core/tags.ts line 57) checks a trailing "/" and "//" but not a leading "/", which
      // git check-ref-format also forbids ("/etc/passwd" passes). Add ref.startsWith('/') to the ends-with check.
      assert.notEqual(refNameProblem('/etc/passwd'), null);
    });
  });

  describe('isObjectName', () => {
    it('accepts full and abbreviated hex names of 4 to 64 characters', () => {
      assert.equal(isObjectName('abcd'), true);
      assert.equal(isObjectName('ABCDEF0123'), true);
      assert.equal(isObjectName('a'.repeat(40)), true);
      assert.equal(isObjectName('a'.repeat(64)), true);
    });

    it('rejects short, long and non-hex names', () => {
      assert.equal(isObjectName('abc'), false);
      assert.equal(isObjectName('a'.repeat(65)), false);
      assert.equal(isObjectName('v1.2.3'), false);
      assert.equal(isObjectName('abcdefg'), false);
    });
  });
});
