import assert from 'node:assert/strict';
import { dispatchableWorkflows } from '../../../src/node/localWorkflows';
import { TestRepo } from '../../helpers/testRepo';

describe('dispatchable workflows of the working tree', () => {
  after(() => TestRepo.cleanup());

  it('offers the workflows with a workflow_dispatch trigger (any form), by file, and reports the ones that do not parse', async () => {
    const r = TestRepo.create();
    r.write('.github/workflows/deploy.yml', 'name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n      version:\n        required: true\njobs: {}\n');
    r.write('.github/workflows/list.yaml', 'on: [push, workflow_dispatch]\njobs: {}\n');
    r.write('.github/workflows/ci.yml', 'name: CI\non: push\njobs: {}\n');
    r.write('.github/workflows/broken.yml', 'on:\n  workflow_dispatch:\n    inputs:\n      x:\n        type: colour\n');
    r.write('.github/workflows/bad-yaml.yml', 'on: [\n');
    r.write('.github/workflows/notes.txt', 'on: workflow_dispatch\n');
    const { workflows, problems } = await dispatchableWorkflows(r.dir);
    assert.deepEqual(workflows.map((w) => [w.file, w.name, w.dispatch.inputs.map((i) => i.name)]), [
      ['deploy.yml', 'Deploy', ['version']],
      ['list.yaml', 'list.yaml', []],
    ]);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /^\.github\/workflows\/bad-yaml\.yml: /);
    assert.match(problems[1]!, /^\.github\/workflows\/broken\.yml: .*invalid workflow_dispatch inputs/);
  });

  it('has nothing to offer without a workflows folder', async () => {
    const r = TestRepo.create();
    assert.deepEqual(await dispatchableWorkflows(r.dir), { workflows: [], problems: [] });
  });
});
