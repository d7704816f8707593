/**
 * The decision-log entries of flags (appended to the same markdown log as go/no-go decisions and
 * deploys): a kill switch (who, when, the state before and after) and a finished rollout (its steps
 * and how it ended). All text is untrusted and rendered inert.
 */
import { escapeMarkdown } from '../render';
import { oneLine } from '../sanitize';
import { redactSecrets } from '../secrets';
import { describeSetting, type FlagJournal, type FlagSetting, type FlagStepRecord } from './journal';

/** One line of untrusted text, inert in markdown, with anything that looks like a credential removed. */
const text = (s: string) => escapeMarkdown(redactSecrets(oneLine(s)));

const MARK: Record<FlagStepRecord['status'], string> = { pending: '·', setting: '?', set: '…', passed: '✔', failed: '✘', skipped: '–' };

/** What a kill switch records. */
export interface FlagKillRecord {
  flag: string;
  environment: string;
  who: string;
  /** ISO-8601. */
  when: string;
  before: FlagSetting | null;
  after: FlagSetting | null;
  /** Why, when the person said. */
  why?: string;
  /** A rollout the kill stopped. */
  stoppedRun?: string;
}

/** The decision-log section of a kill switch. */
export function renderFlagKill(r: FlagKillRecord): string {
  const lines = ['', `## FLAG KILL — ${text(r.flag)} in ${text(r.environment)} — ${text(r.when)}`, '', `- By: ${text(r.who)}`];
  lines.push(`- Before: ${r.before ? describeSetting(r.before) : 'unknown'}`);
  lines.push(`- After: ${r.after ? describeSetting(r.after) : 'unknown (the server did not answer the read-back)'}`);
  if (r.why !== undefined) lines.push(`- Why: ${r.why.trim() ? text(r.why) : '(no reason given)'}`);
  if (r.stoppedRun) lines.push(`- Stopped the rollout ${text(r.stoppedRun)}`);
  return `${lines.join('\n')}\n`;
}

/** The decision-log section of a finished flag rollout. */
export function renderFlagRollout(j: FlagJournal, who: string): string {
  const head = j.mode === 'to' ? `FLAG ROLLOUT — ${text(j.flag)} to ${j.steps[0]?.percent ?? '?'}% in ${text(j.environment)}` : `FLAG RAMP — ${text(j.flag)} in ${text(j.environment)}`;
  const lines = ['', `## ${head} — ${text(j.startedAt)}`, '', `- By: ${text(who)}`, `- Before: ${describeSetting(j.before)}`, `- After: ${describeSetting(j.expected)}`, `- Outcome: ${j.state}${j.outcome ? ` — ${text(j.outcome)}` : ''}`];
  if (j.finishedAt) lines.push(`- Finished: ${text(j.finishedAt)}`);
  if (j.steps.length > 0) {
    lines.push('', '### Steps', '');
    for (const s of j.steps) lines.push(`- ${MARK[s.status]} ${s.percent}% (${s.status}${s.at ? `, ${text(s.at)}` : ''})${s.reason ? `: ${text(s.reason)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
