// Builds the bundled demo repository: a realistic history with conventional and plain commits,
// a merged PR, a squash merge, a revert, several tags, a prerelease and two packages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PEOPLE = {
  ada: ['Ada Lovelace', 'ada@example.com'],
  linus: ['Linus Tor', 'linus@example.com'],
  grace: ['Grace Hopper', 'grace@example.com'],
  ken: ['Ken Thompson', 'ken@example.com'],
};

// The demo's deploy tool: prints what a real one (kubectl, helm, Argo Rollouts, Terraform…) would do.
const DEPLOY_TOOL = `// Demo deploy tool: a real one would call kubectl, helm, Argo Rollouts or Terraform here.
const [environment, version, operation, strategy, step, weight] = process.argv.slice(2);
console.log(\`\${operation} \${version} to \${environment}: \${strategy} step \${step}, \${weight}% of the traffic on \${version}\`);
`;

/**
 * The demo's environment ladder (only `npm run demo` asks for it; the tests configure their own):
 * staging takes a canary judged by an HTTP health check of `healthUrl`; production takes a release
 * after staging ran it healthily for a minute, on a clean tree of a release branch, after a confirmation.
 */
function deployConfig(healthUrl) {
  const deployStep = ['node', 'tools/deploy.mjs', '{environment}', '{version}', '{operation}', '{strategy}', '{step}', '{weight}'];
  return {
    environments: [
      {
        name: 'staging',
        provider: { kind: 'command', argv: deployStep, timeoutMs: 60_000 },
        strategy: { kind: 'canary', steps: [{ weight: 25, pauseMs: 1000 }, { weight: 100, pauseMs: 1000 }] },
        healthChecks: [{ id: 'errors', kind: 'http', url: healthUrl, jsonPath: 'errorRate', max: 0.01, windowMs: 2000, intervalMs: 1000 }],
        protection: { gates: [], autoRollback: true },
      },
      {
        name: 'production',
        provider: { kind: 'command', argv: deployStep, timeoutMs: 60_000 },
        protection: { requireHealthyPreviousMs: 60_000, gates: ['clean-tree', 'release-branch'] },
      },
    ],
  };
}

/**
 * Creates (or recreates) the demo repository in `dir` and returns its path. `options.healthUrl`
 * adds the demo's deploy configuration, with its health check probing that URL. `options.base`
 * (seconds since the epoch) dates the first commit (default 2025-10-09); one commit an hour follows.
 */
export function makeDemoRepo(dir, options = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let tick = 0;
  const git = (args, who = PEOPLE.ada) => {
    const date = `${(options.base ?? 1_760_000_000) + tick * 3600} +0000`;
    return execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: who[0], GIT_AUTHOR_EMAIL: who[1], GIT_COMMITTER_NAME: who[0], GIT_COMMITTER_EMAIL: who[1], GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    }).trim();
  };
  const commit = (message, file, who) => {
    tick++;
    const full = join(dir, file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, `${message}\n${tick}\n`);
    git(['add', '--', file], who);
    git(['commit', '-q', '-m', message], who);
  };
  const tag = (name) => git(['tag', '-a', '-m', name, name]);

  git(['init', '-q', '-b', 'main']);
  git(['config', 'commit.gpgsign', 'false']);
  git(['config', 'tag.gpgsign', 'false']);
  // Names the GitHub repository (never contacted by the demo; the tests point the API at a local server).
  git(['remote', 'add', 'origin', 'https://github.com/acme/demo.git']);
  writeFileSync(
    join(dir, '.release-manager.json'),
    JSON.stringify(
      {
        packages: [
          { name: 'api', path: 'packages/api' },
          { name: 'web', path: 'packages/web' },
        ],
        gates: [
          { id: 'clean-tree', kind: 'cleanTree' },
          { id: 'release-branch', kind: 'releaseBranch', patterns: ['main', 'release/*'] },
          { id: 'up-to-date', kind: 'upToDate', required: false },
          { id: 'no-fixups', kind: 'noFixups', required: false },
          { id: 'qa', kind: 'manual', title: 'QA sign-off', description: 'QA ran the regression suite on the release candidate.' },
          {
            id: 'smoke',
            kind: 'command',
            title: 'Smoke test',
            required: false,
            timeoutMs: 20000,
            argv: ['node', '-e', "require('fs').writeFileSync(require('path').join(require('os').tmpdir(), 'release-manager-smoke.marker'), 'ran'); console.log('smoke ok')"],
          },
        ],
        decisionLog: 'docs/RELEASE-DECISIONS.md',
        ...(options.healthUrl === undefined ? {} : { deploy: deployConfig(options.healthUrl) }),
      },
      null,
      2,
    ) + '\n',
  );
  commit('Initial import', 'README.md', PEOPLE.ada);
  git(['add', '.release-manager.json']);
  if (options.healthUrl !== undefined) {
    mkdirSync(join(dir, 'tools'), { recursive: true });
    writeFileSync(join(dir, 'tools', 'deploy.mjs'), DEPLOY_TOOL);
    git(['add', 'tools/deploy.mjs']);
  }
  git(['commit', '-q', '--amend', '--no-edit']);
  commit('feat(api): list invoices', 'packages/api/invoices.ts', PEOPLE.ada);
  commit('feat(web): invoice table', 'packages/web/table.tsx', PEOPLE.linus);
  tag('v0.1.0');
  tag('api@0.1.0');
  tag('web@0.1.0');
  commit('fix(api): paging off by one (#4)', 'packages/api/invoices.ts', PEOPLE.grace);
  commit('docs: how to run locally', 'README.md', PEOPLE.ada);
  tag('v0.1.1');
  tag('api@0.1.1');
  // A pull request merged with a merge commit.
  git(['checkout', '-q', '-b', 'feature/export']);
  commit('feat(api): export invoices as CSV', 'packages/api/export.ts', PEOPLE.linus);
  commit('test(api): cover CSV export', 'packages/api/export.test.ts', PEOPLE.linus);
  git(['checkout', '-q', 'main']);
  tick++;
  git(['merge', '-q', '--no-ff', '-m', 'Merge pull request #12 from linus/feature/export\n\nfeat(api): CSV export', 'feature/export'], PEOPLE.ada);
  // A squash merge listing several changes.
  commit('Dashboard polish (#15)\n\n* feat(web): dark mode\n\n* fix(web): chart tooltip overflow\n\nCo-authored-by: Ken Thompson <ken@example.com>', 'packages/web/dashboard.tsx', PEOPLE.grace);
  commit('perf(api): cache currency rates', 'packages/api/rates.ts', PEOPLE.grace);
  tag('v0.2.0-rc.0');
  commit('Update dependencies', 'package-lock.json', PEOPLE.ada);
  commit('feat(web): keyboard shortcuts', 'packages/web/keys.ts', PEOPLE.ken);
  const risky = (commit('feat(api): experimental bulk delete', 'packages/api/bulk.ts', PEOPLE.linus), git(['rev-parse', 'HEAD']));
  tick++;
  git(['revert', '--no-edit', risky], PEOPLE.ada);
  tag('v0.2.0');
  tag('api@0.2.0');
  tag('web@0.2.0');
  commit('feat(api)!: amounts are integers in cents\n\nBREAKING CHANGE: `amount` is now an integer number of cents instead of a float.', 'packages/api/money.ts', PEOPLE.grace);
  commit('fix(web): <b>escape</b> customer names @everyone', 'packages/web/names.tsx', PEOPLE.ken);
  commit('chore(release): 0.2.0 [skip changelog]', 'CHANGELOG.md', PEOPLE.ada);
  commit('Fix typo in footer', 'packages/web/footer.tsx', ['Margaret Hamilton', 'margaret@example.com']);
  commit('fixup! <img src=x onerror="window.__pwned=1"> [x](javascript:alert(1))', 'packages/web/footer.tsx', ['Margaret Hamilton', 'margaret@example.com']);
  return dir;
}
