/**
 * When a second invocation of a command joins the running one: only when its arguments are the
 * same. Arguments are compared by a stable serialisation; tree nodes by their identity fields (a
 * node rebuilt by a refresh is the same node). No 'vscode' here: unit-tested in plain Node.
 */

/** Per tree-node kind, the fields that name the node beyond `kind` and `root` (dotted paths). */
const NODE_IDENTITY: Readonly<Record<string, readonly string[]>> = {
  repo: [],
  version: [],
  unreleased: [],
  releases: [],
  verdict: [],
  github: [],
  environments: [],
  ghReleases: [],
  reason: ['hash'],
  section: ['index'],
  commit: ['entry.hash'],
  release: ['release.tag'],
  warning: ['warning.message'],
  gate: ['result.id'],
  message: ['text'],
  ci: ['head'],
  check: ['check.source', 'check.name'],
  ghRelease: ['release.id'],
  journal: ['entry.plan.repo', 'entry.plan.tag'],
  environment: ['row.env.name'],
  deployJournal: ['journal.id'],
  deployReview: ['wait.key'],
  deployRun: ['environment', 'journalId', 'run.runId'],
  deployRunJob: ['runId', 'job.id'],
  deployRunStep: ['runId', 'jobId', 'step.number'],
};

/** How deep a plain argument is serialised (deeper levels compare as equal). */
const MAX_DEPTH = 8;

/** A stable text for a command's arguments: equal arguments give equal keys, whatever their key order. */
export function invocationKey(args: readonly unknown[]): string {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--; // `f()` and `f(undefined)` are the same call
  return serialise(args.slice(0, end), new WeakSet(), 0);
}

function serialise(value: unknown, seen: WeakSet<object>, depth: number): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isNaN(value) ? 'NaN' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
    case 'symbol':
      return `<${typeof value}>`;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (seen.has(obj)) return '<cycle>';
  if (depth >= MAX_DEPTH) return '<deep>';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => serialise(v, seen, depth + 1)).join(',')}]`;
    const node = nodeIdentity(obj);
    if (node !== undefined) return node;
    if (isUriLike(obj)) return `uri:${JSON.stringify(obj.toString())}`;
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${serialise(record[k], seen, depth + 1)}`).join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}

/** A tree node's identity (`kind`, `root` and the fields that name it), or undefined when the object is no known node. */
function nodeIdentity(obj: object): string | undefined {
  const { kind, root } = obj as { kind?: unknown; root?: unknown };
  if (typeof kind !== 'string' || typeof root !== 'string') return undefined;
  const fields = Object.hasOwn(NODE_IDENTITY, kind) ? NODE_IDENTITY[kind] : undefined;
  if (!fields) return undefined;
  const parts = fields.map((path) => `${path}=${JSON.stringify(pick(obj, path)) ?? 'undefined'}`);
  return `node:${JSON.stringify(kind)}@${JSON.stringify(root)}(${parts.join(',')})`;
}

function pick(obj: object, path: string): unknown {
  let v: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/** A vscode.Uri (or the like): compared by its text. */
function isUriLike(obj: object): obj is { toString(): string } {
  const u = obj as { scheme?: unknown; path?: unknown; fsPath?: unknown };
  return typeof u.scheme === 'string' && typeof u.path === 'string' && 'fsPath' in u;
}

/** The running invocations of one command, by argument key: equal arguments join, different ones run. */
export class InvocationJoiner {
  private readonly running = new Map<string, Promise<unknown>>();

  /** Whether an invocation with this key is running (the next one with it joins). */
  has(key: string): boolean {
    return this.running.has(key);
  }

  /** How many invocations (distinct keys) are running. */
  get size(): number {
    return this.running.size;
  }

  /** Runs `body` unless an invocation with the same key runs; then returns that one's result. */
  run<T>(key: string, body: () => T | Promise<T>): Promise<T> {
    const current = this.running.get(key);
    if (current) return current as Promise<T>;
    const started: Promise<T> = Promise.resolve()
      .then(body)
      .finally(() => {
        if (this.running.get(key) === started) this.running.delete(key);
      });
    this.running.set(key, started);
    return started;
  }
}
