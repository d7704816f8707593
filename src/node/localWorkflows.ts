/**
 * The repository's own GitHub Actions workflows that can be dispatched (`on: workflow_dispatch`),
 * read from `.github/workflows` in the working tree: with no deploy config, Deploy… offers them
 * beside the Deployments API. Files that do not parse, or declare invalid inputs, are listed as
 * problems rather than offered.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadYaml } from './loadYaml';
import { parseWorkflowDispatch, type WorkflowDispatch } from '../core/deploy/workflowInputs';

/** A dispatchable workflow of the working tree. */
export interface LocalWorkflow {
  /** File name in .github/workflows (what `provider.workflow` names). */
  file: string;
  /** Its `name:`, else the file name. */
  name: string;
  dispatch: WorkflowDispatch;
}

const MAX_FILES = 200;
const MAX_BYTES = 512 * 1024;

/** The dispatchable workflows of the repository at `root`, by file name, and the files that could not be read. */
export async function dispatchableWorkflows(root: string): Promise<{ workflows: LocalWorkflow[]; problems: string[] }> {
  const dir = join(root, '.github', 'workflows');
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name)).map((e) => e.name).sort().slice(0, MAX_FILES);
  } catch {
    return { workflows: [], problems: [] };
  }
  const workflows: LocalWorkflow[] = [];
  const problems: string[] = [];
  for (const file of names) {
    try {
      const text = await readFile(join(dir, file), 'utf8');
      if (text.length > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES / 1024} KiB`);
      const value: unknown = loadYaml().parse(text, { maxAliasCount: 100 });
      const dispatch = parseWorkflowDispatch(value, `.github/workflows/${file}`);
      if (dispatch === null) continue;
      const declared = (value as { name?: unknown }).name;
      workflows.push({ file, name: typeof declared === 'string' && declared.trim() !== '' ? declared.trim().slice(0, 100) : file, dispatch });
    } catch (e) {
      problems.push(`.github/workflows/${file}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200)}`);
    }
  }
  return { workflows, problems };
}
