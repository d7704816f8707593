// The in-host suites on a desktop that can download VS Code: the same compiled suites through
// @vscode/test-electron (code-server runs them on machines without internet: see inHost.mjs).
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeDemoRepo } from '../demoRepo.mjs';
import { CACHE_DIR, RESULTS_DIR, RESULTS_ENV, ROOT } from './config.mjs';

for (const [suite, trustArgs] of [['suite', ['--disable-workspace-trust']], ['restricted', []]]) {
  const folder = makeDemoRepo(join(CACHE_DIR, 'desktop', suite, 'demo'));
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out/test/vscode', suite),
    launchArgs: [folder, '--disable-extensions', ...trustArgs],
    extensionTestsEnv: { [RESULTS_ENV]: join(RESULTS_DIR, 'desktop') },
  });
}
