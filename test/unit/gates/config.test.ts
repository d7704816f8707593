import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';
import { defaultGates } from '../../../src/core/gates/schema';
import { safeRegexProblem } from '../../../src/core/gates/safeRegex';

/** The problems of a config whose `gates` (and other keys) are given; fails when it parses. */
function problems(config: Record<string, unknown>): string[] {
  try {
    parseConfig(JSON.stringify(config));
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail(`expected ${JSON.stringify(config).slice(0, 120)} to be rejected`);
}

function hasAt(list: string[], path: string, pattern?: RegExp): boolean {
  return list.some((p) => p.startsWith(`${path}: `) && (!pattern || pattern.test(p)));
}

describe('gate configuration', () => {
  it('omitted gates mean the default set; an empty list means no gates', () => {
    const c = parseConfig('{}');
    assert.deepEqual(c.gates, defaultGates());
    assert.deepEqual(c.gates.map((g) => g.kind), ['cleanTree', 'releaseBranch', 'upToDate', 'noFixups']);
    assert.equal(c.gateConcurrency, 4);
    assert.equal(c.decisionLog, 'RELEASE-DECISIONS.md');
    assert.deepEqual(parseConfig('{"gates": []}').gates, []);
  });

  it('fills each kind\'s defaults: title, required, timeout and options', () => {
    const c = parseConfig(JSON.stringify({ gates: [{ id: 'v', kind: 'versionBumped' }, { id: 't', kind: 'command', argv: ['npm', 'test'], required: false }] }));
    assert.deepEqual(c.gates[0], { kind: 'versionBumped', id: 'v', title: 'Version bumped', required: true, timeoutMs: 30_000, files: [{ path: 'package.json', jsonPath: 'version' }] });
    assert.deepEqual(c.gates[1], { kind: 'command', id: 't', title: 'Command', required: false, timeoutMs: 300_000, argv: ['npm', 'test'], cwd: '.', maxOutputBytes: 65_536 });
  });

  it('names an unknown or missing kind by path, listing the kinds', () => {
    const p = problems({ gates: [{ id: 'a', kind: 'cleanTree' }, { id: 'b', kind: 'cleanTree' }, { id: 'c', kind: 'shell' }, { id: 'd' }] });
    assert.ok(hasAt(p, 'gates[2].kind', /unknown gate kind "shell"; expected one of: cleanTree, .*command, manual/), p.join('\n'));
    assert.ok(hasAt(p, 'gates[3].kind', /missing gate kind/), p.join('\n'));
  });

  it('names a duplicate id by path, with the first one', () => {
    const p = problems({ gates: [{ id: 'tree', kind: 'cleanTree' }, { id: 'x', kind: 'noFixups' }, { id: 'tree', kind: 'upToDate' }] });
    assert.deepEqual(p, ['gates[2].id: duplicate gate id "tree" (also gates[0])']);
  });

  it('names bad timeouts, ids and unknown keys by path', () => {
    const p = problems({
      gates: [
        { id: 'a', kind: 'cleanTree', timeoutMs: 0 },
        { id: 'b', kind: 'cleanTree', timeoutMs: 'soon' },
        { id: 'c', kind: 'cleanTree', timeoutMs: 1.5 },
        { id: 'bad id!', kind: 'cleanTree' },
        { id: 'e', kind: 'cleanTree', surprise: true },
        { kind: 'cleanTree' },
      ],
    });
    for (const path of ['gates[0].timeoutMs', 'gates[1].timeoutMs', 'gates[2].timeoutMs', 'gates[3].id', 'gates[5].id']) assert.ok(hasAt(p, path), `${path} in\n${p.join('\n')}`);
    assert.ok(p.some((x) => x.startsWith('gates[4]') && /surprise/.test(x)), p.join('\n'));
  });

  it('refuses a command given as a shell string, an empty program and a cwd outside the repository', () => {
    const p = problems({
      gates: [
        { id: 'a', kind: 'command', argv: 'npm test && rm -rf /' },
        { id: 'b', kind: 'command', argv: [] },
        { id: 'c', kind: 'command', argv: [''] },
        { id: 'd', kind: 'command', argv: ['make'], cwd: '../elsewhere' },
        { id: 'e', kind: 'command', argv: ['make'], cwd: '/tmp' },
        { id: 'f', kind: 'command', argv: ['make'], maxOutputBytes: 10 },
      ],
    });
    for (const path of ['gates[0].argv', 'gates[1].argv', 'gates[2].argv', 'gates[3].cwd', 'gates[4].cwd', 'gates[5].maxOutputBytes']) assert.ok(hasAt(p, path), `${path} in\n${p.join('\n')}`);
  });

  it('checks version files: one of jsonPath or regex, a safe regex with one capture group, paths inside', () => {
    const p = problems({
      gates: [
        {
          id: 'v',
          kind: 'versionBumped',
          files: [{ path: 'a.json' }, { path: 'b', jsonPath: 'version', regex: '(x)' }, { path: 'c', regex: 'version' }, { path: 'd', regex: '(a+)+$' }, { path: '../e.json', jsonPath: 'version' }, { path: 'f.json', jsonPath: '__proto__.x' }],
        },
      ],
    });
    assert.ok(hasAt(p, 'gates[0].files[0]', /exactly one of jsonPath and regex/), p.join('\n'));
    assert.ok(hasAt(p, 'gates[0].files[1]', /exactly one/), p.join('\n'));
    assert.ok(hasAt(p, 'gates[0].files[2].regex', /exactly one capture group/), p.join('\n'));
    assert.ok(hasAt(p, 'gates[0].files[3].regex', /repeat a group/), p.join('\n'));
    assert.ok(hasAt(p, 'gates[0].files[4].path', /leave the repository/), p.join('\n'));
    assert.ok(hasAt(p, 'gates[0].files[5].jsonPath'), p.join('\n'));
  });

  it('holds regexes to a subset without catastrophic backtracking', () => {
    assert.equal(safeRegexProblem('^\\s*version\\s*=\\s*"([^"]+)"'), null);
    assert.equal(safeRegexProblem('(?<v>\\d+\\.\\d+\\.\\d+)'), null);
    assert.equal(safeRegexProblem('VERSION = (?:\'|")(\\d+\\.\\d+\\.\\d+)?'), null);
    assert.match(safeRegexProblem('(a|aa)*(b)')!, /exactly one capture group|repeat a group/);
    assert.match(safeRegexProblem('(x*)*')!, /repeat a group/);
    assert.match(safeRegexProblem('(?:a+){2,}(b)')!, /repeat a group/);
    assert.match(safeRegexProblem('(a)\\1')!, /backreferences/);
    assert.match(safeRegexProblem('(?=a)(b)')!, /lookahead/);
    assert.match(safeRegexProblem('a*b*c*d*e+f+g*(h)')!, /at most 6 unbounded/);
    assert.match(safeRegexProblem('(')!, /not a valid regular expression/);
    assert.match(safeRegexProblem(`(${'a'.repeat(300)})`)!, /at most 200/);
  });

  it('checks calendar dates and windows by path', () => {
    const p = problems({
      gates: [
        {
          id: 'cal',
          kind: 'calendar',
          freezes: [{ from: '2026-02-30', to: '2026-03-01', reason: 'x' }, { from: '2026-12-20T10:00', to: '2026-12-21', reason: 'no offset' }, { from: '2026-12-20', to: '2026-12-19', reason: 'backwards' }, { from: '2026-12-20', to: '2026-12-21' }],
          cadence: { anchor: 'next tuesday', everyWeeks: 0 },
        },
      ],
    });
    for (const path of ['gates[0].freezes[0].from', 'gates[0].freezes[1].from', 'gates[0].freezes[2].to', 'gates[0].freezes[3].reason', 'gates[0].cadence.anchor', 'gates[0].cadence.everyWeeks']) {
      assert.ok(hasAt(p, path), `${path} in\n${p.join('\n')}`);
    }
  });

  it('checks the decision log path and the concurrency', () => {
    assert.ok(hasAt(problems({ decisionLog: '../decisions.md' }), 'decisionLog', /leave the repository/));
    assert.ok(hasAt(problems({ decisionLog: '/etc/decisions.md' }), 'decisionLog', /relative/));
    assert.ok(hasAt(problems({ gateConcurrency: 0 }), 'gateConcurrency'));
    assert.equal(parseConfig('{"decisionLog": "docs/decisions.md", "gateConcurrency": 1}').decisionLog, 'docs/decisions.md');
  });

  it('refuses a manual gate without a description and a release branch pattern with git-illegal characters', () => {
    const p = problems({ gates: [{ id: 'qa', kind: 'manual' }, { id: 'b', kind: 'releaseBranch', patterns: ['main', 'bad name'] }, { id: 'c', kind: 'releaseBranch', patterns: [] }] });
    for (const path of ['gates[0].description', 'gates[1].patterns[1]', 'gates[2].patterns']) assert.ok(hasAt(p, path), `${path} in\n${p.join('\n')}`);
  });
});
