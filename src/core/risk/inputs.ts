/** What the risk factors are computed from: measured by the adapter (src/node/risk.ts), or why not. */

/** A measurement, or why it could not be made and how to get it (never a silent zero). */
export type Measured<T> = { ok: true; value: T } | { ok: false; why: string; howTo: string };

/** A code freeze (from the calendar gates). */
export interface RiskFreeze {
  from: string;
  to: string;
  reason: string;
  /** Warn this many days before it starts (the calendar gate's `warnDays`). */
  warnDays: number;
}

/** Every input of one release's risk assessment. */
export interface RiskInputs {
  /** The release version judged; null when nothing is pending. */
  version: string | null;
  range: { from: string | null; to: string };
  size: Measured<{ commits: number; files: number; insertions: number; deletions: number; binaryFiles: number }>;
  breaking: Measured<{ count: number; subjects: string[] }>;
  critical: Measured<{ byPattern: { pattern: string; files: string[] }[] }>;
  lockfiles: Measured<{ files: string[] }>;
  firstTime: Measured<{ names: string[] }>;
  failedCi: Measured<{ failed: number; reruns: number; runs: { name: string; sha: string; conclusion: string | null; attempt: number; url: string }[] }>;
  /** The last release: its tag and date; tag null for a first release. */
  lastRelease: Measured<{ tag: string | null; date: string | null }>;
  reverts: Measured<{ count: number; subjects: string[] }>;
  /** When the deploy is planned (ISO) and the freezes it is judged against. */
  deployAt: string;
  freezes: RiskFreeze[];
  changeFailureRate: Measured<{ environment: string; ratio: number | null; failed: number; total: number; since: string }>;
  /** Latest answer per question id, from the sign-offs. */
  answers: Record<string, RiskAnswer>;
}

/** A recorded answer to a business-risk question. */
export interface RiskAnswer {
  answer: 'yes' | 'no';
  who: string;
  when: string;
  note?: string;
}
