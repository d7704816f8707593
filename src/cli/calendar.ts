/**
 * `release-manager calendar`: the release calendar of a repository (past releases, planned release days,
 * code freezes, milestones' due dates, deploys per environment) as iCalendar (default) or JSON (the
 * contract of docs/cli.md). `--out FILE` replaces the file atomically (a reader sees the old or the new
 * calendar, never half of one); without it the calendar goes to stdout. Exit 0 when written, 2 on usage
 * or config errors, 1 otherwise.
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors';
import type { GitHubApi } from '../core/githubApi';
import type { GitHubRepoRef } from '../core/remote';
import { LocalGitRepo } from '../git/gitRepo';
import { writeFileAtomic } from '../node/atomicFile';
import { loadCalendar } from '../node/loadCalendar';
import { loadConfig } from '../node/configFile';
import { cliGitHubApi, cliGitHubRepo } from './publish';

/** The options calendar takes. */
export const CALENDAR_FLAGS: readonly string[] = ['repo', 'format', 'from', 'to', 'out', 'remote', 'help'];
const FORMATS = ['ics', 'json'];

/** What the calendar command is given. */
export interface CalendarFlags {
  repo?: string;
  format?: string;
  from?: string;
  to?: string;
  out?: string;
  remote?: string;
}

/** Where the command writes, its environment (tokens) and clock. */
export interface CalendarIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  now?: Date;
}

/** Runs `calendar`; resolves to the exit code (errors are thrown to the CLI's funnel). */
export async function runCalendarCommand(flags: CalendarFlags, io: CalendarIo): Promise<number> {
  const format = flags.format ?? 'ics';
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${JSON.stringify(format.slice(0, 20))} is not supported by calendar.`, `Use one of: ${FORMATS.join(', ')}.`);
  if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out needs a file name.', 'Write --out releases.ics, or leave it out to print the calendar.');
  const repo = await LocalGitRepo.open(flags.repo ?? io.cwd);
  const config = await loadConfig(repo.root);
  // GitHub is read when the repository is on GitHub and a token is set; otherwise the local events, with a note.
  let ref: GitHubRepoRef | null = null;
  try {
    ref = await cliGitHubRepo(repo, io.env, flags.remote);
  } catch (e) {
    if (flags.remote !== undefined) throw e;
  }
  const hasToken = Boolean(io.env.GITHUB_TOKEN?.trim() || io.env.GH_TOKEN?.trim());
  const github: GitHubApi | null = ref !== null && hasToken ? cliGitHubApi(ref, { err: io.err, env: io.env }) : null;
  const { collectCalendar, calendarIcs } = loadCalendar();
  const report = await collectCalendar({ repoRoot: repo.root, config, from: flags.from, to: flags.to, github, repo: ref, now: io.now, signal: io.signal });
  const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : calendarIcs(report);
  // Notes go to stderr as the CLI's warnings do (the JSON carries them too).
  for (const n of report.notes) io.err(`note: ${n}\n`);
  if (flags.out !== undefined) {
    const target = resolve(io.cwd, flags.out);
    await writeFileAtomic(target, text);
    io.err(`Wrote ${report.events.length} event${report.events.length === 1 ? '' : 's'} (${report.window.from} to ${report.window.to}) to ${target}.\n`);
  } else io.out(text);
  return 0;
}
