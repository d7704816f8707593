import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const DIST = resolve(__dirname, '../../../dist');

describe('build: the YAML parser is a bundle of its own, loaded on first use (run `npm run build` first)', () => {
  it('keeps yaml out of dist/extension.js, which loads dist/yaml.js by a relative path', function () {
    if (!existsSync(resolve(DIST, 'extension.js'))) this.skip();
    const meta = JSON.parse(readFileSync(resolve(DIST, 'extension.meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const inputs = Object.keys(meta.outputs['dist/extension.js']!.inputs);
    assert.deepEqual(inputs.filter((f) => /node_modules\/yaml\//.test(f)), []);
    assert.ok(inputs.some((f) => f.endsWith('src/node/localWorkflows.ts')), 'the workflow reader itself is still in the extension');
    assert.match(readFileSync(resolve(DIST, 'extension.js'), 'utf8'), /"\.\/yaml\.js"/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(resolve(DIST, 'yaml.js')) as { parse: (t: string) => unknown; parseDocument: (t: string) => { toJS: () => unknown } };
    assert.deepEqual(yaml.parse('on:\n  workflow_dispatch: {}\n'), { on: { workflow_dispatch: {} } });
    assert.deepEqual(yaml.parseDocument('a: [1, 2]').toJS(), { a: [1, 2] });
  });

  it('ships dist/yaml.js in the .vsix', () => {
    assert.match(readFileSync(resolve(__dirname, '../../../.vscodeignore'), 'utf8'), /^!dist\/yaml\.js$/m);
  });
});
