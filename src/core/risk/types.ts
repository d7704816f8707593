/** The shapes of a risk assessment (no imports: the gate context names them). */

/** One factor of the score, explained. */
export interface RiskFactor {
  /** A measured factor's id, or `question.<id>` for a business-risk question. */
  id: string;
  label: string;
  /** What was measured, as people read it ("42 commits", "unknown"). */
  value: string;
  /** Points contributed (weight × intensity, rounded to 0.1); null when unknown. */
  points: number | null;
  /** The most points this factor can contribute. */
  weight: number;
  /** How the points follow from the value (the rule), plus specifics (files, runs). */
  detail: string;
  status: 'measured' | 'unknown';
  /** How to get an unknown factor measured. */
  howTo?: string;
}

/** A risk level. */
export type RiskLevel = 'low' | 'medium' | 'high';

/** One release's risk assessment. */
export interface RiskAssessment {
  /** The release version judged; null when nothing is pending. */
  release: string | null;
  range: { from: string | null; to: string };
  /** When the deploy is planned (ISO): what the timing factor judged. */
  deployAt: string;
  /** Sum of the measured factors' points (unknown factors add nothing and are listed in `unknown`). */
  score: number;
  level: RiskLevel;
  thresholds: { medium: number; high: number };
  /** Every factor, in the documented order, 0 points included. */
  factors: RiskFactor[];
  /** Factor ids with points, highest contribution first (ties: documented order). */
  explanation: { id: string; label: string; points: number; share: number }[];
  /** Ids of the factors that could not be measured (or questions not answered). */
  unknown: string[];
  /** Score if every unknown factor came out at its full weight: the level could reach this. */
  worstCase: { score: number; level: RiskLevel };
}

/** What the risk gate judges: the assessment and, when the config asks for a canary, the target environment's strategy. */
export interface RiskGateFacts {
  assessment: RiskAssessment;
  /** `risk.requireCanary` of the config. */
  requireCanary: boolean;
  /** The environment deployed to (the deploy's, else production) and its strategy kind; null when there is no such environment. */
  environment: { name: string; strategy: string } | null;
}
