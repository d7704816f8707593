import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CONFIG_FILE, MAX_CONFIG_BYTES, configJsonSchema, defaultConfig, formatPath, releaseConfigSchema, parseConfig, withNoticeGate } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';

/** The ConfigError parseConfig throws for the text (fails the test when it does not throw one). */
function configError(text: string): ConfigError {
  try {
    parseConfig(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(text.slice(0, 80))} to be rejected`);
}

/** True when one of the problems is about the path (`path: …`). */
function hasProblemAt(err: ConfigError, path: string): boolean {
  return err.problems.some((p) => p.startsWith(`${path}: `));
}

describe('core/config', () => {
  describe('parseConfig', () => {
    it('fills every default from {}', () => {
      const c = parseConfig('{}');
      assert.deepEqual(c, defaultConfig());
      assert.equal(c.tagFormat, 'v{version}');
      assert.equal(c.initialVersion, '0.1.0');
      assert.deepEqual(
        c.sections.map((s) => s.title),
        ['Features', 'Bug Fixes', 'Performance', 'Reverts', 'Documentation', 'Refactoring'],
      );
      assert.deepEqual(c.bump, { feat: 'minor', fix: 'patch', perf: 'patch', revert: 'patch' });
      assert.equal(c.otherBump, 'patch');
      assert.equal(c.breakingBelow1, 'minor');
      assert.deepEqual(c.other, { title: 'Other changes', hidden: false });
      assert.deepEqual(c.excludeScopes, ['chore(release)']);
      assert.equal(c.mentions, 'neutralize');
      assert.deepEqual(c.packages, []);
    });

    it('returns fresh defaults each time (no shared mutable state)', () => {
      // Regression (was a bug, now fixed): zod 4 returns a `.default([...])` / `.default({...})` value as is, so every parse (and defaultConfig())
      // shares the same arrays and objects (src/core/config.ts lines 48-88): a caller that adds to hiddenTypes or a
      // section's types changes the defaults of every later parse in the process (the extension host is long-lived).
      // Fix: pass factories, e.g. `.default(() => ['chore', 'ci', 'build', 'test', 'style'])`.
      const a = parseConfig('{}');
      a.hiddenTypes.push('feat');
      a.sections[0]!.types.push('oops');
      const b = parseConfig('{}');
      assert.equal(b.hiddenTypes.includes('feat'), false);
      assert.deepEqual(b.sections[0]!.types, ['feat']);
    });

    it('keeps given values and fills the rest of a nested object', () => {
      const c = parseConfig('{"$schema": "./schemas/release-manager.schema.json", "tagFormat": "release-{version}", "other": {"hidden": true}}');
      assert.equal(c.tagFormat, 'release-{version}');
      assert.deepEqual(c.other, { title: 'Other changes', hidden: true });
    });

    it('fills package defaults', () => {
      const c = parseConfig('{"packages": [{"name": "@scope/api", "path": "packages/api"}]}');
      assert.deepEqual(c.packages, [{ name: '@scope/api', path: 'packages/api', tagFormat: '{name}@{version}' }]);
    });

    it('rejects invalid JSON, naming the file', () => {
      const err = configError('{"tagFormat": ');
      assert.match(err.message, /not valid JSON/);
      assert.ok(err.message.includes(CONFIG_FILE));
      assert.equal(err.file, CONFIG_FILE);
      assert.ok(err.problems[0]!.startsWith('(file): '));
    });

    it('rejects comments and trailing commas (strict JSON)', () => {
      assert.match(configError('{\n  // comment\n  "tagFormat": "v{version}"\n}').message, /Comments and trailing commas/);
      assert.match(configError('{ /* block */ }').message, /not valid JSON/);
      assert.match(configError('{"tagFormat": "v{version}",}').message, /not valid JSON/);
      assert.match(configError('{"hiddenTypes": ["chore",]}').message, /not valid JSON/);
    });

    it('rejects an unknown top-level key, naming it', () => {
      const err = configError('{"tagformat": "v{version}"}');
      assert.ok(
        err.problems.some((p) => p.startsWith('(root): ') && p.includes('"tagformat"')),
        err.problems.join('\n'),
      );
    });

    it('rejects an unknown nested key, naming its path', () => {
      const err = configError('{"other": {"title": "Misc", "hiden": true}}');
      assert.ok(
        err.problems.some((p) => p.startsWith('other: ') && p.includes('hiden')),
        err.problems.join('\n'),
      );
      const inSection = configError('{"sections": [{"title": "A", "types": ["feat"], "emoji": "x"}]}');
      assert.ok(
        inSection.problems.some((p) => p.startsWith('sections[0]: ') && p.includes('emoji')),
        inSection.problems.join('\n'),
      );
    });

    it('names the path of a wrong type (sections[1].types)', () => {
      const err = configError('{"sections": [{"title": "A", "types": ["feat"]}, {"title": "B", "types": "fix"}]}');
      assert.ok(hasProblemAt(err, 'sections[1].types'), err.problems.join('\n'));
      assert.ok(err.message.includes('sections[1].types'));
    });

    it('names every problem, not just the first', () => {
      const err = configError('{"otherBump": "huge", "initialVersion": "v1", "mentions": 3, "bump": {"feat": "giant"}}');
      for (const path of ['otherBump', 'initialVersion', 'mentions', 'bump.feat']) assert.ok(hasProblemAt(err, path), `${path} in\n${err.problems.join('\n')}`);
    });

    it('rejects a root that is not an object', () => {
      for (const text of ['null', '[]', '"x"', '42']) assert.ok(hasProblemAt(configError(text), '(root)'), text);
    });

    it('rejects __proto__, constructor and prototype keys anywhere, without polluting Object.prototype', () => {
      for (const text of [
        '{"__proto__": {"polluted": true}}',
        '{"bump": {"__proto__": "major"}}',
        '{"bump": {"constructor": "major"}}',
        '{"other": {"prototype": {}}}',
      ]) {
        const err = configError(text);
        assert.match(err.message, /forbidden key/, text);
      }
      assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });

    it('rejects an empty or blank file with a fix', () => {
      for (const text of ['', '   \n\t']) {
        const err = configError(text);
        assert.match(err.message, /is empty/);
        assert.deepEqual(err.problems, ['(file): empty']);
        assert.match(err.fix, /\{\}/);
      }
    });

    it('rejects a byte-order mark, saying so', () => {
      const err = configError('\ufeff{}');
      assert.match(err.message, /byte-order mark/);
      assert.deepEqual(err.problems, ['(file): byte-order mark']);
    });

    it('rejects text over the size limit before parsing it', () => {
      const err = configError(`{"x": "${'a'.repeat(MAX_CONFIG_BYTES)}"}`);
      assert.deepEqual(err.problems, ['(file): too large']);
      assert.match(err.message, /too large/);
    });

    it('accepts text exactly at the size limit', () => {
      const text = '{}' + ' '.repeat(MAX_CONFIG_BYTES - 2);
      assert.equal(text.length, MAX_CONFIG_BYTES);
      assert.deepEqual(parseConfig(text), defaultConfig());
    });

    it('rejects a type listed in two sections, naming both', () => {
      const err = configError('{"sections": [{"title": "A", "types": ["feat", "fix"]}, {"title": "B", "types": ["perf", "feat"]}]}');
      assert.deepEqual(err.problems, ['sections[1].types[1]: type "feat" is already in sections[0]']);
    });

    it('rejects a type listed in two sections under different case', () => {
      // Regression (was a bug, now fixed): checkSemantics (src/core/config.ts line 149) compares types as written, but groupSections lowercases them
      // (notes.ts), so "FEAT" silently moves every feat out of the first section. Compare t.toLowerCase().
      const err = configError('{"sections": [{"title": "A", "types": ["feat"]}, {"title": "B", "types": ["FEAT"]}]}');
      assert.ok(hasProblemAt(err, 'sections[1].types[0]'), err.problems.join('\n'));
    });

    it('rejects two packages with the same name', () => {
      const err = configError('{"packages": [{"name": "a", "path": "x"}, {"name": "a", "path": "y"}]}');
      assert.deepEqual(err.problems, ['packages[1].name: duplicate package "a"']);
    });

    it('validates tag formats', () => {
      for (const ok of ['v{version}', 'release-{version}', '{name}@{version}', 'v{version}-final']) {
        assert.equal(parseConfig(JSON.stringify({ tagFormat: ok })).tagFormat, ok);
      }
      for (const bad of ['', 'v', '{version}{version}', 'v {version}', 'v{version}..x', 'v~{version}', 'v{version}:x', 'a@{{version}', 'v\u0001{version}']) {
        assert.ok(hasProblemAt(configError(JSON.stringify({ tagFormat: bad })), 'tagFormat'), JSON.stringify(bad));
      }
    });

    it('rejects package paths outside the repository', () => {
      for (const path of ['/abs', 'C:\\x', '../up', 'a/../../b', 'a\\..\\b']) {
        const err = configError(JSON.stringify({ packages: [{ name: 'p', path }] }));
        assert.ok(hasProblemAt(err, 'packages[0].path'), path);
      }
    });

    it('rejects an initialVersion that is not a plain version', () => {
      for (const bad of ['1.0', 'v1.0.0', '1.0.0-rc.1', '01.0.0']) assert.ok(hasProblemAt(configError(JSON.stringify({ initialVersion: bad })), 'initialVersion'), bad);
    });

    it('rejects excludeScopes that are not type(scope)', () => {
      assert.ok(hasProblemAt(configError('{"excludeScopes": ["release"]}'), 'excludeScopes[0]'));
    });

    it('uses the given file name in messages', () => {
      let err: unknown;
      try {
        parseConfig('{', 'packages/api/.release-manager.json');
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, 'packages/api/.release-manager.json');
      assert.ok(err.message.startsWith('packages/api/.release-manager.json '));
    });
  });

  describe('the optional sections, parsed only when present', () => {
    const deploy = { environments: [{ name: 'staging' }, { name: 'production', provider: { kind: 'command', argv: ['./deploy.sh', '{version}'] } }] };
    const announce = { channels: [{ id: 'team', kind: 'file', audiences: ['internal'] }] };
    const cases: Record<string, unknown>[] = [
      {},
      { deploy },
      { deploy, metrics: { environment: 'production' }, announce, flags: { provider: { kind: 'unleash', url: 'http://127.0.0.1:4242/api' } }, risk: { criticalPaths: ['migrations/**'] } },
      { deploy: { environments: [{ name: 'bad name!' }] } },
      { deploy: 'not an object', tagFormat: 'no-version', bogus: 1 },
      { metrics: { environment: '' }, risk: { thresholds: { medium: -1 } }, gates: [{ id: 'x', kind: 'nope' }] },
      { announce: { channels: [{ id: 'a', kind: 'slack' }] }, flags: {} },
      { deploy: null },
    ];
    const problems = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) => issues.map((i) => `${formatPath(i.path.filter((k): k is string | number => typeof k !== 'symbol'))}: ${i.message}`).sort();

    it('give the data and the problems the whole schema gives', () => {
      for (const raw of cases) {
        const whole = releaseConfigSchema().safeParse(raw);
        let parsed: ReturnType<typeof parseConfig> | ConfigError;
        try {
          parsed = parseConfig(JSON.stringify(raw));
        } catch (e) {
          assert.ok(e instanceof ConfigError, String(e));
          parsed = e;
        }
        if (whole.success) {
          assert.ok(!(parsed instanceof ConfigError), `${JSON.stringify(raw)}: ${parsed instanceof ConfigError ? parsed.message : ''}`);
          assert.deepEqual(parsed, withNoticeGate(whole.data), JSON.stringify(raw));
        } else {
          assert.ok(parsed instanceof ConfigError, `${JSON.stringify(raw)} parsed`);
          assert.deepEqual([...parsed.problems].sort(), problems(whole.error.issues), JSON.stringify(raw));
        }
      }
    });

    it('build a section\'s schema only for a file that has the section', () => {
      // A fresh process: the schemas of this one are built by the other tests.
      const script = [
        "const c = require('./src/core/config.ts');",
        "const d = require('./src/core/deploy/schema.ts');",
        "const a = require('./src/core/announce/schema.ts');",
        "const out = [];",
        "c.parseConfig('{}'); out.push(d.deployConfigSchema.built, a.announceConfigSchema.built);",
        "c.parseConfig(JSON.stringify({ deploy: { environments: [{ name: 'staging' }] } })); out.push(d.deployConfigSchema.built, a.announceConfigSchema.built);",
        'process.stdout.write(JSON.stringify(out));',
      ].join('\n');
      const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' });
      assert.deepEqual(JSON.parse(out), [false, false, true, false]);
    });
  });

  describe('formatPath', () => {
    it('formats zod paths as dotted names with [index]', () => {
      assert.equal(formatPath([]), '(root)');
      assert.equal(formatPath(['tagFormat']), 'tagFormat');
      assert.equal(formatPath(['sections', 1, 'types']), 'sections[1].types');
      assert.equal(formatPath(['packages', 0, 'path']), 'packages[0].path');
      assert.equal(formatPath(['bump', 'feat']), 'bump.feat');
    });
  });

  describe('configJsonSchema', () => {
    const schema = configJsonSchema();

    it('is a draft-07 object schema with a title', () => {
      assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
      assert.equal(schema.type, 'object');
      assert.equal(schema.title, 'Release Manager configuration');
      assert.equal(schema.additionalProperties, false);
    });

    it('describes every config property, none of them required', () => {
      const properties = schema.properties as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(properties).sort(), Object.keys(releaseConfigSchema().shape).sort());
      assert.equal(((schema.required as string[] | undefined) ?? []).length, 0);
      assert.equal(properties.tagFormat!.default, 'v{version}');
      assert.deepEqual(properties.mentions!.enum, ['neutralize', 'allow']);
      assert.equal(properties.sections!.type, 'array');
    });

    it('equals the committed schemas/release-manager.schema.json (run `npm run build` to regenerate)', () => {
      const file = readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'release-manager.schema.json'), 'utf8');
      assert.deepEqual(JSON.parse(file), schema);
      assert.equal(file, JSON.stringify(schema, null, 2) + '\n');
    });
  });
});
