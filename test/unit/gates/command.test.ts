import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../src/core/errors';
import { runGates } from '../../../src/core/gates/engine';
import { CappedOutput, runProcess, scrubbedEnv } from '../../../src/node/runner';
import { contextFor, gate, gone, runOne } from '../../helpers/gates';
import { TestRepo } from '../../helpers/testRepo';

const NODE = process.execPath;
const allowed = { commandsAllowed: true };
const scratch: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rm-cmd-'));
  scratch.push(d);
  return d;
};
/** A script that creates `file` when it runs (the proof that something was spawned). */
const touch = (file: string) => [NODE, '-e', 'require("fs").writeFileSync(process.argv[1], "ran")', file];
const pidsIn = (text: string) => [...text.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));

function repo(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  return r;
}

describe('command gates', () => {
  after(() => {
    TestRepo.cleanup();
    for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('passes on exit 0 and fails on any other code, quoting the last line of output', async () => {
    const r = repo();
    const ok = await runOne(r, { kind: 'command', title: 'Tests', argv: [NODE, '-e', 'console.log("42 passing")'] }, allowed);
    assert.equal(ok.status, 'pass', ok.reason);
    assert.match(ok.details!, /42 passing/);
    const bad = await runOne(r, { kind: 'command', argv: [NODE, '-e', 'console.log("1 failing"); process.exit(3)'] }, allowed);
    assert.equal(bad.status, 'fail');
    assert.match(bad.reason, /exited with code 3: 1 failing$/);
    assert.deepEqual(bad.fix!.action, { kind: 'showOutput', gateId: 'g' });
  });

  it('passes ; | backticks and $() as literal arguments (no shell)', async () => {
    const r = repo();
    const first = await runOne(r, { kind: 'command', argv: [NODE, '-e', 'process.exit(process.argv[1]===";" ? 0 : 1)', ';'] }, allowed);
    assert.equal(first.status, 'pass', first.reason);
    const hostile = [';', 'touch pwned;', '| touch pwned', '`touch pwned`', '$(touch pwned)', '&& touch pwned', '> pwned', '$HOME'];
    const res = await runOne(r, { kind: 'command', argv: [NODE, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...hostile] }, allowed);
    assert.equal(res.status, 'pass', res.reason);
    assert.ok(res.details!.includes(JSON.stringify(hostile)), res.details);
    assert.equal(existsSync(join(r.dir, 'pwned')), false);
  });

  it('runs in a cwd inside the repository', async () => {
    const r = repo();
    mkdirSync(join(r.dir, 'packages', 'api'), { recursive: true });
    const res = await runOne(r, { kind: 'command', cwd: 'packages/api', argv: [NODE, '-e', 'console.log("cwd=" + process.cwd())'] }, allowed);
    assert.equal(res.status, 'pass', res.reason);
    assert.match(res.details!, /cwd=.*packages\/api\n/);
  });

  it('kills a command that hangs when it times out, and fails it', async () => {
    const r = repo();
    const t0 = Date.now();
    const res = await runOne(r, { kind: 'command', timeoutMs: 1000, argv: [NODE, '-e', 'console.log("pid=" + process.pid); setInterval(() => {}, 1000)'] }, allowed);
    assert.equal(res.status, 'fail');
    assert.equal(res.reason, 'timed out after 1 s; its process tree was killed (1 process)');
    // Left alone it never ends: a generous bound, so that a busy machine (parallel test files) does not fail it.
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    assert.ok(await gone(pidsIn(res.details!)[0]!));
  });

  it('SIGKILLs a command that ignores SIGTERM', async () => {
    const r = repo();
    const script = 'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("pid=" + process.pid); setInterval(() => {}, 1000)';
    const res = await runOne(r, { kind: 'command', timeoutMs: 1000, argv: [NODE, '-e', script] }, allowed);
    assert.equal(res.status, 'fail');
    assert.match(res.details!, /ignoring SIGTERM/);
    assert.ok(await gone(pidsIn(res.details!)[0]!));
  });

  it('kills the grandchildren of a command that times out', async () => {
    const r = repo();
    const script = [
      'const { spawn } = require("child_process");',
      'const g = spawn(process.execPath, ["-e", "process.on(\'SIGTERM\', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });',
      'console.log("pid=" + process.pid + " pid=" + g.pid); setInterval(() => {}, 1000)',
    ].join('\n');
    const res = await runOne(r, { kind: 'command', timeoutMs: 1000, argv: [NODE, '-e', script] }, allowed);
    assert.equal(res.status, 'fail');
    const pids = pidsIn(res.details!);
    assert.equal(pids.length, 2, res.details);
    for (const pid of pids) assert.ok(await gone(pid), `pid ${pid} still running`);
  });

  it('kills what a finished command left running (even holding its output open)', async () => {
    const r = repo();
    const script = [
      'const { spawn } = require("child_process");',
      'const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "inherit" });',
      'console.log("pid=" + g.pid); process.exit(0)',
    ].join('\n');
    const t0 = Date.now();
    const res = await runOne(r, { kind: 'command', timeoutMs: 60_000, argv: [NODE, '-e', script] }, allowed);
    assert.equal(res.status, 'pass', res.reason);
    // Not held until the timeout by the child that keeps its output open (bound far below the 60 s timeout).
    assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
    assert.ok(await gone(pidsIn(res.details!)[0]!));
  });

  it('caps a flood of output, keeping head and tail and counting the rest', async () => {
    const r = repo();
    const script = 'process.stdout.write("HEAD\\n"); const b = Buffer.alloc(1 << 20, 120); for (let i = 0; i < 20; i++) process.stdout.write(b); process.stdout.write("\\nTAIL\\n")';
    const res = await runOne(r, { kind: 'command', maxOutputBytes: 4096, argv: [NODE, '-e', script] }, allowed);
    assert.equal(res.status, 'pass', res.reason);
    assert.ok(res.details!.length < 8192, `details has ${res.details!.length} characters`);
    assert.match(res.details!, /^\$ .*\nHEAD\n/);
    assert.match(res.details!, /bytes omitted/);
    assert.match(res.details!, /TAIL\n/);
    assert.match(res.details!, /output capped: 20971531 bytes written, 4096 kept/);
  });

  it('gives the command no tokens or credential helpers, and redacts token-shaped output', async () => {
    const r = repo();
    const planted: Record<string, string> = {
      GITHUB_TOKEN: 'canary-ghp_xxx',
      GH_TOKEN: 'canary-gh',
      MY_API_KEY: 'canary-api-key',
      DB_PASSWORD: 'canary-pw',
      AWS_SECRET_ACCESS_KEY: 'canary-aws',
      NPM_CONFIG__AUTH: 'canary-npm',
      VSCODE_GIT_ASKPASS_MAIN: '/canary/askpass.js',
      VSCODE_GIT_IPC_HANDLE: '/canary/ipc.sock',
      INNOCENT_LOOKING: `ghp_${'a'.repeat(36)}`,
    };
    const saved = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
    Object.assign(process.env, planted);
    try {
      const script = 'console.log(JSON.stringify(process.env)); console.log("leak ghp_abcdefghijklmnopqrstuvwxyz0123456789 and https://user:hunter2@example.com/x")';
      const res = await runOne(r, { kind: 'command', argv: [NODE, '-e', script] }, allowed);
      assert.equal(res.status, 'pass', res.reason);
      const env = JSON.parse(res.details!.split('\n')[1]!) as Record<string, string>;
      for (const name of Object.keys(planted)) assert.equal(env[name], undefined, name);
      assert.doesNotMatch(res.details!, /canary|ghp_|hunter2/);
      assert.match(res.details!, /\nleak \*\*\* and https:\/\/\*\*\*@example\.com/);
      assert.ok(env.PATH, 'the rest of the environment is kept');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses a cwd that is a symlink to outside the repository, and runs nothing', async () => {
    const r = repo();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(r.dir, 'linked'));
    const marker = join(elsewhere, 'marker');
    const res = await runOne(r, { kind: 'command', cwd: 'linked', argv: touch(marker) }, allowed);
    assert.equal(res.status, 'unknown');
    assert.match(res.reason, /cwd "linked" resolves outside the repository/);
    assert.equal(existsSync(marker), false);
  });

  it('spawns nothing when commands are not allowed: required is unknown, advisory skipped', async () => {
    const r = repo();
    const marker = join(tempDir(), 'marker');
    const ctx = await contextFor(r, { commandsAllowed: false });
    const [required, advisory] = await runGates([gate({ id: 'req', kind: 'command', argv: touch(marker) }), gate({ id: 'adv', kind: 'command', required: false, argv: touch(marker) })], ctx);
    assert.deepEqual([required!.status, required!.reason], ['unknown', 'requires trust']);
    assert.deepEqual([advisory!.status, advisory!.reason], ['skipped', 'requires trust']);
    assert.match(required!.fix!.label, /trusted workspace/);
    const cli = await runOne(r, { kind: 'command', argv: touch(marker) }, { commandsBlockedReason: 'requires --allow-commands' });
    assert.equal(cli.reason, 'requires --allow-commands');
    await new Promise((done) => setTimeout(done, 100));
    assert.equal(existsSync(marker), false);
  });

  it('refuses to spawn from the context itself when commands are not allowed', async () => {
    const marker = join(tempDir(), 'marker');
    const ctx = await contextFor(repo(), { commandsAllowed: false });
    await assert.rejects(ctx.runCommand(touch(marker), { cwd: '.', timeoutMs: 1000, maxOutputBytes: 1024 }), UsageError);
    assert.equal(existsSync(marker), false);
  });

  it('fails a program that does not exist', async () => {
    const res = await runOne(repo(), { kind: 'command', argv: ['definitely-not-a-program-rm-test'] }, allowed);
    assert.equal(res.status, 'fail');
    assert.match(res.reason, /^could not start definitely-not-a-program-rm-test: not found/);
  });

  it('kills the process tree when the run is cancelled', async () => {
    const r = repo();
    const pidFile = join(tempDir(), 'pid');
    const script = 'require("fs").writeFileSync(process.argv[1], String(process.pid)); process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)';
    const controller = new AbortController();
    const waiting = runGates([gate({ id: 'c', kind: 'command', argv: [NODE, '-e', script, pidFile] })], await contextFor(r, allowed), { signal: controller.signal });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await new Promise((done) => setTimeout(done, 20));
    controller.abort();
    const [res] = await waiting;
    assert.deepEqual([res!.status, res!.reason], ['skipped', 'cancelled']);
    assert.ok(await gone(Number(readFileSync(pidFile, 'utf8'))));
  });

  describe('runner', () => {
    const opts = (root: string, cwd: string) => ({ root, cwd, timeoutMs: 5000, maxOutputBytes: 1024, killGraceMs: 300 });

    it('refuses ../, absolute and missing cwds before spawning anything', async () => {
      const r = repo();
      const marker = join(tempDir(), 'marker');
      for (const cwd of ['../', '..', 'sub/../../x', '/tmp', 'does-not-exist']) {
        await assert.rejects(runProcess(touch(marker), opts(r.dir, cwd)), (e: unknown) => e instanceof UsageError, cwd);
      }
      assert.equal(existsSync(marker), false);
    });

    it('refuses an empty argv or NUL in an argument', async () => {
      const r = repo();
      await assert.rejects(runProcess([], opts(r.dir, '.')), UsageError);
      await assert.rejects(runProcess([NODE, 'a\u0000b'], opts(r.dir, '.')), UsageError);
    });

    it('does not spawn when already cancelled', async () => {
      const r = repo();
      const marker = join(tempDir(), 'marker');
      const controller = new AbortController();
      controller.abort();
      const run = await runProcess(touch(marker), { ...opts(r.dir, '.'), signal: controller.signal });
      assert.equal(run.cancelled, true);
      assert.equal(existsSync(marker), false);
    });

    it('scrubs secrets by name and by value', () => {
      const env = scrubbedEnv({ PATH: '/bin', HOME: '/h', GITHUB_TOKEN: 'x', my_api_key: 'x', SSH_AUTH_SOCK: '/s', GIT_ASKPASS: '/a', OK: 'fine', SNEAKY: 'github_pat_' + 'A'.repeat(30) });
      assert.deepEqual(env, { PATH: '/bin', HOME: '/h', OK: 'fine' });
    });

    it('keeps the head and tail of capped output', () => {
      const out = new CappedOutput(10);
      out.push(Buffer.from('0123456789'));
      assert.equal(out.truncated, false);
      assert.equal(out.text(), '0123456789');
      out.push(Buffer.from('abcdefghij'));
      out.push(Buffer.from('KLMNO'));
      assert.equal(out.truncated, true);
      assert.equal(out.total, 25);
      assert.equal(out.text(), '01234\n… 15 bytes omitted …\nKLMNO');
    });
  });
});
