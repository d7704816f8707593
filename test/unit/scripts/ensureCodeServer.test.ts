import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The script is an ES module with top-level await: imported, not required. */
const script = pathToFileURL(join(__dirname, '../../../scripts/vscode-test/ensureCodeServer.mjs')).href;
let parseVersionOutput: (out: string) => string;

describe('the test VS Code install (scripts/vscode-test/ensureCodeServer.mjs)', () => {
  before(async () => {
    ({ parseVersionOutput } = (await import(script)) as { parseVersionOutput: typeof parseVersionOutput });
  });
  it("reads code-server's version past the config line its first run prints", () => {
    const out = '[2026-12-06T20:08:00.740Z] info  Wrote default config file to /home/u/.config/code-server/config.yaml\n4.139.1 53c2f3253bcf32886706fc023e794bbeb253c90f with Code 1.139.1\n';
    assert.equal(parseVersionOutput(out), '4.139.1 53c2f3253bcf32886706fc023e794bbeb253c90f with Code 1.139.1');
  });
  it('reads a version given alone', () => {
    assert.equal(parseVersionOutput('4.139.1 abc with Code 1.139.1\n'), '4.139.1 abc with Code 1.139.1');
  });
  it('returns the whole output when no line is a version (the caller then refuses it)', () => {
    assert.equal(parseVersionOutput('error: something\n'), 'error: something');
  });
});
