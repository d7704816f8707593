import assert from 'node:assert/strict';
import { join } from 'node:path';
import { treeKillText } from '../../../src/core/gates/command';
import { runProcess } from '../../../src/node/runner';
import { alive, gone, runOne } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

const NODE = process.execPath;
const allowed = { commandsAllowed: true };
const pidsIn = (text: string) => [...text.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
/** Every pid a test saw, killed at the end whatever happened (a failing test must not leave sleeps behind). */
const seen: number[] = [];
const track = (pids: number[]) => {
  seen.push(...pids);
  return pids;
};

function repo(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  return r;
}

/**
 * A gate that hangs after starting: a `setsid sleep` (its own session, still the gate's child), a
 * double fork (an orphaned sleep in another session whose parent already exited), and a shell in
 * its own session that answers SIGTERM by starting one more sleep. It prints every pid as `pid=N`.
 */
const escaping = [
  'const { spawn } = require("child_process");',
  'const a = spawn("setsid", ["sleep", "300"], { stdio: "ignore" });',
  'spawn("setsid", ["sh", "-c", "sleep 301 </dev/null >/dev/null 2>&1 & echo pid=$!"], { stdio: ["ignore", "inherit", "inherit"] });',
  'const t = spawn("setsid", ["sh", "-c", "trap \'sleep 302 </dev/null >/dev/null 2>&1 & echo pid=$!\' TERM; echo pid=$$; while :; do sleep 0.2; done"], { stdio: ["ignore", "inherit", "inherit"] });',
  // It outlives SIGTERM, so the grace period passes before the SIGKILL sweep: time for the trap to fork.
  'process.on("SIGTERM", () => {});',
  'console.log("pid=" + process.pid + " pid=" + a.pid); setInterval(() => {}, 1000)',
].join('\n');

describe('command gates: killing the whole process tree', function () {
  if (process.platform === 'win32') return;

  after(() => {
    for (const pid of seen.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    TestRepo.cleanup();
  });

  it('kills descendants that called setsid, double-forked orphans and children forked on SIGTERM, and counts them', async () => {
    const r = repo();
    const res = await runOne(r, { kind: 'command', timeoutMs: 1500, argv: [NODE, '-e', escaping] }, { ...allowed, killGraceMs: 1500 });
    const pids = track(pidsIn(res.details!));
    assert.equal(res.status, 'fail');
    // node, setsid sleep 300, the orphaned sleep 301, the trapping shell, the sleep 302 it forked on SIGTERM
    assert.ok(pids.length >= 5, res.details);
    for (const pid of pids) assert.ok(await gone(pid, 500), `pid ${pid} still running: ${res.reason}`);
    const m = /^timed out after 1\.5 s; its process tree was killed \((\d+) processes\)$/.exec(res.reason);
    assert.ok(m, res.reason);
    assert.ok(Number(m[1]) >= pids.length, `${m[1]} killed, ${pids.length} pids seen: ${res.reason}`);
  });

  it('kills a setsid daemon that a finished command left behind', async () => {
    const r = repo();
    const script = 'const c = require("child_process").spawn("setsid", ["sleep", "300"], { stdio: "ignore" }); console.log("pid=" + c.pid); c.unref(); setTimeout(() => process.exit(0), 200)';
    const res = await runOne(r, { kind: 'command', timeoutMs: 10_000, argv: [NODE, '-e', script] }, allowed);
    const [pid] = track(pidsIn(res.details!));
    assert.equal(res.status, 'pass', res.reason);
    assert.ok(await gone(pid!, 500), `pid ${pid} still running`);
  });

  it('without /proc finds the tree with ps and says what it could not check', async () => {
    const r = repo();
    const script = 'const a = require("child_process").spawn("setsid", ["sleep", "300"], { stdio: "ignore" }); console.log("pid=" + process.pid + " pid=" + a.pid); setInterval(() => {}, 1000)';
    const run = await runProcess([NODE, '-e', script], { root: r.dir, cwd: '.', timeoutMs: 1000, maxOutputBytes: 4096, killGraceMs: 300, processScan: { procDir: join(r.dir, 'no-proc') } });
    const pids = track(pidsIn(run.output));
    assert.equal(run.timedOut, true);
    assert.equal(pids.length, 2, run.output);
    for (const pid of pids) assert.ok(await gone(pid, 500), `pid ${pid} still running`);
    assert.equal(run.tree?.via, 'ps');
    assert.ok(run.tree.killed >= 2, JSON.stringify(run.tree));
    assert.match(treeKillText(run.tree), /^its process tree was killed \(\d+ processes found by ps; without \/proc a descendant orphaned before the kill cannot be found\)$/);
  });

  it('with neither /proc nor ps kills the process group and says its descendants could not be listed', async () => {
    const r = repo();
    const script = 'const a = require("child_process").spawn("setsid", ["sleep", "300"], { stdio: "ignore" }); console.log("pid=" + process.pid + " pid=" + a.pid); setInterval(() => {}, 1000)';
    const run = await runProcess([NODE, '-e', script], {
      root: r.dir, cwd: '.', timeoutMs: 1000, maxOutputBytes: 4096, killGraceMs: 300,
      processScan: { procDir: join(r.dir, 'no-proc'), psPath: join(r.dir, 'no-ps') },
    });
    const [leader, escaped] = track(pidsIn(run.output));
    assert.ok(await gone(leader!, 500), 'the group leader is killed');
    assert.equal(alive(escaped!), true, 'the setsid child escaped the group (nothing could find it)');
    assert.equal(run.tree?.via, null);
    const text = treeKillText(run.tree);
    assert.match(text, /^its process group was killed, but its descendants could not be listed \(no .*no-proc and ps failed: not found\): some may still run$/);
    assert.doesNotMatch(text, /tree was killed/);
  });

  it('names the processes it could not kill instead of claiming the tree was killed', () => {
    const text = treeKillText({ via: 'proc', killed: 2, survivors: [{ pid: 42, error: 'EPERM: not permitted' }], unverified: null });
    assert.equal(text, 'could not kill pid 42 (EPERM: not permitted); killed 2 processes');
  });
});
