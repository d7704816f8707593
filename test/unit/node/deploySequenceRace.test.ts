import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { deployJournalKey } from '../../../src/core/deploy/journal';
import type { HealthProbe } from '../../../src/core/deploy/ports';
import type { Confirmation } from '../../../src/core/deploy/rollback';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { CommandDeployer } from '../../../src/node/commandDeployer';
import { FileDeployJournalStore } from '../../../src/node/deployJournal';
import { tryLease } from '../../../src/node/driverLease';
import { decisionLogTarget, releaseAt, sleep, type DriveOutcome, type FlowTarget } from '../../../src/node/deployFlow';
import { deploySequence, rollbackSequence, type DeployFront, type SequenceEnd } from '../../../src/node/deploySequence';
import type { Prompter } from '../../../src/node/prompter';
import { newSession } from '../../../src/node/session';
import { TestRepo } from '../../helpers/testRepo';

// The editor's way through the shared sequences (src/node/deploySequence.ts): one window = one
// session for every command, answers given in modals (confirm, "Stop It and Go Ahead"), each command
// with its own command deployer. Here, in one process, a Roll Back… started while a Deploy… of the
// same window is in step 1 of a canary: real git repository, real journal files, real processes.

const TOOL = `
const fs = require('node:fs');
const path = require('node:path');
const log = (m) => fs.appendFileSync(path.join(__dirname, 'calls.log'), m + '\\n');
const what = process.argv.slice(2).join(' ');
log('start ' + what);
const until = Date.now() + 60000;
while (fs.existsSync(path.join(__dirname, 'hold')) && !fs.existsSync(path.join(__dirname, 'go')) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
log('end ' + what);
`;

const noProbe: HealthProbe = { sample: async () => { throw new Error('no health checks here'); } };

/** Answers every confirmation like a person clicking the modal's confirm button; records what was asked. */
function modalPrompter(asked: string[]): Prompter {
  return {
    pick: async () => undefined,
    ask: async () => undefined,
    confirm: async (c: Confirmation) => (asked.push(c.title), true),
    progress: (_title, work) => work({ report: () => undefined }),
    info: () => undefined,
  };
}

describe('the shared deploy and rollback sequences, as the editor runs them: a rollback over a running deploy of the same window', function () {
  this.timeout(60_000);
  let test: TestRepo;
  let repo: LocalGitRepo;
  let config: ReleaseConfig;
  const session = newSession('editor');
  const calls = (): string[] => {
    const f = join(test.dir, 'tools', 'calls.log');
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
  };

  before(async () => {
    test = TestRepo.create('rm-seq-race-');
    test.write('tools/deploy.js', TOOL);
    const argv = [process.execPath, 'tools/deploy.js', '{environment}', '{version}', '{operation}', '{weight}'];
    const text = JSON.stringify({ gates: [], deploy: { environments: [{ name: 'staging', provider: { kind: 'command', argv }, strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 500 }] } }] } });
    test.write('.release-manager.json', text);
    test.write('.gitignore', 'RELEASE-DECISIONS.md\ntools/calls.log\ntools/hold\ntools/go\n');
    test.git('add', '-A');
    test.git('commit', '-q', '-m', 'ci: deploy tool');
    test.tag('v0.9.0');
    test.commit('fix: one');
    test.tag('v1.0.0');
    test.commit('fix: two');
    test.tag('v1.0.1');
    repo = await LocalGitRepo.open(test.dir);
    config = parseConfig(text);
  });

  after(() => TestRepo.cleanup());

  /** A command's target, as the editor builds one per command (targetFor): its own deployer, the window's session. */
  function target(): FlowTarget & { deployer: CommandDeployer } {
    const env = config.deploy!.environments[0]!;
    const deployer = new CommandDeployer({ repo, host: { host: 'editor', trusted: true }, observeWaitMs: 200 });
    return { slug: 'local/app', env, deployer, store: new FileDeployJournalStore(repo.gitCommonDir), key: deployJournalKey('local/app', env.name), session };
  }

  /** The editor's part: modal answers ("Stop It and Go Ahead" included), the drive with its hooks, the outcome as the end. */
  function front(asked: string[], waits: string[], leaseWaitMs?: number): DeployFront<DriveOutcome> {
    return {
      prompter: modalPrompter(asked),
      drive: (_title, go) =>
        go({
          now: () => new Date(),
          sleep,
          probe: noProbe,
          pollMs: 200,
          decisionLog: decisionLogTarget(repo, config),
          supersede: async (question) => (asked.push(question), true),
          onWait: (m) => waits.push(m),
          ...(leaseWaitMs !== undefined ? { leaseWaitMs } : {}),
        }),
      conclude: async (o) => o,
    };
  }

  async function deploy(ref: string, asked: string[] = [], waits: string[] = [], leaseWaitMs?: number): Promise<SequenceEnd<DriveOutcome>> {
    const t = target();
    const release = await releaseAt(repo, t.deployer, ref);
    return deploySequence({ target: t, release, hotfix: false, offerHotfix: true, confirmAlways: true, now: () => new Date(), promotion: () => ({ repo, config, probe: noProbe, commandsAllowed: true, now: () => new Date() }) }, front(asked, waits, leaseWaitMs));
  }

  it('waits for the deploy\'s step in flight, then rolls back; the deploy sends nothing more, and the journal, decision log and history agree', async () => {
    for (const ref of ['v0.9.0', 'v1.0.0']) {
      const end = await deploy(ref);
      assert.ok(end.kind === 'driven' && end.result.kind === 'done' && end.result.ok, JSON.stringify(end));
    }
    rmSync(join(test.dir, 'tools', 'calls.log'), { force: true });
    writeFileSync(join(test.dir, 'tools', 'hold'), '');
    const running = deploy('v1.0.1');
    const deadline = Date.now() + 20_000;
    while (calls().length === 0 && Date.now() < deadline) await sleep(20);
    assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25']);

    const asked: string[] = [];
    const waits: string[] = [];
    const rollback = rollbackSequence({ target: target() }, front(asked, waits));
    let rolledBack = false;
    void rollback.then(() => (rolledBack = true));
    while (waits.length === 0 && calls().length === 1 && !rolledBack && Date.now() < deadline) await sleep(20);
    assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25'], 'the rollback starts nothing while step 1 is in flight');
    assert.equal(waits.length, 1, 'it says what it waits for');
    assert.match(waits[0]!, /^Waiting for an editor window \(pid \d+ on .+\), driving operation op-[0-9a-f]+ to end the step in flight of the deploy of 1\.0\.1 before going on/);
    assert.match(asked.join('\n'), /A deploy of 1\.0\.1 is running on staging .*Roll back anyway\? The running deploy is stopped first: it sends no further step, and the rollback starts once its step in flight has ended\./);
    writeFileSync(join(test.dir, 'tools', 'go'), '');

    const [d, r] = await Promise.all([running, rollback]);
    assert.ok(d.kind === 'driven' && d.result.kind === 'done', JSON.stringify(d));
    assert.ok(r.kind === 'driven' && r.result.kind === 'done', JSON.stringify(r));
    const deployed = d.kind === 'driven' && d.result.kind === 'done' ? d.result : null;
    const rolled = r.kind === 'driven' && r.result.kind === 'done' ? r.result : null;
    assert.equal(deployed?.journal.state, 'superseded');
    assert.equal(deployed?.journal.outcome, `superseded by rollback ${rolled?.journal.id}`);
    assert.deepEqual(deployed?.journal.steps.map((s) => s.state.status), ['done', 'skipped', 'skipped'], 'step 1 recorded as it ended; nothing after it sent');
    assert.equal(rolled?.journal.state, 'rolled-back');
    assert.ok(rolled?.ok);
    assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25', 'end staging 1.0.1 deploy 25', 'start staging 1.0.0 rollback 100', 'end staging 1.0.0 rollback 100']);

    // The stored journal, the decision log and the local history agree: rolled back to 1.0.0.
    const stored = await target().store.read(target().key);
    assert.equal(stored?.id, rolled?.journal.id);
    assert.equal(stored?.outcome, 'rolled back to 1.0.0');
    const log = readFileSync(join(test.dir, 'RELEASE-DECISIONS.md'), 'utf8');
    const outcomes = [...log.matchAll(/^- Outcome: (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(outcomes.slice(-2), [`superseded — superseded by rollback ${rolled?.journal.id}`, 'rolled-back — rolled back to 1.0.0']);
    const history = await target().deployer.history.list('staging');
    assert.deepEqual(history.slice(0, 2).map((e) => `${e.operation} ${e.version} ${e.weight}% ${e.statuses[0]!.state}`), ['rollback 1.0.0 100% success', 'deploy 1.0.1 25% failure']);
    assert.deepEqual(readdirSync(join(repo.gitCommonDir, 'release-manager', 'journal')).filter((f) => !f.endsWith('.json')), [], 'no lease or lock is left behind');
  });

  it('a second Deploy… of the same release in the same window while the first runs is one operation: each step runs once, one decision-log entry', async () => {
    rmSync(join(repo.gitCommonDir, 'release-manager'), { recursive: true, force: true });
    rmSync(join(test.dir, 'RELEASE-DECISIONS.md'), { force: true });
    for (const f of ['calls.log', 'go']) rmSync(join(test.dir, 'tools', f), { force: true });
    writeFileSync(join(test.dir, 'tools', 'hold'), '');
    const first = deploy('v1.0.1');
    const deadline = Date.now() + 20_000;
    while (calls().length === 0 && Date.now() < deadline) await sleep(20);
    const second = deploy('v1.0.1');
    await sleep(500);
    writeFileSync(join(test.dir, 'tools', 'go'), '');
    const ends = await Promise.all([first, second]);
    for (const end of ends) assert.ok(end.kind === 'driven' && end.result.kind === 'done' && end.result.ok, JSON.stringify(end));
    assert.deepEqual(calls(), ['start staging 1.0.1 deploy 25', 'end staging 1.0.1 deploy 25', 'start staging 1.0.1 deploy 100', 'end staging 1.0.1 deploy 100']);
    const log = readFileSync(join(test.dir, 'RELEASE-DECISIONS.md'), 'utf8');
    assert.equal(log.split('\n## DEPLOY — 1.0.1 to staging').length - 1, 1, log);
  });

  it('sends nothing while another drive holds the environment, and says who when its wait runs out', async () => {
    rmSync(join(repo.gitCommonDir, 'release-manager'), { recursive: true, force: true });
    rmSync(join(test.dir, 'tools', 'calls.log'), { force: true });
    const t = target();
    const held = await tryLease((t.store as FileDeployJournalStore).driverLeaseFile(t.key), { session: 'cli:4242:ab12@elsewhere', operation: 'op-holder01' });
    assert.equal(held.kind, 'held');
    try {
      const waits: string[] = [];
      const end = await deploy('v1.0.1', [], waits, 300);
      assert.ok(end.kind === 'driven' && end.result.kind === 'busy', JSON.stringify(end));
      assert.match(end.kind === 'driven' && end.result.kind === 'busy' ? end.result.reason : '', /^a release-manager CLI \(pid 4242 on elsewhere\), driving operation op-holder01 still holds the environment after 300 ms: its step in flight has not ended\. Nothing was sent by this command\.$/);
      assert.equal(waits.length, 1);
      assert.deepEqual(calls(), [], 'nothing ran');
    } finally {
      if (held.kind === 'held') await held.lease.release();
    }
  });
});
