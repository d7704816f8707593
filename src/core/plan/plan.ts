/**
 * The scope of a release from its GitHub milestone (pure): what the milestone holds, what of it is
 * not merged yet (the gap), what merged in the unreleased range without being in it (the drift), and
 * a verdict. The adapter (src/node/plan.ts) gathers the milestones, the milestone's items and the
 * range's merged pull requests; everything here is computed from those values and a clock.
 */
import type { GhMilestone, GhMilestoneItem, GhPull } from '../githubApi';
import { oneLine } from '../sanitize';
import { findMilestone, milestoneTitles, releaseLine } from './milestone';

/** An issue or pull request of the milestone that is not done: open, closed without merging, or merged outside the range. */
export interface GapItem {
  number: number;
  title: string;
  url: string;
  kind: 'issue' | 'pull';
  labels: string[];
  /** `open`; `closed-unmerged` (a pull request closed without merging); `not-in-range` (merged on GitHub, not in the unreleased range). */
  why: 'open' | 'closed-unmerged' | 'not-in-range';
}

/** A pull request merged in the unreleased range that is not in the milestone. */
export interface DriftItem {
  number: number;
  title: string;
  url: string;
  labels: string[];
  author: string | null;
  mergedAt: string | null;
}

/** The milestone as the plan shows it. */
export interface PlanMilestone {
  number: number;
  title: string;
  state: 'open' | 'closed';
  /** ISO-8601 due date, null when it has none. */
  dueOn: string | null;
  /** Calendar days (UTC) from today to the due date: 0 today, negative when overdue; null without a due date. */
  daysLeft: number | null;
  url: string;
}

/** How the unreleased range's pull requests were read: all, part (commits past the lookup limit), not at all (GitHub failed), or not asked (no milestone). */
export type RangePulls = 'complete' | 'partial' | 'unavailable' | 'not-read';

/** How the release stands against its milestone. */
export type PlanVerdict = 'ready' | 'in-progress' | 'at-risk' | 'overdue' | 'no-milestone' | 'no-version';

/** The release plan: the contract of `release-manager plan --format json` (docs/cli.md) and of the tree's Plan node. */
export interface ReleasePlan {
  /** The release version the milestone is looked up for (prerelease dropped), null when there is none. */
  version: string | null;
  /** The milestone title patterns tried, in order, and the titles they gave. */
  patterns: string[];
  titles: string[];
  milestone: PlanMilestone | null;
  /** Items of the milestone by kind and state; null without a milestone. */
  counts: { issues: { open: number; closed: number }; pulls: { open: number; merged: number; closedUnmerged: number } } | null;
  /** Milestone items not done yet, open ones first, then by number. */
  gap: GapItem[];
  /** Merged pull requests of the range not in the milestone, by number. */
  drift: DriftItem[];
  /** The unreleased range (last release to HEAD): its commits, its merged pull requests (null when not read) and how fully they were read. */
  range: { from: string | null; to: string; commits: number; pulls: number | null; read: RangePulls };
  verdict: PlanVerdict;
  /** One line explaining the verdict. */
  summary: string;
  warnings: string[];
}

/** Everything the plan is computed from. */
export interface PlanInput {
  /** The release version (next, else current), null when the repository has none. */
  version: string | null;
  patterns: readonly string[];
  milestones: readonly GhMilestone[];
  /** Items of the found milestone (ignored when no milestone matches). */
  items: readonly GhMilestoneItem[];
  range: { from: string | null; to: string; commits: number };
  /** Merged pull requests whose commits are in the range (each once). */
  rangePulls: readonly GhPull[];
  rangeRead: RangePulls;
  now: Date;
  warnings?: readonly string[];
}

/** Days from `now` to `dueOn`, by calendar date in UTC (GitHub's due dates are dates). */
export function daysUntil(dueOn: string, now: Date): number | null {
  const due = new Date(dueOn);
  if (Number.isNaN(due.getTime())) return null;
  const day = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Math.round((day(due) - day(now)) / 86_400_000);
}

/** Days ahead at which an unfinished milestone is at risk. */
export const AT_RISK_DAYS = 2;

/** The milestone a plan is for, once found (exported for the gate, which needs only this much). */
export function planMilestone(m: GhMilestone, now: Date): PlanMilestone {
  return { number: m.number, title: oneLine(m.title), state: m.state, dueOn: m.dueOn, daysLeft: m.dueOn ? daysUntil(m.dueOn, now) : null, url: m.url };
}

/** Computes the plan (see ReleasePlan). */
export function computePlan(input: PlanInput): ReleasePlan {
  const patterns = [...input.patterns];
  const version = input.version === null ? null : releaseLine(input.version);
  const titles = version === null ? [] : milestoneTitles(patterns, version);
  const warnings = [...(input.warnings ?? [])];
  const rangePulls = uniquePulls(input.rangePulls);
  const range = { ...input.range, pulls: input.rangeRead === 'not-read' ? null : rangePulls.length, read: input.rangeRead };
  const found = version === null ? null : findMilestone(input.milestones, patterns, version);
  const drift = (inMilestone: ReadonlySet<number>) =>
    rangePulls.filter((p) => !inMilestone.has(p.number)).map((p): DriftItem => ({ number: p.number, title: oneLine(p.title), url: p.url, labels: p.labels, author: p.author, mergedAt: p.mergedAt }));
  if (found === null) {
    const verdict: PlanVerdict = version === null ? 'no-version' : 'no-milestone';
    const summary =
      version === null
        ? 'No release version: the repository has no commits to release (pass --version to plan one).'
        : `No milestone for ${version}: none is titled ${titles.map((t) => JSON.stringify(t)).join(' or ')}. Create the milestone on GitHub, or set plan.milestone in .release-manager.json.`;
    // Without a milestone there is no scope to drift from: the drift is empty, not "everything".
    return { version, patterns, titles, milestone: null, counts: null, gap: [], drift: [], range, verdict, summary, warnings };
  }
  const milestone = planMilestone(found, input.now);
  const inRange = new Set(rangePulls.map((p) => p.number));
  const items = uniqueItems(input.items);
  const counts = { issues: { open: 0, closed: 0 }, pulls: { open: 0, merged: 0, closedUnmerged: 0 } };
  const gap: GapItem[] = [];
  for (const i of items) {
    const base = { number: i.number, title: oneLine(i.title), url: i.url, kind: i.isPull ? ('pull' as const) : ('issue' as const), labels: i.labels };
    if (!i.isPull) {
      counts.issues[i.state]++;
      if (i.state === 'open') gap.push({ ...base, why: 'open' });
    } else if (i.state === 'open') {
      counts.pulls.open++;
      gap.push({ ...base, why: 'open' });
    } else if (i.mergedAt === null) {
      counts.pulls.closedUnmerged++;
      gap.push({ ...base, why: 'closed-unmerged' });
    } else {
      counts.pulls.merged++;
      // Only a complete read of the range can tell that a merged pull request is not in it.
      if (input.rangeRead === 'complete' && !inRange.has(i.number)) gap.push({ ...base, why: 'not-in-range' });
    }
  }
  gap.sort((a, b) => Number(b.why === 'open') - Number(a.why === 'open') || a.number - b.number);
  const open = gap.filter((g) => g.why === 'open').length;
  const verdict: PlanVerdict = open === 0 ? 'ready' : milestone.daysLeft !== null && milestone.daysLeft < 0 ? 'overdue' : milestone.daysLeft !== null && milestone.daysLeft <= AT_RISK_DAYS ? 'at-risk' : 'in-progress';
  if (input.rangeRead === 'partial' || input.rangeRead === 'unavailable') {
    warnings.push(
      input.rangeRead === 'partial'
        ? 'Only part of the range was linked to pull requests: the drift may miss some, and merged pull requests of the milestone are not checked against the range.'
        : 'The range could not be linked to pull requests: no drift is shown, and merged pull requests of the milestone are not checked against the range.',
    );
  }
  const plan: ReleasePlan = { version, patterns, titles, milestone, counts, gap, drift: drift(new Set(items.map((i) => i.number))), range, verdict, summary: '', warnings };
  plan.summary = planSummary(plan, input.now);
  return plan;
}

/** "1 issue", "2 pull requests". */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "due Dec 18 (in 11 days)", "due Dec 7 (today)", "was due Dec 4 (3 days overdue)", "no due date". */
export function dueText(m: Pick<PlanMilestone, 'dueOn' | 'daysLeft'>, now: Date): string {
  if (m.dueOn === null || m.daysLeft === null) return 'no due date';
  const due = new Date(m.dueOn);
  const date = `${MONTHS[due.getUTCMonth()]} ${due.getUTCDate()}${due.getUTCFullYear() !== now.getUTCFullYear() ? `, ${due.getUTCFullYear()}` : ''}`;
  const d = m.daysLeft;
  if (d < 0) return `was due ${date} (${count(-d, 'day')} overdue)`;
  return `due ${date} (${d === 0 ? 'today' : d === 1 ? 'tomorrow' : `in ${d} days`})`;
}

/** The one-line summary of a plan with a milestone. */
export function planSummary(plan: ReleasePlan, now: Date): string {
  const m = plan.milestone;
  if (!m || !plan.counts) return plan.summary;
  const openIssues = plan.counts.issues.open;
  const openPulls = plan.counts.pulls.open;
  const due = dueText(m, now);
  const drift = plan.drift.length > 0 ? `; ${count(plan.drift.length, 'merged pull request')} not in the milestone` : '';
  if (plan.verdict === 'ready') {
    const elsewhere = plan.gap.length > 0 ? ` (${plan.gap.length} not shipped in this range)` : '';
    return `${m.title}: nothing open${elsewhere}, ${due}${drift}`;
  }
  const what = [openIssues ? count(openIssues, 'issue') : '', openPulls ? count(openPulls, 'pull request') : ''].filter(Boolean).join(' and ');
  return `${m.title}: ${what} open, ${due}${drift}`;
}

function uniquePulls(pulls: readonly GhPull[]): GhPull[] {
  const by = new Map<number, GhPull>();
  for (const p of pulls) if (p.mergedAt !== null && !by.has(p.number)) by.set(p.number, p);
  return [...by.values()].sort((a, b) => a.number - b.number);
}

function uniqueItems(items: readonly GhMilestoneItem[]): GhMilestoneItem[] {
  const by = new Map<number, GhMilestoneItem>();
  for (const i of items) by.set(i.number, i);
  return [...by.values()];
}
