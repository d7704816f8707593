// Lint: typescript-eslint recommended plus the layer rule of DESIGN.md (core imports no host, fs, process or network).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', 'simple-git', '@octokit/rest', 'fs', 'child_process', 'http', 'https', 'net', 'os', 'path', 'process'].map((name) => ({
            name,
            message: 'src/core is pure: no host, fs, process or network. Put I/O behind a port in src/core/ports.ts.',
          })),
          patterns: [
            { group: ['node:*'], message: 'src/core is pure: no Node built-ins. Put I/O behind a port in src/core/ports.ts.' },
            { group: ['../git/*', '../cli/*', '../vscode/*', '../github/*', '**/src/git/**', '**/src/vscode/**'], message: 'Dependencies point down: core imports nothing from the adapters.' },
          ],
        },
      ],
    },
  },
);
