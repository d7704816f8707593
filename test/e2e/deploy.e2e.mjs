// Deploying from the workbench (issue 6), as a user does it: Release: Deploy… from the command palette, the
// environment and the release from quick picks, the confirmation modal, the Environments rows of the Release
// tree while it runs, the inline Approve action of a pending review with its comment in an input box.
// GitHub is the local fake server (test/helpers/fakeGitHub/server.ts, loaded through tsx) holding a bare clone of
// the demo repository as acme/demo; this spec plays the CD system (it advances deployment statuses, runs are
// scripted) and serves the staging health endpoint, whose error rate follows what the CD made live.
// Sets up all it needs in its own fresh demo repository: release tags, a deploy section in its config, a sign-in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { DEMO_REPO, DEPLOY_YML, serveGitHubCopy } from '../helpers/deployFixtures.ts';
import { poll } from '../helpers/poll.ts';
import { signIn, signOut } from './githubAccount.mjs';
import { session } from './session.mjs';
import {
  activityTab, quickInput, quickInputTitle, runFromPalette, treeRowTexts, viewContainer, visibleError, waitForNotification,
} from './workbench.mjs';

const { owner: OWNER, repo: REPO } = DEMO_REPO;
const TOKEN = 'ghp_RmE2eDeploy0123456789ABCDEFGHIJKLMNOP';
const LOGIN = 'octocat';
const CONFIG_FILE = '.release-manager.json';

describe('deploying from the workbench (canary, aborts and automatic rollback, production review)', function () {
  this.timeout(180_000);
  /** @type {import('../helpers/fakeGitHub/server.ts').FakeGitHub} */
  let server;
  /** @type {import('../helpers/deployFixtures.ts').ServedCopy} */
  let github;
  let health;
  let cdTimer;
  const sha = {};
  /** What the CD system made live in staging (its last successful deployment), and what it holds back. */
  const cd = { seen: new Set(), live: { sha: '', weight: 0 }, hold: () => false, held: [] };
  /** Health samples the extension took, with the error rate each one got. */
  const probes = [];

  const git = (args, cwd = session.folder) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' } }).trim();
  const staging = () => server.state(OWNER, REPO).deployments.filter((d) => d.environment === 'staging').sort((a, b) => a.id - b.id);
  const weightOf = (d) => {
    const payload = typeof d.payload === 'string' ? JSON.parse(d.payload || '{}') : d.payload;
    return payload && payload.weight !== undefined ? Number(payload.weight) : 100;
  };
  const succeeded = (d) => d.statuses.some((st) => st.state === 'success');
  const finish = (d) => {
    server.addDeploymentStatus(OWNER, REPO, d.id, { state: 'success', description: `live at ${weightOf(d)}%`, auto_inactive: true });
    cd.live = { sha: d.sha, weight: weightOf(d) };
  };

  before(async function () {
    // A new window on a fresh demo: slow on a busy machine.
    this.timeout(240_000);
    const folder = await session.openDemo('deploy');
    const { runDir } = session;
    sha.v011 = git(['rev-parse', 'v0.1.1^{commit}']);
    sha.v020 = git(['rev-parse', 'v0.2.0^{commit}']);
    // Two patch releases before HEAD (HEAD keeps no version tag, so Deploy… asks which release to deploy).
    git(['tag', '-a', '-m', 'v0.2.1', 'v0.2.1', 'HEAD~2']);
    git(['tag', '-a', '-m', 'v0.2.2', 'v0.2.2', 'HEAD~1']);
    sha.v021 = git(['rev-parse', 'v0.2.1^{commit}']);
    sha.v022 = git(['rev-parse', 'v0.2.2^{commit}']);

    // GitHub's copy: a bare clone whose main also has the deploy workflow (production runs it at main).
    github = await serveGitHubCopy(folder, { token: TOKEN, login: LOGIN, files: { '.github/workflows/deploy.yml': DEPLOY_YML } });
    server = github.server;
    server.addEnvironment(OWNER, REPO, { name: 'staging' });
    server.addEnvironment(OWNER, REPO, { name: 'production', reviewers: [{ type: 'User', login: LOGIN }] });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    for (const environment of ['staging', 'production']) {
      const d = server.addDeployment(OWNER, REPO, { ref: 'v0.1.1', environment, created_at: hourAgo, statuses: [{ state: 'success', created_at: hourAgo }] });
      cd.seen.add(d.id);
    }
    cd.live = { sha: sha.v011, weight: 100 };
    // Production deploy runs go on by themselves once a reviewer let them (the job waits for its environment).
    server.scriptRuns(OWNER, REPO, 'deploy.yml', [
      { after: 300, status: 'in_progress' },
      { after: 1500, status: 'completed', conclusion: 'success' },
    ]);
    // The CD system of staging: takes each new deployment, reports it in progress, then live (unless held).
    cdTimer = setInterval(() => {
      for (const d of staging()) {
        if (cd.seen.has(d.id)) continue;
        cd.seen.add(d.id);
        server.addDeploymentStatus(OWNER, REPO, d.id, { state: 'in_progress', description: `rolling out to ${weightOf(d)}%` });
        if (cd.hold(d)) cd.held.push(d);
        else finish(d);
      }
    }, 100);

    // Staging's health endpoint: 0.2.1 breaks once it takes all the traffic, 0.2.2 as soon as it takes any.
    const breaksAt = { [sha.v021]: 100, [sha.v022]: 1 };
    health = createServer((req, res) => {
      const errorRate = breaksAt[cd.live.sha] !== undefined && cd.live.weight >= breaksAt[cd.live.sha] ? 0.37 : 0.01;
      probes.push({ at: Date.now(), live: { ...cd.live }, errorRate });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: { errorRate }, version: cd.live.sha.slice(0, 7), weight: cd.live.weight }));
    });
    await new Promise((resolve) => health.listen(0, '127.0.0.1', resolve));
    const healthUrl = `http://127.0.0.1:${health.address().port}/health`;

    // The deploy section of the demo's config (the other keys stay as they are).
    const config = JSON.parse(readFileSync(join(folder, CONFIG_FILE), 'utf8'));
    config.deploy = {
      environments: [
        {
          name: 'staging',
          provider: { kind: 'deployments', requiredContexts: [] },
          strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 1000 }, { weight: 100, pauseMs: 0 }] },
          healthChecks: [{ id: 'error-rate', kind: 'http', url: healthUrl, jsonPath: 'status.errorRate', max: 0.05, windowMs: 2000, intervalMs: 1000 }],
          // The demo's gates are about releasing (and its tree is dirty with this config): none before staging.
          protection: { autoRollback: true, gates: [] },
        },
        {
          name: 'production',
          production: true,
          provider: { kind: 'workflow', workflow: 'deploy.yml', ref: 'main', inputs: { environment: '{environment}', version: '{version}' } },
          // Production: staging must run the same commit, healthy (the promotion rule), and be on a release branch.
          protection: { gates: ['release-branch'] },
        },
      ],
    };
    writeFileSync(join(folder, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
    // Running steps are looked at every second (default 10 s) to keep the test short.
    await signIn(runDir, { token: TOKEN, login: LOGIN, apiUrl: server.url, settings: { 'releaseManager.deploy.pollIntervalSeconds': 1 } });

    await closeAllEditors();
    await focusWorkbench();
    await openEnvironments();
    await widenSideBar(760);
  });

  after(async () => {
    clearInterval(cdTimer);
    await signOut(session.runDir);
    await new Promise((resolve) => (health ? health.close(resolve) : resolve()));
    await github?.dispose();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.screenshot(`e2e-failed-${this.currentTest.title}`);
      await session.page.keyboard.press('Escape');
      // Let a held rollout finish so that the next test does not find it running.
      cd.hold = () => false;
      for (const d of cd.held.splice(0)) finish(d);
    }
    server.assertValid();
  });

  it('deploys a canary of 0.2.0 to staging, showing the running step in the tree, to the end', async () => {
    const before = staging().length;
    // Hold the first step of the rollout until the tree has been seen (and photographed) mid-rollout.
    cd.hold = (d) => d.sha === sha.v020 && weightOf(d) === 25;
    await deployFromPalette('staging', 'v0.2.0', 'Deploy 0.2.0 to staging');
    const mid = await waitForRow('the staging row running the first canary step', /^staging.*deploying 0\.2\.0 · Canary step 1: 25% of traffic · running/);
    await session.page.locator('.statusbar-item').filter({ hasText: /staging 0\.2\.0: step 1 of 5, Canary step 1: 25% of traffic/ }).first().waitFor({ timeout: 10_000 });
    await waitForNotification(session.page, /Deploying 0\.2\.0 to staging/, 10_000);
    await session.screenshot('e2e-deploy-canary-mid');
    assert.equal(cd.held.length, 1, `one deployment held at 25%: ${mid}`);
    cd.hold = () => false;
    finish(cd.held.shift());

    await waitForNotification(session.page, /Deploy of 0\.2\.0 to staging \(canary\): 0\.2\.0 deployed to staging\./, 90_000);
    await waitForRow('the staging row showing 0.2.0 live', /^staging.*0\.2\.0 · success/);
    const created = staging().slice(before);
    assert.deepEqual(created.map((d) => [d.sha, weightOf(d), succeeded(d)]), [[sha.v020, 25, true], [sha.v020, 100, true]], 'two canary deployments of 0.2.0: 25%, then 100%');
    assert.ok(probes.some((p) => p.live.sha === sha.v020 && p.live.weight === 25), 'the canary was analysed at 25%');
    assert.ok(probes.some((p) => p.live.sha === sha.v020 && p.live.weight === 100), 'and verified at 100%');
  });

  it('aborts a canary of 0.2.1 whose health check fails at full traffic and rolls staging back to 0.2.0 by itself', async () => {
    const before = staging().length;
    // Hold the rollback deployment (0.2.0 again) until the tree has been seen rolling back.
    cd.hold = (d) => d.sha === sha.v020;
    await deployFromPalette('staging', 'v0.2.1', 'Deploy 0.2.1 to staging');
    await waitForRow('the automatic rollback running in the tree', /^staging.*deploying 0\.2\.1 · Roll back to 0\.2\.0 · running/, 90_000);
    await session.screenshot('e2e-deploy-auto-rollback');
    assert.equal(cd.held.length, 1, 'the rollback deployment is held');
    cd.hold = () => false;
    finish(cd.held.shift());
    const toast = await waitForNotification(session.page, /Deploy of 0\.2\.1 to staging \(canary\): aborted \(health check failed: .*\) and rolled back to 0\.2\.0 in .+ \(target 5 min(, exceeded)?\)\./, 90_000);
    assert.match(toast, /error-rate/, `the failing check is named: ${toast}`);
    await waitForRow('the staging row showing 0.2.0 live again', /^staging.*0\.2\.0 · success/);
    const created = staging().slice(before);
    assert.deepEqual(
      created.map((d) => [d.sha, weightOf(d), succeeded(d)]),
      [[sha.v021, 25, true], [sha.v021, 100, true], [sha.v020, 100, true]],
      'the canary of 0.2.1 (25%, 100%), then a rollback deployment of 0.2.0',
    );
    // 0.2.1 failed: its deployments are marked so on GitHub (never a rollback target or a promotion source); 0.2.0's is not.
    assert.deepEqual(created.map((d) => d.statuses.some((st) => st.state === 'failure')), [true, true, false]);
    assert.equal(cd.live.sha, sha.v020, 'staging runs 0.2.0 again');
    assert.ok(probes.some((p) => p.live.sha === sha.v021 && p.errorRate > 0.05), 'the health check saw 0.2.1 fail');
  });

  it('aborts a canary of 0.2.2 whose health check fails in its first step: traffic back on the stable version, nothing promoted', async () => {
    const before = staging().length;
    await deployFromPalette('staging', 'v0.2.2', 'Deploy 0.2.2 to staging');
    const text = await waitForNotification(session.page, /Deploy of 0\.2\.2 to staging \(canary\): aborted: health check failed: .*; traffic is back on the previous version\./, 90_000);
    assert.match(text, /error-rate/, `the failing check is named: ${text}`);
    await waitForRow('the staging row telling the canary was aborted', /^staging.*Last operation: Deploy of 0\.2\.2 to staging \(canary\): aborted: health check failed/s);
    const created = staging().slice(before);
    assert.deepEqual(
      created.map((d) => [d.sha, weightOf(d), succeeded(d)]),
      [[sha.v022, 25, true], [sha.v022, 0, true]],
      'the first canary step (25%), then all traffic back to the stable version (0%); never promoted to 100%',
    );
    assert.ok(probes.some((p) => p.live.sha === sha.v022 && p.live.weight === 25 && p.errorRate > 0.05), 'the health check saw the canary fail at 25%');
  });

  it('deploys 0.2.0 to production after a reviewer approves the pending review from the tree with a comment', async () => {
    const { page } = session;
    const comment = 'Staging is healthy on 0.2.0; approved from the e2e test';
    await deployFromPalette('production', 'v0.2.0', 'Deploy 0.2.0 to production');
    const review = await waitForRow('the pending review of production', /^Pending review: production/, 60_000);
    assert.match(review, /production \(octocat\)/, 'the row names the reviewer');
    const run = server.state(OWNER, REPO).runs.at(-1);
    assert.equal(run.status, 'waiting', `the run waits for its reviewer: ${review}`);
    assert.equal(run.inputs?.version, '0.2.0');
    await session.screenshot('e2e-deploy-pending-review');

    const row = treeRow(/^Pending review: production/);
    await row.hover();
    await row.getByRole('button', { name: /^Approve Pending Deploy Review/ }).click();
    await poll('the comment input box', async () => /Approve the deploy to production/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 15_000 });
    await page.keyboard.type(comment);
    await page.keyboard.press('Enter');
    await waitForNotification(session.page, /Approved the deploy to production\./, 20_000);
    assert.deepEqual(run.approvals.map((a) => [a.state, a.user, a.comment]), [['approved', LOGIN, comment]], 'the review reached GitHub with its comment');

    await waitForNotification(session.page, /Deploy of 0\.2\.0 to production \(direct\): 0\.2\.0 deployed to production\./, 60_000);
    assert.equal(server.getRun(OWNER, REPO, run.id).conclusion, 'success');
    // The run's deployment (GitHub Actions creates it for the job's environment) names the ref the workflow ran at.
    const actions = server.state(OWNER, REPO).deployments.filter((d) => d.environment === 'production' && d.viaActions);
    assert.deepEqual(actions.map((d) => [d.ref, succeeded(d)]), [['main', true]], 'the deploy job ran in the production environment');
    await waitForRow('the production row showing the deploy finished', /^production.*main · success.*Last operation: Deploy of 0\.2\.0 to production \(direct\): 0\.2\.0 deployed to production/s);
    assert.equal(await treeRow(/^Pending review:/).count(), 0, 'the pending review is gone from the tree');
    await session.screenshot('e2e-deploy-production-done');
  });
});

// ---------------------------------------------------------------------------------------------------------
// What a user does, in Playwright terms.

function pane() {
  return viewContainer(session.page, 'releaseManager');
}

/** The tree rows (label and description) matching `pattern`. */
function treeRow(pattern) {
  return pane().getByRole('treeitem').filter({ hasText: pattern });
}

/** Gives the keyboard back to the workbench (a webview or a preview may hold it). */
async function focusWorkbench() {
  const { page } = session;
  await page.keyboard.press('Escape');
  await page.locator('#workbench\\.parts\\.sidebar .composite.title').click();
}

/** Closes any editor left open, without saving. */
async function closeAllEditors() {
  const { page } = session;
  const tabs = page.locator('.tabs-container [role="tab"]');
  if ((await tabs.count()) === 0) return;
  await focusWorkbench();
  await runFromPalette(page, 'View: Close All Editors');
  await poll('every editor closed', async () => {
    const dontSave = page.locator('.monaco-dialog-box').getByRole('button', { name: /^Don't Save$/ });
    if (await dontSave.isVisible()) await dontSave.click();
    return (await tabs.count()) === 0;
  }, { timeoutMs: 15_000 });
}

/** Opens the Release container and expands Environments, whose rows must list the ladder (staging, then production). */
async function openEnvironments() {
  const { page } = session;
  if (!(await pane().isVisible())) await activityTab(page, 'Release').click();
  await pane().waitFor({ timeout: 20_000 });
  const node = treeRow(/^Environments$/).first();
  await node.waitFor({ timeout: 30_000 });
  // The config's ladder order (GitHub would list them alphabetically), with the last deployments read from GitHub.
  await poll('staging and production with their last deployment, in the order of the deploy config', async () => {
    // The tree re-renders when the config and the tags change: expand Environments again until it stays open.
    if ((await node.getAttribute('aria-expanded')) === 'false') await node.click();
    const texts = (await treeRowTexts(pane())).filter((t) => /^(staging|production)/.test(t));
    return texts.length === 2 && /^staging.*0\.1\.1 · success/.test(texts[0]) && /^production.*0\.1\.1 · success/.test(texts[1]);
  }, { timeoutMs: 60_000 }).catch(async (e) => {
    throw new Error(`${e.message}; rows: ${(await treeRowTexts(pane())).join(' / ')}`);
  });
}

/** Drags the side bar's edge to `width` px, so that the screenshots show the rows' descriptions in full. */
async function widenSideBar(width) {
  const { page } = session;
  const box = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/** Release: Deploy… from the palette: picks the environment and the release, confirms in the modal. */
async function deployFromPalette(environment, tag, confirmLabel) {
  const { page } = session;
  await focusWorkbench();
  await runFromPalette(page, 'Release: Deploy…');
  await poll('the environment quick pick', async () => /deploy to which environment/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 20_000 });
  const options = await quickInput(page).getByRole('option').allInnerTexts();
  assert.ok(!options.some((o) => /Another environment/.test(o)), `the config's environments only: ${options.join(' / ')}`);
  await quickInput(page).getByRole('option', { name: new RegExp(`^${environment}\\b`) }).click();
  await poll('the release quick pick', async () => /deploy which release/.test((await quickInputTitle(page)) ?? ''), { timeoutMs: 20_000 });
  // The item is the tag with its description (date, where it runs): match the tag and nothing longer (not v0.2.0-rc.0).
  await quickInput(page).getByRole('option', { name: new RegExp(`^${tag.replace(/\./g, '\\.')}(?![\\w.-])`) }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await poll(`the confirmation "${confirmLabel}"`, async () => {
    const error = await visibleError(page);
    if (error && !(await dialog.isVisible())) throw new Error(`Deploy… failed; ${error}`);
    return dialog.isVisible();
  }, { timeoutMs: 30_000 });
  assert.match(await dialog.innerText(), new RegExp(`${confirmLabel.replace(/\./g, '\\.')}\\?`));
  await dialog.getByRole('button', { name: confirmLabel, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Waits for a tree row matching `pattern` (the tree follows the deploy); returns its text. */
async function waitForRow(what, pattern, timeout = 60_000) {
  return poll(what, async () => (await treeRowTexts(pane())).find((t) => pattern.test(t)) ?? null, { timeoutMs: timeout }).catch(async (e) => {
    throw new Error(`${e.message}; rows: ${(await treeRowTexts(pane())).filter((t) => /staging|production|review/i.test(t)).join(' / ')}`);
  });
}

