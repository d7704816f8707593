/**
 * The decision-log entry of a finished deploy or rollback (appended to the same markdown log as
 * go/no-go decisions): who, what, where, how it ended, every step, and for a rollback its duration
 * against the five-minute target. All text is untrusted and rendered inert.
 */
import { escapeMarkdown } from '../render';
import { oneLine } from '../sanitize';
import { redactSecrets } from '../secrets';
import type { DeployJournal, StepState } from './journalTypes';
import { duration } from './plan';
import { ROLLBACK_TARGET_MS, rollbackDuration, type RollbackDuration } from './rollback';

/** One line of untrusted text, inert in markdown, with anything that looks like a credential removed. */
const text = (s: string) => escapeMarkdown(redactSecrets(oneLine(s)));

const MARK: Record<StepState['status'], string> = { pending: '·', sending: '?', sent: '…', running: '…', done: '✔', failed: '✘', skipped: '–' };

/**
 * How long a rollback took, against the target: a rollback operation from its start, an automatic
 * rollback from its first step, to the end (or the last update while unfinished). Null when the
 * operation rolled nothing back.
 */
export function rollbackTime(j: DeployJournal, targetMs = ROLLBACK_TARGET_MS): RollbackDuration | null {
  const rollback = j.plan.operation === 'rollback';
  if (!rollback && j.rollbackTarget === null) return null;
  const firstRollback = j.steps.find((s) => s.phase === 'rollback' && s.state.status !== 'pending' && s.state.status !== 'skipped');
  const from = rollback ? j.startedAt : firstRollback && 'at' in firstRollback.state ? firstRollback.state.at : j.startedAt;
  return rollbackDuration(from, j.finishedAt ?? j.updatedAt, targetMs);
}

/** Renders a finished (or inspected) operation as a markdown section for the decision log. */
export function renderDeployRecord(j: DeployJournal, who: string, targetMs = ROLLBACK_TARGET_MS): string {
  const rollback = j.plan.operation === 'rollback';
  const head = rollback ? `ROLLBACK — ${text(j.plan.environment)} to ${text(j.plan.release.version)}` : `DEPLOY — ${text(j.plan.release.version)} to ${text(j.plan.environment)}`;
  const lines = ['', `## ${head} — ${text(j.startedAt)}`, '', `- By: ${text(who)}`, `- Commit: ${j.plan.release.sha.slice(0, 12)} (${text(j.plan.release.ref)})`];
  if (!rollback) lines.push(`- Strategy: ${j.plan.strategy}`);
  for (const why of j.plan.allowedBecause ?? []) lines.push(`- Allowed: ${text(why)}`);
  lines.push(`- Outcome: ${j.state}${j.outcome ? ` — ${text(j.outcome)}` : ''}`);
  const end = j.finishedAt ?? j.updatedAt;
  const d = rollbackTime(j, targetMs);
  if (d !== null) {
    lines.push(`- Rollback duration: ${d.text}${j.state === 'rolled-back' ? '' : ' (not completed)'}`);
  } else lines.push(`- Duration: ${duration(Math.max(0, Date.parse(end) - Date.parse(j.startedAt)))}`);
  lines.push('', '### Steps', '');
  for (const s of j.steps) {
    const st = s.state;
    const detail = st.status === 'done' ? st.result : st.status === 'failed' || st.status === 'skipped' ? st.reason : st.status === 'sent' && st.handle?.url ? st.handle.url : '';
    const tag = s.phase === 'main' || (rollback && s.phase === 'rollback') ? '' : `[${s.phase}] `;
    lines.push(`- ${MARK[st.status]} ${tag}${text(s.plan.label)} (${st.status})${detail ? `: ${text(detail)}` : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}
