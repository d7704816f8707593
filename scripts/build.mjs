// Builds the bundles with esbuild and writes the config JSON Schema generated from zod.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaOnly = process.argv.includes('--schema-only');

if (!schemaOnly) {
  await build({
    entryPoints: [join(root, 'src/cli/index.ts')],
    outfile: join(root, 'dist/cli.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    banner: { js: '#!/usr/bin/env node' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  chmodSync(join(root, 'dist/cli.js'), 0o755);
}

// The schema comes from the same zod schema the code parses with (bundled on the fly).
const out = await build({
  stdin: { contents: "export { configJsonSchema } from './src/core/config';", resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
mkdirSync(join(root, 'schemas'), { recursive: true });
writeFileSync(join(root, 'schemas/release-manager.schema.json'), JSON.stringify(mod.exports.configJsonSchema(), null, 2) + '\n');
