// `npm run demo`: builds the demo repository and shows the notes engine at work on it through the CLI.
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemoRepo } from './demoRepo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = makeDemoRepo(join(root, '.demo', 'invoicing'));
const cli = join(root, 'dist', 'cli.js');
const show = (title, args) => {
  process.stdout.write(`\n\u001b[1m$ release-manager ${args.join(' ')}\u001b[0m   # ${title}\n\n`);
  process.stdout.write(execFileSync(process.execPath, [cli, ...args, '--repo', repo], { encoding: 'utf8' }));
};
process.stdout.write(`Demo repository: ${repo}\n`);
show('the next version, and the commits that decided it', ['version']);
show('release notes of everything since the last release', ['notes']);
show('the next prerelease', ['version', '--prerelease', 'rc']);
show('notes of one monorepo package', ['notes', '--path', 'packages/web']);
show('a CHANGELOG.md for the whole history', ['changelog']);
