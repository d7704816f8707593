/** The risk score of a release: the sum of its factors' points, a level from the thresholds, explained. */
import { allFactors } from './factors';
import type { RiskAssessment, RiskFactor, RiskLevel } from './types';

export type { RiskAssessment, RiskFactor, RiskGateFacts, RiskLevel } from './types';
import type { RiskAnswer, RiskInputs } from './inputs';
import type { RiskConfig } from './schema';

/** Version of the `release-manager risk --format json` document. */
export const RISK_JSON_VERSION = 1;



/** Sign-off gate id under which the answer to a question is recorded (`:` never appears in a gate id). */
export function answerGateId(questionId: string): string {
  return `risk:${questionId}`;
}

/** The latest answer to each question, read from the sign-offs of the version (note `yes` or `no`, optionally `: why`). */
export function answersFrom(signOffs: readonly { gateId: string; who: string; when: string; note?: string }[]): Record<string, RiskAnswer> {
  const out: Record<string, RiskAnswer> = {};
  for (const s of signOffs) {
    if (!s.gateId.startsWith('risk:')) continue;
    const m = /^(yes|no)\b[\s:—-]*(.*)$/is.exec((s.note ?? '').trim());
    if (!m) continue;
    const id = s.gateId.slice(5);
    const seen = out[id];
    if (seen && seen.when.localeCompare(s.when) >= 0) continue;
    const note = m[2]!.trim();
    out[id] = { answer: m[1]!.toLowerCase() as 'yes' | 'no', who: s.who, when: s.when, ...(note ? { note } : {}) };
  }
  return Object.assign(Object.create(null) as Record<string, RiskAnswer>, out);
}

/** The level of a score. */
export function levelOf(score: number, thresholds: { medium: number; high: number }): RiskLevel {
  return score >= thresholds.high ? 'high' : score >= thresholds.medium ? 'medium' : 'low';
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Scores the release: every factor listed, the sum, the level and what contributed most. */
export function assessRisk(inputs: RiskInputs, config: RiskConfig): RiskAssessment {
  const factors = allFactors(inputs, config);
  const score = round1(factors.reduce((s, f) => s + (f.points ?? 0), 0));
  const worst = round1(factors.reduce((s, f) => s + (f.points ?? f.weight), 0));
  const explanation = factors
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => (f.points ?? 0) > 0)
    .sort((a, b) => b.f.points! - a.f.points! || a.i - b.i)
    .map(({ f }) => ({ id: f.id, label: f.label, points: f.points!, share: score === 0 ? 0 : round1((f.points! / score) * 100) }));
  return {
    release: inputs.version,
    range: inputs.range,
    deployAt: inputs.deployAt,
    score,
    level: levelOf(score, config.thresholds),
    thresholds: { ...config.thresholds },
    factors,
    explanation,
    unknown: factors.filter((f) => f.status === 'unknown').map((f) => f.id),
    worstCase: { score: worst, level: levelOf(worst, config.thresholds) },
  };
}

/** The factors with the most points (then the unknown ones), for a short summary. */
export function topFactors(a: RiskAssessment, n = 3): RiskFactor[] {
  const byId = new Map(a.factors.map((f) => [f.id, f]));
  return a.explanation.slice(0, n).map((e) => byId.get(e.id)!);
}


