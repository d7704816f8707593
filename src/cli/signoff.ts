import type { ReleaseConfig } from '../core/config';
import { draftNotes } from '../core/draft';
import { UsageError } from '../core/errors';
import { SIGNOFF_FILE, tallySignOffs } from '../core/gates/manual';
import { oneLine } from '../core/sanitize';
import type { LocalGitRepo } from '../git/gitRepo';
import { recordSignOff, signOffCommitArgs, signOffsFor } from '../node/signOffFile';
import { whoAmI } from '../node/whoAmI';

/** What `signoff` was asked. */
export interface SignOffFlags {
  gate: string | undefined;
  note: string | undefined;
  path: string | undefined;
  prerelease: string | undefined;
}

/** Longest note kept with a sign-off. */
const MAX_NOTE = 500;

/** A shell word: quoted unless plain. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._\-/=:@]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `signoff --gate ID`: records the current git identity's sign-off of a manual gate for the next version in the
 * repository's sign-off file, and prints the git commands that share it (nothing is committed or pushed).
 */
export async function runSignOffCommand(repo: LocalGitRepo, config: ReleaseConfig, flags: SignOffFlags, io: { out: (text: string) => void; err: (text: string) => void }): Promise<number> {
  if (flags.gate === undefined) throw new UsageError('signoff needs --gate ID.', `Name the manual gate, e.g. release-manager signoff --gate ${config.gates.find((g) => g.kind === 'manual')?.id ?? 'qa'}.`);
  const manual = config.gates.filter((g) => g.kind === 'manual' || g.kind === 'risk').map((g) => g.id);
  const gate = config.gates.find((g) => g.id === flags.gate);
  const ids = manual.length > 0 ? `Use one of the manual gates: ${manual.join(', ')}.` : 'The configuration has no manual gate: add one ({"kind": "manual", …}) to .release-manager.json.';
  if (!gate) throw new UsageError(`No gate with id ${JSON.stringify(oneLine(flags.gate).slice(0, 64))}.`, ids);
  if (gate.kind !== 'manual' && gate.kind !== 'risk') throw new UsageError(`Gate ${gate.id} is a ${gate.kind} gate: only manual and risk gates are signed off.`, ids);
  const note = flags.note?.trim();
  if (note !== undefined && note.length > MAX_NOTE) throw new UsageError(`--note is ${note.length} characters long (limit ${MAX_NOTE}).`, 'Shorten the note; link to a longer text instead.');
  const notes = await draftNotes(repo, config, { path: flags.path, prerelease: flags.prerelease, firstTimeContributors: false });
  const version = notes.version.next;
  if (version === null) throw new UsageError('There is no next version to sign off: nothing since the last release changes the version.', 'Sign off once the release has changes (release-manager version shows the next version).');
  const who = await whoAmI(repo);
  const head = await repo.head();
  await recordSignOff(repo.root, { version, gateId: gate.id, who, when: new Date().toISOString(), ...(note ? { note } : {}), ...(head.hash ? { commit: head.hash } : {}) });
  const tally = tallySignOffs(gate, await signOffsFor(repo.root, version));
  const counts = tally.counted.some((s) => s.who === who);
  const progress = counts ? ` (${tally.counted.length} of ${tally.needed} approval${tally.needed === 1 ? '' : 's'})` : '';
  io.out(`Signed off ${gate.id} for ${version} as ${oneLine(who)}${progress}.\n`);
  if (!counts) io.err(`warning: ${oneLine(who)} is not among the people gate ${gate.id} accepts ("from" in the config): this sign-off does not count.\n`);
  const commands = signOffCommitArgs(version, gate.id).map((args) => ['git', ...args.filter((a) => a !== '-q')].map(shellWord).join(' '));
  io.out(`Recorded in ${SIGNOFF_FILE}; nothing was committed or pushed. To share it with the team and CI:\n  ${commands.join(' && ')} && git push\n`);
  return 0;
}
