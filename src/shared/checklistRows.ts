import type { ChecklistState, GateView } from './protocol';

/** Statuses whose fix the checklist shows as text, as the CLI prints `fix:` under them. */
const NEEDS_ATTENTION: ReadonlySet<GateView['status']> = new Set(['fail', 'pending', 'unknown', 'warn']);

/** The short label of a fix button, by what the host will do. */
const BUTTON: Record<NonNullable<GateView['fixAction']>, string> = {
  openFile: 'Open the file',
  openConfig: 'Open the config',
  showOutput: 'Show the output',
  signOff: 'Sign off',
  sendNotice: 'Send notice now',
  openUrl: 'Open on GitHub',
};

/**
 * How one gate row shows its fix: `text` (plain text, the same words the CLI prints) for every gate that
 * needs attention, and a `button` label where the host has an action for it. Manual gates have the
 * sign-off controls instead.
 */
export function fixOf(g: GateView): { text: string | null; button: string | null } {
  if (g.manual || !g.fixLabel) return { text: null, button: null };
  const action = g.canFix ? (g.fixAction ?? null) : null;
  if (NEEDS_ATTENTION.has(g.status)) return { text: g.fixLabel, button: action && action !== 'signOff' ? BUTTON[action] : null };
  // A gate that passed keeps its convenience action (open the changelog, show the output), labelled by the fix itself.
  return { text: null, button: action && action !== 'signOff' ? g.fixLabel : null };
}

/** The Restricted Mode note, only where it is true: untrusted, and the config has command gates. */
export function restrictedNote(state: ChecklistState): string | null {
  if (state.trusted) return null;
  return state.gates.some((g) => g.kind === 'command') ? 'Restricted Mode: command gates require trust and are not run.' : null;
}

/** Whether "Record decision…" can be used now, and if not, why (shown on the disabled button). */
export function recordDecisionState(state: ChecklistState): { enabled: boolean; reason: string | null } {
  if (!state.trusted) return { enabled: false, reason: 'Restricted Mode: recording a decision writes to the repository. Trust this workspace to record it.' };
  if (state.running) return { enabled: false, reason: 'The gates are still being checked.' };
  if (!state.verdict) return { enabled: false, reason: 'Check the gates first (Re-run all).' };
  return { enabled: true, reason: null };
}
