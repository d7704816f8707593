/**
 * The template variables, documented once (docs/announce.md lists the same), and the check that a
 * template uses only these: an unknown variable is an error naming the file, the line and the variable.
 */
import { Mustache } from './mustache';
import { ConfigError } from '../errors';

/** A documented variable: what it holds, and for a list, the fields of each item. */
export interface VariableDoc {
  doc: string;
  /** A list (or a condition) whose items have these fields. */
  item?: Readonly<Record<string, string>>;
}

const ENTRY = { text: 'The change, one line (scope: subject, and the PR number when known).', hash: 'Short commit hash.', breaking: 'True for a breaking change.' } as const;

/** Every variable a template may use. */
export const TEMPLATE_VARIABLES: Readonly<Record<string, VariableDoc>> = {
  version: { doc: 'The version announced (1.4.0).' },
  previousVersion: { doc: 'The version it replaces, empty for a first release.' },
  tag: { doc: 'Its tag (v1.4.0).' },
  repository: { doc: 'The repository (owner/name or folder name).' },
  audience: { doc: 'internal, external or support.' },
  stage: { doc: 'notice, started, completed or rolled-back.' },
  headline: { doc: 'One line that says what happens (the e-mail subject and the first line of a Slack message).' },
  isNotice: { doc: 'True for the notice stage (use as {{#isNotice}}…{{/isNotice}}).' },
  isStarted: { doc: 'True for the started stage.' },
  isCompleted: { doc: 'True for the completed stage.' },
  isRolledBack: { doc: 'True for the rolled-back stage.' },
  hasPlanned: { doc: 'True when a planned deploy time is known.' },
  plannedAt: { doc: 'Planned deploy time, ISO 8601 in UTC.' },
  plannedUtc: { doc: 'Planned deploy time for people, in UTC (2026-12-08 14:00 UTC).' },
  plannedLocal: { doc: 'Planned deploy time in the configured time zone (2026-12-08 15:00 Europe/Berlin).' },
  timeZone: { doc: 'The configured time zone.' },
  environments: { doc: 'Environments of the deploy config, in promotion order.', item: { name: 'Environment name.', strategy: 'Its strategy (direct, canary, blueGreen, rolling).' } },
  rollbackVersion: { doc: 'The version a rollback returns to (the previous release), empty when none.' },
  flags: { doc: 'Feature flags from the config.', item: { name: 'Flag name.' } },
  owners: { doc: 'Owners from the config.', item: { name: 'Owner.' } },
  hasBreaking: { doc: 'True when the release has breaking changes.' },
  breaking: { doc: 'Breaking changes, first, with their migration notes.', item: { ...ENTRY, migration: 'Migration notes of the change (a list of {{text}}).' } },
  sections: {
    doc: 'Changes by section: the notes sections (internal) or Keep a Changelog sections Added/Changed/Fixed/Security/Deprecated/Removed (external, support).',
    item: { title: 'Section title.', entries: 'The changes of the section (each has text, hash, breaking).' },
  },
  hasChanges: { doc: 'True when there is at least one change to list.' },
  hasKnownIssues: { doc: 'True when known issues are listed.' },
  knownIssues: { doc: 'Known issues (support): the config\'s knownIssues and open issues labelled known-issue.', item: { title: 'The issue.', workaround: 'Its workaround, empty when none.', url: 'Its GitHub URL, empty when none.' } },
  escalation: { doc: 'Escalation contact from the config.' },
  onCall: { doc: 'On-call from the config.' },
  notesUrl: { doc: 'Link to the full notes when known, else empty.' },
};

/** Fields of nested lists (entries inside sections, migration notes inside breaking changes). */
const NESTED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  entries: ENTRY,
  migration: { text: 'One line of a migration note.' },
};

type Token = [string, string, number, number, Token[]?, number?];

/**
 * Checks a template: every variable known in its scope, no unescaped variables (`{{{x}}}`, `{{&x}}`:
 * every value is escaped for its channel) and no partials. Throws a ConfigError naming file, line, variable.
 */
export function validateTemplate(text: string, file: string): void {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(text) as unknown as Token[];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /at (\d+)/.exec(message);
    const line = at ? lineOf(text, Number(at[1])) : 1;
    throw problem(file, line, `the template does not parse: ${message.split('\n')[0]}`);
  }
  walk(tokens, [TEMPLATE_VARIABLES_FIELDS], text, file);
}

const TEMPLATE_VARIABLES_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(TEMPLATE_VARIABLES).map(([k, v]) => [k, v.doc]));

function walk(tokens: readonly Token[], scopes: readonly Readonly<Record<string, string>>[], text: string, file: string): void {
  for (const t of tokens) {
    const [type, name, start] = t;
    if (type === 'text' || type === '!' || type === '=') continue;
    const line = lineOf(text, start);
    if (type === '>') throw problem(file, line, `partials ({{> ${name}}}) are not supported`);
    if (type === '&') throw problem(file, line, `unescaped variable "${name}" ({{{${name}}}} or {{&${name}}}): every value is escaped for its channel; write {{${name}}}`);
    if (name !== '.') {
      const head = name.split('.')[0]!;
      if (!scopes.some((s) => Object.hasOwn(s, head))) throw problem(file, line, `unknown variable "${name}"${suggest(head, scopes)}`);
    }
    if ((type === '#' || type === '^') && t[4]) {
      const inner = fieldsOf(name);
      walk(t[4], inner ? [...scopes, inner] : scopes, text, file);
    }
  }
}

function fieldsOf(name: string): Readonly<Record<string, string>> | undefined {
  return TEMPLATE_VARIABLES[name]?.item ?? NESTED[name];
}

function suggest(name: string, scopes: readonly Readonly<Record<string, string>>[]): string {
  const known = [...new Set(scopes.flatMap((s) => Object.keys(s)))];
  const close = known.find((k) => k.toLowerCase() === name.toLowerCase() || (Math.abs(k.length - name.length) <= 2 && (k.startsWith(name.slice(0, 4)) || name.startsWith(k.slice(0, 4)))));
  return close ? ` (did you mean "${close}"?)` : '';
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function problem(file: string, line: number, what: string): ConfigError {
  const where = `${file}:${line}`;
  return new ConfigError(`${where}: ${what}.`, [`${where}: ${what}`], `Fix line ${line} of ${file}; the variables are listed in docs/announce.md (delete the file to use the built-in template).`, file);
}
