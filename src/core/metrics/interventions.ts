/**
 * Interventions counted by the metrics: kill-switch uses, read from the decision log where the flags
 * flow records each one (`## FLAG KILL — <flag> in <environment> — <ISO time>`). Pure: the adapter
 * reads the file.
 */

/** One kill switch use found in the decision log. */
export interface FlagKill {
  flag: string;
  environment: string;
  /** ISO-8601. */
  when: string;
}

const KILL_HEADING = /^## FLAG KILL — (.+) in (.+?) — (\S+)\s*$/;

/** Undoes the markdown escaping of the log's headings (`new\-checkout` → `new-checkout`). */
function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1').replace(/^`(.*)`$/, '$1').trim();
}

/** Every kill switch use the decision log records, in file order. */
export function flagKillsIn(decisionLog: string): FlagKill[] {
  const out: FlagKill[] = [];
  for (const line of decisionLog.split(/\r?\n/)) {
    const m = KILL_HEADING.exec(line);
    if (!m) continue;
    const when = unescape(m[3]!);
    if (Number.isNaN(Date.parse(when))) continue;
    out.push({ flag: unescape(m[1]!), environment: unescape(m[2]!), when });
  }
  return out;
}

/** The interventions of the metrics report: kill switches used in `environment` (case-insensitive) within the window. */
export function countInterventions(decisionLog: string | null, environment: string, window: { since: string; until: string }): { flagKills: number } {
  if (decisionLog === null) return { flagKills: 0 };
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const env = environment.toLowerCase();
  const flagKills = flagKillsIn(decisionLog).filter((k) => {
    const t = Date.parse(k.when);
    return k.environment.toLowerCase() === env && t >= since && t <= until;
  }).length;
  return { flagKills };
}
