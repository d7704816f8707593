/**
 * What the fake GitHub reads from a workflow file (`.github/workflows/*.yml` in the git
 * repository): its name and `run-name`, its triggers, the `workflow_dispatch` inputs, and its jobs
 * with their environments and step names. Expressions are evaluated only in the small subset a
 * deploy workflow uses for titles and environments (`inputs.*`, `github.*`, string literals, `||`).
 */
import { parse } from 'yaml';

export type InputType = 'string' | 'boolean' | 'choice' | 'number' | 'environment';

export interface DispatchInput {
  name: string;
  type: InputType;
  required: boolean;
  /** The default as a string (YAML `false` → `'false'`); undefined when none. */
  default: string | undefined;
  options: string[];
}

export interface WorkflowJob {
  key: string;
  /** `name:` (may hold expressions) or the job key. */
  name: string;
  /** `environment:` or `environment.name:` (may hold expressions); null when none. */
  environment: string | null;
  environmentUrl: string | null;
  steps: string[];
  labels: string[];
}

export interface WorkflowFile {
  /** False when the file is not a YAML mapping: GitHub then names the workflow by its path. */
  valid: boolean;
  name: string | null;
  runName: string | null;
  /** Events under `on:`. */
  events: string[];
  /** The `workflow_dispatch` trigger; null when the workflow has none. */
  dispatch: { inputs: DispatchInput[] } | null;
  jobs: WorkflowJob[];
}

const INPUT_TYPES = new Set<InputType>(['string', 'boolean', 'choice', 'number', 'environment']);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function stepName(step: unknown, i: number): string {
  if (!isMap(step)) return `Step ${i + 1}`;
  const named = scalar(step.name);
  if (named) return named;
  const uses = scalar(step.uses);
  if (uses) return `Run ${uses}`;
  const run = scalar(step.run);
  if (run) return `Run ${run.split('\n')[0]?.trim() ?? ''}`;
  return `Step ${i + 1}`;
}

export function parseWorkflow(text: string): WorkflowFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = undefined;
  }
  if (!isMap(doc)) return { valid: false, name: null, runName: null, events: [], dispatch: null, jobs: [] };
  const on = doc.on;
  const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on.filter((e): e is string => typeof e === 'string') : isMap(on) ? Object.keys(on) : [];
  let dispatch: WorkflowFile['dispatch'] = null;
  if (events.includes('workflow_dispatch')) {
    const spec = isMap(on) ? on.workflow_dispatch : null;
    const inputs: DispatchInput[] = [];
    if (isMap(spec) && isMap(spec.inputs)) {
      for (const [name, raw] of Object.entries(spec.inputs)) {
        const def = isMap(raw) ? raw : {};
        const type = scalar(def.type) as InputType | undefined;
        inputs.push({
          name,
          type: type && INPUT_TYPES.has(type) ? type : 'string',
          required: def.required === true,
          default: scalar(def.default),
          options: Array.isArray(def.options) ? def.options.map((o) => scalar(o) ?? '') : [],
        });
      }
    }
    dispatch = { inputs };
  }
  const jobs: WorkflowJob[] = [];
  if (isMap(doc.jobs)) {
    for (const [key, raw] of Object.entries(doc.jobs)) {
      const job = isMap(raw) ? raw : {};
      const env = job.environment;
      const runsOn = job['runs-on'];
      jobs.push({
        key,
        name: scalar(job.name) ?? key,
        environment: isMap(env) ? (scalar(env.name) ?? null) : (scalar(env) ?? null),
        environmentUrl: isMap(env) ? (scalar(env.url) ?? null) : null,
        steps: Array.isArray(job.steps) ? job.steps.map(stepName) : [],
        labels: typeof runsOn === 'string' ? [runsOn] : Array.isArray(runsOn) ? runsOn.map((l) => scalar(l) ?? '') : ['ubuntu-latest'],
      });
    }
  }
  return { valid: true, name: scalar(doc.name) ?? null, runName: scalar(doc['run-name']) ?? null, events, dispatch, jobs };
}

/** Values expressions can read. */
export interface ExprContext {
  inputs: Record<string, string | boolean | number>;
  github: Record<string, string | number>;
}

function operand(text: string, ctx: ExprContext): string {
  const t = text.trim();
  const literal = /^'((?:[^']|'')*)'$/.exec(t);
  if (literal) return (literal[1] ?? '').replace(/''/g, "'");
  const path = t.split('.');
  let v: unknown;
  if (path[0] === 'inputs' && path.length === 2) v = ctx.inputs[path[1] ?? ''];
  else if (path[0] === 'github' && path[1] === 'event' && path[2] === 'inputs' && path.length === 4) v = ctx.inputs[path[3] ?? ''];
  else if (path[0] === 'github' && path.length === 2) v = ctx.github[path[1] ?? ''];
  return v === undefined || v === null ? '' : String(v);
}

/** Evaluates `${{ … }}` in a string: context paths and `'literals'`, joined by `||`; anything else is ''. */
export function evaluate(template: string, ctx: ExprContext): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => {
    for (const part of expr.split('||')) {
      const v = operand(part, ctx);
      if (v !== '' && v !== 'false') return v;
    }
    return '';
  });
}
