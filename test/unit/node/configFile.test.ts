import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';
import { loadConfig } from '../../../src/node/configFile';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'rm-config-'));
}

describe('reading .release-manager.json', () => {
  it('refuses a FIFO before opening it (the open would wait for a writer forever)', async function () {
    const dir = folder();
    if (spawnSync('mkfifo', [join(dir, '.release-manager.json')]).status !== 0) this.skip();
    const started = Date.now();
    await assert.rejects(loadConfig(dir), (e: unknown) => e instanceof ConfigError && /not a regular file/.test(e.message));
    assert.ok(Date.now() - started < 5000);
  });

  it('names a link to nothing as such, not as an unexpected failure', async () => {
    const dir = folder();
    symlinkSync(join(dir, 'nowhere.json'), join(dir, '.release-manager.json'));
    await assert.rejects(loadConfig(dir), (e: unknown) => e instanceof ConfigError && /link to a file that does not exist/.test(e.message));
  });

  it('refuses a folder in its place', async () => {
    const dir = folder();
    spawnSync('mkdir', [join(dir, '.release-manager.json')]);
    await assert.rejects(loadConfig(dir), (e: unknown) => e instanceof ConfigError && /not a regular file/.test(e.message));
  });

  it('reads a regular file', async () => {
    const dir = folder();
    writeFileSync(join(dir, '.release-manager.json'), '{"tagFormat": "release-{version}"}');
    assert.equal((await loadConfig(dir)).tagFormat, 'release-{version}');
  });
});

describe('config keys JSON would silently drop', () => {
  it('refuses duplicate keys, naming each by path', () => {
    assert.throws(
      () => parseConfig('{"tagFormat": "v{version}", "gates": [{"kind": "cleanTree", "kind": "noFixups"}], "tagFormat": "x{version}"}'),
      (e: unknown) => e instanceof ConfigError && /tagFormat: duplicate key "tagFormat"/.test(e.message) && /gates\[0\]\.kind: duplicate key "kind"/.test(e.message),
    );
  });

  it('accepts the same key in different objects', () => {
    assert.doesNotThrow(() => parseConfig('{"gates": [{"id": "a", "kind": "cleanTree"}, {"id": "b", "kind": "noFixups"}]}'));
  });

  it('refuses a tag format that starts with "-" (git refuses such tags)', () => {
    assert.throws(() => parseConfig('{"tagFormat": "-v{version}"}'), (e: unknown) => e instanceof ConfigError && /tagFormat: must not start with "-"/.test(e.message));
  });
});
