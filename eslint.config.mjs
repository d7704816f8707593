// Lint: typescript-eslint recommended plus the layer rule of DESIGN.md (dependencies point down; core imports no host, fs, process or network).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/eslintLayers.mjs';

/** The source files the layer rule looks at. */
const CODE = '*.{ts,tsx,mts,cts,js,mjs,cjs}';
/** Where the editor API lives: nothing else imports from there. */
const VSCODE_ONLY = ['src/vscode', 'src/extension.ts'];
/** The packages that do I/O for the adapters (git, GitHub): never in core, shared or the webview. */
const ADAPTER_PACKAGES = ['simple-git', '@octokit/*', 'bottleneck'];

export default tseslint.config(
  { ignores: ['.*/**', 'dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'bench/.cache/**', 'schemas/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', 'scripts/**', 'bench/**'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', performance: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
      },
    },
  },
  {
    // Playwright specs run by mocha (scripts/vscode-test/e2e.mjs): mocha's BDD globals.
    files: ['test/e2e/**/*.mjs'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', before: 'readonly', after: 'readonly', beforeEach: 'readonly', afterEach: 'readonly' } },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
    },
  },
  // The layers of DESIGN.md, enforced on the resolved target of every import (layers/imports, scripts/eslintLayers.mjs).
  // A file gets the options of the last block that matches it, so each block lists all of its layer's bans.
  { plugins: { layers: layersPlugin } },
  {
    files: [`src/**/${CODE}`],
    ignores: ['src/vscode/**', 'src/extension.ts'],
    rules: {
      'layers/imports': ['error', {
        layer: 'Code outside src/vscode and src/extension.ts',
        reason: 'Only src/vscode and src/extension.ts use the editor API; put the flow in src/node behind a port (Prompter, Deployer…).',
        packages: ['vscode'],
        paths: [...VSCODE_ONLY],
      }],
    },
  },
  {
    files: [`src/core/**/${CODE}`, `src/shared/**/${CODE}`],
    rules: {
      'layers/imports': ['error', {
        layer: 'src/core and src/shared',
        reason: 'They are pure: no host, fs, process or network, nothing from the adapters. Put I/O behind a port in src/core/ports.ts.',
        builtins: true,
        packages: ['vscode', ...ADAPTER_PACKAGES],
        paths: ['src/git', 'src/github', 'src/node', 'src/cli', ...VSCODE_ONLY],
      }],
    },
  },
  {
    files: [`webview/**/${CODE}`],
    rules: {
      'layers/imports': ['error', {
        layer: 'webview',
        reason: 'The checklist is a browser bundle: it imports its own files, src/shared and browser packages only.',
        builtins: true,
        packages: ['vscode', ...ADAPTER_PACKAGES],
        onlyPaths: ['webview', 'src/shared'],
      }],
    },
  },
);
