// Deploying through a workflow_dispatch workflow of the repository when there is no deploy config (issue 6):
// Release: Deploy… offers the Deployments API and the workflows of .github/workflows found by their trigger,
// then asks each input the workflow declares with the control its type deserves — pick lists for choices and
// environments, Yes / No for booleans, input boxes validated as you type for text and numbers (the version
// prefilled) — and sends exactly those values; Escape in the middle sends nothing.
// GitHub is the local fake server (test/helpers/fakeGitHub/server.ts) holding a bare clone of the demo as acme/demo.
// Sets up all it needs in its own fresh demo repository (whose config has no deploy section) and signs in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_REPO, githubCopy } from '../helpers/deployFixtures.ts';
import { startFakeGitHub } from '../helpers/fakeGitHub/server.ts';
import { poll } from '../helpers/poll.ts';
import { signIn, signOut } from './githubAccount.mjs';
import { session } from './session.mjs';
import { quickInput, quickInputTitle, runFromPalette, visibleError, waitForNotification } from './workbench.mjs';

const { owner: OWNER, repo: REPO } = DEMO_REPO;
const TOKEN = 'ghp_RmE2eInputs0123456789ABCDEFGHIJKLMNOP';
const LOGIN = 'octocat';
const CONFIG_FILE = '.release-manager.json';
const WORKFLOW_FILE = 'ship.yml';
const WORKFLOW_NAME = 'Ship to an environment';

// One input of each type, in the order they are asked; the correlation input is filled by the extension.
const SHIP_YML = `name: ${WORKFLOW_NAME}
run-name: Ship \${{ inputs.version }} to \${{ inputs.target }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      target:
        description: The GitHub environment to ship to
        type: environment
        required: true
      region:
        description: Cloud region of the rollout
        type: choice
        options: [eu-west-1, us-east-1, ap-south-1]
        default: eu-west-1
        required: true
      dry_run:
        description: Only print what would change
        type: boolean
        default: true
      version:
        description: Version to ship
        type: string
        required: true
      note:
        description: Note for the deploy log
        type: string
        required: true
      replicas:
        description: Number of replicas
        type: number
        default: 2
      correlation_id:
        type: string
jobs:
  ship:
    name: Ship
    runs-on: ubuntu-latest
    steps:
      - name: Roll out
        run: ./ship.sh
`;
const ASKED = ['target', 'region', 'dry_run', 'version', 'note', 'replicas'];

describe('workflow inputs asked with the right control when deploying through a workflow_dispatch workflow', function () {
  this.timeout(180_000);
  /** @type {import('../helpers/fakeGitHub/server.ts').FakeGitHub} */
  let server;
  /** @type {import('../helpers/deployFixtures.ts').GitHubCopy} */
  let copy;
  let tag = '';
  let version = '';

  const git = (args, cwd = session.folder) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' } }).trim();
  const dispatches = () => server.state(OWNER, REPO).dispatches;

  before(async function () {
    // A new window on a fresh demo: slow on a busy machine.
    this.timeout(240_000);
    const folder = await session.openDemo('workflow-inputs');
    const { runDir } = session;
    assert.equal(JSON.parse(readFileSync(join(folder, CONFIG_FILE), 'utf8')).deploy, undefined, 'the fresh demo has no deploy config');

    // GitHub's copy of the demo, then the workflow committed in the demo and pushed with a new release tag.
    copy = githubCopy(folder, {});
    const remote = copy.remote;
    mkdirSync(join(folder, '.github/workflows'), { recursive: true });
    writeFileSync(join(folder, '.github/workflows', WORKFLOW_FILE), SHIP_YML);
    git(['add', '--', `.github/workflows/${WORKFLOW_FILE}`]);
    git(['commit', '-q', '-m', 'ci: ship workflow with dispatch inputs', '--', `.github/workflows/${WORKFLOW_FILE}`]);
    version = nextMinor(git(['tag', '--list', 'v*']).split('\n'));
    tag = `v${version}`;
    git(['tag', '-a', '-m', tag, tag]);
    git(['push', '-q', remote, 'HEAD:main', `refs/tags/${tag}`]);

    server = await startFakeGitHub({ token: TOKEN, login: LOGIN });
    server.addRepo(OWNER, REPO, { gitDir: remote });
    server.addEnvironment(OWNER, REPO, { name: 'staging' });
    server.addEnvironment(OWNER, REPO, { name: 'production' });
    server.scriptRuns(OWNER, REPO, WORKFLOW_FILE, [
      { after: 300, status: 'in_progress' },
      { after: 1500, status: 'completed', conclusion: 'success' },
    ]);
    // The sign-in brings the API URL of this server as a setting (machine scope, written by the extension host): it waits for it.
    await signIn(runDir, { token: TOKEN, login: LOGIN, apiUrl: server.url, settings: { 'releaseManager.deploy.pollIntervalSeconds': 1 } });
  });

  after(async () => {
    await signOut(session.runDir);
    await server?.close();
    copy?.dispose();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.screenshot(`e2e-failed-${this.currentTest.title}`);
      await session.page.keyboard.press('Escape');
    }
    server?.assertValid();
  });

  it('sends nothing when Escape is pressed in the middle of the input prompts', async () => {
    const { page } = session;
    const before = dispatches().length;
    await startDeployThroughWorkflow();
    await pickInList('target', /^staging\b/);
    await pickInList('region', /^us-east-1\b/);
    await waitForInput('dry_run');
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });
    // Nothing follows: no confirmation, no dispatch, no run (watched for a while, the dispatch would come within it).
    await holds('no dialog, no dispatch and no run after Escape', async () => !(await page.locator('.monaco-dialog-box').isVisible()) && dispatches().length === before && server.state(OWNER, REPO).runs.length === 0, 3_000);
  });

  it('asks each input with its control, refuses a shell metacharacter as you type, and dispatches exactly the values given', async () => {
    const { page } = session;
    const before = dispatches().length;
    await startDeployThroughWorkflow();

    // An environment input: a pick list of the repository's environments, this deploy's environment first.
    await pickInList('target', /^staging\b/, (options) => {
      assert.deepEqual(options, ['staging · suggested', 'production'], 'the GitHub environments, staging (the deploy\'s) first');
    });

    // A choice input: a pick list of exactly its options (the default first).
    await waitForInput('region');
    await session.screenshot('e2e-workflow-input-choice');
    await pickInList('region', /^us-east-1\b/, (options) => {
      // Required but with a default: leaving it empty lets the workflow use its default.
      assert.deepEqual(options, ['eu-west-1 · default', 'us-east-1', 'ap-south-1', 'Leave empty · the workflow decides (its default)'], 'the choice\'s options, its default first');
    });

    // A boolean: Yes / No, not a text box.
    await pickInList('dry_run', /^No\b/, (options) => {
      assert.deepEqual(options, ['Yes · default', 'No'], 'Yes / No, the default (true) first');
    });

    // The version: an input box prefilled with the release's version.
    const box = quickInput(page).locator('.quick-input-box input');
    await waitForInput('version');
    assert.equal(await quickInput(page).getByRole('option').count(), 0, 'an input box, not a list');
    await poll('the version prefilled', async () => (await box.inputValue()) === version, { timeoutMs: 10_000 });
    await page.keyboard.press('Enter');

    // Free text: a shell metacharacter is refused as you type, Enter does not accept it, a corrected value is taken.
    await waitForInput('note');
    await box.fill('ship $(id) now');
    const message = quickInput(page).locator('.quick-input-message');
    await poll('the validation message about the shell metacharacter', async () => /"\$", a shell metacharacter/.test((await message.textContent()) ?? ''), { timeoutMs: 10_000 });
    await session.screenshot('e2e-workflow-input-invalid');
    await page.keyboard.press('Enter');
    await holds('the invalid note is not accepted', async () => /note \(5 of 6\)/.test((await quickInputTitle(page)) ?? ''), 1_000);
    const note = 'ship week 48 build';
    await box.fill(note);
    await poll('the validation message gone', async () => !/shell metacharacter/.test((await message.textContent().catch(() => '')) ?? ''), { timeoutMs: 10_000 });
    await page.keyboard.press('Enter');

    // A number: prefilled with its default, refused when not a number.
    await waitForInput('replicas');
    await poll('the number prefilled with its default', async () => (await box.inputValue()) === '2', { timeoutMs: 10_000 });
    await box.fill('three');
    await poll('the validation message about the number', async () => /must be a number/.test((await message.textContent()) ?? ''), { timeoutMs: 10_000 });
    await box.fill('3');
    await poll('the number accepted', async () => !/must be a number/.test((await message.textContent().catch(() => '')) ?? ''), { timeoutMs: 10_000 });
    await page.keyboard.press('Enter');

    // The confirmation names the inputs; then the dispatch and the run.
    await confirmDeploy();
    const sent = await poll('one dispatch', async () => (dispatches().length > before ? dispatches() : null), { timeoutMs: 30_000 });
    assert.equal(sent.length, before + 1, 'exactly one dispatch');
    const d = sent.at(-1);
    assert.equal(d.workflowPath, `.github/workflows/${WORKFLOW_FILE}`);
    assert.equal(d.ref, tag, 'dispatched at the release tag');
    const { correlation_id: correlation, ...given } = d.inputs;
    assert.deepEqual(given, { target: 'staging', region: 'us-east-1', dry_run: 'false', version, note, replicas: '3' }, 'the values given, every one as text');
    assert.match(String(correlation), /\S/, 'the correlation input is filled by the extension');
    await waitForNotification(session.page, new RegExp(`Deploy of ${escape(version)} to staging .*${escape(version)} deployed to staging\\.`), 60_000);
    assert.equal(server.getRun(OWNER, REPO, d.runId).conclusion, 'success', 'the run finished');
    assert.equal(dispatches().length, before + 1, 'and nothing else was sent');
  });

  /** Release: Deploy… from the palette with no deploy config: staging, then the workflow, then the release if asked. */
  async function startDeployThroughWorkflow() {
    const { page } = session;
    // The config reloads after the deploy section went: the environment pick then offers "Another environment…"
    // beside GitHub's environments (read again once the sign-in and its API URL setting have arrived).
    let options = [];
    await poll('the environment pick of a repository without deploy config: GitHub\'s environments and "Another environment…"', async () => {
      await openDeploy();
      options = await quickInput(page).getByRole('option').allInnerTexts();
      // innerText runs the label into its description ("stagingnever deployed"): match the start only.
      if (options.some((o) => /Another environment/.test(o)) && options.some((o) => /^staging/.test(o))) return true;
      await page.keyboard.press('Escape');
      await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 });
      return false;
    }, { timeoutMs: 90_000 }).catch((e) => {
      throw new Error(`${e.message}; options: ${options.join(' / ')}`);
    });
    await quickInput(page).getByRole('option', { name: /^staging\b/ }).click();

    await poll('the provider pick', async () => /deploy to staging how\?/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 30_000 });
    const providers = await quickInput(page).getByRole('option').allInnerTexts();
    assert.ok(providers.some((o) => /GitHub Deployments API/.test(o)), `the Deployments API is offered: ${providers.join(' / ')}`);
    const workflow = quickInput(page).getByRole('option').filter({ hasText: WORKFLOW_NAME });
    assert.equal(await workflow.count(), 1, `the workflow by its name: ${providers.join(' / ')}`);
    const text = (await workflow.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`\\.github/workflows/${escape(WORKFLOW_FILE)}`), 'with its file');
    assert.match(text, new RegExp(`inputs: ${ASKED.join(', ')}, correlation_id`), 'and its inputs');
    // The hover of the row under the mouse (left there by the previous pick) may cover the option: move away first.
    await page.mouse.move(1100, 850);
    await workflow.click();

    // The release: the tag at HEAD needs no pick; otherwise it is picked.
    await poll('the release pick or the first input', async () => {
      const error = await visibleError(page);
      if (error) throw new Error(`Deploy… failed; ${error}`);
      const title = (await quickInputTitle(page)) ?? '';
      if (/HEAD has .*deploy which/.test(title)) {
        await quickInput(page).getByRole('option', { name: new RegExp(`^${escape(tag)}$`) }).click();
        return false;
      }
      return inputTitle('target', 1).test(title);
    }, { timeoutMs: 30_000 });
  }

  /** Waits for the prompt of input `name`. */
  async function waitForInput(name) {
    const { page } = session;
    const pattern = inputTitle(name, ASKED.indexOf(name) + 1);
    await poll(`the prompt of input ${name}`, async () => {
      const error = await visibleError(page);
      if (error) throw new Error(`Deploy… failed; ${error}`);
      return pattern.test((await quickInputTitle(page)) ?? '');
    }, { timeoutMs: 30_000 }).catch(async (e) => {
      throw new Error(`${e.message}; title: ${await quickInputTitle(page)}`);
    });
  }

  function inputTitle(name, index) {
    return new RegExp(`^Deploy ${escape(version)} to staging — \\.github/workflows/${escape(WORKFLOW_FILE)}: ${name} \\(${index} of ${ASKED.length}\\)`);
  }

  /** Waits for the pick list of input `name`, checks its options with `check`, picks the one matching `pattern`; returns the options. */
  async function pickInList(name, pattern, check = () => {}) {
    const { page } = session;
    await waitForInput(name);
    const options = await pickOptions();
    check(options);
    await quickInput(page).getByRole('option', { name: pattern }).first().click();
    return options;
  }

  /** The rows of the visible quick pick as "label · description" (the description only when there is one). */
  async function pickOptions() {
    return quickInput(session.page)
      .getByRole('option')
      .evaluateAll((rows) =>
        rows.map((r) => {
          const label = (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim();
          const description = (r.querySelector('.label-description')?.textContent ?? '').trim();
          return description ? `${label} · ${description}` : label;
        }),
      );
  }

  /** Confirms the modal naming the version and the environment (Deploy… from the palette asks). */
  async function confirmDeploy() {
    const { page } = session;
    const dialog = page.locator('.monaco-dialog-box');
    await poll('the confirmation', async () => {
      const error = await visibleError(page);
      if (error && !(await dialog.isVisible())) throw new Error(`Deploy… failed; ${error}`);
      return dialog.isVisible();
    }, { timeoutMs: 30_000 });
    const detail = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(detail, new RegExp(`Deploy ${escape(version)} to staging\\?`));
    assert.match(detail, /region=us-east-1/, `the confirmation lists the inputs: ${detail}`);
    await dialog.getByRole('button', { name: `Deploy ${version} to staging`, exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  }
});

// ---------------------------------------------------------------------------------------------------------

/** The next minor version after the highest vX.Y.Z tag (a new release of the demo). */
function nextMinor(tags) {
  const versions = tags.map((t) => /^v(\d+)\.(\d+)\.(\d+)$/.exec(t.trim())).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]);
  const [major, minor] = versions.sort((a, b) => b[0] - a[0] || b[1] - a[1])[0] ?? [0, 0];
  return `${major}.${minor + 1}.0`;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Checks that `probe` stays truthy for `ms` (every 250 ms); throws `what` as soon as it is not. */
async function holds(what, probe, ms) {
  const until = Date.now() + ms;
  do {
    if (!(await probe())) throw new Error(`no longer true: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  } while (Date.now() < until);
}

/** Gives the keyboard back to the workbench, then runs Release: Deploy… from the palette up to the environment pick. */
async function openDeploy() {
  const { page } = session;
  await runFromPalette(page, 'Release: Deploy…');
  await poll('the environment quick pick', async () => /deploy to which environment/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 40_000 });
}

