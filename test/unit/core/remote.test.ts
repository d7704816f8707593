import * as assert from 'node:assert/strict';
import { apiUrlProblem, displayRemote, enterpriseOrigin, githubRepoOf, isSameApi, ownerRepoOf, parseRemoteUrl } from '../../../src/core/remote';

describe('GitHub remotes and API hosts', () => {
  it('reads owner/repo from https, ssh, scp-like and git remotes of github.com', () => {
    for (const url of [
      'https://github.com/acme/widgets.git',
      'https://github.com/acme/widgets',
      'https://github.com/acme/widgets/',
      'http://github.com/acme/widgets.git',
      'git@github.com:acme/widgets.git',
      'ssh://git@github.com/acme/widgets.git',
      'ssh://git@ssh.github.com:443/acme/widgets.git',
      'git://github.com/acme/widgets.git',
      'https://GitHub.COM/acme/widgets.git',
    ]) {
      const r = githubRepoOf(url);
      assert.ok(r, url);
      assert.deepEqual([r.owner, r.repo, r.host, r.apiUrl, r.provider], ['acme', 'widgets', 'github.com', 'https://api.github.com', 'github'], url);
    }
  });

  it('never treats a lookalike host or a path mentioning github.com as GitHub', () => {
    for (const url of [
      'https://github.com.attacker.example/acme/widgets.git',
      'https://attacker.example/github.com/acme/widgets.git',
      'https://githubXcom/acme/widgets',
      'https://github.com@attacker.example/acme/widgets.git',
      'git@github.com.attacker.example:acme/widgets.git',
      'https://www.github.co/acme/widgets',
      'file:///github.com/acme/widgets',
      '/srv/git/github.com/acme/widgets.git',
      'https://gitlab.com/acme/widgets.git',
    ]) {
      assert.equal(githubRepoOf(url), null, url);
    }
  });

  it('is strict about owner and repository names', () => {
    assert.equal(ownerRepoOf('/acme/widgets/extra'), null);
    assert.equal(ownerRepoOf('/acme'), null);
    assert.equal(ownerRepoOf('/-acme/widgets'), null);
    assert.equal(ownerRepoOf('/acme/..'), null);
    assert.equal(ownerRepoOf('/acme/wid gets'), null);
    assert.deepEqual(ownerRepoOf('/a-cme/wid.gets_1'), { owner: 'a-cme', repo: 'wid.gets_1' });
  });

  it('matches GitHub Enterprise Server only on the configured host, over https', () => {
    const r = githubRepoOf('git@ghe.corp.example:team/app.git', 'https://ghe.corp.example');
    assert.deepEqual(r && [r.owner, r.repo, r.host, r.apiUrl, r.provider], ['team', 'app', 'ghe.corp.example', 'https://ghe.corp.example/api/v3', 'github-enterprise']);
    assert.equal(githubRepoOf('https://ghe.corp.example.attacker.example/team/app.git', 'https://ghe.corp.example'), null);
    assert.equal(githubRepoOf('https://ghe.corp.example/team/app.git'), null, 'no setting: not GitHub');
    assert.equal(enterpriseOrigin('http://ghe.corp.example'), null, 'plain http is refused');
    assert.equal(enterpriseOrigin('https://user:pw@ghe.corp.example'), null);
    assert.equal(enterpriseOrigin('https://ghe.corp.example/some/path'), null);
    assert.deepEqual(enterpriseOrigin('https://ghe.corp.example/api/v3/'), { origin: 'https://ghe.corp.example', host: 'ghe.corp.example' });
  });

  it('allows a token only for https API URLs (http on loopback for local servers) and exact origins', () => {
    assert.equal(apiUrlProblem('https://api.github.com'), null);
    assert.equal(apiUrlProblem('http://127.0.0.1:8080/api/v3'), null);
    assert.match(apiUrlProblem('http://api.github.com') ?? '', /https/);
    assert.match(apiUrlProblem('https://u:p@api.github.com') ?? '', /credentials/);
    assert.ok(apiUrlProblem('not a url'));
    assert.ok(isSameApi('https://api.github.com/repos/a/b/releases?page=2', 'https://api.github.com'));
    assert.ok(!isSameApi('https://api.github.com.attacker.example/repos/a/b', 'https://api.github.com'));
    assert.ok(!isSameApi('http://api.github.com/repos/a/b', 'https://api.github.com'));
    assert.ok(!isSameApi('https://api.github.com:444/repos', 'https://api.github.com'));
    assert.ok(isSameApi('https://ghe.example/api/v3/repos/a/b', 'https://ghe.example/api/v3'));
    assert.ok(!isSameApi('https://ghe.example/login/oauth', 'https://ghe.example/api/v3'));
    assert.ok(!isSameApi('https://ghe.example/api/v30/x', 'https://ghe.example/api/v3'));
  });

  it('never displays credentials embedded in a remote URL', () => {
    assert.equal(displayRemote('https://x-access-token:ghp_secret@github.com/acme/w.git'), 'https://github.com/acme/w.git');
    assert.equal(displayRemote('https://token@github.com/acme/w.git'), 'https://github.com/acme/w.git');
    const parsed = parseRemoteUrl('https://user:pass@github.com/acme/w.git');
    assert.deepEqual(parsed, { host: 'github.com', path: '/acme/w.git' });
    assert.ok(!JSON.stringify(githubRepoOf('https://user:pass@github.com/acme/w.git')).includes('pass'));
  });
});
