import * as assert from 'node:assert/strict';
import { fixOf } from '../../../src/shared/checklistRows';
import { announceState, announceToWebview, parseAnnounceFromWebview, sendState, type AnnounceState, type AudienceView } from '../../../src/shared/announceProtocol';

const audience = (over: Partial<AudienceView> = {}): AudienceView => ({
  audience: 'internal',
  template: '# {{version}}',
  templateSource: 'built-in internal template',
  edited: false,
  markdown: '# 1.2.0',
  slack: { text: '1.2.0', blocks: [{ type: 'header', text: '1.2.0' }] },
  email: { subject: 'Release 1.2.0', text: '1.2.0' },
  channels: [{ id: 'file', kind: 'file', label: 'release-announcements/1.2.0/internal.md' }],
  error: null,
  ...over,
});
const state = (over: Partial<AnnounceState> = {}): AnnounceState => ({ repo: 'demo', version: '1.2.0', stage: 'notice', planned: null, trusted: true, busy: false, audiences: [audience()], results: null, notice: null, ...over });

describe('the announce preview protocol', () => {
  it('accepts exactly the messages of the preview', () => {
    assert.equal(parseAnnounceFromWebview({ type: 'ready' }).ok, true);
    assert.equal(parseAnnounceFromWebview({ type: 'send' }).ok, true);
    assert.equal(parseAnnounceFromWebview({ type: 'edit', audience: 'support', template: 'x' }).ok, true);
    assert.equal(parseAnnounceFromWebview({ type: 'reset', audience: 'external' }).ok, true);
  });

  it('rejects unknown types, unknown audiences, extra fields, prototype keys and huge payloads', () => {
    const rejected = [
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'edit', audience: 'everyone', template: 'x' },
      { type: 'send', channel: 'slack' },
      { type: 'edit', audience: 'internal' },
      JSON.parse('{"type":"send","__proto__":{"polluted":true}}'),
      { type: 'edit', audience: 'internal', template: 'x'.repeat(300 * 1024) },
      null,
      'send',
    ];
    for (const m of rejected) assert.equal(parseAnnounceFromWebview(m).ok, false, JSON.stringify(m)?.slice(0, 80));
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('validates what the host sends (a state with an unknown stage is refused)', () => {
    assert.doesNotThrow(() => announceToWebview().parse({ type: 'state', state: state() }));
    assert.throws(() => announceState().parse({ ...state(), stage: 'maybe' }));
    assert.throws(() => announceState().parse({ ...state(), secret: 'x' }));
  });

  it('enables Send only when trusted, idle, with a channel and no template error, and says why not', () => {
    assert.deepEqual(sendState(state()), { enabled: true, reason: null });
    assert.match(sendState(state({ trusted: false })).reason ?? '', /Restricted Mode/);
    assert.equal(sendState(state({ busy: true })).enabled, false);
    assert.match(sendState(state({ audiences: [audience({ error: 'unknown variable' })] })).reason ?? '', /internal template has an error/);
    assert.match(sendState(state({ audiences: [audience({ channels: [] })] })).reason ?? '', /No channel/);
    assert.match(sendState(state({ audiences: [] })).reason ?? '', /No audience/);
  });

  it('labels the notice gate\'s fix button Send notice now (the checklist row)', () => {
    const row = { id: 'notice', title: 'Stakeholder notice', kind: 'notice', required: true, status: 'fail' as const, reason: 'missing notice for internal', canFix: true, fixAction: 'sendNotice' as const, fixLabel: 'Send notice now: release-manager announce …', manual: false };
    assert.deepEqual(fixOf(row), { text: 'Send notice now: release-manager announce …', button: 'Send notice now' });
    assert.equal(fixOf({ ...row, canFix: false }).button, null);
  });
});
