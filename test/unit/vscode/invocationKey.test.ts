import assert from 'node:assert/strict';
import { InvocationJoiner, invocationKey } from '../../../src/vscode/invocationKey';

describe('invocation keys (when a second command invocation joins the first)', () => {
  it('gives equal arguments the same key whatever their key order, and trailing undefined arguments none', () => {
    assert.equal(invocationKey([{ root: '/r', environment: 'prod', inputs: { a: '1', b: '2' } }]), invocationKey([{ inputs: { b: '2', a: '1' }, environment: 'prod', root: '/r' }]));
    assert.equal(invocationKey([]), invocationKey([undefined]));
    assert.equal(invocationKey([{ root: '/r' }]), invocationKey([{ root: '/r', ref: undefined }]));
  });

  it('tells different arguments apart (another environment, another type, another position)', () => {
    const keys = [
      invocationKey([{ root: '/r', environment: 'staging' }]),
      invocationKey([{ root: '/r', environment: 'production' }]),
      invocationKey(['1']),
      invocationKey([1]),
      invocationKey([null]),
      invocationKey([]),
      invocationKey(['/r', 'abc']),
      invocationKey(['/r', undefined, 'abc']),
      invocationKey([['a', 'b']]),
      invocationKey([['b', 'a']]),
    ];
    assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
  });

  it('compares tree nodes by their identity fields: a node rebuilt by a refresh is the same node', () => {
    const before = { kind: 'environment', root: '/r', running: false, row: { env: { name: 'prod', url: 'https://a' }, last: null, journal: null } };
    const after = { kind: 'environment', root: '/r', running: true, row: { env: { name: 'prod', url: 'https://b' }, last: { id: 7 }, journal: { id: 'j1' } } };
    const other = { ...before, row: { ...before.row, env: { name: 'staging' } } };
    assert.equal(invocationKey([before]), invocationKey([after]));
    assert.notEqual(invocationKey([before]), invocationKey([other]));
    assert.notEqual(invocationKey([before]), invocationKey([{ ...before, root: '/other' }]));
    assert.notEqual(invocationKey([{ kind: 'gate', root: '/r', result: { id: 'qa' } }]), invocationKey([{ kind: 'gate', root: '/r', result: { id: 'ci' } }]));
    // An object with a kind it does not know is compared whole.
    assert.notEqual(invocationKey([{ kind: 'mystery', root: '/r', a: 1 }]), invocationKey([{ kind: 'mystery', root: '/r', a: 2 }]));
  });

  it('survives cycles, functions and deep nesting without throwing', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { deep };
    assert.match(invocationKey([a, () => 1, deep, 10n, Symbol('s')]), /<cycle>.*<function>.*<deep>.*10n.*<symbol>/);
  });

  it('compares URIs by their text', () => {
    const uri = (p: string) => ({ scheme: 'file', path: p, fsPath: p, toString: () => `file://${p}` });
    assert.equal(invocationKey([uri('/a')]), invocationKey([uri('/a')]));
    assert.notEqual(invocationKey([uri('/a')]), invocationKey([uri('/b')]));
  });
});

describe('InvocationJoiner', () => {
  /** A body that runs until released, counting its runs. */
  function gated() {
    let release!: (v: string) => void;
    const done = new Promise<string>((r) => (release = r));
    const runs = { count: 0 };
    return { runs, release, body: () => (runs.count++, done) };
  }

  it('joins a second invocation with the same key: one run, one result', async () => {
    const joiner = new InvocationJoiner();
    const g = gated();
    const first = joiner.run('k', g.body);
    const second = joiner.run('k', g.body);
    assert.equal(joiner.has('k'), true);
    g.release('once');
    assert.deepEqual(await Promise.all([first, second]), ['once', 'once']);
    assert.equal(g.runs.count, 1);
    assert.equal(joiner.size, 0);
  });

  it('runs an invocation with another key while the first runs (a deploy to another environment is not dropped)', async () => {
    const joiner = new InvocationJoiner();
    const a = gated();
    const b = gated();
    const first = joiner.run(invocationKey([{ environment: 'staging' }]), a.body);
    const second = joiner.run(invocationKey([{ environment: 'production' }]), b.body);
    await Promise.resolve();
    assert.equal(a.runs.count, 1);
    assert.equal(b.runs.count, 1);
    assert.equal(joiner.size, 2);
    b.release('production');
    assert.equal(await second, 'production');
    a.release('staging');
    assert.equal(await first, 'staging');
    assert.equal(joiner.size, 0);
  });

  it('runs again once the first finished, also after it failed (a failure is never joined later)', async () => {
    const joiner = new InvocationJoiner();
    await assert.rejects(
      joiner.run('k', () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(joiner.has('k'), false);
    assert.equal(await joiner.run('k', () => 'again'), 'again');
  });
});
