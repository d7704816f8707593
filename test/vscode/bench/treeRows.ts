// Helpers of the in-host benchmark: what the Release tree shows without a click, a fresh activation of the
// bundle, a commit from outside the editor. Not a test file (runMocha loads *.test.js only).
import { execFile } from 'node:child_process';
import Module from 'node:module';
import { join, sep } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { ReleaseManagerApi } from '../../../src/extension';
import type { Node } from '../../../src/vscode/views/tree/nodes';

/** What the tree shows without a click: every row count and the subjects of its commit rows. */
export interface VisibleRows {
  rows: number;
  subjects: string[];
}

type Tree = vscode.TreeDataProvider<Node>;

/**
 * The rows a user sees: the root rows and, recursively, the children of every row the provider marks Expanded
 * (Unreleased changes → its sections → their commits; a verdict with blockers). Null while the tree has no
 * content yet (no repository state: the view shows its "loading" welcome) or shows a loading placeholder.
 */
export async function visibleRows(tree: Tree): Promise<VisibleRows | null> {
  const top = (await tree.getChildren(undefined)) ?? [];
  if (!top.some((n) => n.kind === 'unreleased')) return null;
  const out: VisibleRows = { rows: 0, subjects: [] };
  const walk = async (nodes: Node[]): Promise<boolean> => {
    for (const node of nodes) {
      const item = await tree.getTreeItem(node);
      out.rows++;
      if (node.kind === 'message' && /loading/i.test(node.text)) return false;
      if (node.kind === 'commit') out.subjects.push(node.entry.subject);
      if (item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded && !(await walk((await tree.getChildren(node)) ?? []))) return false;
    }
    return true;
  };
  return (await walk(top)) ? out : null;
}

/** Resolves with the visible rows once `ok` accepts them: re-read on every change event of the tree (and every 100 ms, in case one is missed). */
export async function rowsWhen(tree: Tree, ok: (rows: VisibleRows) => boolean, timeoutMs = 120_000): Promise<VisibleRows> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let fired: () => void = () => undefined;
    const changed = new Promise<void>((resolve) => (fired = resolve));
    const sub = tree.onDidChangeTreeData!(() => fired());
    try {
      const rows = await visibleRows(tree);
      if (rows && ok(rows)) return rows;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the tree did not show the expected rows within ${timeoutMs} ms (last: ${rows ? `${rows.rows} rows` : 'no content'})`);
      await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, Math.min(left, 100)))]);
    } finally {
      sub.dispose();
    }
  }
}

/** `global.gc` without restarting the host with --expose-gc (V8 gives it to new contexts once the flag is set); null if refused. */
export function gcFunction(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

/** The registrations a second instance of the extension must not repeat (ids are taken by the running one): no-ops or renamed. */
function vscodeShim(): typeof vscode {
  const none = { dispose: () => undefined };
  const over = <T extends object>(base: T, props: Record<string, unknown>): T =>
    Object.create(base, Object.fromEntries(Object.entries(props).map(([k, value]) => [k, { value, enumerable: true }]))) as T;
  const treeView = () => ({ ...none, description: undefined, message: undefined, title: undefined, visible: true, selection: [], reveal: () => Promise.resolve() });
  return over(vscode, {
    commands: over(vscode.commands, { registerCommand: () => none }),
    // An output channel of the same name is the running instance's channel: disposing ours would close theirs.
    window: over(vscode.window, {
      createTreeView: treeView,
      registerWebviewViewProvider: () => none,
      createOutputChannel: (name: string, options?: { log: true }) => vscode.window.createOutputChannel(`${name} (benchmark instance)`, options as { log: true }),
    }),
    workspace: over(vscode.workspace, { registerTextDocumentContentProvider: () => none }),
  });
}

/** An in-memory Memento. */
function memento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: (key: string, value: unknown) => {
      values.set(key, value);
      return Promise.resolve();
    },
  } as vscode.Memento;
}

/** One fresh activation: the phases' times and the instance (dispose it when done). */
export interface FreshActivation {
  loadMs: number;
  activateMs: number;
  api: ReleaseManagerApi;
  dispose(): void;
}

/**
 * Loads a fresh instance of the bundle (every dist/ module dropped from require's cache: module-level caches
 * such as the tag cache start empty) and calls its activate() with a context of our own. The registrations
 * whose ids the running instance holds (commands, the tree view, the checklist view, document providers) are
 * no-ops in this instance; everything else is the real code: model, tree provider, watchers, first load.
 */
export function activateFresh(ext: vscode.Extension<ReleaseManagerApi>): FreshActivation {
  const dist = join(ext.extensionPath, 'dist') + sep;
  for (const key of Object.keys(require.cache)) if (key.startsWith(dist)) delete require.cache[key];
  const shim = vscodeShim();
  const loader = Module as unknown as { _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function (request, parent, isMain) {
    if (request === 'vscode' && parent?.filename?.startsWith(dist)) return shim;
    return original.call(this, request, parent, isMain);
  };
  const subscriptions: { dispose(): unknown }[] = [];
  const secrets = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const context = {
    subscriptions,
    extensionUri: ext.extensionUri,
    extensionPath: ext.extensionPath,
    workspaceState: memento(),
    globalState: memento(),
    secrets: { get: () => Promise.resolve(undefined), store: () => Promise.resolve(), delete: () => Promise.resolve(), onDidChange: secrets.event },
  } as unknown as vscode.ExtensionContext;
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh, synchronous load is what is measured
  const mod = require(join(dist, 'extension.js')) as { activate(c: vscode.ExtensionContext): ReleaseManagerApi };
  const t1 = performance.now();
  const api = mod.activate(context);
  const t2 = performance.now();
  return {
    loadMs: t1 - t0,
    activateMs: t2 - t1,
    api,
    dispose() {
      for (const d of subscriptions.splice(0)) d.dispose();
      secrets.dispose();
      loader._load = original;
    },
  };
}

/** Runs git in `cwd` (GIT_* variables of the host left out, a fixed identity); resolves with stdout. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return new Promise((resolve, reject) =>
    execFile('git', ['-c', 'user.name=Bench Mark', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, env }, (e, stdout, stderr) =>
      e ? reject(new Error(`git ${args.join(' ')}: ${stderr || e.message}`)) : resolve(stdout),
    ),
  );
}

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One git process: what it was (subcommand and its first arguments) and when it ran, in ms from the trace's start. */
export interface Span {
  what: string;
  /** Started by Release Manager (its bundle is on the stack), not by another extension of the host such as the git extension. */
  ours: boolean;
  startMs: number;
  endMs: number;
}

/** The child processes started while a trace is on: what ran, when, and how much of the wall time some git process was running. */
export interface SpawnTrace {
  spans: Span[];
  /** Stops recording; returns the summary of ours (count, sum of their times, the time covered by at least one), and every span. */
  stop(): { spawns: number; others: number; sumMs: number; coveredMs: number; wallMs: number; spans: Span[] };
}

/** Records every execFile/spawn of the host (the bundle calls them through the module object, so wrapping it sees them). */
export function traceSpawns(distDir: string): SpawnTrace {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself is wrapped, not a binding
  const cp = require('node:child_process') as Record<'execFile' | 'spawn', (...a: unknown[]) => import('node:child_process').ChildProcess>;
  const originals = { execFile: cp.execFile, spawn: cp.spawn };
  const t0 = performance.now();
  const spans: Span[] = [];
  for (const name of ['execFile', 'spawn'] as const) {
    const original = originals[name];
    cp[name] = function (this: unknown, ...a: unknown[]) {
      const args = (Array.isArray(a[1]) ? (a[1] as unknown[]).map(String) : []).filter((x, i, all) => x !== '-c' && all[i - 1] !== '-c');
      const what = args.slice(0, 4).map((x) => (x.length > 40 ? `${x.slice(0, 37)}…` : x)).join(' ');
      const span: Span = { what, ours: new Error().stack?.includes(distDir) ?? false, startMs: performance.now() - t0, endMs: Number.NaN };
      spans.push(span);
      const child = original.apply(this, a);
      child.once('close', () => (span.endMs = performance.now() - t0));
      return child;
    };
  }
  return {
    spans,
    stop() {
      cp.execFile = originals.execFile;
      cp.spawn = originals.spawn;
      const wallMs = performance.now() - t0;
      const all = spans.map((s) => ({ ...s, endMs: Number.isNaN(s.endMs) ? wallMs : s.endMs }));
      const done = all.filter((s) => s.ours);
      let covered = 0;
      let reach = 0;
      for (const s of [...done].sort((x, y) => x.startMs - y.startMs)) {
        const from = Math.max(s.startMs, reach);
        if (s.endMs > from) covered += s.endMs - from;
        reach = Math.max(reach, s.endMs);
      }
      return { spawns: done.length, others: all.length - done.length, sumMs: done.reduce((k, s) => k + s.endMs - s.startMs, 0), coveredMs: covered, wallMs, spans: all };
    },
  };
}
