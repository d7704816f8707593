/**
 * The inputs a GitHub Actions workflow declares under `on.workflow_dispatch.inputs`, read from the
 * already-parsed YAML value, and the local validation of the values we are about to send. Target
 * workflows may interpolate inputs into shell steps (`run: deploy ${{ inputs.version }}`), so
 * values are checked before dispatch: refs as git refs, versions as semver, choices against their
 * options, and text as one bounded line without shell metacharacters unless declared free text.
 */
import { once } from '../lazy';
import * as z from 'zod';
import { formatPath } from '../errors';
import { ConfigError } from '../errors';
import { refNameProblem } from '../tags';
import { versionProblem } from '../version';
import type { PlanStep } from './plan';
import type { ProviderConfig } from './schema';

/** GitHub's limit on the number of inputs of one dispatch. */
export const MAX_DISPATCH_INPUTS = 25;
/** GitHub's limit on the total size of a dispatch's inputs (characters of the JSON payload). */
export const MAX_DISPATCH_PAYLOAD = 65_535;
/** Default longest value of one text input. */
export const DEFAULT_MAX_INPUT_LENGTH = 256;
/** Input names that conventionally carry a correlation id, in preference order. */
export const CORRELATION_INPUT_NAMES = ['correlation_id', 'correlationId', 'correlation-id', 'distinct_id', 'release_manager_id'] as const;

/** The type of a workflow input. */
export type InputType = 'string' | 'boolean' | 'choice' | 'number' | 'environment';

/** One input a workflow declares. */
export interface DeclaredInput {
  name: string;
  type: InputType;
  required: boolean;
  /** The declared default (GitHub uses it when the input is not sent). */
  default?: string | number | boolean;
  /** Allowed values of a choice input. */
  options?: string[];
  description?: string;
}

/** A workflow's dispatch trigger: the declared inputs in file order. */
export interface WorkflowDispatch {
  inputs: DeclaredInput[];
}

// YAML turns `- 1.0` into a number and `- yes` may become a boolean: GitHub reads options as text, so do we.
const scalarText = once(() => z.union([z.string(), z.number(), z.boolean()]).transform(String));

const declaredInputSchema = once(() => z
  .object({
    description: scalarText().optional(),
    required: z.boolean().default(false),
    type: z.enum(['string', 'boolean', 'choice', 'number', 'environment']).default('string'),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(scalarText()).min(1).max(1000).optional(),
  })
  .superRefine((i, ctx) => {
    if (i.type === 'choice') {
      if (i.options === undefined) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice input must list its options' });
      else if (i.default !== undefined && !i.options.includes(String(i.default))) ctx.addIssue({ code: 'custom', path: ['default'], message: 'must be one of the options' });
    }
    if (i.type === 'boolean' && i.default !== undefined && typeof i.default !== 'boolean' && i.default !== 'true' && i.default !== 'false') {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'a boolean input\'s default must be true or false' });
    }
    if (i.type === 'number' && i.default !== undefined && !NUMBER.test(String(i.default))) ctx.addIssue({ code: 'custom', path: ['default'], message: 'a number input\'s default must be a number' });
  }));

const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?$/;

/** Schema of `on.workflow_dispatch.inputs` (null when the trigger has no inputs). */
export const dispatchInputsSchema = once(() => z
  .record(z.string().regex(INPUT_NAME, 'input names start with a letter or "_" and contain only letters, digits, "-" or "_"'), declaredInputSchema().nullable())
  .nullish());

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The dispatch trigger of a parsed workflow file: its inputs, or null when the workflow has no
 * `workflow_dispatch` trigger (it cannot be dispatched). Throws a ConfigError naming each problem
 * by path when the trigger's inputs are malformed.
 */
export function parseWorkflowDispatch(workflow: unknown, file: string): WorkflowDispatch | null {
  if (!isRecord(workflow)) return null;
  // YAML 1.1 parsers read the key `on` as the boolean true.
  const on = 'on' in workflow ? workflow.on : workflow['true'];
  let trigger: unknown;
  if (on === 'workflow_dispatch') trigger = null;
  else if (Array.isArray(on)) {
    if (!on.includes('workflow_dispatch')) return null;
    trigger = null;
  } else if (isRecord(on) && Object.prototype.hasOwnProperty.call(on, 'workflow_dispatch')) trigger = on.workflow_dispatch;
  else return null;
  const raw = isRecord(trigger) ? trigger.inputs : undefined;
  const parsed = dispatchInputsSchema().safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: ['on', 'workflow_dispatch', 'inputs', ...i.path.filter((k): k is string | number => typeof k !== 'symbol')],
      message: i.code === 'invalid_key' ? (i.issues[0]?.message ?? i.message) : i.message,
    }));
    const problems = issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(`${file} declares invalid workflow_dispatch inputs:\n  ${problems.join('\n  ')}`, problems, `Fix the inputs of ${file} (see GitHub's workflow syntax for workflow_dispatch).`, file, issues);
  }
  const inputs = Object.entries(parsed.data ?? {}).map(([name, d]): DeclaredInput => {
    const input: DeclaredInput = { name, type: d?.type ?? 'string', required: d?.required ?? false };
    if (d?.default !== undefined) input.default = d.default;
    if (d?.options !== undefined) input.options = d.options;
    if (d?.description !== undefined) input.description = d.description;
    return input;
  });
  return { inputs };
}

/** What kind of value a text input carries, by its name: a git ref, a version, or free-form text. */
export type InputRole = 'ref' | 'version' | 'text';

/** The role of an input from its name (`ref`, `gitRef`, `branch`, `tag_name`, `sha` → ref; `version`, `app-version` → version). */
export function inputRole(name: string): InputRole {
  const parts = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[-_]+/).filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  const before = parts[parts.length - 2] ?? '';
  if (REF_WORDS.has(last) || (last === 'name' && REF_WORDS.has(before))) return 'ref';
  if (last === 'version') return 'version';
  return 'text';
}

const REF_WORDS = new Set(['ref', 'branch', 'tag', 'sha', 'commit', 'commitish']);

/** One reason a dispatch would be refused or unsafe; `input` is null for problems of the whole payload. */
export interface InputProblem {
  input: string | null;
  code: 'unknown' | 'missing' | 'type' | 'choice' | 'ref' | 'version' | 'unsafe' | 'too-long' | 'too-many' | 'no-trigger';
  message: string;
}

/** Options of the local validation. */
export interface ValidateOptions {
  /** Inputs whose values may contain shell metacharacters (still one bounded line). */
  freeText?: readonly string[];
  /** Longest value of one text input; default 256. */
  maxLength?: number;
  /** When known, the repository's environments: an environment input must name one of them (case-insensitive). */
  environments?: readonly string[];
}

/** The validation outcome: the values to send (defaults applied, all as strings) and every problem. */
export interface InputValidation {
  ok: boolean;
  problems: InputProblem[];
  /** Every declared input with a value: given or the default. Only meaningful when ok. */
  values: Record<string, string>;
  /** Inputs that took their declared default. */
  defaulted: string[];
}

// Characters that change the meaning of a shell command when a value is interpolated into a script unquoted or in double quotes.
const SHELL_META = /[`$\\"';|&<>(){}*?[\]!#~\n\r]/;
// C0 and C1 controls (tab and newline included), DEL, and bidi formatting controls.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** Why text is not a safe single-line input value, or null when it is. */
export function textProblem(value: string, maxLength: number, freeText: boolean): { code: 'unsafe' | 'too-long'; message: string } | null {
  if (value.length > maxLength) return { code: 'too-long', message: `is ${value.length} characters long (at most ${maxLength})` };
  if (UNSAFE_TEXT.test(value)) return { code: 'unsafe', message: 'contains a newline, tab, control or bidirectional-formatting character' };
  if (!freeText && SHELL_META.test(value)) {
    const ch = SHELL_META.exec(value)![0];
    return { code: 'unsafe', message: `contains ${JSON.stringify(ch)}, a shell metacharacter (list the input in freeTextInputs only if the workflow passes it through env:)` };
  }
  if (!freeText && value.startsWith('-')) return { code: 'unsafe', message: 'starts with "-" and could be read as an option' };
  return null;
}

function show(value: string): string {
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
  return shown;
}

/**
 * Checks the values we are about to dispatch against the workflow's declared inputs: unknown
 * inputs, missing required ones, types, choices, refs, versions and unsafe text. Returns the
 * values to send with the defaults applied; nothing is sent unless `ok`.
 */
export function validateInputs(dispatch: WorkflowDispatch | null, given: Readonly<Record<string, string | number | boolean>>, options: ValidateOptions = {}): InputValidation {
  const problems: InputProblem[] = [];
  const values: Record<string, string> = {};
  const defaulted: string[] = [];
  if (dispatch === null) {
    problems.push({ input: null, code: 'no-trigger', message: 'the workflow has no workflow_dispatch trigger, so it cannot be dispatched' });
    return { ok: false, problems, values, defaulted };
  }
  const maxLength = options.maxLength ?? DEFAULT_MAX_INPUT_LENGTH;
  const freeText = new Set(options.freeText ?? []);
  const declared = new Map(dispatch.inputs.map((d) => [d.name, d]));
  for (const name of Object.keys(given)) {
    if (declared.has(name)) continue;
    const near = dispatch.inputs.find((d) => d.name.toLowerCase() === name.toLowerCase());
    const known = dispatch.inputs.length === 0 ? 'it declares no inputs' : `it declares: ${dispatch.inputs.map((d) => d.name).join(', ')}`;
    problems.push({ input: name, code: 'unknown', message: `input "${name.slice(0, 100)}" is not declared by the workflow${near ? ` (did you mean "${near.name}"?)` : ''}; ${known}` });
  }
  for (const input of dispatch.inputs) {
    const has = Object.prototype.hasOwnProperty.call(given, input.name);
    const raw = has ? given[input.name] : undefined;
    if (raw === undefined || raw === '') {
      if (input.default !== undefined && String(input.default) !== '') {
        values[input.name] = String(input.default);
        defaulted.push(input.name);
      } else if (input.required) {
        problems.push({ input: input.name, code: 'missing', message: `required input "${input.name}" has no value and no default` });
      }
      continue;
    }
    const problem = checkValue(input, raw, { maxLength, freeText: freeText.has(input.name), environments: options.environments });
    if (problem) problems.push({ input: input.name, ...problem, message: `input "${input.name}" ${problem.message}` });
    else values[input.name] = String(raw);
  }
  if (Object.keys(values).length > MAX_DISPATCH_INPUTS) {
    problems.push({ input: null, code: 'too-many', message: `${Object.keys(values).length} inputs would be sent; GitHub accepts at most ${MAX_DISPATCH_INPUTS}` });
  }
  if (JSON.stringify(values).length > MAX_DISPATCH_PAYLOAD) {
    problems.push({ input: null, code: 'too-long', message: `the inputs are longer than GitHub's limit of ${MAX_DISPATCH_PAYLOAD} characters` });
  }
  return { ok: problems.length === 0, problems, values, defaulted };
}

function checkValue(input: DeclaredInput, raw: string | number | boolean, o: { maxLength: number; freeText: boolean; environments: readonly string[] | undefined }): Omit<InputProblem, 'input'> | null {
  const text = String(raw);
  switch (input.type) {
    case 'boolean':
      return raw === true || raw === false || text === 'true' || text === 'false' ? null : { code: 'type', message: `must be true or false, not ${show(text)}` };
    case 'number':
      return (typeof raw === 'number' && Number.isFinite(raw)) || (typeof raw === 'string' && NUMBER.test(raw)) ? null : { code: 'type', message: `must be a number, not ${show(text)}` };
    case 'choice':
      return input.options?.includes(text) ? null : { code: 'choice', message: `must be one of ${(input.options ?? []).map((c) => JSON.stringify(c)).join(', ')}, not ${show(text)}` };
    case 'environment': {
      if (typeof raw !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/.test(text)) return { code: 'type', message: `must be an environment name, not ${show(text)}` };
      if (o.environments && !o.environments.some((e) => e.toLowerCase() === text.toLowerCase())) return { code: 'choice', message: `names environment ${show(text)}, which the repository does not have` };
      return null;
    }
    case 'string': {
      if (typeof raw !== 'string') return { code: 'type', message: `must be text, not ${typeof raw} ${show(text)}` };
      const role = inputRole(input.name);
      if (role === 'ref') {
        const p = refNameProblem(text);
        if (p !== null) return { code: 'ref', message: `${show(text)} is not a valid git ref: it ${p}` };
      }
      if (role === 'version') {
        const p = versionProblem(text);
        if (p !== null) return { code: 'version', message: `${show(text)} ${p}` };
      }
      const t = textProblem(text, o.maxLength, o.freeText);
      return t ? { code: t.code, message: `${show(text)} ${t.message}` } : null;
    }
  }
}

/** How the run a dispatch starts is identified. */
export type RunIdentification =
  | { kind: 'returned' }
  | { kind: 'correlation'; input: string }
  | { kind: 'none'; reason: string };

/**
 * The input that carries our correlation id: the configured one (which the workflow must declare as
 * a text input), else the first conventional name the workflow declares; null when there is none.
 */
export function correlationInputOf(dispatch: WorkflowDispatch, configured?: string): { input: string } | { input: null; problem: string | null } {
  if (configured !== undefined) {
    const d = dispatch.inputs.find((i) => i.name === configured);
    if (!d) return { input: null, problem: `correlationInput "${configured}" is not declared by the workflow` };
    if (d.type !== 'string') return { input: null, problem: `correlationInput "${configured}" is a ${d.type} input; it must be a string input` };
    return { input: configured };
  }
  for (const name of CORRELATION_INPUT_NAMES) {
    if (dispatch.inputs.some((i) => i.name === name && i.type === 'string')) return { input: name };
  }
  return { input: null, problem: null };
}

/**
 * How we will know which run we started: the run details the dispatch returns when the server
 * gives them, else a correlation input, else nothing — then the run is reported as not
 * identified, never guessed from "the latest run".
 */
export function runIdentification(serverReturnsRun: boolean, dispatch: WorkflowDispatch, configured?: string): RunIdentification {
  if (serverReturnsRun) return { kind: 'returned' };
  const c = correlationInputOf(dispatch, configured);
  if (c.input !== null) return { kind: 'correlation', input: c.input };
  return { kind: 'none', reason: c.problem ?? `could not identify the run: the workflow declares no correlation input (${CORRELATION_INPUT_NAMES[0]}) and the server does not return the run it starts` };
}

/** A workflow run as the correlation lookup sees it. */
export interface RunCandidate {
  id: number;
  /** The run's title (`run-name`), where workflows show the correlation id. */
  title: string;
  event: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The outcome of looking for our run among the runs of the workflow. */
export type CorrelatedRun = { kind: 'found'; run: RunCandidate } | { kind: 'absent' } | { kind: 'ambiguous'; ids: number[] };

/**
 * Our run among candidates: a workflow_dispatch run created at or after the dispatch (with a clock
 * skew allowance) whose title contains the correlation id as a whole token. Never the latest run
 * by default: zero matches is `absent`, several are `ambiguous`.
 */
export function findCorrelatedRun(runs: readonly RunCandidate[], correlationId: string, since: number, skewMs = 60_000): CorrelatedRun {
  const token = new RegExp(`(?:^|[^A-Za-z0-9_-])${correlationId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:$|[^A-Za-z0-9_-])`);
  const hits = runs.filter((r) => r.event === 'workflow_dispatch' && r.createdAt >= since - skewMs && token.test(r.title));
  if (hits.length === 0) return { kind: 'absent' };
  if (hits.length > 1) return { kind: 'ambiguous', ids: hits.map((r) => r.id) };
  return { kind: 'found', run: hits[0]! };
}

/** The problems as plain lines, for errors and the log. */
export function problemLines(problems: readonly InputProblem[]): string[] {
  return problems.map((p) => p.message);
}

/** The inputs of one workflow dispatch, checked, with how its run will be identified. */
export type PreparedDispatch =
  | { ok: true; inputs: Record<string, string>; identification: RunIdentification; defaulted: string[] }
  | { ok: false; problems: InputProblem[] };

/**
 * Everything checked before a plan step is dispatched to a workflow: the workflow has the trigger,
 * the step's inputs plus the correlation id (when the run is identified by it) are declared and
 * valid. A run that cannot be identified is not a problem here: `identification` says so, so the
 * caller can warn before sending and the journal reports "could not identify the run".
 */
export function prepareWorkflowDispatch(
  provider: Extract<ProviderConfig, { kind: 'workflow' }>,
  dispatch: WorkflowDispatch | null,
  step: PlanStep,
  correlationId: string,
  options: { serverReturnsRun: boolean; environments?: readonly string[]; maxLength?: number },
): PreparedDispatch {
  if (dispatch === null) return { ok: false, problems: validateInputs(null, {}).problems };
  const configured = correlationInputOf(dispatch, provider.correlationInput);
  if (provider.correlationInput !== undefined && configured.input === null) {
    return { ok: false, problems: [{ input: provider.correlationInput, code: 'unknown', message: configured.problem ?? 'correlation input not declared' }] };
  }
  const identification = runIdentification(options.serverReturnsRun, dispatch, provider.correlationInput);
  const given: Record<string, string> = { ...step.inputs };
  // The correlation id goes to its input whenever the workflow declares one: it also identifies a run after a crash.
  if (configured.input !== null) given[configured.input] = correlationId;
  const v = validateInputs(dispatch, given, { freeText: provider.freeTextInputs, ...(options.environments ? { environments: options.environments } : {}), ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}) });
  if (!v.ok) return { ok: false, problems: v.problems };
  return { ok: true, inputs: v.values, identification, defaulted: v.defaulted };
}

/** One input the person is asked for before a dispatch, with the value offered first. */
export interface InputToAsk {
  input: DeclaredInput;
  /** Offered first: the declared default, or what the input's name says it carries (the version, the tag, the environment). */
  suggested: string | undefined;
}

/**
 * The declared inputs nobody gave a value for: not set by the config (`given`), not the correlation
 * input, not filled by the plan (strategy, step, weight). They are asked in file order, each with a
 * suggestion: the release's version for a version input, its tag for a ref input, the environment's
 * name for an environment input, else the declared default.
 */
export function inputsToAsk(dispatch: WorkflowDispatch, given: ReadonlySet<string>, context: { correlationInput: string | null; version: string; ref: string; environment: string }): InputToAsk[] {
  return dispatch.inputs
    .filter((d) => !given.has(d.name) && d.name !== context.correlationInput)
    .map((input) => {
      const role = input.type === 'string' ? inputRole(input.name) : null;
      const suggested =
        input.type === 'environment' || (input.type === 'choice' && /^env(?:ironment)?$/i.test(input.name) && input.options?.includes(context.environment))
          ? context.environment
          : role === 'version'
            ? context.version
            : role === 'ref'
              ? context.ref
              : input.default !== undefined
                ? String(input.default)
                : undefined;
      return { input, suggested };
    });
}

/** Why a value typed for an input would be refused before dispatch (the same rules as `validateInputs`), or null when it is fine. */
export function inputValueProblem(input: DeclaredInput, value: string, options: ValidateOptions = {}): string | null {
  if (value === '') return input.required && (input.default === undefined || String(input.default) === '') ? 'a value is required' : null;
  const p = checkValue(input, value, { maxLength: options.maxLength ?? DEFAULT_MAX_INPUT_LENGTH, freeText: (options.freeText ?? []).includes(input.name), environments: options.environments });
  return p ? p.message : null;
}
