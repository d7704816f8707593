import * as assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors';
import { setVersionText } from '../../../src/core/versionFiles';

describe('core/versionFiles: writing the next version', () => {
  it('changes only the version of a JSON file: indentation, key order, CRLF and BOM stay', () => {
    const text = '\uFEFF{\r\n    "name": "x",\r\n    "version": "1.2.0",\r\n    "deps": { "version": "9.9.9" }\r\n}\r\n';
    assert.equal(setVersionText(text, { path: 'package.json', jsonPath: 'version' }, '1.3.0'), text.replace('"1.2.0"', '"1.3.0"'));
  });

  it('follows a dotted path, array indexes included', () => {
    const text = '{"packages":[{"version":"0.1.0"},{"version":"0.2.0"}]}';
    assert.equal(setVersionText(text, { path: 'm.json', jsonPath: 'packages.1.version' }, '0.3.0'), '{"packages":[{"version":"0.1.0"},{"version":"0.3.0"}]}');
  });

  it('replaces the capture group of the first matching line of a text file', () => {
    const text = '[project]\nname = "x"\nversion = "1.2.0"\n\n[tool]\nversion = "7"\n';
    assert.equal(setVersionText(text, { path: 'pyproject.toml', regex: '^version = "([^"]+)"' }, '1.3.0'), text.replace('1.2.0', '1.3.0'));
  });

  it('gives the same text back when the version is already there', () => {
    const text = '{ "version": "1.3.0" }\n';
    assert.equal(setVersionText(text, { path: 'package.json', jsonPath: 'version' }, '1.3.0'), text);
  });

  it('names the file when the version cannot be found, or the JSON is broken', () => {
    assert.throws(() => setVersionText('{"name":"x"}', { path: 'package.json', jsonPath: 'version' }, '1.0.0'), (e: unknown) => e instanceof UsageError && /package\.json has no string at version/.test(e.message));
    assert.throws(() => setVersionText('{"version": 3}', { path: 'package.json', jsonPath: 'version' }, '1.0.0'), UsageError);
    assert.throws(() => setVersionText('{"version": "1.0.0",}', { path: 'package.json', jsonPath: 'version' }, '1.1.0'), /not valid JSON/);
    assert.throws(() => setVersionText('nothing here\n', { path: 'VERSION', regex: '^v(\\d+\\.\\d+\\.\\d+)$' }, '1.1.0'), /VERSION has no line matching/);
  });
});
