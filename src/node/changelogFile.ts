/** Saving a drafted release section into a repository's CHANGELOG.md (atomically; the CLI and the editor share it). */
import { join } from 'node:path';
import { insertChangelogSection } from '../core/changelogFile';
import { UsageError } from '../core/errors';
import { readTextOrNull, writeFileAtomic } from './atomicFile';

/** What was saved where. */
export interface SavedChangelog {
  file: string;
  title: string;
  created: boolean;
}

/**
 * Inserts `section` at the top of `<folder>/CHANGELOG.md` (created when missing) and writes the file
 * in one step. A release the file already has, or an empty draft, is refused with a UsageError.
 */
export async function saveToChangelog(folder: string, section: string): Promise<SavedChangelog> {
  const file = join(folder, 'CHANGELOG.md');
  const existing = await readTextOrNull(file);
  const r = insertChangelogSection(existing, section);
  if (r.kind === 'empty') throw new UsageError('The drafted notes are empty: there is no release section to save.', 'Draft the release notes again (Release: Draft Release Notes).');
  if (r.kind === 'duplicate') {
    throw new UsageError(`CHANGELOG.md already has ${r.title.split(/\s/)[0]} (line ${r.line}): nothing was changed.`, 'Edit that section in CHANGELOG.md, or draft the notes of another release.');
  }
  await writeFileAtomic(file, r.text);
  return { file, title: r.title, created: r.created };
}
