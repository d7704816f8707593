import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const scripts = join(__dirname, '../../../scripts');
type Args = (cs: { entry: string }, run: { dir: string; userData: string; extensions: string }, o: { trusted: boolean; testDriver?: boolean }) => string[];

describe('what the demo installs and starts (scripts/demo.mjs)', () => {
  let serverArgs: Args;
  let config: { CODE_SERVER_PACKAGES: string[]; SYSTEM_PACKAGES: string[] };
  before(async () => {
    ({ serverArgs } = (await import(pathToFileURL(join(scripts, 'vscode-test/codeServer.mjs')).href)) as { serverArgs: Args });
    config = (await import(pathToFileURL(join(scripts, 'vscode-test/config.mjs')).href)) as typeof config;
  });
  const cs = { entry: '/cs/entry.js' };
  const run = { dir: '/run', userData: '/run/u', extensions: '/run/e' };

  it('starts the test VS Code with the smoke-test driver, and a people-facing one without it (notifications show)', () => {
    assert.ok(serverArgs(cs, run, { trusted: true }).includes('enable-smoke-test-driver'));
    assert.ok(!serverArgs(cs, run, { trusted: true, testDriver: false }).includes('enable-smoke-test-driver'));
    assert.match(readFileSync(join(scripts, 'demo.mjs'), 'utf8'), /startCodeServer\([^)]*testDriver: false/);
  });

  it("installs only code-server's system packages for the demo: no Prometheus, no browser", () => {
    assert.ok(!config.CODE_SERVER_PACKAGES.includes('prometheus'));
    assert.ok(!config.CODE_SERVER_PACKAGES.includes('chromium'));
    for (const p of config.CODE_SERVER_PACKAGES) assert.ok(config.SYSTEM_PACKAGES.includes(p), `${p} is installed for the tests too`);
    assert.ok(config.SYSTEM_PACKAGES.includes('prometheus') && config.SYSTEM_PACKAGES.includes('chromium'));
    assert.match(readFileSync(join(scripts, 'vscode-test/ensureCodeServer.mjs'), 'utf8'), /ensureSystemPackages\(CODE_SERVER_PACKAGES\)/);
  });
});
