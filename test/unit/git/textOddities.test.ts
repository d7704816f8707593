import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runCli } from '../../../src/cli/main';
import { parseConfig } from '../../../src/core/config';
import { buildChangelog } from '../../../src/core/changelog';
import { draftNotes } from '../../../src/core/draft';
import { LocalGitRepo } from '../../../src/git/gitRepo';
import { TestRepo } from '../../helpers/testRepo';

/**
 * Writes a raw commit object on top of HEAD (the way `git commit` never would: a NUL, undeclared
 * Latin-1) and moves the branch to it; returns its hash.
 */
function rawCommit(r: TestRepo, message: Buffer, headers = ''): string {
  const tree = r.git('rev-parse', 'HEAD^{tree}');
  const parent = r.git('rev-parse', 'HEAD');
  const head = Buffer.from(`tree ${tree}\nparent ${parent}\nauthor Ada <ada@example.com> 1700000000 +0000\ncommitter Ada <ada@example.com> 1700000000 +0000\n${headers}\n`);
  const hash = execFileSync('git', ['hash-object', '-w', '-t', 'commit', '--literally', '--stdin'], { cwd: r.dir, input: Buffer.concat([head, message]), encoding: 'utf8' }).trim();
  r.git('update-ref', 'HEAD', hash);
  return hash;
}

function released(): TestRepo {
  const r = TestRepo.create();
  r.commit('feat: first');
  r.tag('v1.0.0');
  return r;
}

const subjects = (notes: { sections: { entries: { subject: string }[] }[] }) => notes.sections.flatMap((s) => s.entries.map((e) => e.subject));

async function cli(r: TestRepo, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--repo', r.dir], { out: (t) => void (out += t), err: (t) => void (err += t), cwd: r.dir, env: {} });
  return { code, out, err };
}

describe('git: commit text git log cannot show as it is', () => {
  after(() => TestRepo.cleanup());

  it('keeps the rest of a message after a NUL (shown as U+FFFD) and warns naming the commit', async () => {
    const r = released();
    const hash = rawCommit(r, Buffer.from('feat: before\u0000after the nul\n\nthe body\u0000with more\n\nBREAKING CHANGE: after a NUL too\n'));
    r.commit('fix: a later fix');
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    assert.ok(subjects(notes).includes('before\uFFFDafter the nul'), JSON.stringify(subjects(notes)));
    assert.ok(subjects(notes).includes('a later fix'), 'the commits after it are all there');
    assert.equal(notes.version.next, '2.0.0', 'the breaking change after the NUL counts');
    const warning = `Commit ${hash.slice(0, 7)}: its message contains 2 NUL bytes (git log stops the message there); shown as \uFFFD, the rest of the message kept.`;
    assert.ok(notes.warnings.includes(warning), JSON.stringify(notes.warnings));

    const run = await cli(r, ['notes']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /before\uFFFDafter the nul/);
    assert.ok(run.err.includes(`warning: ${warning}\n`), run.err);
    const changelog = await cli(r, ['changelog']);
    assert.equal(changelog.code, 0, changelog.err);
    assert.match(changelog.out, /before\uFFFDafter the nul/);
    assert.ok(changelog.err.includes(`warning: ${warning}\n`), changelog.err);
    const whole = await buildChangelog(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    assert.ok(whole[0]!.warnings.includes(warning), JSON.stringify(whole[0]!.warnings));
  });

  it('decodes a message that is not UTF-8 and declares no encoding with U+FFFD, and warns naming the commit', async () => {
    const r = released();
    const hash = rawCommit(r, Buffer.from([...Buffer.from('fix: caf'), 0xe9, ...Buffer.from(' cr'), 0xe8, ...Buffer.from('me\n')]));
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    assert.deepEqual(subjects(notes), ['caf\uFFFD cr\uFFFDme']);
    const warning = `Commit ${hash.slice(0, 7)}: its message is not valid UTF-8 and declares no encoding git could convert; the invalid bytes are shown as \uFFFD.`;
    assert.deepEqual(notes.warnings.filter((w) => w.startsWith('Commit ')), [warning]);
    const run = await cli(r, ['notes']);
    assert.ok(run.err.includes(`warning: ${warning}\n`), run.err);
  });

  it('converts a message with a declared encoding, without a warning', async () => {
    const r = released();
    rawCommit(r, Buffer.from([...Buffer.from('fix: caf'), 0xe9, ...Buffer.from(' cr'), 0xe8, ...Buffer.from('me\n')]), 'encoding ISO-8859-1\n');
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    assert.deepEqual(subjects(notes), ['café crème']);
    assert.deepEqual(notes.warnings.filter((w) => w.startsWith('Commit ')), []);
  });

  it('leaves ordinary messages alone: no warning, same order', async () => {
    const r = released();
    for (let i = 0; i < 8; i++) r.commit(`fix: change ${i}\n\nbody ${i}`);
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    assert.deepEqual(subjects(notes), [7, 6, 5, 4, 3, 2, 1, 0].map((i) => `change ${i}`));
    assert.deepEqual(notes.warnings.filter((w) => w.startsWith('Commit ')), []);
  });

  it('finds a NUL whatever else the object holds: a signature header, an odd identity, a NUL in the last byte, many commits around it', async () => {
    const r = released();
    for (let i = 0; i < 40; i++) r.commit(`fix: before ${i}`);
    const signed = rawCommit(r, Buffer.from('feat: signed\u0000hidden\n'), 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n');
    const tree = r.git('rev-parse', 'HEAD^{tree}');
    // An identity git prints shorter than the object has it (spaces before "<") and a NUL as the last byte.
    const odd = Buffer.concat([Buffer.from(`tree ${tree}\nparent ${signed}\nauthor Ada   <ada@example.com> 1700000000 +0000\ncommitter Ada <ada@example.com> 1700000000 +0000\n\nfix: last byte`), Buffer.from([0])]);
    const oddHash = execFileSync('git', ['hash-object', '-w', '-t', 'commit', '--literally', '--stdin'], { cwd: r.dir, input: odd, encoding: 'utf8' }).trim();
    r.git('update-ref', 'HEAD', oddHash);
    for (let i = 0; i < 40; i++) r.commit(`fix: after ${i}`);
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    const all = subjects(notes);
    assert.ok(all.includes('signed\uFFFDhidden'), JSON.stringify(all));
    assert.ok(all.includes('last byte\uFFFD'), JSON.stringify(all));
    assert.equal(all.length, 82);
    assert.deepEqual(notes.warnings.filter((w) => w.startsWith('Commit ')).length, 2);
  });

  it('leaves a signed commit without a NUL alone (its size differs from the log, its message does not)', async () => {
    const r = released();
    rawCommit(r, Buffer.from('feat: signed only\n'), 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n');
    const notes = await draftNotes(await LocalGitRepo.open(r.dir), parseConfig('{}'));
    assert.deepEqual(subjects(notes), ['signed only']);
    assert.deepEqual(notes.warnings.filter((w) => w.startsWith('Commit ')), []);
  });
});
