// The deploy fixtures of every test tier: the deploy workflow teams write, GitHub's copy of a repository
// (a bare clone with files and release tags on top) and that copy served by the local GitHub server.
// Plain Node (no 'vscode', no mocha globals): unit tests, in-host suites and e2e specs all import it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fakeGitHub/server';

/**
 * A deploy workflow as teams write them: workflow_dispatch with a choice, a version and a
 * correlation input that run-name shows, so the run we started can be found again.
 */
export const DEPLOY_YML = `name: Deploy
run-name: Deploy \${{ inputs.environment }} \${{ inputs.version }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      version:
        type: string
        required: true
      correlation_id:
        type: string
jobs:
  deploy:
    name: Deploy
    runs-on: ubuntu-latest
    environment:
      name: \${{ inputs.environment }}
    steps:
      - name: Roll out
        run: ./deploy.sh
`;

/** GitHub's copy of a repository: the bare repository the fake server serves, each release's commit, a cleanup. */
export interface GitHubCopy {
  remote: string;
  sha: Record<string, string>;
  dispose(): void;
}

/**
 * GitHub's copy of the repository at `root`: a bare clone (the fake server's git directory) plus `files`
 * committed on top and one tag per release, each on its own commit (VERSION = the release), pushed to main.
 */
export function githubCopy(root: string, files: Record<string, string>, releases: string[] = []): GitHubCopy {
  const remote = mkdtempSync(join(tmpdir(), 'rm-gh-remote-'));
  const work = mkdtempSync(join(tmpdir(), 'rm-gh-work-'));
  execFileSync('git', ['clone', '-q', '--bare', root, remote]);
  execFileSync('git', ['clone', '-q', remote, work]);
  const g = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' } }).trim();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
    g('add', path);
  }
  if (Object.keys(files).length > 0) g('commit', '-q', '-m', 'ci: deploy workflow');
  const sha: Record<string, string> = {};
  for (const v of releases) {
    writeFileSync(join(work, 'VERSION'), `${v}\n`);
    g('add', 'VERSION');
    g('commit', '-q', '-m', `chore(release): ${v}`);
    g('tag', `v${v}`);
    sha[v] = g('rev-parse', 'HEAD');
  }
  g('push', '-q', 'origin', 'HEAD:main', '--tags');
  rmSync(work, { recursive: true, force: true });
  return { remote, sha, dispose: () => rmSync(remote, { recursive: true, force: true }) };
}

/** The owner/name under which the deploy fixtures serve GitHub's copy. */
export const DEMO_REPO = { owner: 'acme', repo: 'demo' } as const;

/** GitHub's copy served by a local GitHub server as acme/demo; dispose() stops the server and drops the copy. */
export interface ServedCopy {
  server: FakeGitHub;
  copy: GitHubCopy;
  dispose(): Promise<void>;
}

/** Makes GitHub's copy of `root` (see githubCopy) and serves it as acme/demo from a fresh local GitHub server. */
export async function serveGitHubCopy(root: string, options: FakeGitHubOptions & { files?: Record<string, string>; releases?: string[] }): Promise<ServedCopy> {
  const { files = {}, releases = [], ...serverOptions } = options;
  const copy = githubCopy(root, files, releases);
  const server = await startFakeGitHub(serverOptions);
  server.addRepo(DEMO_REPO.owner, DEMO_REPO.repo, { gitDir: copy.remote });
  return {
    server,
    copy,
    dispose: async () => {
      await server.close();
      copy.dispose();
    },
  };
}

/** Remembers files under `root` as they are (or that they are absent); restore() puts each back exactly. */
export function snapshotFiles(root: string, paths: string[]): { restore(): void } {
  const saved = paths.map((p) => ({ path: join(root, p), text: existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null }));
  return {
    restore: () => {
      for (const f of saved) {
        if (f.text === null) rmSync(f.path, { force: true });
        else writeFileSync(f.path, f.text);
      }
    },
  };
}
