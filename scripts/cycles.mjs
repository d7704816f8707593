// Import-cycle check: resolves every import of the TypeScript sources (type-only imports, re-exports,
// `import()` types and calls, `require` included) with the TypeScript compiler and fails on a cycle, naming it.
// Usage: node scripts/cycles.mjs [--root DIR] [DIR…]   (default: the repository, src and webview)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The compiler options the project resolves modules with (its tsconfig.json), or node16 defaults. */
function compilerOptions(root) {
  const configPath = join(root, 'tsconfig.json');
  if (!existsSync(configPath)) return { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, allowJs: true };
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/** Every TypeScript/JavaScript source under dir (declaration files and node_modules left out). */
function sourcesUnder(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(path));
    else if (/\.(m|c)?[jt]sx?$/.test(entry.name) && !/\.d\.(m|c)?ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The module specifiers one source file names: imports (type-only too), re-exports, import types, import() and require. */
function specifiersOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      specs.push(node.moduleReference.expression.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specs.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** The import graph of the sources under dirs: file → the files among them it imports. */
export function importGraph(root, dirs) {
  const options = compilerOptions(root);
  const files = new Set(dirs.flatMap((dir) => sourcesUnder(resolve(root, dir))));
  const host = ts.createCompilerHost(options);
  const graph = new Map();
  for (const file of files) {
    const targets = new Set();
    for (const spec of specifiersOf(file)) {
      const resolved = ts.resolveModuleName(spec, file, options, host).resolvedModule;
      const target = resolved && resolve(resolved.resolvedFileName);
      if (target && files.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The strongly connected components of the graph that hold a cycle (Tarjan): their files and one concrete cycle through them. */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const strongConnect = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return components.map((component) => ({ files: [...component].sort(), cycle: shortestCycle(graph, component) }));
}

/** The shortest cycle through the first file (in sorted order) of a strongly connected component. */
function shortestCycle(graph, component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Runs the check from the command line: prints each cycle and exits 1 when there is one. */
function main(argv) {
  let root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = resolve(argv[++i]);
    else dirs.push(argv[i]);
  }
  if (dirs.length === 0) dirs.push('src', 'webview');
  const graph = importGraph(root, dirs);
  const cycles = findCycles(graph);
  const name = (file) => relative(root, file).split(sep).join('/');
  if (cycles.length === 0) {
    console.log(`No import cycles among ${graph.size} files in ${dirs.join(', ')}.`);
    return 0;
  }
  console.error(`${cycles.length} import cycle${cycles.length === 1 ? '' : 's'}:`);
  for (const { files, cycle } of cycles) {
    console.error(`  cycle: ${cycle.map(name).join(' -> ')}`);
    if (files.length > cycle.length - 1) console.error(`    (the ${files.length} files that import each other around it: ${files.map(name).join(', ')})`);
  }
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
