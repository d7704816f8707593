/**
 * `release-manager announce`: previews each audience's announcement (markdown, and where it would go),
 * or with --send delivers it through the configured channels, journaled (a rerun never sends twice).
 * Channel secrets are environment variables named in the config; they are never printed.
 */
import { parseArgs } from 'node:util';
import { AUDIENCES, STAGES, type Audience, type DeliveryResult, type Stage } from '../core/announce/types';
import type { ReleaseConfig } from '../core/config';
import { UsageError } from '../core/errors';
import { oneLine, stripUnsafe } from '../core/sanitize';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';
import type { GitHubApi } from '../core/githubApi';
import type { AnnounceInput } from '../node/announce';
import { loadAnnounce } from '../node/loadAnnounce';
import { cliGitHubApi, cliGitHubRepo } from './publish';

/** The options of announce (its own table: here --version takes a value). */
export const ANNOUNCE_OPTIONS = {
  repo: { type: 'string' },
  version: { type: 'string' },
  audience: { type: 'string', multiple: true },
  stage: { type: 'string' },
  at: { type: 'string' },
  send: { type: 'boolean' },
  yes: { type: 'boolean' },
  format: { type: 'string' },
  resend: { type: 'boolean' },
  'retry-unconfirmed': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help of announce. */
export const ANNOUNCE_USAGE = `Usage: release-manager announce [--repo DIR] [--version X] [--audience internal|external|support]…
                                [--stage notice|started|completed|rolled-back] [--at ISO] [--send] [--yes]
                                [--resend] [--retry-unconfirmed] [--format text|json]

Without --send: previews each audience's announcement and where it would go. With --send: delivers it
(asks first unless --yes; without a terminal --yes is required), journaled in the git directory so that
a rerun never sends the same announcement twice.

  --version X           The release announced (default: the next release of HEAD)
  --audience A          internal, external or support; repeatable (default: every audience with a channel)
  --stage S             notice (default), started, completed or rolled-back
  --at ISO              Planned deploy time of a notice, e.g. 2026-12-08T14:00:00Z
  --send                Deliver, instead of previewing
  --yes                 Do not ask for confirmation (required without a terminal)
  --resend              Send again where the content changed since it was sent (a revised notice)
  --retry-unconfirmed   Send again attempts whose outcome is unknown (check the channel first)
  --format F            text (default) or json

Exit codes: 0 previewed or every delivery sent (or already sent), 1 a delivery failed or is unconfirmed,
2 usage or config error.`;

/** What announce needs of the CLI's io (the same shape as main's CliIo). */
export interface AnnounceIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  confirm?: (question: string) => Promise<boolean>;
}

/** Runs `release-manager announce` with its arguments (the command name removed). */
export async function runAnnounceCli(args: string[], io: AnnounceIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: ANNOUNCE_OPTIONS });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!;
    const unknown = /^Unknown option '([^']*)'/.exec(first);
    throw new UsageError(unknown ? `${unknown[1]} does not apply to announce.` : first.replace(/\. To specify a positional argument.*$/, '.'), 'Run release-manager announce --help for its options.');
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.out(ANNOUNCE_USAGE + '\n');
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[0]!.slice(0, 60))}.`, 'Options take the form --name value; see release-manager announce --help.');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${JSON.stringify(format.slice(0, 20))} is not supported by announce.`, 'Use one of: text, json.');
  const stage = (v.stage ?? 'notice') as Stage;
  if (!STAGES.includes(stage)) throw new UsageError(`--stage ${JSON.stringify(String(v.stage).slice(0, 30))} is not a stage.`, `Use one of: ${STAGES.join(', ')}.`);
  const audiences = (v.audience ?? []).map((a) => {
    if (!AUDIENCES.includes(a as Audience)) throw new UsageError(`--audience ${JSON.stringify(a.slice(0, 30))} is not an audience.`, `Use one of: ${AUDIENCES.join(', ')}.`);
    return a as Audience;
  });
  if (v.at !== undefined && stage !== 'notice') throw new UsageError('--at is the planned time of a notice.', 'Use --at with --stage notice (the default).');
  const plannedAt = v.at !== undefined ? loadAnnounce().parsePlannedAt(v.at) : null;
  if (!v.send && (v.yes || v.resend || v['retry-unconfirmed'])) throw new UsageError(`--${v.yes ? 'yes' : v.resend ? 'resend' : 'retry-unconfirmed'} applies to --send only.`, 'Add --send to deliver, or drop it to preview.');
  const repo = await LocalGitRepo.open(v.repo ?? io.cwd);
  const config: ReleaseConfig = await loadConfig(repo.root);
  const input: AnnounceInput = {
    repo,
    config,
    stage,
    plannedAt,
    ...(v.version !== undefined ? { version: v.version } : {}),
    ...(audiences.length > 0 ? { audiences } : {}),
    secrets: loadAnnounce().envSecrets(io.env ?? process.env),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.env?.RELEASE_MANAGER_ANNOUNCE_TIMEOUT_MS ? { timeoutMs: Math.max(100, Number(io.env.RELEASE_MANAGER_ANNOUNCE_TIMEOUT_MS) || 15_000) } : {}),
  };
  // With a token, GitHub is asked for known issues and takes the github channel's posts (the gates
  // command connects the same way, so the notice gate renders what was sent).
  const env = io.env ?? process.env;
  if (env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim()) {
    let api: Promise<GitHubApi> | undefined;
    input.githubApi = () => (api ??= cliGitHubRepo(repo, env).then((ref) => cliGitHubApi(ref, { err: io.err, env })));
  } else if (config.announce?.channels.some((c) => c.kind === 'github')) {
    io.err('warning: the GitHub channel needs GITHUB_TOKEN (or GH_TOKEN); without it nothing is posted there.\n');
  }
  const previews = await loadAnnounce().previewAnnouncements(input);
  if (!v.send) {
    if (format === 'json') io.out(JSON.stringify(previews, null, 2) + '\n');
    else {
      for (const p of previews) {
        io.out(`== ${p.audience} · ${p.stage} · ${p.version}${p.plannedAt ? ` · planned ${p.plannedAt}` : ''} · template: ${oneLine(p.template)}\n`);
        io.out(`   to: ${oneLine(p.channels.map((c) => `${c.kind}: ${c.label}`).join('; ')) || '(no channel)'}\n\n`);
        io.out(stripUnsafe(p.markdown) + '\n');
      }
      io.out('Preview only: nothing was sent. Add --send to deliver.\n');
    }
    return 0;
  }
  if (stage === 'notice' && plannedAt === null) io.err('warning: a notice without --at names no deploy time; the notice gate counts hours from when it was sent.\n');
  const targets = previews.flatMap((p) => p.channels.map((c) => `${p.audience} → ${c.kind}: ${c.label}`));
  if (!v.yes) {
    if (!io.confirm) throw new UsageError('Sending announcements needs a confirmation and there is no terminal to ask on.', 'Review the preview (run without --send) and run again with --yes.');
    io.err(`About to send the ${stage} of ${previews[0]?.version ?? ''}:\n${targets.map((t) => `  ${t}\n`).join('')}`);
    if (!(await io.confirm(`Send ${targets.length} announcement${targets.length === 1 ? '' : 's'}? [y/N] `))) {
      io.err('Nothing was sent.\n');
      return 1;
    }
  }
  const results = await loadAnnounce().sendAnnouncements(input, {
    resend: v.resend === true,
    retryUnconfirmed: v['retry-unconfirmed'] === true,
    onResult: format === 'text' ? (r) => io.out(resultLine(r)) : undefined,
  });
  if (format === 'json') io.out(JSON.stringify(results, null, 2) + '\n');
  const bad = results.filter((r) => r.status === 'failed' || r.status === 'unconfirmed');
  if (format === 'text') {
    const counts = (['sent', 'already-sent', 'failed', 'unconfirmed'] as const).map((s) => [s, results.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
    io.out(`${counts.map(([s, n]) => `${n} ${s}`).join(', ') || 'nothing to send'}\n`);
  }
  return bad.length > 0 ? 1 : 0;
}

function resultLine(r: DeliveryResult): string {
  return `${r.status.padEnd(12)} ${r.audience} → ${r.channel} (${r.channelKind}): ${oneLine(r.message)}\n`;
}
