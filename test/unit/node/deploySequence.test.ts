import assert from 'node:assert/strict';
// core/config.ts and core/deploy/schema.ts import each other: entering through config.ts initialises both.
import { parseConfig, type ReleaseConfig } from '../../../src/core/config';
import { terminalPrompter } from '../../../src/cli/terminalPrompter';
import type { PublishIo } from '../../../src/cli/publish';
import type { DeployRelease } from '../../../src/core/deploy/plan';
import type { Deployer, DeployJournalStore } from '../../../src/core/deploy/ports';
import type { Confirmation } from '../../../src/core/deploy/rollback';
import type { LocalGitRepo } from '../../../src/git/gitRepo';
import type { DriveOutcome, FlowTarget } from '../../../src/node/deployFlow';
import { deploySequence, rollbackSequence, type DeployFront, type DeployRequest } from '../../../src/node/deploySequence';
import type { Prompter } from '../../../src/node/prompter';

// The deploy and rollback sequences shared by the CLI and the editor (src/node/deploySequence.ts),
// with a scripted Prompter, a deployer that records every call and an in-memory journal store.

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const RELEASE: DeployRelease = { version: '1.2.0', sha: 'a'.repeat(40), ref: 'v1.2.0' };

function configFor(options: { freeze?: boolean; env?: string } = {}): ReleaseConfig {
  return parseConfig(
    JSON.stringify({
      gates: [],
      deploy: {
        // One environment: no previous one of the ladder to check.
        environments: [{ name: options.env ?? 'production', provider: { kind: 'deployments' }, protection: { ...(options.freeze ? { freezes: [{ from: '2024-01-14', to: '2024-01-20', reason: 'Holiday freeze' }] } : {}) } }],
      },
    }),
  );
}

/** A deployer that records which of its methods were called (none may be, before the drive). */
function recordingDeployer(calls: string[], history: unknown[] = []): Deployer {
  return new Proxy({} as Deployer, {
    get: (_t, name) => {
      if (name === 'then') return undefined;
      return async () => {
        calls.push(String(name));
        return name === 'listDeployments' ? history : null;
      };
    },
  });
}

/** A journal store that remembers every write. */
function memoryStore(writes: string[]): DeployJournalStore {
  return { read: async () => null, write: async (key) => (writes.push(key), 'written'), list: async () => [] };
}

/** A prompter answering from a script, recording every question in order. */
function scriptedPrompter(questions: string[], answers: Record<string, boolean>): Prompter {
  return {
    pick: async (title) => (questions.push(`pick: ${title}`), undefined),
    ask: async (q) => (questions.push(`ask: ${q.title}`), undefined),
    confirm: async (c: Confirmation) => {
      questions.push(c.title);
      return answers[c.title] ?? false;
    },
    progress: (_title, work) => work({ report: () => undefined }),
    info: () => undefined,
  };
}

interface Seen {
  calls: string[];
  writes: string[];
  drives: string[];
}

function setup(envName: string, config: ReleaseConfig, seen: Seen): { request: (o?: Partial<DeployRequest>) => DeployRequest; front: (p: Prompter) => DeployFront<string> } {
  const env = config.deploy!.environments.find((e) => e.name === envName)!;
  const target: FlowTarget = { slug: 'acme/app', env, deployer: recordingDeployer(seen.calls), store: memoryStore(seen.writes), key: `acme/app#${envName}`, session: 'test-session' };
  return {
    request: (o = {}) => ({
      target,
      release: RELEASE,
      hotfix: false,
      offerHotfix: false,
      confirmAlways: false,
      now: () => new Date(NOW),
      promotion: () => ({ repo: {} as LocalGitRepo, config, probe: { sample: async () => ({ at: NOW, status: 200, values: [] }) }, commandsAllowed: false, now: () => new Date(NOW) }),
      ...o,
    }),
    front: (prompter) => ({
      prompter,
      // The drive is the front end's: recorded here, never run.
      drive: async (title) => {
        seen.drives.push(title);
        return { kind: 'declined', question: 'test' } satisfies DriveOutcome;
      },
      conclude: async (outcome) => outcome.kind,
    }),
  };
}

const fresh = (): Seen => ({ calls: [], writes: [], drives: [] });

describe('the deploy sequence shared by the CLI and the editor', function () {
  it('asks the same questions in the same order for the CLI and the editor', async function () {
    const config = configFor();
    // The CLI: its terminal prompter, asking on the terminal.
    const cli = fresh();
    const asked: string[] = [];
    const io: PublishIo = { out: () => undefined, err: () => undefined, cwd: '.', env: {}, confirm: async (q) => (asked.push(q), true) };
    const a = setup('production', config, cli);
    const cliEnd = await deploySequence(a.request(), a.front(terminalPrompter(io, { yes: false })));
    // The editor (the environment named, as from the tree or a test): a scripted prompter.
    const editor = fresh();
    const questions: string[] = [];
    const b = setup('production', config, editor);
    const editorEnd = await deploySequence(b.request({ offerHotfix: true }), b.front(scriptedPrompter(questions, { 'Deploy 1.2.0 to production?': true })));
    assert.deepEqual(asked, ['Deploy 1.2.0 to production? [y/N] ']);
    assert.deepEqual(questions, ['Deploy 1.2.0 to production?']);
    assert.deepEqual(cliEnd, { kind: 'driven', result: 'declined' });
    assert.deepEqual(editorEnd, cliEnd);
    assert.deepEqual(cli.drives, ['Deploying 1.2.0 to production']);
    assert.deepEqual(editor.drives, cli.drives);
  });

  it('cancel at the confirm sends nothing', async function () {
    const seen = fresh();
    const questions: string[] = [];
    const s = setup('production', configFor(), seen);
    const end = await deploySequence(s.request(), s.front(scriptedPrompter(questions, {})));
    assert.deepEqual(end, { kind: 'declined' });
    assert.deepEqual(questions, ['Deploy 1.2.0 to production?']);
    assert.deepEqual(seen.drives, [], 'no drive');
    assert.deepEqual(seen.writes, [], 'no journal written');
    assert.deepEqual(seen.calls, [], 'nothing asked of the provider');
  });

  it('deploys an environment that needs no confirmation without a question, unless it was picked', async function () {
    const quiet = fresh();
    const q1: string[] = [];
    const a = setup('staging', configFor({ env: 'staging' }), quiet);
    assert.equal((await deploySequence(a.request(), a.front(scriptedPrompter(q1, {})))).kind, 'driven');
    assert.deepEqual(q1, []);
    const picked = fresh();
    const q2: string[] = [];
    const b = setup('staging', configFor({ env: 'staging' }), picked);
    assert.deepEqual(await deploySequence(b.request({ confirmAlways: true }), b.front(scriptedPrompter(q2, {}))), { kind: 'declined' });
    assert.deepEqual(q2, ['Deploy 1.2.0 to staging?']);
    assert.deepEqual(picked.drives, []);
  });

  it('during a freeze, offers a hotfix where the front end may ask, then confirms the deploy; else it is blocked without a question', async function () {
    const editor = fresh();
    const questions: string[] = [];
    const a = setup('production', configFor({ freeze: true }), editor);
    const end = await deploySequence(a.request({ offerHotfix: true }), a.front(scriptedPrompter(questions, { 'production is frozen': true, 'Deploy 1.2.0 to production?': true })));
    assert.deepEqual(questions, ['production is frozen', 'Deploy 1.2.0 to production?']);
    assert.equal(end.kind, 'driven');

    const cli = fresh();
    const none: string[] = [];
    const b = setup('production', configFor({ freeze: true }), cli);
    const blocked = await deploySequence(b.request(), b.front(scriptedPrompter(none, {})));
    assert.equal(blocked.kind, 'blocked');
    assert.ok(blocked.kind === 'blocked' && !blocked.check.allowed && blocked.check.blockers.every((x) => x.code === 'freeze'), 'blocked by the freeze alone');
    assert.deepEqual(none, []);
    assert.deepEqual(cli.drives, []);
  });

  it('declining the hotfix changes nothing', async function () {
    const seen = fresh();
    const questions: string[] = [];
    const s = setup('production', configFor({ freeze: true }), seen);
    assert.deepEqual(await deploySequence(s.request({ offerHotfix: true }), s.front(scriptedPrompter(questions, {}))), { kind: 'declined' });
    assert.deepEqual(questions, ['production is frozen']);
    assert.deepEqual([seen.drives, seen.writes], [[], []]);
  });

  it('a rollback with nothing to return to is refused before any question', async function () {
    const seen = fresh();
    const questions: string[] = [];
    const s = setup('production', configFor(), seen);
    const end = await rollbackSequence<string>({ target: s.request().target }, s.front(scriptedPrompter(questions, {})));
    assert.equal(end.kind, 'refused');
    assert.deepEqual(questions, []);
    assert.deepEqual(seen.calls, ['listDeployments']);
    assert.deepEqual(seen.drives, []);
  });
});
