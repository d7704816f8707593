/** How one gate came out. Only `pass` (and `warn`, see `verdict`) lets a required gate through. */
export type GateStatus = 'pass' | 'fail' | 'warn' | 'pending' | 'unknown' | 'skipped';

/** Every gate status, in the order the UI lists them. */
export const GATE_STATUSES: readonly GateStatus[] = ['fail', 'unknown', 'pending', 'skipped', 'warn', 'pass'];

/**
 * A safe, data-only action the UI can offer to fix a gate. Never a command id or a shell string:
 * the host decides what each kind means (open a file inside the repository, record a sign-off…).
 */
export type GateFixAction =
  | { kind: 'openFile'; path: string; line?: number }
  | { kind: 'openConfig' }
  | { kind: 'showOutput'; gateId: string }
  | { kind: 'signOff'; gateId: string }
  /** Send the stakeholder notice of `version` to these audiences (the notice gate). */
  | { kind: 'sendNotice'; version: string; audiences: string[] }
  /** Open a web page on GitHub (the milestone gate: the release milestone); the host opens only http(s) links. */
  | { kind: 'openUrl'; url: string };

/** The fix of a gate result: a label for people, and optionally an action for the UI. */
export interface GateFix {
  label: string;
  action?: GateFixAction;
}

/** What a gate kind's check returns; the engine adds identity and timing. */
export interface GateOutcome {
  status: GateStatus;
  /** One line that explains the status (plain text, already stripped of control characters). */
  reason: string;
  fix?: GateFix;
  /** Longer plain text (command output, lists of files), shown on demand. */
  details?: string;
}

/** One gate's result: a value, never an exception. */
export interface GateResult extends GateOutcome {
  id: string;
  title: string;
  kind: string;
  required: boolean;
  durationMs: number;
}

/** The go/no-go decision over a set of results, explaining itself. */
export interface Verdict {
  decision: 'GO' | 'NO-GO';
  /** One line, e.g. "NO-GO: 2 required gates failing: Clean working tree (2 modified files), …". */
  summary: string;
  /** Required gates that did not pass (fail, unknown, pending, skipped): each one alone makes it NO-GO. */
  blocking: GateResult[];
  /** Advisory gates that did not pass, and required gates that passed with a warning. */
  advisories: GateResult[];
}
