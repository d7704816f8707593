// The demo repository as the README's picture and the walkthrough's images show it: the demo at v0.2.0 plus a
// realistic unreleased tail (the demo's own tail carries hostile test strings for the tests), pushed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDemoRepo } from './demoRepo.mjs';

/** The unreleased work after v0.2.0 that the picture shows: a breaking change, features, fixes, a plain commit. */
const TAIL = [
  ['Grace Hopper', 'grace@example.com', 'packages/api/money.ts', 'feat(api)!: amounts are integers in cents\n\nBREAKING CHANGE: `amount` is now an integer number of cents instead of a float.'],
  ['Linus Tor', 'linus@example.com', 'packages/api/export.ts', 'feat(api): export invoices as PDF (#21)'],
  ['Ken Thompson', 'ken@example.com', 'packages/web/filters.tsx', 'feat(web): filter invoices by customer (#22)'],
  ['Ken Thompson', 'ken@example.com', 'packages/web/names.tsx', 'fix(web): long customer names wrap in the invoice header (#24)'],
  ['Ada Lovelace', 'ada@example.com', 'packages/api/rates.ts', 'fix(api): round currency conversions half to even'],
  ['Margaret Hamilton', 'margaret@example.com', 'packages/web/footer.tsx', 'Fix typo in footer'],
];

/** The demo repository at v0.2.0 plus TAIL, with an upstream that has every commit (the picture shows GO). */
export function buildShowcaseRepository(dir, healthUrl) {
  makeDemoRepo(dir, { healthUrl });
  const git = (args, env = {}) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
  git(['reset', '-q', '--hard', 'v0.2.0']);
  TAIL.forEach(([name, email, file, message], i) => {
    const date = `${1_760_200_000 + i * 5400} +0000`;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `// ${message.split('\n')[0]}\n`);
    git(['add', '--', file]);
    git(['commit', '-q', '-m', message], { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  });
  // As if pushed: origin/main is HEAD (the up-to-date gate never fetches, so nothing is contacted).
  git(['update-ref', 'refs/remotes/origin/main', 'HEAD']);
  git(['config', 'branch.main.remote', 'origin']);
  git(['config', 'branch.main.merge', 'refs/heads/main']);
  return dir;
}
