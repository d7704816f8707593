import * as assert from 'node:assert/strict';
import { GitHubError, UsageError } from '../../../src/core/errors';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { chooseGitHubRepo, remoteNameFor } from '../../../src/node/githubRemote';
import { TestRepo } from '../../helpers/testRepo';

describe('node/githubRemote: which GitHub repository', () => {
  after(() => TestRepo.cleanup());

  function repoWith(remotes: Record<string, string>): TestRepo {
    const repo = TestRepo.create();
    repo.commit('feat: first');
    for (const [name, url] of Object.entries(remotes)) repo.git('remote', 'add', name, url);
    return repo;
  }

  it('takes the only GitHub repository among the remotes (several remotes naming it are one)', async () => {
    const repo = repoWith({ origin: 'git@github.com:acme/widgets.git', mirror: 'https://github.com/acme/widgets', backup: '/srv/backup.git' });
    const ref = await chooseGitHubRepo(await LocalGitRepo.open(repo.dir), {});
    assert.deepEqual([ref.owner, ref.repo, ref.apiUrl], ['acme', 'widgets', 'https://api.github.com']);
    assert.equal(await remoteNameFor(await LocalGitRepo.open(repo.dir), ref), 'origin');
  });

  it('several GitHub repositories: the user picks (editor) or names one (CLI)', async () => {
    const repo = repoWith({ origin: 'https://github.com/me/widgets.git', upstream: 'https://github.com/acme/widgets.git' });
    const open = await LocalGitRepo.open(repo.dir);
    await assert.rejects(chooseGitHubRepo(open, {}), (e: unknown) => e instanceof UsageError && /origin \(me\/widgets\), upstream \(acme\/widgets\)/.test(e.message) && /--remote NAME/.test(e.fix));
    let offered: string[] = [];
    const picked = await chooseGitHubRepo(open, {
      pick: async (choices) => {
        offered = choices.map((c) => c.name);
        return choices.find((c) => c.name === 'upstream');
      },
    });
    assert.deepEqual(offered, ['origin', 'upstream']);
    assert.equal(picked.owner, 'acme');
    await assert.rejects(chooseGitHubRepo(open, { pick: async () => undefined }), (e: unknown) => e instanceof UsageError && /Pick one/.test(e.fix));
    assert.equal((await chooseGitHubRepo(open, { remote: 'origin' })).owner, 'me');
    assert.equal(await remoteNameFor(open, picked), 'upstream');
  });

  it('no GitHub remote: says so without showing credentials; a lookalike host is not GitHub', async () => {
    const repo = repoWith({ origin: 'https://user:s3cret-token@github.com.attacker.example/acme/widgets.git' });
    const error = await chooseGitHubRepo(await LocalGitRepo.open(repo.dir), {}).then(
      () => assert.fail('not GitHub'),
      (e: unknown) => e as GitHubError,
    );
    assert.ok(error instanceof GitHubError);
    assert.equal(error.code, 'not-github');
    assert.ok(!error.message.includes('s3cret-token'), error.message);
    assert.match(error.message, /https:\/\/github\.com\.attacker\.example\/acme\/widgets\.git/);
    await assert.rejects(chooseGitHubRepo(await LocalGitRepo.open(repo.dir), { remote: 'nope' }), /no remote named "nope"/);
  });

  it('matches the GitHub Enterprise Server host only when it is configured', async () => {
    const repo = repoWith({ origin: 'git@ghe.corp.example:team/app.git' });
    const open = await LocalGitRepo.open(repo.dir);
    await assert.rejects(chooseGitHubRepo(open, {}), (e: unknown) => e instanceof GitHubError && e.code === 'not-github');
    const ref = await chooseGitHubRepo(open, { enterpriseUrl: 'https://ghe.corp.example' });
    assert.deepEqual([ref.provider, ref.apiUrl], ['github-enterprise', 'https://ghe.corp.example/api/v3']);
  });
});
