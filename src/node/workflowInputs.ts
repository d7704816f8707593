/**
 * Asking for a deploy workflow's inputs through a `Prompter`, with the control each type deserves: a
 * pick list for choices and environments, Yes / No for booleans (not free text), a question validated
 * as you type for text and numbers (refs as git refs, versions as semver, no shell metacharacters —
 * the workflow may interpolate the value into a shell step). Only inputs the config does not set are
 * asked; the same local validation runs again before the dispatch.
 */
import type { DeployRelease } from '../core/deploy/plan';
import { planDeploy } from '../core/deploy/plan';
import { githubEnvironment, type EnvironmentConfig } from '../core/deploy/schema';
import { correlationInputOf, inputValueProblem, inputsToAsk, type DeclaredInput, type WorkflowDispatch } from '../core/deploy/workflowInputs';
import { UsageError } from '../core/errors';
import type { Deployer } from '../core/deploy/ports';
import type { Prompter } from './prompter';

/** How the values are obtained: asked (interactive), or given by the caller (tests, other extensions) with the suggestions for the rest. */
export interface InputAsking {
  interactive: boolean;
  /** Where the questions are asked (used only when interactive). */
  prompter: Pick<Prompter, 'pick' | 'ask'>;
  /** Values given by the caller; checked like typed ones. */
  given?: Readonly<Record<string, string>>;
  /** The environments an environment input may name (the ladder, the repository's GitHub environments). */
  environments: readonly string[];
}

/** The workflow's dispatch trigger at the release, or a UsageError naming what is wrong. */
export async function workflowDispatchOf(deployer: Deployer, env: EnvironmentConfig, release: DeployRelease, signal?: AbortSignal): Promise<{ file: string; dispatch: WorkflowDispatch } | null> {
  const p = env.provider;
  if (p.kind !== 'workflow' || !deployer.readDispatch) return null;
  const read = await deployer.readDispatch(env, release.ref, signal);
  const at = p.ref ?? release.ref;
  if (!read) throw new UsageError(`The workflow ${String(p.workflow)} does not exist at ${at}.`, 'Release a commit that has the workflow, or name another workflow in the deploy config.');
  if (!read.dispatch) throw new UsageError(`${read.file} at ${at} has no workflow_dispatch trigger, so it cannot be run from here.`, 'Add `on: workflow_dispatch` (with its inputs) to the workflow.');
  return { file: read.file, dispatch: read.dispatch };
}

/**
 * The values of the inputs nobody set, asked one by one (Escape cancels: undefined); an empty
 * optional answer leaves the input out (GitHub then uses its default).
 */
export async function askWorkflowInputs(env: EnvironmentConfig, release: DeployRelease, found: { file: string; dispatch: WorkflowDispatch }, how: InputAsking): Promise<Record<string, string> | undefined> {
  const p = env.provider;
  if (p.kind !== 'workflow') return {};
  // What the plan sends: the config's inputs, and strategy, step and weight (the plan's own, never asked: a direct deploy or a rollback leaves them to their defaults).
  const sent = new Set([...planDeploy(env, release).steps.flatMap((s) => Object.keys(s.inputs)), 'strategy', 'step', 'weight']);
  const correlation = correlationInputOf(found.dispatch, p.correlationInput);
  const ask = inputsToAsk(found.dispatch, sent, { correlationInput: correlation.input, version: release.version, ref: release.ref, environment: githubEnvironment(env) });
  const options = { freeText: p.freeTextInputs, ...(how.environments.length > 0 ? { environments: how.environments } : {}) };
  const values: Record<string, string> = {};
  for (const [i, { input, suggested }] of ask.entries()) {
    let value: string | undefined;
    if (how.given && Object.prototype.hasOwnProperty.call(how.given, input.name)) value = how.given[input.name];
    else if (!how.interactive) value = suggested ?? '';
    else {
      value = await askOne(how.prompter, input, suggested, `Deploy ${release.version} to ${env.name} — ${found.file}: ${input.name} (${i + 1} of ${ask.length})`, how.environments, options);
      if (value === undefined) return undefined;
    }
    const problem = inputValueProblem(input, value ?? '', options);
    if (problem !== null) throw new UsageError(`Input "${input.name}" of ${found.file}: ${problem}.`, input.type === 'choice' ? `Use one of: ${(input.options ?? []).join(', ')}.` : 'Give a value the workflow accepts.');
    if (value !== undefined && value !== '') values[input.name] = value;
  }
  // Unknown names given by a caller are refused too: the dispatch would be.
  for (const name of Object.keys(how.given ?? {})) {
    if (!ask.some((a) => a.input.name === name)) throw new UsageError(`${found.file} has no input "${name.slice(0, 60)}" to set here (it is not declared, or the deploy config sets it).`, `Inputs asked: ${ask.map((a) => a.input.name).join(', ') || 'none'}.`);
  }
  return values;
}

async function askOne(prompter: Pick<Prompter, 'pick' | 'ask'>, input: DeclaredInput, suggested: string | undefined, title: string, environments: readonly string[], options: { freeText?: readonly string[]; environments?: readonly string[] }): Promise<string | undefined> {
  const detail = input.description?.split('\n')[0]?.slice(0, 200);
  const required = input.required && (input.default === undefined || String(input.default) === '');
  const mark = (v: string) => (v === suggested ? (input.default !== undefined && String(input.default) === v ? 'default' : 'suggested') : undefined);
  const item = (label: string, value: string) => {
    const description = mark(value);
    return { label, value, ...(description !== undefined ? { description } : {}) };
  };
  if (input.type === 'boolean') {
    const items = ['true', 'false'].map((v) => item(v === 'true' ? 'Yes' : 'No', v)).sort((a, b) => (a.value === suggested ? -1 : b.value === suggested ? 1 : 0));
    return prompter.pick(title, items, { placeHolder: detail ?? `${input.name}?` });
  }
  const listed = input.type === 'choice' ? (input.options ?? []) : input.type === 'environment' ? environments : [];
  if (listed.length > 0) {
    const items = [...listed].sort((a, b) => (a === suggested ? -1 : b === suggested ? 1 : 0)).map((v) => item(v, v));
    const empty = { label: 'Leave empty', description: 'the workflow decides (its default)', value: '' };
    return prompter.pick(title, required ? items : [...items, empty], { placeHolder: detail ?? `Choose ${input.name}` });
  }
  return prompter.ask({
    title,
    prompt: `${detail ?? input.name}${required ? '' : ' (optional)'}`,
    value: suggested ?? '',
    validate: (v) => inputValueProblem(input, v, options),
  });
}
