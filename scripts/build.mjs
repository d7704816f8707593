// Builds the bundles with esbuild and writes the config JSON Schema generated from zod.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync, chmodSync, readdirSync, existsSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaOnly = process.argv.includes('--schema-only');

/** The lazily loaded bundles besides github.js and yaml.js: dist/NAME.js built from ENTRY (their loaders: src/node/load<Name>.ts, src/vscode/loadCommands.ts). */
const LAZY = [
  ['announce', 'src/node/announce.ts'],
  ['flags', 'src/node/flags.ts'],
  ['metrics', 'src/node/metrics.ts'],
  ['calendar', 'src/node/calendar.ts'],
  ['plan', 'src/node/plan.ts'],
  ['risk', 'src/node/risk.ts'],
  ['commands', 'src/vscode/commandsBundle.ts'],
];

if (!schemaOnly) {
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', legalComments: 'none', logLevel: 'warning' };
  /** A webview's browser bundle (dist/webview/NAME.js) and the files it links, copied beside it under their own names. */
  const webview = (name, files) =>
    build({
      ...common,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      entryPoints: [join(root, `webview/${name}.ts`)],
      outfile: join(root, `dist/webview/${name}.js`),
      minify: true,
      sourcemap: false,
    }).then(() => {
      for (const from of files) copyFileSync(join(root, from), join(root, 'dist/webview', basename(from)));
    });
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(root, 'src/cli/index.ts')],
      outfile: join(root, 'dist/cli.js'),
      minify: true,
      external: ['./github.js', './yaml.js'],
      // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow.
      mainFields: ['module', 'main'],
      banner: { js: '#!/usr/bin/env node' },
    }),
    build({
      ...common,
      entryPoints: [join(root, 'src/extension.ts')],
      outfile: join(root, 'dist/extension.js'),
      minify: true,
      // The GitHub client (Octokit) is its own bundle, loaded on first use: activation does not pay for it.
      // The YAML parser too (dist/yaml.js): workflow files and release.yml are read on first use, not at activation;
      // and the LAZY bundles below. Their loaders require them by a computed path: nothing to mark external.
      external: ['vscode', './github.js', './yaml.js'],
      // Prefer ES modules: jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow.
      mainFields: ['module', 'main'],
      metafile: true,
    }).then((r) => writeFileSync(join(root, 'dist/extension.meta.json'), JSON.stringify(r.metafile))),
    // The bundles loaded on first use (src/node/bundle.ts; docs/architecture.md, "Bundles"): what activation, the
    // Release view's first paint and the CLI's start do not need. Each reaches the others through their loaders.
    ...LAZY.map(([name, entry]) =>
      build({
        ...common,
        entryPoints: [join(root, entry)],
        outfile: join(root, `dist/${name}.js`),
        minify: true,
        external: ['vscode'],
        mainFields: ['module', 'main'],
        metafile: true,
      }).then((r) => writeFileSync(join(root, `dist/${name}.meta.json`), JSON.stringify(r.metafile))),
    ),
    build({
      ...common,
      stdin: { contents: "module.exports = require('yaml');", resolveDir: root, loader: 'js' },
      outfile: join(root, 'dist/yaml.js'),
      minify: true,
      mainFields: ['module', 'main'],
    }),
    build({
      ...common,
      entryPoints: [join(root, 'src/github/index.ts')],
      outfile: join(root, 'dist/github.js'),
      minify: true,
      mainFields: ['module', 'main'],
    }),
    // The webviews: browser bundles that import src/shared only, with the stylesheets they link from the bundle
    // folder (the CSP allows no inline style). Checklist: its CSS and the codicons; Release Metrics: uPlot bundled
    // in and its stylesheet; the announce preview: its CSS.
    webview('checklist', ['webview/checklist.css', 'node_modules/@vscode/codicons/dist/codicon.css', 'node_modules/@vscode/codicons/dist/codicon.ttf']),
    webview('metrics', ['webview/metrics.css', 'node_modules/uplot/dist/uPlot.min.css']),
    webview('announce', ['webview/announce.css']),
    webview('calendar', ['webview/calendar.css']),
    // In-host test suites (mocha inside the extension host): one bundle per file, vscode external.
    build({
      ...common,
      entryPoints: readdirRecursive(join(root, 'test/vscode')).filter((f) => f.endsWith('.ts')),
      outdir: join(root, 'out/test/vscode'),
      outbase: join(root, 'test/vscode'),
      // As the bundles: jsonc-parser's UMD "main" requires its parts at run time (taskDeploy.test.ts reaches it).
      mainFields: ['module', 'main'],
      external: ['vscode', 'mocha'],
      // Their code loads the lazy bundles from dist/ (src/node/bundle.ts), not from beside the test file.
      define: { RELEASE_MANAGER_DIST: JSON.stringify(join(root, 'dist')) },
      minify: false,
    }),
  ]);
  chmodSync(join(root, 'dist/cli.js'), 0o755);
}

// The schema comes from the same zod schema the code parses with (bundled on the fly).
const out = await build({
  stdin: { contents: "export { configJsonSchema } from './src/core/config';", resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // jsonc-parser's UMD build requires its parts at run time: take its ES module build, as the bundles do.
  mainFields: ['module', 'main'],
  write: false,
  logLevel: 'warning',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
mkdirSync(join(root, 'schemas'), { recursive: true });
writeFileSync(join(root, 'schemas/release-manager.schema.json'), JSON.stringify(mod.exports.configJsonSchema(), null, 2) + '\n');

/** Every file under a folder (empty when it does not exist). */
function readdirRecursive(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}
