import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { poll } from '../../helpers/poll';

const ON_STOP = pathToFileURL(resolve(__dirname, '../../../scripts/onStop.mjs')).href;

describe('scripts/onStop.mjs (the demo\'s cleanup on Ctrl+C)', function () {
  this.timeout(30_000);

  for (const signals of [['SIGINT', 'SIGINT'], ['SIGHUP'], ['SIGTERM', 'SIGINT']] as NodeJS.Signals[][]) {
    it(`removes what the script made when stopped by ${signals.join(' then ')} (npm may signal the whole process group)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rm-onstop-'));
      const made = join(dir, 'run');
      // The cleanup takes a while (like stopping code-server): a second signal arrives while it runs.
      const script = `import { mkdirSync, rmSync } from 'node:fs';
import { onStop } from ${JSON.stringify(ON_STOP)};
mkdirSync(${JSON.stringify(made)});
onStop(async () => { await new Promise((ok) => setTimeout(ok, 400)); rmSync(${JSON.stringify(made)}, { recursive: true, force: true }); });
process.stdout.write('ready\\n');
setInterval(() => undefined, 1 << 30);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const closed = new Promise<number | null>((ok) => child.on('close', ok));
      try {
        await poll('the script to start', async () => out.includes('ready'), { timeoutMs: 10_000 });
        for (const s of signals) {
          child.kill(s);
          await new Promise((ok) => setTimeout(ok, 100));
        }
        assert.equal(await closed, 0);
        assert.equal(existsSync(made), false, 'the folder the script made is removed');
      } finally {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
