// The readiness checklist webview. State lives in the extension host: this script only renders what the
// host sends and reports what the user asks for. Every text is set with textContent (never as HTML).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { fixOf, recordDecisionState, restrictedNote } from '../src/shared/checklistRows';
import { toWebview, type ChecklistState, type FromWebview, type GateView, type RiskView } from '../src/shared/protocol';
import { statusLine } from '../src/shared/statusLine';
import { whenText } from '../src/shared/time';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
const notes = new Map<string, string>(); // sign-off notes being typed survive a re-render
let allFactors = false; // the risk panel shows every factor (survives a re-render)

const ICON: Record<GateView['status'], { name: string; label: string }> = {
  pass: { name: 'pass-filled', label: 'passed' },
  fail: { name: 'error', label: 'failed' },
  warn: { name: 'warning', label: 'warning' },
  pending: { name: 'clock', label: 'pending' },
  unknown: { name: 'question', label: 'unknown' },
  skipped: { name: 'circle-slash', label: 'skipped' },
  running: { name: 'loading', label: 'running' },
  notRun: { name: 'circle-large-outline', label: 'not run yet' },
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, cls?: string, text?: string): HTMLElement;
function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: string; title?: string } = {}): HTMLElement {
  const b = el('vscode-button');
  b.textContent = label;
  if (opts.secondary) b.setAttribute('secondary', '');
  if (opts.icon) b.setAttribute('icon', opts.icon);
  if (opts.title) b.setAttribute('title', opts.title);
  b.addEventListener('click', onClick);
  return b;
}

function icon(name: string, label: string, spin = false): HTMLElement {
  const i = el('vscode-icon');
  i.setAttribute('name', name);
  i.setAttribute('label', label);
  if (spin) i.setAttribute('spin', '');
  return i;
}

function render(state: ChecklistState): void {
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  root.replaceChildren();
  const header = el('header');
  header.append(el('h2', 'repo', state.repo ?? 'No repository'));
  if (state.version) {
    header.append(el('div', 'version', `${state.version.current ?? 'first release'} → ${state.version.next ?? 'no release needed'}`));
  }
  root.append(header);

  if (state.empty) {
    // Guidance, not a verdict: no NO-GO, nothing to re-run until there is a repository with a commit.
    const guidance = el('section', 'verdict none guidance', state.notice ?? '');
    guidance.setAttribute('role', 'status');
    root.append(guidance);
    const bar = el('div', 'toolbar');
    const rerun = button('Re-run all', () => {}, { icon: 'refresh' });
    rerun.setAttribute('disabled', '');
    bar.append(rerun);
    root.append(bar);
    return;
  }
  if (state.notice) root.append(el('p', 'notice', state.notice));
  const restricted = restrictedNote(state);
  if (restricted) root.append(el('p', 'notice', restricted));

  const verdict = el('section', `verdict ${state.verdict ? (state.verdict.decision === 'GO' ? 'go' : 'nogo') : 'none'}`);
  verdict.setAttribute('role', 'status');
  verdict.setAttribute('aria-live', 'polite');
  verdict.append(el('strong', 'decision', state.running ? 'Checking…' : (state.verdict?.decision ?? 'Not checked yet')));
  if (state.verdict && !state.running) verdict.append(el('span', 'summary', state.verdict.summary.replace(/^(NO-GO|GO):?\s*/, '')));
  root.append(verdict);

  const bar = el('div', 'toolbar');
  if (state.running) bar.append(button('Cancel', () => vscode.postMessage({ type: 'cancel' }), { secondary: true }));
  else bar.append(button('Re-run all', () => vscode.postMessage({ type: 'rerun' }), { icon: 'refresh' }));
  const record = button('Record decision…', () => vscode.postMessage({ type: 'recordDecision' }), { secondary: true, icon: 'law' });
  const can = recordDecisionState(state);
  if (!can.enabled) {
    record.setAttribute('disabled', '');
    if (can.reason) record.setAttribute('title', can.reason);
  }
  bar.append(record);
  if (!state.trusted && can.reason) bar.append(el('span', 'disabled-reason', can.reason));
  root.append(bar);

  if (state.risk !== undefined) root.append(riskPanel(state.risk, state));

  const list = el('ul', 'gates');
  list.setAttribute('aria-label', 'Readiness gates');
  for (const g of state.gates) list.append(gateRow(g, state));
  if (state.gates.length === 0) list.append(el('li', 'empty', 'No gates configured.'));
  root.append(list);

  if (focusedId) (root.querySelector(`[data-focus-key="${CSS.escape(focusedId)}"]`) as HTMLElement | null)?.focus();
}

function gateRow(g: GateView, state: ChecklistState): HTMLElement {
  const li = el('li', `gate status-${g.status}`);
  li.dataset.gateId = g.id;
  const head = el('div', 'gate-head');
  const ic = ICON[g.status];
  head.append(icon(ic.name, ic.label, g.status === 'running'));
  head.append(el('span', 'title', g.title));
  const badge = el('vscode-badge', g.required ? 'required' : 'advisory', g.required ? 'required' : 'advisory');
  head.append(badge);
  const actions = el('span', 'actions');
  if (!state.running && g.status !== 'running') {
    const rerun = button('', () => vscode.postMessage({ type: 'rerun', gateId: g.id }), { icon: 'debug-rerun', secondary: true, title: `Re-run ${g.title}` });
    rerun.setAttribute('aria-label', `Re-run ${g.title}`);
    rerun.dataset.focusKey = `rerun:${g.id}`;
    actions.append(rerun);
  }
  head.append(actions);
  li.append(head);
  li.append(el('div', 'reason', statusLine(ic.label, g.reason)));
  const fix = fixOf(g);
  if (fix.text) li.append(el('div', 'fix', `fix: ${fix.text}`));
  if (fix.button) {
    const b = button(fix.button, () => vscode.postMessage({ type: 'fix', gateId: g.id }), { secondary: true, title: g.fixLabel });
    b.dataset.focusKey = `fix:${g.id}`;
    li.append(b);
  }
  if (g.manual) li.append(signOffControls(g, state));
  if (g.details) {
    const more = el('vscode-collapsible');
    more.setAttribute('title', 'Details');
    more.append(el('pre', 'details', g.details));
    li.append(more);
  }
  return li;
}

const LEVEL_ICON: Record<RiskView['level'], string> = { low: 'pass-filled', medium: 'warning', high: 'error' };

/** The risk panel: score and level, the top factors (a button shows every factor), the business-risk questions. */
function riskPanel(risk: RiskView | string, state: ChecklistState): HTMLElement {
  const panel = el('section', 'risk');
  panel.setAttribute('aria-labelledby', 'risk-heading');
  const head = el('h3', 'risk-heading', 'Release risk');
  head.id = 'risk-heading';
  panel.append(head);
  if (typeof risk === 'string') {
    panel.append(el('p', 'notice', risk));
    return panel;
  }
  const summary = el('div', `risk-summary level-${risk.level}`);
  summary.setAttribute('role', 'status');
  summary.append(icon(LEVEL_ICON[risk.level], `${risk.level} risk`));
  summary.append(el('strong', 'risk-level', `${risk.level.toUpperCase()} risk`));
  summary.append(el('span', 'risk-score', `score ${risk.score} (medium from ${risk.thresholds.medium}, high from ${risk.thresholds.high})`));
  panel.append(summary);
  const unknown = risk.factors.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) panel.append(el('p', 'risk-unknown', `${unknown.length} not measured: worst case ${risk.worstCase.score} (${risk.worstCase.level})`));
  const top = risk.top.map((id) => risk.factors.find((f) => f.id === id)).filter((f): f is RiskView['factors'][number] => f !== undefined);
  const shown = allFactors ? risk.factors : top;
  const list = el('ul', 'risk-factors');
  list.setAttribute('aria-label', allFactors ? 'Every risk factor' : 'Top risk factors');
  for (const f of shown) {
    const li = el('li', `risk-factor ${f.status}`);
    li.dataset.factorId = f.id;
    li.append(el('span', 'points', f.points === null ? `? / ${f.weight}` : `${f.points} / ${f.weight}`));
    li.append(el('span', 'label', `${f.label}: `));
    li.append(el('span', 'value', f.value));
    li.append(el('div', 'rule', f.status === 'unknown' && f.howTo ? `${f.detail} — ${f.howTo}` : f.detail));
    list.append(li);
  }
  if (shown.length === 0) list.append(el('li', 'empty', 'No factor adds points.'));
  panel.append(list);
  const toggle = button(allFactors ? 'Show top factors' : `Show all ${risk.factors.length} factors`, () => {
    allFactors = !allFactors;
    render(state);
  }, { secondary: true });
  toggle.setAttribute('aria-expanded', String(allFactors));
  toggle.dataset.focusKey = 'risk:toggle';
  panel.append(toggle);
  if (risk.questions.length > 0) {
    const qs = el('ul', 'risk-questions');
    qs.setAttribute('aria-label', 'Business-risk questions');
    const disabled = !state.trusted ? 'Restricted Mode: answering writes to the repository.' : !state.version?.next ? 'There is no next version to answer for.' : null;
    for (const q of risk.questions) {
      const li = el('li', 'risk-question');
      li.dataset.questionId = q.id;
      li.append(el('span', 'text', q.text));
      li.append(el('span', 'answer', q.answer === null ? `not answered (yes adds ${q.weight})` : `${q.answer}${q.who ? `, by ${q.who}` : ''}${q.when ? `, ${whenText(q.when)}` : ''}`));
      for (const a of ['yes', 'no'] as const) {
        const b = button(a === 'yes' ? 'Yes' : 'No', () => vscode.postMessage({ type: 'answerRisk', questionId: q.id, answer: a }), { secondary: q.answer !== a });
        b.setAttribute('aria-label', `${a === 'yes' ? 'Yes' : 'No'}: ${q.text}`);
        b.setAttribute('aria-pressed', String(q.answer === a));
        b.dataset.focusKey = `risk:${q.id}:${a}`;
        if (disabled) {
          b.setAttribute('disabled', '');
          b.setAttribute('title', disabled);
        }
        li.append(b);
      }
      qs.append(li);
    }
    panel.append(qs);
  }
  return panel;
}

function signOffControls(g: GateView, state: ChecklistState): HTMLElement {
  const box = el('div', 'signoff');
  const check = el('vscode-checkbox');
  check.setAttribute('label', g.signOff ? 'Signed off' : 'Sign off');
  check.dataset.focusKey = `signoff:${g.id}`;
  if (g.signOff) check.setAttribute('checked', '');
  if (!state.version?.next) check.setAttribute('disabled', '');
  const note = el('vscode-textfield');
  note.setAttribute('placeholder', 'Note (optional), e.g. link to the rollback plan');
  note.setAttribute('maxlength', '500');
  note.setAttribute('aria-label', `Note for ${g.title}`);
  (note as unknown as { value: string }).value = notes.get(g.id) ?? '';
  note.addEventListener('input', () => notes.set(g.id, (note as unknown as { value: string }).value));
  check.addEventListener('change', () => {
    const checked = (check as unknown as { checked: boolean }).checked;
    if (checked) vscode.postMessage({ type: 'signOff', gateId: g.id, note: (notes.get(g.id) ?? '').slice(0, 500) });
    else vscode.postMessage({ type: 'revokeSignOff', gateId: g.id });
  });
  box.append(check);
  if (g.signOff) box.append(el('div', 'signed', `by ${g.signOff.who}, ${whenText(g.signOff.when)}${g.signOff.note ? ` — ${g.signOff.note}` : ''}`));
  else box.append(note);
  return box;
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = toWebview().safeParse(event.data);
  if (!parsed.success) return; // anything not ours is ignored
  render(parsed.data.state);
});
vscode.postMessage({ type: 'ready' });
