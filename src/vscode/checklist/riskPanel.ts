/** The checklist's risk panel state, built from a risk assessment (plain text, clipped; no I/O). */
import type { RiskAssessment } from '../../core/risk/types';
import type { RiskConfig } from '../../core/risk/schema';
import type { RiskInputs } from '../../core/risk/inputs';
import type { RiskView } from '../../shared/protocol';

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The panel of an assessment: every factor, the top three, and each question with its latest answer. */
export function riskPanelOf(a: RiskAssessment, config: RiskConfig, answers: RiskInputs['answers']): RiskView {
  return {
    score: a.score,
    level: a.level,
    thresholds: { ...a.thresholds },
    worstCase: { ...a.worstCase },
    factors: a.factors.slice(0, 60).map((f) => ({
      id: clip(f.id, 60),
      label: clip(f.label, 200),
      value: clip(f.value, 300),
      points: f.points,
      weight: f.weight,
      detail: clip(f.detail, 2000),
      status: f.status,
      ...(f.howTo ? { howTo: clip(f.howTo, 500) } : {}),
    })),
    top: a.explanation.slice(0, 3).map((e) => clip(e.id, 60)),
    questions: config.questions.map((q) => {
      const ans = answers[q.id];
      return { id: q.id, text: clip(q.text, 200), weight: q.weight, answer: ans?.answer ?? null, ...(ans ? { who: clip(ans.who, 200), when: ans.when.slice(0, 40) } : {}) };
    }),
  };
}
