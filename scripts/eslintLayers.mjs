// ESLint plugin `layers`: its rule `layers/imports` enforces the layer boundaries of DESIGN.md on the
// resolved target of every import (not on its spelling), so `../../node/x`, `./../node/x`, `node:fs`,
// `fs/promises` and `path/posix` are all caught. Forms checked: import and `import type`, `export … from`,
// `import()` (calls and types), `import x = require()` and `require()`.
import { isBuiltin } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the layer paths (src/core, webview…) are relative to it, wherever ESLint runs from. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCE_EXTENSION = /\.(d\.)?(m|c)?[jt]sx?$/;

/** A repository-relative path without its source extension, with forward slashes. */
function normalize(path) {
  return path.split(sep).join('/').replace(SOURCE_EXTENSION, '');
}

/** Whether the repository-relative path is the given file or folder or lies inside it. */
function isUnder(path, area) {
  const a = normalize(area).replace(/\/+$/, '');
  return path === a || path.startsWith(`${a}/`);
}

/** The package a bare specifier names: `@scope/name` or `name` (subpaths dropped). */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether a package matches an entry of a list: an exact name or a whole scope (`@octokit/*`). */
function packageMatches(name, entry) {
  return entry.endsWith('/*') ? name.startsWith(entry.slice(0, -1)) : name === entry;
}

/** What an import of `specifier` from `filename` reaches that the layer's options forbid (for the message), or null when it is allowed. */
export function layerViolation(specifier, filename, root, options) {
  const { builtins = false, packages = [], paths = [], onlyPaths = null } = options;
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const absolute = resolve(dirname(filename), specifier);
    const target = normalize(relative(root, absolute));
    const banned = paths.find((area) => isUnder(target, area));
    if (banned) return `'${specifier}' (it is in ${banned})`;
    if (onlyPaths && !onlyPaths.some((area) => isUnder(target, area))) return `'${specifier}' (${target} is outside ${onlyPaths.join(' and ')})`;
    return null;
  }
  if (builtins && (specifier.startsWith('node:') || isBuiltin(specifier))) return `the Node built-in '${specifier}'`;
  const name = packageOf(specifier);
  const banned = packages.find((entry) => packageMatches(name, entry));
  return banned ? `the package '${specifier}'` : null;
}

/** The module specifier of a string literal node (or a template literal without expressions), else null. */
function literalText(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Dependencies point down: each layer imports only what DESIGN.md allows it.' },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          reason: { type: 'string' },
          builtins: { type: 'boolean' },
          packages: { type: 'array', items: { type: 'string' } },
          paths: { type: 'array', items: { type: 'string' } },
          onlyPaths: { type: 'array', items: { type: 'string' } },
        },
        required: ['layer', 'reason'],
        additionalProperties: false,
      },
    ],
    messages: { forbidden: '{{layer}} may not import {{why}}. {{reason}}' },
  },
  create(context) {
    const options = context.options[0];
    const check = (node, specifier) => {
      if (specifier === null) return;
      const why = layerViolation(specifier, context.filename, ROOT, options);
      if (why) context.report({ node, messageId: 'forbidden', data: { layer: options.layer, why, reason: options.reason } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, literalText(node.source)),
      ExportNamedDeclaration: (node) => node.source && check(node.source, literalText(node.source)),
      ExportAllDeclaration: (node) => check(node.source, literalText(node.source)),
      ImportExpression: (node) => check(node.source, literalText(node.source)),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference.expression, literalText(node.moduleReference.expression)),
      TSImportType: (node) => check(node.argument, literalText(node.argument.type === 'TSLiteralType' ? node.argument.literal : node.argument)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length >= 1) check(node.arguments[0], literalText(node.arguments[0]));
      },
    };
  },
};

/** The `layers` ESLint plugin: one rule, `imports`, configured per layer in eslint.config.mjs. */
export const layersPlugin = { meta: { name: 'layers' }, rules: { imports: rule } };
