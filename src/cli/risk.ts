/**
 * `release-manager risk`: the release's risk score with every factor and its weight (text or JSON, the
 * contract of docs/cli.md), and `--answer ID=yes|no` to record a business-risk answer as a sign-off.
 * Exit 0 when the score was computed (whatever its level: the risk gate is what blocks), 2 on usage errors.
 */
import { findEnvironment } from '../core/deploy/schema';
import { GitHubError, UsageError } from '../core/errors';
import { parseInstant } from '../core/gates/calendar';
import { clip } from '../core/gates/kind';
import { tallySignOffs } from '../core/gates/manual';
import type { GitHubApi } from '../core/githubApi';
import { answerGateId, RISK_JSON_VERSION, type RiskAssessment } from '../core/risk/assess';
import type { ReleaseConfig } from '../core/config';
import type { GitHubRepoRef } from '../core/remote';
import { LocalGitRepo } from '../git/gitRepo';
import { loadConfig } from '../node/configFile';
import { riskConfigOf } from '../core/risk/schema';
import { loadRisk } from '../node/loadRisk';
import { recordSignOff, signOffsFor } from '../node/signOffFile';
import { whoAmI } from '../node/whoAmI';
import { cliGitHubApi, cliGitHubRepo } from './publish';

/** The options risk takes. */
export const RISK_FLAGS: readonly string[] = ['repo', 'env', 'at', 'format', 'remote', 'answer', 'note', 'path', 'prerelease', 'help'];

/** What the risk command is given. */
export interface RiskFlags {
  repo?: string;
  env?: string;
  at?: string;
  format?: string;
  remote?: string;
  answer?: string;
  note?: string;
  path?: string;
  prerelease?: string;
}

/** Where the command writes, its environment (tokens) and clock. */
export interface RiskIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  now?: Date;
}

/** The ids of the risk gates (their sign-offs are the risk's sign-off); `risk` when none is configured. */
export function riskGateIds(config: ReleaseConfig): string[] {
  const ids = config.gates.filter((g) => g.kind === 'risk').map((g) => g.id);
  return ids.length > 0 ? ids : ['risk'];
}

/** Runs `risk`; resolves to the exit code (errors are thrown to the CLI's funnel). */
export async function runRiskCommand(flags: RiskFlags, io: RiskIo): Promise<number> {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${JSON.stringify(format)} is not supported by risk.`, 'Use one of: text, json.');
  let at: Date | undefined;
  if (flags.at !== undefined) {
    const ms = parseInstant(flags.at.trim());
    if (ms === null) throw new UsageError(`--at ${JSON.stringify(flags.at.slice(0, 40))} is not a time.`, 'Give an ISO date-time with Z or an offset, e.g. --at 2026-12-11T17:00:00+01:00 (a date alone is 00:00 UTC).');
    at = new Date(ms);
  }
  if (flags.note !== undefined && flags.answer === undefined) throw new UsageError('--note goes with --answer.', 'Use release-manager risk --answer customer-facing=yes --note "why".');
  const repo = await LocalGitRepo.open(flags.repo ?? io.cwd);
  const config = await loadConfig(repo.root);
  const risk = riskConfigOf(config);
  if (flags.env !== undefined && findEnvironment(config.deploy, flags.env) === null) {
    const known = config.deploy?.environments.map((e) => e.name) ?? [];
    throw new UsageError(`Unknown environment ${JSON.stringify(clip(flags.env, 64))}.`, known.length > 0 ? `Use --env with one of: ${known.join(', ')}.` : 'Use letters, digits, ".", "_" or "-".');
  }
  let answer: { id: string; value: 'yes' | 'no' } | null = null;
  if (flags.answer !== undefined) {
    const m = /^([a-z0-9][a-z0-9-]{0,39})=(yes|no)$/i.exec(flags.answer.trim());
    const ids = risk.questions.map((q) => q.id);
    if (!m) throw new UsageError(`--answer ${JSON.stringify(clip(flags.answer, 60))} is not ID=yes or ID=no.`, `Answer one question, e.g. --answer ${ids[0] ?? 'customer-facing'}=yes (questions: ${ids.join(', ') || 'none configured'}).`);
    if (!ids.includes(m[1]!.toLowerCase())) throw new UsageError(`No business-risk question ${JSON.stringify(m[1])}.`, ids.length > 0 ? `Use one of: ${ids.join(', ')} (risk.questions in .release-manager.json).` : 'risk.questions is empty: add questions to .release-manager.json.');
    if ((flags.note?.trim().length ?? 0) > 480) throw new UsageError('--note is longer than 480 characters.', 'Shorten the note; link to a longer text instead.');
    answer = { id: m[1]!.toLowerCase(), value: m[2]!.toLowerCase() as 'yes' | 'no' };
  }

  // GitHub when the repository is on GitHub and a token is set; otherwise the CI factor is unknown and says so.
  let ref: GitHubRepoRef | null = null;
  let refProblem: unknown = null;
  try {
    ref = await cliGitHubRepo(repo, io.env, flags.remote);
  } catch (e) {
    if (flags.remote !== undefined) throw e;
    refProblem = e;
  }
  const hasToken = Boolean(io.env.GITHUB_TOKEN?.trim() || io.env.GH_TOKEN?.trim());
  const github = async (): Promise<GitHubApi> => {
    if (ref === null) throw refProblem instanceof Error ? refProblem : new GitHubError('not-github', 'The repository has no GitHub remote.', 'Add a GitHub remote, or set GITHUB_REPOSITORY=OWNER/REPO.');
    if (!hasToken) throw new GitHubError('no-token', 'No GitHub token.', 'Set GITHUB_TOKEN (or GH_TOKEN) to a token that may read Actions and deployments.');
    return cliGitHubApi(ref, { err: io.err, env: io.env });
  };
  const now = io.now ?? new Date();
  const options = { repo, config, github, now, draft: { path: flags.path, prerelease: flags.prerelease }, ...(flags.env !== undefined ? { environment: flags.env } : {}), ...(at ? { at } : {}), ...(io.signal ? { signal: io.signal } : {}) };
  let facts = await loadRisk().collectRisk(options);
  if (answer !== null) {
    const version = facts.assessment.release;
    if (version === null) throw new UsageError('There is no next version to answer for: nothing since the last release changes the version.', 'Answer once the release has changes (release-manager version shows the next version).');
    const who = await whoAmI(repo);
    const head = await repo.head();
    const note = flags.note?.trim();
    await recordSignOff(repo.root, { version, gateId: answerGateId(answer.id), who, when: now.toISOString(), note: `${answer.value}${note ? `: ${note}` : ''}`, ...(head.hash ? { commit: head.hash } : {}) });
    io.err(`Recorded ${answer.id}=${answer.value} for ${version} as ${clip(who, 120)} in .release-manager/signoffs.json (nothing committed or pushed).\n`);
    facts = await loadRisk().collectRisk(options);
  }
  const a = facts.assessment;
  const gateIds = riskGateIds(config);
  const signOffs = a.release === null ? [] : await signOffsFor(repo.root, a.release);
  const signed = gateIds.flatMap((id) => tallySignOffs({ id, ...fromOf(config, id) }, signOffs).counted).sort((x, y) => y.when.localeCompare(x.when))[0] ?? null;
  const doc = {
    version: RISK_JSON_VERSION,
    release: a.release,
    range: a.range,
    environment: facts.environment?.name ?? flags.env ?? null,
    deployAt: a.deployAt,
    score: a.score,
    level: a.level,
    thresholds: a.thresholds,
    factors: a.factors,
    explanation: a.explanation,
    unknown: a.unknown,
    worstCase: a.worstCase,
    signOff: signed ? { gateId: signed.gateId, who: signed.who, when: signed.when, ...(signed.note ? { note: signed.note } : {}) } : null,
    canary: { required: facts.requireCanary, strategy: facts.environment?.strategy ?? null },
  };
  if (format === 'json') io.out(JSON.stringify(doc, null, 2) + '\n');
  else io.out(riskText(a, doc.signOff, gateIds[0]!, doc.canary));
  return 0;
}

function fromOf(config: ReleaseConfig, id: string): { from?: string[] } {
  const g = config.gates.find((x) => x.id === id);
  return g && g.kind === 'risk' && g.from ? { from: g.from } : {};
}

/** The assessment as terminal text: the level, every factor (points / weight), the top contributors, what is unknown. */
export function riskText(a: RiskAssessment, signOff: { who: string; when: string; note?: string } | null, gateId: string, canary: { required: boolean; strategy: string | null }): string {
  const lines: string[] = [];
  const range = `${a.range.from ?? 'the first commit'}..${a.range.to}`;
  lines.push(`Risk: ${a.level.toUpperCase()} (score ${a.score}; medium from ${a.thresholds.medium}, high from ${a.thresholds.high}) for ${a.release ?? 'no pending release'} (${range}), deploy at ${a.deployAt.slice(0, 16).replace('T', ' ')}Z`);
  lines.push('', '  points / weight  factor: value');
  for (const f of a.factors) {
    const pts = f.points === null ? '?' : f.points.toFixed(1);
    lines.push(`  ${pts.padStart(6)} / ${String(f.weight).padEnd(6)} ${clip(f.label, 70)}: ${clip(f.value, 120)}`);
    lines.push(`                   ${clip(f.status === 'unknown' && f.howTo ? `${f.detail} — ${f.howTo}` : f.detail, 200)}`);
  }
  lines.push('');
  if (a.explanation.length > 0) lines.push(`Top factors: ${a.explanation.slice(0, 3).map((e) => `${clip(e.label, 60)} ${e.points} (${e.share}%)`).join(', ')}`);
  else lines.push('Top factors: none (no factor contributes points)');
  if (a.unknown.length > 0) lines.push(`Not measured: ${a.unknown.join(', ')} (worst case ${a.worstCase.score}, ${a.worstCase.level})`);
  if (signOff) lines.push(`Sign-off: ${clip(signOff.who, 120)} on ${signOff.when}${signOff.note ? `: ${clip(signOff.note, 200)}` : ''}`);
  else if (a.level === 'high') lines.push(`Sign-off: none — a high risk needs one before GO: release-manager signoff --gate ${gateId} --note "why it is acceptable"`);
  if (canary.required) lines.push(`Canary: required for a high risk; the environment deploys with ${canary.strategy ?? 'no configured strategy'}`);
  return lines.join('\n') + '\n';
}
