import { parseArgs } from 'node:util';
import { buildChangelog } from '../core/changelog';
import type { NotesConfig } from '../core/config';
import { draftNotes, type DraftOptions } from '../core/draft';
import { ConfigError, GitError, ReleaseError, UsageError } from '../core/errors';
import type { ReleaseNotes } from '../core/notes';
import { renderMarkdown } from '../core/render';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';

/** Where the CLI writes; injectable so tests can run it in-process. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

const USAGE = `Usage: release-manager <command> [options]

Commands:
  notes       Release notes and next version of a range (default: last release to HEAD)
  version     The next version and the commits that decided it
  changelog   Notes of every release in the history, newest first

Options:
  --repo DIR            Repository (default: current directory)
  --from REF            Start of the range, exclusive (default: last release tag)     [notes, version]
  --to REF              End of the range (default: HEAD)
  --path DIR            Only commits touching DIR; uses that package's tag format (monorepos)
  --prerelease ID       Prerelease channel, e.g. rc gives 1.3.0-rc.0, rc.1, ...           [notes, version]
  --format FORMAT       markdown (default) or json; version also takes text
  -h, --help            Show this help

Exit codes: 0 success, 2 usage or config error, 1 other failure.`;

const COMMANDS = new Set(['notes', 'version', 'changelog']);

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    return report(e, io);
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        path: { type: 'string' },
        prerelease: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!, 'Run release-manager --help for the options.');
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const [command, ...extra] = positionals;
  if (!COMMANDS.has(command!)) throw new UsageError(`Unknown command ${JSON.stringify(command)}.`, 'Use one of: notes, version, changelog.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}.`, 'Options take the form --name value; see --help.');
  const format = values.format ?? (command === 'version' ? 'text' : 'markdown');
  const formats = command === 'version' ? ['text', 'json'] : ['markdown', 'json'];
  if (!formats.includes(format)) throw new UsageError(`--format ${JSON.stringify(format)} is not supported by ${command}.`, `Use one of: ${formats.join(', ')}.`);
  if (command === 'changelog' && (values.from !== undefined || values.prerelease !== undefined)) {
    throw new UsageError('changelog covers the whole history: --from and --prerelease do not apply.', 'Use release-manager notes --from REF for one range.');
  }
  const repo = await LocalGitRepo.open(values.repo ?? io.cwd);
  const config = await loadConfig(repo.root);
  if (command === 'changelog') {
    const releases = await buildChangelog(repo, config, { to: values.to, path: values.path });
    for (const w of releases[0]?.warnings ?? []) io.err(`warning: ${w}\n`);
    if (format === 'json') io.out(JSON.stringify(releases.map(publicNotes), null, 2) + '\n');
    else writeChangelog(releases, config, io);
    return 0;
  }
  const options: DraftOptions = { from: values.from, to: values.to, path: values.path, prerelease: values.prerelease };
  const notes = await draftNotes(repo, config, options);
  for (const w of notes.warnings) io.err(`warning: ${w}\n`);
  if (command === 'notes') {
    io.out(format === 'json' ? JSON.stringify(publicNotes(notes), null, 2) + '\n' : renderMarkdown(notes, config));
    return 0;
  }
  const v = publicNotes(notes).version;
  if (format === 'json') {
    io.out(JSON.stringify(v, null, 2) + '\n');
    return 0;
  }
  if (v.next === null) {
    io.out(`No release needed: nothing since ${notes.range.from ?? 'the first commit'} changes the version (current ${v.current ?? 'none'}).\n`);
    return 0;
  }
  const kind = v.firstRelease ? 'first release' : `${v.bump}${v.hotfix ? ', hotfix' : ''}, from ${v.current}`;
  io.out(`${v.next} (${kind})\nWhy:\n${v.reasons.map((r) => `  ${r.hash.slice(0, 7)} ${r.why}`).join('\n')}\n`);
  return 0;
}

/** The JSON contract: version warnings are reported once, at the top level. */
export function publicNotes(notes: ReleaseNotes) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { warnings: _w, ...version } = notes.version;
  return { ...notes, version };
}

function writeChangelog(releases: ReleaseNotes[], config: NotesConfig, io: CliIo): void {
  io.out('# Changelog\n\n');
  if (releases.length === 0) io.out('_No changes yet._\n');
  for (const r of releases) io.out(renderMarkdown(r, config) + '\n');
}

function report(e: unknown, io: CliIo): number {
  if (e instanceof ReleaseError) {
    io.err(`error: ${e.message}\nfix: ${e.fix}\n`);
    if (e instanceof UsageError || e instanceof ConfigError) return 2;
    if (e instanceof GitError) return 1;
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`error: unexpected failure: ${message.split('\n')[0]}\nfix: report this with the command you ran; nothing was changed.\n`);
  return 1;
}
