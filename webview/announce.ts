// The announce preview webview. State lives in the extension host: this script draws what the host sends
// (markdown and Slack mrkdwn read into plain text blocks, every text set with textContent, links shown,
// never followed) and reports edits of a template and the Send click. The host confirms natively and sends.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { announceToWebview, sendState, type AnnounceFromWebview, type AnnounceState, type AudienceView, type ResultView } from '../src/shared/announceProtocol';
import { markdownBlocks, slackSpans, type Block, type Span } from '../src/shared/markdownBlocks';

interface VsCodeApi {
  postMessage(message: AnnounceFromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
/** One textarea per audience, kept across renders so typing is never interrupted. */
const editors = new Map<string, HTMLTextAreaElement>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, cls?: string, text?: string): HTMLElement;
function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, onClick: () => void, opts: { secondary?: boolean; icon?: string; title?: string; disabled?: boolean } = {}): HTMLElement {
  const b = el('vscode-button');
  b.textContent = label;
  if (opts.secondary) b.setAttribute('secondary', '');
  if (opts.icon) b.setAttribute('icon', opts.icon);
  if (opts.title) b.setAttribute('title', opts.title);
  if (opts.disabled) b.setAttribute('disabled', '');
  b.addEventListener('click', onClick);
  return b;
}

function spans(parent: HTMLElement, list: Span[]): HTMLElement {
  for (const s of list) {
    if (s.kind === 'text') parent.append(document.createTextNode(s.text));
    else if (s.kind === 'link') {
      // A link is shown as text with its target beside it: nothing in an announcement is followed from here.
      const a = el('span', 'link', s.text);
      a.title = s.href;
      parent.append(a, el('span', 'href', ` (${s.href})`));
    } else parent.append(el(s.kind === 'strong' ? 'strong' : s.kind === 'em' ? 'em' : 'code', undefined, s.text));
  }
  return parent;
}

function blocks(parent: HTMLElement, list: Block[]): HTMLElement {
  for (const b of list) {
    switch (b.kind) {
      case 'heading':
        parent.append(spans(el(`h${Math.min(6, b.level + 2)}`), b.spans));
        break;
      case 'paragraph':
        parent.append(spans(el('p'), b.spans));
        break;
      case 'quote':
        parent.append(spans(el('blockquote'), b.spans));
        break;
      case 'code':
        parent.append(el('pre', undefined, b.text));
        break;
      case 'rule':
        parent.append(el('hr'));
        break;
      case 'list': {
        const ul = el('ul');
        for (const item of b.items) ul.append(spans(el('li'), item));
        parent.append(ul);
        break;
      }
    }
  }
  return parent;
}

function editorFor(a: AudienceView): HTMLTextAreaElement {
  let ta = editors.get(a.audience);
  if (!ta) {
    ta = el('textarea', 'template');
    ta.spellcheck = false;
    ta.setAttribute('aria-label', `Template of the ${a.audience} announcement`);
    ta.dataset.audience = a.audience;
    const area = ta;
    area.addEventListener('input', () => {
      clearTimeout(timers.get(a.audience));
      timers.set(
        a.audience,
        setTimeout(() => vscode.postMessage({ type: 'edit', audience: a.audience, template: area.value }), 350),
      );
    });
    editors.set(a.audience, ta);
  }
  // The host's text wins unless the person is typing in it right now.
  if (document.activeElement !== ta && !timers.has(a.audience)) ta.value = a.template;
  return ta;
}

function slackPreview(a: AudienceView): HTMLElement {
  const box = el('div', 'slack');
  box.setAttribute('aria-label', `Slack message to ${a.audience}`);
  const head = el('div', 'slack-head');
  head.append(el('span', 'slack-app', 'Release Manager'), el('span', 'slack-badge', 'APP'));
  box.append(head);
  for (const b of a.slack.blocks) {
    if (b.type === 'header') box.append(el('div', 'slack-header', b.text));
    else if (b.type === 'section') {
      const sec = el('div', 'slack-section');
      for (const line of b.text.split('\n')) sec.append(spans(el('div', 'slack-line'), slackSpans(line)));
      box.append(sec);
    } else box.append(spans(el('div', 'slack-context'), slackSpans(b.text)));
  }
  return box;
}

function audienceSection(a: AudienceView, state: AnnounceState): HTMLElement {
  const sec = el('section', 'audience');
  sec.dataset.audience = a.audience;
  const head = el('header', 'audience-head');
  head.append(el('h2', undefined, a.audience));
  head.append(el('span', 'channels', a.channels.length > 0 ? `→ ${a.channels.map((c) => `${c.kind}: ${c.label}`).join(' · ')}` : '→ no channel receives this audience'));
  sec.append(head);
  const grid = el('div', 'grid');
  const edit = el('div', 'pane edit');
  edit.append(el('h3', undefined, `Template (${a.templateSource})`));
  edit.append(editorFor(a));
  const bar = el('div', 'toolbar');
  bar.append(button('Reset', () => {
    clearTimeout(timers.get(a.audience));
    timers.delete(a.audience);
    vscode.postMessage({ type: 'reset', audience: a.audience });
  }, { secondary: true, disabled: !a.edited || state.busy, title: 'Back to the repository\'s (or the built-in) template' }));
  bar.append(el('span', 'hint', a.edited ? 'Edited here: the send uses this text.' : 'Edit the template: the preview follows, and the send uses what you see.'));
  edit.append(bar);
  const view = el('div', 'pane view');
  if (a.error !== null) {
    view.append(el('p', 'error', a.error));
  } else {
    view.append(el('h3', undefined, 'Markdown'));
    view.append(blocks(el('article', 'markdown'), markdownBlocks(a.markdown)));
    if (a.channels.some((c) => c.kind === 'slack')) {
      view.append(el('h3', undefined, 'Slack'));
      view.append(slackPreview(a));
    }
    if (a.channels.some((c) => c.kind === 'email')) {
      view.append(el('h3', undefined, 'E-mail'));
      const mail = el('div', 'email');
      const subject = el('div', 'subject');
      subject.append(el('span', 'label', 'Subject: '), el('strong', undefined, a.email.subject));
      mail.append(subject, el('pre', 'email-text', a.email.text));
      view.append(mail);
    }
  }
  grid.append(edit, view);
  sec.append(grid);
  return sec;
}

function resultsTable(results: ResultView[]): HTMLElement {
  const table = el('table', 'results');
  table.setAttribute('aria-label', 'What the send did');
  const head = el('tr');
  for (const h of ['Audience', 'Channel', 'Result', 'Details']) head.append(el('th', undefined, h));
  table.append(head);
  for (const r of results) {
    const tr = el('tr', `result ${r.status}`);
    tr.append(el('td', undefined, r.audience), el('td', undefined, `${r.channelKind} (${r.channel})`), el('td', 'status', r.status.replace('-', ' ')), el('td', undefined, r.message));
    table.append(tr);
  }
  return table;
}

function render(state: AnnounceState): void {
  // Edits that the host has now rendered are no longer pending.
  for (const a of state.audiences) {
    const ta = editors.get(a.audience);
    if (ta && ta.value === a.template) timers.delete(a.audience);
  }
  app.setAttribute('aria-busy', state.busy ? 'true' : 'false');
  app.replaceChildren();
  const header = el('header', 'top');
  header.append(el('h1', undefined, `${state.stage === 'notice' ? 'Notice' : state.stage.replace('-', ' ')}: ${state.repo} ${state.version}`));
  if (state.planned) header.append(el('div', 'planned', `Planned deploy: ${state.planned.utc} · ${state.planned.zoned}`));
  app.append(header);
  const bar = el('div', 'toolbar');
  const can = sendState(state);
  bar.append(button('Send…', () => vscode.postMessage({ type: 'send' }), { icon: 'send', disabled: !can.enabled, ...(can.reason ? { title: can.reason } : {}) }));
  if (can.reason) bar.append(el('span', 'disabled-reason', can.reason));
  app.append(bar);
  if (state.notice) {
    const n = el('p', 'notice', state.notice);
    n.setAttribute('role', 'status');
    app.append(n);
  }
  if (state.results && state.results.length > 0) app.append(resultsTable(state.results));
  for (const a of state.audiences) app.append(audienceSection(a, state));
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = announceToWebview().safeParse(event.data);
  if (!parsed.success) return; // anything not ours is ignored
  render(parsed.data.state);
});
vscode.postMessage({ type: 'ready' });
