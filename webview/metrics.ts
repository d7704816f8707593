// The Release Metrics webview. The host computes everything; this script renders what it sends (charts
// with uPlot, every figure again as an accessible table, the target verdicts as a list) and reports what
// the user picks. Every text is set with textContent (never as HTML). Colours come from VS Code's theme
// variables, read when charts are drawn and again whenever the theme changes.
import './zodJitless';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { countOf, figureRows, formatActual, formatHours, formatMinutes, isEmptyReport, NA, targetLabel, verdictLine, verdictMark, verdictText, verdictWords, windowLabel, WINDOW_LABELS } from '../src/shared/metricsFormat';
import { METRICS_WINDOWS, toMetricsWebview, type FromMetricsWebview, type MetricsViewState, type MetricsWindow } from '../src/shared/metricsProtocol';
import { destroyCharts, drawCharts, watchTheme } from './metricsCharts';

interface VsCodeApi {
  postMessage(message: FromMetricsWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Report = NonNullable<MetricsViewState['report']>;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
let state: MetricsViewState | null = null;
let copiedTimer: ReturnType<typeof setTimeout> | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, cls?: string, text?: string): HTMLElement;
function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: string; key: string; disabled?: boolean }): HTMLElement {
  const b = el('vscode-button');
  b.textContent = label;
  if (opts.secondary) b.setAttribute('secondary', '');
  if (opts.icon) b.setAttribute('icon', opts.icon);
  if (opts.disabled) b.setAttribute('disabled', '');
  b.dataset.focusKey = opts.key;
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

function select(id: string, label: string, options: { value: string; text: string }[], value: string, disabled: boolean, onChange: (v: string) => void): HTMLElement {
  const wrap = el('div', 'field');
  const l = el('label', undefined, label);
  l.htmlFor = id;
  const s = el('select');
  s.id = id;
  s.dataset.focusKey = id;
  for (const o of options) {
    const opt = el('option', undefined, o.text);
    opt.value = o.value;
    s.append(opt);
  }
  s.value = value;
  s.disabled = disabled;
  s.addEventListener('change', () => onChange(s.value));
  wrap.append(l, s);
  return wrap;
}

function render(next: MetricsViewState): void {
  state = next;
  const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
  destroyCharts();
  root.replaceChildren();
  root.setAttribute('aria-busy', String(next.loading));

  const header = el('header');
  header.append(el('h1', undefined, 'Release Metrics'));
  if (next.repo) header.append(el('span', 'repo', next.repo));
  if (next.report) header.append(el('span', 'window', `${next.report.environment} · ${windowLabel(next.report)}`));
  root.append(header);
  root.append(controls(next));

  const status = el('div', 'status');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  if (next.loading) {
    const ring = el('vscode-progress-ring');
    ring.setAttribute('aria-label', 'Computing');
    status.append(ring, el('span', undefined, 'Computing metrics…'));
  }
  root.append(status);
  if (!next.trusted) root.append(el('p', 'notice', 'Restricted Mode: metrics are read-only here as everywhere; nothing from the workspace is run.'));

  if (next.error) {
    const err = el('section', 'error');
    err.setAttribute('role', 'alert');
    err.append(el('strong', undefined, next.error.message));
    if (next.error.fix) err.append(el('p', 'fix', `Fix: ${next.error.fix}`));
    root.append(err);
  }
  const report = next.report;
  if (!report) {
    if (!next.loading && !next.error) root.append(el('p', 'guidance', 'No metrics computed yet.'));
  } else {
    if (isEmptyReport(report)) root.append(emptyGuidance(report, next));
    root.append(warnings(report, next));
    root.append(targets(report));
    root.append(chartsSection(report));
    if (report.list?.length) root.append(deploymentsTable(report));
    root.append(figuresTable(report));
  }
  if (focusedKey) (root.querySelector(`[data-focus-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus();
  drawCharts(next.report);
}

function controls(s: MetricsViewState): HTMLElement {
  const bar = el('div', 'controls');
  const envs = [...new Set([...(s.environment ? [s.environment] : []), ...s.environments])];
  const envOptions = [{ value: '', text: s.report && !s.environment ? `Default (${s.report.environment})` : 'Default (production, else the last of the ladder)' }, ...envs.map((e) => ({ value: e, text: e }))];
  const pick = (environment: string | null, window: MetricsWindow) => vscode.postMessage({ type: 'select', environment, window });
  bar.append(select('environment', 'Environment', envOptions, s.environment ?? '', s.loading, (v) => pick(v === '' ? null : v, s.window)));
  bar.append(select('window', 'Window', METRICS_WINDOWS.map((w) => ({ value: w, text: WINDOW_LABELS[w] })), s.window, s.loading, (v) => pick(s.environment, (METRICS_WINDOWS as readonly string[]).includes(v) ? (v as MetricsWindow) : s.window)));
  const buttons = el('div', 'buttons');
  if (s.loading) buttons.append(button('Cancel', () => vscode.postMessage({ type: 'cancel' }), { secondary: true, key: 'cancel' }));
  else buttons.append(button('Refresh', () => vscode.postMessage({ type: 'refresh' }), { icon: 'refresh', key: 'refresh' }));
  buttons.append(button('Copy as Markdown', () => vscode.postMessage({ type: 'copyMarkdown' }), { secondary: true, icon: 'copy', key: 'copy', disabled: !s.report || s.loading }));
  bar.append(buttons);
  return bar;
}

function emptyGuidance(report: Report, s: MetricsViewState): HTMLElement {
  const box = el('section', 'guidance empty');
  box.setAttribute('role', 'status');
  box.append(el('strong', undefined, `No deployments of ${report.environment} in ${windowLabel(report)}: every figure is ${NA}.`));
  const tips = el('ul');
  tips.append(el('li', undefined, 'Deploy with "Release: Deploy…": each deploy is recorded and counted here.'));
  if (s.signedOut) tips.append(el('li', undefined, 'Sign in to GitHub to include GitHub deployments, releases and incidents.'));
  tips.append(el('li', undefined, 'Pick another environment or a longer window above.'));
  box.append(tips);
  if (s.signedOut) box.append(button('Sign in to GitHub', () => vscode.postMessage({ type: 'signIn' }), { icon: 'account', key: 'signin-empty' }));
  return box;
}

function warnings(report: Report, s: MetricsViewState): HTMLElement {
  const box = el('section', 'warnings');
  box.setAttribute('aria-labelledby', 'warnings-h');
  const h = el('h2', undefined, report.warnings.length ? `Warnings (${report.warnings.length})` : 'Warnings');
  h.id = 'warnings-h';
  box.append(h);
  if (report.warnings.length === 0) {
    box.append(el('p', 'none', 'None: every source was read.'));
    return box;
  }
  const ul = el('ul');
  for (const w of report.warnings) ul.append(el('li', undefined, w));
  box.append(ul);
  if (s.signedOut && !isEmptyReport(report)) box.append(button('Sign in to GitHub', () => vscode.postMessage({ type: 'signIn' }), { icon: 'account', key: 'signin', secondary: true }));
  return box;
}

function targets(report: Report): HTMLElement {
  const box = el('section', 'targets');
  box.setAttribute('aria-labelledby', 'targets-h');
  const met = report.targets.filter((t) => t.met === true).length;
  const judged = report.targets.filter((t) => t.met !== null).length;
  const h = el('h2', undefined, `Targets: ${met} of ${judged} met`);
  h.id = 'targets-h';
  box.append(h);
  const ul = el('ul');
  for (const t of report.targets) {
    const li = el('li', `verdict ${t.met === true ? 'met' : t.met === false ? 'missed' : 'nodata'}`);
    li.dataset.target = t.id;
    const mark = el('span', 'mark', verdictMark(t.met));
    mark.setAttribute('aria-hidden', 'true');
    li.append(mark, el('span', 'line', verdictText(t)), el('span', 'sr-only', ` (${verdictWords(t.met)})`));
    li.title = verdictLine(t);
    ul.append(li);
  }
  if (report.targets.length === 0) ul.append(el('li', 'nodata', 'No targets judged.'));
  box.append(ul);
  return box;
}

/** A table with a caption, column headers (scope col) and row headers (scope row). */
function table(caption: string, head: string[], rows: string[][], cls: string): HTMLElement {
  const wrap = el('div', `table-wrap ${cls}`);
  const t = el('table');
  t.append(el('caption', undefined, caption));
  const thead = el('thead');
  const hr = el('tr');
  for (const h of head) {
    const th = el('th', undefined, h);
    th.scope = 'col';
    hr.append(th);
  }
  thead.append(hr);
  const tbody = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    r.forEach((cell, i) => {
      if (i === 0) {
        const th = el('th', undefined, cell);
        th.scope = 'row';
        tr.append(th);
      } else tr.append(el('td', undefined, cell));
    });
    tbody.append(tr);
  }
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', 'nodata', `No data (${NA})`);
    td.colSpan = head.length;
    tr.append(td);
    tbody.append(tr);
  }
  t.append(thead, tbody);
  wrap.append(t);
  return wrap;
}

const OUTCOME: Record<'succeeded' | 'failed' | 'inProgress', string> = { succeeded: 'succeeded', failed: 'failed', inProgress: 'in progress' };

/** Every counted deployment of the window, newest first: those in progress are listed though not in the rates. */
function deploymentsTable(report: Report): HTMLElement {
  const box = el('section', 'deployments');
  const list = [...(report.list ?? [])].reverse();
  const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '–');
  const rows = list.map((d) => [
    when(d.createdAt),
    d.version ?? d.ref,
    `${OUTCOME[d.outcome]}${d.rollback ? ' (rollback)' : ''}${d.rolledBack ? ' (rolled back)' : ''}`,
    when(d.finishedAt),
    [...d.failureReasons, ...(d.steps > 1 ? [`${d.steps} steps`] : [])].join(' · '),
  ]);
  const inProgress = list.filter((d) => d.outcome === 'inProgress').length;
  box.append(table(`Deployments of ${report.environment} (${list.length}${inProgress ? `, ${inProgress} in progress` : ''})`, ['Started', 'Version', 'Outcome', 'Finished', 'Counts as a failed change because'], rows, 'list'));
  return box;
}

function figuresTable(report: Report): HTMLElement {
  const box = el('section', 'figures');
  const rows = figureRows(report).map((r) => [r.figure, r.value, r.basis]);
  for (const t of report.targets) rows.push([`Target: ${targetLabel(t)}`, formatActual(t), `${t.target} · ${verdictWords(t.met)}`]);
  if (report.interventions) rows.push(['Flag kill switches used', String(report.interventions.flagKills), 'interventions recorded in the decision log']);
  box.append(table(`All figures: ${report.environment}, ${windowLabel(report)}`, ['Figure', 'Value', 'Based on'], rows, 'all'));
  return box;
}

function chartsSection(report: Report): HTMLElement {
  const box = el('section', 'charts');
  const series = report.series ?? { weekly: [], leadTimes: [], recoveries: [] };
  const weekly = series.weekly;
  box.append(
    figure(
      'weekly',
      'Deployments per week',
      weekly.length ? `Deployments per week, ${weekly.length} weeks: ${countOf(report.deployments.failed, report.deployments.total, 'deployment')} failed, ${report.deployments.rolledBack} rolled back` : 'Deployments per week: no data',
      table('Deployments per week', ['Week', 'Succeeded', 'Failed', 'Rolled back'], weekly.map((w) => [w.week, String(w.succeeded), String(w.failed), String(w.rolledBack)]), 'weekly'),
      weekly.length > 0,
    ),
    figure(
      'lead',
      'Lead time for changes over time',
      series.leadTimes.length ? `Median lead time per deployment, ${series.leadTimes.length} deployments; overall median ${formatHours(report.leadTime.medianHours)}` : 'Lead time: no data',
      table('Lead time per deployment (median of its commits)', ['Deployed', 'Lead time'], series.leadTimes.map((p) => [p.at.replace('T', ' ').slice(0, 16), formatHours(p.medianHours)]), 'lead'),
      series.leadTimes.length > 0,
    ),
    figure(
      'recovery',
      'Failed deployment recovery times',
      series.recoveries.length ? `Recovery times of ${series.recoveries.length} failures; median ${formatMinutes(report.recovery.medianMinutes)}` : 'Recovery times: no data',
      table('Recovery time per failure', ['Recovered', 'Recovery time'], series.recoveries.map((p) => [p.at.replace('T', ' ').slice(0, 16), formatMinutes(p.minutes)]), 'recovery'),
      series.recoveries.length > 0,
    ),
  );
  return box;
}

function figure(id: string, title: string, summary: string, data: HTMLElement, hasData: boolean): HTMLElement {
  const f = el('figure', `chart-figure ${id}`);
  f.append(el('figcaption', undefined, title));
  const plot = el('div', 'plot');
  plot.id = `chart-${id}`;
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', summary);
  if (!hasData) plot.append(el('p', 'nodata', `${NA}: nothing to chart in this window.`));
  f.append(plot, data);
  return f;
}

function showCopied(): void {
  const status = root.querySelector('.status');
  if (!status) return;
  status.replaceChildren(el('span', 'copied', 'Copied the markdown report to the clipboard.'));
  clearTimeout(copiedTimer);
  copiedTimer = setTimeout(() => {
    if (state && !state.loading) root.querySelector('.status .copied')?.remove();
  }, 4000);
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = toMetricsWebview().safeParse(event.data);
  if (!parsed.success) return; // anything not ours is ignored
  if (parsed.data.type === 'copied') showCopied();
  else render(parsed.data.state);
});
watchTheme(root);
vscode.postMessage({ type: 'ready' });
