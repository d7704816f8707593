// The configuration examples in the README are real: each JSON block that is a config file parses.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseConfigSchema, parseConfig } from '../../src/core/config';

describe('README configuration examples', () => {
  it('every JSON block made of config keys is accepted by the schema', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const keys = new Set(Object.keys(releaseConfigSchema.shape));
    let checked = 0;
    for (const m of readme.matchAll(/```json\n([\s\S]*?)```/g)) {
      let value: unknown;
      try {
        value = JSON.parse(m[1]!);
      } catch {
        continue; // fragments (a list of gates) and contracts with placeholders
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.keys(value).every((k) => keys.has(k))) continue;
      assert.doesNotThrow(() => parseConfig(m[1]!), `README example starting ${m[1]!.slice(0, 60)}`);
      checked++;
    }
    assert.ok(checked >= 3, `checked ${checked} examples`);
  });
});
