/** The team's sign-offs, in a tracked file of the repository: every clone and CI read the same record after a pull. */
import { once } from '../core/lazy';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { UsageError } from '../core/errors';
import type { SignOff } from '../core/gates/context';
import { SIGNOFF_FILE, signerKey } from '../core/gates/manual';
import { withLockFile, writeFileAtomic } from './atomicFile';
import { resolveInside } from './runner';

/** Largest sign-off file read (a team's sign-offs are a few KB). */
const MAX_FILE_BYTES = 1024 * 1024;
/** How long a writer waits for another writer of the same file. */
const LOCK_WAIT_MS = 5_000;

const entrySchema = once(() => z.strictObject({
  version: z.string().min(1).max(100),
  /** HEAD when it was signed off (for the record; the sign-off belongs to the version). */
  commit: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
  gateId: z.string().min(1).max(64),
  who: z.string().min(1).max(320),
  when: z.string().min(1).max(40),
  note: z.string().max(500).optional(),
}));
const fileSchema = once(() => z.strictObject({ signOffs: z.array(entrySchema()).max(10_000) }));

/** One recorded sign-off: of a gate, for a version. */
export type SignOffEntry = z.infer<ReturnType<typeof entrySchema>>;

/** Every sign-off in the repository's file; empty when there is none. Throws a UsageError naming the file and the fix when it is malformed. */
export async function readSignOffFile(root: string): Promise<SignOffEntry[]> {
  const real = await resolveInside(root, SIGNOFF_FILE, 'The sign-off file');
  if (real === null) return [];
  const text = await readFile(real, 'utf8');
  const broken = (why: string) =>
    new UsageError(`${SIGNOFF_FILE} is not a sign-off record (${why}).`, `Restore it from git (git checkout -- ${SIGNOFF_FILE}) or resolve its merge conflict, keeping every entry of "signOffs".`);
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw broken(`larger than ${MAX_FILE_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw broken(`invalid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  const parsed = fileSchema().safeParse(json);
  if (!parsed.success) throw broken(parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '));
  return parsed.data.signOffs;
}

/** The sign-offs of one version, as gates read them. */
export async function signOffsFor(root: string, version: string): Promise<SignOff[]> {
  return (await readSignOffFile(root))
    .filter((e) => e.version === version)
    .map((e) => ({ gateId: e.gateId, who: e.who, when: e.when, ...(e.note !== undefined ? { note: e.note } : {}) }));
}

/** Rewrites the file with `change` applied, atomically and under a lock (two windows signing off at once both land). */
async function update(root: string, change: (entries: SignOffEntry[]) => SignOffEntry[]): Promise<string> {
  const existing = await resolveInside(root, SIGNOFF_FILE, 'The sign-off file');
  const target = existing ?? resolve(root, SIGNOFF_FILE);
  if (existing === null) {
    await mkdir(dirname(target), { recursive: true });
    await resolveInside(root, dirname(SIGNOFF_FILE), 'The sign-off folder');
  }
  const done = await withLockFile(`${target}.lock`, LOCK_WAIT_MS, async () => {
    const next = change(await readSignOffFile(root));
    await writeFileAtomic(target, JSON.stringify({ signOffs: next }, null, 2) + '\n');
  });
  if (done === null) throw new UsageError(`${SIGNOFF_FILE} is being written by another Release Manager.`, 'Try again in a few seconds.');
  return target;
}

/** Records a sign-off (replacing the same person's (by e-mail) earlier one of that gate and version); returns the file written. */
export async function recordSignOff(root: string, entry: SignOffEntry): Promise<string> {
  const note = entry.note?.trim();
  const clean = entrySchema().parse({ ...entry, note: note ? note : undefined });
  const same = (e: SignOffEntry) => e.version === clean.version && e.gateId === clean.gateId && signerKey(e.who) === signerKey(clean.who);
  return update(root, (entries) => [...entries.filter((e) => !same(e)), clean]);
}

/** Removes `who`'s sign-off of a gate for a version (others' stay); true when there was one. */
export async function revokeSignOff(root: string, version: string, gateId: string, who: string): Promise<boolean> {
  let removed = false;
  await update(root, (entries) =>
    entries.filter((e) => {
      const hit = e.version === version && e.gateId === gateId && signerKey(e.who) === signerKey(who);
      removed ||= hit;
      return !hit;
    }),
  );
  return removed;
}

/** The git commands that commit the sign-off file alone (never pushed for the user). */
export function signOffCommitArgs(version: string, gateId: string): string[][] {
  return [
    ['add', '--', SIGNOFF_FILE],
    ['commit', '-q', '-m', `chore(release): sign off ${gateId} for ${version}`, '--', SIGNOFF_FILE],
  ];
}
