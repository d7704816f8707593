import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { TestRepo } from '../../helpers/testRepo';

const CLI = resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  for (const k of ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_REPOSITORY', 'GITHUB_API_URL']) delete env[k];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmpdir(), encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('release-manager notes: links on GitHub', () => {
  after(() => TestRepo.cleanup());

  it('links hashes and PR numbers to the GitHub remote, and leaves the commit text plain', () => {
    const r = TestRepo.create();
    r.commit('feat: first');
    r.tag('v1.0.0');
    const fix = r.commit('fix(core): null check, see #8 and https://evil.example (#3)');
    r.git('remote', 'add', 'origin', 'git@github.com:acme/demo.git');
    const { code, stdout, stderr } = cli(['notes', '--repo', r.dir]);
    assert.equal(code, 0, stderr);
    const links = [...stdout.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1]);
    assert.deepEqual(links, ['https://github.com/acme/demo/pull/3', `https://github.com/acme/demo/commit/${fix}`], stdout);
    assert.match(stdout, /see \\#8 and https/);
    // The JSON contract is unchanged by the links.
    const json = JSON.parse(cli(['notes', '--repo', r.dir, '--format', 'json']).stdout);
    assert.equal(json.sections[0].entries[0].hash, fix);
    assert.equal(json.sections[0].entries[0].pr, 3);
  });

  it('prints plain hashes when the repository has no GitHub remote', () => {
    const r = TestRepo.create();
    r.commit('feat: first (#2)');
    r.git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/demo.git');
    const { code, stdout, stderr } = cli(['notes', '--repo', r.dir]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /- first \(#2\) \([0-9a-f]{7}\)\n/);
  });
});
