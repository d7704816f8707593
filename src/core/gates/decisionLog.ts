import { escapeMarkdown } from '../render';
import { oneLine } from '../sanitize';
import { redactSecrets } from '../secrets';
import type { SignOff } from './context';
import type { GateResult, GateStatus, Verdict } from './types';

/** Everything one go/no-go decision records (all text is untrusted and rendered inert). */
export interface DecisionRecord {
  verdict: Verdict;
  results: readonly GateResult[];
  signOffs: readonly (SignOff & { title?: string })[];
  /** The release version decided on; null when nothing is pending. */
  version: string | null;
  who: string;
  /** ISO-8601 time of the decision. */
  when: string;
  commit: string | null;
  branch: string | null;
  /** Why the person decided as they did (only printed when given). */
  why?: string;
  /** The decision recorded, when it overrides the computed verdict. */
  decision?: 'GO' | 'NO-GO';
}

const MARK: Record<GateStatus, string> = { pass: '✔', fail: '✘', warn: '⚠', pending: '…', unknown: '?', skipped: '–' };

/** One line of untrusted text, inert in markdown, with anything that looks like a credential removed. */
const text = (s: string) => escapeMarkdown(redactSecrets(oneLine(s)));

/** Renders one decision as a markdown section for the decision log (an append-only audit trail). */
export function renderDecision(r: DecisionRecord): string {
  const decision = r.decision ?? r.verdict.decision;
  const lines = [
    '',
    `## ${decision} — ${r.version ? text(r.version) : 'no pending release'} — ${text(r.when)}`,
    '',
    `- Decided by: ${text(r.who)}`,
  ];
  if (r.why !== undefined) lines.push(`- Why: ${r.why.trim() ? text(r.why) : '(no reason given)'}`);
  if (decision !== r.verdict.decision) lines.push(`- Overrides the computed verdict (${r.verdict.decision})`);
  lines.push(
    `- Commit: ${r.commit ? r.commit.slice(0, 12) : 'unknown'}${r.branch ? ` on ${text(r.branch)}` : ''}`,
    `- Verdict: ${text(r.verdict.summary)}`,
    '',
    '### Gates',
    '',
    ...(r.results.length > 0
      ? r.results.map((g) => `- ${MARK[g.status]} **${text(g.title)}** (${g.required ? 'required' : 'advisory'}, ${g.status}): ${text(g.reason)}`)
      : ['- (none)']),
    '',
    '### Sign-offs',
    '',
    ...(r.signOffs.length > 0 ? r.signOffs.map((s) => `- **${text(s.title ?? s.gateId)}**: ${text(s.who)}, ${text(s.when)}${s.note ? ` — ${text(s.note)}` : ''}`) : ['- (none)']),
    '',
  );
  return lines.join('\n');
}

/** The heading a new decision log starts with. */
export const DECISION_LOG_HEADER = '# Release decisions\n\nAppend-only record of go/no-go decisions, written by Release Manager.\n';
