/**
 * The risk factors: each a small pure function from measured inputs to points. A factor contributes
 * `weight × intensity` points, intensity in 0–1 from what was measured; an unmeasured factor has no
 * points (null), says why, and how to measure it.
 */
import { parseInstant } from '../gates/calendar';
import { clip, listSome, plural } from '../gates/kind';
import type { Measured, RiskAnswer, RiskFreeze, RiskInputs } from './inputs';
import type { FactorId, RiskConfig, RiskQuestion } from './schema';
import type { RiskFactor } from './types';
import { weightOf } from './schema';

const DAY = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const round1 = (n: number) => Math.round(n * 10) / 10;
const clamp01 = (n: number) => Math.max(0, Math.min(1, n));

function factor(id: string, label: string, weight: number, value: string, intensity: number, detail: string): RiskFactor {
  return { id, label, value, points: round1(weight * clamp01(intensity)), weight, detail, status: 'measured' };
}

function unknown(id: string, label: string, weight: number, m: { why: string; howTo: string }, rule: string): RiskFactor {
  return { id, label, value: 'unknown', points: null, weight, detail: `${m.why} (${rule})`, status: 'unknown', howTo: m.howTo };
}

/** A measured factor, or its unknown form. */
function measured<T>(id: FactorId, label: string, config: RiskConfig, m: Measured<T>, rule: string, f: (v: T, w: number) => RiskFactor): RiskFactor {
  const w = weightOf(config, id);
  return m.ok ? f(m.value, w) : unknown(id, label, w, m, rule);
}

/** Commits in the range: full weight at 50. */
export function commitsFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at 50 commits';
  return measured('commits', 'Commits', config, inputs.size, rule, (s, w) => factor('commits', 'Commits', w, plural(s.commits, 'commit'), s.commits / 50, rule));
}

/** Files changed: full weight at 100. */
export function filesFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at 100 files';
  return measured('filesChanged', 'Files changed', config, inputs.size, rule, (s, w) =>
    factor('filesChanged', 'Files changed', w, `${plural(s.files, 'file')}${s.binaryFiles > 0 ? ` (${s.binaryFiles} binary)` : ''}`, s.files / 100, rule),
  );
}

/** Lines added plus removed: full weight at 2,000. */
export function linesFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at 2,000 lines added + removed';
  return measured('linesChanged', 'Lines changed', config, inputs.size, rule, (s, w) =>
    factor('linesChanged', 'Lines changed', w, `+${s.insertions} −${s.deletions} (${s.insertions + s.deletions} lines)`, (s.insertions + s.deletions) / 2000, rule),
  );
}

/** Breaking changes (from the notes engine): any is full weight. */
export function breakingFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'any breaking change is full weight';
  return measured('breakingChanges', 'Breaking changes', config, inputs.breaking, rule, (b, w) =>
    factor('breakingChanges', 'Breaking changes', w, b.count === 0 ? 'none' : plural(b.count, 'breaking change'), b.count > 0 ? 1 : 0, b.count > 0 ? `${rule}: ${listSome(b.subjects.map((s) => clip(s, 60)))}` : rule),
  );
}

/** Files under the configured critical paths: any is full weight. */
export function criticalPathsFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const label = 'Critical paths';
  if (config.criticalPaths.length === 0) {
    return { ...factor('criticalPaths', label, weightOf(config, 'criticalPaths'), 'none configured', 0, 'configure risk.criticalPaths (e.g. "migrations/**", "**/auth/**") to count changes under them'), howTo: 'Add risk.criticalPaths to .release-manager.json.' };
  }
  const rule = 'a change under any critical path is full weight';
  return measured('criticalPaths', label, config, inputs.critical, rule, (c, w) => {
    const hit = c.byPattern.filter((p) => p.files.length > 0);
    const files = new Set(hit.flatMap((p) => p.files));
    const detail = hit.length === 0 ? `${rule}; none of ${config.criticalPaths.join(', ')} changed` : `${rule}: ${hit.map((p) => `${p.pattern} (${listSome(p.files.map((f) => clip(f, 80)), 3)})`).join('; ')}`;
    return factor('criticalPaths', label, w, files.size === 0 ? 'none changed' : `${plural(files.size, 'file')} under ${listSome(hit.map((p) => p.pattern), 3)}`, files.size > 0 ? 1 : 0, detail);
  });
}

/** Lockfile changes (dependency updates): any is full weight. */
export function dependenciesFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'any lockfile change is full weight';
  return measured('dependencies', 'Dependency changes', config, inputs.lockfiles, rule, (l, w) =>
    factor('dependencies', 'Dependency changes', w, l.files.length === 0 ? 'no lockfile changed' : `${plural(l.files.length, 'lockfile')} changed`, l.files.length > 0 ? 1 : 0, l.files.length > 0 ? `${rule}: ${listSome(l.files.map((f) => clip(f, 80)))}` : rule),
  );
}

/** First-time contributors: full weight at 2. */
export function firstTimeFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at 2 first-time contributors';
  return measured('firstTimeContributors', 'First-time contributors', config, inputs.firstTime, rule, (f, w) =>
    factor('firstTimeContributors', 'First-time contributors', w, f.names.length === 0 ? 'none' : plural(f.names.length, 'first-time contributor'), f.names.length / 2, f.names.length > 0 ? `${rule}: ${listSome(f.names.map((n) => clip(n, 60)))}` : rule),
  );
}

/** Failed CI runs and re-run attempts on the range's commits: full weight at 3. */
export function failedCiFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at 3 failed runs or re-runs';
  return measured('failedCi', 'Failed CI attempts', config, inputs.failedCi, rule, (c, w) => {
    const n = c.failed + c.reruns;
    const parts = [c.failed > 0 ? plural(c.failed, 'failed run') : null, c.reruns > 0 ? plural(c.reruns, 're-run') : null].filter((p): p is string => p !== null);
    const runs = c.runs.map((r) => `${clip(r.name, 40)} on ${r.sha.slice(0, 7)} (${r.conclusion ?? 'running'}, attempt ${r.attempt})`);
    return factor('failedCi', 'Failed CI attempts', w, parts.length === 0 ? 'none' : parts.join(', '), n / 3, runs.length > 0 ? `${rule}: ${listSome(runs)}` : rule);
  });
}

/** Days since the last release: nothing up to 14 days, full weight at 90 (or a first release). */
export function sinceLastReleaseFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'nothing up to 14 days, full weight at 90 days or for a first release';
  return measured('sinceLastRelease', 'Time since the last release', config, inputs.lastRelease, rule, (l, w) => {
    if (l.tag === null) return factor('sinceLastRelease', 'Time since the last release', w, 'first release', 1, rule);
    const at = Date.parse(inputs.deployAt);
    const then = l.date ? Date.parse(l.date) : NaN;
    if (Number.isNaN(then)) return unknown('sinceLastRelease', 'Time since the last release', w, { why: `the date of ${l.tag} is unknown`, howTo: 'Fetch the release tags (git fetch --tags).' }, rule);
    const days = Math.max(0, Math.floor((at - then) / DAY));
    return factor('sinceLastRelease', 'Time since the last release', w, `${plural(days, 'day')} since ${clip(l.tag, 60)}`, (days - 14) / 76, rule);
  });
}

/** Revert commits in the range: full weight at 2. */
export function revertsFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at 2 reverts';
  return measured('reverts', 'Reverts', config, inputs.reverts, rule, (r, w) =>
    factor('reverts', 'Reverts', w, r.count === 0 ? 'none' : plural(r.count, 'revert'), r.count / 2, r.count > 0 ? `${rule}: ${listSome(r.subjects.map((s) => clip(s, 60)))}` : rule),
  );
}

/** The weekday and hour of an instant in a time zone (UTC by default). */
export function localClock(ms: number, timeZone?: string): { weekday: number; hour: number; minute: number; zone: string } {
  const zone = timeZone ?? 'UTC';
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { weekday, hour: Number(get('hour')), minute: Number(get('minute')), zone };
}

/** Judges the planned deploy time: inside a freeze, weekend or Friday from 15:00 is full weight; next to a freeze or outside 07:00–18:00 half. */
export function timingOf(deployAt: string, freezes: readonly RiskFreeze[], timeZone?: string): { intensity: number; reasons: string[] } {
  const at = Date.parse(deployAt);
  const reasons: { i: number; text: string }[] = [];
  for (const f of freezes) {
    const start = parseInstant(f.from);
    const end = parseInstant(f.to, true);
    if (start === null || end === null) continue;
    if (start <= at && at < end) reasons.push({ i: 1, text: `inside the code freeze "${clip(f.reason, 60)}"` });
    else if (at < start && start - at <= Math.max(1, f.warnDays) * DAY) reasons.push({ i: 0.5, text: `just before the code freeze "${clip(f.reason, 60)}" (from ${f.from})` });
    else if (at >= end && at - end < DAY) reasons.push({ i: 0.5, text: `the day after the code freeze "${clip(f.reason, 60)}"` });
  }
  const c = localClock(at, timeZone);
  const hhmm = `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
  if (c.weekday === 0 || c.weekday === 6) reasons.push({ i: 1, text: `on a ${WEEKDAYS[c.weekday]} (${hhmm} ${c.zone})` });
  else if (c.weekday === 5 && c.hour >= 15) reasons.push({ i: 1, text: `Friday afternoon or evening (${hhmm} ${c.zone})` });
  else if (c.hour < 7 || c.hour >= 18) reasons.push({ i: 0.5, text: `outside working hours (${WEEKDAYS[c.weekday]} ${hhmm} ${c.zone})` });
  reasons.sort((a, b) => b.i - a.i);
  return { intensity: reasons[0]?.i ?? 0, reasons: reasons.map((r) => r.text) };
}

/** The planned deploy time against freezes, weekends, Friday afternoons and nights. */
export function deployTimingFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const w = weightOf(config, 'deployTiming');
  const rule = 'inside a freeze, on a weekend or Friday from 15:00 is full weight; next to a freeze or outside 07:00–18:00 half';
  const t = timingOf(inputs.deployAt, inputs.freezes, config.timeZone);
  const c = localClock(Date.parse(inputs.deployAt), config.timeZone);
  const when = `${WEEKDAYS[c.weekday]!.slice(0, 3)} ${inputs.deployAt.slice(0, 16).replace('T', ' ')}Z`;
  return factor('deployTiming', 'Deploy timing', w, t.reasons.length === 0 ? `${when}: a working-day slot` : `${when}: ${t.reasons[0]}`, t.intensity, t.reasons.length > 1 ? `${rule}; also ${t.reasons.slice(1).join('; ')}` : rule);
}

/** The environment's recent change failure rate: full weight at 30 %. */
export function changeFailureRateFactor(inputs: RiskInputs, config: RiskConfig): RiskFactor {
  const rule = 'full weight at a 30 % change failure rate';
  const label = 'Change failure rate';
  return measured('changeFailureRate', label, config, inputs.changeFailureRate, rule, (c, w) => {
    if (c.ratio === null) {
      return unknown('changeFailureRate', label, w, { why: `no deployment to ${c.environment} since ${c.since.slice(0, 10)}`, howTo: `Deploy with Release Manager (or GitHub Deployments) to ${c.environment}, so its failures can be counted.` }, rule);
    }
    return factor('changeFailureRate', label, w, `${Math.round(c.ratio * 1000) / 10} % of ${c.total} deployments to ${c.environment} (since ${c.since.slice(0, 10)})`, c.ratio / 0.3, `${rule}: ${c.failed} of ${c.total} failed`);
  });
}

/** One business-risk question: its weight when answered yes, 0 for no, unknown until answered. */
export function questionFactor(q: RiskQuestion, answer: RiskAnswer | undefined): RiskFactor {
  const id = `question.${q.id}`;
  if (!answer) {
    return {
      id,
      label: q.text,
      value: 'not answered',
      points: null,
      weight: q.weight,
      detail: 'a yes adds the full weight',
      status: 'unknown',
      howTo: `Answer it in the checklist's risk panel, or: release-manager risk --answer ${q.id}=yes|no`,
    };
  }
  const by = `answered ${answer.answer} by ${clip(answer.who, 80)} on ${answer.when.slice(0, 16).replace('T', ' ')}${answer.note ? `: ${clip(answer.note, 120)}` : ''}`;
  return factor(id, q.text, q.weight, answer.answer, answer.answer === 'yes' ? 1 : 0, by);
}

/** Every factor, in the documented order: measured ones, then the questions. */
export function allFactors(inputs: RiskInputs, config: RiskConfig): RiskFactor[] {
  return [
    commitsFactor(inputs, config),
    filesFactor(inputs, config),
    linesFactor(inputs, config),
    breakingFactor(inputs, config),
    criticalPathsFactor(inputs, config),
    dependenciesFactor(inputs, config),
    firstTimeFactor(inputs, config),
    failedCiFactor(inputs, config),
    sinceLastReleaseFactor(inputs, config),
    revertsFactor(inputs, config),
    deployTimingFactor(inputs, config),
    changeFailureRateFactor(inputs, config),
    ...config.questions.map((q) => questionFactor(q, inputs.answers[q.id])),
  ];
}
